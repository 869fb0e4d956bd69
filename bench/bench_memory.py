"""Peak memory on hostile input (issue 8.8): each case against a clean baseline.

Every case is a small corpus (or audit, or fix) built here, measured in a fresh
interpreter (peak RSS of the process and its workers). Memory must stay bounded by a
constant plus the largest clip the profile allows, so the target is each case's peak
at most 1.5x the peak of scanning one clean 15 s clip (the largest BASIC allows):

* a WAV whose header says 1 Hz (the probe once kept one float64 per sample),
* a 100 MB transcript (not decoded: text-too-large),
* a 2.9 MB audit result of a million ``{}`` entries (refused: exit 4),
* a 1024-channel 0.1 s clip through ``fix`` (downmix),
* a 6-hour FLAC named ``.wav`` (named by its magic bytes, never decoded).

Usage::

    python bench/bench_memory.py
"""

from __future__ import annotations

import struct
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from common import Target, machine_line, peak_rss_mb, print_targets

SENTENCE = "A sentence of the right length for its clip.\n"


def _clip(path: Path, seconds: float, channels: int = 1, rate: int = 48000) -> None:
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((round(seconds * rate), channels)) * 3000).astype(np.int16)
    sf.write(path, x, rate, subtype="PCM_16")


def _corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "text_0.txt").write_text(SENTENCE)
    return root


def _scan(corpus: Path, out: Path, audit: Path | None = None) -> float:
    call = (
        f"run(Config(corpus=Path({str(corpus)!r}), out=Path({str(out)!r}), cache_dir=None, "
        f"audit_file=Path({str(audit)!r})))"
        if audit
        else f"scan(Config(corpus=Path({str(corpus)!r}), out=Path({str(out)!r}), cache_dir=None))"
    )
    return peak_rss_mb(
        "from pathlib import Path\nfrom remediate.config import Config\n"
        "from remediate.errors import RemediateError\n"
        "from remediate.pipeline import run, scan\n"
        f"try:\n    {call}\nexcept RemediateError:\n    pass\n"
    )


def _fix(run_dir: Path, dest: Path) -> float:
    return peak_rss_mb(
        "from pathlib import Path\nfrom remediate.fix.command import FixOptions, fix\n"
        f"fix(FixOptions(run_dir=Path({str(run_dir)!r}), dest=Path({str(dest)!r})))"
    )


def main() -> int:
    print(machine_line())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        base = _corpus(tmp / "clean")
        _clip(base / "audio_0.wav", 15.0)
        baseline = _scan(base, tmp / "o-clean")
        cases: dict[str, float] = {}

        low = _corpus(tmp / "low-rate")
        _clip(low / "audio_0.wav", 5.0)
        data = bytearray((low / "audio_0.wav").read_bytes())
        data[24:28] = struct.pack("<I", 1)  # 1 Hz: 240,000 "seconds" of audio
        (low / "audio_0.wav").write_bytes(bytes(data))
        cases["WAV header at 1 Hz"] = _scan(low, tmp / "o-low")

        big = _corpus(tmp / "big-text")
        _clip(big / "audio_0.wav", 5.0)
        (big / "text_0.txt").write_bytes(b"word " * (20 * 1024 * 1024))  # 100 MB
        cases["100 MB transcript"] = _scan(big, tmp / "o-big")

        audit = tmp / "million.json"
        audit.write_text(
            '{"system_audit_result": {"errors": [' + ",".join(["{}"] * 1_000_000) + "]}}"
        )
        cases["audit of 1,000,000 {} (2.9 MB)"] = _scan(base, tmp / "o-audit", audit)

        wide = _corpus(tmp / "wide")
        _clip(wide / "audio_0.wav", 0.1, channels=1024)
        _scan(wide, tmp / "o-wide")
        cases["1024-channel 0.1 s clip, fix"] = _fix(tmp / "o-wide", tmp / "d-wide")

        flac = _corpus(tmp / "flac")
        with sf.SoundFile(flac / "audio_0.wav", "w", 8000, 1, format="FLAC") as snd:
            block = np.zeros(8000 * 60, dtype=np.int16)
            for _ in range(6 * 60):  # six hours of (silent) FLAC under a .wav name
                snd.write(block)
        cases["6-hour FLAC named .wav"] = _scan(flac, tmp / "o-flac")

    print(f"{'peak RSS, scan of one clean 15 s clip':44s} {baseline:7.1f} MB (baseline)")
    for name, mb in cases.items():
        print(f"{'peak RSS, ' + name:44s} {mb:7.1f} MB")
    targets = [
        Target(f"{name} / baseline", mb / baseline, 1.5, higher_is_better=False)
        for name, mb in cases.items()
    ]
    return 1 if print_targets(targets) else 0


if __name__ == "__main__":
    sys.exit(main())
