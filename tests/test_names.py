"""File-name rules shared by discovery and the audit join (remediate.names)."""

from __future__ import annotations

import unicodedata

import pytest

from remediate.names import fold, natural_key, pair_key, safe_basename, split_ext

NFC = unicodedata.normalize("NFC", "café_1.wav")
NFD = unicodedata.normalize("NFD", "café_1.wav")


def test_fold_is_case_insensitive_and_nfc() -> None:
    assert NFC != NFD
    assert fold(NFC) == fold(NFD) == "café_1.wav"
    assert fold("AUDIO_2.WAV") == "audio_2.wav"
    assert fold("Straße.wav") == fold("STRASSE.WAV")


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("audio_1.wav", ("audio_1", ".wav")),
        ("AUDIO_1.WAV", ("AUDIO_1", ".wav")),
        ("a.b.Txt", ("a.b", ".txt")),
        ("noext", ("noext", "")),
        (".wav", (".wav", "")),
        ("trailing.", ("trailing", ".")),
    ],
)
def test_split_ext(base: str, expected: tuple[str, str]) -> None:
    assert split_ext(base) == expected


@pytest.mark.parametrize(
    ("base", "key"),
    [
        ("audio_7.wav", "7"),
        ("text_7.txt", "7"),
        ("7.wav", "7"),
        ("7.txt", "7"),
        ("AUDIO_7.WAV", "7"),
        ("Text-7.TXT", "7"),
        ("audio_.wav", "audio_"),
        ("speaker_a_01.wav", "speaker_a_01"),
        ("audiobook_3.wav", "audiobook_3"),
    ],
)
def test_pair_key(base: str, key: str) -> None:
    assert pair_key(base) == key


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("audio_1.wav", "audio_1.wav"),
        ("AUDIO_1.WAV", "audio_1.wav"),
        ("corpus\\Audio_1.WAV", "audio_1.wav"),
        ("folder/audio_1.wav", "audio_1.wav"),
        ("a/b\\c//audio_1.wav", "audio_1.wav"),
        ("./audio_1.wav", "audio_1.wav"),
        ("  audio_1.wav  ", "audio_1.wav"),
        (NFD, NFC),
    ],
)
def test_safe_basename_strips_folders(name: str, expected: str) -> None:
    assert safe_basename(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/audio_1.wav",
        "..\\..\\audio_1.wav",
        "corpus/../audio_1.wav",
        "..",
        "/etc/audio_1.wav",
        "\\\\server\\share\\audio_1.wav",
        "C:\\data\\audio_1.wav",
        "c:audio_1.wav",
        "audio_1.wav\x00.txt",
        "",
        "   ",
        "./",
        None,
    ],
)
def test_safe_basename_refuses_names_outside_the_corpus(name: str | None) -> None:
    assert safe_basename(name) is None


def test_natural_key_orders_numbers_as_numbers() -> None:
    names = ["audio_10.wav", "audio_2.wav", "audio_1.wav", "b", "a", "audio_100.wav"]

    assert sorted(names, key=natural_key) == [
        "a",
        "audio_1.wav",
        "audio_2.wav",
        "audio_10.wav",
        "audio_100.wav",
        "b",
    ]
    assert sorted(["10", "2", "1"], key=natural_key) == ["1", "2", "10"]
