"""Joining audit entries to local pairs by normalised name (remediate.join)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from remediate import columns as C
from remediate.audit import read_audit_file
from remediate.corpus import discover
from remediate.join import MATCH_COLUMNS, NOTE, match_audit


def pairs_frame(*rows: tuple[str, str | None, str | None]) -> pd.DataFrame:
    """Pairs with (pair_id, audio_name, text_name); the pair key is the id."""
    return pd.DataFrame(
        {
            C.PAIR_ID: pd.Series([r[0] for r in rows], dtype="str"),
            C.PAIR_KEY: pd.Series([r[0] for r in rows], dtype="str"),
            C.AUDIO_NAME: pd.Series([r[1] for r in rows], dtype="str"),
            C.TEXT_NAME: pd.Series([r[2] for r in rows], dtype="str"),
        }
    )


PAIRS = pairs_frame(
    ("1", "audio_1.wav", "text_1.txt"),
    ("2", "sub/audio_2.wav", "sub/text_2.txt"),
    ("3", None, "text_3.txt"),
)


def audit_frame(*entries: dict[str, Any]) -> pd.DataFrame:
    """Audit entries (source system unless given), numbered from 0."""
    return pd.DataFrame(
        {
            C.ENTRY_ID: pd.Series(range(len(entries)), dtype="int64"),
            C.SOURCE: pd.Series([e.get(C.SOURCE, C.SOURCE_SYSTEM) for e in entries], dtype="str"),
            C.AUDIO_NAME: pd.Series([e.get(C.AUDIO_NAME) for e in entries], dtype="str"),
            C.TEXT_NAME: pd.Series([e.get(C.TEXT_NAME) for e in entries], dtype="str"),
            C.ERROR_CODE: pd.Series([e.get(C.ERROR_CODE) for e in entries], dtype="str"),
        }
    )


def matched(audio: str | None = None, text: str | None = None) -> tuple[Any, Any, Any]:
    """(pair_id, matched_by, note) of one entry against PAIRS."""
    df = match_audit(audit_frame({C.AUDIO_NAME: audio, C.TEXT_NAME: text}), PAIRS)
    assert len(df) == 1
    row = df.iloc[0]
    return tuple(None if pd.isna(row[c]) else row[c] for c in (C.PAIR_ID, C.MATCHED_BY, NOTE))


def test_exact_name_matches_by_audio_name() -> None:
    assert matched("audio_1.wav", "text_1.txt") == ("1", C.AUDIO_NAME, None)


@pytest.mark.parametrize("name", ["AUDIO_1.WAV", "Audio_1.Wav", " audio_1.wav "])
def test_match_is_case_insensitive(name: str) -> None:
    assert matched(name) == ("1", C.AUDIO_NAME, None)


def test_nfc_and_nfd_names_match() -> None:
    nfc = unicodedata.normalize("NFC", "café_1.wav")
    nfd = unicodedata.normalize("NFD", "café_1.wav")
    pairs = pairs_frame(("café_1", nfc, None), ("x", None, nfd.replace(".wav", ".txt")))
    audit = audit_frame({C.AUDIO_NAME: nfd}, {C.TEXT_NAME: nfc.replace(".wav", ".txt")})

    df = match_audit(audit, pairs)

    assert list(df[C.PAIR_ID]) == ["café_1", "x"]


@pytest.mark.parametrize(
    "name", ["folder\\audio_1.wav", "folder/audio_1.wav", "a\\b/audio_1.wav", "./audio_1.wav"]
)
def test_folders_are_stripped_to_the_base_name(name: str) -> None:
    assert matched(name) == ("1", C.AUDIO_NAME, None)


def test_local_subfolder_matches_a_bare_audit_name() -> None:
    assert matched("audio_2.wav") == ("2", C.AUDIO_NAME, None)
    assert matched("other\\audio_2.wav") == ("2", C.AUDIO_NAME, None)


@pytest.mark.parametrize(
    "name",
    [
        "../audio_1.wav",
        "../../etc/audio_1.wav",
        "sub/../../audio_1.wav",
        "/etc/audio_1.wav",
        "C:\\corpus\\audio_1.wav",
        "audio_1.wav\x00",
    ],
)
def test_names_outside_the_corpus_are_never_followed(name: str) -> None:
    pair_id, how, note = matched(name, "text_1.txt")

    assert (pair_id, how) == (None, None)
    assert "would resolve outside the corpus; not followed" in note
    assert repr(name) in note


def test_an_unsafe_text_name_is_not_followed_either() -> None:
    pair_id, _, note = matched("audio_1.wav", "../text_1.txt")

    assert pair_id is None
    assert "'../text_1.txt'" in note


def test_match_by_text_name_when_the_audio_name_is_absent() -> None:
    assert matched(None, "text_3.txt") == ("3", C.TEXT_NAME, None)
    assert matched("", "TEXT_1.TXT") == ("1", C.TEXT_NAME, None)


def test_match_by_text_name_when_the_audio_name_is_unknown() -> None:
    assert matched("renamed.wav", "text_1.txt") == ("1", C.TEXT_NAME, None)


def test_match_by_pair_key_when_the_api_drops_the_prefix() -> None:
    pairs = pairs_frame(("0", "audio_0.wav", "text_0.txt"), ("1", "audio_1.wav", "text_1.txt"))

    df = match_audit(audit_frame({C.AUDIO_NAME: "0.wav", C.TEXT_NAME: "0.txt"}), pairs)

    assert list(df[C.PAIR_ID]) == ["0"]
    assert list(df[C.MATCHED_BY]) == ["pair_key"]


def test_admin_row_is_a_job_level_unmatched_row() -> None:
    df = match_audit(audit_frame({C.SOURCE: C.SOURCE_ADMIN}), PAIRS)

    assert df[C.PAIR_ID].isna().all()
    assert df[NOTE][0] == "job-level entry (admin review): applies to no single pair"


def test_system_row_without_names_is_job_level() -> None:
    df = match_audit(audit_frame({C.ERROR_CODE: "MSS.20020016"}), PAIRS)

    assert df[NOTE][0] == "job-level entry (no file name): applies to no single pair"


def test_name_not_in_the_corpus_is_unmatched() -> None:
    pair_id, how, note = matched("audio_40.wav", "text_40.txt")

    assert (pair_id, how) == (None, None)
    assert note == "audio_40.wav / text_40.txt is not in the local corpus"


def test_one_name_matching_two_pairs_gives_two_rows() -> None:
    pairs = pairs_frame(("1@a", "a/audio_1.wav", None), ("1@b", "b/audio_1.wav", None))

    df = match_audit(audit_frame({C.AUDIO_NAME: "audio_1.wav"}), pairs)

    assert list(df[C.PAIR_ID]) == ["1@a", "1@b"]
    assert list(df[C.ENTRY_ID]) == [0, 0]


def test_frame_shape() -> None:
    df = match_audit(audit_frame({C.AUDIO_NAME: "audio_1.wav"}, {C.AUDIO_NAME: "x.wav"}), PAIRS)

    assert list(df.columns) == MATCH_COLUMNS
    assert {c: str(t) for c, t in df.dtypes.items()} == {
        C.ENTRY_ID: "int64",
        C.PAIR_ID: "str",
        C.MATCHED_BY: "str",
        NOTE: "str",
    }


def test_empty_audit_gives_an_empty_frame() -> None:
    df = match_audit(audit_frame(), PAIRS)

    assert len(df) == 0
    assert list(df.columns) == MATCH_COLUMNS


def test_sample_audit_against_the_sample_corpus(sample_dataset: Path) -> None:
    _, audit = read_audit_file(sample_dataset / "audit-result.json")
    pairs = discover(sample_dataset).pairs

    df = match_audit(audit, pairs)

    by_entry = {
        int(e): (None if pd.isna(p) else p)
        for e, p in zip(df[C.ENTRY_ID], df[C.PAIR_ID], strict=True)
    }
    assert by_entry == {
        0: "3",
        1: "22",
        2: "2",
        3: "15",
        4: "27",
        5: None,
        6: None,
        7: None,
        8: None,
    }
    assert "job-level entry (no file name)" in df[NOTE][5]
    assert "is not in the local corpus" in df[NOTE][6]
    assert "would resolve outside the corpus" in df[NOTE][7]
    assert "job-level entry (admin review)" in df[NOTE][8]
