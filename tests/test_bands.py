"""Severity graded by the measured value (issue 10.1): one band mechanism for every numeric
check, with the labelled cases the verdicts are judged on, on real WAV files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_checks import BASIC, SENTENCES, check, clean_row, one
from wavs import clean_clip, speechlike, write

from remediate import columns as C
from remediate import pipeline
from remediate.checks import CHECKS
from remediate.checks.registry import profile_value
from remediate.config import Config
from remediate.profiles import EDITIONS, load_profile

HAN_150 = "今天天气很好我们去公园散步吧" * 10 + "今天天气很好我们去\n"  # 149 + 1 Han


def _scan(corpus: Path, tmp: Path) -> pipeline.RunResult:
    return pipeline.scan(Config(corpus=corpus, out=tmp / "out", cache_dir=None))


def _pair(corpus: Path, i: int, samples: np.ndarray, text: str) -> None:
    write(corpus / f"audio_{i}.wav", samples)
    (corpus / f"text_{i}.txt").write_text(text, encoding="utf-8")


def _at_rms(x: np.ndarray, dbfs: float) -> np.ndarray:
    y = x.astype(np.float64)
    y *= 10 ** (dbfs / 20) * 32768 / np.sqrt(np.mean(y**2))
    return np.round(y).clip(-32768, 32767).astype(np.int16)


def test_the_labelled_cases_are_not_kept_and_clean_speech_is(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _pair(corpus, 0, clean_clip(6.0, seed=0), SENTENCES[0] + "\n")  # clean, 6 s
    _pair(corpus, 1, clean_clip(11.0, seed=1), " ".join(SENTENCES[1:3]) + "\n")  # clean, 11 s
    _pair(corpus, 2, speechlike(0.3, seed=2), "Hi.\n")  # 0.3 s
    _pair(corpus, 3, clean_clip(2.6, seed=3), HAN_150)  # 150 Han characters in 2 s of speech
    _pair(corpus, 4, _at_rms(clean_clip(6.0, seed=4), -35.0), SENTENCES[4] + "\n")  # -35 dBFS
    result = _scan(corpus, tmp_path)
    verdict = dict(zip(result.report[C.PAIR_ID], result.report[C.VERDICT], strict=True))

    assert verdict == {"0": "keep", "1": "keep", "2": "drop", "3": "drop", "4": "drop"}
    found = result.findings
    assert one(found, "2", "audio-too-short")[C.BAND] == "error < 2"
    cps = one(found, "3", "text-cps-range")
    assert (cps[C.SEVERITY], cps[C.BAND]) == ("error", "error > 9 (han)")
    assert cps[C.VALUE] == pytest.approx(150 / 2.0, rel=0.05)
    quiet = one(found, "4", "audio-quiet")
    assert quiet[C.VALUE] == pytest.approx(-35.0, abs=0.3) and quiet[C.SEVERITY] == "error"
    assert set(found.loc[found[C.PAIR_ID].isin(["0", "1"]), C.SEVERITY]) <= {"info"}


@pytest.mark.parametrize(
    ("column", "value", "code", "severity", "threshold"),
    [
        (C.DURATION_S, 4.0, "audio-too-short", "warning", 5.0),
        (C.DURATION_S, 1.5, "audio-too-short", "error", 2.0),
        (C.DURATION_S, 15.5, "audio-too-long", "error", 15.0),
        (C.SNR_DB, 20.0, "audio-low-snr", "warning", 25.0),
        (C.SNR_DB, 5.0, "audio-low-snr", "error", 20.0),
        (C.NOISE_FLOOR_DBFS, -45.0, "audio-noise-floor", "warning", -50.0),
        (C.NOISE_FLOOR_DBFS, -38.0, "audio-noise-floor", "error", -40.0),
        (C.SPEECH_RATIO, 0.2, "audio-low-speech", "warning", 0.3),
        (C.SPEECH_RATIO, 0.05, "audio-low-speech", "error", 0.1),
        (C.LEAD_SILENCE_S, 2.0, "audio-silence-lead", "warning", 1.0),
        (C.LEAD_SILENCE_S, 6.0, "audio-silence-lead", "error", 5.0),
    ],
)
def test_each_numeric_check_has_a_warning_and_an_error_band(
    column: str, value: float, code: str, severity: str, threshold: float
) -> None:
    f = one(check([clean_row(0, **{column: value})]), "0", code)
    assert (f[C.SEVERITY], f[C.VALUE], f[C.THRESHOLD]) == (severity, value, threshold)
    assert f[C.BAND].startswith(f"{severity} ")


def test_values_inside_every_band_give_no_finding() -> None:
    # The clean row sits inside every band: 6 s, SNR 45 dB, floor -70, ratio 0.9, RMS -20.
    assert check([clean_row(0)]).empty


def test_a_fixable_check_stays_fixable_in_its_error_band() -> None:
    f = one(check([clean_row(0, **{C.TRAIL_SILENCE_S: 7.0})]), "0", "audio-silence-trail")
    assert (f[C.SEVERITY], f[C.FIXABLE]) == ("error", True)


def test_clipping_escalation_is_one_case_of_the_bands() -> None:
    bands = CHECKS["audio-clipping"].bands
    assert {(b.on, b.severity) for b in bands} == {
        ("samples", "warning"),
        ("fraction", "error"),
        ("run", "error"),
    }
    f = one(
        check([clean_row(0, **{C.CLIP_SAMPLES: 3, C.CLIP_LONGEST_RUN: 3, C.CLIP_FRACTION: 1e-5})]),
        "0",
        "audio-clipping",
    )
    assert (f[C.SEVERITY], f[C.BAND]) == ("error", "error >= 3 (run)")


def test_an_override_moves_a_band() -> None:
    strict = load_profile("basic", ["noise.error_min_snr_db=22"])
    f = one(check([clean_row(0, **{C.SNR_DB: 20.0})], strict), "0", "audio-low-snr")
    assert (f[C.SEVERITY], f[C.THRESHOLD]) == ("error", 22.0)


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_error_band_lies_outside_its_warning_band(edition: str) -> None:
    profile = load_profile(edition)
    for c in CHECKS.values():
        for err in (b for b in c.bands if b.severity == "error"):
            for warn in (b for b in c.bands if b.severity == "warning" and b.on == err.on):
                if warn.op[0] != err.op[0]:
                    continue
                lo, hi = sorted((warn.edge(profile), err.edge(profile)))
                # "<" bands: the error edge is the lower one; ">" bands: the higher one.
                assert err.edge(profile) == (lo if err.op[0] == "<" else hi), (c.code, edition)


def test_every_band_key_is_cited_in_the_thresholds_doc() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "thresholds.md").read_text("utf-8")
    for c in CHECKS.values():
        for band in c.bands:
            assert f"`{band.key}`" in doc, (c.code, band.key)
            assert profile_value(BASIC, band.key) is not None


def test_a_dc_offset_is_not_read_as_noise(tmp_path: Path) -> None:
    # A fixable offset must not land in the unfixable SNR/noise-floor error bands: the same
    # clip with and without 5 % DC measures the same noise.
    corpus = tmp_path / "corpus"
    x = clean_clip(6.0, seed=9)
    _pair(corpus, 0, x, SENTENCES[0] + "\n")
    _pair(
        corpus, 1, (x.astype(np.int32) + round(0.05 * 32768)).astype(np.int16), SENTENCES[1] + "\n"
    )
    result = _scan(corpus, tmp_path)
    m = result.measurements.set_index(C.PAIR_ID)
    assert m.loc["1", C.SNR_DB] == pytest.approx(m.loc["0", C.SNR_DB], abs=1.0)
    assert m.loc["1", C.NOISE_FLOOR_DBFS] == pytest.approx(m.loc["0", C.NOISE_FLOOR_DBFS], abs=1.0)
    verdict = dict(zip(result.report[C.PAIR_ID], result.report[C.VERDICT], strict=True))
    assert verdict["1"] == "fix"  # audio-dc-offset, removed by the fix
