"""A lock file that keeps two scheduled runs from working on one output root at once.

The lock is a small JSON file (pid, host, start time) created with ``O_CREAT | O_EXCL``,
so exactly one process wins. A lock left by a process that died (same host, pid no
longer running) is stale: it is taken over, with a warning in the log. A lock held by a
live process, or by another host (whose processes cannot be checked), raises
:class:`~remediate.errors.LockedError`. The lock is removed on exit, also on errors and
Ctrl-C.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from remediate.errors import LockedError, OutputError, RemediateError

log = logging.getLogger(__name__)


def pid_alive(pid: int) -> bool:
    """True when a process with this pid exists on this machine (signal 0 probe)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_lock(path: Path) -> dict[str, Any] | None:
    """The holder recorded in a lock file; None when absent; {} when unreadable."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _stale(holder: dict[str, Any]) -> bool:
    pid = holder.get("pid")
    if not isinstance(pid, int) or holder.get("host") != socket.gethostname():
        return False
    return not pid_alive(pid)


def _create(path: Path, doc: dict[str, Any]) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot create lock {path}: {exc.strerror or exc}", path=path) from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
    return True


def _take_over(path: Path, holder: dict[str, Any]) -> None:
    """Remove a stale lock; under a guard so two takers cannot remove each other's lock."""
    guard = path.with_name(path.name + ".guard")
    with guard.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file closes (or the process dies)
        if read_lock(path) == holder:  # still the dead holder's file, not a new live lock
            log.warning(
                "taking over stale lock %s (pid %s is no longer running)", path, holder.get("pid")
            )
            path.unlink(missing_ok=True)


@contextmanager
def hold(
    path: Path, purpose: str, *, error: type[RemediateError] = LockedError
) -> Iterator[dict[str, Any]]:
    """Hold the lock at ``path`` for the ``with`` block; ``error`` (LockedError unless
    given) when another has it.

    ``purpose`` names the holder in the file and in the message a second run prints.
    """
    doc = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "purpose": purpose,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(3):
        if _create(path, doc):
            break
        holder = read_lock(path)
        if holder is None:
            continue  # released between our two calls: try again
        if not _stale(holder):
            who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
            since = holder.get("started_at", "?")
            raise error(
                f"another {holder.get('purpose', 'remediate run')} ({who}, since {since}) "
                f"holds {path}",
                hint="wait for it to finish; if that process is gone, remove the lock file",
                path=path,
            )
        _take_over(path, holder)
    else:
        raise error(f"could not take the lock {path}", path=path)
    try:
        yield doc
    finally:
        if read_lock(path) == doc:
            path.unlink(missing_ok=True)
