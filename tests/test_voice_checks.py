"""Voice checks on measurement rows: DNSMOS bands, speaker change, speaker outlier."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from test_checks import BASIC, clean_row, frames, one

from remediate import columns as C
from remediate.checks import run_checks


def found(rows: list[dict[str, Any]], *codes: str) -> pd.DataFrame:
    pairs, measurements = frames(rows)
    return run_checks(pairs, measurements, BASIC, only=list(codes))


def test_dnsmos_bands_grade_the_worse_score() -> None:
    rows = [
        clean_row(0, **{C.DNSMOS_OVRL: 3.0, C.DNSMOS_BAK: 3.9}),  # clean speech
        clean_row(1, **{C.DNSMOS_OVRL: 2.5, C.DNSMOS_BAK: 3.3}),  # OVRL warning
        clean_row(2, **{C.DNSMOS_OVRL: 2.7, C.DNSMOS_BAK: 2.0}),  # BAK error
        clean_row(3, **{C.DNSMOS_OVRL: 2.1, C.DNSMOS_BAK: 2.9}),  # OVRL error wins
        clean_row(4),  # not measured
        clean_row(5, **{C.DNSMOS_OVRL: 1.0, C.DNSMOS_BAK: 1.0, C.PEAK_DBFS: -80.0}),  # silent
    ]
    f = found(rows, "audio-dnsmos")
    assert sorted(f[C.PAIR_ID]) == ["1", "2", "3"]
    one1 = one(f, "1", "audio-dnsmos")
    assert one1[C.SEVERITY] == "warning" and one1[C.VALUE] == 2.5
    assert one1[C.THRESHOLD] == BASIC.dnsmos.ovrl_warning_min
    two = one(f, "2", "audio-dnsmos")
    assert two[C.SEVERITY] == "error" and two[C.VALUE] == 2.0 and "(bak)" in two[C.BAND]
    three = one(f, "3", "audio-dnsmos")
    assert three[C.SEVERITY] == "error" and "(ovrl)" in three[C.BAND]
    assert "OVRL 2.10, BAK 2.90" in three[C.MESSAGE]


def test_speaker_change_bands() -> None:
    rows = [
        clean_row(0, **{C.VOICE_CHANGE: 0.8}),
        clean_row(1, **{C.VOICE_CHANGE: BASIC.speaker.change_warning}),
        clean_row(2, **{C.VOICE_CHANGE: 2.2}),
        clean_row(3),
    ]
    f = found(rows, "voice-speaker-change")
    assert list(f[C.PAIR_ID]) == ["1", "2"]
    assert list(f[C.SEVERITY]) == ["warning", "error"]
    assert f[C.VALUE].tolist() == [BASIC.speaker.change_warning, 2.2]


def signature(base: float, rng: np.random.Generator, spread: float = 0.3) -> list[float]:
    return [float(v) for v in base + rng.normal(0.0, spread, 13)]


def test_speaker_outlier_against_the_corpus_voice() -> None:
    rng = np.random.default_rng(3)
    rows = [
        clean_row(i, **{C.VOICE_SIGNATURE: signature(0.0, rng), C.VOICE_F0_MEDIAN_HZ: 110.0})
        for i in range(10)
    ]
    rows.append(
        clean_row(10, **{C.VOICE_SIGNATURE: signature(2.5, rng), C.VOICE_F0_MEDIAN_HZ: 205.0})
    )
    rows.append(clean_row(11))  # no signature: not judged
    # Heavy noise moves the signature too: such a clip has its own finding, not this one.
    noisy = {C.VOICE_SIGNATURE: signature(2.5, rng), C.SNR_DB: 10.0}
    rows.append(clean_row(12, **noisy))
    f = found(rows, "voice-speaker-outlier")
    hit = one(f, "10", "voice-speaker-outlier")
    assert hit[C.SEVERITY] == "error" and hit[C.VALUE] > BASIC.speaker.outlier_error
    assert "F0 205 Hz, corpus 110 Hz" in hit[C.MESSAGE]
    assert list(f[C.PAIR_ID]) == ["10"]


def test_speaker_outlier_needs_enough_clips_and_a_real_difference() -> None:
    rng = np.random.default_rng(4)
    few = [clean_row(i, **{C.VOICE_SIGNATURE: signature(0.0, rng)}) for i in range(5)]
    few.append(clean_row(5, **{C.VOICE_SIGNATURE: signature(3.0, rng)}))
    assert found(few, "voice-speaker-outlier").empty  # 6 < speaker.min_pairs
    # A corpus whose clips all vary a lot: a clip as far out as the others is not an outlier.
    wide = [clean_row(i, **{C.VOICE_SIGNATURE: signature(0.0, rng, 1.5)}) for i in range(12)]
    f = found(wide, "voice-speaker-outlier")
    assert len(f) <= 1  # at most a clip past twice the corpus's own spread
