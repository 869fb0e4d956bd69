"""The MSS error-code catalogue agrees with the checks it names."""

from __future__ import annotations

from remediate.catalogue import catalogue, lookup
from remediate.checks import CHECKS


def test_every_covered_check_exists() -> None:
    for info in catalogue().values():
        assert info.covers <= set(CHECKS), (info.code, info.covers - set(CHECKS))


def test_known_codes_from_the_reference() -> None:
    codes = set(catalogue())
    assert {"MSS.20020011", "MSS.20020012", "MSS.20020016", "MSS.20020018"} <= codes
    fmt = lookup("MSS.20020011")
    assert fmt is not None and "audio-channels" in fmt.covers and fmt.category == "audio-format"


def test_lookup_is_forgiving_about_case_and_space_but_not_unknown_codes() -> None:
    assert lookup(" mss.20020018 ") == lookup("MSS.20020018") is not None
    assert lookup("MSS.99999999") is None
    assert lookup(None) is None and lookup("") is None
