"""``remediate assess``: the local twin of MetaStudio's quality pre-check (VOICE_ASSESS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from remediate.cli.options import EDITION_CHOICES, dnsmos_option, errors, json_option
from remediate.cli.progress import Progress


@click.command("assess")
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder of audio/text pairs. Never modified.",
)
@click.option(
    "--edition",
    type=click.Choice(EDITION_CHOICES),
    default="basic",
    show_default=True,
    help="Edition profile whose ranges are expected.",
)
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="Override a profile threshold, e.g. --set noise.min_snr_db=30 (repeatable).",
)
@dnsmos_option(default=True)
@click.option(
    "--jobs", type=click.IntRange(0, 256), default=0, show_default=True, help="Worker processes."
)
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.option("--no-cache", is_flag=True, help="Measure every file again.")
@click.option("--pairs", "show_pairs", is_flag=True, help="Also list the pairs out of range.")
@json_option("the assessment (corpus summary and per-pair values)")
def assess_command(
    corpus: Path,
    edition: str,
    overrides: tuple[str, ...],
    dnsmos: bool,
    jobs: int,
    cache_dir: Path | None,
    no_cache: bool,
    show_pairs: bool,
    as_json: bool,
) -> None:
    """Assess a corpus the way MetaStudio's VOICE_ASSESS does, locally, before uploading.

    Scores the platform's six dimensions (speed, sound, snr, reverb, dnsmos_ovrl,
    dnsmos_bak) over the corpus: for each, the edition's expected range, the actual value
    (the median over the pairs), status 1 when out of range, and advice, in the shape of
    the platform's assess_result. DNSMOS is on by default here (--no-dnsmos to skip it);
    measurements are cached like a scan's. Writes nothing; `remediate scan` writes the same
    values per pair into measurements.parquet.

    Example:

    \b
        remediate assess --corpus corpus/ --edition middle
        remediate assess --corpus corpus/ --json | jq .summary.snr
    """
    from remediate import pipeline
    from remediate.config import Config
    from remediate.scan import default_cache_dir

    config = Config(
        corpus=corpus,
        out=corpus,  # nothing is written
        edition=edition,
        overrides=tuple(overrides),
        dnsmos=dnsmos,
        jobs=jobs,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
    )
    progress = Progress("Assessing", enabled=not as_json)
    with errors():
        try:
            per_pair, summary = pipeline.assess_corpus(config, progress=progress)
        finally:
            progress.close()
    if as_json:
        from remediate import columns as C

        rows = [{k: _plain(v) for k, v in r.items()} for r in C.records(per_pair)]
        click.echo(json.dumps({"summary": summary, "pairs": rows}, ensure_ascii=False))
        return
    click.echo(assess_table(summary))
    if show_pairs:
        click.echo("")
        click.echo(out_of_range_table(per_pair))


def _plain(value: Any) -> Any:
    """A cell as JSON: pandas' missing values (NA, NaN) as null."""
    if value is None or type(value).__name__ == "NAType":
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


def assess_table(summary: dict[str, Any]) -> str:
    """The corpus assessment as an aligned table plus the overall suggestion."""
    from remediate.assess import DIMENSIONS
    from remediate.cli.render import table

    rows = []
    for d in DIMENSIONS:
        e = summary[d.name]
        status = {0: "ok", 1: "OUT OF RANGE"}.get(e["status"], "-")
        rows.append(
            [
                d.name,
                e["expected"] or "-",
                e["actual"] or "-",
                d.unit,
                status,
                f"{e['pairs_out_of_range']}/{e['pairs_measured']}",
                e["suggestion_en"],
            ]
        )
    headers = ["dimension", "expected", "actual", "unit", "status", "pairs out", "suggestion"]
    return table(headers, rows, max_width=90) + "\n\n" + str(summary["suggestion_en"])


def out_of_range_table(per_pair: Any) -> str:
    """One row per pair with at least one dimension out of range."""
    from remediate import columns as C
    from remediate.assess import DIMENSIONS
    from remediate.cli.render import table

    rows = []
    for r in C.records(per_pair):
        bad = [d.name for d in DIMENSIONS if r.get(f"{d.name}_out_of_range") is True]
        if bad:
            values = ", ".join(f"{n} {r[n]:.2f} (expected {r[f'{n}_expected']})" for n in bad)
            rows.append([r[C.PAIR_ID], r[C.AUDIO_NAME], values])
    if not rows:
        return "No pair is out of range."
    return table(["pair", "audio", "out of range"], rows, max_width=120)


def comparison_table(rows: list[dict[str, Any]]) -> str:
    """The twin's values beside the platform's own ``assess_result`` (run --job-id)."""
    from remediate.cli.render import table

    def status(value: Any) -> str:
        return "-" if value is None else str(value)

    body = [
        [
            r["dimension"],
            r["local_expected"] or "-",
            r["local_actual"] or "-",
            status(r["local_status"]),
            r["platform_expected"] or "-",
            r["platform_actual"] or "-",
            status(r["platform_status"]),
        ]
        for r in rows
    ]
    headers = [
        "dimension",
        "expected",
        "local",
        "status",
        "platform expected",
        "platform",
        "status",
    ]
    return "Quality assessment, local twin vs the job's assess_result:\n" + table(headers, body)
