"""The corpus commands: ``run`` (audit result + corpus) and ``scan`` (corpus alone)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from remediate.cli.api import api_client
from remediate.cli.options import API_OPTION_NAMES, api_options, corpus_options, errors
from remediate.cli.progress import Progress
from remediate.cli.report import write_html
from remediate.errors import EXIT_FINDINGS


def build_config(
    *,
    corpus: Path,
    out: Path,
    edition: str | None,
    overrides: tuple[str, ...],
    language: str | None,
    loudness: bool,
    jobs: int,
    dnsmos: bool = False,
    cache_dir: Path | None,
    no_cache: bool,
    skip_checks: tuple[str, ...] = (),
    only_checks: tuple[str, ...] = (),
    audit_file: Path | None = None,
    job_id: str | None = None,
) -> Any:
    """One :class:`~remediate.config.Config` from the ``corpus_options`` values."""
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
        dnsmos=dnsmos,
        jobs=jobs,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        job_id=job_id,
        skip_checks=tuple(skip_checks),
        only_checks=tuple(only_checks),
    )


html_option = click.option(
    "--html",
    is_flag=True,
    help="Also write OUT/report.html to read and listen to (as `remediate report`).",
)


fix_option = click.option(
    "--fix",
    "then_fix",
    is_flag=True,
    help="Then write the fixed corpus and package.zip into OUT-fixed (as `remediate fix "
    "--rename-for-edition --zip`): one command from audit failure to resubmission.",
)


def fixed_dir(out: Path) -> Path:
    """Where ``--fix`` writes: OUT-fixed, beside OUT (where `remediate report` looks)."""
    return out.with_name(out.name + "-fixed")


def fix_run(result: Any) -> dict[str, Any]:
    """``--fix``: the fix of the run just written, into OUT-fixed; its summary."""
    from remediate.cli.fix import fix_with_progress
    from remediate.fix import command as fixes

    out = result.config.out
    options = fixes.FixOptions(
        run_dir=out,
        dest=fixed_dir(out),
        rename_for_edition=True,
        make_zip=True,
        jobs=result.config.jobs,
    )
    summary: dict[str, Any] = fix_with_progress(options).summary
    return summary


def finish(result: Any, as_json: bool, fail_on: str, html: bool = False, fix: bool = False) -> None:
    """Render a run result, then (when asked) fix it into OUT-fixed and write its HTML
    report, and exit with the code ``--fail-on`` asks for (from the run's verdicts)."""
    from remediate import columns as C
    from remediate.cli.fix_render import summary_text
    from remediate.cli.render import run_summary, terminal_width

    summary = result.summary
    fixed = fix_run(result) if fix else None
    if as_json:
        document = summary if fixed is None else {**summary, "fix": fixed}
        click.echo(json.dumps(document, ensure_ascii=False, default=str))
    else:
        text = run_summary(summary, C.records(result.report), width=terminal_width())
        if fixed is not None:  # done already: no "Next: remediate fix ..." hint
            text = "\n".join(line for line in text.splitlines() if not line.startswith("Next: "))
        click.echo(text, err=True)
        comparison = summary.get("assess", {}).get("comparison")
        if comparison:
            from remediate.cli.assess import comparison_table

            click.echo("\n" + comparison_table(comparison), err=True)
        if fixed is not None:
            click.echo("\nFix (" + str(fixed_dir(result.config.out)) + "):", err=True)
            click.echo(summary_text(fixed), err=True)
    findings = result.findings
    for message in findings.loc[findings[C.CHECK] == "audit-matches-nothing", C.MESSAGE]:
        click.echo(f"Warning: {message}", err=True)  # last, where it is seen (also with --json)
    if html:
        with errors():
            write_html(result.config.out, None, "auto")
    verdicts = summary["verdicts"]
    blocking = {"never": [], "drop": [C.VERDICT_DROP], "fix": [C.VERDICT_DROP, C.VERDICT_FIX]}
    if any(verdicts.get(v, 0) for v in blocking[fail_on]):
        sys.exit(EXIT_FINDINGS)


@click.command("run")
@click.option(
    "--audit-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Saved ShowJobAuditResult response (JSON).",
)
@click.option(
    "--job-id",
    default=None,
    help="Fetch the audit result of this job from MetaStudio instead (edition from its type).",
)
@corpus_options
@html_option
@fix_option
@api_options
def run_command(
    audit_file: Path | None,
    job_id: str | None,
    as_json: bool,
    fail_on: str,
    html: bool,
    then_fix: bool,
    **opts: Any,
) -> None:
    """Run the main job: audit result + corpus → report, findings, manifest, summary.

    Writes into --out: audit-result.json (the audit as read, byte for byte),
    audit_errors.parquet, findings.parquet, measurements.parquet, report.parquet,
    manifest.csv (the pairs to resubmit) and summary.json (and report.html with
    --html). A table goes to stderr;
    with --json the summary goes to stdout. Exits 0 when the run completed, whatever
    it found (see --fail-on).

    With --job-id the audit result is fetched from MetaStudio (see `remediate fetch`;
    job.json, fetch.json and any attachment are added to --out); --edition defaults
    from the job's type and --language from the job's language. With --fix the run is
    then fixed into OUT-fixed (renamed for the edition, zipped) and, with --html, the
    report shows each fixed pair before and after.

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123 --html
        remediate run --job-id 1234abcd --corpus corpus/ --out out/job-1234 --fix --html
    """
    from remediate import pipeline

    if audit_file is not None and job_id is not None:
        raise click.UsageError("give either --audit-file or --job-id, not both")
    if audit_file is None and job_id is None:
        raise click.UsageError("give the audit result with --audit-file FILE or --job-id ID")
    progress = Progress("Decoding audio")
    with errors():
        try:
            if job_id is not None:
                from remediate import fetch

                edition_given = opts["edition"] is not None
                with api_client(opts) as client:
                    config = build_config(job_id=job_id, **opts)
                    result, outcome = fetch.run_job(
                        client, config, job_id, edition_given=edition_given, progress=progress
                    )
                for warning in outcome.warnings:
                    click.echo(f"Warning: {warning}", err=True)
            else:
                for name in API_OPTION_NAMES:
                    opts.pop(name)
                config = build_config(audit_file=audit_file, **opts)
                result = pipeline.run(config, progress=progress)
        finally:
            progress.close()
    finish(result, as_json, fail_on, html, then_fix)


@click.command("scan")
@corpus_options
@html_option
@fix_option
def scan_command(as_json: bool, fail_on: str, html: bool, then_fix: bool, **opts: Any) -> None:
    """Check a corpus without an audit result (the corpus stages alone).

    Writes findings.parquet, measurements.parquet, report.parquet, manifest.csv and
    summary.json (and report.html with --html) into --out. Use it before the first
    upload, or after fixing.

    Example:

    \b
        remediate scan --corpus corpus/ --out out/precheck --edition middle
    """
    from remediate import pipeline

    progress = Progress("Decoding audio")
    with errors():
        try:
            result = pipeline.scan(build_config(**opts), progress=progress)
        finally:
            progress.close()
    finish(result, as_json, fail_on, html, then_fix)
