"""Progress on stderr: labelled bars and messages for slow stages (a terminal only).

:class:`Progress` is the :class:`remediate.progress.Reporter` the commands pass to the
library. Each bar is labelled (``Decoding audio``, ``Fixing``, ``Re-checking``...); a stage
that is still running after :data:`STAGE_DELAY_S` prints its name, and ``done in N s``
when it ends, so no step leaves a terminal silent for long. Nothing is drawn when stderr
is not a terminal (logs and pipes stay clean).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click

#: A stage that ends sooner than this prints nothing.
STAGE_DELAY_S = 1.0


class Progress:
    """Bars and stage messages on ``stream`` (stderr) when it is a terminal; else silent."""

    def __init__(
        self,
        label: str = "Working",
        enabled: bool = True,
        stream: TextIO | None = None,
        delay_s: float = STAGE_DELAY_S,
    ) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.delay_s = delay_s
        self.bar: Any = None
        self.bar_label = ""
        self.last = 0
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int) -> None:
        self._update(self.label, done, total)

    def labelled(self, label: str) -> Callable[[int, int], None]:
        return lambda done, total: self._update(label, done, total)

    def _update(self, label: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if self.bar is None or label != self.bar_label or total != self.bar.length:
            self.close()
            self.bar = click.progressbar(length=total, label=label, file=self.stream)
            self.bar.__enter__()
            self.bar_label, self.last = label, 0
        self.bar.update(done - self.last)
        self.last = done
        if done >= total:
            self.close()

    @contextmanager
    def stage(self, label: str) -> Iterator[None]:
        """Print ``label…`` if the block is still running after the delay, then its time."""
        if not self.enabled:
            yield
            return
        self.close()
        shown = threading.Event()

        def announce() -> None:
            with self._lock:
                self.stream.write(f"{label}…")
                self.stream.flush()
                shown.set()

        timer = threading.Timer(self.delay_s, announce)
        timer.daemon = True
        started = time.perf_counter()
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join()  # an announcement already under way finishes first
            with self._lock:
                if shown.is_set():
                    self.stream.write(f" done in {time.perf_counter() - started:.1f} s\n")
                    self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
