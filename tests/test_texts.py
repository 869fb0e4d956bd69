"""Transcript decoding and the text helpers (remediate.texts): bytes in, facts out."""

from __future__ import annotations

import unicodedata

import pytest

from remediate.texts import (
    clean_text,
    control_chars,
    decode_text,
    dominant_script,
    script_counts,
    spoken_units,
)

CN = "今天天气很好，我们去公园散步吧。"


def test_utf8_clean() -> None:
    facts = decode_text("你好，世界。\n".encode())

    assert facts.text_encoding == "utf-8"
    assert facts.text_bom is False
    assert facts.text == "你好，世界。\n"
    assert facts.text_chars == 7
    assert facts.text_error is None


def test_utf8_bom_is_stripped_and_recorded() -> None:
    facts = decode_text(b"\xef\xbb\xbfhello world\n")

    assert facts.text_encoding == "utf-8"
    assert facts.text_bom is True
    assert facts.text == "hello world\n"  # no U+FEFF left in the text


def test_utf16_le_with_bom() -> None:
    facts = decode_text("héllo 世界\n".encode("utf-16"))  # Python writes the LE BOM

    assert facts.text_encoding == "utf-16-le"
    assert facts.text_bom is True
    assert facts.text == "héllo 世界\n"


def test_utf16_be_with_bom() -> None:
    facts = decode_text(b"\xfe\xff" + "天气".encode("utf-16-be"))

    assert (facts.text_encoding, facts.text) == ("utf-16-be", "天气")


def test_utf32_le_bom_is_not_mistaken_for_utf16() -> None:
    facts = decode_text("abc".encode("utf-32"))

    assert (facts.text_encoding, facts.text) == ("utf-32-le", "abc")


def test_truncated_utf16_after_bom_is_an_error() -> None:
    facts = decode_text(b"\xff\xfea\x00b")  # odd byte count

    assert facts.text is None
    assert facts.text_error is not None and "utf-16-le" in facts.text_error


@pytest.mark.parametrize(
    "sentence",
    [CN, "你好", "今天天气很好", "我们去公园散步吧。", "这是一个测试句子，用于检查编码。\n"],
)
def test_gbk_decodes_as_gb18030_with_the_right_text(sentence: str) -> None:
    facts = decode_text(sentence.encode("gbk"))

    assert facts.text_encoding == "gb18030"
    assert facts.text == sentence
    assert facts.text_error is None


def test_gb18030_only_characters() -> None:
    text = "𠀀字"  # U+20000 is outside GBK: four-byte gb18030
    facts = decode_text(text.encode("gb18030"))

    assert (facts.text_encoding, facts.text) == ("gb18030", text)


@pytest.mark.parametrize("sentence", ["今天天氣很好，我們去公園散步吧。", "我們去公園散步吧。"])
def test_big5_is_detected(sentence: str) -> None:
    facts = decode_text(sentence.encode("big5"))

    assert facts.text_encoding == "big5"
    assert facts.text == sentence


def test_latin1_accents_decode_as_cp1252() -> None:
    facts = decode_text("café déjà vu, naïve".encode("latin-1"))

    assert facts.text_encoding == "cp1252"
    assert facts.text == "café déjà vu, naïve"


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(128, 256)) * 2,  # every high byte: no codec decodes all of them
        bytes(range(256)) * 4,
        bytes([0x80, 0xFF, 0xFE, 0x81, 0x00, 0xFF]),  # "decodes" only as BOM-less UTF-16
    ],
)
def test_undecodable_bytes_give_text_error(data: bytes) -> None:
    facts = decode_text(data)

    assert facts.text is None
    assert facts.text_encoding is None
    assert facts.text_error is not None and facts.text_error.startswith("not UTF-8")


def test_empty_bytes_are_empty_utf8() -> None:
    facts = decode_text(b"")

    assert (facts.text_encoding, facts.text, facts.text_chars, facts.text_error) == (
        "utf-8",
        "",
        0,
        None,
    )


# --- helpers ---------------------------------------------------------------------------


def test_control_chars_counts_c0_c1_and_stray_boms_but_not_tab_newline() -> None:
    assert control_chars("a\tb\r\nc") == 0
    assert control_chars("a\x00b\x07c\x85d\x9f") == 4  # C0 and C1
    assert control_chars("\ufeffhello") == 1  # a BOM left inside the text
    # Format characters are wording: ZWJ joins emoji, ZWSP marks word breaks in Thai.
    assert control_chars("a\u200bb\u200dc") == 0


def test_non_nfc_is_normalised_by_clean_text() -> None:
    decomposed = "cafe\u0301"  # e + combining acute
    assert decomposed != "café"
    assert clean_text(decomposed) == "café"
    assert len(clean_text(decomposed)) == 4


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  hello   world \n", "hello world"),
        ("hello\r\nworld\r\n", "hello world"),
        ("a\x00b\x07c", "abc"),
        ("tab\there", "tab here"),
        ("\ufeff你好，世界", "你好，世界"),
        ("zero\u200bwidth", "zero\u200bwidth"),
        ("", ""),
        (" \t\n ", ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_clean_text_never_changes_wording() -> None:
    text = "Hello, World! 你好。"
    assert clean_text(text) == text


#: Code points this Python may not know (CJK Extension H, Unicode 15 emoji), private use
#: (BMP and plane 15), noncharacters, format characters (ZWJ sequence, ZWSP, RLM), and
#: unassigned code points in every plane that has them.
UNKNOWN_AND_PRIVATE = [
    "\U00031350",
    "\U0001fae8",
    "\ue000",
    "\uf8ff",
    "\U000f0000",
    "\U0010fffd",
    "\ufdd0",
    "\U0001f469\u200d\U0001f4bb",
    "\u200b",
    "\u200f",
    *(chr(cp) for cp in range(0x0378, 0x10FFFF, 30011) if unicodedata.category(chr(cp)) == "Cn"),
]


@pytest.mark.parametrize("ch", UNKNOWN_AND_PRIVATE, ids=lambda c: f"U+{ord(c[0]):04X}")
def test_text_repair_passes_unknown_and_private_characters_through(ch: str) -> None:
    from remediate.fix.repair import fix_text

    raw = f"  Hello {ch} world {ch}again.\x07 \n"
    # Only the whitespace and the BEL change; every other character survives, byte for byte.
    expected = f"Hello {ch} world {ch}again.\n".encode()
    assert fix_text(raw.encode("utf-8"), "utf-8") == expected
    assert control_chars(raw) == 1


def test_script_counts_ignore_digits_and_punctuation() -> None:
    assert script_counts("你好，world 123!") == {"han": 2, "latin": 5, "other": 0}
    assert script_counts("Ωμέγα café") == {"han": 0, "latin": 4, "other": 5}
    assert script_counts("123 ,.!") == {"han": 0, "latin": 0, "other": 0}


def test_script_counts_kana_and_hangul_are_other() -> None:
    assert script_counts("ひらがなカタカナ한국어") == {"han": 0, "latin": 0, "other": 11}


def test_dominant_script() -> None:
    assert dominant_script(CN) == "han"
    assert dominant_script("Hello there") == "latin"
    assert dominant_script("我用iPhone打电话给他们") == "han"  # 8 han vs 6 latin
    assert dominant_script("12345 !?") is None
    assert dominant_script("") is None


def test_spoken_units() -> None:
    assert spoken_units(CN) == 14  # punctuation does not count
    assert spoken_units("Hello, world!") == 10


def test_control_regex_matches_category_cc_over_every_code_point() -> None:
    import sys
    import unicodedata

    from remediate.texts import _CONTROL_RE

    expected = {
        cp
        for cp in range(sys.maxunicode + 1)
        if cp == 0xFEFF or (chr(cp) not in "\t\r\n" and unicodedata.category(chr(cp)) == "Cc")
    }
    everything = "".join(chr(cp) for cp in range(sys.maxunicode + 1))
    assert {ord(ch) for ch in _CONTROL_RE.findall(everything)} == expected
    assert len(expected) == 65 - 3 + 1  # 65 Cc code points, minus tab/LF/CR, plus the BOM
