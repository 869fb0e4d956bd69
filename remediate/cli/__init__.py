"""The ``remediate`` command line: a thin layer over :mod:`remediate.pipeline`.

Commands parse options, build one :class:`~remediate.config.Config`, call one library
function, render the result (a table on stderr, or one JSON document on stdout with
``--json``) and map :class:`~remediate.errors.RemediateError` to its exit code.

Layout: one module per command group, over the shared option decorators of
:mod:`remediate.cli.options` (``corpus_options``, ``api_options``, ``json_option``,
``errors``):

- :mod:`~remediate.cli.run`: ``run``, ``scan``
- :mod:`~remediate.cli.api`: ``fetch``, ``jobs`` (and the API client ``run --job-id`` uses)
- :mod:`~remediate.cli.fix`: ``fix``
- :mod:`~remediate.cli.info`: ``checks``, ``profile``
- :mod:`~remediate.cli.batch`: ``init``, ``batch``, ``history`` (scheduled remediation)
- :mod:`~remediate.cli.report`: ``report`` (and ``--html`` of ``run``/``scan``)
- :mod:`~remediate.cli.assess`: ``assess`` (the local twin of VOICE_ASSESS)
- :mod:`~remediate.cli.render`: terminal tables (no click)

To add a command: write a ``@click.command("name")`` function in the module of its group
(or a new module), reuse the decorators from ``options`` rather than redeclaring an option,
give it a docstring with an ``Example:`` block (it is the ``--help``), import heavy
libraries (pandas, pyarrow) inside the function so ``remediate --help`` stays fast, and
add it to ``COMMANDS`` below.
"""

from __future__ import annotations

import click

from remediate._version import __version__
from remediate.cli import api, assess, batch, fix, info, report, run
from remediate.errors import EXIT_CODES, EXIT_INTERRUPTED

EXIT_CODE_HELP = "\n".join(f"  {code:>3}  {text}" for code, text in sorted(EXIT_CODES.items()))

#: Every command (``remediate --help`` lists them sorted by name).
COMMANDS: list[click.Command] = [
    run.run_command,
    run.scan_command,
    fix.fix_command,
    api.fetch_command,
    api.jobs_command,
    info.checks_command,
    info.profile_command,
    batch.init_command,
    batch.batch_command,
    batch.history_command,
    report.report_command,
    assess.assess_command,
]


class _Group(click.Group):
    """Every command runs with numpy's RuntimeWarnings kept off stderr, and an unexpected
    exception becomes one ``Error:`` line with exit 70 and a log of the traceback."""

    def invoke(self, ctx: click.Context) -> object:
        from remediate.cli.crash import internal_error, quiet_runtime_warnings

        try:
            with quiet_runtime_warnings():
                return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("Interrupted; no half-written output was left.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - the boundary of the program
            raise internal_error(exc) from None


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    # \b keeps click from rewrapping the table into one paragraph.
    epilog=f"Exit codes:\n\n\b\n{EXIT_CODE_HELP}",
)
@click.version_option(__version__, prog_name="remediate")
def cli() -> None:
    """Turn a failed MetaStudio voice-training audit into a corpus that passes next time.

    Reads the audit result (a saved JSON file, or fetched from the API), checks every
    audio/text pair of the local corpus, decides keep / fix / drop per pair with
    reasons, and writes a Parquet report and a cleaned resubmission manifest.

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123
    """


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="remediate")
