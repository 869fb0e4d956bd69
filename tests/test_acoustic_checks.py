"""Each defect class is caught at its documented band on real speech, clean clips are not.

A small MIDDLE-edition corpus of real words read as sentences (speech.py), ten clean and one
clip per defect: noise at 10 dB SNR, a 1.2 s room, a loud click, 1.5x speed, a telephone
channel. Scanned end to end; the assertions name the check, its severity and the measured
value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
import soxr
import speech as S

from remediate import columns as C
from remediate import pipeline
from remediate.config import Config

RATE = 48000
#: The checks that read the voice measures.
VOICE_CHECKS = {
    "audio-low-snr",
    "audio-noise-floor",
    "audio-reverb",
    "audio-clicks",
    "audio-dc-offset",
    "audio-fake-rate",
    "audio-low-bandwidth",
    "audio-rate-outlier",
}


def _write(root: Path, key: str, x: np.ndarray, text: str) -> None:
    x = x * np.float32(min(1.0, 0.89 / float(np.abs(x).max())))
    sf.write(root / f"{key}.wav", x, RATE, subtype="PCM_16")
    (root / f"{key}.txt").write_text(text + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    words = S.alsa_words(RATE)
    names, clips = list(words), [x for x, _ in words.values()]
    rng = np.random.default_rng(4)
    root = tmp_path_factory.mktemp("labelled")

    def sentence(i: int) -> tuple[np.ndarray, str]:
        order = [(i + k) % len(clips) for k in range(4)]
        x = S.sentence([clips[k] for k in order], RATE, pause_s=0.2)
        pad = np.zeros(RATE // 4, np.float32)
        x = np.concatenate((pad, x, pad))
        x = x + rng.standard_normal(x.size).astype(np.float32) * np.float32(10 ** (-70 / 20))
        return x, ", ".join(names[k].replace("_", " ") for k in order) + "."

    for i in range(10):
        _write(root, str(i), *sentence(i))
    x, text = sentence(10)
    _write(root, "10", S.at_snr(x, S.pink(x.size, rng), 10.0, RATE), text)
    x, text = sentence(11)
    _write(root, "11", S.convolve(x, S.room(1.2, RATE, rng)), text)
    x, text = sentence(12)
    x[x.size // 2] += np.float32(0.5)
    _write(root, "12", x, text)
    x, text = sentence(13)
    _write(root, "13", soxr.resample(x, round(RATE * 1.5), RATE).astype(np.float32), text)
    x, text = sentence(14)
    _write(root, "14", S.telephone(x, RATE), text)

    result = pipeline.scan(
        Config(corpus=root, out=root.parent / "out", cache_dir=None, edition="middle")
    )
    findings = result.findings
    names_of = dict(zip(result.report[C.PAIR_ID], result.report[C.AUDIO_NAME], strict=True))
    findings = findings.assign(key=findings[C.PAIR_ID].map(names_of).str.removesuffix(".wav"))
    return findings[findings[C.CHECK].isin(VOICE_CHECKS)], result.measurements


def _error(findings: pd.DataFrame, key: str, check: str) -> pd.Series:
    rows = findings[(findings["key"] == key) & (findings[C.CHECK] == check)]
    assert len(rows) == 1, findings[findings["key"] == key][[C.CHECK, C.MESSAGE]]
    row = rows.iloc[0]
    assert row[C.SEVERITY] == C.SEVERITY_ERROR, row[C.MESSAGE]
    return row


def test_clean_real_speech_is_not_flagged(scanned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    findings, _ = scanned
    clean = findings[findings["key"].isin([str(i) for i in range(10)])]
    assert clean.empty, clean[["key", C.CHECK, C.MESSAGE]].to_string()


def test_noise_at_10_db_is_an_snr_error(scanned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    row = _error(scanned[0], "10", "audio-low-snr")
    assert 9.0 <= row[C.VALUE] <= 16.0  # 10 dB of pink noise under the speech


def test_a_reverberant_room_is_a_reverb_error(scanned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    row = _error(scanned[0], "11", "audio-reverb")
    assert row[C.VALUE] == pytest.approx(1.2, rel=0.25)


def test_a_loud_click_is_a_click_error(scanned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    row = _error(scanned[0], "12", "audio-clicks")
    assert row[C.VALUE] == pytest.approx(-6.0, abs=2.0)  # a spike of 0.5 full scale


def test_sped_up_speech_is_a_rate_error(scanned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    row = _error(scanned[0], "13", "audio-rate-outlier")
    assert row[C.VALUE] == pytest.approx(1.5, rel=0.15)  # times the corpus's median rate


def test_a_telephone_channel_is_a_fake_rate(scanned: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    row = _error(scanned[0], "14", "audio-fake-rate")
    assert 3400 < row[C.VALUE] < 4100
