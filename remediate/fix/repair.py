"""The signal and text processing the repairs use: pure numpy, no file I/O.

The repair actions (:mod:`remediate.fix.audio_actions`, :mod:`remediate.fix.text_actions`)
call these; the fix stage (:mod:`remediate.fix.apply`) reads and writes the files.
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from remediate.audio import voice
from remediate.audio.stream import FULL_SCALE
from remediate.texts import clean_text

#: A channel this many dB below the strongest is dead (or a broken mic): keep the live
#: channel(s) instead of averaging it in, which would only lower the level and add noise.
DEAD_CHANNEL_DB: Final = 20.0
#: Live channels correlated below this cancel when averaged (docs/audio-qa.md §4): keep the strongest.
MIN_DOWNMIX_CORRELATION: Final = 0.0
#: The DC fix's high-pass cutoff: under any voice's fundamental (70 Hz and up).
HIGHPASS_HZ: Final = 20.0
#: pyloudnorm needs one 400 ms gating block.
LOUDNESS_MIN_S: Final = 0.4


def dbfs(x: npt.NDArray[np.float64]) -> float:
    """Sample peak in dBFS, rounded to 0.001 dB (-120 for silence)."""
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    return round(20 * math.log10(peak), 3) if peak > 0 else -120.0


def channel_power_db(x: npt.NDArray[np.float64]) -> list[float]:
    """Mean power of each channel of (frames, channels) samples in dB (-120 for silence)."""
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


def dc_offset(x: npt.NDArray[np.float64], rate: int) -> float | None:
    """The DC offset as the probe measures it (median of 20 ms frame means)."""
    value = voice.dc_offset(x.astype(np.float32), rate)
    return round(value, 6) if value is not None else None


def choose_downmix(x: npt.NDArray[np.float64]) -> tuple[str, list[int]]:
    """How to make (frames, channels) mono: ``keep-live`` with the one channel to keep, or
    ``average`` of the live channels (within DEAD_CHANNEL_DB of the strongest) when they
    are positively correlated with the strongest; a live channel anti-correlated with it
    (averaging would cancel) keeps the strongest alone. One correlation per channel, so
    a 1024-channel clip costs 1023 of them, not half a million pairs."""
    power = channel_power_db(x)
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
