"""Parse a ShowJobAuditResult response into the audit-errors frame.

Pure: bytes in, DataFrame out. Reading the file or calling the API happens elsewhere.
There is one parser of audit results, :func:`remediate.metastudio.models.parse_audit_result`
(typed, no pandas); this module decodes the bytes, hands the object to it and builds the
frame from the typed result (:func:`audit_frame`), so a file and an API response are read by
the same rules (e.g. ``audit_time`` as ``"1700000000"`` or ``1500000000.5`` is read in both).
Every model attribute of the response is optional (docs/metastudio-api.md §3): a missing block,
``null`` and ``errors: []`` are treated alike, and unknown extra keys are ignored.
Anything that is not a JSON object of that shape is an :class:`AuditFileError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate import safetext
from remediate.contract import coerce
from remediate.errors import ApiResponseError, AuditFileError
from remediate.files import NotRegularFile, TooLarge, read_regular
from remediate.metastudio import models

#: ``audit_time`` at or above this is taken as epoch milliseconds, below as seconds
#: (the documented range 0..2147483647 fits seconds; docs/metastudio-api.md §3).
MILLIS_THRESHOLD = 100_000_000_000


#: An audit result is at most this large (the API's own response cap): a bigger file is
#: not an audit result, and reading it whole could exhaust memory.
AUDIT_MAX_BYTES = 16 * 1024 * 1024
#: Errors in one audit result: one per file of a corpus of at most a few thousand pairs;
#: a million entries (a 2.9 MB file of ``{}``) would cost gigabytes as rows.
AUDIT_MAX_ENTRIES = 100_000


def audit_time(raw: Any) -> pd.Timestamp | None:
    """Convert a raw ``audit_time`` to a UTC timestamp: missing/0 → None, ≥1e11 → ms, else s."""
    if raw is None or isinstance(raw, bool) or not isinstance(raw, int | float) or raw <= 0:
        return None
    unit = "ms" if raw >= MILLIS_THRESHOLD else "s"
    try:
        return pd.Timestamp(int(raw), unit=unit, tz="UTC")
    except (OverflowError, ValueError, pd.errors.OutOfBoundsDatetime):
        return None  # beyond what a timestamp can hold: keep the raw value only


def parse_audit_result(
    data: bytes, *, source: str = "audit result", job_id: str | None = None
) -> pd.DataFrame:
    """Parse the raw bytes of an audit result into the audit-errors frame.

    One row per system error, plus one row for the admin result when it carries a
    message, an attachment or a time. ``entry_id`` numbers the rows from 0 in document
    order so every entry can be traced into the report.

    Raises AuditFileError when the bytes are not UTF-8 JSON or not of the documented shape.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AuditFileError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise AuditFileError(f"{source}: the file is empty")
    try:
        doc = safetext.loads(text)
    except json.JSONDecodeError as exc:
        raise AuditFileError(
            f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except ValueError as exc:
        raise AuditFileError(f"{source}: not valid JSON ({exc})") from None
    except RecursionError:
        raise AuditFileError(f"{source}: JSON nested too deeply") from None
    if not isinstance(doc, dict):
        raise AuditFileError(
            f"{source}: expected a JSON object with system_audit_result/admin_audit_result, "
            f"got {type(doc).__name__}"
        )
    errors = doc.get("system_audit_result")
    errors = errors.get("errors") if isinstance(errors, dict) else None
    if isinstance(errors, list) and len(errors) > AUDIT_MAX_ENTRIES:
        raise AuditFileError(
            f"{source}: {len(errors)} audit errors, more than the {AUDIT_MAX_ENTRIES} one "
            "voice-training job can have"
        )
    try:
        result = models.parse_audit_result(doc, source)
    except ApiResponseError as exc:
        raise AuditFileError(exc.message, hint=exc.hint) from None
    return audit_frame(result, job_id)


def audit_frame(result: models.AuditResult, job_id: str | None = None) -> pd.DataFrame:
    """The audit-errors frame of a typed audit result (as parsed from a file or the API).

    One row per system error, plus one row for the admin result when it carries a
    message, an attachment or a time. ``entry_id`` numbers the rows from 0.
    """
    rows: list[dict[str, Any]] = []
    system = result.system_audit_result
    sys_raw = system.audit_time if system is not None else None
    for err in result.errors:
        rows.append(
            {
                C.SOURCE: C.SOURCE_SYSTEM,
                C.AUDIT_TIME_RAW: sys_raw,
                C.ATTACHMENT_NAME: None,
                C.AUDIO_NAME: err.audio_name,
                C.TEXT_NAME: err.text_name,
                C.ERROR_CODE: err.error_code,
                C.ERROR_MESSAGE: err.error_message,
            }
        )
    admin = result.admin_audit_result
    if admin is not None and (
        admin.message or admin.attachment_name or admin.attachment_url or admin.audit_time
    ):
        rows.append(
            {
                C.SOURCE: C.SOURCE_ADMIN,
                C.AUDIT_TIME_RAW: admin.audit_time,
                C.AUDIO_NAME: None,
                C.TEXT_NAME: None,
                C.ERROR_CODE: None,
                C.ERROR_MESSAGE: admin.message,
                C.ATTACHMENT_NAME: admin.attachment_name,
            }
        )
    return _frame(rows, job_id)


def with_oplog(
    audit: pd.DataFrame, oplog: bytes | None, *, source: str, job_id: str | None = None
) -> pd.DataFrame:
    """The audit frame plus one job-level row per reason of the operation log's latest
    rejection (:mod:`remediate.oplog`), numbered after the audit's own entries."""
    if oplog is None:
        return audit
    from remediate.oplog import oplog_rows, parse_oplog

    rows = oplog_rows(parse_oplog(oplog, source))
    if not rows:
        return audit
    extra = _frame(rows, job_id)
    extra[C.ENTRY_ID] = extra[C.ENTRY_ID] + len(audit)
    both = pd.concat([audit, extra], ignore_index=True) if len(audit) else extra
    return coerce(both[C.AUDIT_COLUMNS], C.AUDIT_DTYPES)


def _frame(rows: list[dict[str, Any]], job_id: str | None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[c for c in C.AUDIT_COLUMNS if c not in (C.ENTRY_ID, C.JOB_ID)])
    df.insert(0, C.ENTRY_ID, pd.Series(range(len(df)), dtype="int64", index=df.index))
    df.insert(1, C.JOB_ID, pd.Series([job_id] * len(df), dtype="str", index=df.index))
    df[C.AUDIT_TIME] = pd.Series(
        [audit_time(v) for v in df[C.AUDIT_TIME_RAW]], dtype="datetime64[us, UTC]", index=df.index
    )
    return coerce(df[C.AUDIT_COLUMNS], C.AUDIT_DTYPES)


def empty_audit_frame() -> pd.DataFrame:
    """An audit-errors frame with no rows (for ``remediate scan``, which has no audit)."""
    return _frame([], None)


def read_audit_file(path: Path, *, job_id: str | None = None) -> tuple[bytes, pd.DataFrame]:
    """Read an audit-result file: its exact bytes and the parsed frame.

    Raises AuditFileError when the file cannot be read or parsed.
    """
    try:
        data = read_regular(path, AUDIT_MAX_BYTES)
    except FileNotFoundError:
        raise AuditFileError(f"audit file not found: {path}", path=path) from None
    except IsADirectoryError:
        raise AuditFileError(f"audit file is a directory: {path}", path=path) from None
    except (NotRegularFile, TooLarge) as exc:
        raise AuditFileError(f"cannot read audit file {path}: {exc}", path=path) from None
    except OSError as exc:
        raise AuditFileError(f"cannot read audit file {path}: {exc.strerror}", path=path) from None
    return data, parse_audit_result(data, source=str(path), job_id=job_id)
