"""The last line of defence: an unexpected exception ends in one ``Error:`` line, exit 70
(sysexits' EX_SOFTWARE: never 1, which ``--fail-on`` uses), and a log file that holds the
traceback, scrubbed of the credentials in the environment. Warnings a library raises on
odd data (numpy's RuntimeWarning on a silent clip...) go to that log too, not to stderr.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from remediate.errors import EXIT_INTERNAL
from remediate.metastudio.defaults import SECRET_ENV_VARS
from remediate.safetext import Redactor, printable


class InternalError(click.ClickException):
    """A bug: shown as one line that points to the log with the traceback."""

    exit_code = EXIT_INTERNAL


def _log_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "remediate" / "logs"


def write_log(text: str) -> Path | None:
    """Write ``text`` (scrubbed of every credential in the environment) to a new log file."""
    redact = Redactor(os.environ.get(name, "").strip() for name in SECRET_ENV_VARS)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for folder in (_log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"remediate-{stamp}-{os.getpid()}.log"
            path.write_text(redact(text), encoding="utf-8", errors="replace")
            return path
        except OSError:
            continue
    return None


def internal_error(exc: BaseException) -> InternalError:
    """The one-line error for an unexpected exception, its traceback written to a log."""
    logged = write_log("".join(traceback.format_exception(exc)))
    what = printable(" ".join(f"{type(exc).__name__}: {exc}".split()))
    what = Redactor(os.environ.get(n, "").strip() for n in SECRET_ENV_VARS)(what)[:200]
    where = f"the traceback is in {logged}" if logged else "no log could be written"
    return InternalError(f"internal error ({what}); this is a bug in remediate: {where}")


@contextmanager
def quiet_runtime_warnings() -> Iterator[None]:
    """RuntimeWarnings (numpy on odd data) are not the user's business: logged, not shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield
