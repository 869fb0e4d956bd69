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


# --- a destination that is a mount point: built inside it, swapped child by child ----------


@pytest.fixture
def mount_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder the swap must treat as a mount point (it cannot be renamed or removed)."""
    mounted = tmp_path / "volume"
    mounted.mkdir()
    real_ismount = os.path.ismount
    monkeypatch.setattr(dest.os.path, "ismount", lambda p: Path(p) == mounted or real_ismount(p))
    real_rename = os.rename

    def rename(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if mounted in (Path(src), Path(dst)):
            raise OSError(16, "Device or resource busy")
        real_rename(src, dst)

    monkeypatch.setattr(dest.os, "rename", rename)
    return mounted


def build(into: Path, **files: str) -> Path:
    tmp = dest.staging_dir(into)
    tmp.mkdir()
    (tmp / K.FIX_MARKER).write_text("{}\n")
    for name, text in files.items():
        (tmp / name).write_text(text)
    return tmp


def test_a_mount_point_is_built_inside_and_filled_in_place(mount_point: Path) -> None:
    tmp = build(mount_point, summary="one", extra="only in the first")
    assert tmp.parent == mount_point
    dest.swap(tmp, mount_point)
    assert sorted(p.name for p in mount_point.iterdir()) == [K.FIX_MARKER, "extra", "summary"]
    dest.swap(build(mount_point, summary="two"), mount_point)
    # the earlier output is replaced as a whole: its extra file is gone, no hidden folder left
    assert sorted(p.name for p in mount_point.iterdir()) == [K.FIX_MARKER, "summary"]
    assert (mount_point / "summary").read_text() == "two"


def test_a_failed_move_into_a_mount_point_puts_the_earlier_output_back(
    mount_point: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest.swap(build(mount_point, summary="one", data="old data"), mount_point)
    tmp = build(mount_point, data="new data", summary="two")
    busy_rename = dest.os.rename

    def rename(src: os.PathLike[str] | str, dst: os.PathLike[str] | str) -> None:
        if Path(src) == tmp / "summary":
            raise OSError(28, "No space left on device")
        busy_rename(src, dst)

    monkeypatch.setattr(dest.os, "rename", rename)
    with pytest.raises(OSError, match="No space left"):
        dest.swap(tmp, mount_point)
    assert (mount_point / "summary").read_text() == "one"
    assert (mount_point / "data").read_text() == "old data"
    assert (tmp / "data").read_text() == "new data"  # back in the staging folder
    assert not list(mount_point.glob(".fix-old-*"))


def test_a_crash_inside_a_mount_point_leaves_nothing_that_blocks_the_next_fix(
    mount_point: Path,
) -> None:
    crashed = build(mount_point, summary="half")
    crashed.rename(mount_point / ".fix-tmp-1")  # another pid's leftovers
    corpus, run = mount_point.parent / "corpus", mount_point.parent / "run"
    dest.check_dest(mount_point, corpus, run)  # only our stale folder in it: accepted
    dest.remove_stale(mount_point)
    assert list(mount_point.iterdir()) == []
    (mount_point / "theirs.txt").write_text("someone else's")
    with pytest.raises(FixError, match="not made by `remediate fix`"):
        dest.check_dest(mount_point, corpus, run)


def test_swap_into_a_real_mount_point(tmp_path: Path) -> None:
    """The swap on a real tmpfs mount (where the tests may mount one: root, privileged)."""
    import subprocess

    mounted = tmp_path / "mnt"
    mounted.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "tmpfs", str(mounted)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        assert os.path.ismount(mounted)
        tmp = build(mounted, summary="one")
        dest.swap(tmp, mounted)
        dest.swap(build(mounted, summary="two"), mounted)
        assert sorted(p.name for p in mounted.iterdir()) == [K.FIX_MARKER, "summary"]
        assert (mounted / "summary").read_text() == "two"
    finally:
        subprocess.run(["umount", str(mounted)], check=True)
