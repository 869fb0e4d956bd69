"""A corpus of hostile files: the scan completes, every pair gets exactly one report row
with the expected finding, no exception escapes (remediate.pipeline.scan end to end)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from wavs import clean_clip, sine, write

from remediate import columns as C
from remediate import pipeline
from remediate.config import Config

SENTENCE = "This clip is hostile but the scan must survive it.\n"


def _bytes_name_ok(root: Path) -> bool:
    try:
        (root / os.fsdecode(b"probe_\xff.tmp")).write_bytes(b"")
    except (OSError, UnicodeError):
        return False
    (root / os.fsdecode(b"probe_\xff.tmp")).unlink()
    return True


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The corpus and, per pair id, the finding code it must get."""
    root = tmp_path / "corpus"
    root.mkdir()
    expected: dict[str, str] = {}

    def text(i: int | str, data: bytes | None = None) -> None:
        (root / f"text_{i}.txt").write_bytes(data if data is not None else SENTENCE.encode())

    write(root / "audio_0.wav", clean_clip(6.0))  # one clean pair for contrast
    text(0)

    (root / "audio_1.wav").write_bytes(b"")
    text(1)
    expected["1"] = "audio-empty"

    full = write(tmp_path / "full.wav", sine(2.0)).read_bytes()
    (root / "audio_2.wav").write_bytes(full[: len(full) // 2])
    text(2)
    expected["2"] = "audio-truncated"

    (root / "audio_3.wav").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(2000))
    text(3)
    expected["3"] = "audio-container"

    ogg = write(tmp_path / "x.ogg", sine(1.0), format="OGG", subtype="VORBIS")
    (root / "audio_4.wav").write_bytes(ogg.read_bytes())
    text(4)
    expected["4"] = "audio-container"

    (root / "audio_5.wav").write_bytes(bytes(range(256)) * 40)
    text(5)
    expected["5"] = "audio-unreadable"

    (root / "audio_6.wav").mkdir()  # a folder with an audio name is not a file
    text(6)
    expected["6"] = "audio-missing"

    write(root / "audio_7.wav", clean_clip(6.0, seed=7))
    text(7, bytes(range(128, 256)) * 3)  # binary junk no encoding decodes
    expected["7"] = "text-unreadable"

    (root / "audio_8.wav").symlink_to(root / "gone.wav")  # dangling link
    text(8)
    expected["8"] = "audio-missing"

    (root / "audio_9.wav").write_bytes(b"RIFF\xff\xff\xff\xffWAVEjunkjunkjunk" + bytes(500))
    text(9)
    expected["9"] = "audio-unreadable"

    write(root / "audio_10.wav", clean_clip(6.0, seed=10))
    (root / "text_10.txt").symlink_to(root / "nowhere.txt")
    expected["10"] = "text-missing"

    return root, expected


def test_hostile_corpus_scan_completes(
    hostile: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    root, expected = hostile
    config = Config(corpus=root, out=tmp_path / "out", cache_dir=tmp_path / "cache", jobs=1)

    result = pipeline.scan(config)

    report, findings = result.report, result.findings
    ids = list(report[C.PAIR_ID])
    assert len(ids) == len(set(ids)), "one report row per pair"
    assert set(ids) == {"0", *expected}
    for pid, code in expected.items():
        got = set(findings.loc[findings[C.PAIR_ID] == pid, C.CHECK])
        if code:
            assert code in got, (pid, got)
        verdict = report.loc[report[C.PAIR_ID] == pid, C.VERDICT].item()
        if code:
            assert verdict == C.VERDICT_DROP, (pid, verdict, got)
    clean = set(findings.loc[findings[C.PAIR_ID] == "0", C.CHECK])
    assert not clean & {code for code in expected.values() if code}
    assert report.loc[report[C.PAIR_ID] == "0", C.VERDICT].item() == C.VERDICT_KEEP
    # Outputs were written and read back.
    written = pd.read_parquet(config.out / "report.parquet")
    assert len(written) == len(report)


def test_hostile_corpus_parallel_and_cached(
    hostile: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from remediate import scan as scan_mod

    root, _ = hostile
    monkeypatch.setattr(scan_mod, "POOL_MIN_FILES", 1)
    cache = tmp_path / "cache"
    first = pipeline.scan(Config(corpus=root, out=tmp_path / "o1", cache_dir=cache, jobs=2))
    second = pipeline.scan(Config(corpus=root, out=tmp_path / "o2", cache_dir=cache, jobs=1))

    assert second.stats.measured == 0
    pd.testing.assert_frame_equal(first.findings, second.findings)
    pd.testing.assert_frame_equal(first.report, second.report)


def test_name_that_is_not_utf8_does_not_crash_the_scan(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    if not _bytes_name_ok(root):
        pytest.skip("the filesystem refuses names that are not UTF-8")
    write(root / "audio_0.wav", clean_clip(6.0))
    (root / "text_0.txt").write_text(SENTENCE)
    name = os.fsdecode(b"audio_\xe9t\xe9.wav")  # Latin-1 bytes: not UTF-8
    write(tmp_path / "latin.wav", clean_clip(6.0, seed=11)).rename(root / name)
    (root / os.fsdecode(b"text_\xe9t\xe9.txt")).write_bytes(SENTENCE.encode())

    result = pipeline.scan(Config(corpus=root, out=tmp_path / "out", cache_dir=None, jobs=1))

    # Such names cannot be stored in the report, zipped or uploaded: the scan goes on with
    # the rest and says which files to rename, escaped for display.
    assert list(result.report["pair_id"]) == ["0"]
    bad = result.findings[result.findings["check"] == "corpus-bad-names"]
    assert len(bad) == 1
    assert bad.iloc[0]["severity"] == "error" and bad.iloc[0]["value"] == 2.0
    assert "audio_\\xe9t\\xe9.wav" in bad.iloc[0]["message"]
    assert result.summary["bad_names"] == ["audio_\\xe9t\\xe9.wav", "text_\\xe9t\\xe9.txt"]
