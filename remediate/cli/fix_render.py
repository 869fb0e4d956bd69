"""The fix's text for people: the dry-run plan as a table and the summary of a fix."""

from __future__ import annotations

from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.cli.render import edition_line, table


def plan_text(
    plan: pd.DataFrame, summary: dict[str, Any] | None = None, width: int | None = None
) -> str:
    """The plan as an aligned table (pair, action, check, parameters) fitted to ``width``
    terminal cells, ending with the totals per action when the dry-run ``summary`` is given."""
    rows = [[r[C.PAIR_ID], r[C.ACTION], r[C.CHECK], r[C.PARAMETERS]] for r in C.records(plan)]
    lines = [table(["pair", "action", "check", "parameters"], rows, max_width=None, width=width)]
    if summary is not None:
        planned, drop = summary.get("pairs_planned", 0), summary.get("pairs_to_drop", 0)
        to_fix = summary.get("pairs_to_fix", 0)
        lines.append(
            f"Totals: {planned} pairs planned: {to_fix} to fix, "
            f"{planned - to_fix - drop} to copy as they are, {drop} to drop."
        )
        actions = summary.get("actions", {})
        lines.append("Actions: " + ", ".join(f"{a} {n}" for a, n in actions.items()) + ".")
    return "\n".join(lines)


def summary_text(summary: dict[str, Any]) -> str:
    """The human summary of a fix run."""
    verdicts = summary.get("verdicts", {})
    edition = summary.get("edition", {})
    kept, fixed = verdicts.get(C.VERDICT_KEEP, 0), verdicts.get(C.VERDICT_FIX, 0)
    lines = [
        f"{kept + fixed} pairs written to {summary.get('outputs', {}).get('corpus')} "
        f"({kept} kept, {fixed} fixed); "
        f"{verdicts.get(C.VERDICT_DROP, 0)} dropped (see {summary.get('outputs', {}).get('dropped')}).",
    ]
    recheck = summary.get("recheck", {}).get("findings_by_severity", {})
    lines.append(
        f"Re-check of the fixed tree: {recheck.get('error', 0)} errors, "
        f"{recheck.get('warning', 0)} warnings on the pairs kept."
    )
    count = edition_line(edition)
    if count:
        lines.append(count)
    pkg = summary.get("package") or {}
    if pkg.get("path"):
        lines.append(
            f"Package: {pkg['path']} ({pkg.get('bytes')} bytes, sha256 {pkg.get('sha256')})"
        )
    for check in pkg.get("checks", []):
        if check.get("ok") is False:
            lines.append(f"  package check {check['name']}: {check['message']}")
    return "\n".join(lines)
