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
        stale = set(_stale(d))
        if any(p not in stale for p in d.iterdir()) and not (d / K.FIX_MARKER).is_file():
            raise FixError(
                f"--dest {dest} is not empty and was not made by `remediate fix`",
                hint="choose a new or empty folder",
            )


def _in_place(dest: Path) -> bool:
    """A mount point cannot be renamed (nor removed): the fix is then built inside it."""
    return os.path.ismount(dest.resolve())


def staging_dir(dest: Path) -> Path:
    """Where this process builds the fix: a hidden folder beside ``dest``, or inside it when
    ``dest`` is a mount point (a bind-mounted output volume), on the same file system
    either way, so the swap is made of renames."""
    target = dest.resolve()
    if _in_place(target):
        return target / f".fix-tmp-{os.getpid()}"
    return target.parent / f".{target.name}.fix-tmp-{os.getpid()}"


def _stale(dest: Path) -> list[Path]:
    target = dest.resolve()
    found = [
        *target.parent.glob(f".{target.name}.fix-tmp-*"),
        *target.parent.glob(f".{target.name}.fix-old-*"),
    ]
    if target.is_dir():
        found += [*target.glob(".fix-tmp-*"), *target.glob(".fix-old-*")]
    return [p for p in found if p.is_dir() and (p / K.FIX_MARKER).is_file()]


def remove_stale(dest: Path) -> None:
    """Remove temporary folders an interrupted earlier fix left beside (or, for a mount
    point, inside) ``dest``: ours only, recognised by the marker file."""
    for stale in _stale(dest):
        shutil.rmtree(stale, ignore_errors=True)


def swap(tmp: Path, dest: Path) -> None:
    """Move the finished ``tmp`` to ``dest``; an earlier fix output there is replaced (and
    put back when the move fails)."""
    target = dest.resolve()
    if tmp.parent == target:
        _swap_children(tmp, target)
        return
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


def _swap_children(tmp: Path, target: Path) -> None:
    """The swap for a ``target`` that cannot be renamed: the marker first (so the folder
    is recognisably ours from then on), the earlier outputs moved aside into a hidden
    folder, the new ones moved in, the old ones removed. A failed move is undone."""
    stale = set(_stale(target))
    earlier = [p for p in target.iterdir() if p != tmp and p not in stale]
    has_marker = (target / K.FIX_MARKER).is_file()
    if earlier and not has_marker:
        raise FixError(f"--dest {target} is not empty and was not made by `remediate fix`")
    os.replace(tmp / K.FIX_MARKER, target / K.FIX_MARKER)
    old = target / f".fix-old-{os.getpid()}"
    old.mkdir()
    (old / K.FIX_MARKER).write_text("{}\n")  # a copy left by a crash is recognisably ours
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for path in earlier:
            if path.name != K.FIX_MARKER:
                os.rename(path, old / path.name)
                moved_out.append(path.name)
        for path in sorted(tmp.iterdir(), key=lambda p: p.name == K.SUMMARY):
            os.rename(path, target / path.name)
            moved_in.append(path.name)
    except OSError:
        for name in reversed(moved_in):
            os.rename(target / name, tmp / name)
        for name in reversed(moved_out):
            os.rename(old / name, target / name)
        shutil.rmtree(old, ignore_errors=True)
        if not has_marker:
            (target / K.FIX_MARKER).unlink(missing_ok=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    tmp.rmdir()
