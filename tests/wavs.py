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
    """Voiced syllables (:func:`syllables`) plus fricative-like noise bursts up to 20 kHz
    and a -80 dBFS room noise throughout: passes the level, bandwidth, clipping, silence
    and noise checks like clean speech does, without being a pure tone."""
    rng = np.random.default_rng(seed + 500)
    n = round(seconds * rate)
    voiced = syllables(seconds, rate, seed=seed, level=level)
    hiss = rng.standard_normal(n)
    spectrum = np.fft.rfft(hiss)
    spectrum[round(20000 * n / rate) :] = 0  # band-limited: no energy above 20 kHz
    hiss = np.fft.irfft(spectrum, n)
    env = np.zeros(n)
    for start in range(round(0.3 * rate), n, round(0.7 * rate)):
        length = min(round(0.08 * rate), n - start)
        env[start : start + length] = np.hanning(length)
    y = voiced + hiss / np.abs(hiss).max() * level * 0.1 * env
    y += rng.standard_normal(n) * 10 ** (-80 / 20)
    y = y / np.abs(y).max() * level
    return np.round(y * FS).astype(np.int16)


def syllables(
    seconds: float, rate: int = RATE, seed: int = 0, level: float = 0.3, f0: float = 140.0
) -> npt.NDArray[np.float64]:
    """Voiced speech-like float signal (±1): a harmonic source under three formant peaks,
    cut into syllables of 120-250 ms by a smooth envelope that falls to zero between them
    (gaps of 40-120 ms), peak ``level``. Like speech, the bands are empty most of the time,
    which is what minimum-statistics noise estimation relies on."""
    rng = np.random.default_rng(seed)
    n = round(seconds * rate)
    t = np.arange(n) / rate
    vibrato = 1 + 0.03 * np.sin(2 * np.pi * 5.0 * t)
    phase = 2 * np.pi * np.cumsum(f0 * vibrato) / rate
    x = np.zeros(n)
    for k in range(1, int(min(8000, rate / 2 - 500) / f0)):
        hz = k * f0
        gain = sum(
            g / (1 + ((hz - fc) / bw) ** 2)
            for fc, bw, g in ((600, 120, 1.0), (1500, 200, 0.5), (2700, 300, 0.25))
        )
        x += gain * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
    env = np.zeros(n)
    pos = 0
    while pos < n:
        length = round(rng.uniform(0.12, 0.25) * rate)
        if pos + length + 0.2 * rate > n:
            length = n - pos  # the last syllable runs to the end: no trailing gap
        seg = np.sin(np.pi * np.arange(length) / length) ** 2 * rng.uniform(0.5, 1.0)
        end = min(n, pos + length)
        env[pos:end] = seg[: end - pos]
        pos = end + round(rng.uniform(0.04, 0.12) * rate)
    y = x * env
    return y / np.abs(y).max() * level


def clean_clip(seconds: float = 6.0, rate: int = RATE, seed: int = 0) -> I16:
    """A clip every check passes: 0.3 s of -80 dBFS noise, speech-like content, 0.3 s again."""
    pad = noise(0.3, -80.0, rate, seed=seed + 1000)
    body = speechlike(seconds - 0.6, rate, seed=seed)
    return np.concatenate((pad, body, pad))
