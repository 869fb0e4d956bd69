"""The ``remediate`` command line: a thin layer over :mod:`remediate.pipeline`.

Commands parse options, build one :class:`~remediate.config.Config`, call one library
function, render the result (a table on stderr, or one JSON document on stdout with
``--json``) and map :class:`~remediate.errors.RemediateError` to its exit code.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from remediate._version import __version__
from remediate.errors import EXIT_CODES, EXIT_FINDINGS, EXIT_INTERRUPTED, RemediateError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODE_HELP = "\n".join(f"  {code:>3}  {text}" for code, text in sorted(EXIT_CODES.items()))


class RemediateClickError(click.ClickException):
    """A RemediateError shown as one ``Error: ...`` line with its own exit code."""

    def __init__(self, error: RemediateError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]


@contextmanager
def _errors() -> Iterator[None]:
    """Map library errors to exit codes; Ctrl-C to 130 without a traceback."""
    try:
        yield
    except RemediateError as exc:
        raise RemediateClickError(exc) from None
    except KeyboardInterrupt:
        click.echo("Interrupted; no half-written output was left.", err=True)
        sys.exit(EXIT_INTERRUPTED)


class Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None
        self.last = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total == 0:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.last)
        self.last = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def corpus_options(f: F) -> F:
    """Options shared by every command that scans a corpus."""
    options = [
        click.option(
            "--corpus",
            type=click.Path(path_type=Path, file_okay=False),
            required=True,
            help="Folder of audio/text pairs (audio_N.wav/text_N.txt or N.wav/N.txt). Never modified.",
        ),
        click.option(
            "--out",
            type=click.Path(path_type=Path, file_okay=False),
            required=True,
            help="Output folder (created if missing; must be outside the corpus).",
        ),
        click.option(
            "--edition",
            type=click.Choice(["basic", "middle", "advance", "flexus"]),
            default=None,
            help="Edition profile of thresholds.  [default: basic]",
        ),
        click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="SECTION.KEY=VALUE",
            help="Override a profile threshold, e.g. --set duration.max_s=12 (repeatable).",
        ),
        click.option(
            "--language",
            type=click.Choice(["CN", "EN"], case_sensitive=False),
            default=None,
            help="Job language: flag transcripts in another script.",
        ),
        click.option(
            "--loudness/--no-loudness",
            default=False,
            help="Also measure integrated loudness (LUFS; needs pyloudnorm, the costly step).",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(0, 256),
            default=0,
            show_default=True,
            help="Worker processes for the scan (0 = one per core).",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(path_type=Path, file_okay=False),
            default=None,
            help="Scan cache folder.  [default: $XDG_CACHE_HOME/remediate]",
        ),
        click.option(
            "--no-cache", is_flag=True, help="Measure every file again; do not use the cache."
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print the summary as one JSON document on stdout.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["never", "drop", "fix"]),
            default="never",
            show_default=True,
            help="Exit 1 when pairs with this verdict (or worse) remain: for schedulers.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _build_config(
    *,
    corpus: Path,
    out: Path,
    edition: str | None,
    overrides: tuple[str, ...],
    language: str | None,
    loudness: bool,
    jobs: int,
    cache_dir: Path | None,
    no_cache: bool,
    audit_file: Path | None = None,
    job_id: str | None = None,
) -> Any:
    from remediate.config import Config
    from remediate.profiles import DEFAULT_EDITION
    from remediate.scan import default_cache_dir

    return Config(
        corpus=corpus,
        out=out,
        audit_file=audit_file,
        edition=edition or DEFAULT_EDITION,
        overrides=tuple(overrides),
        language=language.upper() if language else None,
        loudness=loudness,
        jobs=jobs,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        job_id=job_id,
    )


def _finish(result: Any, as_json: bool, fail_on: str) -> None:
    """Render a run result and exit with the code ``--fail-on`` asks for."""
    from remediate import columns as C
    from remediate.render import run_summary

    summary = result.summary
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, default=str))
    else:
        click.echo(run_summary(summary, C.records(result.report)), err=True)
    verdicts = summary["verdicts"]
    blocking = {"never": [], "drop": [C.VERDICT_DROP], "fix": [C.VERDICT_DROP, C.VERDICT_FIX]}
    if any(verdicts.get(v, 0) for v in blocking[fail_on]):
        sys.exit(EXIT_FINDINGS)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    # \b keeps click from rewrapping the table into one paragraph.
    epilog=f"Exit codes:\n\n\b\n{EXIT_CODE_HELP}",
)
@click.version_option(__version__, prog_name="remediate")
def cli() -> None:
    """Turn a failed MetaStudio voice-training audit into a corpus that passes next time.

    Reads the audit result (a saved JSON file, or fetched from the API), checks every
    audio/text pair of the local corpus, decides keep / fix / drop per pair with
    reasons, and writes a Parquet report and a cleaned resubmission manifest.

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123
    """


@cli.command("run")
@click.option(
    "--audit-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Saved ShowJobAuditResult response (JSON).",
)
@corpus_options
def run_command(audit_file: Path | None, as_json: bool, fail_on: str, **opts: Any) -> None:
    """Run the main job: audit result + corpus → report, findings, manifest, summary.

    Writes into --out: audit-result.json (the audit as read, byte for byte),
    audit_errors.parquet, findings.parquet, measurements.parquet, report.parquet,
    manifest.csv (the pairs to resubmit) and summary.json. A table goes to stderr;
    with --json the summary goes to stdout. Exits 0 when the run completed, whatever
    it found (see --fail-on).

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123
    """
    from remediate import pipeline

    if audit_file is None:
        raise click.UsageError("give the audit result with --audit-file FILE")
    progress = Progress("Scanning", enabled=True)
    with _errors():
        try:
            config = _build_config(audit_file=audit_file, **opts)
            result = pipeline.run(config, progress=progress)
        finally:
            progress.close()
    _finish(result, as_json, fail_on)


@cli.command("scan")
@corpus_options
def scan_command(as_json: bool, fail_on: str, **opts: Any) -> None:
    """Check a corpus without an audit result (the corpus stages alone).

    Writes findings.parquet, measurements.parquet, report.parquet, manifest.csv and
    summary.json into --out. Use it before the first upload, or after fixing.

    Example:

    \b
        remediate scan --corpus corpus/ --out out/precheck --edition middle
    """
    from remediate import pipeline

    progress = Progress("Scanning", enabled=True)
    with _errors():
        try:
            result = pipeline.scan(_build_config(**opts), progress=progress)
        finally:
            progress.close()
    _finish(result, as_json, fail_on)


@cli.command("checks")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def checks_command(as_json: bool) -> None:
    """List every check code with its usual severity and whether the fix stage repairs it.

    Example:

    \b
        remediate checks
    """
    from remediate.checks import CHECKS
    from remediate.render import table

    if as_json:
        click.echo(json.dumps([vars(c) for c in CHECKS.values()], indent=2))
        return
    rows = [
        [c.code, c.severity, "yes" if c.fixable else "no", c.description] for c in CHECKS.values()
    ]
    click.echo(table(["check", "severity", "fixable", "meaning"], rows, max_width=100))


@cli.command("profile")
@click.argument(
    "edition", type=click.Choice(["basic", "middle", "advance", "flexus"]), default="basic"
)
def profile_command(edition: str) -> None:
    """Print an edition profile: every threshold, and where each comes from.

    Override any value in a run with --set SECTION.KEY=VALUE.

    Example:

    \b
        remediate profile middle
    """
    from remediate.profiles import profile_text

    with _errors():
        click.echo(profile_text(edition), nl=False)


# --- fix: repair and repackage (remediate.fixes) --------------------------------------------


@cli.command("fix")
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
@click.option("--json", "as_json", is_flag=True, help="Print the summary (or plan) as JSON.")
def fix_command(
    run_dir: Path,
    dest: Path,
    dry_run: bool,
    rename_for_edition: bool,
    make_zip: bool,
    normalize_loudness: bool,
    fail_on_count: bool,
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
    from remediate import fixes

    options = fixes.FixOptions(
        run_dir=run_dir,
        dest=dest,
        dry_run=dry_run,
        rename_for_edition=rename_for_edition,
        make_zip=make_zip,
        normalize_loudness=normalize_loudness,
    )
    with _errors():
        result = fixes.fix(options)
    if dry_run:
        if as_json:
            plan = [
                {**row, "parameters": json.loads(row["parameters"])}
                for row in result.plan.to_dict("records")
            ]
            click.echo(json.dumps({**result.summary, "plan": plan}, ensure_ascii=False))
        else:
            click.echo(fixes.plan_text(result.plan), err=True)
            click.echo("Dry run: nothing was written.", err=True)
        return
    if as_json:
        click.echo(json.dumps(result.summary, ensure_ascii=False, default=str))
    else:
        click.echo(fixes.summary_text(result.summary), err=True)
    if fail_on_count and result.summary["edition"].get("count_met") is False:
        sys.exit(EXIT_FINDINGS)


# --- end of fix ----------------------------------------------------------------------------------


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="remediate")
