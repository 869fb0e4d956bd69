"""Round history: rows from reports, the hive dataset read by pandas/pyarrow/duckdb, the classification (remediate.history)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest

from remediate import columns as C
from remediate import history as H
from remediate.verdict import report_frame


def row(
    pid: str | None,
    verdict: str,
    codes: tuple[str, ...] = (),
    checks: tuple[str, ...] = (),
    audio: str | None = None,
) -> dict[str, Any]:
    return {
        C.PAIR_ID: pid,
        C.AUDIO_NAME: audio if audio is not None else (f"audio_{pid}.wav" if pid else None),
        C.TEXT_NAME: f"text_{pid}.txt" if pid else None,
        C.DURATION_S: 5.0 if pid else None,
        C.SAMPLERATE: 48000 if pid else None,
        C.CHANNELS: 1 if pid else None,
        C.SUBTYPE: "PCM_16" if pid else None,
        C.AUDIO_SHA256: "ab" * 32 if pid else None,
        C.AUDIT_ERROR_CODES: list(codes),
        C.AUDIT_ENTRY_IDS: list(range(len(codes))),
        C.CHECKS: list(checks),
        C.VERDICT: verdict,
        C.REASONS: [f"reason {pid}"],
    }


ROUND1 = [
    row("1", "drop", ("MSS.1",)),  # flagged, flagged again → recurring
    row("2", "fix", ("MSS.2",)),  # flagged, clean now → fixed
    row("3", "keep"),  # clean, flagged now → new
    row("4", "drop", ("MSS.3",), ("text-missing",)),  # missing in both → still-missing
    row("5", "drop", ("MSS.4",)),  # flagged, gone now → removed
    row("6", "keep"),  # clean in both
    row(None, "unmatched", ("MSS.5",), audio="ghost.wav"),  # unmatched in both → still-missing
    row(None, "unmatched", ()),  # the admin message: not a pair
]
ROUND3 = [
    row("1", "drop", ("MSS.1",)),
    row("2", "keep"),
    row("3", "drop", ("MSS.9",)),
    row("4", "drop", (), ("text-missing",)),
    row("6", "keep"),
    row("7", "keep"),  # new in the corpus, clean → clean
    row(None, "unmatched", ("MSS.5",), audio="ghost.wav"),
    row(None, "unmatched", ()),
]


def rows_of(report: list[dict[str, Any]]) -> pd.DataFrame:
    return H.history_rows(report_frame(report), "f" * 64, "2026-01-02T03:04:05+00:00")


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "history"
    H.write_round(root, "job-a", 1, rows_of(ROUND1), {"round": 1})
    H.write_round(root, "job-a", 3, rows_of(ROUND3), {"round": 3})
    H.write_round(root, "job-b", 2, rows_of(ROUND1[:2]), {"round": 2})
    return root


def test_history_rows_keys_flags_and_missing() -> None:
    rows = rows_of(ROUND1)
    assert list(rows[C.HISTORY_KEY]) == [
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "unmatched:ghost.wav",
        H.MESSAGE_KEY,
    ]
    assert list(rows[C.AUDIT_FLAGGED]) == [True, True, False, True, True, False, True, False]
    assert list(rows[C.MISSING]) == [False, False, False, True, False, False, True, False]
    assert rows[C.AUDIT_SHA256].eq("f" * 64).all()
    assert str(rows[C.RECORDED_AT].iloc[0]) == "2026-01-02 03:04:05+00:00"


def test_partition_layout_is_hive(dataset: Path) -> None:
    files = sorted(p.relative_to(dataset).as_posix() for p in dataset.rglob("*.parquet"))
    assert files == [
        "job_id=job-a/round=1/part-0.parquet",
        "job_id=job-a/round=3/part-0.parquet",
        "job_id=job-b/round=2/part-0.parquet",
    ]


def test_read_by_pandas_pyarrow_duckdb_as_one_table(dataset: Path) -> None:
    expected = len(ROUND1) + len(ROUND3) + 2
    frame = pd.read_parquet(dataset)
    assert len(frame) == expected
    assert sorted(frame[C.JOB_ID].astype(str).unique()) == ["job-a", "job-b"]
    table = ds.dataset(dataset, format="parquet", partitioning="hive").to_table()
    assert table.num_rows == expected
    assert set(table.column("round").to_pylist()) == {1, 2, 3}
    got = duckdb.sql(
        f"select job_id, round, count(*) as n from read_parquet('{dataset}/**/*.parquet', "
        "hive_partitioning = true) group by all order by all"
    ).fetchall()
    assert got == [("job-a", 1, len(ROUND1)), ("job-a", 3, len(ROUND3)), ("job-b", 2, 2)]


def test_read_history_filters_one_job_typed(dataset: Path) -> None:
    frame = H.read_history(dataset, "job-a")
    assert H.rounds(frame) == [1, 3]
    assert set(frame[C.JOB_ID]) == {"job-a"}
    assert frame[C.ROUND].dtype == "int64"
    assert H.read_history(dataset.parent / "none").empty


def test_rewriting_a_round_replaces_its_partition(dataset: Path) -> None:
    H.write_round(dataset, "job-b", 2, rows_of(ROUND1[:1]), {})
    assert len(H.read_history(dataset, "job-b")) == 1


def test_compare_classifies_latest_against_previous(dataset: Path) -> None:
    changes = H.compare(H.read_history(dataset, "job-a"))
    got = dict(zip(changes[C.HISTORY_KEY], changes[H.CHANGE], strict=True))
    assert got == {
        "1": H.RECURRING,
        "2": H.FIXED,
        "3": H.NEW,
        "4": H.STILL_MISSING,
        "unmatched:ghost.wav": H.STILL_MISSING,
        "5": H.REMOVED,
        "6": H.CLEAN,
        "7": H.CLEAN,
    }
    # most important first: recurring on top
    assert list(changes[H.CHANGE])[:2] == [H.RECURRING, H.NEW]
    first = changes.iloc[0]
    assert (first["verdict_r1"], first["verdict_r3"], list(first[C.AUDIT_ERROR_CODES])) == (
        "drop",
        "drop",
        ["MSS.1"],
    )
    removed = changes[changes[C.HISTORY_KEY] == "5"].iloc[0]
    assert removed["verdict_r1"] == "drop" and pd.isna(removed["verdict_r3"])
    assert H.change_counts(changes) == {
        H.RECURRING: 1,
        H.NEW: 1,
        H.STILL_MISSING: 2,
        H.FIXED: 1,
        H.REMOVED: 1,
        H.CLEAN: 2,
    }


def test_single_round_flags_are_new(dataset: Path) -> None:
    changes = H.compare(H.read_history(dataset, "job-b"))
    assert list(changes[H.CHANGE]) == [H.NEW, H.NEW]
    assert list(changes.columns) == [
        C.HISTORY_KEY,
        C.AUDIO_NAME,
        "verdict_r2",
        C.AUDIT_ERROR_CODES,
        H.CHANGE,
    ]


def test_job_history_document(dataset: Path) -> None:
    doc = H.job_history(dataset, "job-a")
    assert (doc["rounds"], doc["latest"], doc["previous"]) == ([1, 3], 3, 1)
    assert [p[C.HISTORY_KEY] for p in doc["recurring"]] == ["1"]
    assert doc["changes"][H.FIXED] == 1
    assert H.job_history(dataset, "nobody")["rounds"] == []


def test_pairs_renamed_between_rounds_meet_on_their_transcript(tmp_path: Path) -> None:
    """Round 2 is the package `fix --rename-for-edition` wrote: 0.wav/0.txt... The
    pairs meet their round-1 selves on the transcript, not on the file name."""
    texts1 = {"a": "Hello  world.", "b": "Second sentence", "c": "Same text", "d": "Same text"}
    round1 = [
        row("a", "fix", ("MSS.1",)),
        row("b", "drop", ("MSS.2",)),
        row("c", "keep"),
        row("d", "keep"),
    ]
    texts2 = {"0": "hello world.\n", "1": "Second sentence", "2": "Same text", "3": "Same text"}
    round2 = [row("0", "keep"), row("1", "drop", ("MSS.2",)), row("2", "keep"), row("3", "keep")]
    root = tmp_path / "history"
    for n, (report, texts) in enumerate(((round1, texts1), (round2, texts2)), start=1):
        frame = H.history_rows(report_frame(report), "f" * 64, "2026-01-02T03:04:05+00:00", texts)
        H.write_round(root, "job", n, frame, {})
    history = H.read_history(root, "job")
    assert history[C.TEXT_KEY].notna().all()
    changes = H.compare(history).set_index(C.HISTORY_KEY)
    assert changes.loc["0", H.CHANGE] == H.FIXED  # "Hello  world." folded and casefolded
    assert changes.loc["0", "verdict_r1"] == "fix" and changes.loc["0", "verdict_r2"] == "keep"
    assert changes.loc["1", H.CHANGE] == H.RECURRING
    # a transcript two pairs share says nothing about which is which: no match
    assert changes.loc[["2", "3"], "verdict_r1"].isna().all()
    assert list(changes.loc[["2", "3"], H.CHANGE]) == [H.CLEAN, H.CLEAN]
    assert {"a", "b"}.isdisjoint(changes.index)  # merged into their new names
    assert {"c", "d"} <= set(changes.index)


def test_text_key_normalises_and_ignores_blank_text() -> None:
    assert H.text_key("Hello  World\n") == H.text_key("hello world")
    assert H.text_key("Hello World") != H.text_key("Hello Word")
    assert H.text_key("  \n") is None and H.text_key(None) is None
    assert len(H.text_key("x") or "") == 16


def test_a_renumbered_corpus_follows_the_sentences_not_the_numbers(tmp_path: Path) -> None:
    """Round 1 named 1, 2, 3; the fix renumbered them 0, 1, 2: number 1 now holds the
    sentence that was 2. A transcript corrected between rounds (5) keeps its pair by id."""
    texts1 = {"1": "Alpha one.", "2": "Bravo two.", "3": "Charlie three.", "5": "Helo there"}
    round1 = [row("1", "drop", ("MSS.1",)), row("2", "keep"), row("3", "keep")]
    round1.append(row("5", "fix", ("MSS.5",)))
    texts2 = {"0": "Alpha one.", "1": "Bravo two.", "2": "Charlie three.", "5": "Hello there"}
    round2 = [row("0", "drop", ("MSS.1",)), row("1", "keep"), row("2", "drop", ("MSS.7",))]
    round2.append(row("5", "keep"))
    root = tmp_path / "history"
    for n, (report, texts) in enumerate(((round1, texts1), (round2, texts2)), start=1):
        frame = H.history_rows(report_frame(report), "f" * 64, "2026-01-02T03:04:05+00:00", texts)
        H.write_round(root, "job", n, frame, {})
    changes = H.compare(H.read_history(root, "job")).set_index(C.HISTORY_KEY)
    assert sorted(changes.index) == ["0", "1", "2", "5"]
    assert changes.loc["0", H.CHANGE] == H.RECURRING  # Alpha: flagged in both rounds
    assert changes.loc["1", H.CHANGE] == H.CLEAN  # Bravo: clean in both (not "fixed")
    assert changes.loc["2", H.CHANGE] == H.NEW  # Charlie: clean then, flagged now
    assert changes.loc["5", H.CHANGE] == H.FIXED  # corrected transcript, same pair
    assert changes.loc["1", "verdict_r1"] == "keep"  # round 1's "2", not round 1's "1"
