"""Planning the fix: which repair actions each pair needs, from a run's outputs alone.

``plan_fixes`` is pure: report + findings + measurements + profile → one row per action
(``pair_id``, ``action``, ``check``, ``parameters`` as JSON text), in corpus order. The
actions and what each plans come from the registry (:mod:`remediate.fix.actions`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.fix.actions import DROP, as_text, check_actions, plan_pair
from remediate.fix.repair import json_text
from remediate.profiles import Profile


def plan_fixes(
    report: pd.DataFrame,
    findings: pd.DataFrame,
    measurements: pd.DataFrame,
    profile: Profile,
    *,
    normalize_loudness: bool = False,
) -> pd.DataFrame:
    """The plan: one row per action per pair, in corpus order.

    ``keep`` pairs get ``copy-audio``/``copy-text`` (plus ``normalize-loudness`` and
    ``requantise`` when asked to normalise); ``drop`` pairs one ``drop`` row with their
    reasons; ``fix`` pairs the actions their fixable error/warning findings call for, the
    untouched file copied. A fixable finding no action repairs drops the pair.
    Unmatched audit rows (no pair) are not planned.
    """
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for f in C.records(findings):
        if isinstance(f[C.PAIR_ID], str) and f[C.PAIR_ID] != "None":
            by_pair.setdefault(f[C.PAIR_ID], []).append(f)
    facts = {r[C.PAIR_ID]: r for r in C.records(measurements)}
    routes = check_actions()
    rows: list[dict[str, Any]] = []
    for r in C.records(report):
        pid = as_text(r[C.PAIR_ID])
        if pid is None or pid == "None" or r[C.VERDICT] == C.VERDICT_UNMATCHED:
            continue
        if r[C.VERDICT] == C.VERDICT_DROP:
            reasons = list(r[C.REASONS]) if r[C.REASONS] is not None else []
            rows.append(_row(pid, DROP, "", {"reasons": reasons}))
            continue
        wanted = [
            str(f[C.CHECK])
            for f in by_pair.get(pid, [])
            if f[C.FIXABLE] and f[C.SEVERITY] in (C.SEVERITY_ERROR, C.SEVERITY_WARNING)
        ]
        unknown = sorted({c for c in wanted if c not in routes})
        if unknown:
            reason = f"no fix implemented for {', '.join(unknown)}"
            rows.append(_row(pid, DROP, "", {"reasons": [reason]}))
            continue
        steps = plan_pair(wanted, facts.get(pid, {}), profile, normalize_loudness)
        rows.extend(_row(pid, action, check, params) for action, check, params in steps)
    return pd.DataFrame(rows, columns=C.PLAN_COLUMNS).astype("str").reset_index(drop=True)


def _row(pid: str, action: str, check: str, params: dict[str, Any]) -> dict[str, Any]:
    return {C.PAIR_ID: pid, C.ACTION: action, C.CHECK: check, C.PARAMETERS: json_text(params)}
