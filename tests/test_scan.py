"""The scan (remediate.scan): same results serial and parallel, in corpus order, cached."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pandas as pd
import pytest
from wavs import clean_clip, write

from remediate import columns as C
from remediate import scan as scan_mod
from remediate.audio.probe import ProbeSettings
from remediate.corpus import discover
from remediate.scan import ScanOptions, measure

N = 12


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for i in range(N):
        write(root / f"audio_{i}.wav", clean_clip(1.0 + 0.1 * i, seed=i))
        (root / f"text_{i}.txt").write_text(f"Sentence number {i} of the corpus.\n")
    (root / "text_99.txt").write_text("text without audio\n")
    return root


def run(root: Path, **options: object) -> tuple[pd.DataFrame, scan_mod.ScanStats]:
    pairs = discover(root).pairs
    return measure(root, pairs, ProbeSettings(), ScanOptions(**options))  # type: ignore[arg-type]


def test_parallel_equals_serial_in_corpus_order(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial, s1 = run(corpus, jobs=1)
    monkeypatch.setattr(scan_mod, "POOL_MIN_FILES", 1)
    parallel, s2 = run(corpus, jobs=2)

    assert (s1.workers, s2.workers) == (1, 2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert list(parallel[C.PAIR_ID]) == [str(i) for i in range(N)] + ["99"]
    # Each row holds its own file's measurement (durations grow with the index).
    durations = list(parallel[C.DURATION_S][:N])
    assert durations == pytest.approx([1.0 + 0.1 * i for i in range(N)], abs=1e-3)
    assert parallel[C.TEXT].iloc[5] == "Sentence number 5 of the corpus.\n"
    assert pd.isna(parallel[C.FRAMES].iloc[N])  # pair 99 has no audio


def test_stats_count_files(corpus: Path) -> None:
    _, stats = run(corpus, jobs=1)
    assert (stats.files, stats.cached, stats.measured) == (2 * N + 1, 0, 2 * N + 1)


def test_cache_second_scan_reads_nothing(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, s1 = run(corpus, jobs=1, cache_dir=cache)
    second, s2 = run(corpus, jobs=1, cache_dir=cache)

    assert (s1.cached, s1.measured) == (0, 2 * N + 1)
    assert (s2.cached, s2.measured) == (s2.files, 0)
    pd.testing.assert_frame_equal(first, second)


def test_touching_one_file_remeasures_only_it(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(corpus, jobs=1, cache_dir=cache)
    target = corpus / "audio_3.wav"
    write(target, clean_clip(2.5, seed=42))  # new size and content
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    text = corpus / "text_7.txt"
    st = text.stat()
    os.utime(text, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))  # mtime only

    frame, stats = run(corpus, jobs=1, cache_dir=cache)

    assert (stats.measured, stats.cached) == (2, stats.files - 2)
    assert frame[C.DURATION_S].iloc[3] == pytest.approx(2.5)


def test_cache_key_includes_probe_settings(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(corpus, jobs=1, cache_dir=cache)
    pairs = discover(corpus).pairs
    _, stats = measure(
        corpus, pairs, ProbeSettings(frame_s=0.01), ScanOptions(jobs=1, cache_dir=cache)
    )
    assert stats.measured == N  # audio re-measured, texts still cached
    assert stats.cached == N + 1


def test_cache_disabled(corpus: Path, tmp_path: Path) -> None:
    first, s1 = run(corpus, jobs=1, cache_dir=None)
    second, s2 = run(corpus, jobs=1, cache_dir=None)

    assert s1.measured == s2.measured == 2 * N + 1
    pd.testing.assert_frame_equal(first, second)


def test_unusable_cache_dir_only_costs_speed(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    frame, stats = run(corpus, jobs=1, cache_dir=blocker / "cache")

    assert stats.measured == stats.files
    assert len(frame) == N + 1


def test_parallel_with_cache_then_serial_warm(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setattr(scan_mod, "POOL_MIN_FILES", 1)
    cold, s1 = run(corpus, jobs=2, cache_dir=cache)
    warm, s2 = run(corpus, jobs=1, cache_dir=cache)

    assert s1.workers == 2 and s2.measured == 0
    pd.testing.assert_frame_equal(cold, warm)


def test_progress_counts_audio_bytes_not_files(corpus: Path, tmp_path: Path) -> None:
    (corpus / "text_0.txt").write_text("x" * 500_000)  # a big transcript is not progress
    sizes = [(corpus / f"audio_{i}.wav").stat().st_size for i in range(N)]
    pairs = discover(corpus).pairs
    seen: list[tuple[int, int]] = []
    cache = ScanOptions(jobs=1, cache_dir=tmp_path / "cache")
    measure(corpus, pairs, ProbeSettings(), cache, lambda d, t: seen.append((d, t)))

    assert {t for _, t in seen} == {sum(sizes)}
    # one step per audio file, by its size, from 0 to the total
    assert [d for d, _ in seen] == [0, *itertools.accumulate(sizes)]
    # a warm rescan starts (and ends) full: cached audio counts as done
    warm: list[tuple[int, int]] = []
    measure(corpus, pairs, ProbeSettings(), cache, lambda d, t: warm.append((d, t)))
    assert warm == [(sum(sizes), sum(sizes))]


def test_interrupted_scan_resumes_from_the_cache(corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    pairs = discover(corpus).pairs
    calls: list[int] = []

    def stop_after_three_clips(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 4:  # the start, then three audio files
            raise KeyboardInterrupt  # Ctrl-C in the middle of the scan

    with pytest.raises(KeyboardInterrupt):
        measure(
            corpus,
            pairs,
            ProbeSettings(),
            ScanOptions(jobs=1, cache_dir=cache),
            stop_after_three_clips,
        )

    resumed, stats = measure(corpus, pairs, ProbeSettings(), ScanOptions(jobs=1, cache_dir=cache))
    # The texts (decoded first) and three clips measured before the interruption are not
    # measured again.
    assert (stats.cached, stats.measured) == (N + 1 + 3, N - 3)
    fresh, _ = measure(corpus, pairs, ProbeSettings(), ScanOptions(jobs=1, cache_dir=None))
    pd.testing.assert_frame_equal(resumed, fresh)


def test_a_new_probe_version_does_not_read_old_cache_entries(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    run(corpus, jobs=1, cache_dir=cache)
    monkeypatch.setattr(scan_mod, "PROBE_VERSION", scan_mod.PROBE_VERSION + 1)
    _, stats = run(corpus, jobs=1, cache_dir=cache)
    assert stats.cached == 0 and stats.measured == 2 * N + 1


def _duplicated_corpus(root: Path, copies: int) -> Path:
    clip = clean_clip(1.0, seed=3)
    for i in range(copies):
        write(root / f"audio_{i}.wav", clip)
        (root / f"text_{i}.txt").write_text(f"Copy {i}.\n")
    return root


def test_duplicate_hashes_are_cached_for_warm_rescans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _duplicated_corpus(tmp_path / "dups", 4)
    cache = tmp_path / "cache"
    cold, _ = run(root, jobs=1, cache_dir=cache)
    digests = set(cold[C.SAMPLES_SHA256])
    assert len(digests) == 1 and None not in digests  # four identical clips, one exact hash

    def no_decoding(path: Path) -> str | None:  # a warm rescan must not decode again
        raise AssertionError(f"re-hashed {path}")

    monkeypatch.setattr(scan_mod, "samples_sha256", no_decoding)
    warm, stats = run(root, jobs=1, cache_dir=cache)
    assert stats.measured == 0
    pd.testing.assert_frame_equal(cold, warm)


def test_duplicate_hashes_on_the_pool_equal_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _duplicated_corpus(tmp_path / "dups", 6)
    serial, _ = run(root, jobs=1)
    monkeypatch.setattr(scan_mod, "POOL_MIN_FILES", 1)
    parallel, _ = run(root, jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)
    assert serial[C.SAMPLES_SHA256].nunique() == 1


@pytest.mark.parametrize("flip", ["first", "middle", "last"])
def test_a_flipped_byte_in_a_cached_value_is_a_miss_and_is_rewritten(
    corpus: Path, tmp_path: Path, flip: str
) -> None:
    import sqlite3

    cache = tmp_path / "cache"
    first, _ = run(corpus, jobs=1, cache_dir=cache)
    db = sqlite3.connect(cache / "scan-cache.sqlite3")
    rows = db.execute("SELECT key, value FROM facts").fetchall()
    for key, value in rows:  # one byte changed in every stored value
        i = {"first": 0, "middle": len(value) // 2, "last": len(value) - 2}[flip]
        damaged = value[:i] + chr(ord(value[i]) ^ 0x01) + value[i + 1 :]
        db.execute("UPDATE facts SET value = ? WHERE key = ?", (damaged, key))
    db.execute("DELETE FROM snapshots")  # the per-file entries, not the whole-scan one
    db.commit()

    second, stats = run(corpus, jobs=1, cache_dir=cache)  # no exception, nothing read wrong
    assert (stats.cached, stats.measured) == (0, stats.files)
    pd.testing.assert_frame_equal(first, second)
    third, stats = run(corpus, jobs=1, cache_dir=cache)  # rewritten: warm again
    assert (stats.cached, stats.measured) == (stats.files, 0)
    pd.testing.assert_frame_equal(first, third)
    db.close()
