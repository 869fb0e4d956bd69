"""File-system helpers that need neither pandas nor pyarrow (the API side uses them too)."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from remediate.errors import OutputError

__all__ = ["NotRegularFile", "TooLarge", "ensure_out_dir", "read_regular"]


def ensure_out_dir(out: Path) -> Path:
    """Create the output folder (and parents) or raise OutputError."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create output folder {out}: {exc.strerror or exc}", path=out
        ) from None
    if not os.access(out, os.W_OK):
        raise OutputError(f"output folder is not writable: {out}", path=out)
    return out


class NotRegularFile(OSError):
    """A path that is a FIFO, a device, a socket or a folder: never read (it could block
    forever or never end)."""


class TooLarge(OSError):
    """A file over the size cap of what reads it (``size`` is what fstat said)."""

    def __init__(self, path: Path, size: int, cap: int) -> None:
        super().__init__(f"{size} bytes, over the {cap} byte cap")
        self.size = size
        self.cap = cap


def read_regular(path: Path, cap: int) -> bytes:
    """The bytes of ``path`` when it is a regular file of at most ``cap`` bytes.

    Opened without blocking (a FIFO would otherwise wait for a writer forever) and checked
    with fstat on the open descriptor, so a file swapped for a FIFO or a link to
    ``/dev/zero`` after it was listed is refused too; at most ``cap + 1`` bytes are read
    whatever fstat said. Raises NotRegularFile, TooLarge, or OSError.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(f"not a regular file ({_kind(st.st_mode)})")
        if st.st_size > cap:
            raise TooLarge(path, st.st_size, cap)
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, cap + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:  # grew since fstat
                raise TooLarge(path, size, cap)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


#: Hidden folders outputs are built in before they are moved into place: a run's staging
#: folder inside ``--out``, a fix's beside ``--dest`` (``.NAME.fix-tmp-PID``) or inside a
#: mount point (``.fix-tmp-PID``).
_STAGING = re.compile(r"^(?:\.remediate-staging-.*|\.fix-tmp-\d+|\.(?P<name>.+)\.fix-tmp-\d+)$")


def public_path(path: Path) -> Path:
    """``path`` as the user will find it once published: a hidden staging folder in it is
    replaced by the folder it is published as (messages name ``--out``/``--dest``, never a
    folder the user did not ask for)."""
    parts = list(path.parts)
    for i in range(len(parts) - 1, 0, -1):
        found = _STAGING.match(parts[i])
        if found:
            name = found.group("name")
            head = [*parts[:i], name] if name else parts[:i]
            return Path(*head, *parts[i + 1 :])
    return path
