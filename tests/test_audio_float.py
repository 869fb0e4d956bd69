"""FLOAT/DOUBLE WAVs are measured like PCM: libsndfile does not scale floats read as int16."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from remediate.audio import probe


@pytest.mark.parametrize("subtype", ["FLOAT", "DOUBLE"])
def test_float_wav_levels_match_pcm(tmp_path: Path, subtype: str) -> None:
    t = np.arange(48000) / 48000
    x = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    sf.write(tmp_path / "f.wav", x, 48000, subtype=subtype)
    facts = probe(tmp_path / "f.wav")
    assert facts.subtype == subtype
    assert facts.peak_dbfs == pytest.approx(-6.02, abs=0.01)
    assert facts.rms_dbfs == pytest.approx(-9.03, abs=0.01)
    assert facts.clip_samples == 0


def test_float_overs_count_as_clipping(tmp_path: Path) -> None:
    x = np.zeros(4800, dtype=np.float32)
    x[100:110] = 1.7  # ten consecutive overs above full scale
    x[2000] = -2.0
    sf.write(tmp_path / "over.wav", x, 48000, subtype="FLOAT")
    facts = probe(tmp_path / "over.wav")
    assert facts.clip_samples == 11
    assert facts.clip_longest_run == 10
    assert facts.peak_dbfs == pytest.approx(0.0, abs=0.01)
