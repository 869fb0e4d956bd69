"""remediate: turn a failed MetaStudio voice-training audit into a corpus that passes.

Library entry points: :func:`run` (audit result + corpus → report), :func:`scan` (corpus
only), :class:`Config`; every failure that stops a run is a :class:`RemediateError`.
"""

from remediate._version import __version__
from remediate.config import Config
from remediate.errors import RemediateError
from remediate.pipeline import run, scan

__all__ = ["Config", "RemediateError", "__version__", "run", "scan"]
