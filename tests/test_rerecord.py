"""The re-record list (remediate.rerecord): actions per dropped pair, the edition's count."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from remediate import columns as C
from remediate import pipeline
from remediate.config import Config
from remediate.profiles import load_profile
from remediate.rerecord import (
    ACTION_RECORD_AUDIO,
    ACTION_RERECORD,
    ACTION_WRITE_TEXT,
    rerecord_list,
)


def frames(
    verdicts: dict[str, str],
    errors: dict[str, list[str]] | None = None,
    warnings: dict[str, int] | None = None,
    durations: dict[str, float] | None = None,
    audit: dict[str, list[str]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = list(verdicts)
    report = pd.DataFrame(
        {
            C.PAIR_ID: ids,
            C.AUDIO_NAME: [f"audio_{i}.wav" for i in ids],
            C.TEXT_NAME: [f"text_{i}.txt" for i in ids],
            C.VERDICT: [verdicts[i] for i in ids],
            C.CHECKS: [(errors or {}).get(i, []) for i in ids],
            C.AUDIT_ERROR_CODES: [(audit or {}).get(i, []) for i in ids],
            C.REASONS: [[f"reason for {i}"] for i in ids],
        }
    )
    rows = [
        {C.PAIR_ID: i, C.CHECK: code, C.SEVERITY: C.SEVERITY_ERROR}
        for i, codes in (errors or {}).items()
        for code in codes
    ]
    rows += [
        {C.PAIR_ID: i, C.CHECK: f"warn-{k}", C.SEVERITY: C.SEVERITY_WARNING}
        for i, n in (warnings or {}).items()
        for k in range(n)
    ]
    findings = pd.DataFrame(rows, columns=[C.PAIR_ID, C.CHECK, C.SEVERITY])
    measurements = pd.DataFrame(
        {
            C.PAIR_ID: ids,
            C.TEXT: [f"  sentence  {i}\n" for i in ids],
            C.DURATION_S: [(durations or {}).get(i, 8.0) for i in ids],
        }
    )
    return report, findings, measurements


def test_each_dropped_pair_gets_the_action_people_must_take() -> None:
    report, findings, measurements = frames(
        {"0": "keep", "1": "drop", "2": "drop", "3": "drop", "4": "drop", "5": "fix"},
        errors={
            "1": ["audio-clipping"],
            "2": ["audio-missing"],
            "3": ["text-empty"],
            "4": ["text-empty"],
        },
        audit={"4": ["MSS.20020027"]},  # the audit flagged the recording itself
    )
    frame, summary = rerecord_list(report, findings, measurements, load_profile("basic"))
    actions = dict(zip(frame[C.PAIR_ID], frame[C.ACTION], strict=True))
    assert actions == {
        "1": ACTION_RERECORD,
        "2": ACTION_RECORD_AUDIO,
        "3": ACTION_WRITE_TEXT,
        "4": ACTION_RERECORD,
    }
    row = frame[frame[C.PAIR_ID] == "1"].iloc[0]
    assert row["transcript"] == "sentence 1"  # whitespace folded: the sentence to read
    assert row["why"] == "reason for 1"
    assert summary["pairs"] == 4
    assert summary["by_action"] == {
        ACTION_RERECORD: 2,
        ACTION_RECORD_AUDIO: 1,
        ACTION_WRITE_TEXT: 1,
    }


def test_missing_pairs_are_counted_against_the_exact_edition_count() -> None:
    verdicts = {str(i): "keep" for i in range(17)} | {"17": "drop"}
    report, findings, measurements = frames(verdicts, errors={"17": ["audio-clipping"]})
    _, summary = rerecord_list(report, findings, measurements, load_profile("basic"))
    assert (summary["pairs_required"], summary["needed_more"], summary["leave_out"]) == (20, 3, [])


def test_surplus_pairs_to_leave_out_are_the_worst_by_quality_score() -> None:
    verdicts = {str(i): "keep" for i in range(23)}
    report, findings, measurements = frames(
        verdicts,
        warnings={"4": 2, "9": 1},  # 20 and 10 points
        durations={"15": 3.0},  # 2 s under the 5 s clean minimum: 2 points
    )
    _, summary = rerecord_list(report, findings, measurements, load_profile("basic"))
    assert summary["needed_more"] == 0
    assert summary["leave_out"] == [
        {"pair_id": "4", "quality_score": 20.0},
        {"pair_id": "9", "quality_score": 10.0},
        {"pair_id": "15", "quality_score": 2.0},
    ]


def test_no_count_for_an_edition_without_an_exact_one() -> None:
    report, findings, measurements = frames({"0": "keep", "1": "drop"}, errors={"1": ["x"]})
    _, summary = rerecord_list(report, findings, measurements, load_profile("flexus"))
    assert (summary["pairs_required"], summary["needed_more"], summary["leave_out"]) == (
        None,
        0,
        [],
    )


@pytest.mark.parametrize("command", ["run", "scan"])
def test_rerecord_csv_is_written_with_every_dropped_pair(
    tmp_path: Path, sample_dataset: Path, command: str
) -> None:
    out = tmp_path / "out"
    audit = sample_dataset / "audit-result.json" if command == "run" else None
    config = Config(corpus=sample_dataset, out=out, audit_file=audit, cache_dir=None)
    result = pipeline.run(config) if command == "run" else pipeline.scan(config)
    with (out / "rerecord.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dropped = result.report[result.report[C.VERDICT] == C.VERDICT_DROP][C.PAIR_ID]
    assert [r[C.PAIR_ID] for r in rows] == [str(p) for p in dropped]
    assert result.summary["rerecord"]["pairs"] == len(rows) > 0
    assert result.summary["outputs"]["rerecord"] == str(out / "rerecord.csv")
