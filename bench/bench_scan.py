"""Benchmark the scan against baselines measured in the same run (issue 14).

On one generated corpus (48 kHz mono PCM_16 clips of 3–8 s, see ``common.make_corpus``):

* **floor**: read and SHA-256 every file once, on all cores: the least a scan that records
  content hashes can do;
* **numpy loop**: what a user writes in a notebook, one process: soundfile float64 read,
  peak, RMS, clipping and 20 ms frame energies per file;
* **sox**: ``sox FILE -n stat`` per file (the shell-script baseline), where sox is installed;
* ``remediate scan`` **cold** (empty cache) and **warm** (unchanged corpus), whole command
  with interpreter start-up and imports subtracted (measured in the same run);
* ``remediate scan`` **cold without the voice checks** (``--skip`` of both): format, text and
  signal checks only, so the probe leaves out the voice analysis they alone read;
* peak memory of a cold scan of a quarter of the corpus and of all of it.

Targets: cold <= 4x the floor (with and without the voice checks), warm <= 0.5x the
floor, >= 3x the numpy loop, >= 5x sox, memory flat in corpus size. The fix's parallel
speed-up is ``bench_fix.py`` (this corpus reads as noisy to the voice checks: most of it
would be dropped, not fixed).

    make bench                                   # 2,000 clips
    python bench/bench_scan.py --clips 400 --repeat 1
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf
from common import (
    WORK,
    Target,
    machine_line,
    make_corpus,
    peak_rss_mb,
    print_targets,
    run_cli,
    startup_seconds,
    subset,
)
from warm_stages import stage_seconds

#: The voice checks: skipping both leaves the voice analysis out of the probe.
NO_VOICE = ["--skip", "voice-speaker-change", "--skip", "voice-speaker-outlier"]


def _read_hash(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def floor_seconds(files: list[str]) -> float:
    """Read + SHA-256 every file once on all cores (pool start-up excluded)."""
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(_read_hash, files[:4]))  # workers up
        start = time.perf_counter()
        list(pool.map(_read_hash, files, chunksize=16))
        return time.perf_counter() - start


def numpy_loop_seconds(files: list[str]) -> float:
    """The plain notebook loop: float64 read, peak, RMS, clipping, 20 ms energies."""
    start = time.perf_counter()
    for path in files:
        x, rate = sf.read(path)  # float64, the default
        peak = float(np.max(np.abs(x)))
        rms = float(np.sqrt(np.mean(x * x)))
        clipped = int(np.count_nonzero(np.abs(x) >= 0.999))
        frame = int(0.02 * rate)
        n = len(x) // frame
        energies = (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
        _ = (peak, rms, clipped, energies.max())
    return time.perf_counter() - start


def sox_seconds(files: list[str], limit: int) -> tuple[float, int] | None:
    sox = shutil.which("sox")
    if sox is None:
        return None
    chosen = files[:limit]
    start = time.perf_counter()
    for p in chosen:
        subprocess.run([sox, p, "-n", "stat"], capture_output=True, check=False)
    return time.perf_counter() - start, len(chosen)


#: What the cold scan's time per clip is spent on: (label, module path suffix, function).
PROFILED: tuple[tuple[str, str, str], ...] = (
    ("whole probe", "audio/probe.py", "probe"),
    ("voice analysis (16 kHz: resample, YIN, MFCC, change search)", "audio/listen.py", "add"),
    ("48 kHz spectrogram (noise/SNR, RT60, bandwidth share it)", "audio/voice.py", "spectrogram"),
    ("RT60 decay search", "audio/voice.py", "decay_times"),
    ("clicks", "audio/voice.py", "clicks"),
    ("noise floor and SNR", "audio/voice.py", "noise_snr"),
)


def probe_profile(files: list[str], clips: int = 60) -> dict[str, float]:
    """ms per clip of the probe and its costliest parts (cProfile, one process, cumulative
    time of each function over ``clips`` files): the evidence of what bounds the cold scan."""
    import cProfile
    import pstats

    from remediate.audio.probe import ProbeSettings, probe

    chosen = files[:clips]
    profiler = cProfile.Profile()
    profiler.enable()
    for f in chosen:
        probe(Path(f), ProbeSettings())
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for label, module, name in PROFILED:
        seconds = sum(
            v[3] for (path, _, fn), v in stats.items() if fn == name and path.endswith(module)
        )
        out[label] = 1e3 * seconds / len(chosen)
    return out


def scan_memory_mb(corpus: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        return peak_rss_mb(
            "from pathlib import Path; from remediate.config import Config;"
            "from remediate.pipeline import scan;"
            f"scan(Config(corpus=Path({str(corpus)!r}), out=Path({tmp!r}) / 'o', cache_dir=None))"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clips", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sox-files", type=int, default=300, help="files timed for sox stat")
    args = parser.parse_args()

    corpus = WORK / f"corpus-{args.clips}"
    print(f"Preparing {args.clips} clips in {corpus} ...", flush=True)
    hours = make_corpus(corpus, args.clips)
    n = args.clips
    files = sorted(str(p) for p in corpus.glob("*.wav"))
    print(f"{n} clips, {hours:.3f} audio-hours; {machine_line()}\n", flush=True)

    floor = min(floor_seconds(files) for _ in range(args.repeat))
    loop_files = files[: max(1, n // 4)]
    numpy_loop = numpy_loop_seconds(loop_files) * len(files) / len(loop_files)
    sox = sox_seconds(files, args.sox_files)

    # Start-up, cold and warm are measured back to back in each repeat, and the start-up is
    # subtracted within the repeat, so load that drifts over the run cancels out.
    starts, cold_runs, warm_runs, quick_runs = [], [], [], []
    cold_stage, warm_stage, quick_stage = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start_up = startup_seconds(corpus)
            common = ["scan", "--corpus", str(corpus), "--cache-dir"]
            for argv, runs, stage in (
                ([*common, f"{tmp}/cache", "--out", f"{tmp}/cold"], cold_runs, cold_stage),
                ([*common, f"{tmp}/cache", "--out", f"{tmp}/warm"], warm_runs, warm_stage),
                (
                    [*common, f"{tmp}/quick", *NO_VOICE, "--out", f"{tmp}/q"],
                    quick_runs,
                    quick_stage,
                ),
            ):
                t, summary = run_cli(argv)
                runs.append(max(t - start_up, 1e-3))
                stage.append(float(summary["scan"]["seconds"]))  # type: ignore[index]
            starts.append(start_up)
            stages = stage_seconds(corpus, Path(tmp) / "cache")  # the last repeat's counts
    start_up = statistics.median(starts)
    cold, warm = statistics.median(cold_runs), statistics.median(warm_runs)
    cold_s, warm_s = statistics.median(cold_stage), statistics.median(warm_stage)
    quick, quick_s = statistics.median(quick_runs), statistics.median(quick_stage)

    quarter = subset(corpus, WORK / f"corpus-{args.clips}-quarter", max(1, n // 4))
    mem_quarter, mem_full = scan_memory_mb(quarter), scan_memory_mb(corpus)

    def rate(seconds: float, count: int = n) -> str:
        audio_h = hours * count / n
        return f"{count / seconds:8.0f} files/s  {audio_h / seconds:6.2f} audio-h/s"

    def row(name: str, seconds: float, count: int = n, note: str = "") -> None:
        print(f"{name:44s} {seconds:7.2f} s  {rate(seconds, count)}  {note}")

    row("floor: read + SHA-256, all cores", floor)
    row("plain soundfile+numpy loop, 1 process", numpy_loop, note="(extrapolated)")
    if sox:
        row("sox FILE -n stat, per file", sox[0] * n / sox[1], note=f"(from {sox[1]} files)")
    print(f"{'fixed cost of a scan command (1 pair)':44s} {start_up:7.2f} s  (subtracted below)")
    row("remediate scan, cold", cold)
    row("  measuring stage alone", cold_s)
    row("remediate scan, warm", warm)
    row("  measuring stage alone", warm_s)
    print(
        f"{'  warm cost per file':44s} {1e6 * warm / n:7.0f} us; stages in one process, fixed costs in:"
    )
    for name, seconds in stages.items():
        print(f"{'    ' + name:44s} {1e6 * seconds / n:7.0f} us")
    row("remediate scan, cold, voice checks skipped", quick)
    row("  measuring stage alone", quick_s)
    print(f"{'peak RSS, cold scan of ' + str(max(1, n // 4)) + ' clips':44s} {mem_quarter:7.1f} MB")
    print(f"{'peak RSS, cold scan of ' + str(n) + ' clips':44s} {mem_full:7.1f} MB")

    profile = probe_profile(files)
    print("\nWhat bounds the cold scan (cProfile of the probe, one process, ms per clip):")
    for name, ms in profile.items():
        print(f"    {name:60s} {ms:6.1f} ms")
    per_core = floor / n * 1e3 * 4 * (os.cpu_count() or 1)
    print(
        f"    the 4x-floor target leaves {per_core:.1f} ms of one core per clip: the voice measures"
        " alone take more"
    )

    targets = [
        Target("cold scan / floor", cold / floor, 4.0, higher_is_better=False),
        Target("cold scan, voice checks skipped / floor", quick / floor, 4.0, False),
        Target("warm scan / floor", warm / floor, 0.5, higher_is_better=False),
        Target("cold scan speed-up over the numpy loop", numpy_loop / cold, 3.0, True),
    ]
    if sox:
        targets.append(
            Target("cold scan speed-up over sox stat", sox[0] * n / sox[1] / cold, 5.0, True)
        )
    targets.append(Target("peak memory, 4x corpus / 1x", mem_full / mem_quarter, 1.5, False))
    missed = print_targets(targets)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
