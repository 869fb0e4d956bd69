"""Errors that stop a run, each with the process exit code a scheduler can act on.

Data problems (a corrupt WAV, an empty transcript, an audit entry naming no local
file) are never exceptions: they are rows in the findings table. The classes here
mean "could not run"::

    RemediateError                 exit 1   base class, never raised directly
    ├── ConfigError                exit 3   contradictory or invalid options, bad profile
    ├── InputError                          input the run cannot start from
    │   ├── AuditFileError         exit 4   audit file unreadable, not JSON, or wrong shape
    │   └── CorpusError            exit 5   corpus folder missing or unreadable
    ├── OutputError                exit 6   output folder cannot be created or written
    ├── ApiError                            MetaStudio API failures (see remediate.metastudio.faults)
    │   ├── CredentialsError       exit 7   no or rejected credentials (401/403)
    │   ├── ApiRequestError        exit 8   the API refused the request (other 4xx, MSS code)
    │   ├── ApiUnavailableError    exit 9   timeouts, connection errors, 5xx/429 after retries
    │   └── ApiResponseError       exit 10  body not JSON, wrong shape, or over the size cap
    ├── FixError                   exit 11  the fix stage cannot run (bad run dir, dest inside corpus)
    └── LockedError                exit 15  another ``remediate batch`` holds the output root's lock

Exit 0 means the run completed, whatever it found; 1 is used by ``--fail-on`` when
pairs that block resubmission remain; 2 is click's usage error; 130 is Ctrl-C.

``remediate batch`` tells a scheduler what happened across jobs (worst first: 14, 13, 0, 12):
0 every job that had new work was remediated by machine; 12 nothing to do (no failed job
with a corpus mapping, or none changed since its last round); 13 some jobs need people
(pairs to drop or re-record, audit entries naming no local file, pairs still missing for
the edition); 14 some jobs failed (their errors are in ``batch-summary.json``); 15 the
lock is held by another batch.

Messages never contain secrets: the API layer builds them from status codes, MSS
codes and request ids only.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
#: ``remediate batch`` outcomes (see the module docstring).
EXIT_NOTHING_TO_DO = 12
EXIT_NEEDS_PEOPLE = 13
EXIT_JOBS_FAILED = 14
#: An unexpected internal error (a bug): sysexits.h EX_SOFTWARE; the log has the traceback.
EXIT_INTERNAL = 70


class RemediateError(Exception):
    """Base class: a failure that stops the run, with its exit code."""

    exit_code: int = 1

    def __init__(
        self, message: str, *, hint: str | None = None, path: Path | str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path  # the file or folder concerned, when there is one

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} (hint: {self.hint})"
        return self.message


class ConfigError(RemediateError):
    """Options that contradict each other or an invalid profile/threshold."""

    exit_code = 3


class InputError(RemediateError):
    """An input the run cannot start from."""

    exit_code = 4


class AuditFileError(InputError):
    """The audit result is unreadable, not JSON, or not in the documented shape."""

    exit_code = 4


class CorpusError(InputError):
    """The corpus folder is missing, not a folder, or unreadable."""

    exit_code = 5


class OutputError(RemediateError):
    """The output folder cannot be created or written."""

    exit_code = 6


class ApiError(RemediateError):
    """A MetaStudio API call failed; carries what is safe to show."""

    exit_code = 8

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_code: str | None = None,
        request_id: str | None = None,
        url: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status_code = status_code
        self.error_code = error_code
        self.request_id = request_id
        self.url = url


class CredentialsError(ApiError):
    """Credentials are missing, or the API rejected them (401/403)."""

    exit_code = 7


class ApiRequestError(ApiError):
    """The API refused the request (a 4xx other than 401/403/429)."""

    exit_code = 8


class ApiUnavailableError(ApiError):
    """Timeouts, connection errors, or 429/5xx that outlasted the retry budget."""

    exit_code = 9


class ApiResponseError(ApiError):
    """The API answered with a body that is not JSON, of the wrong shape, or too large."""

    exit_code = 10


class FixError(RemediateError):
    """The fix stage cannot run: bad run directory, destination inside the corpus..."""

    exit_code = 11


class LockedError(RemediateError):
    """Another ``remediate batch`` (a live process) holds the lock on the output root."""

    exit_code = 15


#: Every exit code with a one-line meaning, for ``--help`` and the README.
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "the run completed (whatever it found)",
    EXIT_FINDINGS: "with --fail-on: pairs that block resubmission remain",
    EXIT_USAGE: "usage error (bad option or argument)",
    ConfigError.exit_code: "invalid configuration, profile or threshold override; --out inside the corpus",
    AuditFileError.exit_code: "audit file unreadable, not JSON, or not in the documented shape",
    CorpusError.exit_code: "corpus folder missing or unreadable",
    OutputError.exit_code: "output folder cannot be created or written",
    CredentialsError.exit_code: "API credentials missing or rejected (401/403)",
    ApiRequestError.exit_code: "API refused the request (4xx with an MSS error code)",
    ApiUnavailableError.exit_code: "API unreachable: timeouts, connection errors, 429/5xx after retries",
    ApiResponseError.exit_code: "API answered with a malformed, wrongly shaped or oversized body",
    FixError.exit_code: "fix stage cannot run (bad run directory, destination inside the corpus)",
    EXIT_NOTHING_TO_DO: "batch: nothing to do (no failed job with a corpus mapping, or none changed since its last round)",
    EXIT_NEEDS_PEOPLE: "batch: some jobs need people (pairs to drop or re-record, audit entries naming no local file)",
    EXIT_JOBS_FAILED: "batch: some jobs failed (each error is in batch-summary.json; the other jobs still ran)",
    LockedError.exit_code: "batch: another batch holds the lock on the output root (a dead holder's is taken over)",
    EXIT_INTERNAL: "internal error (a bug): one Error line naming the log file that holds the traceback",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); no half-written output is left",
}
