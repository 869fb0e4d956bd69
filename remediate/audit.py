"""Parse a ShowJobAuditResult response into the audit-errors frame.

Pure: bytes in, DataFrame out. Reading the file or calling the API happens elsewhere.
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
from remediate.errors import AuditFileError
from remediate.files import NotRegularFile, TooLarge, read_regular

#: ``audit_time`` at or above this is taken as epoch milliseconds, below as seconds
#: (the documented range 0..2147483647 fits seconds; docs/metastudio-api.md §3).
MILLIS_THRESHOLD = 100_000_000_000
#: ``audit_time_raw`` is stored as int64; anything outside is not a time.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

_STR_FIELDS = (C.AUDIO_NAME, C.TEXT_NAME, C.ERROR_CODE, C.ERROR_MESSAGE)


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


def _opt_str(block: dict[str, Any], key: str, where: str, source: str) -> str | None:
    value = block.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise AuditFileError(f"{source}: {where}.{key} must be a string, got {type(value).__name__}")


def _opt_block(doc: dict[str, Any], key: str, source: str) -> dict[str, Any]:
    block = doc.get(key)
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise AuditFileError(f"{source}: '{key}' must be an object, got {type(block).__name__}")
    return block


def _raw_time(block: dict[str, Any], where: str, source: str) -> int | None:
    raw = block.get("audit_time")
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise AuditFileError(f"{source}: {where}.audit_time must be a number")
    if not _INT64_MIN <= raw <= _INT64_MAX:
        raise AuditFileError(f"{source}: {where}.audit_time {raw} is out of range")
    return int(raw)


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity; RFC 8259 (and the API) do not.
    raise ValueError(f"{name} is not valid JSON")


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
    if (
        "error_code" in doc
        and "error_msg" in doc
        and not ("system_audit_result" in doc or "admin_audit_result" in doc)
    ):
        raise AuditFileError(
            f"{source}: this is an API error response ({doc.get('error_code')}: "
            f"{doc.get('error_msg')}), not an audit result"
        )
    known = {"system_audit_result", "admin_audit_result"}
    if not known & set(doc) and doc:
        raise AuditFileError(
            f"{source}: no system_audit_result or admin_audit_result in the document",
            hint="pass the body of GET .../jobs/{job_id}/audit-result",
        )

    rows: list[dict[str, Any]] = []
    system = _opt_block(doc, "system_audit_result", source)
    sys_raw = _raw_time(system, "system_audit_result", source)
    errors = system.get("errors")
    if errors is None:
        errors = []
    if not isinstance(errors, list):
        raise AuditFileError(f"{source}: system_audit_result.errors must be a list")
    if len(errors) > AUDIT_MAX_ENTRIES:
        raise AuditFileError(
            f"{source}: {len(errors)} audit errors, more than the {AUDIT_MAX_ENTRIES} one "
            "voice-training job can have"
        )
    for i, err in enumerate(errors):
        where = f"system_audit_result.errors[{i}]"
        if not isinstance(err, dict):
            raise AuditFileError(f"{source}: {where} must be an object")
        row: dict[str, Any] = {
            C.SOURCE: C.SOURCE_SYSTEM,
            C.AUDIT_TIME_RAW: sys_raw,
            C.ATTACHMENT_NAME: None,
        }
        for key in _STR_FIELDS:
            row[key] = _opt_str(err, key, where, source)
        rows.append(row)

    admin = _opt_block(doc, "admin_audit_result", source)
    admin_fields = {
        key: _opt_str(admin, key, "admin_audit_result", source)
        for key in ("message", "attachment_name", "attachment_url")
    }
    admin_raw = _raw_time(admin, "admin_audit_result", source)
    if any(v for v in admin_fields.values()) or admin_raw:
        rows.append(
            {
                C.SOURCE: C.SOURCE_ADMIN,
                C.AUDIT_TIME_RAW: admin_raw,
                C.AUDIO_NAME: None,
                C.TEXT_NAME: None,
                C.ERROR_CODE: None,
                C.ERROR_MESSAGE: admin_fields["message"],
                C.ATTACHMENT_NAME: admin_fields["attachment_name"],
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
