"""The VOICE_ASSESS twin: per-pair values and ranges, the corpus summary, the comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from remediate import assess as A
from remediate import columns as C
from remediate.cli import cli
from remediate.profiles import load_profile

PROFILE = load_profile("middle")  # snr >= 25 dB, RMS >= -30 dBFS, Latin 5–25 chars/s


def frames(rows: list[dict[str, object]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    pairs = pd.DataFrame({C.PAIR_ID: [str(r[C.PAIR_ID]) for r in rows]})
    base = {
        C.DURATION_S: 6.0,
        C.LEAD_SILENCE_S: 0.5,
        C.TRAIL_SILENCE_S: 0.5,
        C.AUDIO_ERROR: None,
        C.RMS_DBFS: -22.0,
        C.SNR_DB: 40.0,
        C.DNSMOS_OVRL: None,
        C.DNSMOS_BAK: None,
        C.TEXT: "x" * 50,  # 50 letters over 5 s of speech: 10 chars/s
    }
    return pairs, pd.DataFrame([{**base, **r} for r in rows])


def test_pair_values_ranges_and_flags() -> None:
    pairs, meas = frames(
        [
            {C.PAIR_ID: "a"},
            {C.PAIR_ID: "b", C.SNR_DB: 12.0, C.DNSMOS_OVRL: 2.1, C.DNSMOS_BAK: 3.5},
            {C.PAIR_ID: "c", C.RMS_DBFS: -48.0, C.TEXT: "x" * 200},  # 40 chars/s
        ]
    )
    per = A.pair_assessment(pairs, meas, PROFILE).set_index(C.PAIR_ID)
    assert list(per.columns) == A.assessment_columns()[1:]
    assert per.loc["a", "speed"] == pytest.approx(10.0)
    assert per.loc["a", "speed_expected"] == "5-25" and per.loc["a", "snr_expected"] == ">=25"
    assert not per.loc["a", ["speed_out_of_range", "sound_out_of_range", "snr_out_of_range"]].any()
    assert per.loc["b", "snr_out_of_range"] and per.loc["b", "dnsmos_ovrl_out_of_range"]
    assert not per.loc["b", "dnsmos_bak_out_of_range"]
    assert per.loc["c", "sound_out_of_range"] and per.loc["c", "speed_out_of_range"]
    assert per.loc["c", "speed"] == pytest.approx(40.0)
    # Not measured: no value, no verdict (null, not False).
    assert pd.isna(per.loc["a", "dnsmos_ovrl"]) and pd.isna(
        per.loc["a", "dnsmos_ovrl_out_of_range"]
    )
    assert per.loc["a", "reverb_expected"] == "<=0.5"  # the profile's reverb.max_rt60_s


def test_corpus_summary_has_the_platform_shape() -> None:
    pairs, meas = frames(
        [{C.PAIR_ID: str(i), C.SNR_DB: snr} for i, snr in enumerate([10.0, 15.0, 20.0, 40.0, 45.0])]
    )
    summary = A.corpus_assessment(A.pair_assessment(pairs, meas, PROFILE))
    snr = summary["snr"]
    assert snr["actual"] == "20.00" and snr["expected"] == ">=25" and snr["status"] == 1
    assert snr["pairs_measured"] == 5 and snr["pairs_out_of_range"] == 3
    assert snr["suggestion_en"].startswith("Background noise is too loud")
    assert snr["suggestion"].startswith("背景噪声")
    sound = summary["sound"]
    assert sound["status"] == 0 and sound["actual"] == "-22.00"
    assert summary["dnsmos_bak"]["status"] is None
    assert "--dnsmos" in summary["dnsmos_bak"]["suggestion_en"]
    assert summary["suggestion_en"] == A.DIMENSIONS[2].advice_en
    assert set(summary) == {*C.ASSESS_DIMENSIONS, "suggestion", "suggestion_en"}


def test_all_in_range_says_so() -> None:
    pairs, meas = frames([{C.PAIR_ID: "a"}, {C.PAIR_ID: "b"}])
    summary = A.corpus_assessment(A.pair_assessment(pairs, meas, PROFILE))
    assert summary["suggestion_en"] == A.ALL_IN_RANGE_EN
    assert summary["speed"]["status"] == 0


def test_expected_text_round_trips() -> None:
    for low, high in [(5.0, 30.0), (25.0, None), (None, 0.5), (-40.0, None)]:
        assert A._range(A.expected_text(low, high)) == (low, high)
    assert A.expected_text(None, None) is None


def test_compare_lines_up_local_and_platform() -> None:
    local = {"snr": {"expected": ">=25", "actual": "20.00", "status": 1}}
    platform = {"snr": {"expected": ">=30", "actual": "18.2", "status": 1, "suggestion_en": "x"}}
    rows = {r["dimension"]: r for r in A.compare(local, platform)}
    assert rows["snr"]["local_actual"] == "20.00" and rows["snr"]["platform_actual"] == "18.2"
    assert rows["speed"]["platform_actual"] is None and rows["speed"]["local_actual"] is None
    assert list(rows) == list(C.ASSESS_DIMENSIONS)


def test_assess_command_table_and_json(sample_dataset: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["assess", "--corpus", str(sample_dataset), "--no-dnsmos", "--jobs", "1", "--no-cache"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["dimension", "expected", "actual"]
    snr = next(line for line in lines if line.startswith("snr ")).split()
    assert snr[1] == ">=25" and float(snr[2]) > 25 and snr[4] == "ok"
    # A stricter range set on the command line: the same corpus is now out of range.
    result = runner.invoke(cli, [*args, "--set", "noise.min_snr_db=90", "--pairs"])
    snr = next(line for line in result.stdout.splitlines() if line.startswith("snr "))
    assert ">=90" in snr and "OUT OF RANGE" in snr and "Background noise" in result.stdout
    assert "snr " in result.stdout.split("audio")[-1]  # the per-pair list names the dimension
    result = runner.invoke(cli, [*args, "--json", "--edition", "middle"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["snr"]["expected"] == ">=25"
    from remediate.corpus import discover

    assert len(doc["pairs"]) == len(discover(sample_dataset).pairs)
    assert {"pair_id", "audio_name", "snr", "snr_expected"} <= set(doc["pairs"][0])
    measured = [p for p in doc["pairs"] if p["snr"] is not None]
    assert doc["summary"]["snr"]["pairs_measured"] == len(measured)
    assert doc["summary"]["dnsmos_ovrl"]["actual"] is None
