"""The fix's destination folder: refuse unsafe ones, build beside it, swap it in atomically.

A destination inside the corpus or the run (or containing them), or a non-empty folder
``remediate fix`` did not make (no marker file), is refused before any work. The fix is
built in a temporary folder beside ``--dest`` and renamed into place; an earlier fix
output there is moved aside first and restored when the rename fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from remediate import contract as K
from remediate.errors import FixError


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_dest(dest: Path, corpus: Path, run_dir: Path) -> None:
    """Refuse destinations that could touch the corpus or the run, or clobber foreign data."""
    d, c, r = dest.resolve(), corpus.resolve(), run_dir.resolve()
    if _inside(d, c):
        raise FixError(
            f"--dest {dest} is inside the corpus {corpus}",
            hint="write the fixed corpus outside the original; it is never altered",
        )
    if _inside(c, d):
        raise FixError(f"--dest {dest} contains the corpus {corpus}; it would be replaced")
    if _inside(r, d):
        raise FixError(f"--dest {dest} contains the run directory {run_dir}")
    if _inside(d, r):
        raise FixError(
            f"--dest {dest} is inside the run directory {run_dir}",
            hint="the next run into that folder would remove it; choose a folder beside it",
        )
    if d.exists() or d.is_symlink():
        if not d.is_dir():
            raise FixError(f"--dest {dest} exists and is not a folder")
        if any(d.iterdir()) and not (d / K.FIX_MARKER).is_file():
            raise FixError(
                f"--dest {dest} is not empty and was not made by `remediate fix`",
                hint="choose a new or empty folder",
            )


def remove_stale(dest: Path) -> None:
    """Remove temporary folders an interrupted earlier fix left beside ``dest`` (ours only)."""
    parent = dest.resolve().parent
    for pattern in (f".{dest.name}.fix-tmp-*", f".{dest.name}.fix-old-*"):
        for stale in parent.glob(pattern):
            if stale.is_dir() and (stale / K.FIX_MARKER).is_file():
                shutil.rmtree(stale, ignore_errors=True)


def swap(tmp: Path, dest: Path) -> None:
    """Move the finished ``tmp`` to ``dest``; an earlier fix output there is replaced."""
    target = dest.resolve()
    if target.is_dir():
        if not any(target.iterdir()):
            target.rmdir()
        elif (target / K.FIX_MARKER).is_file():
            old = target.parent / f".{target.name}.fix-old-{os.getpid()}"
            os.rename(target, old)
            try:
                os.rename(tmp, target)
            except OSError:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
            return
        else:  # checked before the work started; re-checked in case it changed since
            raise FixError(f"--dest {dest} is not empty and was not made by `remediate fix`")
    os.rename(tmp, target)
