"""The check registry (remediate.checks.registry): one entry per check feeds the CLI list,
the README table, the findings, --skip/--only and the severity bands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from test_checks import BASIC, check, clean_row, frames

from remediate import columns as C
from remediate.checks import (
    CATEGORIES,
    CHECKS,
    Band,
    Check,
    Hit,
    markdown_table,
    run_checks,
    select,
    unregister,
)
from remediate.checks.registry import QUALITY, WARNING, Row, num, profile_value
from remediate.checks.registry import check as register_check
from remediate.cli import cli
from remediate.errors import ConfigError
from remediate.profiles import Profile, load_profile

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
TOY = "audio-peak-high"


@pytest.fixture
def toy() -> Iterator[str]:
    """A toy check registered exactly as the README's "Adding a check" shows, then removed."""

    @register_check(
        TOY,
        category=QUALITY,
        severity=WARNING,
        fixable=False,
        description="peak above the guide's soft target",
        bands=(Band(WARNING, ">", "level.peak_target_dbfs"),),
    )
    def toy_peak(c: Check, r: Row, p: Profile) -> Hit | None:
        peak = num(r[C.PEAK_DBFS])
        band = c.grade(peak, p)
        return Hit(f"peak {peak:.1f} dBFS", value=peak, band=band) if band else None

    try:
        yield TOY
    finally:
        unregister(TOY)


def test_a_toy_check_is_listed_found_and_documented(toy: str) -> None:
    listed = CliRunner().invoke(cli, ["checks"])
    assert listed.exit_code == 0
    assert any(line.split()[:2] == [toy, "quality"] for line in listed.stdout.splitlines())
    as_json = {
        c["code"]: c for c in json.loads(CliRunner().invoke(cli, ["checks", "--json"]).stdout)
    }
    assert as_json[toy]["profile_keys"] == ["level.peak_target_dbfs"]
    assert as_json[toy]["severity_rule"] == "warning if > level.peak_target_dbfs"

    found = check([clean_row(0, **{C.PEAK_DBFS: -1.0}), clean_row(1, **{C.PEAK_DBFS: -12.0})])
    hits = found[found[C.CHECK] == toy]
    assert list(hits[C.PAIR_ID]) == ["0"]  # -12 dBFS is under the -9 dBFS target
    assert list(hits[C.THRESHOLD]) == [BASIC.level.peak_target_dbfs]
    assert list(hits[C.BAND]) == ["warning > -9"]

    assert f"| `{toy}` | quality | warning | no | peak above" in markdown_table()
    assert f"| `{toy}` |" not in README  # the README shows it as the example, not in the table


def test_the_readme_check_table_is_the_generated_one() -> None:
    assert markdown_table() in README


def test_every_entry_is_complete() -> None:
    for code, c in CHECKS.items():
        assert c.code == code and c.category in CATEGORIES and c.description
        assert c.severity in C.SEVERITIES
        for key in c.profile_keys:  # every key it reads exists in the profile
            assert profile_value(BASIC, key) is not None, (code, key)
        for band in c.bands:
            assert isinstance(band.edge(BASIC), float), (code, band)


def test_register_rejects_a_duplicate_and_a_bad_category() -> None:
    with pytest.raises(ValueError, match="twice"):
        register_check(
            "audio-silent", category=QUALITY, severity=WARNING, fixable=False, description="x"
        )(lambda c, r, p: None)
    with pytest.raises(ValueError, match="category"):
        register_check(
            "audio-nothing", category="misc", severity=WARNING, fixable=False, description="x"
        )(lambda c, r, p: None)
    assert "audio-nothing" not in CHECKS


def test_select_skip_only_and_unknown_codes() -> None:
    everything = select()
    assert [c.code for c in everything] == list(CHECKS)
    assert "audio-clipping" not in {c.code for c in select(skip=["audio-clipping"])}
    assert [c.code for c in select(only=["text-empty", "audio-silent"])] == [
        "audio-silent",  # registry order, not argument order
        "text-empty",
    ]
    with pytest.raises(ConfigError, match="audio-nope") as err:
        select(skip=["audio-nope"])
    assert "audio-silent" in (err.value.hint or "")


def test_run_checks_skip_and_only() -> None:
    rows = [clean_row(0, **{C.DC_OFFSET: 0.05, C.RMS_DBFS: -60.0})]
    pairs, measurements = frames(rows)
    everything = set(run_checks(pairs, measurements, BASIC)[C.CHECK])
    assert {"audio-dc-offset", "audio-quiet", "corpus-pair-count"} <= everything

    skipped = run_checks(pairs, measurements, BASIC, skip=["audio-dc-offset"])
    assert set(skipped[C.CHECK]) == everything - {"audio-dc-offset"}
    only = run_checks(pairs, measurements, BASIC, only=["audio-quiet"])
    assert list(only[C.CHECK]) == ["audio-quiet"]


def _scan(tmp_path: Path, *extra: str) -> tuple[int, str, pd.DataFrame | None]:
    out = tmp_path / "out"
    args = ["scan", "--corpus", str(ROOT / "sample_dataset"), "--out", str(out), "--no-cache"]
    result = CliRunner().invoke(cli, [*args, *extra])
    findings = out / "findings.parquet"
    return result.exit_code, result.stderr, pd.read_parquet(findings) if findings.exists() else None


def test_scan_only_and_skip_on_the_command_line(tmp_path: Path) -> None:
    code, _, only = _scan(tmp_path, "--only", "text-empty", "--only", "audio-clipping")
    assert code == 0 and only is not None
    assert sorted(set(only[C.CHECK])) == ["audio-clipping", "text-empty"]

    code, _, skipped = _scan(tmp_path, "--skip", "audio-low-bandwidth")
    assert code == 0 and skipped is not None
    assert "audio-low-bandwidth" not in set(skipped[C.CHECK])
    assert "audio-clipping" in set(skipped[C.CHECK])
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert summary["skip_checks"] == ["audio-low-bandwidth"]


def test_an_unknown_check_code_is_a_usage_error_naming_the_known_ones(tmp_path: Path) -> None:
    code, stderr, _ = _scan(tmp_path, "--skip", "audio-clipped")
    assert code == 2
    assert "unknown check audio-clipped" in stderr
    assert "audio-clipping" in stderr  # the known codes are listed


def test_profile_values_and_bands_follow_the_profile_asked_about() -> None:
    """Thresholds are read once per profile: alternating profiles gets each one's own."""
    strict = load_profile("basic", ["duration.max_s=6"])
    c = CHECKS["audio-too-long"]
    for _ in range(2):
        assert profile_value(BASIC, "duration.max_s") == BASIC.duration.max_s
        assert profile_value(strict, "duration.max_s") == 6
        assert c.grade(10.0, BASIC) is None
        assert c.grade(10.0, strict) is not None
