"""Edition profiles: data files that load, document their sources, and take overrides."""

from __future__ import annotations

import re

import pytest

from remediate.errors import ConfigError
from remediate.profiles import EDITIONS, JOB_TYPE_TO_EDITION, load_profile, profile_text


@pytest.mark.parametrize(
    ("edition", "pairs", "per_sentence", "max_s"),
    [
        ("basic", 20, True, 15.0),
        ("middle", 100, True, 15.0),
        ("advance", 1, False, 10800.0),
        ("flexus", 0, True, 15.0),
    ],
)
def test_editions_load_with_their_rules(
    edition: str, pairs: int, per_sentence: bool, max_s: float
) -> None:
    p = load_profile(edition)
    assert (p.name, p.pairs_required, p.per_sentence, p.duration.max_s) == (
        edition,
        pairs,
        per_sentence,
        max_s,
    )
    assert p.format.samplerate == 48000 and p.format.channels == 1


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_threshold_says_where_it_comes_from(edition: str) -> None:
    for line in profile_text(edition).splitlines():
        if re.match(r"^[a-z_]+\s*=", line) and not line.startswith(
            ("name", "job_type", "description")
        ):
            assert "#" in line, f"{edition}: no source comment on {line!r}"


def test_overrides_are_typed() -> None:
    p = load_profile(
        "basic",
        [
            "duration.max_s=12",
            "level.clip_error_run=5",
            "loudness.measure=true",
            "text.language=CN",
        ],
    )
    assert p.duration.max_s == 12.0 and isinstance(p.duration.max_s, float)
    assert p.level.clip_error_run == 5 and p.loudness.measure is True
    assert p.text.language == "CN"
    assert p.overrides == (
        "duration.max_s=12",
        "level.clip_error_run=5",
        "loudness.measure=true",
        "text.language=CN",
    )


@pytest.mark.parametrize(
    "override",
    [
        "duration.max=12",
        "nosection.x=1",
        "duration=3",
        "duration.max_s=twelve",
        "level.clip_error_run=2.5",
        "loudness.measure=maybe",
        "no-equals-sign",
    ],
)
def test_bad_overrides_are_config_errors(override: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_profile("basic", [override])
    assert info.value.exit_code == 3


def test_unknown_edition() -> None:
    with pytest.raises(ConfigError):
        load_profile("premium")


def test_every_job_type_maps_to_a_profile() -> None:
    assert set(JOB_TYPE_TO_EDITION.values()) <= set(EDITIONS)
    assert JOB_TYPE_TO_EDITION["BASIC"] == "basic" and JOB_TYPE_TO_EDITION["MIDDLE"] == "middle"
