"""Audit reasons from the operation log (remediate.oplog): which operation counts, the rows."""

from __future__ import annotations

import json

import pytest

from remediate import columns as C
from remediate.audit import parse_audit_result, with_oplog
from remediate.errors import AuditFileError
from remediate.metastudio.models import Operation
from remediate.oplog import latest_rejection, oplog_rows, parse_oplog


def op(action: str, t: int | None, algo: str | None = None, admin: str | None = None) -> Operation:
    return Operation(
        action=action,
        operation_time=t,
        algorithm_failure_reason=algo,
        admin_audit_failure_reason=admin,
    )


def test_the_latest_rejection_with_reasons_counts() -> None:
    ops = (
        op("AUDIT_NOT_PASS", 300, admin="newest"),
        op("AUDIT_NOT_PASS", 100, algo="oldest"),
        op("COMMIT_JOB", 400),
        op("AUDIT_NOT_PASS", 500),  # newer, but gives no reason
    )
    assert latest_rejection(ops) == ops[0]


def test_equal_or_missing_times_take_the_later_entry() -> None:
    ops = (op("AUDIT_NOT_PASS", None, algo="first"), op("AUDIT_NOT_PASS", None, algo="second"))
    assert latest_rejection(ops) == ops[1]


def test_without_a_rejection_the_newest_operation_with_a_reason() -> None:
    ops = (op("SYSTEM_AUDIT_PASS", 10, algo="a"), op("COMMIT_JOB", 20, admin="b"), op("X", 30))
    assert latest_rejection(ops) == ops[1]
    assert latest_rejection((op("COMMIT_JOB", 1),)) is None
    assert oplog_rows(()) == []


def test_rows_are_job_level_and_verbatim() -> None:
    rows = oplog_rows((op("AUDIT_NOT_PASS", 1764050400, algo=" 噪声 ", admin="re-record 3"),))
    assert [(r[C.SOURCE], r[C.ERROR_MESSAGE]) for r in rows] == [
        (C.SOURCE_OPLOG_ALGORITHM, " 噪声 "),
        (C.SOURCE_OPLOG_ADMIN, "re-record 3"),
    ]
    assert all(r[C.AUDIO_NAME] is None and r[C.ERROR_CODE] is None for r in rows)
    assert {r[C.AUDIT_TIME_RAW] for r in rows} == {1764050400}


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b"not json",
        b'{"operations": {}}',
        b'{"operations": [1]}',
        b'{"operations": [{"action": []}]}',
    ],
)
def test_a_bad_operation_log_is_an_audit_file_error(body: bytes) -> None:
    with pytest.raises(AuditFileError, match="op-logs.json"):
        parse_oplog(body, "op-logs.json")


def test_with_oplog_numbers_rows_after_the_audit() -> None:
    audit = parse_audit_result(
        json.dumps({"system_audit_result": {"errors": [{"audio_name": "a.wav"}]}}).encode(),
        job_id="j",
    )
    log = {
        "operations": [
            {"action": "AUDIT_NOT_PASS", "external_info": {"algorithm_failure_reason": "r"}}
        ]
    }
    both = with_oplog(audit, json.dumps(log).encode(), source="op-logs.json", job_id="j")
    assert list(both[C.ENTRY_ID]) == [0, 1]
    assert list(both[C.JOB_ID]) == ["j", "j"]
    assert both.dtypes.equals(audit.dtypes)
    assert with_oplog(audit, None, source="x") is audit
    assert with_oplog(audit, b'{"operations": []}', source="x") is audit
