"""Options and plumbing shared by every command: each option is defined once, here.

``corpus_options`` (run, scan), ``api_options`` (fetch, jobs, run) and ``json_option``
(every command that can print JSON) are decorators; ``errors()`` maps library errors to
their exit codes. A new command reuses them instead of declaring its own copies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from remediate.errors import EXIT_INTERRUPTED, RemediateError
from remediate.metastudio.defaults import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_TIME_S,
    DEFAULT_READ_TIMEOUT_S,
    DEFAULT_REGION,
    ENV_ENDPOINT,
    ENV_PROJECT_ID,
    REGIONS,
)
from remediate.profiles import DEFAULT_EDITION, EDITIONS, LANGUAGES
from remediate.safetext import printable

F = TypeVar("F", bound=Callable[..., Any])

EDITION_CHOICES = list(EDITIONS)


class RemediateClickError(click.ClickException):
    """A RemediateError shown as one ``Error: ...`` line with its own exit code."""

    def __init__(self, error: RemediateError) -> None:
        super().__init__(one_line(str(error)))
        self.exit_code = error.exit_code  # type: ignore[misc]


#: An error line longer than this is cut in the middle (a path past PATH_MAX made 5,000).
ERROR_LINE_MAX = 400


def one_line(text: str) -> str:
    """An error message as one printable line of at most ERROR_LINE_MAX characters: control
    characters and escape sequences (from a server, a file name) removed, the middle cut."""
    text = " ".join(printable(text).split())
    if len(text) <= ERROR_LINE_MAX:
        return text
    half = ERROR_LINE_MAX // 2 - 2
    return f"{text[:half]} … {text[-half:]}"


@contextmanager
def errors() -> Iterator[None]:
    """Map library errors to exit codes; Ctrl-C to 130 without a traceback."""
    try:
        yield
    except RemediateError as exc:
        raise RemediateClickError(exc) from None
    except KeyboardInterrupt:
        click.echo("Interrupted; no half-written output was left.", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _apply(f: F, options: list[Callable[[F], F]]) -> F:
    for option in reversed(options):
        f = option(f)
    return f


def json_option(what: str) -> Callable[[F], F]:
    """``--json``: print ``what`` as one JSON document on stdout (passed as ``as_json``)."""
    return click.option(
        "--json", "as_json", is_flag=True, help=f"Print {what} as one JSON document on stdout."
    )


def _check_codes(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """Validate ``--skip``/``--only`` codes against the check registry (usage error, exit 2)."""
    if not value:
        return value
    from remediate.checks import CHECKS

    unknown = [code for code in value if code not in CHECKS]
    if unknown:
        raise click.BadParameter(
            f"unknown check {', '.join(unknown)}; known checks: {', '.join(CHECKS)}"
        )
    return value


def dnsmos_option(default: bool) -> Callable[[F], F]:
    """``--dnsmos/--no-dnsmos``: score DNSMOS P.835 (the costly measure) or not."""
    return click.option(
        "--dnsmos/--no-dnsmos",
        default=default,
        show_default=True,
        help="Score every clip with DNSMOS P.835 (SIG/BAK/OVRL; ~0.2 s of a core per 9 s of audio).",
    )


def corpus_options(f: F) -> F:
    """Options shared by every command that scans a corpus."""
    return _apply(
        f,
        [
            click.option(
                "--corpus",
                type=click.Path(path_type=Path, file_okay=False),
                required=True,
                help="Folder of audio/text pairs (audio_N.wav/text_N.txt or N.wav/N.txt). Never modified.",
            ),
            click.option(
                "--out",
                type=click.Path(path_type=Path, file_okay=False),
                required=True,
                help="Output folder (created if missing; must be outside the corpus).",
            ),
            click.option(
                "--edition",
                type=click.Choice(EDITION_CHOICES),
                default=None,
                help=f"Edition profile of thresholds.  [default: {DEFAULT_EDITION}]",
            ),
            click.option(
                "--set",
                "overrides",
                multiple=True,
                metavar="SECTION.KEY=VALUE",
                help="Override a profile threshold, e.g. --set duration.max_s=12 (repeatable).",
            ),
            click.option(
                "--language",
                type=click.Choice(LANGUAGES, case_sensitive=False),
                default=None,
                help="Job language: flag transcripts in another script.",
            ),
            click.option(
                "--loudness/--no-loudness",
                default=False,
                help="Also measure integrated loudness (LUFS; the costly step; needs the loudness extra: "
                "pip install 'remediate[loudness]').",
            ),
            dnsmos_option(default=False),
            click.option(
                "--jobs",
                type=click.IntRange(0, 256),
                default=0,
                show_default=True,
                help="Worker processes for the scan (0 = one per core).",
            ),
            click.option(
                "--cache-dir",
                type=click.Path(path_type=Path, file_okay=False),
                default=None,
                help="Scan cache folder.  [default: $XDG_CACHE_HOME/remediate]",
            ),
            click.option(
                "--no-cache", is_flag=True, help="Measure every file again; do not use the cache."
            ),
            click.option(
                "--skip",
                "skip_checks",
                multiple=True,
                metavar="CHECK",
                callback=_check_codes,
                help="Do not run this check (a code from `remediate checks`; repeatable).",
            ),
            click.option(
                "--only",
                "only_checks",
                multiple=True,
                metavar="CHECK",
                callback=_check_codes,
                help="Run only this check (repeatable); the others are not run.",
            ),
            json_option("the summary"),
            click.option(
                "--fail-on",
                type=click.Choice(["never", "drop", "fix"]),
                default="never",
                show_default=True,
                help="Exit 1 when pairs with this verdict (or worse) remain: for schedulers.",
            ),
        ],
    )


#: The keyword arguments ``api_options`` adds (popped by ``api.api_client``).
API_OPTION_NAMES = (
    "project_id",
    "region",
    "endpoint",
    "connect_timeout",
    "read_timeout",
    "max_attempts",
    "max_retry_time",
)


def api_options(f: F) -> F:
    """Options shared by every command that calls the MetaStudio API."""
    return _apply(
        f,
        [
            click.option(
                "--project-id",
                envvar=ENV_PROJECT_ID,
                show_envvar=True,
                default=None,
                help="Huawei Cloud project id of the region.",
            ),
            click.option(
                "--region",
                type=click.Choice(REGIONS),
                default=DEFAULT_REGION,
                show_default=True,
                help="MetaStudio region (sets the endpoint).",
            ),
            click.option(
                "--endpoint",
                envvar=ENV_ENDPOINT,
                show_envvar=True,
                default=None,
                metavar="URL",
                help="API base URL, overriding --region (https; http for loopback test servers).",
            ),
            click.option(
                "--connect-timeout",
                type=click.FloatRange(0.1, 600),
                default=DEFAULT_CONNECT_TIMEOUT_S,
                show_default=True,
                help="Seconds to wait for a connection.",
            ),
            click.option(
                "--read-timeout",
                type=click.FloatRange(0.1, 3600),
                default=DEFAULT_READ_TIMEOUT_S,
                show_default=True,
                help="Seconds to wait for response data.",
            ),
            click.option(
                "--max-attempts",
                type=click.IntRange(1, 20),
                default=DEFAULT_MAX_ATTEMPTS,
                show_default=True,
                help="Attempts per call on 429/5xx, timeouts and dropped connections.",
            ),
            click.option(
                "--max-retry-time",
                type=click.FloatRange(1, 3600),
                default=DEFAULT_MAX_RETRY_TIME_S,
                show_default=True,
                help="Seconds one call may spend retrying, in total.",
            ),
        ],
    )
