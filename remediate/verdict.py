"""Decide keep / fix / drop per pair, with reasons. Pure: reads findings and the audit join.

Policy:

* Any ``error`` finding a machine cannot fix → **drop** (re-record or correct by hand).
* A pair flagged by the audit is never kept. It is **fix** only when every audit entry on
  it is explained by a local, machine-fixable finding: for a code in the MSS catalogue,
  a finding among the checks the code covers; for a code the catalogue does not know, any
  fixable finding (the assumption is written into the reasons). Otherwise **drop**.
* Unflagged pairs: **fix** when there are fixable error/warning findings, else **keep**.
  Unfixable warnings do not block a pair; they are listed in its reasons.
* An audit entry that matches no pair gets its own row with verdict **unmatched**.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.catalogue import lookup
from remediate.contract import frame
from remediate.join import NOTE

_BLOCKING = (C.SEVERITY_ERROR, C.SEVERITY_WARNING)


def _entry_text(entry: dict[str, Any]) -> str:
    code = entry.get(C.ERROR_CODE)
    msg = entry.get(C.ERROR_MESSAGE)
    code = code if isinstance(code, str) else "no code"
    return f"{code}: {msg}" if isinstance(msg, str) and msg else code


def _explain(entry: dict[str, Any], fixable_checks: list[str]) -> tuple[bool, str]:
    """Whether local fixable findings explain one audit entry, and the reason text."""
    code = entry.get(C.ERROR_CODE)
    info = lookup(code if isinstance(code, str) else None)
    audit = f"audit {_entry_text(entry)}"
    if info is not None:
        covering = [c for c in fixable_checks if c in info.covers]
        if covering:
            return True, f"{audit} — explained by {', '.join(covering)}; fixable"
        return False, f"{audit} — no local fixable finding explains it ({info.hint})"
    if fixable_checks:
        return True, (
            f"{audit} — code not in the catalogue; assumed explained by "
            f"{', '.join(fixable_checks)} (review)"
        )
    return False, f"{audit} — nothing local explains it; re-record or correct by hand"


def decide(
    pairs: pd.DataFrame,
    measurements: pd.DataFrame,
    findings: pd.DataFrame,
    audit: pd.DataFrame,
    matches: pd.DataFrame,
) -> pd.DataFrame:
    """The report frame: one row per pair (corpus order) then one per unmatched entry."""
    by_pair: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in C.records(findings):
        if isinstance(f[C.PAIR_ID], str):
            by_pair[f[C.PAIR_ID]].append(f)
    entries = {e[C.ENTRY_ID]: e for e in C.records(audit)}
    flagged: dict[str, list[int]] = defaultdict(list)
    unmatched: list[tuple[int, str]] = []
    for match in C.records(matches):
        if isinstance(match[C.PAIR_ID], str):
            flagged[match[C.PAIR_ID]].append(int(match[C.ENTRY_ID]))
        else:
            unmatched.append((int(match[C.ENTRY_ID]), str(match[NOTE])))

    facts = {m[C.PAIR_ID]: m for m in C.records(measurements)}
    rows: list[dict[str, Any]] = []
    for pair in C.records(pairs):
        pid = pair[C.PAIR_ID]
        found = by_pair.get(pid, [])
        ids = sorted(set(flagged.get(pid, [])))
        verdict, reasons = _verdict(found, [entries[i] for i in ids])
        m: Any = facts.get(pid)
        rows.append(
            {
                C.PAIR_ID: pid,
                C.AUDIO_NAME: pair[C.AUDIO_NAME],
                C.TEXT_NAME: pair[C.TEXT_NAME],
                C.DURATION_S: None if m is None else m[C.DURATION_S],
                C.SAMPLERATE: None if m is None else m[C.SAMPLERATE],
                C.CHANNELS: None if m is None else m[C.CHANNELS],
                C.SUBTYPE: None if m is None else m[C.SUBTYPE],
                C.AUDIO_SHA256: None if m is None else m[C.AUDIO_SHA256],
                C.AUDIT_ERROR_CODES: _codes(entries[i] for i in ids),
                C.AUDIT_ENTRY_IDS: ids,
                C.CHECKS: list(dict.fromkeys(f[C.CHECK] for f in found)),
                C.VERDICT: verdict,
                C.REASONS: reasons,
            }
        )
    for eid, note in unmatched:
        e = entries[eid]
        rows.append(
            {
                C.PAIR_ID: None,
                C.AUDIO_NAME: e[C.AUDIO_NAME],
                C.TEXT_NAME: e[C.TEXT_NAME],
                C.DURATION_S: None,
                C.SAMPLERATE: None,
                C.CHANNELS: None,
                C.SUBTYPE: None,
                C.AUDIO_SHA256: None,
                C.AUDIT_ERROR_CODES: _codes([e]),
                C.AUDIT_ENTRY_IDS: [eid],
                C.CHECKS: [],
                C.VERDICT: C.VERDICT_UNMATCHED,
                C.REASONS: [f"{e[C.SOURCE]} audit {_entry_text(e)} — {note}"],
            }
        )
    return report_frame(rows)


def _codes(entries: Any) -> list[str]:
    return list(dict.fromkeys(e[C.ERROR_CODE] for e in entries if isinstance(e[C.ERROR_CODE], str)))


def _verdict(found: list[dict[str, Any]], entries: list[dict[str, Any]]) -> tuple[str, list[str]]:
    def line(f: dict[str, Any]) -> str:
        return f"{f[C.CHECK]}: {f[C.MESSAGE]}"

    unfixable = [f for f in found if f[C.SEVERITY] == C.SEVERITY_ERROR and not f[C.FIXABLE]]
    fixable = [f for f in found if f[C.FIXABLE] and f[C.SEVERITY] in _BLOCKING]
    notes = [
        f"warning {line(f)}"
        for f in found
        if f[C.SEVERITY] == C.SEVERITY_WARNING and not f[C.FIXABLE]
    ]
    if unfixable:
        audit_lines = [f"audit {_entry_text(e)}" for e in entries]
        return C.VERDICT_DROP, [line(f) for f in unfixable] + audit_lines + notes
    fixable_checks = list(dict.fromkeys(f[C.CHECK] for f in fixable))
    if entries:
        explained = [_explain(e, fixable_checks) for e in entries]
        audit_lines = [text for _, text in explained]
        if all(ok for ok, _ in explained):
            return C.VERDICT_FIX, audit_lines + [line(f) for f in fixable] + notes
        return C.VERDICT_DROP, audit_lines + [line(f) for f in fixable] + notes
    if fixable:
        return C.VERDICT_FIX, [line(f) for f in fixable] + notes
    return C.VERDICT_KEEP, notes


def report_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the report frame with its declared dtypes."""
    return frame(rows, C.REPORT_DTYPES)
