"""File-system helpers that need neither pandas nor pyarrow (the API side uses them too)."""

from __future__ import annotations

import os
from pathlib import Path

from remediate.errors import OutputError

__all__ = ["ensure_out_dir"]


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
