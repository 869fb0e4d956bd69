"""Writing the outputs atomically: Parquet, manifest, JSON (remediate.report)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import IO, Any

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from remediate import columns as C
from remediate.contract import REPORT_OUTPUT
from remediate.errors import OutputError
from remediate.files import ensure_out_dir
from remediate.report import (
    atomic_path,
    manifest_frame,
    read_metadata,
    write_bytes,
    write_json,
    write_manifest,
    write_parquet,
    write_text,
)
from remediate.verdict import report_frame

META = {
    "tool": "remediate",
    "version": "0.1.0",
    "created_at": "2025-11-25T06:00:00+00:00",
    "corpus_root": "/data/corpus",
    "audit_source": "audit-result.json",
}


def report_row(pid: str | None, verdict: str, **extra: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        C.PAIR_ID: pid,
        C.AUDIO_NAME: f"audio_{pid}.wav" if pid else "audio_40.wav",
        C.TEXT_NAME: f"text_{pid}.txt" if pid else None,
        C.DURATION_S: 4.123456 if pid else None,
        C.SAMPLERATE: 48000 if pid else None,
        C.CHANNELS: 1 if pid else None,
        C.SUBTYPE: "PCM_16" if pid else None,
        C.AUDIO_SHA256: (pid or "0") * 64 if pid else None,
        C.AUDIT_ERROR_CODES: [],
        C.AUDIT_ENTRY_IDS: [],
        C.CHECKS: [],
        C.VERDICT: verdict,
        C.REASONS: [],
    }
    row.update(extra)
    return row


REPORT = report_frame(
    [
        report_row("1", C.VERDICT_KEEP),
        report_row(
            "2",
            C.VERDICT_FIX,
            **{
                C.AUDIT_ERROR_CODES: ["MSS.20020011"],
                C.AUDIT_ENTRY_IDS: [0],
                C.CHECKS: ["audio-channels", "text-bom"],
                C.REASONS: ["audit MSS.20020011 — explained", "audio-channels: stereo"],
            },
        ),
        report_row("3", C.VERDICT_DROP, **{C.TEXT_NAME: None, C.CHECKS: ["text-missing"]}),
        report_row(
            None,
            C.VERDICT_UNMATCHED,
            **{C.AUDIT_ERROR_CODES: ["MSS.20020016"], C.AUDIT_ENTRY_IDS: [1]},
        ),
    ]
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


# --- atomic writes ----------------------------------------------------------------


def test_atomic_write_leaves_no_temp_file(tmp_path: Path) -> None:
    write_bytes(tmp_path / "a.bin", b"\x00\x01")
    write_json(tmp_path / "b.json", {"k": "音"})

    assert (tmp_path / "a.bin").read_bytes() == b"\x00\x01"
    assert json.loads((tmp_path / "b.json").read_text("utf-8")) == {"k": "音"}
    assert "音" in (tmp_path / "b.json").read_text("utf-8")
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin", "b.json"]


def test_interrupted_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "summary.json"
    target.write_text("old\n", encoding="utf-8")

    def writer(fh: IO[str]) -> None:
        fh.write("half a docu")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_text(target, writer)

    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []


def test_interrupted_first_write_leaves_nothing(tmp_path: Path) -> None:
    def writer(fh: IO[str]) -> None:
        fh.write("x")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_text(tmp_path / "manifest.csv", writer)

    assert list(tmp_path.iterdir()) == []


def test_os_error_inside_a_write_is_an_output_error(tmp_path: Path) -> None:
    target = tmp_path / "report.parquet"
    target.write_bytes(b"old")

    with pytest.raises(OutputError, match="cannot write") as info, atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
        raise OSError(28, "No space left on device")

    assert info.value.exit_code == 6
    assert info.value.path == target
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_interrupted_parquet_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.parquet"
    write_parquet(REPORT, target, REPORT_OUTPUT.schema, META)
    before = target.read_bytes()

    def interrupted(table: Any, where: Any, **kwargs: Any) -> None:
        Path(where).write_bytes(b"PAR1 partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_parquet(REPORT, target, REPORT_OUTPUT.schema, META)

    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


# --- Parquet --------------------------------------------------------------------------


def test_parquet_metadata_round_trips(tmp_path: Path) -> None:
    path = write_parquet(REPORT, tmp_path / "report.parquet", REPORT_OUTPUT.schema, META)

    assert read_metadata(path) == META


def test_read_metadata_of_a_foreign_parquet_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"a": [1, 2, 3]}).to_parquet(path)

    assert read_metadata(path) == {}


def test_report_reads_back_in_pandas_with_lists(tmp_path: Path) -> None:
    path = write_parquet(REPORT, tmp_path / "report.parquet", REPORT_OUTPUT.schema, META)

    df = pd.read_parquet(path)

    assert list(df.columns) == REPORT_OUTPUT.schema.names
    assert list(df[C.VERDICT]) == ["keep", "fix", "drop", "unmatched"]
    assert list(df[C.CHECKS][1]) == ["audio-channels", "text-bom"]
    assert list(df[C.AUDIT_ENTRY_IDS][3]) == [1]
    assert pd.isna(df[C.PAIR_ID][3]) and pd.isna(df[C.TEXT_NAME][2])
    assert df[C.SAMPLERATE][0] == 48000


def test_report_reads_back_in_pyarrow_with_lists(tmp_path: Path) -> None:
    path = write_parquet(REPORT, tmp_path / "report.parquet", REPORT_OUTPUT.schema, META)

    table = pq.read_table(path)

    assert table.schema.remove_metadata() == REPORT_OUTPUT.schema
    rows = table.to_pylist()
    assert rows[1][C.REASONS] == ["audit MSS.20020011 — explained", "audio-channels: stereo"]
    assert rows[1][C.AUDIT_ERROR_CODES] == ["MSS.20020011"]
    assert rows[0][C.CHECKS] == []
    assert rows[3][C.PAIR_ID] is None and rows[3][C.DURATION_S] is None


def test_report_reads_back_in_duckdb(tmp_path: Path) -> None:
    path = write_parquet(REPORT, tmp_path / "report.parquet", REPORT_OUTPUT.schema, META)

    counts = duckdb.sql(f"select verdict, count(*) from '{path}' group by 1 order by 1").fetchall()
    checks = duckdb.sql(f"select checks from '{path}' where pair_id = '2'").fetchall()

    assert counts == [("drop", 1), ("fix", 1), ("keep", 1), ("unmatched", 1)]
    assert checks == [(["audio-channels", "text-bom"],)]


def test_parquet_takes_the_schema_columns_only(tmp_path: Path) -> None:
    df = REPORT.assign(extra=1)

    path = write_parquet(df, tmp_path / "r.parquet", REPORT_OUTPUT.schema, META)

    assert pq.read_schema(path).names == REPORT_OUTPUT.schema.names


# --- manifest ---------------------------------------------------------------------


def test_manifest_frame_holds_keep_and_fix_pairs() -> None:
    df = manifest_frame(REPORT)

    assert list(df.columns) == C.MANIFEST_COLUMNS
    assert list(df[C.AUDIO_NAME]) == ["audio_1.wav", "audio_2.wav"]
    assert list(df[C.VERDICT]) == ["keep", "fix"]
    assert list(df[C.SHA256]) == ["1" * 64, "2" * 64]
    assert list(df[C.DURATION_S]) == [4.1235, 4.1235]


def test_manifest_csv_columns_and_rows(tmp_path: Path) -> None:
    rows = report_frame(
        [
            report_row("1", C.VERDICT_KEEP, **{C.AUDIO_NAME: "sub/a, b.wav"}),
            report_row("2", C.VERDICT_FIX, **{C.TEXT_NAME: None}),
            report_row("3", C.VERDICT_DROP),
        ]
    )

    path = write_manifest(tmp_path / "manifest.csv", manifest_frame(rows))

    raw = path.read_bytes()
    assert b"\r\n" not in raw
    with path.open(encoding="utf-8", newline="") as fh:
        got = list(csv.reader(fh))
    assert got == [
        ["audio_name", "text_name", "duration_s", "sha256", "verdict"],
        ["sub/a, b.wav", "text_1.txt", "4.1235", "1" * 64, "keep"],
        ["audio_2.wav", "", "4.1235", "2" * 64, "fix"],
    ]
    assert leftovers(tmp_path) == []


def test_empty_manifest_has_the_header_only(tmp_path: Path) -> None:
    path = write_manifest(tmp_path / "manifest.csv", manifest_frame(REPORT.iloc[2:]))

    assert path.read_text(encoding="utf-8") == "audio_name,text_name,duration_s,sha256,verdict\n"


# --- the output folder ------------------------------------------------------------


def test_ensure_out_dir_creates_parents(tmp_path: Path) -> None:
    out = ensure_out_dir(tmp_path / "a" / "b")

    assert out.is_dir()


def test_output_folder_under_a_regular_file_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")

    with pytest.raises(OutputError, match="cannot create output folder") as info:
        ensure_out_dir(tmp_path / "file.txt" / "out")

    assert info.value.exit_code == 6
    assert info.value.path == tmp_path / "file.txt" / "out"


def test_output_folder_that_is_a_file_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")

    with pytest.raises(OutputError):
        ensure_out_dir(tmp_path / "out")


def test_read_only_output_folder_is_an_output_error(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as root: chmod does not stop writes")
        with pytest.raises(OutputError, match="not writable") as info:
            ensure_out_dir(out)
        assert info.value.exit_code == 6
    finally:
        out.chmod(0o700)


def test_a_failed_write_in_a_staging_folder_names_the_published_path(tmp_path: Path) -> None:
    staging = tmp_path / "out" / ".remediate-staging-k2j3"
    staging.mkdir(parents=True)
    with pytest.raises(OutputError) as info, atomic_path(staging / "report.parquet") as tmp:
        tmp.write_bytes(b"partial")
        raise OSError(28, "No space left on device")
    assert info.value.path == tmp_path / "out" / "report.parquet"
    assert str(info.value) == (
        f"cannot write {tmp_path / 'out' / 'report.parquet'}: No space left on device"
    )
    assert ".remediate-staging" not in str(info.value)


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("out/.remediate-staging-abc/findings.parquet", "out/findings.parquet"),
        ("d/.fixed.fix-tmp-77/corpus/a/0.wav", "d/fixed/corpus/a/0.wav"),
        ("volume/.fix-tmp-5/summary.json", "volume/summary.json"),
        ("out/report.parquet", "out/report.parquet"),
        ("out/.fix-tmp-x/summary.json", "out/.fix-tmp-x/summary.json"),  # not ours: as is
    ],
)
def test_public_path(written: str, shown: str) -> None:
    from remediate.files import public_path

    assert public_path(Path("/r") / written) == Path("/r") / shown
