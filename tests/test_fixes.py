"""The fix stage: plan, apply, re-check, rename, zip. Fixed files are measured here with
soundfile/numpy, never taken from the fix log."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import soundfile as sf
from sample_labels import LABELS, TEXTS, ids

from remediate import columns as C
from remediate import pipeline
from remediate.audio.probe import ProbeSettings
from remediate.checks import CHECKS
from remediate.config import Config
from remediate.errors import FixError
from remediate.fix import actions, package, repair
from remediate.fix import command as fixes
from remediate.fix.plan import plan_fixes
from remediate.profiles import load_profile

RESUBMIT = sorted(ids("keep") + ids("fix"), key=int)

RATE = 48000
FRAME_S = 0.02


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): sha(p) for p in sorted(root.rglob("*")) if p.is_file()}


def edge_silence(
    path: Path, relative_db: float = 40.0, absolute_db: float = -60.0
) -> tuple[float, float]:
    """(lead, trail) silence in seconds, measured independently: 20 ms frame RMS against
    the loudest frame - 40 dB (or -60 dBFS)."""
    x, rate = sf.read(path, dtype="float64", always_2d=True)
    mono = x.mean(axis=1)
    n = round(FRAME_S * rate)
    frames = mono[: mono.size // n * n].reshape(-1, n)
    db = 10 * np.log10(np.maximum((frames**2).mean(axis=1), 1e-12))
    active = np.flatnonzero(db > max(db.max() - relative_db, absolute_db))
    return active[0] * n / rate, (mono.size - (active[-1] + 1) * n) / rate


def corr(a: np.ndarray, b: np.ndarray) -> float:
    k = min(a.size, b.size)
    return float(np.corrcoef(a[:k], b[:k])[0, 1])


def fake_speech(seconds: float, seed: int, level: float = 0.2, pause: float = 0.3) -> np.ndarray:
    """Broadband noise bursts (full bandwidth, so no fake-rate finding) between quiet edges,
    with a 100 ms pause every 0.5 s as speech has: without pauses the SNR estimate rightly
    reads steady noise bursts as noise (an audio-low-snr error)."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    x = rng.normal(0, 1e-4, n)
    edge = round(pause * RATE)
    body = rng.normal(0, level / 3, n - 2 * edge)
    t = np.arange(body.size) / RATE
    envelope = (0.6 + 0.4 * np.sin(np.linspace(0, 12 * np.pi, body.size)) ** 2) * (t % 0.5 < 0.4)
    x[edge : n - edge] += body * envelope
    return np.clip(x, -0.9, 0.9)


def run_and_fix(corpus: Path, tmp: Path, **opts: Any) -> tuple[Path, fixes.FixResult]:
    run_dir = tmp / "run"
    pipeline.scan(Config(corpus=corpus, out=run_dir, cache_dir=None))
    dest = tmp / "dest"
    return dest, fixes.fix(fixes.FixOptions(run_dir=run_dir, dest=dest, **opts))


# --- the sample dataset, fixed once for the module ------------------------------------------


@pytest.fixture(scope="module")
def sample_fix(tmp_path_factory: pytest.TempPathFactory, sample_dataset: Path) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("samplefix")
    before = tree_hashes(sample_dataset)
    run_dir = tmp / "run"
    pipeline.run(
        Config(
            corpus=sample_dataset,
            out=run_dir,
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
        )
    )
    dest = tmp / "fixed"
    result = fixes.fix(
        fixes.FixOptions(run_dir=run_dir, dest=dest, rename_for_edition=True, make_zip=True)
    )
    manifest = pd.read_csv(dest / "manifest.csv", dtype=str)
    by_original = {row["original_audio_name"]: row for row in manifest.to_dict("records")}
    return {
        "before": before,
        "after": tree_hashes(sample_dataset),
        "run_dir": run_dir,
        "dest": dest,
        "result": result,
        "manifest": manifest,
        "by_original": by_original,
        "src": sample_dataset,
    }


def fixed_path(ctx: dict[str, Any], original_audio: str, kind: str = "audio") -> Path:
    row = ctx["by_original"][original_audio]
    return ctx["dest"] / "corpus" / row["audio_name" if kind == "audio" else "text_name"]


def test_originals_untouched(sample_fix: dict[str, Any]) -> None:
    assert sample_fix["before"] == sample_fix["after"]
    assert len(sample_fix["before"]) == 58  # 28 wav + 28 txt + README + audit


def test_dest_layout(sample_fix: dict[str, Any]) -> None:
    dest: Path = sample_fix["dest"]
    assert sorted(p.name for p in dest.iterdir()) == [
        ".remediate-fix",
        "corpus",
        "dropped.csv",
        "fixes.parquet",
        "manifest.csv",
        "package.zip",
        "summary.json",
    ]
    assert not list(dest.parent.glob(".fixed.fix-*"))  # no temporary folder left
    names = sorted(p.name for p in (dest / "corpus").iterdir())
    n = len(RESUBMIT)
    assert names == sorted([f"{i}.wav" for i in range(n)] + [f"{i}.txt" for i in range(n)])


def test_pair_11_silence_trimmed_to_padding(sample_fix: dict[str, Any]) -> None:
    src_lead, src_trail = edge_silence(sample_fix["src"] / "audio_11.wav")
    assert src_lead == pytest.approx(3.02, abs=0.03)
    assert src_trail == pytest.approx(3.02, abs=0.03)
    path = fixed_path(sample_fix, "audio_11.wav")
    lead, trail = edge_silence(path)
    assert lead == pytest.approx(0.15, abs=0.025)
    assert trail == pytest.approx(0.15, abs=0.025)
    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.subtype) == (48000, 1, "PCM_16")
    src_duration = sf.info(str(sample_fix["src"] / "audio_11.wav")).duration
    assert info.duration == pytest.approx(
        src_duration - (src_lead - 0.15) - (src_trail - 0.15), abs=0.06
    )
    # PCM_16 only trimmed: the kept samples are the source samples, undithered.
    src, _ = sf.read(sample_fix["src"] / "audio_11.wav", dtype="int16")
    out, _ = sf.read(path, dtype="int16")
    starts = [
        int(k) for k in np.flatnonzero(src == out[0]) if np.array_equal(src[k : k + 64], out[:64])
    ]
    assert starts
    assert np.array_equal(src[starts[0] : starts[0] + out.size], out)


def test_pair_3_downmixed_to_mono(sample_fix: dict[str, Any]) -> None:
    src, _ = sf.read(sample_fix["src"] / "audio_3.wav", dtype="float64", always_2d=True)
    assert src.shape[1] == 2
    out, rate = sf.read(fixed_path(sample_fix, "audio_3.wav"), dtype="float64", always_2d=True)
    assert out.shape[1] == 1 and rate == 48000
    assert out.shape[0] == src.shape[0]
    assert corr(out[:, 0], src.mean(axis=1)) > 0.999
    # both channels live (1.9 dB apart): averaged, so the level is between the two
    rms = lambda v: float(np.sqrt((v**2).mean()))  # noqa: E731
    assert rms(src[:, 1]) < rms(out[:, 0]) < rms(src[:, 0])


def test_pair_5_resampled(sample_fix: dict[str, Any]) -> None:
    path = fixed_path(sample_fix, "audio_5.wav")
    info = sf.info(str(path))
    assert (info.samplerate, info.channels, info.subtype) == (48000, 1, "PCM_16")
    src_info = sf.info(str(sample_fix["src"] / "audio_5.wav"))
    assert src_info.samplerate == 96000
    assert info.duration == pytest.approx(src_info.duration, abs=0.001)
    src, _ = sf.read(sample_fix["src"] / "audio_5.wav", dtype="float64")
    out, _ = sf.read(path, dtype="float64")
    assert corr(out, src[::2]) > 0.99


def test_pair_20_requantised(sample_fix: dict[str, Any]) -> None:
    path = fixed_path(sample_fix, "audio_20.wav")
    assert sf.info(str(sample_fix["src"] / "audio_20.wav")).subtype == "PCM_24"
    assert sf.info(str(path)).subtype == "PCM_16"
    src, _ = sf.read(sample_fix["src"] / "audio_20.wav", dtype="float64")
    out, _ = sf.read(path, dtype="float64")
    assert out.shape == src.shape
    assert np.max(np.abs(out - src)) * 32768 <= 1.6  # TPDF: at most 1 LSB + rounding
    assert np.max(np.abs(out - src)) > 0  # and it did change


def test_pair_15_and_23_text_bytes(sample_fix: dict[str, Any]) -> None:
    t15 = fixed_path(sample_fix, "audio_15.wav", "text").read_bytes()
    assert t15 == (TEXTS["15"] + "\n").encode()
    assert t15.startswith("明天下午三点".encode())
    t23 = fixed_path(sample_fix, "audio_23.wav", "text").read_bytes()
    assert t23 == (TEXTS["23"] + "\n").encode()
    assert not t23.startswith(b"\xef\xbb\xbf")


def test_keep_pairs_are_byte_copies(sample_fix: dict[str, Any]) -> None:
    manifest: pd.DataFrame = sample_fix["manifest"]
    keep = manifest[manifest["verdict"] == "keep"]
    assert len(keep) == len(ids("keep"))
    for row in keep.to_dict("records"):
        dest = sample_fix["dest"] / "corpus"
        assert sha(dest / row["audio_name"]) == sha(sample_fix["src"] / row["original_audio_name"])
        assert sha(dest / row["text_name"]) == sha(sample_fix["src"] / row["original_text_name"])
        assert row["sha256"] == sha(dest / row["audio_name"])
    # fix pairs: the side not needing a fix is copied too (pair 15 audio)
    assert sha(fixed_path(sample_fix, "audio_15.wav")) == sha(sample_fix["src"] / "audio_15.wav")


def test_every_fixed_file_is_clean(sample_fix: dict[str, Any]) -> None:
    for path in sorted((sample_fix["dest"] / "corpus").glob("*.wav")):
        info = sf.info(str(path))
        assert (info.samplerate, info.channels, info.subtype, info.format) == (
            48000,
            1,
            "PCM_16",
            "WAV",
        )
        x, _ = sf.read(path, dtype="float64")
        assert abs(float(x.mean())) < 0.01
        assert float(np.abs(x).max()) < 32767 / 32768
    for path in sorted((sample_fix["dest"] / "corpus").glob("*.txt")):
        data = path.read_bytes()
        data.decode("utf-8")
        assert data.endswith(b"\n") and not data.endswith(b"\n\n")
        assert not data.startswith(b"\xef\xbb\xbf")


def test_rescan_of_fixed_tree_has_no_errors(sample_fix: dict[str, Any], tmp_path: Path) -> None:
    result = pipeline.scan(
        Config(corpus=sample_fix["dest"] / "corpus", out=tmp_path, cache_dir=None)
    )
    pair_findings = result.findings[result.findings[C.PAIR_ID].notna()]
    errors = pair_findings[pair_findings[C.SEVERITY] == C.SEVERITY_ERROR]
    assert errors.empty, errors.to_dict("records")
    assert set(result.report[C.VERDICT]) == {C.VERDICT_KEEP}
    # only the kept pairs still awaiting graded bands carry findings (warnings, info)
    assert set(pair_findings[C.CHECK]) <= {
        "audio-too-short",
        "audio-quiet",
        "audio-low-snr",
        "audio-noise-floor",  # pair 25's room noise, now measured under the speech too
        "text-cps-range",
        "text-cps-outlier",
    }
    assert len(result.report) == len(RESUBMIT)


def test_manifest_dropped_and_fix_log(sample_fix: dict[str, Any]) -> None:
    manifest: pd.DataFrame = sample_fix["manifest"]
    assert list(manifest.columns) == [
        "audio_name",
        "text_name",
        "duration_s",
        "sha256",
        "verdict",
        "original_audio_name",
        "original_text_name",
    ]
    # natural order of the original pair ids, renamed 0.wav, 1.wav, ...
    assert list(manifest["original_audio_name"]) == [f"audio_{i}.wav" for i in RESUBMIT]
    assert list(manifest["audio_name"]) == [f"{i}.wav" for i in range(len(RESUBMIT))]
    assert list(manifest["original_audio_name"])[:3] == [
        "audio_0.wav",
        "audio_1.wav",
        "audio_3.wav",
    ]
    assert sorted(manifest[manifest["verdict"] == "fix"]["original_audio_name"]) == sorted(
        f"audio_{i}.wav" for i in (3, 5, 11, 15, 20, 23)
    )
    dropped = pd.read_csv(sample_fix["dest"] / "dropped.csv", dtype=str)
    assert sorted(dropped["pair_id"], key=int) == ids("drop")
    assert set(dropped["stage"]) == {"run"}
    assert "clipping" in dropped.set_index("pair_id").loc["9", "reasons"]
    log = pd.read_parquet(sample_fix["dest"] / "fixes.parquet")
    actions = {(r["pair_id"], r["action"]) for r in log.to_dict("records")}
    assert {
        ("3", "downmix"),
        ("5", "resample"),
        ("11", "trim-silence"),
        ("20", "requantise"),
    } <= actions
    assert {("15", "clean-text"), ("23", "clean-text")} <= actions
    trim = log[(log["pair_id"] == "11") & (log["action"] == "trim-silence")].iloc[0]
    assert json.loads(trim["value_before"])["lead_s"] == pytest.approx(3.0, abs=0.03)
    dither = {
        r["pair_id"]: json.loads(r["parameters"])["dither"]
        for r in log[log["action"] == "requantise"].to_dict("records")
    }
    assert dither == {"3": "tpdf", "5": "tpdf", "11": "none", "20": "tpdf"}


def test_zip_is_flat_and_matches_the_corpus(sample_fix: dict[str, Any]) -> None:
    dest: Path = sample_fix["dest"]
    summary = json.loads((dest / "summary.json").read_text())
    with zipfile.ZipFile(dest / "package.zip") as zf:
        names = zf.namelist()
        assert names == [n for i in range(len(RESUBMIT)) for n in (f"{i}.wav", f"{i}.txt")]
        for name in names:
            assert zf.read(name) == (dest / "corpus" / name).read_bytes()
    assert summary["package"]["sha256"] == sha(dest / "package.zip")
    assert summary["package"]["path"] == str(dest / "package.zip")
    checks = {c["name"]: c for c in summary["package"]["checks"]}
    missing = 20 - len(RESUBMIT)
    assert checks["pair-count"]["ok"] is (missing == 0)
    if missing:
        assert f"{missing} missing" in checks["pair-count"]["message"]
    assert checks["file-types"]["ok"] is True
    assert checks["clip-duration"]["ok"] is True
    assert summary["edition"] == {
        "name": "basic",
        "pairs_required": 20,
        "pairs_resubmittable": len(RESUBMIT),
        "minimum_met": len(RESUBMIT) >= 20,
        "exact_count_met": len(RESUBMIT) == 20,
    }
    assert summary["pairs"] == len(LABELS)
    assert summary["verdicts"] == {
        "keep": len(ids("keep")),
        "fix": len(ids("fix")),
        "drop": len(ids("drop")),
    }
    assert summary["dropped_by_stage"] == {"run": len(ids("drop"))}
    assert summary["recheck"]["findings_by_severity"]["error"] == 0


def test_rerun_is_idempotent(sample_fix: dict[str, Any]) -> None:
    dest: Path = sample_fix["dest"]
    before = tree_hashes(dest / "corpus")
    zip_sha = sha(dest / "package.zip")
    (dest / "stray.txt").write_text("left by hand")
    fixes.fix(
        fixes.FixOptions(
            run_dir=sample_fix["run_dir"], dest=dest, rename_for_edition=True, make_zip=True
        )
    )
    assert tree_hashes(dest / "corpus") == before
    assert sha(dest / "package.zip") == zip_sha
    assert not (dest / "stray.txt").exists()  # replaced as a whole
    assert not list(dest.parent.glob(".fixed.fix-*"))


# --- crafted corpora ---------------------------------------------------------------------------


def write_pair(
    root: Path, key: str, data: np.ndarray, rate: int = RATE, subtype: str = "PCM_16"
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    sf.write(root / f"audio_{key}.wav", data, rate, subtype=subtype)
    (root / f"text_{key}.txt").write_text("the quick brown fox jumps over the lazy dog again\n")


def test_dead_channel_keeps_the_live_one(tmp_path: Path) -> None:
    live = fake_speech(6.0, seed=1)
    stereo = np.stack([np.zeros_like(live), live], axis=1)  # left dead, right live
    corpus = tmp_path / "corpus"
    write_pair(corpus, "0", stereo)
    dest, result = run_and_fix(corpus, tmp_path)
    out, _ = sf.read(dest / "corpus" / "audio_0.wav", dtype="float64")
    assert out.ndim == 1
    assert corr(out, live) > 0.9999
    # not averaged: the level is the live channel's, not half of it
    assert float(np.sqrt((out**2).mean())) == pytest.approx(
        float(np.sqrt((live**2).mean())), rel=0.01
    )
    row = result.fixes[result.fixes["action"] == "downmix"].iloc[0]
    assert json.loads(row["parameters"])["channels_used"] == [1]
    plan = result.plan[result.plan["action"] == "downmix"].iloc[0]
    assert json.loads(plan["parameters"])["method"] == "keep-live"


def test_dc_offset_removed_and_float_requantised(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    dc = fake_speech(6.0, seed=2) * 0.5 + 0.05
    flt = fake_speech(6.0, seed=3)
    write_pair(corpus, "0", dc)
    write_pair(corpus, "1", flt, subtype="PCM_32")  # FLOAT: see report (probe reads it unscaled)
    dest, result = run_and_fix(corpus, tmp_path)
    x, _ = sf.read(dest / "corpus" / "audio_0.wav", dtype="float64")
    assert abs(float(dc.mean())) > 0.04
    assert abs(float(x.mean())) < 1e-4
    y, _ = sf.read(dest / "corpus" / "audio_1.wav", dtype="float64")
    assert sf.info(str(dest / "corpus" / "audio_1.wav")).subtype == "PCM_16"
    assert np.max(np.abs(y - flt)) * 32768 <= 1.6
    assert set(result.manifest["verdict"]) == {"fix"}


def _plosive_clip(offset: float) -> tuple[np.ndarray, slice]:
    """0.5 s pause, 2 s of speech that starts with a 120 ms one-sided bump (a plosive's
    pressure pulse), 0.5 s pause; plus a constant ``offset``. Returns (clip, the pauses)."""
    speech = fake_speech(2.0, seed=7, pause=0.0)
    bump = round(0.12 * RATE)
    speech[:bump] += 0.7 * np.sin(np.pi * np.arange(bump) / bump)
    pause = np.zeros(RATE // 2)
    clip = np.concatenate((pause, speech, pause)) + offset
    return clip, slice(0, RATE // 2 - RATE // 10)


def test_remove_dc_is_a_high_pass_that_keeps_the_pauses_clean() -> None:
    profile = load_profile("basic")
    clip, pauses = _plosive_clip(0.0)
    assert abs(float(clip.mean())) > 0.01  # the plosive moves the clip's mean...
    steps = [("remove-dc", "audio-dc-offset", {})]
    out = actions.process_audio(clip, RATE, steps, profile, ProbeSettings(), seed=0)
    fixed = out.samples.astype(np.float64) / 32768
    # ...but the pauses stay at zero: subtracting the mean would have put -1 % into them
    assert abs(float(fixed[pauses].mean())) <= abs(float(clip[pauses].mean())) + 1 / 32768
    # a true offset goes, in the pauses and over the whole clip
    shifted, _ = _plosive_clip(0.03)
    out = actions.process_audio(shifted, RATE, steps, profile, ProbeSettings(), seed=0)
    fixed = out.samples.astype(np.float64) / 32768
    assert abs(float(fixed[pauses].mean())) < 5e-4 < abs(float(shifted[pauses].mean()))
    assert abs(float(fixed.mean())) < 5e-4
    record = json.loads(out.records[0]["value_before"])["dc_offset"][0]
    assert record == pytest.approx(0.03, abs=0.002)


def test_dc_check_ignores_a_plosive(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    clip, _ = _plosive_clip(0.0)
    write_pair(corpus, "0", clip)
    _, result = run_and_fix(corpus, tmp_path)
    assert "remove-dc" not in set(result.plan["action"])


def test_loudness_normalisation_under_ceiling(tmp_path: Path) -> None:
    pyln = pytest.importorskip("pyloudnorm")
    corpus = tmp_path / "corpus"
    # About -31 dBFS RMS: quiet (a warning) but above the audio-quiet error band, which a
    # clip at -40 dBFS would now fall in (dropped, not normalised).
    quiet = fake_speech(6.0, seed=4, level=0.12)
    peaky = fake_speech(6.0, seed=5, level=0.12)
    # a 2 ms near-full-scale tone burst: the target gain would clip (a lone sample would be a
    # click, which drops the pair)
    burst = np.arange(RATE // 500)
    peaky[RATE * 3 : RATE * 3 + burst.size] = 0.95 * np.sin(2 * np.pi * 1000 * burst / RATE)
    write_pair(corpus, "0", quiet)
    write_pair(corpus, "1", peaky)
    dest, result = run_and_fix(corpus, tmp_path, normalize_loudness=True)
    profile = load_profile("basic")
    ceiling = 10 ** (profile.loudness.peak_ceiling_dbfs / 20)
    x, rate = sf.read(dest / "corpus" / "audio_0.wav", dtype="float64")
    assert pyln.Meter(rate).integrated_loudness(x) == pytest.approx(-23.0, abs=0.2)
    assert np.abs(x).max() <= ceiling + 1 / 32768
    y, _ = sf.read(dest / "corpus" / "audio_1.wav", dtype="float64")
    assert np.abs(y).max() == pytest.approx(ceiling, abs=2 / 32768)
    assert pyln.Meter(rate).integrated_loudness(y) < -24.0  # only the allowed gain
    log = result.fixes[result.fixes["action"] == "normalize-loudness"].set_index("pair_id")
    assert json.loads(log.loc["1", "value_after"])["limited_by_ceiling"] is True
    assert json.loads(log.loc["0", "value_after"])["limited_by_ceiling"] is False


def test_fix_that_does_not_resolve_drops_the_pair(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    long = fake_speech(16.5, seed=6, pause=0.8)  # 16.5 s: trimming edges cannot bring it under 15 s
    write_pair(corpus, "0", fake_speech(6.0, seed=7))
    write_pair(corpus, "1", long)
    run_dir = tmp_path / "run"
    pipeline.scan(Config(corpus=corpus, out=run_dir, cache_dir=None))
    # Pretend the run thought trimming would do (a finding the fix cannot honour).
    findings = pd.read_parquet(run_dir / "findings.parquet")
    findings.loc[findings[C.CHECK] == "audio-too-long", C.FIXABLE] = True
    findings.to_parquet(run_dir / "findings.parquet")
    report = pd.read_parquet(run_dir / "report.parquet")
    report.loc[report[C.PAIR_ID] == "1", C.VERDICT] = "fix"
    report.to_parquet(run_dir / "report.parquet")
    result = fixes.fix(fixes.FixOptions(run_dir=run_dir, dest=tmp_path / "dest"))
    dropped = result.dropped.set_index(C.PAIR_ID)
    assert dropped.loc["1", "stage"] == "recheck"
    assert dropped.loc["1", C.REASONS].startswith("fix did not resolve: audio-too-long: ")
    assert not (tmp_path / "dest" / "corpus" / "audio_1.wav").exists()
    assert (tmp_path / "dest" / "corpus" / "audio_0.wav").exists()


# --- pure parts -----------------------------------------------------------------------------------


def test_every_fixable_check_has_an_action() -> None:
    fixable = {code for code, info in CHECKS.items() if info.fixable}
    fixable.add("audio-too-long")  # fixable per finding when trimming brings it under
    assert fixable <= set(actions.check_actions())


def _frames(
    verdicts: dict[str, str], found: list[tuple[str, str, str, bool]]
) -> tuple[pd.DataFrame, ...]:
    report = pd.DataFrame(
        {
            C.PAIR_ID: list(verdicts),
            C.VERDICT: list(verdicts.values()),
            C.REASONS: [["r"] for _ in verdicts],
        }
    )
    findings = pd.DataFrame(found, columns=[C.PAIR_ID, C.CHECK, C.SEVERITY, C.FIXABLE])
    measurements = pd.DataFrame(
        {
            C.PAIR_ID: list(verdicts),
            C.CHANNELS: 2,
            C.CHANNEL_BALANCE_DB: 40.0,
            C.SAMPLERATE: 96000,
            C.SUBTYPE: "PCM_24",
            C.TEXT_ENCODING: "gb18030",
            C.TEXT_BOM: False,
        }
    )
    return report, findings, measurements


def test_plan_is_built_from_findings_only() -> None:
    report, findings, measurements = _frames(
        {"1": "keep", "2": "fix", "3": "drop", "4": "fix"},
        [
            ("2", "audio-channels", "error", True),
            ("2", "audio-samplerate-high", "error", True),
            ("2", "text-encoding", "error", True),
            ("2", "audio-low-bandwidth", "warning", False),
            ("3", "audio-clipping", "error", False),
            ("4", "made-up-check", "warning", True),
        ],
    )
    plan = plan_fixes(report, findings, measurements, load_profile("basic"))
    actions = plan.groupby(C.PAIR_ID, sort=False)["action"].apply(list).to_dict()
    assert actions == {
        "1": ["copy-audio", "copy-text"],
        "2": ["downmix", "resample", "requantise", "clean-text"],
        "3": ["drop"],
        "4": ["drop"],
    }
    params = {
        r["action"]: json.loads(r["parameters"])
        for r in plan.to_dict("records")
        if r["pair_id"] == "2"
    }
    assert params["downmix"]["method"] == "keep-live"
    assert params["resample"] == {"from_hz": 96000.0, "to_hz": 48000, "quality": "VHQ"}
    assert params["clean-text"]["encoding"] == "gb18030"
    assert (
        "made-up-check"
        in json.loads(plan[plan[C.PAIR_ID] == "4"].iloc[0]["parameters"])["reasons"][0]
    )


def test_to_pcm16_dithers_only_when_needed() -> None:
    rng = np.random.default_rng(0)
    exact = np.array([0, 1, -1, 32767, -32768], dtype=np.float64) / 32768
    out, dithered = repair.to_pcm16(exact, rng)
    assert not dithered and out.tolist() == [0, 1, -1, 32767, -32768]
    half = np.full(10000, 0.5 / 32768)
    out, dithered = repair.to_pcm16(half, rng)
    assert dithered
    assert set(np.unique(out)) <= {-1, 0, 1, 2}  # triangular ±1 LSB around 0.5
    assert float(out.mean()) == pytest.approx(0.5, abs=0.05)  # unbiased


def test_anti_phase_channels_are_not_averaged() -> None:
    s = fake_speech(1.0, seed=8)
    method, keep = repair.choose_downmix(np.stack([s, -0.9 * s], axis=1))
    assert (method, keep) == ("keep-strongest", [0])
    method, keep = repair.choose_downmix(np.stack([s, 0.8 * s], axis=1))
    assert (method, keep) == ("average", [0, 1])


def test_package_checks_count_met() -> None:
    manifest = pd.DataFrame(
        {
            C.AUDIO_NAME: [f"{i}.wav" for i in range(20)],
            C.TEXT_NAME: [f"{i}.txt" for i in range(20)],
            C.DURATION_S: 10.0,
        }
    )
    checks = {
        c["name"]: c["ok"] for c in package.package_checks(manifest, load_profile("basic"), 1)
    }
    assert checks == {
        "pair-count": True,
        "file-types": True,
        "clip-duration": True,
        "total-duration": True,
        "zip-size": None,
    }


def test_dest_rules(tmp_path: Path, sample_dataset: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    with pytest.raises(FixError, match="inside the corpus"):
        fixes.check_dest(sample_dataset, sample_dataset, run)
    with pytest.raises(FixError, match="inside the corpus"):
        fixes.check_dest(sample_dataset / "sub" / "x", sample_dataset, run)
    with pytest.raises(FixError, match="contains the corpus"):
        fixes.check_dest(sample_dataset.parent, sample_dataset, run)
    with pytest.raises(FixError, match="contains the run directory"):
        fixes.check_dest(tmp_path, sample_dataset, run)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("x")
    with pytest.raises(FixError, match="not made by"):
        fixes.check_dest(foreign, sample_dataset, run)
    fixes.check_dest(tmp_path / "new", sample_dataset, run)  # fine: does not exist yet


def test_fix_on_the_pool_writes_the_same_bytes_as_one_process(
    sample_fix: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from remediate import scan as scan_mod

    monkeypatch.setattr(scan_mod, "POOL_MIN_FILES", 1)  # the sample has fewer pairs than that
    results = {}
    for jobs in (1, 2):
        dest = tmp_path / f"jobs{jobs}"
        results[jobs] = fixes.fix(
            fixes.FixOptions(
                run_dir=sample_fix["run_dir"],
                dest=dest,
                rename_for_edition=True,
                make_zip=True,
                normalize_loudness=True,
                jobs=jobs,
            )
        )
    assert tree_hashes(tmp_path / "jobs1" / "corpus") == tree_hashes(tmp_path / "jobs2" / "corpus")
    assert sha(tmp_path / "jobs1" / "package.zip") == sha(tmp_path / "jobs2" / "package.zip")
    pd.testing.assert_frame_equal(results[1].fixes, results[2].fixes)
    assert len(results[1].fixes) > 0  # loudness normalisation touched every resubmitted clip


def test_downmix_of_1024_correlated_channels_is_linear_and_right() -> None:
    from remediate.fix.repair import choose_downmix

    rng = np.random.default_rng(0)
    voice = rng.standard_normal(4800)
    x = voice[:, None] * 0.5 + rng.standard_normal((4800, 1024)) * 0.01  # one voice, 1024 mics
    assert choose_downmix(x) == ("average", list(range(1024)))  # was 523,776 corrcoef calls
    x[:, 700] = -x[:, 700]  # one channel wired in opposite phase
    mode, keep = choose_downmix(x)
    assert mode == "keep-strongest" and len(keep) == 1
