"""Where a warm rescan's time goes: each stage of ``remediate scan`` timed on its own.

The stages run in this process on a corpus whose measurements are all cached, each one
``repeat`` times (the best time counts: the machine is shared), in the order the scan
runs them. Imports, the interpreter and the one-pair fixed cost are not included, so the
stages add up to about the warm command's per-file cost the benchmark reports.

    python bench/warm_stages.py CORPUS CACHE_DIR
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def stage_seconds(corpus: Path, cache_dir: Path, repeat: int = 3) -> dict[str, float]:
    """Best wall seconds of each stage of a warm scan of ``corpus`` (cache in ``cache_dir``)."""
    from remediate import pipeline as P
    from remediate import publish
    from remediate.audit import empty_audit_frame
    from remediate.checks import run_checks
    from remediate.config import Config
    from remediate.corpus import discover
    from remediate.join import match_audit
    from remediate.memo import FrameStore, StageMemo
    from remediate.report import manifest_frame
    from remediate.scan import ScanOptions, measure
    from remediate.summary import summarise
    from remediate.verdict import decide

    out: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        best, result = float("inf"), None
        for _ in range(repeat):
            start = time.perf_counter()
            result = fn()
            best = min(best, time.perf_counter() - start)
        out[name] = best
        return result

    with tempfile.TemporaryDirectory() as tmp:
        config = Config(corpus=corpus, out=Path(tmp) / "out", cache_dir=cache_dir)
        profile = P.resolve_profile(config)
        audit = empty_audit_frame()
        listing = timed("corpus walk", lambda: discover(corpus))
        pairs = listing.pairs
        settings = P.probe_settings(profile)
        options = ScanOptions(cache_dir=cache_dir)
        m, stats = timed("cache lookup", lambda: measure(corpus, pairs, settings, options))
        matches = match_audit(audit, pairs)
        store = FrameStore(cache_dir)
        memo = StageMemo(store, stats.state)  # as the scan command does: read when unchanged
        f = timed("checks", lambda: run_checks(pairs, m, profile, listing.other_files, memo=memo))
        report = timed("verdicts", lambda: decide(pairs, m, f, audit, matches))
        m2, _ = timed("assessment", lambda: P.with_assessment(pairs, m, profile, None, memo))
        store.close()

        def summary() -> None:
            summarise(report, f, audit, profile)
            manifest_frame(report)

        timed("summary, manifest", summary)
        timed("re-record list", lambda: P.rerecord_list(report, f, m2, profile))
        result = P.analyse(config, audit)

        def write() -> None:
            shutil.rmtree(config.out, ignore_errors=True)
            with publish.output_folder(config.out, "remediate scan"):
                P.write(result, None, None)

        timed("writing outputs", write)
    return out


if __name__ == "__main__":
    stages = stage_seconds(Path(sys.argv[1]), Path(sys.argv[2]))
    for name, seconds in stages.items():
        print(f"{name:20s} {seconds * 1e3:7.1f} ms")
    print(f"{'total':20s} {sum(stages.values()) * 1e3:7.1f} ms")
