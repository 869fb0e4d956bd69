"""Fetch a job's audit result from MetaStudio and keep it, byte for byte, with provenance.

``fetch`` (the ``remediate fetch`` command) writes into one folder::

    audit-result.json      the ShowJobAuditResult body exactly as received
    job.json               the ShowVoiceTrainingJob body exactly as received
    op-logs.json           the ListJobOperationLog body as received (byte for byte when it
                           fits one page of 100 operations; pages joined otherwise)
    tenant-duration-cfg.json  the ShowTenantDurationCfg body exactly as received
    audit_errors.parquet   the parsed audit errors (same schema as ``remediate run``)
    fetch.json             provenance: endpoint, job id, time, HTTP status, request ids
    attachments/NAME       the manual reviewer's attachment, when there is one

``run_job`` (``remediate run --job-id``) fetches the same, runs the main job on the
corpus with the fetched bytes (the operation log's latest rejection reasons become
job-level audit entries), and then adds job.json, fetch.json and the attachment to the run
folder. The operation log and the tenant's duration bounds only add context: when either
cannot be read, a warning says so and the rest goes on. No credential is ever written: the
client holds them, not this module.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from remediate import contract as K
from remediate import publish
from remediate._version import __version__
from remediate.audit import MILLIS_THRESHOLD, parse_audit_result, with_oplog
from remediate.config import Config
from remediate.errors import ApiError, ApiResponseError, AuditFileError, OutputError
from remediate.files import ensure_out_dir
from remediate.metastudio.client import MetaStudioClient
from remediate.metastudio.models import (
    ApiResponse,
    AuditResult,
    OperationLog,
    TenantDurationCfg,
    TrainingJob,
)
from remediate.profiles import JOB_TYPE_TO_EDITION, LANGUAGES
from remediate.report import write_bytes, write_json, write_parquet


@dataclass(frozen=True)
class Fetched:
    """A job and its audit result as fetched, in memory (nothing written yet)."""

    job_id: str
    endpoint: str
    job: TrainingJob
    job_response: ApiResponse
    audit: AuditResult
    audit_response: ApiResponse
    audit_frame: pd.DataFrame = field(repr=False)
    fetched_at: str
    oplog: OperationLog | None = None
    tenant_cfg: TenantDurationCfg | None = None
    warnings: tuple[str, ...] = ()

    @property
    def oplog_bytes(self) -> bytes | None:
        """The operation log for op-logs.json, or None when it was not read."""
        return self.oplog.to_json_bytes() if self.oplog is not None else None

    @property
    def audit_bytes(self) -> bytes:
        """The audit-result body exactly as received."""
        return self.audit_response.content

    @property
    def audit_source(self) -> str:
        """Where the audit came from, for run metadata (no project id, no secrets)."""
        return f"MetaStudio {self.endpoint} job {self.job_id}"


@dataclass(frozen=True)
class FetchOutcome:
    """What ``fetch`` wrote: paths, the provenance document, and non-fatal warnings."""

    fetched: Fetched
    outputs: dict[str, Path]
    provenance: dict[str, Any]
    attachment: Path | None = None
    warnings: tuple[str, ...] = ()


def _context_calls(
    client: MetaStudioClient, job_id: str
) -> tuple[OperationLog | None, TenantDurationCfg | None, list[str]]:
    """ListJobOperationLog and ShowTenantDurationCfg; a failure of either is a warning."""
    warnings: list[str] = []
    oplog: OperationLog | None = None
    cfg: TenantDurationCfg | None = None
    try:
        oplog = client.list_job_operation_log(job_id)
    except ApiError as exc:
        warnings.append(f"operation log not read: {client.scrub(str(exc))}")
    try:
        cfg = client.show_tenant_duration_cfg()
    except ApiError as exc:
        warnings.append(f"tenant duration limits not read: {client.scrub(str(exc))}")
    return oplog, cfg, warnings


def retrieve(client: MetaStudioClient, job_id: str) -> Fetched:
    """Call ShowVoiceTrainingJob, ShowJobAuditResult, ListJobOperationLog and
    ShowTenantDurationCfg; parse; write nothing.

    Raises an ApiError subclass; an audit body that is JSON but not of the documented
    shape is an ApiResponseError (exit 10), as it came from the API, not from a file.
    """
    fetched_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    job = client.show_job(job_id)
    audit = client.show_job_audit_result(job_id)
    try:
        frame = parse_audit_result(
            audit.response.content, source="ShowJobAuditResult", job_id=job_id
        )
    except AuditFileError as exc:
        raise ApiResponseError(
            exc.message,
            status_code=audit.response.status_code,
            request_id=audit.response.request_id,
            hint=exc.hint,
        ) from None
    oplog, cfg, warnings = _context_calls(client, job_id)
    if oplog is not None:
        frame = with_oplog(frame, oplog.to_json_bytes(), source=K.OPLOG_FILE, job_id=job_id)
    return Fetched(
        job_id=job_id,
        endpoint=client.endpoint,
        job=job.job,
        job_response=job.response,
        audit=audit.result,
        audit_response=audit.response,
        audit_frame=frame,
        fetched_at=fetched_at,
        oplog=oplog,
        tenant_cfg=cfg,
        warnings=tuple(warnings),
    )


def _call(response: ApiResponse) -> dict[str, Any]:
    return {
        "http_status": response.status_code,
        "request_id": response.request_id,
        "received_at": response.received_at,
        "bytes": len(response.content),
    }


def provenance(fetched: Fetched) -> dict[str, Any]:
    """The fetch.json document: where, when, what came back. No secrets, no signed URLs."""
    admin = fetched.audit.admin_audit_result
    return {
        "tool": "remediate",
        "version": __version__,
        "endpoint": fetched.endpoint,
        "job_id": fetched.job_id,
        "fetched_at": fetched.fetched_at,
        "http_status": fetched.audit_response.status_code,
        "request_id": fetched.audit_response.request_id,
        "calls": {
            "ShowVoiceTrainingJob": _call(fetched.job_response),
            "ShowJobAuditResult": _call(fetched.audit_response),
            **_context_provenance(fetched),
        },
        "job": {
            "state": fetched.job.state,
            "job_type": fetched.job.job_type,
            "voice_name": fetched.job.voice_name,
            "language": fetched.job.language,
            "reject_times": fetched.job.reject_times,
        },
        "audit": {
            "system_errors": len(fetched.audit.errors),
            "admin_message": bool(admin and admin.message),
            "attachment_name": admin.attachment_name if admin else None,
        },
    }


def _context_provenance(fetched: Fetched) -> dict[str, Any]:
    calls: dict[str, Any] = {}
    if fetched.oplog is not None:
        calls["ListJobOperationLog"] = {
            "pages": len(fetched.oplog.pages),
            "operations": len(fetched.oplog.operations),
            "bytes": sum(len(p) for p in fetched.oplog.pages),
        }
    cfg = fetched.tenant_cfg
    if cfg is not None and cfg.response is not None:
        calls["ShowTenantDurationCfg"] = _call(cfg.response)
    return calls


def _download(
    client: MetaStudioClient, fetched: Fetched, out: Path
) -> tuple[Path | None, dict[str, Any], str | None]:
    """Download the attachment if there is one; a failure is a warning, not fatal."""
    url = fetched.audit.attachment_url
    admin = fetched.audit.admin_audit_result
    if not url:
        return None, {"status": "none"}, None
    name = admin.attachment_name if admin else None
    try:
        path = client.download(url, out / K.ATTACHMENTS_DIR, name=name)
    except (ApiError, OutputError) as exc:
        warning = f"attachment not downloaded: {client.scrub(str(exc))}"
        return None, {"status": "failed", "error": client.scrub(str(exc))}, warning
    info = {"status": "downloaded", "file": str(path), "bytes": path.stat().st_size}
    return path, info, None


def _meta(fetched: Fetched) -> dict[str, Any]:
    return {
        **K.metadata("fetch", fetched.fetched_at),
        "audit_source": fetched.audit_source,
        "job_id": fetched.job_id,
    }


def write_fetched(
    client: MetaStudioClient,
    fetched: Fetched,
    out: Path,
    *,
    audit_files: bool = True,
    attachment: bool = True,
    extra_outputs: dict[str, Path] | None = None,
    final: Path | None = None,
) -> FetchOutcome:
    """Write job.json, fetch.json, the attachment, and (``audit_files``) the audit copies
    into ``out``; the paths recorded (in fetch.json and the outcome) are in ``final``
    (default ``out``): the folder ``out`` is published as.

    fetch.json is written last: its presence means the fetch completed.
    """
    out = ensure_out_dir(out)
    final = final or out

    def moved(path: Path) -> Path:
        return final / path.relative_to(out)

    outputs: dict[str, Path] = dict(extra_outputs or {})
    if audit_files:
        outputs["audit_copy"] = write_bytes(out / K.AUDIT_COPY, fetched.audit_bytes)
        outputs["audit_errors"] = write_parquet(
            fetched.audit_frame, out / K.AUDIT_ERRORS, K.AUDIT_ERRORS_OUTPUT, _meta(fetched)
        )
    outputs["job"] = write_bytes(out / K.JOB_FILE, fetched.job_response.content)
    oplog = fetched.oplog_bytes
    if audit_files and oplog is not None:  # a run writes it with its own outputs
        outputs["oplog"] = write_bytes(out / K.OPLOG_FILE, oplog)
    cfg = fetched.tenant_cfg
    if cfg is not None and cfg.response is not None:
        outputs["tenant_cfg"] = write_bytes(out / K.TENANT_CFG_FILE, cfg.response.content)
    path: Path | None = None
    warnings: list[str] = list(fetched.warnings)
    info: dict[str, Any] = {"status": "skipped"}
    if attachment:
        path, info, warning = _download(client, fetched, out)
        if warning:
            warnings.append(warning)
        if path is not None:
            path = moved(path)
            outputs["attachment"] = path
            info["file"] = str(path)
    outputs = {k: moved(v) if v.is_relative_to(out) else v for k, v in outputs.items()}
    doc = provenance(fetched)
    doc["attachment"] = info
    doc["outputs"] = {k: str(v) for k, v in outputs.items()} | {"fetch": str(final / K.FETCH_FILE)}
    write_json(out / K.FETCH_FILE, doc)
    outputs["fetch"] = final / K.FETCH_FILE
    return FetchOutcome(fetched, outputs, doc, path, tuple(warnings))


def fetch(
    client: MetaStudioClient, job_id: str, out: Path, *, attachment: bool = True
) -> FetchOutcome:
    """``remediate fetch``: retrieve a job's audit result and publish it all as ``out``'s
    content (one set, under the folder's lock: see :mod:`remediate.publish`)."""
    publish.check_owned(out)
    ensure_out_dir(out)
    fetched = retrieve(client, job_id)
    with publish.output_folder(out, "remediate fetch"):
        stage = publish.staging(out)
        try:
            outcome = write_fetched(client, fetched, stage, attachment=attachment, final=out)
            publish.publish(stage, out)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    return outcome


def edition_for(job: TrainingJob, default: str) -> str:
    """The edition profile of a job's ``job_type``; ``default`` for an unknown type."""
    return JOB_TYPE_TO_EDITION.get((job.job_type or "").upper(), default)


def run_job(
    client: MetaStudioClient,
    config: Config,
    job_id: str,
    *,
    edition_given: bool,
    progress: Callable[[int, int], None] | None = None,
    attachment: bool = True,
) -> tuple[Any, FetchOutcome]:
    """``remediate run --job-id``: fetch, run the main job on the corpus, add the fetch files.

    The edition defaults from the job's ``job_type`` unless ``edition_given``, and the
    transcript language check from the job's ``language`` unless the config sets one. The
    corpus/out checks of :func:`remediate.pipeline.run` run before anything is written.
    Returns the pipeline's RunResult and the fetch outcome.
    """
    from remediate import pipeline

    fetched = retrieve(client, job_id)
    edition = config.edition if edition_given else edition_for(fetched.job, config.edition)
    # The job says which language its transcripts must be in (CN or EN): check it unless
    # --language was given.
    job_language = (fetched.job.language or "").strip().upper()
    language = config.language or (job_language if job_language in LANGUAGES else None)
    config = replace(config, edition=edition, language=language, job_id=job_id, audit_file=None)
    outcomes: list[FetchOutcome] = []

    def fetch_files(stage: Path, out: Path) -> dict[str, Path]:
        outcome = write_fetched(
            client, fetched, stage, audit_files=False, attachment=attachment, final=out
        )
        outcomes.append(outcome)
        return outcome.outputs

    result = pipeline.run(
        config,
        audit_bytes=fetched.audit_bytes,
        audit_source=fetched.audit_source,
        oplog_bytes=fetched.oplog_bytes,
        progress=progress,
        extra=fetch_files,
        platform_assess=assess.to_dict() if (assess := fetched.job.assess_result) else None,
    )
    return result, outcomes[0]


def format_time(raw: int | None) -> str:
    """A job time (unit undocumented: ≥1e11 is ms, else s) as ``YYYY-MM-DD HH:MM`` UTC."""
    if raw is None or raw <= 0:
        return ""
    seconds = raw / 1000 if raw >= MILLIS_THRESHOLD else raw
    try:
        return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return str(raw)
