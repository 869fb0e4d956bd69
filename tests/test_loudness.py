"""Integrated loudness (LUFS) is measured only on request, from the same single decode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from remediate import pipeline
from remediate.audio.probe import ProbeSettings, probe
from remediate.config import Config


def _sine(path: Path, amplitude: float, seconds: float = 3.0, rate: int = 48000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    x = amplitude * np.sin(2 * np.pi * 1000 * t)
    sf.write(path, x, rate, subtype="PCM_16")
    return x


def test_lufs_of_a_known_sine(tmp_path: Path) -> None:
    # BS.1770: a 1 kHz sine at 0 dBFS peak reads -3.01 LUFS, so 0.1 FS (-20 dB) reads -23.01.
    x = _sine(tmp_path / "s.wav", 0.1)
    facts = probe(tmp_path / "s.wav", ProbeSettings(loudness=True))
    assert facts.loudness_lufs == pytest.approx(-23.0, abs=0.1)
    expected = pyloudnorm.Meter(48000).integrated_loudness(x)
    assert facts.loudness_lufs == pytest.approx(expected, abs=0.01)


def test_lufs_is_off_by_default_and_needs_400_ms(tmp_path: Path) -> None:
    _sine(tmp_path / "s.wav", 0.1)
    assert probe(tmp_path / "s.wav").loudness_lufs is None
    _sine(tmp_path / "short.wav", 0.1, seconds=0.3)
    assert probe(tmp_path / "short.wav", ProbeSettings(loudness=True)).loudness_lufs is None


def test_loudness_option_adds_an_info_finding(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _sine(corpus / "audio_0.wav", 0.1, seconds=6.0)
    (corpus / "text_0.txt").write_text("A sentence of reasonable length for six seconds.\n")
    result = pipeline.scan(
        Config(corpus=corpus, out=tmp_path / "out", loudness=True, cache_dir=None)
    )
    row = result.findings[result.findings["check"] == "audio-loudness"].iloc[0]
    assert row["severity"] == "info"
    assert row["value"] == pytest.approx(-23.0, abs=0.1)
    assert row["threshold"] == -23.0  # the profile's target


@pytest.mark.parametrize("index", [0, 11, 12, 21])
def test_streaming_meter_equals_pyloudnorm_on_speech(index: int) -> None:
    # Real speech with pauses (gating matters; pair 11 has 3 s of silence at each end) and
    # clips longer than one 65,536-frame block (filter state carried across blocks).
    path = Path(__file__).resolve().parent.parent / "sample_dataset" / f"audio_{index}.wav"
    x, rate = sf.read(path, dtype="int16")
    expected = pyloudnorm.Meter(rate).integrated_loudness(x.astype(np.float64) / 32768.0)
    facts = probe(path, ProbeSettings(loudness=True))
    assert facts.loudness_lufs == pytest.approx(expected, abs=0.02)


def test_loudness_keeps_memory_flat_on_a_long_file(tmp_path: Path) -> None:
    import tracemalloc

    seconds, rate = 180, 48000
    rng = np.random.default_rng(3)
    x = (0.1 * rng.standard_normal(seconds * rate)).clip(-1, 1)
    sf.write(tmp_path / "long.wav", x, rate, subtype="PCM_16")
    decoded_bytes = seconds * rate * 8  # what pyloudnorm would hold as float64
    tracemalloc.start()
    facts = probe(tmp_path / "long.wav", ProbeSettings(loudness=True))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert facts.loudness_lufs is not None
    assert peak < decoded_bytes / 8, f"peak {peak} vs {decoded_bytes}"


@pytest.mark.parametrize("rate", [1, 8, 50, 4000])
def test_loudness_of_an_absurdly_low_rate_is_unknown_not_a_crash(
    tmp_path: Path, rate: int, recwarn: pytest.WarningsRecorder
) -> None:
    """Under 8 kHz the K-weighting's shelf is above Nyquist (pyloudnorm designs NaN filters)
    and under 10 Hz a 100 ms gating step holds no sample: no loudness, no warning, and the
    probe still reports the clip (the samplerate check then drops it)."""
    noise = np.random.default_rng(rate).normal(0, 0.1, rate * 20)
    sf.write(tmp_path / "low.wav", noise, rate, subtype="PCM_16")
    facts = probe(tmp_path / "low.wav", ProbeSettings(loudness=True))
    assert facts.loudness_lufs is None
    assert facts.samplerate == rate
    assert facts.duration_s == pytest.approx(20.0)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
