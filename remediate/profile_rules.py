"""What a profile value may be: ranges, choices and orderings, checked on every load.

A profile file or a ``--set`` override with a value the tool cannot honour (a negative
duration, 0 channels, a rate the fix would resample *down* to, an unknown subtype or
language) is a ConfigError (exit 3) naming the key and what it allows, before any work
starts; it is never silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from remediate.errors import ConfigError

if TYPE_CHECKING:
    from remediate.profiles import Profile


@dataclass(frozen=True)
class Range:
    """``lo <= value <= hi`` (``lo < value`` when ``open_lo``); None is unbounded."""

    lo: float | None = None
    hi: float | None = None
    open_lo: bool = False

    def allows(self, value: float) -> bool:
        if self.lo is not None and (value <= self.lo if self.open_lo else value < self.lo):
            return False
        return self.hi is None or value <= self.hi

    def text(self) -> str:
        lo = "" if self.lo is None else f"{'>' if self.open_lo else '>='} {self.lo:g}"
        hi = "" if self.hi is None else f"<= {self.hi:g}"
        return " and ".join(part for part in (lo, hi) if part)


POSITIVE: Final = Range(0, open_lo=True)
COUNT: Final = Range(1)
FRACTION: Final = Range(0, 1)
DBFS: Final = Range(-120, 0)
SCORE: Final = Range(1, 5)  # DNSMOS mean opinion scores

#: Sample rates a profile may ask for: the standard speech/studio rates from 16 kHz up
#: (the fix resamples to ``format.samplerate``; a lower target would throw speech away).
SAMPLERATES: Final = (16000, 22050, 24000, 32000, 44100, 48000)

RANGES: Final[dict[str, Range]] = {
    "pairs_required": Range(0),
    "format.channels": Range(1, 2),
    "duration.min_s": POSITIVE,
    "duration.max_s": POSITIVE,
    "duration.total_min_s": Range(0),
    "duration.total_max_s": Range(0),
    "level.silent_peak_dbfs": DBFS,
    "level.quiet_rms_dbfs": DBFS,
    "level.clip_level": Range(1, 32767),
    "level.clip_warn_samples": COUNT,
    "level.clip_error_fraction": Range(0, 1, open_lo=True),
    "level.clip_error_run": COUNT,
    "level.dc_offset_max": Range(0, 1, open_lo=True),
    "level.peak_target_dbfs": DBFS,
    "silence.frame_s": Range(0.001, 1),
    "silence.relative_db": Range(0, 120, open_lo=True),
    "silence.absolute_dbfs": DBFS,
    "silence.max_edge_s": Range(0),
    "silence.keep_padding_s": Range(0),
    "silence.min_speech_ratio": FRACTION,
    "noise.max_noise_floor_dbfs": DBFS,
    "noise.min_snr_db": Range(0, 120),
    "noise.error_min_snr_db": Range(0, 120),
    "noise.min_bandwidth_ratio": FRACTION,
    "noise.fake_rate_bandwidth_hz": Range(0, 96000, open_lo=True),
    "loudness.target_lufs": Range(-70, 0),
    "loudness.peak_ceiling_dbfs": Range(-60, 0),
    "text.max_chars": COUNT,
    "text.cps_iqr_k": POSITIVE,
    "text.cps_min_pairs": COUNT,
    "text.cps.latin_min": POSITIVE,
    "text.cps.latin_max": POSITIVE,
    "text.cps.han_min": POSITIVE,
    "text.cps.han_max": POSITIVE,
    "dnsmos.ovrl_warning_min": SCORE,
    "dnsmos.ovrl_error_min": SCORE,
    "dnsmos.bak_warning_min": SCORE,
    "dnsmos.bak_error_min": SCORE,
    "speaker.change_warning": POSITIVE,
    "speaker.change_error": POSITIVE,
    "speaker.outlier_warning": POSITIVE,
    "speaker.outlier_error": POSITIVE,
    "speaker.outlier_ratio": Range(1),
    "speaker.min_pairs": COUNT,
    "reverb.max_rt60_s": POSITIVE,
    "reverb.error_max_rt60_s": POSITIVE,
    "clicks.max_dbfs": DBFS,
    "clicks.error_max_dbfs": DBFS,
    "rate.ratio_max": Range(1, open_lo=True),
    "rate.error_ratio_max": Range(1, open_lo=True),
    "rate.ratio_min": Range(0, 1, open_lo=True),
    "rate.error_ratio_min": Range(0, 1, open_lo=True),
    "rate.min_pairs": COUNT,
}

CHOICES: Final[dict[str, tuple[Any, ...]]] = {
    "format.subtype": ("PCM_16",),  # what the fix writes
    "format.samplerate": SAMPLERATES,
    "format.samplerate_min": SAMPLERATES,
    "text.language": ("any", "CN", "EN"),
}

#: (lower, upper, strict): the first must stay below (or, not strict, at most) the second.
ORDER: Final = (
    ("duration.min_s", "duration.max_s", True),
    ("format.samplerate_min", "format.samplerate", False),
    ("text.cps.latin_min", "text.cps.latin_max", True),
    ("text.cps.han_min", "text.cps.han_max", True),
    ("dnsmos.ovrl_error_min", "dnsmos.ovrl_warning_min", False),
    ("dnsmos.bak_error_min", "dnsmos.bak_warning_min", False),
    ("speaker.change_warning", "speaker.change_error", False),
    ("speaker.outlier_warning", "speaker.outlier_error", False),
    ("silence.keep_padding_s", "silence.max_edge_s", False),
    ("noise.error_min_snr_db", "noise.min_snr_db", False),
    ("reverb.max_rt60_s", "reverb.error_max_rt60_s", False),
    ("clicks.max_dbfs", "clicks.error_max_dbfs", False),
    ("rate.ratio_max", "rate.error_ratio_max", False),
    ("rate.error_ratio_min", "rate.ratio_min", False),
)


def _flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def validate(profile: Profile) -> None:
    """Raise ConfigError (exit 3) naming the first key whose value is out of its range,
    not among its choices, or not below the key it must stay under."""
    values = _flat(profile.as_dict())
    where = f"profile {profile.name}"
    for key, allowed in RANGES.items():
        if not allowed.allows(float(values[key])):
            raise ConfigError(
                f"{where}: {key} = {values[key]:g} is out of range (allowed: {allowed.text()})"
            )
    for key, choices in CHOICES.items():
        if _fold(values[key]) not in {_fold(c) for c in choices}:
            raise ConfigError(
                f"{where}: {key} = {values[key]!r} is not allowed "
                f"(allowed: {', '.join(str(c) for c in choices)})"
            )
    for low, high, strict in ORDER:
        a, b = float(values[low]), float(values[high])
        if a > b or (strict and a == b):
            relation = "below" if strict else "at most"
            raise ConfigError(
                f"{where}: {low} = {a:g} must be {relation} {high} = {b:g}",
            )
