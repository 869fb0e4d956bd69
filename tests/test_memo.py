"""Whole-stage results in the scan cache (remediate.memo): the measurements of a scan and
the pair checks' findings are read back for an unchanged corpus, never for a changed one."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest
from wavs import clean_clip, write

from remediate import columns as C
from remediate import memo
from remediate import scan as scan_mod
from remediate.audio.probe import ProbeSettings
from remediate.checks import run_checks
from remediate.corpus import discover
from remediate.memo import StageMemo
from remediate.profiles import load_profile
from remediate.scan import ScanOptions, measure

N = 6


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for i in range(N):
        write(root / f"audio_{i}.wav", clean_clip(2.0 + 0.3 * i, seed=i))
        (root / f"text_{i}.txt").write_text(f"Sentence number {i} of the corpus.\n")
    return root


def scan(root: Path, cache: Path | None) -> tuple[pd.DataFrame, scan_mod.ScanStats]:
    pairs = discover(root).pairs
    return measure(root, pairs, ProbeSettings(), ScanOptions(jobs=1, cache_dir=cache))


def test_frame_bytes_round_trip_with_dtypes_and_lists(corpus: Path) -> None:
    frame, _ = scan(corpus, None)
    assert isinstance(frame[C.VOICE_SIGNATURE].iloc[0], list)
    back = memo.from_bytes(memo.to_bytes(frame), C.MEASUREMENT_DTYPES)
    assert back is not None
    pd.testing.assert_frame_equal(frame, back)
    assert isinstance(back[C.VOICE_SIGNATURE].iloc[0], list)


@pytest.mark.parametrize("where", [0, 40, -1])
def test_a_damaged_or_foreign_value_is_a_miss(corpus: Path, where: int) -> None:
    frame, _ = scan(corpus, None)
    value = bytearray(memo.to_bytes(frame))
    value[where] ^= 0x01
    assert memo.from_bytes(bytes(value), C.MEASUREMENT_DTYPES) is None
    assert memo.from_bytes(b"short", C.MEASUREMENT_DTYPES) is None
    other = memo.to_bytes(frame.drop(columns=[C.TEXT]))  # not the declared columns
    assert memo.from_bytes(other, C.MEASUREMENT_DTYPES) is None


def test_an_unchanged_corpus_is_one_read_and_a_touched_file_is_not(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold, _ = scan(corpus, cache)

    def no_lookup(self: object, keys: list[str]) -> dict[str, object]:
        raise AssertionError("the per-file cache was read")

    with monkeypatch.context() as m:
        m.setattr(scan_mod._Cache, "get_many", no_lookup)
        warm, stats = scan(corpus, cache)
    assert (stats.cached, stats.measured) == (stats.files, 0)
    pd.testing.assert_frame_equal(cold, warm)
    target = corpus / "audio_2.wav"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    changed, stats = scan(corpus, cache)  # the state changed: per-file entries again
    assert (stats.cached, stats.measured) == (stats.files - 1, 1)
    pd.testing.assert_frame_equal(cold, changed)


def test_a_damaged_snapshot_is_measured_from_the_per_file_entries(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cold, _ = scan(corpus, cache)
    with sqlite3.connect(cache / "scan-cache.sqlite3") as db:
        (key, value), *_ = db.execute("SELECT key, value FROM snapshots").fetchall()
        db.execute("UPDATE snapshots SET value = ? WHERE key = ?", (value[:-1] + b"x", key))
    warm, stats = scan(corpus, cache)
    assert (stats.cached, stats.measured) == (stats.files, 0)  # from the per-file entries
    pd.testing.assert_frame_equal(cold, warm)


def test_the_least_recently_used_values_beyond_the_budget_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = memo.FrameStore(tmp_path / "cache")
    frame = pd.DataFrame({C.PAIR_ID: [str(i) for i in range(50)]}).astype("str")
    size = len(memo.to_bytes(frame))
    monkeypatch.setattr(memo, "MAX_BYTES", 3 * size)
    for i in range(6):
        store.put(f"kind:{i}", frame)
        time.sleep(0.01)
    assert store.get("kind:3", {C.PAIR_ID: C.STR}) is not None  # used again: now the newest
    time.sleep(0.01)
    store.put("other:0", frame)
    keys = {k for (k,) in store.conn.execute("SELECT key FROM snapshots")} if store.conn else set()
    assert keys == {"kind:3", "kind:5", "other:0"}
    got = store.get("kind:5", {C.PAIR_ID: C.STR})
    assert got is not None and got.equals(frame)
    store.close()


def test_findings_are_read_back_only_for_the_same_profile_checks_inputs_and_code(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    measurements, stats = scan(corpus, cache)
    pairs = discover(corpus).pairs
    profile = load_profile("basic")
    store = memo.FrameStore(cache)
    computed = run_checks(pairs, measurements, profile, memo=StageMemo(store, stats.state))
    assert "audio-too-short" in set(computed[C.CHECK])  # 2-3.5 s clips: under the minimum
    calls = 0
    from remediate.checks import run as running

    original = running.finding_row

    def counted(*args: object, **kwargs: object) -> dict[str, object]:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(running, "finding_row", counted)
    again = run_checks(pairs, measurements, profile, memo=StageMemo(store, stats.state))
    pd.testing.assert_frame_equal(computed, again)
    assert calls == 0  # read, not computed
    # another threshold: computed again, and different
    looser = load_profile("basic", ["duration.error_min_s=1.0", "duration.min_s=1.5"])
    other = run_checks(pairs, measurements, looser, memo=StageMemo(store, stats.state))
    assert "audio-too-short" not in set(other[C.CHECK])
    # another input of the checks (a stray file in the corpus): computed again
    extra = run_checks(
        pairs, measurements, profile, ("notes.docx",), memo=StageMemo(store, stats.state)
    )
    assert "corpus-extra-files" in set(extra[C.CHECK])
    assert "corpus-extra-files" not in set(computed[C.CHECK])
    # fewer checks: computed again
    only = run_checks(
        pairs, measurements, profile, only=["audio-too-short"], memo=StageMemo(store, stats.state)
    )
    assert set(only[C.CHECK]) == {"audio-too-short"}
    # other code: the key changes with the code's digest
    before = StageMemo(store, stats.state).key(pairs, profile, "a")
    monkeypatch.setattr(memo, "code_digest", lambda: "edited")
    assert StageMemo(store, stats.state).key(pairs, profile, "a") != before
    assert StageMemo(store, "").key(pairs, profile, "a") is None  # no state, no memo
    store.close()


def test_the_assessment_is_read_back_for_an_unchanged_corpus(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from remediate import pipeline

    cache = tmp_path / "cache"
    measurements, stats = scan(corpus, cache)
    pairs = discover(corpus).pairs
    profile = load_profile("basic")
    plain, summary = pipeline.with_assessment(pairs, measurements, profile)
    store = memo.FrameStore(cache)
    first, _ = pipeline.with_assessment(
        pairs, measurements, profile, None, StageMemo(store, stats.state)
    )

    def not_again(*args: object) -> None:
        raise AssertionError("assessed again")

    monkeypatch.setattr(pipeline, "pair_assessment", not_again)
    second, again = pipeline.with_assessment(
        pairs, measurements, profile, None, StageMemo(store, stats.state)
    )
    store.close()
    pd.testing.assert_frame_equal(plain, first)
    pd.testing.assert_frame_equal(plain, second)
    assert again == summary
