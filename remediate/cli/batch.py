"""Scheduled remediation: ``init`` (the project file), ``batch`` (every failed job) and
``history`` (what changed between a job's audit rounds).

``batch`` logs with timestamps to stderr (the logging module) and exits with a code a
scheduler can act on: 0 all remediated, 12 nothing to do, 13 some jobs need people,
14 some jobs failed, 15 another batch holds the lock.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from remediate.cli.options import api_options, errors, json_option

DEFAULT_CONFIG = Path("remediate.toml")
ENV_CONFIG = "REMEDIATE_CONFIG"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def config_option(f: Any) -> Any:
    """``--config``: the project file."""
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=DEFAULT_CONFIG,
        envvar=ENV_CONFIG,
        show_envvar=True,
        show_default=True,
        help="Project file: defaults and which corpus belongs to which job.",
    )(f)


@contextmanager
def logging_to_stderr(level: str) -> Iterator[None]:
    """Timestamped (UTC, ISO 8601) log lines of the ``remediate`` loggers on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter(LOG_FORMAT, datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger = logging.getLogger("remediate")
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(level.upper())
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def _load(config_path: Path) -> Any:
    from remediate.project import load_project
    from remediate.scan import default_cache_dir

    return load_project(config_path, default_cache_dir=default_cache_dir())


@click.command("init")
@config_option
def init_command(config_path: Path) -> None:
    """Write a commented example project file (never overwrites one).

    Example:

    \b
        remediate init && $EDITOR remediate.toml
    """
    from remediate.project import write_example

    with errors():
        path = write_example(config_path)
    click.echo(
        f"Wrote {path}: map your jobs to their corpus folders, then `remediate batch`.", err=True
    )


@click.command("batch")
@config_option
@click.option(
    "--offline",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Read jobs from saved files instead of the API: DIR/<job_id>/audit-result.json "
    "[+ job.json, op-logs.json].",
)
@click.option("--dry-run", is_flag=True, help="Show what would run; write nothing.")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    default="info",
    show_default=True,
    help="Log lines (timestamped, on stderr) at this level and above.",
)
@json_option("the batch summary")
@api_options
def batch_command(
    config_path: Path,
    offline: Path | None,
    dry_run: bool,
    log_level: str,
    as_json: bool,
    **opts: Any,
) -> None:
    """Remediate every job in AUDIT_FAILED that the project file maps to a corpus.

    Lists the jobs (every page), loads each one's audit result, job detail and operation
    log, and runs the main job into OUT/<job_id>/round-<N>/ (N = the job's reject_times,
    or the next free number); appends the round to OUT/history/ and writes
    OUT/batch-summary.json. A job whose audit result, corpus and settings are unchanged
    since its last round is skipped. Jobs with no corpus mapping are listed, not failed;
    one failing job does not stop the others. Exit: 0 all remediated, 12 nothing to do,
    13 some jobs need people, 14 some jobs failed, 15 another batch is running.

    Example:

    \b
        remediate init                     # then map jobs to corpora in remediate.toml
        remediate batch --dry-run
        remediate batch --config remediate.toml
        remediate batch --offline saved-audits/   # no credentials: DIR/<job_id>/audit-result.json
    """
    from remediate.batch import run_batch
    from remediate.cli.api import api_client
    from remediate.sources import ApiSource, OfflineSource

    with errors(), logging_to_stderr(log_level):
        project = _load(config_path)
        if offline is not None:
            result = run_batch(project, OfflineSource(offline), dry_run=dry_run)
        else:
            with api_client(opts) as client:
                result = run_batch(project, ApiSource(client), dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(result.summary, ensure_ascii=False))
    else:
        click.echo(batch_text(result.summary), err=True)
    sys.exit(result.exit_code)


def _changes_text(job: dict[str, Any]) -> str:
    from remediate.history import CHANGES, CLEAN

    changes = job.get("changes")
    if job.get("status") in ("failed", "unmapped", "would-run"):
        return ""
    if not changes:
        return "first round"
    parts = [f"{changes[c]} {c}" for c in CHANGES if c != CLEAN and changes.get(c)]
    return f"vs round {job.get('previous_round')}: " + (", ".join(parts) or "no audit flags")


def batch_text(summary: dict[str, Any]) -> str:
    """The terminal table of a batch: one row per job, then errors and what the exit means."""
    from remediate.cli.render import table
    from remediate.contract import BATCH_SUMMARY

    rows = []
    for job in summary["jobs"]:
        v = job.get("verdicts") or {}
        rows.append(
            [
                job["job_id"],
                job.get("voice_name"),
                job.get("round"),
                job["status"],
                *(v.get(k) for k in ("keep", "fix", "drop", "unmatched")),
                job.get("pairs_needed"),
                _changes_text(job),
            ]
        )
    headers = [
        "job",
        "voice",
        "round",
        "status",
        "keep",
        "fix",
        "drop",
        "unmatched",
        "needed",
        "since last round",
    ]
    lines = [table(headers, rows, max_width=48)] if rows else ["No job in AUDIT_FAILED."]
    lines += [f"job {j['job_id']} failed: {j['error']}" for j in summary["jobs"] if j.get("error")]
    lines += [
        f"job {j['job_id']} audit says: {' / '.join(j['audit_reasons'])}"
        for j in summary["jobs"]
        if j.get("audit_reasons") and j["status"] in ("needs-people", "remediated")
    ]
    counts = ", ".join(f"{n} {s}" for s, n in summary["counts"].items() if n)
    where = (
        "dry run: nothing written"
        if summary["dry_run"]
        else f"summary in {summary['out']}/{BATCH_SUMMARY}"
    )
    lines.append(f"{summary['jobs_listed']} job(s): {counts or 'none'}; {where}.")
    return "\n".join(lines)


@click.command("history")
@click.option("--job-id", required=True, help="The job whose rounds to show.")
@config_option
@click.option(
    "--history",
    "history_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The history dataset folder.  [default: OUT/history of the project file]",
)
@click.option(
    "--all", "show_all", is_flag=True, help="Also list the pairs flagged in neither round."
)
@json_option("the rounds, change counts and every pair")
def history_command(
    job_id: str, config_path: Path, history_dir: Path | None, show_all: bool, as_json: bool
) -> None:
    """Show a job's audit rounds: each pair's verdict per round, and what the latest changed.

    The latest round is compared with the one before: recurring (flagged by the audit in
    both rounds: the fix did not work), new (flagged now, clean then), still-missing (a
    side missing, or an audit entry naming no local file, in both), fixed (flagged then,
    not now), removed (flagged then, gone from the corpus now). Recurring flags come first.

    Example:

    \b
        remediate history --job-id 1234abcd
        remediate history --job-id 1234abcd --json | jq .recurring
    """
    from remediate.history import HISTORY_DIR, job_history

    with errors():
        root = (
            history_dir
            if history_dir is not None
            else _load(config_path).defaults.out / HISTORY_DIR
        )
        doc = job_history(root, job_id)
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, default=str))
    else:
        click.echo(history_text(doc, show_all=show_all))


def history_text(doc: dict[str, Any], *, show_all: bool = False) -> str:
    """The terminal view of :func:`remediate.history.job_history`; the recurring line first."""
    from remediate import columns as C
    from remediate.cli.render import table
    from remediate.history import CHANGE, CHANGES, CLEAN, RECURRING

    if not doc["rounds"]:
        return f"No rounds recorded for job {doc['job_id']} in {doc['history']}."
    counts = doc["changes"]
    latest, previous = doc["latest"], doc["previous"]
    recurring = doc["recurring"]
    if previous is None:
        head = f"Job {doc['job_id']}: one round ({latest}); nothing to compare yet."
    elif recurring:
        names = ", ".join(
            f"{p[C.HISTORY_KEY]} ({'/'.join(p['audit_error_codes'])})" for p in recurring[:20]
        )
        more = f" and {len(recurring) - 20} more" if len(recurring) > 20 else ""
        head = (
            f"RECURRING: {len(recurring)} pair(s) flagged by the audit again in round {latest} "
            f"after round {previous}; the fix did not work: {names}{more}"
        )
    else:
        head = f"No recurring audit flags: nothing flagged in round {previous} was flagged again in round {latest}."
    tally = ", ".join(f"{counts[c]} {c}" for c in CHANGES if c != RECURRING)
    lines = [
        head,
        f"Job {doc['job_id']}, rounds {', '.join(map(str, doc['rounds']))}: {tally}.",
        "",
    ]
    shown = [p for p in doc["pairs"] if show_all or p[CHANGE] != CLEAN]
    if shown:
        rounds = [f"r{n}" for n in doc["rounds"]]
        rows = [
            [
                p[C.HISTORY_KEY],
                p["audio_name"],
                *(p[f"verdict_{r}"] for r in rounds),
                " ".join(p["audit_error_codes"]),
                p[CHANGE],
            ]
            for p in shown
        ]
        lines.append(
            table(
                ["pair", "audio", *rounds, f"audit codes r{latest}", "change"], rows, max_width=40
            )
        )
    hidden = len(doc["pairs"]) - len(shown)
    if hidden:
        lines.append(f"{hidden} pair(s) flagged in neither round not shown (--all lists them).")
    return "\n".join(lines)
