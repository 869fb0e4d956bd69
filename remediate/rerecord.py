"""The re-record list (``rerecord.csv``): what people must do before the corpus is resubmitted.

One row per dropped pair, with the transcript to read and why, and, when the edition needs an
exact pair count (BASIC 20, MIDDLE 100), the count still missing or the surplus pairs to
leave out. Pure functions on the report, findings and measurements frames.

Actions:

* ``re-record``: the recording itself is rejected (signal, format that cannot be repaired,
  speech that does not match the text, an audit flag nothing local explains): record the
  sentence again, reading ``transcript``;
* ``record audio``: a transcript without its recording;
* ``write transcript``: a recording without a usable transcript (missing, empty, unreadable):
  write the text that was read, exactly;
The summary's ``rerecord`` object adds the count: how many more resubmittable pairs the
edition's exact count needs, or which resubmittable pairs to leave out as surplus. Which
surplus pairs to leave out is decided by a documented **quality score** (higher is
worse), so the pairs resubmitted are the cleanest: 100 per pair that rests on an assumption
or an unresolved warning (``needs_review``), 10 per warning finding, 1 per info finding, plus
the pair's distance from the clean range of the profile's duration bands in seconds (its
clip-length risk); ties go to the later pair in corpus order.
"""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

from remediate import columns as C
from remediate.profiles import Profile

ACTION_RERECORD: Final = "re-record"
ACTION_RECORD_AUDIO: Final = "record audio"
ACTION_WRITE_TEXT: Final = "write transcript"
ACTIONS: Final = (ACTION_RERECORD, ACTION_RECORD_AUDIO, ACTION_WRITE_TEXT)

#: Checks whose drop is cured by writing the transcript, not by recording again.
TEXT_SIDE_CHECKS: Final = frozenset({"text-missing", "text-empty", "text-unreadable"})

TRANSCRIPT: Final = "transcript"
WHY: Final = "why"
QUALITY_SCORE: Final = "quality_score"
RERECORD_COLUMNS: Final = [
    C.PAIR_ID,
    C.AUDIO_NAME,
    C.TEXT_NAME,
    C.ACTION,
    TRANSCRIPT,
    WHY,
    QUALITY_SCORE,
]


def action_for(errors: set[str], audit_flagged: bool) -> str:
    """The action a dropped pair needs, from its error findings and whether the audit
    flagged it (an audit flag is about the recording: record it again)."""
    if "audio-missing" in errors:
        return ACTION_RECORD_AUDIO
    if errors and errors <= TEXT_SIDE_CHECKS and not audit_flagged:
        return ACTION_WRITE_TEXT
    return ACTION_RERECORD


def quality_scores(
    report: pd.DataFrame, findings: pd.DataFrame, measurements: pd.DataFrame, profile: Profile
) -> dict[str, float]:
    """The quality score of every pair (see the module docstring; higher is worse)."""
    weight = {C.SEVERITY_WARNING: 10.0, C.SEVERITY_INFO: 1.0}
    score: dict[str, float] = {}
    pair_findings = findings[findings[C.PAIR_ID].notna()]
    for pid, severity in zip(
        pair_findings[C.PAIR_ID].tolist(), pair_findings[C.SEVERITY].tolist(), strict=True
    ):
        score[str(pid)] = score.get(str(pid), 0.0) + weight.get(str(severity), 0.0)
    review = getattr(C, "NEEDS_REVIEW", None)  # the verdict policy's review flag, when set
    durations = dict(
        zip(measurements[C.PAIR_ID].tolist(), measurements[C.DURATION_S].tolist(), strict=True)
    )
    low, high = profile.duration.min_s, profile.duration.max_s
    used = [C.PAIR_ID, *[c for c in [review] if c in report.columns]]  # not all: faster
    for row in C.records(report.loc[report[C.PAIR_ID].notna(), used]):
        pid = str(row[C.PAIR_ID])
        total = score.get(pid, 0.0)
        if review is not None and bool(row.get(review)):
            total += 100.0
        seconds = durations.get(pid)
        if seconds is not None and not pd.isna(seconds):
            total += max(0.0, low - float(seconds)) + max(0.0, float(seconds) - high)
        score[pid] = round(total, 3)
    return score


def rerecord_list(
    report: pd.DataFrame, findings: pd.DataFrame, measurements: pd.DataFrame, profile: Profile
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``rerecord.csv``'s rows (one per dropped pair) and the summary's ``rerecord`` object.

    The summary says how many rows need people (by action), how many more resubmittable
    pairs the edition's exact count needs (0 when met or when the edition has no exact
    count) and which pairs to leave out as surplus (worst quality score first).
    """
    texts = dict(zip(measurements[C.PAIR_ID].tolist(), measurements[C.TEXT].tolist(), strict=True))
    scores = quality_scores(report, findings, measurements, profile)
    pairs = report[report[C.PAIR_ID].notna()]
    rows: list[dict[str, Any]] = []
    errors = findings[findings[C.SEVERITY] == C.SEVERITY_ERROR]
    errors_of: dict[str, set[str]] = {}
    for pid, code in zip(errors[C.PAIR_ID].tolist(), errors[C.CHECK].tolist(), strict=True):
        if isinstance(pid, str):
            errors_of.setdefault(pid, set()).add(str(code))
    used = [C.PAIR_ID, C.AUDIO_NAME, C.TEXT_NAME, C.AUDIT_ERROR_CODES, C.REASONS]
    for r in C.records(pairs.loc[pairs[C.VERDICT] == C.VERDICT_DROP, used]):
        pid = str(r[C.PAIR_ID])
        action = action_for(errors_of.get(pid, set()), bool(len(r[C.AUDIT_ERROR_CODES])))
        rows.append(_row(r, action, texts.get(pid), scores.get(pid)))
    resubmit = pairs[pairs[C.VERDICT].isin([C.VERDICT_KEEP, C.VERDICT_FIX])]
    required = int(profile.pairs_required or 0)
    exact = required > 1  # a one-recording edition (ADVANCE) or no count (FLEXUS): no list
    needed = max(0, required - len(resubmit)) if exact else 0
    surplus: list[str] = []
    if exact and len(resubmit) > required:
        order = {str(p): i for i, p in enumerate(resubmit[C.PAIR_ID])}
        ranked = sorted(order, key=lambda p: (-scores.get(p, 0.0), -order[p]))
        surplus = ranked[: len(resubmit) - required]
    frame = pd.DataFrame(rows, columns=RERECORD_COLUMNS)
    summary = {
        "pairs": len(frame),
        "by_action": {a: int((frame[C.ACTION] == a).sum()) for a in ACTIONS},
        "pairs_required": required if exact else None,
        "needed_more": needed,
        "leave_out": [{"pair_id": p, QUALITY_SCORE: scores.get(p, 0.0)} for p in surplus],
    }
    return frame, summary


def _row(r: dict[str, Any], action: str, transcript: Any, score: float | None) -> dict[str, Any]:
    return {
        C.PAIR_ID: r[C.PAIR_ID],
        C.AUDIO_NAME: r[C.AUDIO_NAME],
        C.TEXT_NAME: r[C.TEXT_NAME],
        C.ACTION: action,
        TRANSCRIPT: " ".join(transcript.split()) if isinstance(transcript, str) else None,
        WHY: "; ".join(r[C.REASONS]),
        QUALITY_SCORE: score,
    }
