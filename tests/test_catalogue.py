"""The MSS error-code catalogue agrees with the checks it names."""

from __future__ import annotations

import pytest

from remediate.catalogue import catalogue, check_category, identify, lookup, message_categories
from remediate.checks import CHECKS


def test_every_covered_check_exists() -> None:
    for info in catalogue().values():
        assert info.covers <= set(CHECKS), (info.code, info.covers - set(CHECKS))


def test_known_codes_from_the_reference() -> None:
    codes = set(catalogue())
    assert {"MSS.20020011", "MSS.20020012", "MSS.20020016", "MSS.20020018"} <= codes
    fmt = lookup("MSS.20020011")
    assert fmt is not None and "audio-channels" in fmt.covers and fmt.category == "format"


def test_lookup_is_forgiving_about_case_and_space_but_not_unknown_codes() -> None:
    assert lookup(" mss.20020018 ") == lookup("MSS.20020018") is not None
    assert lookup("MSS.99999999") is None
    assert lookup(None) is None and lookup("") is None


def test_every_entry_has_a_status_and_a_known_category() -> None:
    categories = {"format", "package", "text", "content", "quality", "service", "authorization"}
    for info in catalogue().values():
        assert info.status in {"confirmed", "inferred"}, info.code
        assert info.category in categories, info.code
        assert info.may_explain <= set(CHECKS), info.code
        assert not (info.covers & info.may_explain), info.code


def test_documented_codes_of_the_second_research_pass() -> None:
    language = lookup("MSS.20020015")
    assert language is not None and language.inferred and language.category == "text"
    assert "所选语言不一致" in language.meaning and language.covers == {"text-language"}
    for code in ("MSS.20020023", "MSS.20020024"):
        info = lookup(code)
        assert info is not None and info.category == "package" and not info.inferred


def test_a_message_entry_is_found_by_its_text_not_by_its_name() -> None:
    assert lookup("authorization-letter") is None
    letter = identify("MSS.12345678", "审核失败：授权书文件有些问题")
    assert letter is not None and letter.category == "authorization"
    assert identify("MSS.20020011", "授权书") == lookup("MSS.20020011")  # the code wins
    assert identify(None, "no such thing") is None


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Speech does not match text.", {"content"}),
        ("语音与文本不一致", {"content"}),
        ("Text language does not match the selected language.", {"text", "content"}),
        ("文本编码错误", {"text"}),
        ("Audio must be mono, 48 kHz sample rate.", {"format"}),
        ("音频格式错误", {"format"}),
        ("背景噪声过大", {"quality"}),
        ("Volume too low, clipping detected", {"quality"}),
        ("Too many files in the zip package", {"package"}),
        ("MSS.20020027 says no", set()),
        ("", set()),
    ],
)
def test_message_categories(message: str, expected: set[str]) -> None:
    assert message_categories(message) == expected


def test_check_category_follows_the_kind_of_problem() -> None:
    assert check_category("text-whitespace") == "text"
    assert check_category("text-cps-range") == "content"
    assert check_category("audio-channels") == "format"
    assert check_category("audio-low-snr") == "quality"
    assert check_category("corpus-extra-files") == "package"
