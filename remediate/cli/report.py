"""``report``: the self-contained HTML report of a run folder (remediate.html)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from remediate.cli.options import errors
from remediate.cli.progress import Progress

AUDIO_MODES = ["auto", "embed", "link"]


def audio_option(f: Any) -> Any:
    """``--audio``: embed the players' audio in the report, link it, or decide by size."""
    return click.option(
        "--audio",
        type=click.Choice(AUDIO_MODES),
        default="auto",
        show_default=True,
        help="Players' audio inside the file (embed), linked to the corpus by a relative "
        "path (link), or embedded up to 16 MiB of audio and linked above (auto).",
    )(f)


def write_html(run_dir: Path, fix_dir: Path | None, audio: str) -> Path:
    """Write the report with a bar while the players and pictures are made; return its path."""
    from remediate.html import write_report

    progress = Progress("Drawing", enabled=True)
    try:
        path = write_report(run_dir, fix_dir=fix_dir, audio=audio, progress=progress)  # type: ignore[arg-type]
    finally:
        progress.close()
    size = path.stat().st_size / 1e6
    click.echo(f"HTML report: {path} ({size:.1f} MB); open it in a browser.", err=True)
    return path


@click.command("report")
@click.option(
    "--run-dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Output folder of an earlier `remediate run` or `scan`; report.html is written there.",
)
@click.option(
    "--fix-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder written by `remediate fix` from this run, for the before/after section.  "
    "[default: RUN_DIR-fixed, when it was made from this run]",
)
@audio_option
def report_command(run_dir: Path, fix_dir: Path | None, audio: str) -> None:
    """Write RUN_DIR/report.html: one file to read and listen to, offline, in any browser.

    For someone who has never seen the tool (voice talent, a reviewer): the verdict
    counts, the edition check, what the audit said (the reviewer's message, entries that
    match no file), every pair that is not kept with its reasons, transcript, a player and
    a waveform/spectrogram picture, the re-record list (printable on its own), the
    before/after of the pairs `remediate fix` changed, and a filterable, sortable table of
    every pair. No server, no network: styles, scripts and pictures are inside the file;
    audio too up to 16 MiB (see --audio). Written atomically.

    Example:

    \b
        remediate run --audit-file audit-result.json --corpus corpus/ --out out/job-123
        remediate fix --run-dir out/job-123 --dest out/job-123-fixed --zip
        remediate report --run-dir out/job-123
    """
    with errors():
        write_html(run_dir, fix_dir, audio)
