"""The batch lock: one holder, a clear refusal, stale locks of dead processes taken over (remediate.lock)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from remediate.errors import LockedError
from remediate.lock import hold, pid_alive, read_lock


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(proc.stdout)
    assert not pid_alive(pid)
    return pid


def test_holds_writes_holder_and_releases(tmp_path: Path) -> None:
    path = tmp_path / "out" / ".lock"
    with hold(path, "remediate batch") as doc:
        held = read_lock(path)
        assert held == doc
        assert held is not None
        assert held["pid"] == os.getpid() and held["purpose"] == "remediate batch"
    assert not path.exists()


def test_released_on_error(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    with pytest.raises(RuntimeError), hold(path, "x"):
        raise RuntimeError("boom")
    assert not path.exists()


def test_second_holder_is_refused_with_who_and_since(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    with hold(path, "remediate batch"):
        with pytest.raises(LockedError) as info, hold(path, "remediate batch"):
            pass
        assert info.value.exit_code == 15
        message = str(info.value)
        assert f"pid {os.getpid()} on {socket.gethostname()}" in message
        assert "another remediate batch" in message
        assert path.exists()  # the refusal did not remove the holder's lock
    assert not path.exists()


def test_live_process_of_another_run_blocks(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        path.write_text(
            json.dumps(
                {
                    "pid": child.pid,
                    "host": socket.gethostname(),
                    "started_at": "t",
                    "purpose": "remediate batch",
                }
            )
        )
        with pytest.raises(LockedError, match=f"pid {child.pid}"), hold(path, "remediate batch"):
            pass
    finally:
        child.kill()
        child.wait()


def test_stale_lock_of_dead_process_is_taken_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / ".lock"
    pid = dead_pid()
    path.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "started_at": "t"}))
    with (
        caplog.at_level(logging.WARNING, logger="remediate.lock"),
        hold(path, "remediate batch") as doc,
    ):
        assert read_lock(path) == doc
    assert f"pid {pid} is no longer running" in caplog.text
    assert not path.exists()


def test_lock_of_another_host_is_not_judged(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    path.write_text(json.dumps({"pid": dead_pid(), "host": "elsewhere.example", "started_at": "t"}))
    with pytest.raises(LockedError, match="on elsewhere.example"), hold(path, "remediate batch"):
        pass


def test_unreadable_lock_blocks(tmp_path: Path) -> None:
    path = tmp_path / ".lock"
    path.write_text("not json")
    with pytest.raises(LockedError, match=r"pid \?"), hold(path, "x"):
        pass
    assert path.read_text() == "not json"
