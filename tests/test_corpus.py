"""Corpus discovery: pairing by stem, natural order, what is listed (remediate.corpus)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from remediate import columns as C
from remediate.corpus import discover
from remediate.errors import CorpusError


def make(root: Path, *names: str) -> Path:
    """Create small files under root (content = the name, so sizes differ)."""
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())
    return root


def pairs_of(root: Path) -> list[tuple[str, str | None, str | None]]:
    df = discover(root).pairs
    return [
        (pid, a if isinstance(a, str) else None, t if isinstance(t, str) else None)
        for pid, a, t in zip(df[C.PAIR_ID], df[C.AUDIO_NAME], df[C.TEXT_NAME], strict=True)
    ]


def test_audio_n_text_n_pairs_by_stem(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "text_1.txt", "audio_2.wav", "text_2.txt")

    assert pairs_of(tmp_path) == [
        ("1", "audio_1.wav", "text_1.txt"),
        ("2", "audio_2.wav", "text_2.txt"),
    ]


def test_n_wav_n_txt_pairs_by_stem(tmp_path: Path) -> None:
    make(tmp_path, "0.wav", "0.txt", "1.wav", "1.txt")

    assert pairs_of(tmp_path) == [("0", "0.wav", "0.txt"), ("1", "1.wav", "1.txt")]


def test_mixed_case_extensions_and_prefixes(tmp_path: Path) -> None:
    make(tmp_path, "AUDIO_3.WAV", "text_3.TXT", "4.Wav", "4.txt")

    assert pairs_of(tmp_path) == [
        ("3", "AUDIO_3.WAV", "text_3.TXT"),
        ("4", "4.Wav", "4.txt"),
    ]


def test_subfolders_pair_with_relative_posix_names(tmp_path: Path) -> None:
    make(tmp_path, "speaker_a/audio_1.wav", "speaker_a/text_1.txt", "b/c/audio_2.wav", "text_2.txt")

    assert pairs_of(tmp_path) == [
        ("1", "speaker_a/audio_1.wav", "speaker_a/text_1.txt"),
        ("2", "b/c/audio_2.wav", "text_2.txt"),
    ]


def test_audio_only_and_text_only_pairs(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "text_1.txt", "audio_2.wav", "text_3.txt")

    df = discover(tmp_path).pairs

    assert pairs_of(tmp_path) == [
        ("1", "audio_1.wav", "text_1.txt"),
        ("2", "audio_2.wav", None),
        ("3", None, "text_3.txt"),
    ]
    assert pd.isna(df[C.TEXT_BYTES][1]) and pd.isna(df[C.TEXT_MTIME_NS][1])
    assert pd.isna(df[C.AUDIO_BYTES][2]) and pd.isna(df[C.AUDIO_MTIME_NS][2])


def test_hidden_files_and_folders_are_ignored(tmp_path: Path) -> None:
    make(
        tmp_path,
        "audio_1.wav",
        "text_1.txt",
        ".DS_Store",
        "._audio_1.wav",
        ".git/audio_2.wav",
        ".cache/text_2.txt",
    )

    listing = discover(tmp_path)

    assert pairs_of(tmp_path) == [("1", "audio_1.wav", "text_1.txt")]
    assert listing.other_files == ()


def test_other_files_are_listed_not_paired(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "text_1.txt", "notes.md", "sub/take.mp3", "README", "a.docx")

    listing = discover(tmp_path)

    assert listing.other_files == ("README", "a.docx", "notes.md")
    # Audio in another format is audio: it pairs (and gets audio-container), never "extra".
    assert list(listing.pairs[C.AUDIO_NAME]) == ["audio_1.wav", "sub/take.mp3"]


def test_natural_order_puts_2_before_10(tmp_path: Path) -> None:
    make(tmp_path, *(f"audio_{n}.wav" for n in (10, 2, 1, 100, 20)))

    assert list(discover(tmp_path).pairs[C.PAIR_ID]) == ["1", "2", "10", "20", "100"]


def test_collisions_get_distinct_pair_ids(tmp_path: Path) -> None:
    make(
        tmp_path,
        "audio_1.wav",
        "text_1.txt",
        "1.wav",
        "a/audio_1.wav",
        "a/text_1.txt",
        "b/1.txt",
    )

    pairs = pairs_of(tmp_path)
    ids = [pid for pid, _, _ in pairs]

    assert len(ids) == len(set(ids)) == 4
    assert ("1@a", "a/audio_1.wav", "a/text_1.txt") in pairs
    assert ("1@b", None, "b/1.txt") in pairs
    # Within one folder, the files named alike pair up; the odd one stays alone.
    root = {a: t for pid, a, t in pairs if pid.startswith("1@.")}
    assert root == {"audio_1.wav": "text_1.txt", "1.wav": None}
    assert set(discover(tmp_path).pairs[C.PAIR_KEY]) == {"1"}


def test_case_variants_of_one_name_collide(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "AUDIO_1.WAV", "text_1.txt")

    ids = list(discover(tmp_path).pairs[C.PAIR_ID])

    assert len(ids) == 2 and len(set(ids)) == 2


def test_sizes_and_mtimes_are_recorded(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "text_1.txt")
    st = (tmp_path / "audio_1.wav").stat()

    df = discover(tmp_path).pairs

    assert df[C.AUDIO_BYTES][0] == len(b"audio_1.wav")
    assert df[C.AUDIO_MTIME_NS][0] == st.st_mtime_ns
    assert df[C.TEXT_BYTES][0] == len(b"text_1.txt")


def test_frame_columns_and_dtypes(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "text_2.txt")

    df = discover(tmp_path).pairs

    assert list(df.columns) == C.PAIR_COLUMNS
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        C.PAIR_ID: "str",
        C.PAIR_KEY: "str",
        C.AUDIO_NAME: "str",
        C.TEXT_NAME: "str",
        C.AUDIO_BYTES: "Int64",
        C.AUDIO_MTIME_NS: "Int64",
        C.TEXT_BYTES: "Int64",
        C.TEXT_MTIME_NS: "Int64",
    }


def test_empty_folder_gives_an_empty_frame(tmp_path: Path) -> None:
    listing = discover(tmp_path)

    assert len(listing.pairs) == 0
    assert list(listing.pairs.columns) == C.PAIR_COLUMNS


def test_sample_dataset_has_29_pairs(sample_dataset: Path) -> None:
    listing = discover(sample_dataset)
    df = listing.pairs

    assert list(df[C.PAIR_ID]) == [str(n) for n in range(29)]
    assert df[C.TEXT_NAME].isna().sum() == 1 and pd.isna(df[C.TEXT_NAME][17])
    assert df[C.AUDIO_NAME].isna().sum() == 1 and pd.isna(df[C.AUDIO_NAME][19])
    assert listing.other_files == ("README.md", "audit-result.json")


def test_discovery_reads_no_content_and_writes_nothing(tmp_path: Path) -> None:
    make(tmp_path, "audio_1.wav", "text_1.txt")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.rglob("*")}

    discover(tmp_path)

    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.rglob("*")}
    assert before == after


def test_missing_corpus_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found") as info:
        discover(tmp_path / "nope")

    assert info.value.exit_code == 5
    assert info.value.path == tmp_path / "nope"


def test_a_file_instead_of_a_folder_is_a_corpus_error(tmp_path: Path) -> None:
    path = make(tmp_path, "corpus.zip") / "corpus.zip"

    with pytest.raises(CorpusError, match="not a folder") as info:
        discover(path)

    assert info.value.exit_code == 5
