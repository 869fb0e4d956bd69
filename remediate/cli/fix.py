"""``fix``: write a repaired copy of the corpus from a run's verdicts (remediate.fix.command)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from remediate.cli.options import errors, json_option
from remediate.cli.progress import Progress
from remediate.cli.render import terminal_width
from remediate.errors import EXIT_FINDINGS


@click.command("fix")
@click.option(
    "--run-dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Output folder of an earlier `remediate run` or `scan` (corpus, edition and overrides come from it).",
)
@click.option(
    "--dest",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the fixed corpus and its records (outside the corpus; replaced on rerun).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan (actions per pair); write nothing.")
@click.option(
    "--rename-for-edition",
    is_flag=True,
    help="Name the pairs 0.wav/0.txt, 1.wav/1.txt... in natural order (old names in the manifest).",
)
@click.option(
    "--zip", "make_zip", is_flag=True, help="Also build DEST/package.zip (only the pairs, flat)."
)
@click.option(
    "--normalize-loudness",
    is_flag=True,
    help="Normalise every resubmitted clip to the profile's LUFS target under its peak ceiling.",
)
@click.option(
    "--fail-on-count",
    is_flag=True,
    help="Exit 1 when the pairs written differ from the edition's required count.",
)
@click.option(
    "--jobs",
    type=click.IntRange(0, 256),
    default=0,
    show_default=True,
    help="Worker processes for the repairs and the re-check (0 = one per core).",
)
@json_option("the summary (or plan)")
def fix_command(
    run_dir: Path,
    dest: Path,
    dry_run: bool,
    rename_for_edition: bool,
    make_zip: bool,
    normalize_loudness: bool,
    fail_on_count: bool,
    jobs: int,
    as_json: bool,
) -> None:
    """Write a fixed copy of the corpus (and a zip to resubmit) from a run's verdicts.

    keep pairs are copied byte for byte, fix pairs repaired (downmix, resample, PCM_16,
    DC, edge silence, text encoding/BOM/whitespace), drop pairs left out and listed in
    dropped.csv. The fixed tree is scanned again with the same profile; a pair still
    failing is dropped ("fix did not resolve: ..."). DEST gets corpus/, fixes.parquet,
    manifest.csv, dropped.csv, summary.json and, with --zip, package.zip. It is built
    beside DEST and moved into place when complete. The original corpus is never
    written to.

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123
        remediate fix --run-dir out/job-123 --dest out/job-123-fixed --rename-for-edition --zip
    """
    from remediate.cli.fix_render import plan_text, summary_text
    from remediate.fix import command as fixes

    options = fixes.FixOptions(
        run_dir=run_dir,
        dest=dest,
        dry_run=dry_run,
        rename_for_edition=rename_for_edition,
        make_zip=make_zip,
        normalize_loudness=normalize_loudness,
        jobs=jobs,
    )
    result = fix_with_progress(options)
    if dry_run:
        if as_json:
            plan = [
                {**row, "parameters": json.loads(row["parameters"])}
                for row in result.plan.to_dict("records")
            ]
            click.echo(json.dumps({**result.summary, "plan": plan}, ensure_ascii=False))
        else:
            text = plan_text(result.plan, result.summary, terminal_width())
            click.echo(text, err=True)
            click.echo("Dry run: nothing was written.", err=True)
        return
    if as_json:
        click.echo(json.dumps(result.summary, ensure_ascii=False, default=str))
    else:
        click.echo(summary_text(result.summary), err=True)
    if fail_on_count and result.summary["edition"].get("exact_count_met") is False:
        sys.exit(EXIT_FINDINGS)


def fix_with_progress(options: Any) -> Any:
    """Run the fix with its progress bars on a terminal; a RemediateError ends the command
    with its one-line message and exit code."""
    from remediate.fix import command as fixes

    progress = Progress("Fixing")
    with errors():
        try:
            return fixes.fix(options, progress)
        finally:
            progress.close()
