"""``remediate batch``: every job in AUDIT_FAILED, remediated round by round, unattended.

For each job the source lists (the API, or ``--offline`` folders), in order:

1. find its corpus in the project file; a job with no entry is listed as ``unmapped``;
2. load its audit result (plus job detail and operation log);
3. key the work: sha256 of the audit bytes + a fingerprint of the corpus (every file's
   relative path, size and mtime) + the settings (edition, overrides, language, loudness,
   tool version; see :mod:`remediate.rounds`). The same key as the job's latest round
   means nothing changed: ``unchanged``, no new work, no new round. The same audit with
   another corpus or settings runs that round again in place; a new audit gets round
   ``reject_times`` (or the next free number);
4. run the main job (:func:`remediate.pipeline.run`) into ``OUT/<job_id>/round-<N>/``,
   add ``job.json`` / ``op-logs.json``, append the round to ``OUT/history/``, compare it
   with the round before, and write ``round.json`` last (its presence means the round is
   complete);
5. record the outcome: ``remediated`` (a machine can fix everything that blocks), or
   ``needs-people`` (pairs to drop or re-record, audit entries naming no local file, pairs
   still missing for the edition), or ``failed`` with the error. One job failing does not
   stop the others.

Then ``OUT/batch-summary.json`` is written (atomically) and the exit code says, worst
first: some failed (14), some need people (13), all remediated (0), nothing to do (12).
A lock file on ``OUT`` keeps two batches from overlapping (exit 15).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from remediate import columns as C
from remediate import contract as K
from remediate import history as H
from remediate.config import Config
from remediate.errors import (
    EXIT_JOBS_FAILED,
    EXIT_NEEDS_PEOPLE,
    EXIT_NOTHING_TO_DO,
    EXIT_OK,
    RemediateError,
)
from remediate.files import ensure_out_dir
from remediate.lock import hold
from remediate.metastudio.models import TrainingJob
from remediate.project import JobEntry, JobSettings, Project
from remediate.report import write_bytes, write_json
from remediate.rounds import (
    ROUND_FILE,
    choose_round,
    completed_rounds,
    corpus_fingerprint,
    round_key,
    round_path,
    settings_doc,
)
from remediate.sources import JOB_FILE, JobInput, JobSource

if TYPE_CHECKING:
    from remediate.pipeline import RunResult

log = logging.getLogger(__name__)

BATCH_SUMMARY = K.BATCH_SUMMARY
LOCK_FILE = K.BATCH_LOCK
#: Job ids become folder names: refuse anything that could leave OUT or hide a file.
_SAFE_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")

REMEDIATED = "remediated"
NEEDS_PEOPLE = "needs-people"
UNCHANGED = "unchanged"
UNMAPPED = "unmapped"
FAILED = "failed"
WOULD_RUN = "would-run"
STATUSES = (FAILED, NEEDS_PEOPLE, REMEDIATED, WOULD_RUN, UNCHANGED, UNMAPPED)


@dataclass
class JobOutcome:
    """What happened to one job (a row of the batch summary)."""

    job_id: str
    voice_name: str | None
    batch_name: str | None
    job_type: str | None
    reject_times: int | None
    status: str
    mapping: str | None = None
    corpus: str | None = None
    edition: str | None = None
    round: int | None = None
    action: str | None = None  # run | rerun | unchanged
    out: str | None = None
    verdicts: dict[str, int] | None = None
    pairs: int | None = None
    pairs_needed: int | None = None
    unmatched_entries: int | None = None
    previous_round: int | None = None
    changes: dict[str, int] | None = None
    audit_reasons: list[str] | None = None  # free text from the operation log
    package: str | None = None  # with defaults.fix: the round's package.zip
    error: str | None = None
    exit_code: int | None = None
    api_calls: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class BatchResult:
    """The batch summary document, its exit code, and where it was written (None: dry run)."""

    summary: dict[str, Any]
    exit_code: int
    path: Path | None


# --- one job -------------------------------------------------------------------------------


def _base_outcome(job: TrainingJob, status: str) -> JobOutcome:
    return JobOutcome(
        job_id=job.job_id or "",
        voice_name=job.voice_name,
        batch_name=job.batch_name,
        job_type=job.job_type,
        reject_times=job.reject_times,
        status=status,
    )


def _needed(summary: dict[str, Any]) -> int:
    edition = summary.get("edition", {})
    required = edition.get("pairs_required") or 0
    return max(0, int(required) - int(edition.get("pairs_resubmittable") or 0))


@dataclass(frozen=True)
class _Plan:
    entry: JobEntry
    settings: JobSettings
    audit_sha256: str
    fingerprint: str
    settings_doc: dict[str, Any]
    key: str
    action: str
    round: int


def plan_job(project: Project, entry: JobEntry, inp: JobInput, out_root: Path) -> _Plan:
    """Decide what to do with one mapped job (reads the corpus listing, writes nothing)."""
    settings = project.settings(entry, inp.job)
    audit_sha = hashlib.sha256(inp.audit_bytes).hexdigest()
    fingerprint = corpus_fingerprint(settings.corpus)
    sdoc = settings_doc(settings, project.defaults.loudness, project.defaults.fix)
    key = round_key(audit_sha, fingerprint, sdoc)
    done = completed_rounds(out_root / (inp.job.job_id or ""))
    action, number = choose_round(done, inp.job.reject_times, key, audit_sha)
    return _Plan(entry, settings, audit_sha, fingerprint, sdoc, key, action, number)


def _config(project: Project, plan: _Plan, job_id: str, round_dir: Path) -> Config:
    return Config(
        corpus=plan.settings.corpus,
        out=round_dir,
        edition=plan.settings.edition,
        overrides=plan.settings.overrides,
        language=plan.settings.language,
        loudness=project.defaults.loudness,
        jobs=project.defaults.jobs,
        cache_dir=project.defaults.cache_dir,
        job_id=job_id,
    )


def _record_history(
    out_root: Path,
    plan: _Plan,
    result: RunResult,
    outcome: JobOutcome,
    started: str,
) -> None:
    """Append the round to OUT/history and compare it with the round before."""
    root = out_root / H.HISTORY_DIR
    m = result.measurements
    transcripts = dict(zip(m[C.PAIR_ID], m[C.TEXT], strict=True)) if C.TEXT in m else {}
    rows = H.history_rows(result.report, plan.audit_sha256, started, transcripts)
    meta = {**K.metadata("batch", started), "job_id": outcome.job_id, "round": plan.round}
    H.write_round(root, outcome.job_id, plan.round, rows, meta)
    history = H.read_history(root, outcome.job_id)
    earlier = [n for n in H.rounds(history) if n < plan.round]
    if earlier:
        pair = history[history[C.ROUND].isin([earlier[-1], plan.round])]
        outcome.previous_round = earlier[-1]
        outcome.changes = H.change_counts(H.compare(pair))


def _judge(outcome: JobOutcome, summary: dict[str, Any], report: pd.DataFrame) -> None:
    """Verdict counts, pairs still needed, and whether people are needed."""
    named = report[C.AUDIO_NAME].notna() | report[C.TEXT_NAME].notna()
    outcome.verdicts = {str(k): int(v) for k, v in summary["verdicts"].items()}
    outcome.pairs = int(summary["pairs"])
    outcome.pairs_needed = _needed(summary)
    outcome.unmatched_entries = int(((report[C.VERDICT] == C.VERDICT_UNMATCHED) & named).sum())
    drops = outcome.verdicts.get(C.VERDICT_DROP, 0)
    blocked = drops or outcome.unmatched_entries or outcome.pairs_needed
    outcome.status = NEEDS_PEOPLE if blocked else REMEDIATED


def _round_doc(plan: _Plan, outcome: JobOutcome, started: str) -> dict[str, Any]:
    return {
        **K.metadata("batch", H.now_utc()),
        "job_id": outcome.job_id,
        "round": plan.round,
        "action": plan.action,
        "key": plan.key,
        "audit_sha256": plan.audit_sha256,
        "corpus": str(plan.settings.corpus),
        "corpus_fingerprint": plan.fingerprint,
        "settings": plan.settings_doc,
        "started_at": started,
        "finished_at": H.now_utc(),
        "status": outcome.status,
        **{name: getattr(outcome, name) for name in K.ROUND_RESULT_KEYS},
    }


def _run_round(
    project: Project, plan: _Plan, inp: JobInput, outcome: JobOutcome, out_root: Path
) -> None:
    """Run the main job for one round and record it; fills ``outcome``; round.json last."""
    from remediate import pipeline

    round_dir = round_path(out_root, outcome.job_id, plan.round)
    (round_dir / ROUND_FILE).unlink(missing_ok=True)  # incomplete until written again
    started = H.now_utc()
    t0 = time.perf_counter()
    config = _config(project, plan, outcome.job_id, round_dir)
    # the run copies the operation log and makes its latest rejection reasons job-level rows
    result = pipeline.run(
        config,
        audit_bytes=inp.audit_bytes,
        audit_source=inp.audit_source,
        oplog_bytes=inp.oplog_bytes,
    )
    t1 = time.perf_counter()
    if inp.job_bytes is not None:
        write_bytes(round_dir / JOB_FILE, inp.job_bytes)
    _judge(outcome, result.summary, result.report)
    if project.defaults.fix:
        outcome.package = _fix_round(round_dir, config.jobs)
    _record_history(out_root, plan, result, outcome, started)
    write_json(round_dir / ROUND_FILE, _round_doc(plan, outcome, started))
    outcome.seconds.update(
        scan=result.stats.seconds,
        run=round(t1 - t0, 3),
        write=round(time.perf_counter() - t1, 3),
    )


def _fix_round(round_dir: Path, jobs: int) -> str:
    """``defaults.fix``: the round fixed into ``round-<N>-fixed`` beside it (renamed for
    the edition, zipped, as ``remediate run --fix``); the package's path."""
    from remediate.fix.command import FixOptions, fix

    dest = round_dir.with_name(round_dir.name + "-fixed")
    options = FixOptions(round_dir, dest, rename_for_edition=True, make_zip=True, jobs=jobs)
    fix(options)
    return str(dest / K.PACKAGE_ZIP)


def _from_previous(outcome: JobOutcome, doc: dict[str, Any]) -> None:
    """An unchanged job reports its latest round as recorded."""
    for name in K.ROUND_RESULT_KEYS:
        setattr(outcome, name, doc.get(name))


def _planning(job: TrainingJob) -> tuple[str | None, str | None, int | None]:
    """The job fields a plan depends on (edition, language, round number)."""
    return job.job_type, job.language, job.reject_times


def process_job(
    project: Project, source: JobSource, job: TrainingJob, out_root: Path, *, dry_run: bool
) -> JobOutcome:
    """One job, start to finish; every RemediateError becomes a ``failed`` outcome."""
    t0 = time.perf_counter()
    outcome = _base_outcome(job, FAILED)
    entry = project.match(job)
    if entry is None:
        outcome.status = UNMAPPED
        return outcome
    outcome.mapping = entry.describe()
    outcome.corpus = str(entry.corpus)
    try:
        if not _SAFE_JOB_ID.fullmatch(outcome.job_id) or outcome.job_id == H.HISTORY_DIR:
            raise RemediateError(f"job id {outcome.job_id!r} is not safe as a folder name")
        inp = source.load(job)
        plan = plan_job(project, entry, inp, out_root)
        if plan.action != "unchanged" and not dry_run:
            full = source.details(inp)
            if _planning(full.job) != _planning(inp.job):  # the list was stale: plan again
                plan = plan_job(project, entry, full, out_root)
            inp = full
        outcome.seconds["load"] = round(time.perf_counter() - t0, 3)  # API calls + plan
        outcome.api_calls = inp.calls
        outcome.audit_reasons = list(inp.reasons)
        outcome.reject_times = inp.job.reject_times
        outcome.edition = plan.settings.edition
        outcome.round, outcome.action = plan.round, plan.action
        outcome.out = str(round_path(out_root, outcome.job_id, plan.round))
        if plan.action == "unchanged":
            outcome.status = UNCHANGED
            _from_previous(outcome, completed_rounds(out_root / outcome.job_id)[plan.round])
        elif dry_run:
            outcome.status = WOULD_RUN
        else:
            _run_round(project, plan, inp, outcome, out_root)
    except RemediateError as exc:
        outcome.status = FAILED
        outcome.error = str(exc)
        outcome.exit_code = exc.exit_code
        log.error("job %s failed: %s", outcome.job_id, exc)
    outcome.seconds["total"] = round(time.perf_counter() - t0, 3)
    return outcome


# --- the batch -----------------------------------------------------------------------------


def exit_code_for(outcomes: list[JobOutcome]) -> int:
    """Worst first: some failed, some need people, all remediated (or would run), nothing to do."""
    statuses = {o.status for o in outcomes}
    if FAILED in statuses:
        return EXIT_JOBS_FAILED
    if NEEDS_PEOPLE in statuses:
        return EXIT_NEEDS_PEOPLE
    if statuses & {REMEDIATED, WOULD_RUN}:
        return EXIT_OK
    return EXIT_NOTHING_TO_DO


def run_batch(
    project: Project,
    source: JobSource,
    *,
    dry_run: bool = False,
    on_job: Callable[[JobOutcome], None] | None = None,
) -> BatchResult:
    """List the failed jobs, process each, write ``OUT/batch-summary.json`` (not on a dry run).

    Raises LockedError when another batch holds the output root, and the source's
    errors when the job list itself cannot be read; errors of single jobs are outcomes.
    """
    out_root = project.defaults.out
    started = H.now_utc()
    if dry_run:
        return _batch(project, source, out_root, started, dry_run=True, on_job=on_job)
    ensure_out_dir(out_root)
    with hold(out_root / LOCK_FILE, "remediate batch"):
        return _batch(project, source, out_root, started, dry_run=False, on_job=on_job)


def _batch(
    project: Project,
    source: JobSource,
    out_root: Path,
    started: str,
    *,
    dry_run: bool,
    on_job: Callable[[JobOutcome], None] | None,
) -> BatchResult:
    jobs = source.list_failed()
    log.info("%d job(s) in AUDIT_FAILED (%s)", len(jobs), source.mode)
    outcomes: list[JobOutcome] = []
    for job in jobs:
        outcome = process_job(project, source, job, out_root, dry_run=dry_run)
        log.info(
            "job %s: %s%s",
            outcome.job_id,
            outcome.status,
            f" (round {outcome.round})" if outcome.round is not None else "",
        )
        outcomes.append(outcome)
        if on_job is not None:
            on_job(outcome)
    code = exit_code_for(outcomes)
    counts = {s: sum(o.status == s for o in outcomes) for s in STATUSES}
    summary = {
        **K.metadata("batch", H.now_utc()),
        "source": source.mode,
        "project": str(project.path),
        "out": str(out_root),
        "dry_run": dry_run,
        "started_at": started,
        "finished_at": H.now_utc(),
        "jobs_listed": len(outcomes),
        "counts": counts,
        "exit_code": code,
        "jobs": [o.to_dict() for o in outcomes],
    }
    path = None if dry_run else write_json(out_root / BATCH_SUMMARY, summary)
    return BatchResult(summary, code, path)
