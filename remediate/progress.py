"""Progress the library reports and the command line draws.

A stage function takes ``progress``: a plain ``(done, total)`` callback (one bar) or a
:class:`Reporter`, which also gives labelled bars (``labelled``) and announces stages
(``stage``) that run long enough to leave a terminal silent. The library only calls the
two helpers below; it never prints. :class:`remediate.cli.progress.Progress` draws them
on stderr.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol, runtime_checkable

ProgressCallback = Callable[[int, int], None]


@runtime_checkable
class Reporter(Protocol):
    """Bars with a label and stage messages (what the CLI passes as ``progress``)."""

    def __call__(self, done: int, total: int) -> None: ...

    def labelled(self, label: str) -> ProgressCallback:
        """A callback drawing its own bar under ``label``."""
        ...

    def stage(self, label: str) -> AbstractContextManager[None]:
        """Announce ``label`` while the block runs (the CLI: when it takes over a second)."""
        ...


def labelled(progress: ProgressCallback | None, label: str) -> ProgressCallback | None:
    """A bar named ``label`` when ``progress`` can name bars, else ``progress`` itself."""
    if isinstance(progress, Reporter):
        return progress.labelled(label)
    return progress


@contextmanager
def stage(progress: ProgressCallback | None, label: str) -> Iterator[None]:
    """Run the block as a stage named ``label`` when ``progress`` announces stages."""
    if isinstance(progress, Reporter):
        with progress.stage(label):
            yield
    else:
        yield
