"""remediate: turn a failed MetaStudio voice-training audit into a corpus that passes.

Library entry points: :func:`run` (audit result + corpus → report), :func:`scan` (corpus
only), :class:`Config`; every failure that stops a run is a :class:`RemediateError`.
``run`` and ``scan`` are imported lazily so ``remediate --help`` does not load pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from remediate._version import __version__
from remediate.config import Config
from remediate.errors import RemediateError

if TYPE_CHECKING:
    from remediate.pipeline import run, scan

__all__ = ["Config", "RemediateError", "__version__", "run", "scan"]


def __getattr__(name: str) -> Any:
    if name in ("run", "scan"):
        from remediate import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'remediate' has no attribute {name!r}")
