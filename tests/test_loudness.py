"""Integrated loudness (LUFS) is measured only on request, from the same single decode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile as sf

from remediate import pipeline
from remediate.audio import ProbeSettings, probe
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
