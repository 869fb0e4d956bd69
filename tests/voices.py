"""Labelled speech for the voice tests: espeak-ng voices as speakers, real recordings from alsa.

espeak-ng (a formant synthesiser) and alsa-utils' channel-test recordings (one real woman
saying "Front left", "Rear right"...) are installed machine-wide; ``.ci/run`` installs both.
Every clip comes back as float32 mono at 16 kHz, the rate the voice analysis works at.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf
import soxr
from speech import ALSA_DIR as ALSA_DIR  # one list of the alsa-utils words
from speech import ALSA_WORDS as ALSA_WORDS

RATE = 16000
SENTENCES = (
    "The quick brown fox jumps over the lazy dog while the farmer watches from the porch.",
    "Please call Stella and ask her to bring these things with her from the store.",
    "Six spoons of fresh snow peas, five thick slabs of blue cheese, and maybe a snack.",
    "A large size in stockings is hard to sell, but the shop keeps them for the winter.",
)
#: espeak-ng voices standing for different people: two male, two female variants.
MALE, MALE_2, FEMALE, FEMALE_2 = "en-us", "en-us+Andy", "en-us+f2", "en-us+f4"

Audio = npt.NDArray[np.float32]


def to_16k(data: npt.NDArray[np.float64] | Audio, rate: int) -> Audio:
    mono = data.mean(axis=1) if data.ndim > 1 else data
    out: Audio = soxr.resample(mono.astype(np.float32), rate, RATE).astype(np.float32)
    return out


@lru_cache(maxsize=64)
def _espeak(text: str, voice: str) -> Audio:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True
    ).stdout
    data, rate = sf.read(io.BytesIO(wav), dtype="float32")
    return to_16k(data, int(rate))


def espeak(text: str, voice: str) -> Audio:
    """``text`` spoken by espeak-ng ``voice`` (skips the test when espeak-ng is missing)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (.ci/run installs it)")
    return _espeak(text, voice).copy()


def alsa(word: str) -> Audio:
    """One real recording from alsa-utils (skips when alsa-utils' sounds are missing)."""
    path = ALSA_DIR / f"{word}.wav"
    if not path.is_file():
        pytest.skip("alsa-utils sounds are not installed (.ci/run installs them)")
    data, rate = sf.read(str(path), dtype="float32")
    return to_16k(data, int(rate))


def gap(seconds: float = 0.2) -> Audio:
    return np.zeros(round(seconds * RATE), dtype=np.float32)


def joined(*parts: Audio) -> Audio:
    """Clips one after the other with a 0.2 s pause between them."""
    out: list[Audio] = []
    for part in parts:
        out.extend((part, gap()))
    return np.concatenate(out[:-1])


def spliced(first: str, second: str, lead: int) -> Audio:
    """Two espeak-ng voices in one clip: a splice at the midpoint (``lead`` 2: one sentence
    each), a quarter in (1: ``first`` reads one sentence of four) or three quarters in (3)."""
    order = (0, 1) if lead == 2 else (1, 2, 3, 0)
    cut = 1 if lead == 2 else lead
    return joined(
        *(espeak(SENTENCES[s], first if i < cut else second) for i, s in enumerate(order))
    )


def white_noise_at(clean: Audio, snr_db: float, seed: int = 0) -> Audio:
    """``clean`` plus white noise at ``snr_db`` below the clip's mean power."""
    rng = np.random.default_rng(seed)
    power = float(np.mean(clean.astype(np.float64) ** 2))
    noise = rng.standard_normal(clean.size) * np.sqrt(power / 10 ** (snr_db / 10))
    return (clean + noise).astype(np.float32)
