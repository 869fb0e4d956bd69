"""Where ``remediate batch`` gets its jobs: the MetaStudio API, or saved files (``--offline``).

Both give the same two things: the jobs in ``AUDIT_FAILED`` (:meth:`list_failed`) and, for
one job, its audit result bytes plus the job detail and operation log when available
(:meth:`load`). ``--offline DIR`` reads one folder per job::

    DIR/<job_id>/audit-result.json   required (the ShowJobAuditResult body)
    DIR/<job_id>/job.json            optional (ShowVoiceTrainingJob body: type, language,
                                     reject_times, state; a state other than
                                     AUDIT_FAILED leaves the job out, as the API filter would)
    DIR/<job_id>/op-logs.json        optional (ListJobOperationLog body), copied as is

which is also what ``remediate fetch --out DIR/<job_id>`` writes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from remediate import contract as K
from remediate.errors import ApiError, ApiResponseError, AuditFileError, InputError
from remediate.metastudio.models import Operation, TrainingJob, parse_job, parse_operation
from remediate.metastudio.reader import decode_json_object

if TYPE_CHECKING:
    from remediate.metastudio.client import MetaStudioClient

log = logging.getLogger(__name__)

AUDIT_FAILED = "AUDIT_FAILED"
AUDIT_FILE = K.AUDIT_COPY
JOB_FILE = K.JOB_FILE
OPLOG_FILE = K.OPLOG_FILE


@dataclass(frozen=True)
class JobInput:
    """One job's inputs, as bytes exactly as received (nothing parsed but the job)."""

    job: TrainingJob
    audit_bytes: bytes = field(repr=False)
    audit_source: str
    job_bytes: bytes | None = field(default=None, repr=False)
    oplog_bytes: bytes | None = field(default=None, repr=False)
    reasons: tuple[str, ...] = ()  # free-text audit reasons from the operation log
    calls: int = 0  # API calls it took (one per operation; pages not counted)


class JobSource(Protocol):
    """What batch needs from a source of jobs: the list, each job's audit result (``load``,
    enough to decide), and the rest for a job that will run (``details``)."""

    mode: str

    def list_failed(self) -> list[TrainingJob]: ...

    def load(self, job: TrainingJob) -> JobInput: ...

    def details(self, inp: JobInput) -> JobInput: ...


class ApiSource:
    """Jobs from the MetaStudio API (every page of ListVoiceTrainingJob, state filter)."""

    mode = "api"

    def __init__(self, client: MetaStudioClient) -> None:
        self.client = client

    def list_failed(self) -> list[TrainingJob]:
        """ListVoiceTrainingJob with ``state=AUDIT_FAILED``, every page."""
        return self.client.list_jobs(state=AUDIT_FAILED)

    def load(self, job: TrainingJob) -> JobInput:
        """ShowJobAuditResult alone: all it takes to tell whether anything changed."""
        job_id = job.job_id or ""
        audit = self.client.show_job_audit_result(job_id)
        return JobInput(
            job=job,
            audit_bytes=audit.response.content,
            audit_source=f"MetaStudio {self.client.endpoint} job {job_id}",
            calls=1,
        )

    def details(self, inp: JobInput) -> JobInput:
        """ShowVoiceTrainingJob and ListJobOperationLog (every page), for a job that runs.

        The operation log only adds context: when it cannot be read, a warning is logged
        and the job runs without it.
        """
        job_id = inp.job.job_id or ""
        detail = self.client.show_job(job_id)
        oplog: bytes | None = None
        reasons: tuple[str, ...] = ()
        try:
            log_doc = self.client.list_job_operation_log(job_id)
        except ApiError as exc:
            log.warning("job %s: operation log not read: %s", job_id, exc)
        else:
            oplog = log_doc.to_json_bytes()
            reasons = latest_reasons(log_doc.operations)
        return replace(
            inp,
            job=detail.job,
            job_bytes=detail.response.content,
            oplog_bytes=oplog,
            reasons=reasons,
            calls=inp.calls + 2,
        )


def latest_reasons(operations: tuple[Operation, ...]) -> tuple[str, ...]:
    """The free-text failure reasons of the most recent operation that gives any."""
    for op in sorted(operations, key=lambda o: o.operation_time or 0, reverse=True):
        found = [r for r in (op.admin_audit_failure_reason, op.algorithm_failure_reason) if r]
        if found:
            return tuple(found)
    return ()


def _oplog_reasons(raw: bytes | None, where: Path) -> tuple[str, ...]:
    if raw is None:
        return ()
    try:
        doc = decode_json_object(raw, OPLOG_FILE)
        items = doc.get("operations") or []
        ops = tuple(parse_operation(item, OPLOG_FILE) for item in items if isinstance(item, dict))
    except ApiResponseError as exc:
        log.warning("%s: not read: %s", where, exc.message)
        return ()
    return latest_reasons(ops)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", path=path) from None


class OfflineSource:
    """Jobs from saved files: one folder per job (see the module docstring)."""

    mode = "offline"

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise InputError(f"--offline folder {root} does not exist", path=root)
        self.root = root
        self._folders: dict[str, Path] = {}

    def _job(self, folder: Path) -> TrainingJob:
        raw = _read(folder / JOB_FILE)
        if raw is None:
            return TrainingJob(job_id=folder.name, state=AUDIT_FAILED)
        try:
            job = parse_job(decode_json_object(raw, JOB_FILE), JOB_FILE)
        except ApiResponseError as exc:  # not JSON, or of the wrong shape
            raise AuditFileError(f"{folder / JOB_FILE}: {exc.message}", path=folder) from None
        if job.job_id and job.job_id != folder.name:
            log.warning(
                "%s: job_id %s differs from its folder; using the folder", folder, job.job_id
            )
        return TrainingJob(
            **{**job.to_dict(), "job_id": folder.name, "state": job.state or AUDIT_FAILED}
        )

    def list_failed(self) -> list[TrainingJob]:
        """Every ``DIR/<job_id>/`` with an ``audit-result.json`` whose job is in AUDIT_FAILED."""
        jobs = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if not (folder / AUDIT_FILE).is_file():
                continue
            job = self._job(folder)
            if job.state != AUDIT_FAILED:
                log.info(
                    "offline job %s is %s, not %s: left out", folder.name, job.state, AUDIT_FAILED
                )
                continue
            self._folders[folder.name] = folder
            jobs.append(job)
        return jobs

    def load(self, job: TrainingJob) -> JobInput:
        """The saved bytes of one listed job."""
        folder = self._folders.get(job.job_id or "", self.root / (job.job_id or ""))
        audit = _read(folder / AUDIT_FILE)
        if audit is None:
            raise AuditFileError(f"no {AUDIT_FILE} in {folder}", path=folder)
        oplog = _read(folder / OPLOG_FILE)
        return JobInput(
            job=job,
            audit_bytes=audit,
            audit_source=str(folder / AUDIT_FILE),
            job_bytes=_read(folder / JOB_FILE),
            oplog_bytes=oplog,
            reasons=_oplog_reasons(oplog, folder / OPLOG_FILE),
        )

    def details(self, inp: JobInput) -> JobInput:
        """Everything was read with the audit result (files are cheap): unchanged."""
        return inp
