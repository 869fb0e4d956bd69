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
    from remediate.cli.render import run_summary

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


# --- MetaStudio API: fetch, jobs, run --job-id (issue 3) --------------------------
# Secrets come from the environment only (never as option values) and are read here,
# in the CLI layer; the library receives them as Credentials objects whose repr hides them.

ENV_AK = "HUAWEICLOUD_SDK_AK"
ENV_SK = "HUAWEICLOUD_SDK_SK"
ENV_SECURITY_TOKEN = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
ENV_PROJECT_ID = "HUAWEICLOUD_SDK_PROJECT_ID"
ENV_AUTH_TOKEN = "HUAWEICLOUD_AUTH_TOKEN"
ENV_ENDPOINT = "METASTUDIO_ENDPOINT"
API_OPTION_NAMES = (
    "project_id",
    "region",
    "endpoint",
    "connect_timeout",
    "read_timeout",
    "max_attempts",
    "max_retry_time",
)


def api_options(f: F) -> F:
    """Options shared by every command that calls the MetaStudio API."""
    options = [
        click.option(
            "--project-id",
            envvar=ENV_PROJECT_ID,
            show_envvar=True,
            default=None,
            help="Huawei Cloud project id of the region.",
        ),
        click.option(
            "--region",
            type=click.Choice(["cn-north-4", "cn-east-3", "ap-southeast-3"]),
            default="cn-north-4",
            show_default=True,
            help="MetaStudio region (sets the endpoint).",
        ),
        click.option(
            "--endpoint",
            envvar=ENV_ENDPOINT,
            show_envvar=True,
            default=None,
            metavar="URL",
            help="API base URL, overriding --region (https; http for loopback test servers).",
        ),
        click.option(
            "--connect-timeout",
            type=click.FloatRange(0.1, 600),
            default=10.0,
            show_default=True,
            help="Seconds to wait for a connection.",
        ),
        click.option(
            "--read-timeout",
            type=click.FloatRange(0.1, 3600),
            default=60.0,
            show_default=True,
            help="Seconds to wait for response data.",
        ),
        click.option(
            "--max-attempts",
            type=click.IntRange(1, 20),
            default=5,
            show_default=True,
            help="Attempts per call on 429/5xx, timeouts and dropped connections.",
        ),
        click.option(
            "--max-retry-time",
            type=click.FloatRange(1, 3600),
            default=120.0,
            show_default=True,
            help="Seconds one call may spend retrying, in total.",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _credentials_from_env() -> Any:
    """AK/SK (+ security token) or an IAM token from the environment; never echoed."""
    import os

    from remediate.errors import CredentialsError
    from remediate.metastudio.client import AkSkCredentials, TokenCredentials

    ak = os.environ.get(ENV_AK, "").strip()
    sk = os.environ.get(ENV_SK, "").strip()
    token = os.environ.get(ENV_SECURITY_TOKEN, "").strip() or None
    if ak or sk:
        missing = [name for name, value in ((ENV_AK, ak), (ENV_SK, sk)) if not value]
        if missing:
            raise CredentialsError(
                f"{missing[0]} is not set (AK/SK signing needs both {ENV_AK} and {ENV_SK})"
            )
        return AkSkCredentials(ak, sk, token)
    auth_token = os.environ.get(ENV_AUTH_TOKEN, "").strip()
    if auth_token:
        return TokenCredentials(auth_token)
    raise CredentialsError(
        "no MetaStudio credentials in the environment",
        hint=f"set {ENV_AK} and {ENV_SK} (plus {ENV_SECURITY_TOKEN} for temporary keys), "
        f"or {ENV_AUTH_TOKEN}",
    )


def _api_client(opts: dict[str, Any]) -> Any:
    """Build the API client from the API options (popped from ``opts``) and the environment."""
    from remediate.errors import ConfigError
    from remediate.metastudio.client import (
        ClientSettings,
        MetaStudioClient,
        RetryPolicy,
        endpoint_for,
    )

    api = {name: opts.pop(name) for name in API_OPTION_NAMES}
    credentials = _credentials_from_env()
    if not api["project_id"]:
        raise ConfigError("no project id", hint=f"pass --project-id or set {ENV_PROJECT_ID}")
    settings = ClientSettings(
        endpoint=api["endpoint"] or endpoint_for(api["region"]),
        project_id=api["project_id"],
        connect_timeout_s=api["connect_timeout"],
        read_timeout_s=api["read_timeout"],
        retry=RetryPolicy(max_attempts=api["max_attempts"], max_total_s=api["max_retry_time"]),
    )
    import os

    secret_names = (ENV_AK, ENV_SK, ENV_SECURITY_TOKEN, ENV_AUTH_TOKEN)
    redact = [os.environ.get(name, "").strip() for name in secret_names]
    return MetaStudioClient(settings, credentials, redact=[v for v in redact if v])


@cli.command("fetch")
@click.option("--job-id", required=True, help="MetaStudio voice-training job id.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder for the fetched files (created if missing).",
)
@click.option(
    "--no-attachment", is_flag=True, help="Do not download the manual reviewer's attachment."
)
@click.option("--json", "as_json", is_flag=True, help="Print fetch.json on stdout.")
@api_options
def fetch_command(job_id: str, out: Path, no_attachment: bool, as_json: bool, **opts: Any) -> None:
    """Fetch a job's audit result from MetaStudio and keep it with provenance.

    Writes into --out: audit-result.json (exactly as received), job.json (the job
    detail), audit_errors.parquet, fetch.json (endpoint, job id, time, HTTP status,
    request id) and attachments/ (the reviewer's attachment, if any). Credentials come
    from HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK [/ HUAWEICLOUD_SDK_SECURITY_TOKEN] or
    HUAWEICLOUD_AUTH_TOKEN.

    Example:

    \b
        remediate fetch --job-id 1234abcd --project-id 0a1b2c --out out/job-1234
    """
    from remediate import fetch

    with _errors():
        with _api_client(opts) as client:
            outcome = fetch.fetch(client, job_id, out, attachment=not no_attachment)
    for warning in outcome.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(outcome.provenance, ensure_ascii=False))
        return
    job = outcome.fetched.job
    click.echo(
        f"Job {job_id}: {job.state or '?'} ({job.job_type or '?'}), "
        f"{outcome.provenance['audit']['system_errors']} audit errors; written to {out}",
        err=True,
    )


@cli.command("jobs")
@click.option(
    "--state",
    default=None,
    help="Only jobs in these states, comma-separated (AUDIT_FAILED,FAILED).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the jobs as one JSON document.")
@api_options
def jobs_command(state: str | None, as_json: bool, **opts: Any) -> None:
    """List voice-training jobs (every page), as a table or JSON.

    Example:

    \b
        remediate jobs --state AUDIT_FAILED --project-id 0a1b2c
    """
    from remediate.cli.render import table
    from remediate.fetch import format_time

    with _errors():
        with _api_client(opts) as client:
            jobs = client.list_jobs(state=state)
    if as_json:
        doc = {"count": len(jobs), "jobs": [job.to_dict() for job in jobs]}
        click.echo(json.dumps(doc, ensure_ascii=False))
        return
    rows = [
        [
            j.job_id,
            j.job_type,
            j.state,
            j.voice_name,
            j.language,
            j.reject_times,
            format_time(j.create_time),
            format_time(j.lastupdate_time),
        ]
        for j in jobs
    ]
    headers = ["job_id", "type", "state", "voice", "lang", "rejected", "created", "updated"]
    click.echo(table(headers, rows, max_width=40))
    click.echo(f"{len(jobs)} job{'s' if len(jobs) != 1 else ''}", err=True)


# --- end MetaStudio API -------------------------------------------------------------


@cli.command("run")
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
@api_options
def run_command(
    audit_file: Path | None, job_id: str | None, as_json: bool, fail_on: str, **opts: Any
) -> None:
    """Run the main job: audit result + corpus → report, findings, manifest, summary.

    Writes into --out: audit-result.json (the audit as read, byte for byte),
    audit_errors.parquet, findings.parquet, measurements.parquet, report.parquet,
    manifest.csv (the pairs to resubmit) and summary.json. A table goes to stderr;
    with --json the summary goes to stdout. Exits 0 when the run completed, whatever
    it found (see --fail-on).

    With --job-id the audit result is fetched from MetaStudio (see `remediate fetch`;
    job.json, fetch.json and any attachment are added to --out); --edition defaults
    from the job's type and --language from the job's language.

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123
        remediate run --job-id 1234abcd --corpus corpus/ --out out/job-1234
    """
    from remediate import pipeline

    if audit_file is not None and job_id is not None:
        raise click.UsageError("give either --audit-file or --job-id, not both")
    if audit_file is None and job_id is None:
        raise click.UsageError("give the audit result with --audit-file FILE or --job-id ID")
    progress = Progress("Scanning", enabled=True)
    with _errors():
        try:
            if job_id is not None:
                from remediate import fetch

                edition_given = opts["edition"] is not None
                with _api_client(opts) as client:
                    config = _build_config(job_id=job_id, **opts)
                    result, outcome = fetch.run_job(
                        client, config, job_id, edition_given=edition_given, progress=progress
                    )
                for warning in outcome.warnings:
                    click.echo(f"Warning: {warning}", err=True)
            else:
                for name in API_OPTION_NAMES:
                    opts.pop(name)
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
    from remediate.cli.render import table

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


# --- fix: repair and repackage (remediate.fix.apply) --------------------------------------------


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
    from remediate.fix import apply as fixes

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
