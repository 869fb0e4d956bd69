"""Human-readable rendering for the terminal: plain aligned tables, no dependencies."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from remediate import columns as C

#: The terminal summary lists at most this many pairs needing attention.
MAX_ATTENTION_ROWS = 40


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 80) -> str:
    """An aligned text table; cells are cut to ``max_width`` characters with an ellipsis."""

    def cell(v: Any) -> str:
        s = "" if v is None else str(v)
        s = " ".join(s.split())
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in body:
        for i, v in enumerate(row):
            widths[i] = max(widths[i], len(v))
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    out = [line, rule]
    out += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in body
    ]
    return "\n".join(out)


def run_summary(summary: dict[str, Any], report_rows: list[dict[str, Any]]) -> str:
    """The human summary of a run: verdict counts, the pairs that need attention, outputs."""
    verdicts = summary.get("verdicts", {})
    edition = summary.get("edition", {})
    lines = [
        table(
            ["verdict", "count"],
            [[v, verdicts.get(v, 0)] for v in C.VERDICTS],
        ),
        "",
    ]
    attention = [r for r in report_rows if r[C.VERDICT] != C.VERDICT_KEEP]
    if attention:
        rows = []
        for r in attention:
            name = r[C.AUDIO_NAME] if isinstance(r[C.AUDIO_NAME], str) else r[C.TEXT_NAME]
            reasons = list(r[C.REASONS]) if r[C.REASONS] is not None else []
            rows.append(
                [
                    r[C.PAIR_ID] if isinstance(r[C.PAIR_ID], str) else "-",
                    r[C.VERDICT],
                    name if isinstance(name, str) else "-",
                    reasons[0] if reasons else "",
                ]
            )
        shown = rows[:MAX_ATTENTION_ROWS]
        lines.append(table(["pair", "verdict", "file", "first reason"], shown))
        if len(rows) > len(shown):
            lines.append(f"... and {len(rows) - len(shown)} more (all in report.parquet)")
        lines.append("")
    kept = summary.get("duration_kept_s", 0.0)
    lines.append(
        f"{summary.get('pairs', 0)} pairs, {summary.get('audit_entries', 0)} audit entries "
        f"({summary.get('audit_entries_accounted', 0)} accounted for); "
        f"{kept:.1f} s of audio to resubmit."
    )
    required = edition.get("pairs_required")
    if required:
        ok = "met" if edition.get("exact_count_met") else "NOT met"
        lines.append(
            f"Edition {edition.get('name')}: {edition.get('pairs_resubmittable')} pairs to resubmit, "
            f"{required} required ({ok})."
        )
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
