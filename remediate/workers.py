"""The worker process pool: one per core, BLAS pinned to one thread, and no orphans.

Workers exit when the process that started them dies, even by ``kill -9`` (which runs no
cleanup in the parent): on Linux the kernel sends them SIGKILL (``prctl(PR_SET_PDEATHSIG)``,
set in the worker initializer); elsewhere a watchdog thread in each worker checks once a
second that its parent is still the one that started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

#: ``prctl`` option: signal to deliver when the parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1
_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before prctl took effect
                    os._exit(1)
                return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _init_worker(parent: int) -> None:
    _die_with_parent(parent)
    # The probe makes no BLAS calls (sums of squares are integer reductions, FFTs are
    # pocketfft), so OpenBLAS oversubscription cannot bite; pin it anyway for a BLAS
    # loaded later in the worker.
    for key in _BLAS_THREADS:
        os.environ[key] = "1"


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork on Linux: no re-import of ``__main__`` (library callers need no main guard) and
    no interpreter start-up per worker; spawn elsewhere, with BLAS pinned in the environment."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextmanager
def _single_threaded_env() -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in _BLAS_THREADS}
    try:
        for k in _BLAS_THREADS:
            os.environ[k] = "1"
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``workers`` that never outlives this process."""
    with (
        _single_threaded_env(),
        ProcessPoolExecutor(
            workers,
            mp_context=_pool_context(),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        ) as pool,
    ):
        yield pool


T = TypeVar("T")
R = TypeVar("R")


def ordered_map(
    fn: Callable[[T], R],
    items: list[T],
    jobs: int = 0,
    min_items: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]`` on a pool of ``jobs`` workers (0 = one per core) when
    there are at least ``min_items``, in-process otherwise; results in the order of
    ``items`` either way. ``progress`` gets (done, total) as results arrive."""
    out: list[R] = []
    workers = min(jobs or (os.cpu_count() or 1), len(items))

    def gather(results: Iterator[R]) -> None:
        for result in results:
            out.append(result)
            if progress:
                progress(len(out), len(items))

    if workers > 1 and len(items) >= min_items:
        with worker_pool(workers) as pool:
            gather(pool.map(fn, items, chunksize=max(1, len(items) // (workers * 8))))
    else:
        gather(map(fn, items))
    return out
