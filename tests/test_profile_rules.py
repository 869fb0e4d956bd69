"""Profiles are validated semantically (issue 8.12, 9.6): a value the tool cannot honour,
from a profile file or --set, exits 3 naming the key and what it allows."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from wavs import clean_clip, write

from remediate.cli import cli
from remediate.errors import ConfigError
from remediate.profile_rules import CHOICES, ORDER, RANGES
from remediate.profiles import EDITIONS, load_profile


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("duration.max_s=-5", "duration.max_s = -5 is out of range (allowed: > 0)"),
        ("format.channels=0", "format.channels = 0 is out of range (allowed: >= 1 and <= 2)"),
        ("format.samplerate=8000", "format.samplerate = 8000 is not allowed (allowed: 16000,"),
        ("format.subtype=PCM_17", "format.subtype = 'PCM_17' is not allowed (allowed: PCM_16)"),
        ("text.language=xx", "text.language = 'xx' is not allowed (allowed: any, CN, EN)"),
        ("duration.min_s=20", "duration.min_s = 20 must be below duration.max_s = 15"),
    ],
)
def test_nonsense_overrides_exit_3_naming_key_and_range(
    tmp_path: Path, override: str, expected: str
) -> None:
    root = tmp_path / "corpus"
    write(root / "audio_0.wav", clean_clip(5.5))
    (root / "text_0.txt").write_text("One sentence.\n")
    out = tmp_path / "out"
    args = ["scan", "--corpus", str(root), "--out", str(out), "--set", override, "--no-cache"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 3, result.output
    assert result.stderr.startswith("Error: profile basic: ") and expected in result.stderr
    assert not out.exists()  # refused before anything was written


@pytest.mark.parametrize("edition", EDITIONS)
def test_bundled_profiles_are_valid(edition: str) -> None:
    load_profile(edition)


@pytest.mark.parametrize("key", sorted(RANGES))
def test_every_ranged_key_refuses_a_value_outside_its_range(key: str) -> None:
    allowed = RANGES[key]
    bad = allowed.hi + 1 if allowed.hi is not None else (allowed.lo or 0) - 1
    with pytest.raises(ConfigError, match=f"{key} = .* is out of range"):
        load_profile("basic", [f"{key}={bad:g}"])


@pytest.mark.parametrize("key", sorted(CHOICES))
def test_every_enum_key_refuses_an_unknown_value(key: str) -> None:
    with pytest.raises(ConfigError, match=f"{key} = .* is not allowed"):
        load_profile("basic", [f"{key}=12345"])


@pytest.mark.parametrize(("low", "high", "strict"), ORDER)
def test_every_ordered_pair_refuses_low_above_high(low: str, high: str, strict: bool) -> None:
    profile = load_profile("basic").as_dict()
    section, _, name = high.rpartition(".")
    node = profile
    for part in section.split("."):
        node = node[part]
    above = node[name] + 0.1 if low != "format.samplerate_min" else 48000
    overrides = [f"{low}={above:g}"]
    if low == "format.samplerate_min":
        overrides.append(f"{high}=44100")
    with pytest.raises(ConfigError, match=f"{low} = .* must be"):
        load_profile("basic", overrides)
