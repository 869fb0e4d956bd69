"""Optional probe passes: a measurement no running check reads is not measured (issue 14).

The voice analysis (16 kHz signature and pitch) is about a third of a clip's measuring time;
``--skip`` of both voice checks (or an ``--only`` without them) leaves it out, every other
measurement stays the same, and the cache never answers a scan that needs it with an entry
measured without it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path

import pandas as pd
import pytest
from wavs import clean_clip, write

from remediate import columns as C
from remediate import scan as scan_mod
from remediate.audio.probe import ProbeSettings
from remediate.checks import CHECKS
from remediate.checks.registry import VOICE_ANALYSIS
from remediate.checks.run import probe_passes
from remediate.config import Config
from remediate.errors import ConfigError
from remediate.pipeline import probe_settings, resolve_profile, scan

VOICE_CHECKS = ("voice-speaker-change", "voice-speaker-outlier")
ROOT = Path(__file__).resolve().parents[1]


def test_the_voice_checks_are_the_ones_that_need_the_voice_analysis() -> None:
    needing = {c.code for c in CHECKS.values() if VOICE_ANALYSIS in c.needs}
    assert needing == set(VOICE_CHECKS)


def test_passes_follow_skip_and_only() -> None:
    assert probe_passes() == {VOICE_ANALYSIS}
    assert probe_passes(skip=VOICE_CHECKS) == frozenset()
    assert probe_passes(skip=VOICE_CHECKS[:1]) == {VOICE_ANALYSIS}
    assert probe_passes(only=("audio-clipping",)) == frozenset()
    assert probe_passes(only=("voice-speaker-outlier",)) == {VOICE_ANALYSIS}
    with pytest.raises(ConfigError):
        probe_passes(skip=("no-such-check",))


def test_probe_settings_turn_the_voice_analysis_off_only_when_asked() -> None:
    profile = resolve_profile(Config(corpus=ROOT, out=ROOT / "out"))
    assert probe_settings(profile).voice  # the fix and assess measure everything
    assert probe_settings(profile, probe_passes()).voice
    assert not probe_settings(profile, probe_passes(skip=VOICE_CHECKS)).voice


def test_cache_keys_written_before_the_voice_setting_stay_valid() -> None:
    """With the analysis on (the default) the key is the settings JSON it always was."""
    before = {f.name: getattr(ProbeSettings(), f.name) for f in fields(ProbeSettings)}
    del before["voice"]
    assert scan_mod._settings_key(ProbeSettings()) == json.dumps(before, sort_keys=True)
    off = scan_mod._settings_key(ProbeSettings(voice=False))
    assert off == json.dumps(asdict(ProbeSettings(voice=False)), sort_keys=True)
    assert off != scan_mod._settings_key(ProbeSettings())


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for i in range(4):
        write(root / f"audio_{i}.wav", clean_clip(2.0 + 0.5 * i, seed=i))
        (root / f"text_{i}.txt").write_text(f"Sentence number {i} of the corpus.\n")
    return root


def _measurements(corpus: Path, out: Path, cache: Path, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    config = Config(corpus=corpus, out=out, cache_dir=cache, skip_checks=skip)
    return scan(config).measurements


def test_skipping_the_voice_checks_leaves_only_the_voice_columns_empty(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    full = _measurements(corpus, tmp_path / "full", cache)
    quick = _measurements(corpus, tmp_path / "quick", cache, VOICE_CHECKS)
    assert full[C.VOICE_SIGNATURE].notna().all()
    assert quick[C.VOICE_MEASUREMENTS].isna().all().all()
    others = [c for c in full.columns if c not in C.VOICE_MEASUREMENTS]
    pd.testing.assert_frame_equal(quick[others], full[others])


def test_the_cache_does_not_answer_a_full_scan_with_a_scan_without_the_voice(
    corpus: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _measurements(corpus, tmp_path / "quick", cache, VOICE_CHECKS)
    again = scan(Config(corpus=corpus, out=tmp_path / "full", cache_dir=cache))
    assert again.stats.measured == 4  # every clip measured again, with the voice analysis
    assert again.measurements[C.VOICE_SIGNATURE].notna().all()
    rescan = scan(
        Config(corpus=corpus, out=tmp_path / "quick2", cache_dir=cache, skip_checks=VOICE_CHECKS)
    )
    assert rescan.stats.measured == 0  # its own entries are still there
