"""What the HTML report shows, as plain values: pure functions from a run's frames.

:func:`build_view` turns the tables of a run folder (and, when there is one, of the
``remediate fix`` folder made from it) into the dictionaries the template renders.
No I/O here: players and pictures come in already made (:mod:`remediate.html.media`),
and every string from the corpus, the audit or a server is left raw for the template
to escape.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from remediate import columns as C
from remediate.html.media import Player

#: Transcripts longer than this are cut in the report (a hostile 1 MB "transcript").
MAX_TRANSCRIPT_CHARS: Final = 2000
#: Columns added by later releases (review flags); read when present, never required.
NEEDS_REVIEW: Final = "needs_review"
REVIEW_REASONS: Final = "review_reasons"

VERDICT_LABELS: Final = {
    C.VERDICT_KEEP: "fine as it is",
    C.VERDICT_FIX: "repaired automatically",
    C.VERDICT_DROP: "record again or correct by hand",
    C.VERDICT_UNMATCHED: "audit entries matching no file",
}

#: (column, label, format) of the measures shown for a pair, in order.
MEASURES: Final = [
    (C.DURATION_S, "duration", "{:.2f} s"),
    (C.SAMPLERATE, "sample rate", "{:,.0f} Hz"),
    (C.CHANNELS, "channels", "{:.0f}"),
    (C.SUBTYPE, "sample format", "{}"),
    (C.PEAK_DBFS, "peak", "{:.1f} dBFS"),
    (C.RMS_DBFS, "RMS", "{:.1f} dBFS"),
    (C.CLIP_FRACTION, "clipped", "{:.3%}"),
    (C.NOISE_FLOOR_DBFS, "noise floor", "{:.1f} dBFS"),
    (C.SNR_DB, "SNR", "{:.1f} dB"),
    (C.BANDWIDTH_HZ, "bandwidth", "{:,.0f} Hz"),
    (C.SPEECH_RATIO, "speech", "{:.0%}"),
    (C.LEAD_SILENCE_S, "leading silence", "{:.2f} s"),
    (C.TRAIL_SILENCE_S, "trailing silence", "{:.2f} s"),
    (C.LOUDNESS_LUFS, "loudness", "{:.1f} LUFS"),
]
#: Measures in the table of every pair (the rest are on each pair's card).
TABLE_MEASURES: Final = [C.DURATION_S, C.SAMPLERATE, C.PEAK_DBFS, C.SNR_DB]
_NOT_MEASURES: Final = {
    *C.PAIR_COLUMNS,
    *C.AUDIO_MEASUREMENTS,
    *C.TEXT_MEASUREMENTS,
}


@dataclass(frozen=True)
class FixData:
    """The records of a ``remediate fix`` folder made from the run."""

    summary: dict[str, Any]
    fixes: pd.DataFrame
    manifest: pd.DataFrame
    dropped: pd.DataFrame


@dataclass(frozen=True)
class RunData:
    """The tables of one run folder (``audit`` is None for ``scan``)."""

    summary: dict[str, Any]
    report: pd.DataFrame
    findings: pd.DataFrame
    measurements: pd.DataFrame
    audit: pd.DataFrame | None = None
    rerecord_ids: list[str] | None = None
    fix: FixData | None = None


@dataclass(frozen=True)
class Media:
    """Players and pictures per pair id, made by the caller."""

    players: dict[str, Player] = field(default_factory=dict)
    pictures: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    fixed_players: dict[str, Player] = field(default_factory=dict)
    audio_rule: str = ""
    fixed_pictures: dict[str, tuple[str | None, str]] = field(default_factory=dict)


def present(value: Any) -> bool:
    """False for None, NA and NaN (what a missing measurement looks like in a frame)."""
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    if value is None or isinstance(value, (str, float)):
        return []
    return list(value)


def fmt(value: Any, pattern: str) -> str:
    """A measure as text, or an empty string when it is missing."""
    if not present(value):
        return ""
    try:
        return pattern.format(value)
    except (ValueError, TypeError):
        return str(value)


def natural_key(text: str) -> str:
    """A sort key that puts ``2`` before ``10`` (digit runs zero-padded)."""
    return re.sub(r"\d+", lambda m: m.group(0).zfill(12), text)


def transcript(value: Any) -> str | None:
    text = _str(value)
    if text is None:
        return None
    text = text.strip()
    if len(text) > MAX_TRANSCRIPT_CHARS:
        return text[:MAX_TRANSCRIPT_CHARS] + " …"
    return text


def attention_ids(report: pd.DataFrame) -> list[str]:
    """Pairs that need a listener: not kept, or kept but flagged for review."""
    out = []
    for r in C.records(report):
        pid = _str(r[C.PAIR_ID])
        if pid is None or r[C.VERDICT] == C.VERDICT_UNMATCHED:
            continue
        if r[C.VERDICT] != C.VERDICT_KEEP or bool(r.get(NEEDS_REVIEW) is True):
            out.append(pid)
    return out


def _extra_measures(m: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Numeric columns the measurements carry beyond the known ones (e.g. voice measures)."""
    out = []
    for name, value in m.items():
        if name in _NOT_MEASURES or isinstance(value, (str, bool)) or not present(value):
            continue
        if isinstance(value, (int, float)):
            out.append((name.replace("_", " "), f"{value:.4g}"))
    return out


def _pair(r: dict[str, Any], m: Mapping[str, Any], attention: bool) -> dict[str, Any]:
    pid = str(r[C.PAIR_ID])
    values = {**m, **{k: v for k, v in r.items() if present(v) or k not in m}}
    measures = [(label, fmt(values.get(col), pat)) for col, label, pat in MEASURES]
    measures = [(label, text) for label, text in measures if text]
    return {
        "id": pid,
        "anchor": f"pair-{pid}",
        "sort_key": natural_key(pid),
        "audio_name": _str(r[C.AUDIO_NAME]),
        "text_name": _str(r[C.TEXT_NAME]),
        "verdict": r[C.VERDICT],
        "checks": [str(c) for c in _list(r[C.CHECKS])],
        "audit_codes": [str(c) for c in _list(r[C.AUDIT_ERROR_CODES])],
        "reasons": [str(x) for x in _list(r[C.REASONS])],
        "review": [str(x) for x in _list(r.get(REVIEW_REASONS))],
        "transcript": transcript(m.get(C.TEXT)),
        "measures": measures,
        "extra_measures": _extra_measures(m),
        "table": [
            (fmt(values.get(col), pat), values.get(col) if present(values.get(col)) else "")
            for col, _label, pat in MEASURES
            if col in TABLE_MEASURES
        ],
        "attention": attention,
    }


def _job_level(data: RunData) -> dict[str, Any]:
    f = data.findings
    job = f[f[C.PAIR_ID].isna()] if len(f) else f
    admin: list[dict[str, Any]] = []
    if data.audit is not None and len(data.audit):
        rows = data.audit[data.audit[C.SOURCE] == C.SOURCE_ADMIN]
        for a in C.records(rows):
            admin.append(
                {
                    "message": _str(a[C.ERROR_MESSAGE]) or "",
                    "attachment": _str(a[C.ATTACHMENT_NAME]),
                    "time": str(a[C.AUDIT_TIME]) if present(a[C.AUDIT_TIME]) else "",
                }
            )
    unmatched = [
        {
            "audio_name": _str(r[C.AUDIO_NAME]),
            "text_name": _str(r[C.TEXT_NAME]),
            "codes": [str(c) for c in _list(r[C.AUDIT_ERROR_CODES])],
            "reasons": [str(x) for x in _list(r[C.REASONS])],
        }
        for r in C.records(data.report[data.report[C.VERDICT] == C.VERDICT_UNMATCHED])
    ]
    findings = [
        {"check": r[C.CHECK], "severity": r[C.SEVERITY], "message": r[C.MESSAGE]}
        for r in C.records(job)
    ]
    return {"admin": admin, "unmatched": unmatched, "findings": findings}


def _headline(summary: dict[str, Any], verdicts: dict[str, int]) -> dict[str, Any]:
    found = summary.get("edition")
    edition: dict[str, Any] = found if isinstance(found, dict) else {}
    required = edition.get("pairs_required")
    resubmit = verdicts.get(C.VERDICT_KEEP, 0) + verdicts.get(C.VERDICT_FIX, 0)
    missing = (required - resubmit) if required else None
    return {
        "pairs": int(summary.get("pairs", 0)),
        "resubmit": resubmit,
        "edition": edition.get("name") or "",
        "required": required,
        "missing": missing,
        "count_met": edition.get("exact_count_met"),
        "duration_total": float(summary.get("duration_total_s") or 0.0),
        "duration_kept": float(summary.get("duration_kept_s") or 0.0),
        "audit_entries": int(summary.get("audit_entries", 0)),
        "audit_accounted": int(summary.get("audit_entries_accounted", 0)),
    }


def _rerecord(pairs: list[dict[str, Any]], ids: list[str], fix: FixData | None) -> list[Any]:
    by_id = {p["id"]: p for p in pairs}
    rows = []
    later: dict[str, str] = {}
    if fix is not None:
        for d in C.records(fix.dropped):
            if str(d.get("stage")) != "run":
                later[str(d[C.PAIR_ID])] = str(d[C.REASONS])
    for pid in [*ids, *[p for p in later if p not in ids]]:
        p = by_id.get(pid)
        if p is None:
            continue
        if not p["transcript"]:
            todo = "write the transcript, then record it"
        elif not p["audio_name"]:
            todo = "record (no audio file)"
        else:
            todo = "record again"
        why = later.get(pid) or (p["reasons"][0] if p["reasons"] else "")
        rows.append({**p, "todo": todo, "why": why})
    return rows


def _fixed(pairs: list[dict[str, Any]], fix: FixData, media: Media) -> list[dict[str, Any]]:
    by_id = {p["id"]: p for p in pairs}
    out = []
    for pid, group in fix.fixes.groupby(C.PAIR_ID, sort=False):
        p = by_id.get(str(pid))
        if p is None:
            continue
        actions = []
        for a in C.records(group):
            actions.append(
                {
                    "action": str(a["action"]),
                    "check": str(a[C.CHECK]) if present(a[C.CHECK]) else "",
                    "before": _pretty_json(a.get("value_before")),
                    "after": _pretty_json(a.get("value_after")),
                }
            )
        out.append(
            {
                **p,
                "actions": actions,
                "before_player": media.players.get(str(pid)),
                "after_player": media.fixed_players.get(str(pid)),
                "after_picture": media.fixed_pictures.get(str(pid), (None, ""))[0],
            }
        )
    return out


def _pretty_json(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        doc = json.loads(value)
    except ValueError:
        return value
    if isinstance(doc, dict):
        return ", ".join(f"{k} {v}" for k, v in doc.items())
    return str(doc)


def _fix_view(fix: FixData, pairs: list[dict[str, Any]], media: Media) -> dict[str, Any]:
    verdicts = fix.summary.get("verdicts")
    got = verdicts if isinstance(verdicts, dict) else {}
    kept, fixed = int(got.get(C.VERDICT_KEEP, 0)), int(got.get(C.VERDICT_FIX, 0))
    package = fix.summary.get("package") if isinstance(fix.summary.get("package"), dict) else {}
    return {
        "counts": {
            "resubmit": kept + fixed,
            "kept": kept,
            "fixed": fixed,
            "dropped": int(got.get(C.VERDICT_DROP, 0)),
        },
        "package_path": (package or {}).get("path"),
        "package_sha256": (package or {}).get("sha256"),
        "pairs": _fixed(pairs, fix, media),
    }


def build_view(data: RunData, media: Media) -> dict[str, Any]:
    """Everything the template shows, from a run's tables and the media made for it."""
    report = data.report
    facts = {str(r[C.PAIR_ID]): r for r in C.records(data.measurements)}
    wanted = set(attention_ids(report))
    pairs = [
        _pair(r, facts.get(str(r[C.PAIR_ID]), {}), str(r[C.PAIR_ID]) in wanted)
        for r in C.records(report)
        if _str(r[C.PAIR_ID]) is not None and r[C.VERDICT] != C.VERDICT_UNMATCHED
    ]
    for p in pairs:
        if p["attention"]:
            p["player"] = media.players.get(p["id"])
            p["picture"], p["picture_note"] = media.pictures.get(p["id"], (None, ""))
    verdicts = {v: int((report[C.VERDICT] == v).sum()) for v in C.VERDICTS}
    drop_ids = data.rerecord_ids
    if drop_ids is None:
        drop_ids = [p["id"] for p in pairs if p["verdict"] == C.VERDICT_DROP]
    summary = data.summary
    edition = summary.get("edition")
    return {
        "meta": {
            "created_at": summary.get("created_at", ""),
            "version": summary.get("version", ""),
            "corpus_root": summary.get("corpus_root", ""),
            "audit_source": summary.get("audit_source"),
            "job_id": summary.get("job_id"),
            "edition": edition.get("name") if isinstance(edition, dict) else edition,
        },
        "headline": _headline(summary, verdicts),
        "verdicts": [(v, verdicts[v], VERDICT_LABELS[v]) for v in C.VERDICTS],
        "job": _job_level(data),
        "pairs": pairs,
        "attention": [p for p in pairs if p["attention"]],
        "checks": sorted({c for p in pairs for c in p["checks"]}),
        "rerecord": _rerecord(pairs, drop_ids, data.fix),
        "fix": None if data.fix is None else _fix_view(data.fix, pairs, media),
        "audio_rule": media.audio_rule,
        "table_headers": [label for col, label, _ in MEASURES if col in TABLE_MEASURES],
    }
