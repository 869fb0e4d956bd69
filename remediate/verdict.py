"""Decide keep / fix / drop per pair, with reasons. Pure: reads findings and the audit join.

Policy (issue 10):

* Any ``error`` finding a machine cannot fix → **drop** (re-record or correct by hand).
* A pair flagged by the audit is never kept. It is **fix** only when every audit entry on
  it is explained by a local, machine-fixable finding, otherwise **drop**. No verdict rests
  on a guess: for a code in the catalogue, the finding must be one of the checks the code
  covers (or, marked for review, one that plausibly causes it); for a code the catalogue
  does not know, the finding must be of the category the message names (format, package,
  text, content, quality: :func:`remediate.catalogue.message_categories`), never just any
  fixable finding.
* Unflagged pairs: **fix** when there are fixable error/warning findings, else **keep**.
* A verdict that rests on an assumption (an inferred catalogue entry, an inferred cause, a
  category read from a message) or that keeps a warning the fix cannot resolve is marked for
  review, with the reasons.
* An audit entry that matches no pair gets its own row with verdict **unmatched**.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.catalogue import check_category, identify, message_categories
from remediate.contract import frame
from remediate.join import NOTE

_BLOCKING = (C.SEVERITY_ERROR, C.SEVERITY_WARNING)


@dataclass(frozen=True)
class Explanation:
    """Whether local fixable findings explain one audit entry; ``assumed`` says on what
    assumption when they do only by inference."""

    explained: bool
    reason: str
    assumed: str | None = None


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reasons: list[str]
    review: list[str]


def _entry_text(entry: dict[str, Any]) -> str:
    code = entry.get(C.ERROR_CODE)
    msg = entry.get(C.ERROR_MESSAGE)
    code = code if isinstance(code, str) else "no code"
    return f"{code}: {msg}" if isinstance(msg, str) and msg else code


def _explain(entry: dict[str, Any], fixable_checks: list[str]) -> Explanation:
    """Whether local fixable findings explain one audit entry, and the reason text."""
    code = entry.get(C.ERROR_CODE)
    msg = entry.get(C.ERROR_MESSAGE)
    info = identify(code if isinstance(code, str) else None, msg if isinstance(msg, str) else None)
    audit = f"audit {_entry_text(entry)}"
    if info is not None:
        direct = [c for c in fixable_checks if c in info.covers]
        if direct:
            why = f"{audit} — explained by {', '.join(direct)}; fixable"
            if info.inferred:
                return Explanation(True, why, f"{info.code} is inferred in the catalogue")
            return Explanation(True, why)
        cause = [c for c in fixable_checks if c in info.may_explain]
        if cause:
            return Explanation(
                True,
                f"{audit} — plausibly caused by {', '.join(cause)}; fixable (inferred)",
                f"{info.code}: assumed caused by {', '.join(cause)}",
            )
        return Explanation(False, f"{audit} — no local fixable finding explains it ({info.hint})")
    categories = message_categories(msg if isinstance(msg, str) else None)
    if not categories:
        return Explanation(
            False,
            f"{audit} — code not in the catalogue and its message names no known kind of "
            "problem; re-record or correct by hand",
        )
    kinds = "/".join(sorted(categories))
    same = [c for c in fixable_checks if check_category(c) in categories]
    if same:
        return Explanation(
            True,
            f"{audit} — code not in the catalogue ({kinds} problem by its message); assumed "
            f"explained by {', '.join(same)}",
            f"{code}: not in the catalogue; assumed explained by {', '.join(same)} ({kinds})",
        )
    return Explanation(
        False,
        f"{audit} — code not in the catalogue ({kinds} problem by its message); no local "
        f"fixable {kinds} finding explains it; re-record or correct by hand",
    )


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

    # Only the columns the report copies: rows of ~50 measurement columns cost 4x more.
    shown = [C.PAIR_ID, C.DURATION_S, C.SAMPLERATE, C.CHANNELS, C.SUBTYPE, C.AUDIO_SHA256]
    facts = {m[C.PAIR_ID]: m for m in C.records(measurements[shown])}
    rows: list[dict[str, Any]] = []
    for pair in C.records(pairs[[C.PAIR_ID, C.AUDIO_NAME, C.TEXT_NAME]]):
        pid = pair[C.PAIR_ID]
        found = by_pair.get(pid, [])
        ids = sorted(set(flagged.get(pid, [])))
        decided = _verdict(found, [entries[i] for i in ids])
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
                C.VERDICT: decided.verdict,
                C.REASONS: decided.reasons,
                C.NEEDS_REVIEW: bool(decided.review),
                C.REVIEW_REASONS: decided.review,
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
                C.NEEDS_REVIEW: False,
                C.REVIEW_REASONS: [],
            }
        )
    return report_frame(rows)


def _codes(entries: Any) -> list[str]:
    return list(dict.fromkeys(e[C.ERROR_CODE] for e in entries if isinstance(e[C.ERROR_CODE], str)))


def _verdict(found: list[dict[str, Any]], entries: list[dict[str, Any]]) -> Verdict:
    def line(f: dict[str, Any]) -> str:
        return f"{f[C.CHECK]}: {f[C.MESSAGE]}"

    unfixable = [f for f in found if f[C.SEVERITY] == C.SEVERITY_ERROR and not f[C.FIXABLE]]
    fixable = [f for f in found if f[C.FIXABLE] and f[C.SEVERITY] in _BLOCKING]
    unresolved = [f for f in found if f[C.SEVERITY] == C.SEVERITY_WARNING and not f[C.FIXABLE]]
    notes = [f"warning {line(f)}" for f in unresolved]
    if unfixable:
        audit_lines = [f"audit {_entry_text(e)}" for e in entries]
        return Verdict(C.VERDICT_DROP, [line(f) for f in unfixable] + audit_lines + notes, [])
    review = [f"unresolved warning {line(f)}" for f in unresolved]
    fixable_checks = list(dict.fromkeys(f[C.CHECK] for f in fixable))
    if entries:
        explained = [_explain(e, fixable_checks) for e in entries]
        lines = [x.reason for x in explained] + [line(f) for f in fixable] + notes
        if all(x.explained for x in explained):
            assumed = [x.assumed for x in explained if x.assumed]
            return Verdict(C.VERDICT_FIX, lines, assumed + review)
        return Verdict(C.VERDICT_DROP, lines, [])
    if fixable:
        return Verdict(C.VERDICT_FIX, [line(f) for f in fixable] + notes, review)
    return Verdict(C.VERDICT_KEEP, notes, review)


def report_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Build the report frame with its declared dtypes."""
    return frame(rows, C.REPORT_DTYPES)
