"""One run's files in an output folder, published as a set, one writer at a time.

``run``, ``scan`` and ``fetch`` write into ``--out``; this module makes that folder hold
exactly one run's files whatever happens:

* **one writer**: a lock file (``.remediate.lock``, see :mod:`remediate.lock`) is held for
  the whole run; a second run into the same folder stops at once with exit 6;
* **never someone else's folder**: a non-empty folder is only written to when remediate
  made it (the ``.remediate-out`` marker, or nothing in it but remediate's own outputs);
* **all or nothing**: every file is written into a hidden staging folder inside ``--out``.
  When the set is complete, that folder is renamed to ``.remediate-publishing`` (one
  rename: from then on the set is committed), the old ``summary.json`` is removed, files
  of an earlier run that this run does not write are removed, the new files are renamed
  into place, ``summary.json`` last. Every step can be redone, so a run killed half-way
  is rolled forward by the next one (under the lock) before it starts; until then the
  folder has no ``summary.json``, which says the set is incomplete.

``--out`` itself is never renamed, so it may be a mount point.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from remediate import contract as K
from remediate import lock
from remediate.errors import OutputError
from remediate.files import ensure_out_dir

LOCK_FILE = ".remediate.lock"
MARKER = K.RUN_MARKER
PUBLISHING = ".remediate-publishing"
#: Inside the committed set: the names it holds, so a roll-forward knows the whole set
#: even after some of its files were already moved into place.
SET_FILE = ".remediate-set"
STAGING_PREFIX = ".remediate-staging-"

#: Every name a run, scan or fetch writes into ``--out`` (the contract's list): a name in
#: this set that the current run does not write belongs to an earlier run and is removed.
OUTPUT_NAMES = K.OUT_NAMES
#: Written last, removed first: its presence means the set beside it is complete.
LAST = K.SUMMARY


def _ours(name: str) -> bool:
    return name in OUTPUT_NAMES or name.startswith((".remediate", STAGING_PREFIX))


def check_owned(out: Path) -> None:
    """Raise OutputError when ``out`` is a non-empty folder remediate did not make."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"output folder {out} exists and is not a folder", path=out)
    if (out / MARKER).is_file():
        return
    try:
        foreign = sorted(name for name in os.listdir(out) if not _ours(name))
    except OSError as exc:
        raise OutputError(f"cannot read output folder {out}: {exc.strerror}", path=out) from None
    if foreign:
        raise OutputError(
            f"output folder {out} is not empty and was not made by remediate "
            f"(it holds {foreign[0]!r}{' and more' if len(foreign) > 1 else ''})",
            hint="choose a new or empty folder; remediate replaces what is in --out",
            path=out,
        )


@contextmanager
def output_folder(out: Path, purpose: str) -> Iterator[Path]:
    """Hold ``out`` for one run: checked, created, locked, an interrupted publish finished.

    Raises OutputError (exit 6) when another run holds it, when it is someone else's
    folder, or when it cannot be created.
    """
    check_owned(out)
    ensure_out_dir(out)
    with lock.hold(out / LOCK_FILE, purpose, error=OutputError):
        _finish(out)
        _remove_staging(out)
        yield out


def staging(out: Path) -> Path:
    """A fresh hidden folder inside ``out`` to write a run's files into."""
    try:
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write into {out}: {_reason(exc)}", path=out) from None


def publish(stage: Path, out: Path) -> None:
    """Commit the complete set in ``stage`` (made by :func:`staging`) as ``out``'s content."""
    try:
        (stage / MARKER).write_text("remediate output folder\n", encoding="utf-8")
        names = sorted(os.listdir(stage))
        (stage / SET_FILE).write_text("\n".join(names) + "\n", encoding="utf-8")
        os.rename(stage, out / PUBLISHING)
        _finish(out)
    except OSError as exc:
        raise OutputError(f"cannot write into {out}: {_reason(exc)}", path=out) from None


def _reason(exc: OSError) -> str:
    # The message names --out, never the hidden staging folder the user did not ask for.
    return exc.strerror or type(exc).__name__


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _finish(out: Path) -> None:
    """Move a committed set into place (idempotent: safe to repeat after a crash)."""
    pending = out / PUBLISHING
    if not pending.is_dir():
        return
    try:
        names = set((pending / SET_FILE).read_text(encoding="utf-8").split())
    except FileNotFoundError:  # crashed before the commit was complete: nothing to keep
        shutil.rmtree(pending)
        return
    if (pending / LAST).exists():
        (out / LAST).unlink(missing_ok=True)
    for stale in sorted(OUTPUT_NAMES - names):
        _remove(out / stale)
    for name in sorted(names - {LAST}):
        if not (pending / name).exists() and not (pending / name).is_symlink():
            continue  # moved before the crash
        target = out / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(pending / name, target)
    if (pending / LAST).exists():
        os.replace(pending / LAST, out / LAST)
    (pending / SET_FILE).unlink()
    pending.rmdir()


def _remove_staging(out: Path) -> None:
    """Staging folders an interrupted run left (never committed: nothing to keep)."""
    for stale in out.glob(f"{STAGING_PREFIX}*"):
        with contextlib.suppress(OSError):
            shutil.rmtree(stale)
