"""Repair audio and text in memory: pure numpy/soxr/pyloudnorm, no file I/O.

``process_audio`` applies the planned audio steps to float samples in the fix stage's
order (remove DC by a high-pass, downmix, resample, trim, loudness, then PCM_16 with TPDF dither) and
records each step with values measured before and after; ``fix_text`` rewrites a
transcript's bytes. The fix stage (:mod:`remediate.fix.apply`) plans, reads and writes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import soxr

from remediate import columns as C
from remediate.audio import voice
from remediate.audio.probe import ProbeSettings, speech_span
from remediate.profiles import Profile
from remediate.texts import clean_text

# --- columns of the plan and the fix log ---------------------------------------------------
ACTION: Final = C.ACTION
PARAMETERS: Final = C.PARAMETERS  # JSON text
VALUE_BEFORE: Final = C.VALUE_BEFORE  # JSON text
VALUE_AFTER: Final = C.VALUE_AFTER  # JSON text

# --- actions, in the order they are applied -------------------------------------------------
COPY_AUDIO: Final = "copy-audio"
COPY_TEXT: Final = "copy-text"
DROP: Final = "drop"
REMOVE_DC: Final = "remove-dc"
DOWNMIX: Final = "downmix"
RESAMPLE: Final = "resample"
TRIM: Final = "trim-silence"
LOUDNESS: Final = "normalize-loudness"
PEAK_GUARD: Final = "peak-guard"
REWRITE_RIFF: Final = "rewrite-riff"
REQUANTISE: Final = "requantise"
CLEAN_TEXT: Final = "clean-text"
AUDIO_ACTIONS: Final = (REMOVE_DC, DOWNMIX, RESAMPLE, TRIM, LOUDNESS, REWRITE_RIFF, REQUANTISE)

#: A channel this many dB below the strongest is dead (or a broken mic): keep the live
#: channel(s) instead of averaging it in, which would only lower the level and add noise.
DEAD_CHANNEL_DB: Final = 20.0
#: Live channels correlated below this cancel when averaged (docs/audio-qa.md §4): keep the strongest.
MIN_DOWNMIX_CORRELATION: Final = 0.0
#: int16 full scale, as the probe scales samples.
FULL_SCALE: Final = 32768.0
#: The DC fix's high-pass cutoff: under any voice's fundamental (70 Hz and up).
HIGHPASS_HZ: Final = 20.0
#: pyloudnorm needs one 400 ms gating block.
LOUDNESS_MIN_S: Final = 0.4


@dataclass
class AudioOutcome:
    """The processed int16 samples, their rate, and one record per applied action."""

    samples: npt.NDArray[np.int16]
    rate: int
    records: list[dict[str, Any]] = field(default_factory=list)


def _dbfs(x: npt.NDArray[np.float64]) -> float:
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    return round(20 * math.log10(peak), 3) if peak > 0 else -120.0


def _channel_power_db(x: npt.NDArray[np.float64]) -> list[float]:
    power = (x**2).mean(axis=0) if x.shape[0] else np.zeros(x.shape[1])
    return [round(10 * math.log10(p), 3) if p > 0 else -120.0 for p in power]


def highpass(
    x: npt.NDArray[np.float64], rate: int, cutoff_hz: float = 20.0
) -> npt.NDArray[np.float64]:
    """Zero-phase high-pass (the magnitude of a 2nd-order Butterworth applied forward and
    backward, 24 dB/octave; -0.03 dB at 70 Hz for the 20 Hz default), in the frequency
    domain over a reflected copy of the edges. It removes a DC offset and rumble where they
    are, so a plosive's low-frequency bump is not spread over the pauses as subtracting
    the clip's mean would."""
    if x.size < 3:
        return x - x.mean() if x.size else x
    pad = min(x.size - 1, round(0.25 * rate))
    padded = np.pad(x, pad, mode="reflect")
    n = padded.size
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    gain = np.zeros_like(freqs)
    gain[1:] = 1.0 / (1.0 + (cutoff_hz / freqs[1:]) ** 4)
    out = np.fft.irfft(np.fft.rfft(padded) * gain, n)
    return np.asarray(out[pad : pad + x.size], dtype=np.float64)


def _offset(x: npt.NDArray[np.float64], rate: int) -> float | None:
    """The DC offset as the probe measures it (median of 20 ms frame means)."""
    value = voice.dc_offset(x.astype(np.float32), rate)
    return round(value, 6) if value is not None else None


def choose_downmix(x: npt.NDArray[np.float64]) -> tuple[str, list[int]]:
    """How to make (frames, channels) mono: ``keep-live`` with the one channel to keep, or
    ``average`` of the live channels (within DEAD_CHANNEL_DB of the strongest) when they
    are positively correlated with the strongest; a live channel anti-correlated with it
    (averaging would cancel) keeps the strongest alone. One correlation per channel, so
    a 1024-channel clip costs 1023 of them, not half a million pairs."""
    power = _channel_power_db(x)
    strongest = int(np.argmax(power))
    live = [i for i, p in enumerate(power) if p >= power[strongest] - DEAD_CHANNEL_DB]
    if len(live) == 1:
        return "keep-live", live
    ref = x[:, strongest] - x[:, strongest].mean()
    others = x[:, live] - x[:, live].mean(axis=0)
    norms = np.sqrt((others**2).sum(axis=0)) * float(np.sqrt((ref**2).sum()))
    dots = ref @ others
    usable = norms > 0
    if np.any(dots[usable] / norms[usable] < MIN_DOWNMIX_CORRELATION):
        return "keep-strongest", [strongest]
    return "average", live


def to_pcm16(
    x: npt.NDArray[np.float64], rng: np.random.Generator
) -> tuple[npt.NDArray[np.int16], bool]:
    """Quantise ±1 float to int16 with TPDF dither (±1 LSB triangular); no dither when every
    sample already is an exact int16 value (a PCM_16 source only cut or channel-picked)."""
    scaled = x * FULL_SCALE
    rounded = np.round(scaled)
    if np.array_equal(scaled, rounded) and (rounded.size == 0 or rounded.max() <= 32767):
        return np.clip(rounded, -32768, 32767).astype(np.int16), False
    noise = rng.uniform(-0.5, 0.5, scaled.shape) + rng.uniform(-0.5, 0.5, scaled.shape)
    return np.clip(np.round(scaled + noise), -32768, 32767).astype(np.int16), True


def process_audio(
    x: npt.NDArray[np.float64],
    rate: int,
    steps: list[tuple[str, str, dict[str, Any]]],
    profile: Profile,
    settings: ProbeSettings,
    seed: int,
) -> AudioOutcome:
    """Apply planned audio steps ``(action, check, parameters)`` to (frames, channels) float
    samples, in the module's fixed order; always ends as int16. Raises ValueError when a
    step cannot be done (e.g. no speech to trim around)."""
    planned = {action: (check, params) for action, check, params in steps}
    records: list[dict[str, Any]] = []

    def record(action: str, params: dict[str, Any], before: Any, after: Any) -> None:
        check = planned.get(action, ("", {}))[0]
        records.append(
            {
                ACTION: action,
                C.CHECK: check,
                PARAMETERS: json_text(params),
                VALUE_BEFORE: json_text(before),
                VALUE_AFTER: json_text(after),
            }
        )

    if x.ndim == 1:
        x = x[:, None]
    if REMOVE_DC in planned:
        before = [_offset(x[:, i], rate) for i in range(x.shape[1])]
        x = np.stack([highpass(x[:, i], rate, HIGHPASS_HZ) for i in range(x.shape[1])], axis=1)
        after = [_offset(x[:, i], rate) for i in range(x.shape[1])]
        params = {"method": "zero-phase high-pass per channel", "cutoff_hz": HIGHPASS_HZ}
        record(REMOVE_DC, params, {"dc_offset": before}, {"dc_offset": after})
    if DOWNMIX in planned and x.shape[1] > 1:
        method, keep = choose_downmix(x)
        power = _channel_power_db(x)
        mono = x[:, keep].mean(axis=1) if len(keep) > 1 else x[:, keep[0]]
        record(
            DOWNMIX,
            {"method": method, "channels_used": keep, "dead_channel_db": DEAD_CHANNEL_DB},
            {"channels": x.shape[1], "channel_power_db": power},
            {"channels": 1},
        )
        x = mono[:, None]
    elif x.shape[1] > 1:
        x = x.mean(axis=1)[:, None]  # never reached from a plan: only fixes call for mono
    mono = np.ascontiguousarray(x[:, 0])
    if RESAMPLE in planned:
        target = int(planned[RESAMPLE][1]["to_hz"])
        if rate > target:
            before_frames = mono.size
            mono = np.asarray(soxr.resample(mono, rate, target, quality="VHQ"), dtype=np.float64)
            record(
                RESAMPLE,
                {"to_hz": target, "quality": "VHQ"},
                {"samplerate": rate, "frames": before_frames},
                {"samplerate": target, "frames": int(mono.size)},
            )
            rate = target
    if TRIM in planned:
        mono = _trim(mono, rate, planned[TRIM][1], settings, record)
    if LOUDNESS in planned:
        mono = _normalise(mono, rate, planned[LOUDNESS][1], record)
    if float(np.max(np.abs(mono), initial=0.0)) * FULL_SCALE > 32767:
        # Resampling overshoot or gain would clip at write: bring the peak to the ceiling.
        ceiling = profile.loudness.peak_ceiling_dbfs
        before_peak = _dbfs(mono)
        gain = 10 ** ((ceiling - before_peak) / 20)
        mono = mono * gain
        records.append(
            {
                ACTION: PEAK_GUARD,
                C.CHECK: "",
                PARAMETERS: json_text({"peak_ceiling_dbfs": ceiling}),
                VALUE_BEFORE: json_text({"peak_dbfs": before_peak}),
                VALUE_AFTER: json_text({"peak_dbfs": _dbfs(mono)}),
            }
        )
    samples, dithered = to_pcm16(mono, np.random.default_rng(seed))
    if REWRITE_RIFF in planned:
        record(REWRITE_RIFF, {"container": "wav"}, {"container": "rf64"}, {"container": "wav"})
    source_subtype = planned.get(REQUANTISE, ("", {}))[1].get("from")
    record(
        REQUANTISE,
        {"subtype": "PCM_16", "dither": "tpdf" if dithered else "none"},
        {"subtype": source_subtype},
        {"subtype": "PCM_16"},
    )
    return AudioOutcome(samples, rate, records)


def _trim(
    mono: npt.NDArray[np.float64],
    rate: int,
    params: dict[str, Any],
    settings: ProbeSettings,
    record: Any,
) -> npt.NDArray[np.float64]:
    span = speech_span(mono, rate, settings)
    if span is None:
        raise ValueError("no speech found to trim around")
    first, end = span
    pad = round(float(params["keep_padding_s"]) * rate)
    start = max(0, first - pad) if params.get("lead") else 0
    stop = min(mono.size, end + pad) if params.get("trail") else mono.size
    out = mono[start:stop]
    after = speech_span(out, rate, settings)
    before_v = {
        "lead_s": round(first / rate, 4),
        "trail_s": round((mono.size - end) / rate, 4),
        "duration_s": round(mono.size / rate, 4),
    }
    after_v = {
        "lead_s": round(after[0] / rate, 4) if after else None,
        "trail_s": round((out.size - after[1]) / rate, 4) if after else None,
        "duration_s": round(out.size / rate, 4),
    }
    record(
        TRIM,
        {
            "lead": bool(params.get("lead")),
            "trail": bool(params.get("trail")),
            "keep_padding_s": params["keep_padding_s"],
        },
        before_v,
        after_v,
    )
    return out


def _normalise(
    mono: npt.NDArray[np.float64], rate: int, params: dict[str, Any], record: Any
) -> npt.NDArray[np.float64]:
    import pyloudnorm

    target = float(params["target_lufs"])
    ceiling = float(params["peak_ceiling_dbfs"])
    if mono.size < LOUDNESS_MIN_S * rate:
        record(LOUDNESS, params, {"lufs": None}, {"skipped": "shorter than one 400 ms block"})
        return mono
    meter = pyloudnorm.Meter(rate)
    lufs = float(meter.integrated_loudness(mono))
    if not math.isfinite(lufs):
        record(LOUDNESS, params, {"lufs": None}, {"skipped": "no measurable loudness"})
        return mono
    peak = _dbfs(mono)
    wanted = target - lufs
    allowed = ceiling - peak
    gain = min(wanted, allowed)
    out = mono * 10 ** (gain / 20)
    after_lufs = float(meter.integrated_loudness(out))
    record(
        LOUDNESS,
        params,
        {"lufs": round(lufs, 3), "peak_dbfs": peak},
        {
            "lufs": round(after_lufs, 3),
            "peak_dbfs": _dbfs(out),
            "gain_db": round(gain, 3),
            "wanted_gain_db": round(wanted, 3),
            "limited_by_ceiling": gain < wanted,
        },
    )
    return out


def fix_text(data: bytes, encoding: str) -> bytes:
    """Transcript bytes in ``encoding`` → UTF-8 without BOM: ``clean_text`` + one newline.

    Raises UnicodeDecodeError/LookupError when the bytes are not in that encoding.
    """
    text = data.decode(encoding).removeprefix("\ufeff")
    return (clean_text(text) + "\n").encode("utf-8")


def json_text(value: Any) -> str:
    """Stable JSON text for plan parameters and before/after values (numpy types plain)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return str(value)
