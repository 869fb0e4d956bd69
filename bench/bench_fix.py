"""Benchmark `remediate fix` on one process against all cores (issue 14, item 3).

The corpus is generated so that every pair is resubmitted and most are rewritten, as after a
real audit: 48 kHz voiced clips (harmonics under a syllable envelope, fricative noise bursts,
quiet room tone) with 0.2–1.2 s of silence at each end; a third are stereo, a third 96 kHz.
`fix --normalize-loudness` then downmixes, resamples, trims, normalises and requantises, and
re-checks the fixed tree. (The scan benchmark's corpus would not do: its tone+noise clips read
as low-SNR to the voice measures and are mostly dropped, so a fix of them measured start-up.)

Printed: the one-process and all-core times (medians of ``--repeat`` interleaved pairs), the
fixed cost of a one-pair fix (start-up, imports, reading the run, writing), and the speed-up
against its target (>= 1.7x on 2 cores), whole command and with the fixed cost subtracted.

    python bench/bench_fix.py [--clips 400] [--repeat 2]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from common import RATE, WORK, Target, machine_line, print_targets, run_cli

WORDS = (
    "the quick brown fox jumps over lazy dogs while seven bright birds sing near a quiet river"
).split()


def make_fixable_corpus(root: Path, clips: int, seed: int = 3) -> float:
    """Write ``clips`` pairs that need repairs but pass the re-check; their audio-hours
    (idempotent: a complete corpus is reused)."""
    stamp = root / ".complete"
    if stamp.exists() and stamp.read_text() == f"{clips}:{seed}":
        return float(sum(sf.info(str(p)).duration for p in root.glob("*.wav")) / 3600)
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    seconds_total = 0.0
    for i in range(clips):
        seconds = float(rng.uniform(3.0, 8.0))
        t = np.arange(int(seconds * RATE)) / RATE
        f0 = float(rng.uniform(120, 200))
        phase = float(rng.uniform(0, 6))
        syllables = np.sin(2 * np.pi * 2.5 * t + phase)
        glide = 1 + 0.02 * np.sin(2 * np.pi * 0.7 * t)
        x = sum((0.25 / k) * np.sin(2 * np.pi * k * f0 * t * glide) for k in range(1, 12))
        x = x * np.clip(syllables, 0, None) ** 0.5
        x += rng.normal(0, 0.04, t.size) * (syllables > 0.9)  # fricatives: the upper band
        x += rng.normal(0, 0.0005, t.size)
        edge = int(rng.uniform(0.2, 1.2) * RATE)
        x = np.concatenate([rng.normal(0, 0.0003, edge), x, rng.normal(0, 0.0003, edge)])
        rate = RATE
        if i % 3 == 1:
            x = np.stack([x, 0.9 * x], axis=1)
        elif i % 3 == 2:
            x, rate = soxr.resample(x, RATE, 2 * RATE), 2 * RATE
        pcm = np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)
        sf.write(root / f"audio_{i}.wav", pcm, rate, subtype="PCM_16")
        words = [WORDS[(i + j) % len(WORDS)] for j in range(int(seconds * 2.6))]
        (root / f"text_{i}.txt").write_text(" ".join(words) + "\n", encoding="utf-8")
        seconds_total += seconds + 2 * edge / RATE
    stamp.write_text(f"{clips}:{seed}")
    return seconds_total / 3600


def fix_once(run_dir: Path, dest: Path, jobs: int) -> tuple[float, dict[str, object]]:
    shutil.rmtree(dest, ignore_errors=True)
    args = ["fix", "--run-dir", str(run_dir), "--dest", str(dest), "--normalize-loudness"]
    return run_cli([*args, "--jobs", str(jobs)])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    corpus = WORK / f"fixable-{args.clips}"
    print(f"Preparing {args.clips} fixable clips in {corpus} ...", flush=True)
    hours = make_fixable_corpus(corpus, args.clips)
    print(f"{args.clips} clips, {hours:.3f} audio-hours; {machine_line()}\n", flush=True)
    one_pair = WORK / "fixable-1"
    make_fixable_corpus(one_pair, 1)
    with tempfile.TemporaryDirectory() as tmp:
        run_dir, small_run = Path(tmp) / "run", Path(tmp) / "run1"
        run_cli(["scan", "--corpus", str(corpus), "--out", str(run_dir), "--no-cache"])
        run_cli(["scan", "--corpus", str(one_pair), "--out", str(small_run), "--no-cache"])
        ones, alls, fixed_costs = [], [], []
        summary: dict[str, object] = {}
        for _ in range(args.repeat):
            fixed_costs.append(fix_once(small_run, Path(tmp) / "d1", 1)[0])
            seconds, summary = fix_once(run_dir, Path(tmp) / "f1", 1)
            ones.append(seconds)
            alls.append(fix_once(run_dir, Path(tmp) / "fa", 0)[0])
    one, every, fixed = (statistics.median(v) for v in (ones, alls, fixed_costs))
    verdicts = summary.get("verdicts", {})
    actions = summary.get("actions", {})
    print(f"pairs written: {verdicts}; actions: {actions}\n")
    print(f"{'fix of a one-pair run (fixed cost)':44s} {fixed:7.2f} s")
    print(f"{'fix --normalize-loudness, 1 process':44s} {one:7.2f} s")
    print(f"{'fix --normalize-loudness, all cores':44s} {every:7.2f} s")
    net = (one - fixed) / max(every - fixed, 1e-3)
    print(f"{'speed-up with the fixed cost subtracted':44s} {net:7.2f} x")
    missed = print_targets([Target("fix, all cores vs one process", one / every, 1.7, True)])
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
