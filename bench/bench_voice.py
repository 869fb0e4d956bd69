"""Benchmark the voice measures (issue 11): DNSMOS and the voice signature, speed and accuracy.

Speed, on a MIDDLE-sized job (100 clips of about 10 s of espeak-ng speech, 48 kHz PCM_16):

* ``remediate scan`` cold without DNSMOS and with ``--dnsmos`` (both on every core): the
  scan's audio-seconds per second, and DNSMOS's share of the cost;
* the voice signature and DNSMOS alone, one process, on the same clips: audio-seconds per
  second of each.

Accuracy, on labelled speech (espeak-ng voices as speakers, alsa-utils' real recordings):

* ``voice_change`` hits and false alarms at the profile's bands (the numbers of
  docs/thresholds.md);
* a clean real-speech corpus (the alsa words joined four at a time) scanned with every
  measure on: its false-alarm rate (any voice finding on it is a false alarm).

Targets: the 100-clip job with every measure on scans in under 30 s; no false alarm on clean
real speech; every male/female splice caught, wherever it sits (a quarter, half or three
quarters into the speech). Same-gender splices are printed against a target of all caught,
a known gap that does not fail the run.

    make bench
    python bench/bench_voice.py --clips 40
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr
from common import WORK, Target, machine_line, print_targets, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import voices as V  # noqa: E402  (the labelled speech the tests use)

from remediate.audio import dnsmos, speaker  # noqa: E402
from remediate.profiles import load_profile  # noqa: E402

RATE = 48000
VOICE_CHECKS = ("audio-dnsmos", "voice-speaker-change", "voice-speaker-outlier")


def speech_corpus(root: Path, clips: int) -> list[np.ndarray]:
    """``clips`` pairs of two espeak-ng sentences (one voice) at 48 kHz; their 16 kHz audio."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    out = []
    pairs = list(itertools.permutations(range(len(V.SENTENCES)), 2))
    for i in range(clips):
        a, b = pairs[i % len(pairs)]
        voice = (V.MALE, V.FEMALE)[i // len(pairs) % 2]
        audio = V.joined(V.espeak(V.SENTENCES[a], voice), V.espeak(V.SENTENCES[b], voice))
        wide = soxr.resample(audio, V.RATE, RATE).astype(np.float32)
        sf.write(str(root / f"audio_{i}.wav"), wide, RATE, subtype="PCM_16")
        text = f"{V.SENTENCES[a]} {V.SENTENCES[b]}\n"
        (root / f"text_{i}.txt").write_text(text, encoding="utf-8")
        out.append(audio)
    return out


def real_corpus(root: Path) -> int:
    """Eight clips of one real speaker (alsa words joined four at a time) at 48 kHz."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    words = [V.alsa(w) for w in V.ALSA_WORDS]
    for i in range(len(words)):
        chosen = (words[i:] + words[:i])[:4]
        audio = soxr.resample(V.joined(*chosen), V.RATE, RATE).astype(np.float32)
        sf.write(str(root / f"audio_{i}.wav"), audio, RATE, subtype="PCM_16")
        names = [V.ALSA_WORDS[(i + k) % len(words)].replace("_", " ") for k in range(4)]
        (root / f"text_{i}.txt").write_text(", ".join(names) + "\n", encoding="utf-8")
    return len(words)


def scan_seconds(corpus: Path, *extra: str) -> tuple[float, dict[str, object]]:
    out = corpus.with_name(corpus.name + "-out")
    shutil.rmtree(out, ignore_errors=True)
    seconds, summary = run_cli(
        ["scan", "--corpus", str(corpus), "--out", str(out), "--no-cache", *extra]
    )
    return seconds, summary


def throughput(clips: list[np.ndarray]) -> tuple[float, float, float]:
    """(audio seconds, signature seconds, DNSMOS seconds) over ``clips``, one process."""
    audio = sum(c.size for c in clips) / V.RATE
    start = time.perf_counter()
    for c in clips:
        speaker.analyse(c)
    voice_s = time.perf_counter() - start
    model = dnsmos.shared_model()
    start = time.perf_counter()
    for c in clips:
        model.score(c)
    return audio, voice_s, time.perf_counter() - start


def labelled() -> tuple[list[float], dict[tuple[str, str, int], float], list[float]]:
    """voice_change of one-voice clips, of splices (two voices, the second coming in at the
    midpoint, a quarter or three quarters in: ``V.spliced``'s ``lead``) and of real speech."""
    people = (V.MALE, V.MALE_2, V.FEMALE, V.FEMALE_2)

    def change(audio: np.ndarray) -> float:
        value = speaker.analyse(audio).voice_change
        return float("nan") if value is None else value

    same = [
        change(V.joined(V.espeak(V.SENTENCES[i], p), V.espeak(V.SENTENCES[i + 1], p)))
        for p in people
        for i in (0, 2)
    ]
    spliced = {
        (a, b, lead): change(V.spliced(a, b, lead))
        for a, b in itertools.permutations(people, 2)
        for lead in (1, 2, 3)
    }
    words = [V.alsa(w) for w in V.ALSA_WORDS]
    real = [change(V.joined(*(words[i:] + words[:i])[:4])) for i in range(len(words))]
    return same, spliced, real


def print_labelled(warn: float, error: float) -> tuple[list[float], list[float]]:
    """Print voice-speaker-change on the labelled clips; (male/female, same-gender) values."""
    same, spliced, real = labelled()
    male = (V.MALE, V.MALE_2)
    cross = [v for (a, b, _), v in spliced.items() if (a in male) != (b in male)]
    alike = [v for (a, b, _), v in spliced.items() if (a in male) == (b in male)]
    print("\nvoice-speaker-change on labelled clips (warning / error band):")
    print(f"  one espeak voice:        {sum(v >= warn for v in same)}/{len(same)} flagged")
    print(f"  one real speaker:        {sum(v >= warn for v in real)}/{len(real)} flagged")
    print(f"  male/female splices:     {sum(v >= error for v in cross)}/{len(cross)} errors")
    print(f"  same-gender splices:     {sum(v >= warn for v in alike)}/{len(alike)} flagged")
    print("  by where the second voice comes in (min-max):")
    for lead in (1, 2, 3):
        at = {k: v for k, v in spliced.items() if k[2] == lead}
        mixed = [v for (a, b, _), v in at.items() if (a in male) != (b in male)]
        one = [v for (a, b, _), v in at.items() if (a in male) == (b in male)]
        print(
            f"    {lead}/4 in: male/female {min(mixed):.2f}-{max(mixed):.2f},"
            f" same gender {min(one):.2f}-{max(one):.2f}"
        )
    return cross, alike


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=100)
    args = parser.parse_args()
    print(machine_line())
    work = WORK / "voice"
    clips = speech_corpus(work / "speech", args.clips)
    audio_s = sum(c.size for c in clips) / V.RATE
    print(f"corpus: {args.clips} clips, {audio_s:.0f} s of speech")

    plain, _ = scan_seconds(work / "speech")
    full, _ = scan_seconds(work / "speech", "--dnsmos")
    sample = clips[: min(20, len(clips))]
    sample_s, voice_s, dnsmos_s = throughput(sample)
    print(f"scan, cold, all cores:          {plain:6.1f} s  ({audio_s / plain:6.0f} audio-s/s)")
    print(f"scan --dnsmos, cold, all cores: {full:6.1f} s  ({audio_s / full:6.0f} audio-s/s)")
    print(f"  DNSMOS share of that scan:    {max(0.0, full - plain) / full:6.0%}")
    print(f"voice signature alone, 1 core:  {sample_s / voice_s:6.0f} audio-s/s")
    print(f"DNSMOS alone, 1 core:           {sample_s / dnsmos_s:6.0f} audio-s/s")

    profile = load_profile("middle")
    warn, error = profile.speaker.change_warning, profile.speaker.change_error
    cross, alike = print_labelled(warn, error)

    clean = real_corpus(work / "real")
    _, summary = scan_seconds(work / "real", "--dnsmos", "--edition", "middle")
    findings = summary.get("findings", {})
    assert isinstance(findings, dict)
    false_alarms = sum(int(findings.get(code, 0)) for code in VOICE_CHECKS)
    print(f"\nclean real speech ({clean} clips, every measure on): {false_alarms} voice findings")
    for code in VOICE_CHECKS:
        print(f"  {code:24s} {findings.get(code, 0)}")

    targets = [
        Target("100-clip job, every measure on (s)", full * 100 / args.clips, 30.0, False, " s"),
        Target("false alarms on clean real speech", float(false_alarms), 0.0, False, ""),
        Target(
            "male/female splices caught (share)",
            sum(v >= error for v in cross) / len(cross),
            1.0,
            True,
            "",
        ),
    ]
    # A known gap (README "One speaker", docs/thresholds.md): printed so a better signature
    # shows its progress, not counted as a failure until the signature can meet it.
    gap = Target(
        "same-gender splices caught (share)",
        sum(v >= warn for v in alike) / len(alike),
        1.0,
        True,
        "",
    )
    missed = print_targets(targets)
    print(gap.line() + "  (known gap, not gating)")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
