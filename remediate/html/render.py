"""Read a run folder, make the players and pictures, render the template, write atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import IO, Any, Final

import pandas as pd

from remediate import columns as C
from remediate.contract import (
    AUDIT_ERRORS,
    DROPPED,
    FIX_CORPUS_DIR,
    FIX_MARKER,
    FIXES,
    MANIFEST,
    REPORT_HTML,
    RERECORD,
    SUMMARY,
)
from remediate.errors import ConfigError
from remediate.html import media
from remediate.html.model import FixData, Media, RunData, attention_ids, build_view
from remediate.report import write_text

#: ``remediate fix`` records the run folder it was made from under this key.
FIX_RUN_DIR: Final = "run_dir"
#: Where ``remediate run`` suggests the fix to go: ``<run folder>-fixed``.
FIX_SUFFIX: Final = "-fixed"

#: Called with (done, total) while pictures and players are made.
MediaProgress = Callable[[int, int], None]


def _read_fix(fix_dir: Path, run_dir: Path, explicit: bool) -> FixData | None:
    if not (fix_dir / FIX_MARKER).is_file() or not (fix_dir / SUMMARY).is_file():
        if explicit:
            raise ConfigError(f"{fix_dir} is not a folder written by `remediate fix`")
        return None
    try:
        summary = json.loads((fix_dir / SUMMARY).read_text(encoding="utf-8"))
        made_from = Path(str(summary.get(FIX_RUN_DIR, "")))
        if not explicit and made_from.resolve() != run_dir.resolve():
            return None  # a folder beside the run, made from another run
        return FixData(
            summary,
            pd.read_parquet(fix_dir / FIXES),
            pd.read_csv(fix_dir / MANIFEST, dtype="str", keep_default_na=False),
            pd.read_csv(fix_dir / DROPPED, dtype="str", keep_default_na=False),
        )
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the fix folder {fix_dir}: {exc}") from None


def read_run(run_dir: Path, fix_dir: Path | None = None) -> tuple[RunData, Path, Path | None]:
    """The tables of a run folder (and of its fix folder), the corpus root and the fix folder.

    ``fix_dir`` defaults to ``<run_dir>-fixed`` when that folder was made from this run
    (an explicit one is trusted: run folders get moved). Raises FixError when ``run_dir``
    is not a complete run folder (as ``remediate fix`` does) and ConfigError when an
    explicit ``fix_dir`` was not written by ``remediate fix``.
    """
    from remediate.fix.rundir import read_run_dir

    run = read_run_dir(run_dir)
    audit_path = run_dir / AUDIT_ERRORS
    audit = pd.read_parquet(audit_path) if audit_path.is_file() else None
    rerecord: list[str] | None = None
    if (run_dir / RERECORD).is_file():
        frame = pd.read_csv(run_dir / RERECORD, dtype="str", keep_default_na=False)
        if C.PAIR_ID in frame.columns:
            rerecord = [str(x) for x in frame[C.PAIR_ID]]
    explicit = fix_dir is not None
    candidate = fix_dir or run_dir.with_name(run_dir.resolve().name + FIX_SUFFIX)
    fix = _read_fix(candidate, run_dir, explicit) if candidate.is_dir() or explicit else None
    data = RunData(run.summary, run.report, run.findings, run.measurements, audit, rerecord, fix)
    return data, run.corpus, (candidate / FIX_CORPUS_DIR) if fix is not None else None


def _fixed_paths(data: RunData, fixed_corpus: Path | None) -> dict[str, Path]:
    """pair_id → fixed audio file, for pairs the fix changed (not merely copied)."""
    if data.fix is None or fixed_corpus is None:
        return {}
    changed = {str(p) for p in data.fix.fixes[C.PAIR_ID]}
    by_original = {
        str(r[C.ORIGINAL_AUDIO_NAME]): str(r[C.AUDIO_NAME]) for r in C.records(data.fix.manifest)
    }
    out = {}
    for r in C.records(data.report):
        pid, name = r[C.PAIR_ID], r[C.AUDIO_NAME]
        if isinstance(pid, str) and pid in changed and isinstance(name, str):
            if name in by_original:
                out[pid] = fixed_corpus / by_original[name]
    return out


def make_media(
    data: RunData,
    corpus: Path,
    fixed_corpus: Path | None,
    report_dir: Path,
    mode: media.AudioMode = "auto",
    progress: MediaProgress | None = None,
    jobs: int = 0,
) -> Media:
    """Players and pictures for every pair that needs attention, and for the fixed copies of
    those the fix changed (their "after"). Pictures are drawn on a process pool (``jobs``
    workers, 0 = one per core) in a fixed order, so the page is the same however many."""
    facts = {str(r[C.PAIR_ID]): r for r in C.records(data.measurements)}
    wanted = attention_ids(data.report)
    sources: dict[str, Path] = {}
    for pid in wanted:
        name = facts.get(pid, {}).get(C.AUDIO_NAME)
        if isinstance(name, str):
            sources[pid] = corpus / name
    fixed = {pid: path for pid, path in _fixed_paths(data, fixed_corpus).items() if pid in wanted}
    sizes = [p.stat().st_size for p in [*sources.values(), *fixed.values()] if p.is_file()]
    embed = media.choose_embed(mode, sizes)
    players: dict[str, media.Player] = {}
    drawings: list[tuple[Path, float | None]] = []
    for pid in wanted:
        m = facts.get(pid, {})
        path = sources.get(pid)
        if path is None:
            players[pid] = media.Player(None, "no audio file")
            continue
        plain = m.get(C.CONTAINER) == "wav" and m.get(C.SUBTYPE) == "PCM_16"
        players[pid] = media.player(path, report_dir, embed=embed, plain_pcm16=plain)
        duration = m.get(C.DURATION_S)
        drawings.append((path, duration if _finite(duration) else None))
    after = {
        pid: media.player(path, report_dir, embed=embed, plain_pcm16=True)
        for pid, path in fixed.items()
    }
    rewritten = _audio_changed(data)  # a text-only fix copies the audio: same picture
    drawings += [(path, None) for pid, path in fixed.items() if pid in rewritten]
    drawn = iter(_draw(drawings, jobs, progress))
    pictures = {pid: next(drawn) if pid in sources else (None, "no audio file") for pid in wanted}
    after_pictures = {pid: next(drawn) for pid in fixed if pid in rewritten}
    return Media(players, pictures, after, _audio_rule(embed, mode, sum(sizes)), after_pictures)


#: Fewer pictures than this are drawn in-process: a pool's start costs more than it saves.
POOL_MIN_PICTURES: Final = 8


def _draw(
    drawings: list[tuple[Path, float | None]], jobs: int, progress: MediaProgress | None
) -> list[tuple[str | None, str]]:
    """``media.picture_uri`` of every (path, duration), in order, on a pool when worth it."""
    from remediate.workers import ordered_map

    return ordered_map(_draw_one, drawings, jobs, POOL_MIN_PICTURES, progress)


def _draw_one(drawing: tuple[Path, float | None]) -> tuple[str | None, str]:
    return media.picture_uri(*drawing)


def _audio_changed(data: RunData) -> set[str]:
    """Pairs whose audio the fix rewrote (an audio action in ``fixes.parquet``)."""
    if data.fix is None:
        return set()
    from remediate.fix.actions import audio_action_names

    fixes = data.fix.fixes
    rewritten = fixes[fixes[C.ACTION].isin(audio_action_names())]
    return {str(p) for p in rewritten[C.PAIR_ID]}


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and value == value


def _audio_rule(embed: bool, mode: str, size: int) -> str:
    limit = media.EMBED_LIMIT_BYTES / (1 << 20)
    mib = size / (1 << 20)
    if embed:
        why = "asked for" if mode == "embed" else f"at most {limit:.0f} MiB"
        return (
            f"The {mib:.1f} MiB of audio of the pairs below is inside this file ({why}): "
            "it plays anywhere, even after the file is moved or mailed."
        )
    why = "asked for" if mode == "link" else f"more than {limit:.0f} MiB"
    return (
        f"The players link to the {mib:.1f} MiB of audio files in the corpus ({why}) by a "
        "relative path: keep this file where it is, next to the corpus, or the players stay "
        "silent. Pictures are always inside the file."
    )


def render(view: dict[str, Any]) -> str:
    """The HTML text of a view (Jinja2, autoescaped: corpus and audit text is escaped)."""
    import jinja2
    import markupsafe

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("remediate.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    assets = resources.files("remediate.html") / "templates"
    css, js = ((assets / name).read_text(encoding="utf-8") for name in ("report.css", "report.js"))
    page = env.get_template("report.html.j2")
    return page.render(**view, css=markupsafe.Markup(css), js=markupsafe.Markup(js))


def write_report(
    run_dir: Path,
    *,
    fix_dir: Path | None = None,
    audio: media.AudioMode = "auto",
    progress: MediaProgress | None = None,
) -> Path:
    """Write ``run_dir/report.html`` (atomically) and return its path.

    Raises FixError for an incomplete run folder, ConfigError for a ``fix_dir`` not made
    from this run, OutputError when the file cannot be written.
    """
    data, corpus, fixed_corpus = read_run(run_dir, fix_dir)
    made = make_media(data, corpus, fixed_corpus, run_dir, audio, progress)
    html = render(build_view(data, made))
    target = run_dir / REPORT_HTML

    def writer(fh: IO[str]) -> None:
        fh.write(html)

    write_text(target, writer)
    return target
