"""Human-readable rendering for the terminal: plain aligned tables that fit its width
(counted in cells: CJK characters take two), no dependencies."""

from __future__ import annotations

import shlex
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from remediate import columns as C
from remediate.safetext import printable

#: The terminal summary lists at most this many pairs needing attention.
MAX_ATTENTION_ROWS = 40


#: Cells of a table cut to no width (``width`` None, e.g. stderr is a log file) are cut here.
LOG_CELL_MAX = 200
#: A column squeezed to fit the terminal keeps at least this many cells.
MIN_COLUMN = 8


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: East Asian wide and fullwidth characters take two,
    combining marks and format characters none (the wcwidth rule, from unicodedata)."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def cut(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in ``…`` when cut."""
    if cell_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` cells."""
    return text + " " * max(0, width - cell_width(text))


def terminal_width(stream: Any = None) -> int | None:
    """Columns of the terminal ``stream`` (stderr) is, or None when it is not one."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None
    return shutil.get_terminal_size().columns


def _fit(widths: list[int], width: int) -> list[int]:
    """Shrink columns, the last first, then the widest, until a line fits ``width``."""
    widths = list(widths)
    order = [len(widths) - 1] + sorted(range(len(widths) - 1), key=lambda i: -widths[i])
    for i in order:
        over = sum(widths) + 2 * (len(widths) - 1) - width
        if over <= 0:
            break
        widths[i] = max(MIN_COLUMN, widths[i] - over)
    return widths


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    max_width: int | None = 80,
    width: int | None = None,
) -> str:
    """An aligned text table. Cells are cut with an ellipsis to ``max_width`` cells and,
    when ``width`` (the terminal's) is given, columns shrink (the last first) until every
    line fits it. Widths count terminal cells: CJK characters take two."""
    cap = max_width if max_width is not None else (LOG_CELL_MAX if width is None else None)

    def cell(v: Any) -> str:
        # printable: a server's job fields may carry escape sequences (\x1b]0;...\x07).
        s = " ".join(printable("" if v is None else str(v)).split())
        return s if cap is None else cut(s, cap)

    body = [[cell(v) for v in row] for row in rows]
    widths = [cell_width(h) for h in headers]
    for row in body:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], cell_width(v))
    if width is not None:
        widths = _fit(widths, width)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(pad(cut(c, w), w) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in body]
    return "\n".join(out)


def run_summary(
    summary: dict[str, Any], report_rows: list[dict[str, Any]], width: int | None = None
) -> str:
    """The human summary of a run: verdict counts, the pairs that need attention, outputs.

    The pairs table fits ``width`` terminal cells (reasons are cut to what is left);
    without a width (not a terminal) reasons are shown whole up to LOG_CELL_MAX."""
    verdicts = summary.get("verdicts", {})
    edition = summary.get("edition", {})
    lines = [
        table(
            ["verdict", "count"],
            [[v, verdicts.get(v, 0)] for v in C.VERDICTS],
        ),
        "",
    ]
    attention = [
        r for r in report_rows if r[C.VERDICT] != C.VERDICT_KEEP or r.get(C.NEEDS_REVIEW) is True
    ]
    if attention:
        rows = []
        for r in attention:
            name = r[C.AUDIO_NAME] if isinstance(r[C.AUDIO_NAME], str) else r[C.TEXT_NAME]
            reasons = list(r[C.REASONS]) if r[C.REASONS] is not None else []
            rows.append(
                [
                    r[C.PAIR_ID] if isinstance(r[C.PAIR_ID], str) else "-",
                    r[C.VERDICT],
                    "yes" if r.get(C.NEEDS_REVIEW) is True else "",
                    name if isinstance(name, str) else "-",
                    reasons[0] if reasons else "",
                ]
            )
        shown = rows[:MAX_ATTENTION_ROWS]
        headers = ["pair", "verdict", "review", "file", "first reason"]
        lines.append(table(headers, shown, max_width=None, width=width))
        if len(rows) > len(shown):
            lines.append(f"... and {len(rows) - len(shown)} more (all in report.parquet)")
        lines.append("")
    kept = summary.get("duration_kept_s", 0.0)
    lines.append(
        f"{summary.get('pairs', 0)} pairs, {summary.get('audit_entries', 0)} audit entries "
        f"({summary.get('audit_entries_accounted', 0)} accounted for); "
        f"{kept:.1f} s of audio to resubmit."
    )
    if summary.get("needs_review"):
        lines.append(
            f"{summary['needs_review']} verdicts need review: they rest on an assumption or "
            "keep a warning no fix resolves (review_reasons in report.parquet)."
        )
    count = edition_line(edition, "pairs to resubmit")
    if count:
        lines.append(count)
    rerecord = summary.get("rerecord") or {}
    if rerecord.get("pairs"):
        by_action = ", ".join(f"{n} {a}" for a, n in rerecord.get("by_action", {}).items() if n)
        lines.append(f"For people: {by_action} (rerecord.csv, with the sentence to read).")
    if rerecord.get("needed_more"):
        lines.append(
            f"The edition needs {rerecord['needed_more']} more good pair(s) to reach its count."
        )
    if rerecord.get("leave_out"):
        ids = ", ".join(str(x["pair_id"]) for x in rerecord["leave_out"])
        lines.append(f"Surplus: leave out pair(s) {ids} (lowest quality first; see rerecord.py).")
    outputs = summary.get("outputs", {})
    if outputs.get("report"):
        lines.append(f"Report: {outputs['report']}")
        if verdicts.get(C.VERDICT_FIX, 0) or verdicts.get(C.VERDICT_KEEP, 0):
            run_dir = shlex.quote(str(Path(outputs["report"]).parent))
            dest = shlex.quote(str(Path(outputs["report"]).parent) + "-fixed")
            lines.append(
                f"Next: remediate fix --run-dir {run_dir} --dest {dest} --rename-for-edition --zip"
            )
    return "\n".join(lines)


def edition_line(edition: dict[str, Any], what: str = "pairs") -> str | None:
    """``Edition basic: 18 pairs, 20 required (NOT met).`` from a summary's ``edition``
    object; None when the edition documents no count."""
    required = edition.get("pairs_required")
    if not required:
        return None
    ok = "met" if edition.get("exact_count_met") else "NOT met"
    return (
        f"Edition {edition.get('name')}: {edition.get('pairs_resubmittable')} {what}, "
        f"{required} required ({ok})."
    )
