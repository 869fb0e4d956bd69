"""The package checks' failure paths and the zip's name rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from remediate import columns as C
from remediate.errors import FixError
from remediate.fix import package
from remediate.metastudio.models import TenantDurationCfg, parse_tenant_duration_cfg
from remediate.profiles import load_profile


def manifest(n: int, seconds: float = 5.0, suffix: str = ".wav") -> pd.DataFrame:
    return pd.DataFrame(
        {
            C.PAIR_ID: [str(i) for i in range(n)],
            C.AUDIO_NAME: [f"{i}{suffix}" for i in range(n)],
            C.TEXT_NAME: [f"{i}.txt" for i in range(n)],
            C.DURATION_S: [seconds] * n,
        }
    )


def by_name(checks: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(c["name"]): c for c in checks}


def test_pair_count_missing_and_too_many() -> None:
    basic = load_profile("basic")
    required = basic.pairs_required
    assert required
    short = by_name(package.package_checks(manifest(required - 3), basic, None))["pair-count"]
    assert short["ok"] is False
    assert "3 missing" in str(short["message"]) and "MSS.20020016" in str(short["message"])
    extra = by_name(package.package_checks(manifest(required + 2), basic, None))["pair-count"]
    assert extra["ok"] is False and "2 too many" in str(extra["message"])


def test_foreign_files_long_clips_and_total_duration() -> None:
    basic = load_profile("basic")
    required = basic.pairs_required
    lo, hi = basic.duration.total_min_s, basic.duration.total_max_s
    long_clip = max(basic.duration.max_s, hi / required) + 1.0
    checks = by_name(package.package_checks(manifest(required, long_clip, ".mp3"), basic, 123))
    assert checks["file-types"]["ok"] is False and "0.mp3" in str(checks["file-types"]["message"])
    assert checks["clip-duration"]["ok"] is False
    assert str(checks["clip-duration"]["message"]).startswith(f"{required} clips over")
    assert required * long_clip > hi
    assert checks["total-duration"]["ok"] is False
    assert checks["zip-size"] == {
        "name": "zip-size",
        "ok": None,
        "message": "123 bytes; no size limit is documented (MSS.20020023/024)",
    }
    too_little = by_name(package.package_checks(manifest(required, 1.0), basic, None))
    assert required * 1.0 < lo
    assert too_little["total-duration"]["ok"] is False
    assert "zip-size" not in too_little


def test_an_edition_without_a_count_does_not_judge_it() -> None:
    profile = load_profile("flexus")
    assert not profile.pairs_required
    count = by_name(package.package_checks(manifest(7), profile, None))["pair-count"]
    assert count == {"name": "pair-count", "ok": None, "message": "7 pairs; no count documented"}
    assert "total-duration" not in by_name(package.package_checks(manifest(7), profile, None))


def test_two_files_with_one_root_name_refuse_the_zip(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            C.PAIR_ID: ["a", "b"],
            C.AUDIO_NAME: ["x/1.wav", "y/1.WAV"],
            C.TEXT_NAME: ["x/1.txt", "y/2.txt"],
            C.DURATION_S: [5.0, 5.0],
        }
    )
    with pytest.raises(FixError, match="share the zip root name"):
        package.zip_members(frame)


def tenant_cfg(**values: object) -> TenantDurationCfg:
    return parse_tenant_duration_cfg({"tenant_id": "t", **values})


def test_total_bounds_prefer_the_tenant_config_and_fall_back_to_the_profile() -> None:
    basic, middle = load_profile("basic"), load_profile("middle")
    assert package.total_bounds(basic) == (180.0, 600.0, "the basic profile")
    assert package.total_bounds(middle) == (600.0, 1800.0, "the middle profile")
    assert package.total_bounds(load_profile("flexus")) is None
    assert package.total_bounds(load_profile("advance")) == (3600.0, None, "the advance profile")
    # --set moves the bound, as it does for the run's corpus-total-duration check
    looser = load_profile("basic", ["duration.total_max_s=900"])
    assert package.total_bounds(looser) == (180.0, 900.0, "the basic profile")
    tenant = tenant_cfg(basic_min=240, basic_max=900, middle_min=700)
    assert package.total_bounds(basic, tenant) == (240.0, 900.0, "the tenant's duration config")
    # only half of a pair, or an inverted one, is not a bound: the profile's rule stands
    assert package.total_bounds(middle, tenant) == (600.0, 1800.0, "the middle profile")
    inverted = tenant_cfg(basic_min=600, basic_max=180)
    assert package.total_bounds(basic, inverted) == (180.0, 600.0, "the basic profile")
    per_clip = tenant_cfg(basic_min=5, basic_max=15)  # one clip's bounds, not a total's
    assert package.total_bounds(basic, per_clip) == (180.0, 600.0, "the basic profile")
    flexus = package.total_bounds(load_profile("flexus"), tenant_cfg(flexus_min=30, flexus_max=90))
    assert flexus == (30.0, 90.0, "the tenant's duration config")


def test_an_open_maximum_is_judged_from_below_only() -> None:
    advance = load_profile("advance")
    short = by_name(package.package_checks(manifest(1, 1800.0), advance, None))
    assert short["total-duration"] == {
        "name": "total-duration",
        "ok": False,
        "message": "1800.0 s of audio; the advance profile expects at least 3600 s",
    }
    long = by_name(package.package_checks(manifest(1, 4000.0), advance, None))
    assert long["total-duration"]["ok"] is True


def test_the_tenant_bounds_judge_the_package_total() -> None:
    basic = load_profile("basic")
    twenty_at_12s = manifest(20, 12.0)  # 240 s: inside the profile's 180-600 s
    console = by_name(package.package_checks(twenty_at_12s, basic, None))["total-duration"]
    assert console["ok"] is True
    strict = tenant_cfg(basic_min=300, basic_max=600)
    tenant = by_name(package.package_checks(twenty_at_12s, basic, None, strict))
    assert tenant["total-duration"] == {
        "name": "total-duration",
        "ok": False,
        "message": "240.0 s of audio; the tenant's duration config expects 300-600 s",
    }


def test_the_run_dirs_tenant_config_is_read_and_a_bad_one_ignored(tmp_path: Path) -> None:
    from remediate import contract as K
    from remediate.fix.rundir import _tenant

    path = tmp_path / K.TENANT_CFG_FILE
    assert _tenant(path) is None
    path.write_text('{"tenant_id": "t", "basic_min": 200, "basic_max": 500}')
    found = _tenant(path)
    assert found is not None and package.total_bounds(load_profile("basic"), found) == (
        200.0,
        500.0,
        "the tenant's duration config",
    )
    for bad in ('{"basic_min": "three minutes"}', "[1, 2]", "{not json", ""):
        path.write_text(bad)
        assert _tenant(path) is None, bad
