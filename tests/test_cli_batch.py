"""`remediate init`, `batch` and `history` through click: exit codes, streams, logs (remediate.cli.batch)."""

from __future__ import annotations

import json
import os
import re
import socket
from pathlib import Path

import pytest
from batchkit import audit, make_corpus, project_file
from click.testing import CliRunner, Result

from remediate.cli import cli
from remediate.errors import EXIT_NEEDS_PEOPLE, EXIT_NOTHING_TO_DO


def invoke(args: list[str], cwd: Path) -> Result:
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, args)
    finally:
        os.chdir(old)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    make_corpus(tmp_path / "corpus", 4, clipped=(3,))
    folder = tmp_path / "saved" / "job-1"
    folder.mkdir(parents=True)
    (folder / "audit-result.json").write_bytes(audit(3, message="please re-record 3"))
    (folder / "job.json").write_text(
        json.dumps(
            {"job_id": "job-1", "state": "AUDIT_FAILED", "reject_times": 2, "voice_name": "anna"}
        )
    )
    oplog = {
        "count": 2,
        "operations": [
            {
                "action": "AUDIT_NOT_PASS",
                "operation_time": 5,
                "external_info": {"admin_audit_failure_reason": "old"},
            },
            {
                "action": "AUDIT_NOT_PASS",
                "operation_time": 9,
                "external_info": {"algorithm_failure_reason": "clipping in 3"},
            },
            {"action": "COMMIT", "operation_time": 7},
        ],
    }
    (folder / "op-logs.json").write_text(json.dumps(oplog))
    project_file(tmp_path / "remediate.toml", '[[jobs]]\njob_id = "job-1"\ncorpus = "corpus"\n')
    return tmp_path


def test_init_writes_once(tmp_path: Path) -> None:
    result = invoke(["init"], tmp_path)
    assert result.exit_code == 0, result.output
    assert "Wrote remediate.toml" in result.stderr
    assert (tmp_path / "remediate.toml").read_text(encoding="utf-8").startswith("# remediate.toml")
    again = invoke(["init"], tmp_path)
    assert again.exit_code == 6 and "already exists" in again.stderr


def test_batch_offline_then_unchanged_then_history(project: Path) -> None:
    first = invoke(["batch", "--offline", "saved"], project)
    assert first.exit_code == EXIT_NEEDS_PEOPLE, first.stderr
    assert first.stdout == ""
    # timestamped log lines, then the table
    assert re.search(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO remediate.batch: 1 job\(s\) in AUDIT_FAILED \(offline\)$",
        first.stderr,
        re.M,
    )
    table = first.stderr.splitlines()
    header = next(line for line in table if line.startswith("job "))
    assert header.split() == [
        "job",
        "voice",
        "round",
        "status",
        "keep",
        "fix",
        "drop",
        "unmatched",
        "needed",
        "since",
        "last",
        "round",
    ]
    row = next(line for line in table if line.startswith("job-1 "))
    assert row.split() == [
        "job-1",
        "anna",
        "2",
        "needs-people",
        "3",
        "0",
        "1",
        "2",  # the reviewer's message and the op log's latest rejection reason
        "1",  # 3 resubmittable pairs of the 4 required
        "first",
        "round",
    ]
    assert "job job-1 audit says: clipping in 3\n" in first.stderr  # the newest reason
    assert "summary in out/batch-summary.json" in first.stderr
    saved = (project / "saved" / "job-1" / "op-logs.json").read_bytes()
    assert (project / "out" / "job-1" / "round-2" / "op-logs.json").read_bytes() == saved
    second = invoke(["batch", "--offline", "saved", "--json"], project)
    assert second.exit_code == EXIT_NOTHING_TO_DO
    doc = json.loads(second.stdout)
    assert doc["jobs"][0]["status"] == "unchanged" and doc["exit_code"] == EXIT_NOTHING_TO_DO
    hist = invoke(["history", "--job-id", "job-1"], project)
    assert hist.exit_code == 0
    assert hist.stdout.splitlines()[0] == "Job job-1: one round (2); nothing to compare yet."
    assert re.search(r"^3 +audio_3.wav +drop +MSS.20020011 +new$", hist.stdout, re.M)
    as_json = json.loads(invoke(["history", "--job-id", "job-1", "--json"], project).stdout)
    assert as_json["rounds"] == [2] and as_json["changes"]["new"] == 1


def test_batch_dry_run(project: Path) -> None:
    result = invoke(["batch", "--offline", "saved", "--dry-run"], project)
    assert result.exit_code == 0
    assert re.search(r"^job-1 +anna +2 +would-run", result.stderr, re.M)
    assert "dry run: nothing written" in result.stderr
    assert not (project / "out").exists()


def test_batch_locked(project: Path) -> None:
    (project / "out").mkdir()
    lock = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": "2026-01-01T00:00:00+00:00",
        "purpose": "remediate batch",
    }
    (project / "out" / ".remediate-batch.lock").write_text(json.dumps(lock))
    result = invoke(["batch", "--offline", "saved"], project)
    assert result.exit_code == 15
    assert f"Error: another remediate batch (pid {os.getpid()}" in result.stderr
    assert "since 2026-01-01T00:00:00+00:00" in result.stderr


def test_bad_project_file_exit_3_with_line(project: Path) -> None:
    (project / "remediate.toml").write_text(
        '[defaults]\nout = "o"\n\n[[jobs]]\njob_id = "a"\ncorpus = "c"\nedition = "gold"\n'
    )
    result = invoke(["batch", "--offline", "saved"], project)
    assert result.exit_code == 3
    assert "Error: remediate.toml:7: jobs[1].edition = 'gold' is not one of" in result.stderr


def test_batch_without_credentials_exit_7(project: Path) -> None:
    result = invoke(["batch", "--project-id", "p"], project)
    assert result.exit_code == 7 and "no MetaStudio credentials" in result.stderr


def test_history_without_rounds(project: Path) -> None:
    result = invoke(["history", "--job-id", "nope"], project)
    assert result.exit_code == 0
    assert result.stdout.startswith("No rounds recorded for job nope in out/history")
