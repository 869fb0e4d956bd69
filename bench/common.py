"""Shared pieces of the benchmarks: the generated corpus, timing, and the ratio table.

Every benchmark compares against baselines measured in the same run on the same machine,
because the project machines are shared and noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
#: Generated corpora and scratch files (``REMEDIATE_BENCH_WORK`` puts them elsewhere, e.g. /tmp).
WORK = Path(os.environ.get("REMEDIATE_BENCH_WORK") or HERE / "work")
RATE = 48000
REMEDIATE = str(Path(sys.executable).with_name("remediate"))


def make_corpus(root: Path, clips: int, seed: int = 7) -> float:
    """Write ``clips`` synthetic 48 kHz mono PCM_16 clips of 3–8 s with a transcript each
    (idempotent: a complete corpus is reused). Returns its audio hours.

    Tone + noise with a slow envelope, near-silent edges of 0–0.5 s, about 5 % clipped.
    """
    stamp = root / ".complete"
    if stamp.exists() and stamp.read_text() == f"{clips}:{seed}":
        return sum(sf.info(str(p)).duration for p in root.glob("*.wav")) / 3600
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    total = 0.0
    for i in range(clips):
        seconds = float(rng.uniform(3.0, 8.0))
        n = int(seconds * RATE)
        t = np.arange(n) / RATE
        freq = float(rng.uniform(120, 400))
        x = 0.3 * np.sin(2 * np.pi * freq * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))
        x += rng.normal(0, 0.02, n)
        edge = int(rng.uniform(0, 0.5) * RATE)
        x[:edge] *= 0.001
        x[n - edge :] *= 0.001
        if rng.random() < 0.05:
            x *= 5.0
        pcm = np.clip(np.round(x * 32767), -32768, 32767).astype(np.int16)
        sf.write(root / f"audio_{i}.wav", pcm, RATE, subtype="PCM_16")
        (root / f"text_{i}.txt").write_text(f"synthetic sentence number {i}\n", encoding="utf-8")
        total += seconds
    stamp.write_text(f"{clips}:{seed}")
    return total / 3600


def subset(root: Path, dest: Path, clips: int) -> Path:
    """Hard-link the first ``clips`` pairs of ``root`` into ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for i in range(clips):
        for name in (f"audio_{i}.wav", f"text_{i}.txt"):
            os.link(root / name, dest / name)
    return dest


def median_time(fn: Callable[[], object], repeat: int) -> float:
    """Median wall seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_cli(args: list[str]) -> tuple[float, dict[str, object]]:
    """Run ``remediate ARGS --json`` in a subprocess: (wall seconds, the JSON document)."""
    start = time.perf_counter()
    done = subprocess.run([REMEDIATE, *args, "--json"], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"remediate {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return seconds, json.loads(done.stdout)


def startup_seconds(corpus: Path, repeat: int = 1) -> float:
    """The fixed cost of one ``remediate scan`` command: interpreter start-up, imports and
    writing a run folder, measured as the whole command on a one-pair copy of ``corpus``
    (subtracted from command times, so what remains is the per-file cost)."""
    one = subset(corpus, corpus.with_name(corpus.name + "-one"), 1)
    times = []
    for i in range(repeat):
        out = one.with_name(one.name + f"-out{i}")
        shutil.rmtree(out, ignore_errors=True)
        seconds, _ = run_cli(["scan", "--corpus", str(one), "--out", str(out), "--no-cache"])
        times.append(seconds)
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(times)


def peak_rss_mb(code: str) -> float:
    """Peak RSS in MB of the largest process (self or children) running ``code`` in a fresh
    interpreter (``code`` must not print)."""
    probe = (
        f"{code}\nimport resource\n"
        "s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(max(s, c) / 1024)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def own_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass(frozen=True)
class Target:
    """One ratio against its target: ``ok`` when ``value`` is on the right side of it."""

    name: str
    value: float
    target: float
    higher_is_better: bool
    unit: str = "x"

    @property
    def ok(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    def line(self) -> str:
        sign = ">=" if self.higher_is_better else "<="
        status = "PASS" if self.ok else "MISS"
        return f"  {status}  {self.name:44s} {self.value:7.2f}{self.unit} [{sign} {self.target:g}{self.unit}]"


def print_targets(targets: list[Target]) -> int:
    """Print the ratio table; the number of missed targets."""
    print("\nRatios (target in brackets):")
    for t in targets:
        print(t.line())
    return sum(not t.ok for t in targets)


def machine_line() -> str:
    import platform

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
