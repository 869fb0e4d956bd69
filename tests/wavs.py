"""Crafted audio for the probe/check tests: exact int16 signals written with soundfile.

Every generator returns int16 samples so a test knows the decoded values exactly (what
the probe reads back), and the expected statistics can be computed from the same array.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf

RATE = 48000
FS = 32768.0

I16 = npt.NDArray[np.int16]


def sine(
    seconds: float, amplitude: float = 0.5, freq: float = 1000.0, rate: int = RATE, dc: float = 0.0
) -> I16:
    """A sine of ``amplitude`` (full scale = 1) plus ``dc``, rounded to int16."""
    t = np.arange(round(seconds * rate)) / rate
    x = amplitude * np.sin(2 * np.pi * freq * t) + dc
    return np.round(x * FS).clip(-32768, 32767).astype(np.int16)


def silence(seconds: float, rate: int = RATE) -> I16:
    return np.zeros(round(seconds * rate), dtype=np.int16)


def noise(seconds: float, dbfs: float, rate: int = RATE, seed: int = 0) -> I16:
    """White gaussian noise with RMS ``dbfs`` (full scale = 1)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(round(seconds * rate)) * 10 ** (dbfs / 20)
    return np.round(x * FS).clip(-32768, 32767).astype(np.int16)


def write(path: Path, data: I16, rate: int = RATE, subtype: str = "PCM_16", **kw: str) -> Path:
    """Write int16 samples (frames[, channels]) to ``path``; returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), data, rate, subtype=subtype, **kw)
    return path


def speechlike(seconds: float, rate: int = RATE, seed: int = 0, level: float = 0.3) -> I16:
    """Band-limited (≤ 20 kHz) noise bursts with short gaps: passes the level, bandwidth,
    clipping and silence checks like clean speech does, without being a pure tone."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate)
    x = rng.standard_normal(n)
    # Syllable-rate envelope (4 Hz) that never drops to zero inside the clip.
    t = np.arange(n) / rate
    env = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    y = x * env
    y = y / np.abs(y).max() * level
    return np.round(y * FS).astype(np.int16)


def clean_clip(seconds: float = 6.0, rate: int = RATE, seed: int = 0) -> I16:
    """A clip every check passes: 0.3 s of -80 dBFS noise, speech-like content, 0.3 s again."""
    pad = noise(0.3, -80.0, rate, seed=seed + 1000)
    body = speechlike(seconds - 0.6, rate, seed=seed)
    return np.concatenate((pad, body, pad))
