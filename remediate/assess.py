"""A local twin of MetaStudio's quality pre-check (VOICE_ASSESS, and a job's ``assess_result``).

The platform scores six dimensions, each an ``AssessProperty {expected, actual, suggestion,
suggestion_en, status}``, plus an overall ``suggestion``. Its thresholds are unpublished, so
the twin measures the same dimensions locally, on the platform's names and in plain units,
and judges them against the edition profile:

========== ===================================== ===============================
dimension  local measure                         expected range (profile)
========== ===================================== ===============================
speed      characters (Han) or letters (Latin)   ``text.cps.<script>_min/_max``
           per second of trimmed speech
sound      RMS level of the clip, dBFS           ``>= level.quiet_rms_dbfs``
snr        estimated SNR, dB                     ``>= noise.min_snr_db``
reverb     blind RT60, s (when measured)         ``<= reverb.max_rt60_s``
dnsmos_ovrl DNSMOS P.835 OVRL, 1–5 (--dnsmos)    ``>= dnsmos.ovrl_warning_min``
dnsmos_bak DNSMOS P.835 BAK, 1–5 (--dnsmos)      ``>= dnsmos.bak_warning_min``
========== ===================================== ===============================

Per pair (:func:`pair_assessment`) each dimension has its value, ``<dim>_expected`` and
``<dim>_out_of_range``; these go into measurements.parquet. Over the corpus
(:func:`corpus_assessment`) each dimension gets the platform's shape: ``expected``,
``actual`` (the median over the pairs, as text like the platform's), ``status`` (1 when the
median is out of range, 0 when in range, None when not measured), ``suggestion_en`` and
``suggestion``, plus how many pairs were measured and out of range; it goes into
summary.json under ``assess``. :func:`compare` sets the platform's own values beside them.
Pure functions on frames and dicts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.checks.measures import chars_per_second
from remediate.checks.registry import profile_value
from remediate.profiles import Profile

#: Column of the probe's blind reverberation time (remediate.audio.voice.rt60).
RT60_COLUMN = C.RT60_S


@dataclass(frozen=True)
class Dimension:
    """One assessed dimension: its local column, unit, expected-range keys and advice."""

    name: str
    column: str
    unit: str
    low_key: str | None
    high_key: str | None
    advice_en: str
    advice_zh: str


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "speed",
        "speed",
        "chars/s",
        "text.cps.{script}_min",
        "text.cps.{script}_max",
        "Read at a steady, natural pace, and check that each text matches its recording.",
        "请以平稳、自然的语速朗读，并确认文本与录音一致。",
    ),
    Dimension(
        "sound",
        C.RMS_DBFS,
        "dBFS",
        "level.quiet_rms_dbfs",
        None,
        "The recording is too quiet: move closer to the microphone or raise the input gain.",
        "录音音量过低，请靠近麦克风或提高输入增益。",
    ),
    Dimension(
        "snr",
        C.SNR_DB,
        "dB",
        "noise.min_snr_db",
        None,
        "Background noise is too loud: record in a quiet room, away from fans and traffic.",
        "背景噪声较大，请在安静的房间录音，远离风扇和交通噪声。",
    ),
    Dimension(
        "reverb",
        RT60_COLUMN,
        "s",
        None,
        "reverb.max_rt60_s",
        "The room echoes: record in a small, furnished room or add acoustic treatment.",
        "房间混响较大，请在较小、有软装的房间录音。",
    ),
    Dimension(
        "dnsmos_ovrl",
        C.DNSMOS_OVRL,
        "MOS",
        "dnsmos.ovrl_warning_min",
        None,
        "Overall quality is low: check for noise, distortion and echo.",
        "整体音质偏低，请检查噪声、失真和混响。",
    ),
    Dimension(
        "dnsmos_bak",
        C.DNSMOS_BAK,
        "MOS",
        "dnsmos.bak_warning_min",
        None,
        "Background noise is audible: record in a quiet place.",
        "背景噪声可闻，请在安静的环境中录音。",
    ),
)
NOT_MEASURED_EN = {
    "reverb": "not measured: too few decays after the speech to read a reverberation time",
    "dnsmos_ovrl": "not measured: run with --dnsmos",
    "dnsmos_bak": "not measured: run with --dnsmos",
}
ALL_IN_RANGE_EN = "Every measured dimension is within its expected range."
ALL_IN_RANGE_ZH = "所有已测维度均在预期范围内。"


def _bound(profile: Profile, key: str | None, script: str) -> float | None:
    if key is None:
        return None
    try:
        return float(profile_value(profile, key.format(script=script)))
    except KeyError:
        return None


def expected_text(low: float | None, high: float | None) -> str | None:
    """A range as the platform writes one: ``3-6``, ``>=30``, ``<=0.5`` (None: no range)."""
    if low is not None and high is not None:
        return f"{low:g}-{high:g}"
    if low is not None:
        return f">={low:g}"
    if high is not None:
        return f"<={high:g}"
    return None


def _outside(value: float | None, low: float | None, high: float | None) -> bool | None:
    if value is None:
        return None
    return (low is not None and value < low) or (high is not None and value > high)


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def pair_assessment(
    pairs: pd.DataFrame, measurements: pd.DataFrame, profile: Profile
) -> pd.DataFrame:
    """Per pair: ``pair_id`` and, per dimension, value, ``_expected`` and ``_out_of_range``."""
    merged = pairs.merge(measurements, on=C.PAIR_ID, how="left")
    # The bounds depend only on the dimension and the script: looked up once, not per pair.
    bounds = {
        (d.name, script): (low, high, expected_text(low, high))
        for d in DIMENSIONS
        for script in ("han", "latin")
        for low, high in [(_bound(profile, d.low_key, script), _bound(profile, d.high_key, script))]
    }
    rows = []
    for r in C.records(merged):
        script, speed = chars_per_second(r, profile)
        key_script = "han" if script == "han" else "latin"
        row: dict[str, Any] = {C.PAIR_ID: r[C.PAIR_ID]}
        for d in DIMENSIONS:
            value = speed if d.name == "speed" else _number(r.get(d.column))
            low, high, expected = bounds[d.name, key_script]
            row[d.name] = round(value, 3) if value is not None else None
            row[f"{d.name}_expected"] = expected
            row[f"{d.name}_out_of_range"] = _outside(value, low, high)
        rows.append(row)
    return _typed(pd.DataFrame(rows, columns=assessment_columns()))


def assessment_columns() -> list[str]:
    """``pair_id`` then, per dimension, the value, expected range and out-of-range flag."""
    cols = [C.PAIR_ID]
    for d in DIMENSIONS:
        cols += [d.name, f"{d.name}_expected", f"{d.name}_out_of_range"]
    return cols


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for d in DIMENSIONS:
        df[d.name] = pd.to_numeric(df[d.name], errors="coerce").astype("float64")
        df[f"{d.name}_expected"] = df[f"{d.name}_expected"].astype("str")
        df[f"{d.name}_out_of_range"] = df[f"{d.name}_out_of_range"].astype("boolean")
    df[C.PAIR_ID] = df[C.PAIR_ID].astype("str")
    return df


def corpus_assessment(per_pair: pd.DataFrame) -> dict[str, Any]:
    """The corpus summary in the shape of the platform's ``assess_result``."""
    out: dict[str, Any] = {}
    advice_en: list[str] = []
    advice_zh: list[str] = []
    for d in DIMENSIONS:
        values = per_pair[d.name].dropna() if len(per_pair) else pd.Series(dtype="float64")
        flags = per_pair[f"{d.name}_out_of_range"].dropna() if len(per_pair) else values
        expected = per_pair[f"{d.name}_expected"].dropna()
        # Speed's range depends on the script: the most common one among the pairs.
        shown = str(expected.mode().iloc[0]) if len(expected) else None
        entry: dict[str, Any] = {
            "expected": shown,
            "actual": None,
            "status": None,
            "suggestion_en": NOT_MEASURED_EN.get(d.name, "not measured"),
            "suggestion": None,
            "unit": d.unit,
            "pairs_measured": int(len(values)),
            "pairs_out_of_range": int(flags.astype(bool).sum()) if len(flags) else 0,
        }
        if len(values) and shown is None:
            entry.update(actual=f"{float(values.median()):.2f}")
            entry["suggestion_en"] = "measured; the profile sets no expected range"
        elif len(values):
            median = float(values.median())
            low, high = _range(shown)
            bad = bool(_outside(median, low, high))
            entry.update(actual=f"{median:.2f}", status=int(bad))
            entry["suggestion_en"] = d.advice_en if bad else "within the expected range"
            entry["suggestion"] = d.advice_zh if bad else "在预期范围内"
            if bad:
                advice_en.append(d.advice_en)
                advice_zh.append(d.advice_zh)
        out[d.name] = entry
    out["suggestion_en"] = " ".join(advice_en) or ALL_IN_RANGE_EN
    out["suggestion"] = "".join(advice_zh) or ALL_IN_RANGE_ZH
    return out


def _range(text: str | None) -> tuple[float | None, float | None]:
    """Bounds back from :func:`expected_text`."""
    if not text:
        return None, None
    if text.startswith(">="):
        return float(text[2:]), None
    if text.startswith("<="):
        return None, float(text[2:])
    low, _, high = text.partition("-")
    return float(low), float(high)


def compare(local: Mapping[str, Any], platform: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Rows of local vs platform per dimension (platform values as the platform sent them)."""
    rows = []
    for d in DIMENSIONS:
        mine = local.get(d.name) or {}
        theirs = (platform or {}).get(d.name) or {}
        rows.append(
            {
                "dimension": d.name,
                "local_expected": mine.get("expected"),
                "local_actual": mine.get("actual"),
                "local_status": mine.get("status"),
                "platform_expected": theirs.get("expected"),
                "platform_actual": theirs.get("actual"),
                "platform_status": theirs.get("status"),
                "platform_suggestion_en": theirs.get("suggestion_en"),
            }
        )
    return rows
