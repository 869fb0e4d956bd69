"""Benchmark the corpus scan against baselines measured in the same run.

Generates (once, cached in bench/work/) a corpus of synthetic 48 kHz mono PCM_16 clips of
3–8 s (tone + noise, ~5 % clipped, near-silent edges, a transcript beside each), then
measures on the same machine, in the same run:

* raw decode: a plain soundfile int16 read loop over every file (one process);
* ``remediate scan`` cold (empty cache) and warm (unchanged corpus, cache hit);
* ``sox FILE -n stat`` per file, where sox is installed (the usual shell-script baseline);
* peak memory of a cold scan on a quarter of the corpus and on all of it.

and prints the ratios against the targets of issue 4. Timings are medians of a few runs;
the machine is shared, so read ratios, not absolute numbers.

    make bench                       # 2,000 clips
    python bench/bench_scan.py --clips 400 --repeat 1   # quick look
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RATE = 48000


def make_corpus(root: Path, clips: int, seed: int = 7) -> float:
    """Write the synthetic corpus (idempotent: reuses a complete one). Returns audio hours."""
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


def raw_decode(root: Path) -> float:
    files = sorted(root.glob("*.wav"))
    start = time.perf_counter()
    for p in files:
        sf.read(p, dtype="int16")
    return time.perf_counter() - start


def sox_stat(root: Path, limit: int) -> tuple[float, int] | None:
    sox = shutil.which("sox")
    if sox is None:
        return None
    files = sorted(root.glob("*.wav"))[:limit]
    start = time.perf_counter()
    for p in files:
        subprocess.run([sox, str(p), "-n", "stat"], capture_output=True, check=False)
    return time.perf_counter() - start, len(files)


def scan_cli(
    corpus: Path, out: Path, cache: Path, jobs: int = 0
) -> tuple[float, dict[str, object]]:
    """Run ``remediate scan`` as a subprocess; (wall seconds, summary)."""
    exe = Path(sys.executable).with_name("remediate")
    cmd = [
        str(exe),
        "scan",
        "--corpus",
        str(corpus),
        "--out",
        str(out),
        "--json",
        "--cache-dir",
        str(cache),
        "--jobs",
        str(jobs),
    ]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=True, text=True)
    return time.perf_counter() - start, json.loads(done.stdout)


def peak_rss_mb(corpus: Path) -> float:
    """Peak RSS (MB) of the largest process of a cold scan of ``corpus`` (fresh interpreter)."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import resource, sys; from pathlib import Path; from remediate.config import Config;"
            "from remediate.pipeline import scan;"
            f"scan(Config(corpus=Path({str(corpus)!r}), out=Path({tmp!r}) / 'o', cache_dir=None));"
            "s = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss;"
            "c = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
            "print(max(s, c) / 1024)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        return float(done.stdout.strip().splitlines()[-1])


def subset(root: Path, dest: Path, clips: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for i in range(clips):
        for name in (f"audio_{i}.wav", f"text_{i}.txt"):
            os.link(root / name, dest / name)
    return dest


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sox-files", type=int, default=500, help="files timed for sox stat")
    args = parser.parse_args()

    corpus = WORK / f"corpus-{args.clips}"
    print(f"Preparing {args.clips} clips in {corpus} ...", flush=True)
    hours = make_corpus(corpus, args.clips)
    n = args.clips
    print(f"{n} clips, {hours:.3f} audio-hours, cores={os.cpu_count()}\n", flush=True)

    raw = statistics.median(raw_decode(corpus) for _ in range(args.repeat))
    cold_times, warm_times, cold_stage, warm_stage = [], [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache"
            t, summary = scan_cli(corpus, Path(tmp) / "out-cold", cache)
            cold_times.append(t)
            cold_stage.append(float(summary["scan"]["seconds"]))  # type: ignore[index]
            t, summary = scan_cli(corpus, Path(tmp) / "out-warm", cache)
            warm_times.append(t)
            warm_stage.append(float(summary["scan"]["seconds"]))  # type: ignore[index]
    cold, warm = statistics.median(cold_times), statistics.median(warm_times)
    cold_s, warm_s = statistics.median(cold_stage), statistics.median(warm_stage)
    scan_info = summary.get("scan", {})
    sox = sox_stat(corpus, args.sox_files)

    quarter = subset(corpus, WORK / f"corpus-{args.clips}-quarter", max(1, n // 4))
    mem_quarter = peak_rss_mb(quarter)
    mem_full = peak_rss_mb(corpus)

    def rate(seconds: float, files: int = n) -> str:
        return f"{files / seconds:8.0f} files/s  {hours * files / n / seconds:6.2f} audio-h/s"

    print(f"{'raw int16 decode (1 process)':34s} {raw:7.2f} s  {rate(raw)}")
    print(f"{'remediate scan, cold (command)':34s} {cold:7.2f} s  {rate(cold)}")
    print(f"{'  measuring stage alone':34s} {cold_s:7.2f} s  {rate(cold_s)}")
    print(f"{'remediate scan, warm (command)':34s} {warm:7.2f} s  {rate(warm)}")
    print(f"{'  measuring stage alone':34s} {warm_s:7.2f} s  {rate(warm_s)}   {scan_info}")
    if sox is not None:
        print(
            f"{'sox stat, one process per file':34s} {sox[0]:7.2f} s  {rate(sox[0], sox[1])}  ({sox[1]} files)"
        )
    else:
        print("sox stat: sox not installed, baseline skipped")
    print(f"{'peak RSS, cold scan of ' + str(max(1, n // 4)) + ' clips':34s} {mem_quarter:7.1f} MB")
    print(f"{'peak RSS, cold scan of ' + str(n) + ' clips':34s} {mem_full:7.1f} MB")

    print("\nRatios (target in brackets):")
    checks = []
    r_raw = raw / cold
    checks.append(("cold scan / raw decode throughput", r_raw, 1 / 5, f"{r_raw:.2f} [>= 0.20]"))
    r_raw_s = raw / cold_s
    checks.append(("  measuring stage / raw decode", r_raw_s, 1 / 5, f"{r_raw_s:.2f} [>= 0.20]"))
    if sox is not None:
        sox_per_file = sox[0] / sox[1]
        r_sox = sox_per_file * n / cold
        checks.append(("cold scan vs sox stat", r_sox, 5.0, f"{r_sox:.1f}x [>= 5x]"))
    r_warm = cold / warm
    checks.append(("warm rescan speed-up over cold", r_warm, 20.0, f"{r_warm:.1f}x [>= 20x]"))
    r_warm_s = cold_s / warm_s
    checks.append(("  measuring stage, warm vs cold", r_warm_s, 20.0, f"{r_warm_s:.1f}x [>= 20x]"))
    r_mem = mem_full / mem_quarter
    checks.append(("peak memory, 4x corpus / 1x", 1 / r_mem, 1 / 1.5, f"{r_mem:.2f} [<= 1.5]"))
    failed = 0
    for name, value, target, text in checks:
        ok = value >= target
        failed += not ok
        print(f"  {'PASS' if ok else 'MISS'}  {name:36s} {text}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
