"""Benchmark ``remediate batch``: many jobs against the local fake MetaStudio (issue 13).

50 jobs in AUDIT_FAILED (two pages of the job list), each with its own 100-pair corpus
(hard links into one generated corpus, so every job's files are distinct paths: nothing is
shared through the scan cache on the first run) and one shared scan cache. Measured in one
run, with the real ``remediate batch`` command against the fake server on 127.0.0.1:

* **cold**: empty output root and cache: start-up, API calls, scanning, writing;
* **unchanged**: the same batch again: every job is skipped (API calls + corpus fingerprint);
* **rerun, warm cache**: a settings change reruns every round with every file cached: the
  per-job fixed cost without scanning (discovery, checks, verdicts, Parquet, history);
* **baseline**: one ``remediate scan`` of all the jobs' clips in one corpus, cold: the
  scanning work alone, paid once.

Per job, from the batch summary: load (3 API calls and the corpus fingerprint), scan, the rest of the run, writing
the round (history, round.json). Targets: cold batch under 180 s on 2 cores (the issue's
"a few minutes"), cold batch <= 1.5x the one-corpus scan baseline (the per-job cost must
not dominate), unchanged batch <= 0.1x cold.

    make bench                              # every benchmark
    python bench/bench_batch.py --jobs 10 --pairs 50
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import REMEDIATE, WORK, Target, machine_line, make_corpus, print_targets, subset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from fake_metastudio import AK, PROJECT, SK, FakeMetaStudio, serve  # noqa: E402


def audit(*flagged: int) -> bytes:
    errors = [
        {"audio_name": f"audio_{i}.wav", "text_name": f"text_{i}.txt", "error_code": "MSS.20020011"}
        for i in flagged
    ]
    return json.dumps(
        {"system_audit_result": {"audit_time": 1764050400, "errors": errors}}
    ).encode()


def setup(root: Path, jobs: int, pairs: int, base: Path) -> tuple[FakeMetaStudio, Path]:
    """Per-job corpora (hard links), the project file, and the fake with every job."""
    fake = FakeMetaStudio()
    entries = []
    for j in range(jobs):
        job_id = f"bench-{j:03d}"
        subset(base, root / "corpora" / job_id, pairs)
        fake.add_job(job_id, "MIDDLE", audit(3, 9, j % pairs), reject_times=1 + j % 3)
        entries.append(f'[[jobs]]\njob_id = "{job_id}"\ncorpus = "corpora/{job_id}"\n')
    for j in range(110 - jobs if jobs < 110 else 0):  # unmapped jobs: the list takes two pages
        fake.add_job(f"other-{j:03d}", voice_name=f"other {j}")
    toml = root / "remediate.toml"
    toml.write_text(
        '[defaults]\nout = "out"\ncache_dir = "cache"\nlanguage = "EN"\n\n' + "\n".join(entries)
    )
    return fake, toml


def batch(url: str, toml: Path) -> tuple[float, dict[str, Any]]:
    env = {
        **os.environ,
        "HUAWEICLOUD_SDK_AK": AK,
        "HUAWEICLOUD_SDK_SK": SK,
        "OPENBLAS_NUM_THREADS": "1",
    }
    args = [REMEDIATE, "batch", "--config", str(toml), "--endpoint", url, "--project-id", PROJECT]
    start = time.perf_counter()
    done = subprocess.run(
        [*args, "--json", "--log-level", "warning"], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 12, 13):
        raise RuntimeError(f"remediate batch exited {done.returncode}: {done.stderr[-2000:]}")
    return seconds, json.loads(done.stdout)


def per_job(summary: dict[str, Any], key: str) -> float:
    """Median seconds of one stage per job that ran."""
    values = [
        j["seconds"].get(key, 0.0) for j in summary["jobs"] if j.get("action") in ("run", "rerun")
    ]
    return statistics.median(values) if values else 0.0


def stage_sums(summary: dict[str, Any]) -> dict[str, float]:
    jobs = [j for j in summary["jobs"] if j["seconds"]]
    return {
        k: sum(j["seconds"].get(k, 0.0) for j in jobs)
        for k in ("load", "scan", "run", "write", "total")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=100)
    args = parser.parse_args()
    work = WORK / "batch"
    base = WORK / f"batch-base-{args.pairs}"
    hours = make_corpus(base, args.pairs, seed=11)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    fake, toml = setup(work, args.jobs, args.pairs, base)
    clips = args.jobs * args.pairs
    print(
        f"{machine_line()}\n{args.jobs} jobs x {args.pairs} pairs = {clips} clips ({hours * args.jobs:.2f} audio-hours)"
    )

    # baseline: one cold scan of every job's clips as one corpus (distinct paths, hard links)
    merged = work / "merged"
    merged.mkdir()
    for j, corpus in enumerate(sorted((work / "corpora").iterdir())):
        for f in corpus.iterdir():
            os.link(f, merged / f"{f.stem.split('_')[0]}_{j}x{f.stem.split('_')[1]}{f.suffix}")
    start = time.perf_counter()
    subprocess.run(
        [
            REMEDIATE,
            "scan",
            "--corpus",
            str(merged),
            "--out",
            str(work / "scan-out"),
            "--no-cache",
            "--json",
        ],
        capture_output=True,
        check=True,
    )
    scan_all = time.perf_counter() - start

    with serve(fake) as url:
        cold, cold_doc = batch(url, toml)
        unchanged, unchanged_doc = batch(url, toml)
        toml.write_text(
            toml.read_text().replace(
                'language = "EN"', 'language = "EN"\nset = ["duration.max_s=14.9"]'
            )
        )
        rerun, rerun_doc = batch(url, toml)
    statuses = {j["status"] for j in unchanged_doc["jobs"] if j["status"] != "unmapped"}
    assert statuses == {"unchanged"}, statuses
    sums = stage_sums(cold_doc)
    ran = sum(j.get("action") == "run" for j in cold_doc["jobs"])
    outside = cold - sums["total"]  # start-up, listing, summary
    print(f"\nbaseline: one `remediate scan` of all {clips} clips, cold        {scan_all:7.2f} s")
    print(f"cold batch, {ran} jobs (whole command)                            {cold:7.2f} s")
    print(f"  start-up, job list, summary (once)                              {outside:7.2f} s")
    print(
        f"  scanning (sum over jobs)                                        {sums['scan']:7.2f} s"
    )
    print(
        f"  per job, median: API calls + plan {per_job(cold_doc, 'load'):.3f} s, scan {per_job(cold_doc, 'scan'):.3f} s, "
        f"rest of the run {per_job(cold_doc, 'run') - per_job(cold_doc, 'scan'):.3f} s, "
        f"writing the round {per_job(cold_doc, 'write'):.3f} s"
    )
    fixed = (cold - outside - sums["scan"]) / max(ran, 1)
    print(f"  per-job fixed cost (everything but scanning), mean             {fixed:7.3f} s")
    print(f"unchanged batch (every job skipped)                            {unchanged:7.2f} s")
    print(
        f"rerun with a warm cache (settings changed)                     {rerun:7.2f} s"
        f"  = {(rerun - outside) / max(ran, 1):.3f} s per job"
    )
    targets = [
        Target("cold batch, seconds", cold, 180.0, False, " s"),
        Target("cold batch / one-corpus scan", cold / scan_all, 1.5, False),
        Target("unchanged batch / cold batch", unchanged / cold, 0.1, False),
    ]
    return 1 if print_targets(targets) else 0


if __name__ == "__main__":
    sys.exit(main())
