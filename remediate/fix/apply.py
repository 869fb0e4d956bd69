"""Applying a fix plan: each pair's repairs written into a new tree, never in place.

``apply_plan`` executes a plan (:mod:`remediate.fix.plan`) reading from the corpus and
writing under an output folder with the same relative names, on a process pool like
the scan, and returns what it did measured on the signal (``value_before`` /
``value_after``). The repairs are the registry's (:mod:`remediate.fix.actions`); copies
stay byte copies.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.audio.probe import ProbeSettings, read_samples, sha256_file, write_wav_pcm16
from remediate.errors import OutputError
from remediate.fix.actions import (
    DROP,
    as_number,
    audio_action_names,
    process_audio,
    process_text,
)
from remediate.profiles import Profile
from remediate.progress import ProgressCallback


@dataclass(frozen=True)
class ApplyResult:
    """Fix log rows, the pairs written (pair_id → relative audio/text names), and pairs that
    could not be fixed (pair_id → reason)."""

    fixes: pd.DataFrame
    written: dict[str, tuple[str, str]]
    failed: dict[str, str]


def _seed(pid: str, digest: str | None) -> int:
    return int(hashlib.sha256(f"{pid}:{digest}".encode()).hexdigest()[:16], 16)


def apply_plan(
    plan: pd.DataFrame,
    measurements: pd.DataFrame,
    corpus: Path,
    out_corpus: Path,
    profile: Profile,
    settings: ProbeSettings,
    jobs: int = 1,
    progress: ProgressCallback | None = None,
) -> ApplyResult:
    """Execute ``plan`` reading from ``corpus`` and writing under ``out_corpus`` with the
    same relative names. A pair whose source changed since the run (audio sha256), or
    that cannot be decoded or processed, is not written and comes back in ``failed``.

    Pairs are independent, so with ``jobs`` > 1 (0 = one per core) they are repaired on a
    process pool like the scan; results are gathered in plan order, and each pair's dither
    is seeded from its id and source hash, so the bytes equal a one-process run's.
    ``progress`` gets (pairs done, pairs to write). Raises OutputError when the output
    cannot be written."""
    from remediate.scan import POOL_MIN_FILES
    from remediate.workers import ordered_map

    tasks = [
        (pid, actions, m, corpus, out_corpus, profile, settings)
        for pid, actions, m in _pairs_to_write(plan, measurements)
    ]
    outcomes = ordered_map(_apply_task, tasks, jobs, POOL_MIN_FILES, progress)
    logs: list[dict[str, Any]] = []
    written: dict[str, tuple[str, str]] = {}
    failed: dict[str, str] = {}
    for task, (rows, failure, os_error) in zip(tasks, outcomes, strict=True):
        pid, m = task[0], task[2]
        if os_error is not None:
            raise OutputError(f"cannot write fixed pair {pid}: {os_error}")
        if failure is not None:
            failed[pid] = failure
            continue
        logs.extend({C.PAIR_ID: pid, **row} for row in rows)
        written[pid] = (str(m[C.AUDIO_NAME]), str(m[C.TEXT_NAME]))
    fixes = pd.DataFrame(logs, columns=C.FIX_COLUMNS).astype("str")
    return ApplyResult(fixes.reset_index(drop=True), written, failed)


def _pairs_to_write(
    plan: pd.DataFrame, measurements: pd.DataFrame
) -> list[tuple[str, list[tuple[str, str, dict[str, Any]]], dict[str, Any]]]:
    """(pair id, its planned (action, check, parameters), its measurements) of every pair
    the plan writes (not dropped), in plan order."""
    facts = {r[C.PAIR_ID]: r for r in C.records(measurements)}
    out = []
    for pid, group in plan.groupby(C.PAIR_ID, sort=False):
        actions = [
            (str(a), str(c), json.loads(p))
            for a, c, p in zip(group[C.ACTION], group[C.CHECK], group[C.PARAMETERS], strict=True)
        ]
        if not any(a == DROP for a, _, _ in actions):
            out.append((str(pid), actions, facts[str(pid)]))
    return out


#: One pair's work: (pair id, actions, its measurements, corpus, out corpus, profile, settings).
_PairTask = tuple[
    str, list[tuple[str, str, dict[str, Any]]], dict[str, Any], Path, Path, Profile, ProbeSettings
]


def _apply_task(task: _PairTask) -> tuple[list[dict[str, Any]], str | None, str | None]:
    """Repair one pair (in a worker or in-process): (log rows, why it failed, OS error).

    Failures come back as values rather than exceptions so a pool never has to pickle
    one, and the parent decides in plan order."""
    pid, actions, m, corpus, out_corpus, profile, settings = task
    audio_name, text_name = str(m[C.AUDIO_NAME]), str(m[C.TEXT_NAME])
    try:
        return _apply_pair(pid, actions, m, corpus, out_corpus, profile, settings), None, None
    except (ValueError, UnicodeDecodeError, LookupError) as exc:
        remove_files(out_corpus, audio_name, text_name)
        return [], f"fix failed: {exc}", None
    except _SourceChanged as exc:
        remove_files(out_corpus, audio_name, text_name)
        return [], str(exc), None
    except OSError as exc:
        return [], None, str(exc.strerror or exc)


class _SourceChanged(Exception):
    pass


def remove_files(root: Path, *names: str) -> None:
    for name in names:
        with contextlib.suppress(OSError):
            (root / name).unlink()


def _apply_pair(
    pid: str,
    actions: list[tuple[str, str, dict[str, Any]]],
    m: dict[str, Any],
    corpus: Path,
    out_corpus: Path,
    profile: Profile,
    settings: ProbeSettings,
) -> list[dict[str, Any]]:
    audio_name, text_name = str(m[C.AUDIO_NAME]), str(m[C.TEXT_NAME])
    src_audio, src_text = corpus / audio_name, corpus / text_name
    dst_audio, dst_text = out_corpus / audio_name, out_corpus / text_name
    try:
        digest = sha256_file(src_audio)
        text_bytes = src_text.read_bytes()
    except OSError as exc:
        raise _SourceChanged(f"source unreadable since the run: {exc.strerror or exc}") from None
    if digest != m[C.AUDIO_SHA256]:
        raise _SourceChanged(f"source changed since the run: {audio_name} (sha256 differs)")
    expected_text = as_number(m.get(C.TEXT_BYTES))
    if expected_text is not None and len(text_bytes) != int(expected_text):
        raise _SourceChanged(f"source changed since the run: {text_name} (size differs)")
    dst_audio.parent.mkdir(parents=True, exist_ok=True)
    dst_text.parent.mkdir(parents=True, exist_ok=True)
    audio_steps = [s for s in actions if s[0] in audio_action_names()]
    if audio_steps:
        x, rate = read_samples(src_audio)
        audio = process_audio(x, rate, audio_steps, profile, settings, _seed(pid, digest))
        assert audio.samples is not None
        write_wav_pcm16(dst_audio, audio.samples, audio.rate)
        rows = audio.records
    else:
        shutil.copyfile(src_audio, dst_audio)
        rows = []
    text = process_text(text_bytes, [s for s in actions if s[0] not in audio_action_names()])
    dst_text.write_bytes(text.data)
    rows.extend(text.records)
    return rows
