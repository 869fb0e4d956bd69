"""The fix destination: the swap into place, its rollback, and stale temporary folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from remediate import contract as K
from remediate.errors import FixError
from remediate.fix import dest


def made_by_fix(folder: Path, content: str) -> Path:
    folder.mkdir(parents=True)
    (folder / K.FIX_MARKER).write_text("{}\n")
    (folder / "summary.json").write_text(content)
    return folder


def test_swap_replaces_an_earlier_fix_output(tmp_path: Path) -> None:
    target = made_by_fix(tmp_path / "fixed", "old")
    tmp = made_by_fix(tmp_path / ".fixed.fix-tmp-1", "new")
    dest.swap(tmp, target)
    assert (target / "summary.json").read_text() == "new"
    assert not tmp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixed"]  # the old copy is gone


def test_swap_rolls_back_when_the_new_folder_cannot_be_moved_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = made_by_fix(tmp_path / "fixed", "old")
    tmp = made_by_fix(tmp_path / ".fixed.fix-tmp-1", "new")
    real_rename = os.rename
    calls: list[tuple[str, str]] = []

    def rename(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        calls.append((Path(src).name, Path(dst).name))
        if Path(src) == tmp:
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(dest.os, "rename", rename)
    with pytest.raises(OSError, match="No space left"):
        dest.swap(tmp, target)
    # moved aside, the move-in failed, moved back: the earlier output is where it was
    assert [c[1] for c in calls] == [f".fixed.fix-old-{os.getpid()}", "fixed", "fixed"]
    assert (target / "summary.json").read_text() == "old"
    assert (tmp / "summary.json").read_text() == "new"  # the caller removes its temp folder


def test_swap_into_an_empty_folder_and_a_new_name(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    dest.swap(made_by_fix(tmp_path / "t1", "a"), tmp_path / "empty")
    dest.swap(made_by_fix(tmp_path / "t2", "b"), tmp_path / "new")
    assert (tmp_path / "empty" / "summary.json").read_text() == "a"
    assert (tmp_path / "new" / "summary.json").read_text() == "b"


def test_swap_refuses_a_folder_that_became_foreign(tmp_path: Path) -> None:
    foreign = tmp_path / "fixed"
    foreign.mkdir()
    (foreign / "keep.me").write_text("theirs")
    with pytest.raises(FixError, match="not made by `remediate fix`"):
        dest.swap(made_by_fix(tmp_path / "t", "new"), foreign)
    assert (foreign / "keep.me").read_text() == "theirs"


def test_remove_stale_takes_only_our_marked_folders(tmp_path: Path) -> None:
    ours = made_by_fix(tmp_path / ".fixed.fix-tmp-99", "x")
    old = made_by_fix(tmp_path / ".fixed.fix-old-98", "x")
    theirs = tmp_path / ".fixed.fix-tmp-97"
    theirs.mkdir()
    (theirs / "data").write_text("not ours")
    other = made_by_fix(tmp_path / ".other.fix-tmp-1", "x")
    dest.remove_stale(tmp_path / "fixed")
    assert not ours.exists() and not old.exists()
    assert theirs.exists() and other.exists()
