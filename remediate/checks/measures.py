"""Derived measures shared by checks and the fix stage (no checks are registered here)."""

from __future__ import annotations

from remediate import columns as C
from remediate.checks.registry import Row, num, text
from remediate.profiles import Profile
from remediate.texts import dominant_script, spoken_units


def trimmed_duration(r: Row, p: Profile) -> float | None:
    """Duration after the fix trims edge silence down to the profile padding."""
    duration = num(r[C.DURATION_S])
    if duration is None:
        return None
    lead, trail = num(r[C.LEAD_SILENCE_S]) or 0.0, num(r[C.TRAIL_SILENCE_S]) or 0.0
    pad = p.silence.keep_padding_s
    return duration - max(0.0, lead - pad) - max(0.0, trail - pad)


def chars_per_second(r: Row, p: Profile) -> tuple[str | None, float | None]:
    """(script, spoken units per second of silence-trimmed speech) for one pair."""
    body = text(r[C.TEXT])
    duration = num(r[C.DURATION_S])
    if not body or not body.strip() or duration is None or text(r[C.AUDIO_ERROR]):
        return None, None
    lead, trail = num(r[C.LEAD_SILENCE_S]) or 0.0, num(r[C.TRAIL_SILENCE_S]) or 0.0
    speech = duration - lead - trail
    units = spoken_units(body)
    if speech <= 0.2 or units == 0:
        return None, None
    return dominant_script(body), units / speech


def speaking_rate(r: Row, p: Profile) -> tuple[str | None, float | None]:
    """(script, spoken units per second of *active* speech): the trimmed span times the
    share of it that is speech, so pauses (which vary from clip to clip) do not dilute it.
    A clip sped up 1.5x reads 1.5x faster whatever its length."""
    script, cps = chars_per_second(r, p)
    ratio = num(r[C.SPEECH_RATIO])
    if script is None or cps is None or not ratio:
        return None, None
    return script, cps / ratio
