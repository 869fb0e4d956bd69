"""End to end on the committed sample dataset (remediate.pipeline).

The sample corpus is only read; outputs go to a temporary folder. One run is shared by
the module (it is deterministic and read-only); tests that alter anything make their own.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from sample_labels import LABELS, expected_now, ids, review_now

from remediate import columns as C
from remediate import pipeline
from remediate.config import Config
from remediate.errors import ConfigError
from remediate.report import read_metadata

KEEP, FIX, DROP = ids("keep"), ids("fix"), ids("drop")
OUTPUT_FILES = [
    "audit-result.json",
    "audit_errors.parquet",
    "findings.parquet",
    "manifest.csv",
    "measurements.parquet",
    "report.parquet",
    "rerecord.csv",
    "summary.json",
]


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> pipeline.RunResult:
    root = Path(__file__).resolve().parent.parent / "sample_dataset"
    config = Config(
        corpus=root,
        out=tmp_path_factory.mktemp("run") / "out",
        audit_file=root / "audit-result.json",
        cache_dir=None,
        jobs=1,
    )
    return pipeline.run(config)


@pytest.fixture(scope="module")
def report(result: pipeline.RunResult) -> pd.DataFrame:
    return pd.read_parquet(result.config.out / "report.parquet")


def pair(report: pd.DataFrame, pair_id: str) -> dict[str, Any]:
    rows = C.records(report[report[C.PAIR_ID] == pair_id])
    assert len(rows) == 1
    return rows[0]


def test_every_pair_gets_the_documented_verdict(report: pd.DataFrame) -> None:
    pairs = report[report[C.PAIR_ID].notna()]

    got = dict(zip(pairs[C.PAIR_ID], pairs[C.VERDICT], strict=True))

    assert got == expected_now()
    assert list(pairs[C.PAIR_ID]) == [str(n) for n in range(len(LABELS))]


def test_needs_review_is_exactly_the_labelled_pairs(report: pd.DataFrame) -> None:
    pairs = report[report[C.PAIR_ID].notna()]

    flagged = set(pairs[pairs[C.NEEDS_REVIEW]][C.PAIR_ID])

    assert flagged == review_now()
    assert "15" in flagged  # fixed on an inferred cause: GBK read as another language
    assert pairs[C.NEEDS_REVIEW].dtype == bool
    for r in C.records(pairs):
        assert bool(len(r[C.REVIEW_REASONS])) == r[C.NEEDS_REVIEW], r[C.PAIR_ID]
    assert list(pair(report, "15")[C.REVIEW_REASONS]) == [
        "MSS.20020015: assumed caused by text-encoding"
    ]


def test_issue_10_trailing_space_does_not_turn_a_content_flag_into_fix(
    report: pd.DataFrame,
) -> None:
    """Pair 2: the audit says the speech does not match the text (code not in the
    catalogue); the text also ends with a space, a fixable text finding. The space is not a
    content problem, so it does not explain the flag: the pair stays drop."""
    two = pair(report, "2")

    assert "text-whitespace" in list(two[C.CHECKS])
    assert two[C.VERDICT] == C.VERDICT_DROP
    assert "no local fixable content finding explains it" in two[C.REASONS][0]


def test_unmatched_rows_are_the_package_entry_audio_40_the_traversal_and_the_admin_entry(
    report: pd.DataFrame,
) -> None:
    unmatched = report[report[C.VERDICT] == C.VERDICT_UNMATCHED]

    assert unmatched[C.PAIR_ID].isna().all()
    assert [list(ids) for ids in unmatched[C.AUDIT_ENTRY_IDS]] == [[5], [6], [7], [8]]
    assert list(unmatched[C.AUDIO_NAME][1:3]) == ["audio_40.wav", "../../etc/audio_1.wav"]
    reasons = [list(r) for r in unmatched[C.REASONS]]
    assert "MSS.20020016" in reasons[0][0] and "job-level entry (no file name)" in reasons[0][0]
    assert "audio_40.wav / text_40.txt is not in the local corpus" in reasons[1][0]
    assert "would resolve outside the corpus; not followed" in reasons[2][0]
    assert reasons[3][0].startswith("admin audit")
    assert "job-level entry (admin review)" in reasons[3][0]


def test_traversal_entry_is_not_matched_to_pair_1(report: pd.DataFrame) -> None:
    r = pair(report, "1")

    assert r[C.VERDICT] == C.VERDICT_KEEP
    assert list(r[C.AUDIT_ENTRY_IDS]) == []


def test_specific_reasons(report: pd.DataFrame) -> None:
    three = list(pair(report, "3")[C.REASONS])
    two = list(pair(report, "2")[C.REASONS])
    fifteen = list(pair(report, "15")[C.REASONS])

    assert "MSS.20020011" in three[0] and "audio-channels" in three[0]
    assert "fixable" in three[0]
    assert "MSS.20020027" in two[0] and "not in the catalogue (content problem" in two[0]
    assert "MSS.20020015" in fifteen[0] and "plausibly caused by text-encoding" in fifteen[0]
    assert any(r.startswith("audio-clipping:") for r in pair(report, "9")[C.REASONS])
    assert any(r.startswith("audio-container:") for r in pair(report, "22")[C.REASONS])
    assert any(r.startswith("text-missing:") for r in pair(report, "17")[C.REASONS])
    assert any(r.startswith("audio-missing:") for r in pair(report, "19")[C.REASONS])


def test_specific_checks(report: pd.DataFrame) -> None:
    def checks(pid: str) -> set[str]:
        return set(pair(report, pid)[C.CHECKS])

    assert "audio-channels" in checks("3")
    assert "audio-samplerate-high" in checks("5")
    assert "audio-samplerate-low" in checks("7")
    assert "audio-clipping" in checks("9")
    assert {"audio-silence-lead", "audio-silence-trail"} <= checks("11")
    assert "text-empty" in checks("13")
    assert "text-encoding" in checks("15")
    assert "audio-subtype" in checks("20")
    assert "audio-too-long" in checks("21")
    assert "audio-container" in checks("22")
    assert "text-bom" in checks("23")
    assert "text-whitespace" in checks("2")
    assert "audio-too-short" in checks("24")
    assert {"audio-quiet", "audio-low-snr"} <= checks("26")
    assert "text-cps-range" in checks("28")
    for clean in ("0", "1", "4", "6", "8", "10"):
        assert checks(clean) == set(), clean


def test_audit_codes_reach_the_flagged_pairs(report: pd.DataFrame) -> None:
    codes = {
        pid: list(c)
        for pid, c in zip(report[C.PAIR_ID], report[C.AUDIT_ERROR_CODES], strict=True)
        if isinstance(pid, str) and len(c)
    }

    assert codes == {
        "2": ["MSS.20020027"],
        "3": ["MSS.20020011"],
        "15": ["MSS.20020015"],
        "22": ["MSS.20020018"],
        "27": ["MSS.20020015"],
    }


def test_every_audit_entry_is_accounted_for(
    report: pd.DataFrame, result: pipeline.RunResult
) -> None:
    ids = [int(i) for ids in report[C.AUDIT_ENTRY_IDS] for i in ids]

    assert sorted(ids) == list(result.audit[C.ENTRY_ID]) == list(range(9))


# --- output files ----------------------------------------------------------------


def test_output_files_exist(result: pipeline.RunResult) -> None:
    out = result.config.out

    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == OUTPUT_FILES
    assert (out / ".remediate-out").is_file()  # the marker: remediate made this folder
    assert {k: Path(v).name for k, v in result.outputs.items()} == {
        "audit_copy": "audit-result.json",
        "audit_errors": "audit_errors.parquet",
        "findings": "findings.parquet",
        "measurements": "measurements.parquet",
        "report": "report.parquet",
        "manifest": "manifest.csv",
        "rerecord": "rerecord.csv",
        "summary": "summary.json",
    }


def test_audit_copy_is_byte_identical(result: pipeline.RunResult, sample_dataset: Path) -> None:
    out = result.config.out

    assert (out / "audit-result.json").read_bytes() == (
        sample_dataset / "audit-result.json"
    ).read_bytes()


def test_report_contract_columns(report: pd.DataFrame) -> None:
    contract = [
        "pair_id",
        "audio_name",
        "text_name",
        "duration_s",
        "samplerate",
        "channels",
        "subtype",
        "audit_error_codes",
        "checks",
        "verdict",
        "reasons",
    ]

    assert set(contract) <= set(report.columns)
    assert set(report[C.VERDICT]) == set(C.VERDICTS)
    for col in (C.AUDIT_ERROR_CODES, C.CHECKS, C.REASONS):
        assert all(all(isinstance(x, str) for x in v) for v in report[col])


def test_report_names_are_relative_posix_and_null_where_absent(report: pd.DataFrame) -> None:
    pairs = report[report[C.PAIR_ID].notna()]

    assert pair(report, "0")[C.AUDIO_NAME] == "audio_0.wav"
    assert pair(report, "0")[C.TEXT_NAME] == "text_0.txt"
    assert pd.isna(pair(report, "17")[C.TEXT_NAME])
    assert pd.isna(pair(report, "19")[C.AUDIO_NAME])
    for name in pd.concat([pairs[C.AUDIO_NAME], pairs[C.TEXT_NAME]]).dropna():
        assert "\\" not in name and not name.startswith("/")


def test_report_measurements(report: pd.DataFrame) -> None:
    three, five, twenty = pair(report, "3"), pair(report, "5"), pair(report, "20")

    assert (three[C.SAMPLERATE], three[C.CHANNELS], three[C.SUBTYPE]) == (48000, 2, "PCM_16")
    assert five[C.SAMPLERATE] == 96000
    assert twenty[C.SUBTYPE] == "PCM_24"
    assert pair(report, "21")[C.DURATION_S] == pytest.approx(22.91, abs=0.01)
    assert pair(report, "24")[C.DURATION_S] == pytest.approx(0.87, abs=0.01)
    assert pd.isna(pair(report, "19")[C.DURATION_S])


def test_report_parquet_metadata(result: pipeline.RunResult, sample_dataset: Path) -> None:
    from remediate import __version__

    for name in ("report.parquet", "findings.parquet", "audit_errors.parquet"):
        meta = read_metadata(result.config.out / name)
        assert meta["tool"] == "remediate"
        assert meta["version"] == __version__
        assert meta["corpus_root"] == str(sample_dataset.resolve())
        assert meta["audit_source"] == str(sample_dataset / "audit-result.json")
        assert pd.Timestamp(meta["created_at"]).tzinfo is not None


def test_audit_errors_contract(result: pipeline.RunResult) -> None:
    table = pq.read_table(result.config.out / "audit_errors.parquet")
    df = table.to_pandas()

    for col in (
        "job_id",
        "source",
        "audit_time",
        "audio_name",
        "text_name",
        "error_code",
        "error_message",
    ):
        assert col in df.columns
    assert str(table.schema.field("audit_time").type) == "timestamp[us, tz=UTC]"
    assert len(df) == 9
    assert list(df[C.SOURCE]) == ["system"] * 8 + ["admin"]
    assert df[C.JOB_ID].isna().all()


def test_findings_contract(result: pipeline.RunResult) -> None:
    df = pd.read_parquet(result.config.out / "findings.parquet")

    assert list(df.columns) == [
        "pair_id",
        "check",
        "severity",
        "value",
        "threshold",
        "fixable",
        "message",
        "band",
    ]
    assert set(df[C.SEVERITY]) <= set(C.SEVERITIES)
    assert df[C.FIXABLE].dtype == bool
    assert all(c == c.lower() and " " not in c for c in df[C.CHECK])
    stereo = df[(df[C.PAIR_ID] == "3") & (df[C.CHECK] == "audio-channels")]
    assert list(stereo[C.VALUE]) == [2.0] and list(stereo[C.FIXABLE]) == [True]


def test_manifest_contract_and_hashes(result: pipeline.RunResult, sample_dataset: Path) -> None:
    df = pd.read_csv(result.config.out / "manifest.csv", dtype={"sha256": str})

    assert list(df.columns) == ["audio_name", "text_name", "duration_s", "sha256", "verdict"]
    assert len(df) == len(KEEP) + len(FIX)
    assert sorted(df[C.AUDIO_NAME]) == sorted(f"audio_{n}.wav" for n in KEEP + FIX)
    assert set(df[C.VERDICT]) == {C.VERDICT_KEEP, C.VERDICT_FIX}
    for name, digest in zip(df[C.AUDIO_NAME], df[C.SHA256], strict=True):
        assert digest == hashlib.sha256((sample_dataset / name).read_bytes()).hexdigest()


def test_summary_counts(result: pipeline.RunResult) -> None:
    summary = json.loads((result.config.out / "summary.json").read_text("utf-8"))

    assert summary["verdicts"] == {
        "keep": len(KEEP),
        "fix": len(FIX),
        "drop": len(DROP),
        "unmatched": 4,
    }
    assert summary["pairs"] == 29
    assert summary["needs_review"] == len(review_now())
    assert summary["audit_entries"] == 9
    assert summary["audit_entries_accounted"] == 9
    assert summary["audit_error_codes"] == {
        "MSS.20020011": 3,
        "MSS.20020015": 2,
        "MSS.20020016": 1,
        "MSS.20020018": 1,
        "MSS.20020027": 1,
    }
    assert summary["edition"] == {
        "name": "basic",
        "pairs_required": 20,
        "pairs_resubmittable": len(KEEP) + len(FIX),
        "minimum_met": len(KEEP) + len(FIX) >= 20,
        "exact_count_met": len(KEEP) + len(FIX) == 20,
    }
    assert summary["duration_kept_s"] < summary["duration_total_s"]
    assert summary == result.summary


# --- the corpus is never altered -------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[str, int, int]]:
    return {
        str(p.relative_to(root)): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir",
            p.stat().st_mtime_ns,
            p.stat().st_mode,
        )
        for p in sorted(root.rglob("*"))
    }


def test_corpus_is_byte_identical_after_a_run(sample_copy: Path, tmp_path: Path) -> None:
    before = snapshot(sample_copy)
    root_mtime = sample_copy.stat().st_mtime_ns
    config = Config(
        corpus=sample_copy,
        out=tmp_path / "out",
        audit_file=sample_copy / "audit-result.json",
        cache_dir=tmp_path / "cache",
        jobs=1,
    )

    pipeline.run(config)
    pipeline.run(config)  # a second run, through the cache

    assert snapshot(sample_copy) == before
    assert sample_copy.stat().st_mtime_ns == root_mtime


@pytest.mark.parametrize("inside", [".", "out", "sub/out"])
def test_out_inside_the_corpus_is_refused(sample_copy: Path, tmp_path: Path, inside: str) -> None:
    before = snapshot(sample_copy)
    config = Config(
        corpus=sample_copy,
        out=sample_copy / inside,
        audit_file=sample_copy / "audit-result.json",
        cache_dir=None,
    )

    with pytest.raises(ConfigError, match="inside the corpus") as info:
        pipeline.run(config)

    assert info.value.exit_code == 3
    assert snapshot(sample_copy) == before


def test_out_inside_the_corpus_through_a_symlink_is_refused(
    sample_copy: Path, tmp_path: Path
) -> None:
    link = tmp_path / "link"
    os.symlink(sample_copy, link)
    before = snapshot(sample_copy)

    with pytest.raises(ConfigError):
        pipeline.run(
            Config(
                corpus=sample_copy,
                out=link / "out",
                audit_file=sample_copy / "audit-result.json",
                cache_dir=None,
            )
        )

    assert snapshot(sample_copy) == before


def test_scan_writes_no_audit_outputs(tmp_path: Path, sample_dataset: Path) -> None:
    result = pipeline.scan(Config(corpus=sample_dataset, out=tmp_path / "out", cache_dir=None))

    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "audit-result.json" not in names and "audit_errors.parquet" not in names
    assert result.summary["audit_entries"] == 0
    assert result.summary["verdicts"][C.VERDICT_UNMATCHED] == 0
    # Without the audit, flagged pair 2 (only a trailing space locally) is fixed.
    verdicts = dict(zip(result.report[C.PAIR_ID], result.report[C.VERDICT], strict=True))
    assert verdicts["2"] == C.VERDICT_FIX
    assert verdicts["3"] == C.VERDICT_FIX


def test_audit_bytes_can_be_passed_in(tmp_path: Path, sample_dataset: Path) -> None:
    data = (sample_dataset / "audit-result.json").read_bytes()

    result = pipeline.run(
        Config(corpus=sample_dataset, out=tmp_path / "out", cache_dir=None, job_id="job-1"),
        audit_bytes=data,
        audit_source="api:job-1",
    )

    assert (tmp_path / "out" / "audit-result.json").read_bytes() == data
    assert read_metadata(tmp_path / "out" / "report.parquet")["audit_source"] == "api:job-1"
    assert set(result.audit[C.JOB_ID]) == {"job-1"}


def test_interrupted_write_keeps_the_previous_outputs_whole(
    result: pipeline.RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    first = pipeline.write(replace(result, config=replace(result.config, out=out)), None, None)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # Ctrl-C while the outputs are being written

    monkeypatch.setattr(pipeline, "write_manifest", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pipeline.write(first, None, None)

    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # nothing replaced, no staging folder or temp file left behind
    assert "summary.json" in after


def test_operation_log_beside_the_audit_file_adds_job_level_rows(
    sample_copy: Path, tmp_path: Path
) -> None:
    oplog = (
        '{"count": 3, "operations": ['
        '{"action": "AUDIT_NOT_PASS", "operation_time": 100,'
        ' "external_info": {"admin_audit_failure_reason": "old round"}},'
        '{"action": "COMMIT_JOB", "operation_time": 150},'
        '{"action": "AUDIT_NOT_PASS", "operation_time": 200, "external_info":'
        ' {"algorithm_failure_reason": "第25句信噪比过低", "admin_audit_failure_reason": "请重录"}}'
        "]}"
    ).encode()
    (sample_copy / "op-logs.json").write_bytes(oplog)
    config = Config(
        corpus=sample_copy,
        out=tmp_path / "out",
        audit_file=sample_copy / "audit-result.json",
        cache_dir=None,
        jobs=1,
    )

    result = pipeline.run(config)

    assert (tmp_path / "out" / "op-logs.json").read_bytes() == oplog
    assert result.outputs["oplog"] == tmp_path / "out" / "op-logs.json"
    rows = result.audit[result.audit[C.SOURCE].str.startswith("oplog")]
    assert list(rows[C.SOURCE]) == ["oplog-algorithm", "oplog-admin"]
    assert list(rows[C.ERROR_MESSAGE]) == ["第25句信噪比过低", "请重录"]  # the latest only
    assert list(rows[C.ENTRY_ID]) == [9, 10]
    unmatched = result.report[result.report[C.VERDICT] == C.VERDICT_UNMATCHED]
    last = [list(r)[0] for r in unmatched[C.REASONS]][-2:]
    assert "第25句信噪比过低" in last[0] and "operation log, automatic review" in last[0]
    assert "operation log, manual review" in last[1]
    assert result.summary["audit_entries_accounted"] == result.summary["audit_entries"] == 11
