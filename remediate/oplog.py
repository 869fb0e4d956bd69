"""Audit reasons from the job's operation log (ListJobOperationLog), as job-level audit rows.

MetaStudio gives reasons outside ``errors[]``: each ``operations[]`` entry of the log may carry
``external_info.algorithm_failure_reason`` (the automatic review) and
``external_info.admin_audit_failure_reason`` (the manual one). Quality rejections (noise,
volume, speaking rate) have no documented error code and most likely arrive only here.

Only the latest rejection counts: the reasons of the most recent ``AUDIT_NOT_PASS``
operation (by ``operation_time``; the later entry when times are equal or absent), since
earlier ones judged an earlier upload. When no ``AUDIT_NOT_PASS`` carries a reason, the most
recent operation that does. Each reason becomes one audit row with no file name (a job-level
row of the report), its text verbatim. Pure: bytes in, rows out.
"""

from __future__ import annotations

from typing import Any, Final

from remediate import columns as C
from remediate.errors import ApiResponseError, AuditFileError
from remediate.metastudio.models import Operation, parse_operation
from remediate.metastudio.reader import decode_json_object

AUDIT_NOT_PASS: Final = "AUDIT_NOT_PASS"


def parse_oplog(data: bytes, source: str) -> tuple[Operation, ...]:
    """The operations of an op-log document (one ListJobOperationLog body, or the pages
    joined: ``{"count": N, "operations": [...]}``). Raises AuditFileError on a bad shape."""
    try:
        doc = decode_json_object(data, source)
        items = doc.get("operations")
        if items is None:
            return ()
        if not isinstance(items, list):
            raise AuditFileError(f"{source}: 'operations' must be a list")
        ops = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise AuditFileError(f"{source}: operations[{i}] must be an object")
            ops.append(parse_operation(item, source))
        return tuple(ops)
    except ApiResponseError as exc:
        raise AuditFileError(exc.message) from None


def latest_rejection(operations: tuple[Operation, ...]) -> Operation | None:
    """The operation whose reasons count (see the module docstring), or None."""

    def reasons(op: Operation) -> bool:
        return bool(op.algorithm_failure_reason or op.admin_audit_failure_reason)

    def newest(ops: list[tuple[int, Operation]]) -> Operation | None:
        if not ops:
            return None
        return max(ops, key=lambda io: (io[1].operation_time or 0, io[0]))[1]

    indexed = list(enumerate(operations))
    rejected = [(i, op) for i, op in indexed if op.action == AUDIT_NOT_PASS and reasons(op)]
    return newest(rejected) or newest([(i, op) for i, op in indexed if reasons(op)])


def oplog_rows(operations: tuple[Operation, ...]) -> list[dict[str, Any]]:
    """Audit-shaped rows (no file names, no code) for the latest rejection's reasons."""
    op = latest_rejection(operations)
    if op is None:
        return []
    found = (
        (C.SOURCE_OPLOG_ALGORITHM, op.algorithm_failure_reason),
        (C.SOURCE_OPLOG_ADMIN, op.admin_audit_failure_reason),
    )
    return [
        {
            C.SOURCE: source,
            C.AUDIT_TIME_RAW: op.operation_time,
            C.AUDIO_NAME: None,
            C.TEXT_NAME: None,
            C.ERROR_CODE: None,
            C.ERROR_MESSAGE: reason,
            C.ATTACHMENT_NAME: None,
        }
        for source, reason in found
        if reason
    ]
