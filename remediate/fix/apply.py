"""The fix stage: plan repairs from a run's findings, apply them into a new tree, re-check.

``plan_fixes`` is pure: report + findings + measurements + profile → one row per action
(``pair_id``, ``action``, ``check``, ``parameters`` as JSON text). ``apply_plan`` executes
a plan into an output corpus folder and returns what it did, measured on the signal
(``value_before``/``value_after``). ``fix`` is the whole command: read a run directory,
plan, apply into a temporary folder beside ``--dest``, re-scan the fixed tree with the
same profile, drop what is still failing, rename/zip (:mod:`remediate.fix.package`), write
the records and move the folder into place.

The in-memory repairs live in :mod:`remediate.fix.repair`. Audio is rewritten only when a
finding calls for it, in this order: remove DC (before
any gain), downmix, resample (soxr VHQ), trim edge silence (the probe's own silence
rule, keeping the profile padding), optional loudness normalisation under a peak
ceiling, then PCM_16 with TPDF dither (none when the samples are already exact 16-bit
integers, e.g. a PCM_16 file that was only trimmed). Text is decoded from its detected
encoding, stripped of its BOM and written as ``clean_text`` + one newline, UTF-8.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import pandas as pd

from remediate import columns as C
from remediate import contract as K
from remediate.audio.probe import (
    ProbeSettings,
    read_samples,
    sha256_file,
    write_wav_pcm16,
)
from remediate.errors import FixError, OutputError
from remediate.files import ensure_out_dir
from remediate.fix.repair import (
    ACTION,
    AUDIO_ACTIONS,
    CLEAN_TEXT,
    COPY_AUDIO,
    COPY_TEXT,
    DEAD_CHANNEL_DB,
    DOWNMIX,
    DROP,
    LOUDNESS,
    PARAMETERS,
    REMOVE_DC,
    REQUANTISE,
    RESAMPLE,
    REWRITE_RIFF,
    TRIM,
    VALUE_AFTER,
    VALUE_BEFORE,
    fix_text,
    json_text,
    process_audio,
)
from remediate.profiles import Profile, load_profile
from remediate.progress import ProgressCallback, labelled, stage
from remediate.report import write_json, write_manifest, write_parquet

#: Which fixable check each action repairs (``audio-too-long`` is fixable only when
#: trimming silence brings it under the limit; the trim then cuts both ends).
CHECK_ACTIONS: Final[dict[str, str]] = {
    "audio-dc-offset": REMOVE_DC,
    "audio-channels": DOWNMIX,
    "audio-samplerate-high": RESAMPLE,
    "audio-silence-lead": TRIM,
    "audio-silence-trail": TRIM,
    "audio-too-long": TRIM,
    "audio-container": REWRITE_RIFF,
    "audio-subtype": REQUANTISE,
    "text-encoding": CLEAN_TEXT,
    "text-bom": CLEAN_TEXT,
    "text-control-chars": CLEAN_TEXT,
    "text-not-nfc": CLEAN_TEXT,
    "text-whitespace": CLEAN_TEXT,
}


def _num(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- planning (pure) -------------------------------------------------------------------------


def plan_fixes(
    report: pd.DataFrame,
    findings: pd.DataFrame,
    measurements: pd.DataFrame,
    profile: Profile,
    *,
    normalize_loudness: bool = False,
) -> pd.DataFrame:
    """The plan: one row per action per pair, in corpus order.

    ``keep`` pairs get ``copy-audio``/``copy-text`` (plus ``normalize-loudness`` and
    ``requantise`` when asked to normalise); ``drop`` pairs one ``drop`` row with their
    reasons; ``fix`` pairs the actions their fixable error/warning findings call for, the
    untouched file copied. A fixable finding no action repairs drops the pair.
    Unmatched audit rows (no pair) are not planned.
    """
    by_pair: dict[str, list[dict[str, Any]]] = {}
    for f in C.records(findings):
        if isinstance(f[C.PAIR_ID], str) and f[C.PAIR_ID] != "None":
            by_pair.setdefault(f[C.PAIR_ID], []).append(f)
    facts = {r[C.PAIR_ID]: r for r in C.records(measurements)}
    rows: list[dict[str, Any]] = []
    for r in C.records(report):
        pid = _str(r[C.PAIR_ID])
        if pid is None or pid == "None" or r[C.VERDICT] == C.VERDICT_UNMATCHED:
            continue
        m = facts.get(pid, {})
        verdict = r[C.VERDICT]
        if verdict == C.VERDICT_DROP:
            reasons = list(r[C.REASONS]) if r[C.REASONS] is not None else []
            rows.append(_row(pid, DROP, None, {"reasons": reasons}))
            continue
        wanted = [
            f
            for f in by_pair.get(pid, [])
            if f[C.FIXABLE] and f[C.SEVERITY] in (C.SEVERITY_ERROR, C.SEVERITY_WARNING)
        ]
        unknown = [f[C.CHECK] for f in wanted if f[C.CHECK] not in CHECK_ACTIONS]
        if unknown:
            reason = f"no fix implemented for {', '.join(sorted(set(unknown)))}"
            rows.append(_row(pid, DROP, None, {"reasons": [reason]}))
            continue
        rows.extend(_pair_plan(pid, wanted, m, profile, normalize_loudness))
    return pd.DataFrame(rows, columns=C.PLAN_COLUMNS).astype("str").reset_index(drop=True)


def _row(pid: str, action: str, check: str | None, params: dict[str, Any]) -> dict[str, Any]:
    return {C.PAIR_ID: pid, ACTION: action, C.CHECK: check or "", PARAMETERS: json_text(params)}


def _pair_plan(
    pid: str,
    wanted: list[dict[str, Any]],
    m: dict[str, Any],
    profile: Profile,
    normalize_loudness: bool,
) -> list[dict[str, Any]]:
    checks: dict[str, list[str]] = {}
    for f in wanted:
        checks.setdefault(CHECK_ACTIONS[f[C.CHECK]], []).append(f[C.CHECK])
    audio: list[dict[str, Any]] = []
    if REMOVE_DC in checks:
        audio.append(
            _row(
                pid, REMOVE_DC, ",".join(checks[REMOVE_DC]), {"dc_offset": _num(m.get(C.DC_OFFSET))}
            )
        )
    if DOWNMIX in checks:
        balance = _num(m.get(C.CHANNEL_BALANCE_DB))
        method = "keep-live" if balance is not None and balance >= DEAD_CHANNEL_DB else "average"
        params = {
            "channels": _num(m.get(C.CHANNELS)),
            "balance_db": balance,
            "dead_channel_db": DEAD_CHANNEL_DB,
            "method": method,
        }
        audio.append(_row(pid, DOWNMIX, ",".join(checks[DOWNMIX]), params))
    if RESAMPLE in checks:
        params = {
            "from_hz": _num(m.get(C.SAMPLERATE)),
            "to_hz": profile.format.samplerate,
            "quality": "VHQ",
        }
        audio.append(_row(pid, RESAMPLE, ",".join(checks[RESAMPLE]), params))
    if TRIM in checks:
        trim_checks = checks[TRIM]
        both = "audio-too-long" in trim_checks
        params = {
            "lead": both or "audio-silence-lead" in trim_checks,
            "trail": both or "audio-silence-trail" in trim_checks,
            "keep_padding_s": profile.silence.keep_padding_s,
            "lead_silence_s": _num(m.get(C.LEAD_SILENCE_S)),
            "trail_silence_s": _num(m.get(C.TRAIL_SILENCE_S)),
        }
        audio.append(_row(pid, TRIM, ",".join(trim_checks), params))
    if normalize_loudness:
        params = {
            "target_lufs": profile.loudness.target_lufs,
            "peak_ceiling_dbfs": profile.loudness.peak_ceiling_dbfs,
        }
        audio.append(_row(pid, LOUDNESS, None, params))
    if REWRITE_RIFF in checks:
        audio.append(_row(pid, REWRITE_RIFF, ",".join(checks[REWRITE_RIFF]), {"container": "wav"}))
    if audio or REQUANTISE in checks:
        params = {
            "subtype": "PCM_16",
            "dither": "tpdf unless exact",
            "from": _str(m.get(C.SUBTYPE)),
        }
        audio.append(_row(pid, REQUANTISE, ",".join(checks.get(REQUANTISE, [])), params))
    rows = audio or [_row(pid, COPY_AUDIO, None, {})]
    if CLEAN_TEXT in checks:
        params = {
            "encoding": _str(m.get(C.TEXT_ENCODING)),
            "bom": bool(m.get(C.TEXT_BOM)) if m.get(C.TEXT_BOM) is not pd.NA else False,
            "write": "utf-8, no BOM, NFC, whitespace collapsed, one trailing newline",
        }
        rows.append(_row(pid, CLEAN_TEXT, ",".join(checks[CLEAN_TEXT]), params))
    else:
        rows.append(_row(pid, COPY_TEXT, None, {}))
    return rows


# --- applying a plan ---------------------------------------------------------------------------


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
    from remediate.workers import worker_pool

    facts = {r[C.PAIR_ID]: r for r in C.records(measurements)}
    tasks: list[_PairTask] = []
    for pid, group in plan.groupby(C.PAIR_ID, sort=False):
        actions = [
            (str(a), str(c), json.loads(p))
            for a, c, p in zip(group[ACTION], group[C.CHECK], group[PARAMETERS], strict=True)
        ]
        if not any(a == DROP for a, _, _ in actions):
            tasks.append(
                (str(pid), actions, facts[str(pid)], corpus, out_corpus, profile, settings)
            )
    workers = min(jobs or (os.cpu_count() or 1), len(tasks))
    outcomes: list[tuple[list[dict[str, Any]], str | None, str | None]] = []

    def gather(stream: Iterator[tuple[list[dict[str, Any]], str | None, str | None]]) -> None:
        for outcome in stream:
            outcomes.append(outcome)
            if progress:
                progress(len(outcomes), len(tasks))

    if workers > 1 and len(tasks) >= POOL_MIN_FILES:
        with worker_pool(workers) as pool:
            gather(pool.map(_apply_task, tasks, chunksize=max(1, len(tasks) // (workers * 8))))
    else:
        gather(map(_apply_task, tasks))
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
        _remove(out_corpus, audio_name, text_name)
        return [], f"fix failed: {exc}", None
    except _SourceChanged as exc:
        _remove(out_corpus, audio_name, text_name)
        return [], str(exc), None
    except OSError as exc:
        return [], None, str(exc.strerror or exc)


class _SourceChanged(Exception):
    pass


def _remove(root: Path, *names: str) -> None:
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
    expected_text = _num(m.get(C.TEXT_BYTES))
    if expected_text is not None and len(text_bytes) != int(expected_text):
        raise _SourceChanged(f"source changed since the run: {text_name} (size differs)")
    dst_audio.parent.mkdir(parents=True, exist_ok=True)
    dst_text.parent.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    audio_steps = [(a, c, p) for a, c, p in actions if a in AUDIO_ACTIONS]
    if audio_steps:
        x, rate = read_samples(src_audio)
        outcome = process_audio(x, rate, audio_steps, profile, settings, _seed(pid, digest))
        write_wav_pcm16(dst_audio, outcome.samples, outcome.rate)
        rows.extend(outcome.records)
    else:
        shutil.copyfile(src_audio, dst_audio)
    clean = [(a, c, p) for a, c, p in actions if a == CLEAN_TEXT]
    if clean:
        _, check, params = clean[0]
        encoding = params.get("encoding")
        if not encoding or encoding == "None":
            raise ValueError("text encoding unknown")
        fixed = fix_text(text_bytes, encoding)
        dst_text.write_bytes(fixed)
        rows.append(
            {
                ACTION: CLEAN_TEXT,
                C.CHECK: check,
                PARAMETERS: json_text({"encoding": encoding, "to": "utf-8"}),
                VALUE_BEFORE: json_text(
                    {"encoding": encoding, "bom": params.get("bom"), "bytes": len(text_bytes)}
                ),
                VALUE_AFTER: json_text({"encoding": "utf-8", "bom": False, "bytes": len(fixed)}),
            }
        )
    else:
        dst_text.write_bytes(text_bytes)
    return rows


# --- the fix command ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixOptions:
    """What ``remediate fix`` was asked to do.

    run_dir: the output folder of an earlier ``remediate run``/``scan``.
    dest: where the fixed corpus and its records go (replaced atomically on rerun).
    dry_run: plan only, write nothing.
    rename_for_edition: name pairs ``0.wav``/``0.txt``... in natural pair order.
    make_zip: also build ``package.zip`` (flat: only the pairs at the root).
    normalize_loudness: normalise every resubmitted clip to the profile's target LUFS.
    jobs: worker processes for the repairs and the re-check (0 = one per core).
    """

    run_dir: Path
    dest: Path
    dry_run: bool = False
    rename_for_edition: bool = False
    make_zip: bool = False
    normalize_loudness: bool = False
    jobs: int = 0


@dataclass(frozen=True)
class RunDir:
    """What ``fix`` reads from a run directory."""

    summary: dict[str, Any]
    report: pd.DataFrame
    findings: pd.DataFrame
    measurements: pd.DataFrame
    corpus: Path
    edition: str
    overrides: tuple[str, ...]
    language: str | None
    skip_checks: tuple[str, ...] = ()
    only_checks: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixResult:
    """Everything ``fix`` decided and (unless a dry run) wrote."""

    plan: pd.DataFrame
    fixes: pd.DataFrame
    manifest: pd.DataFrame
    dropped: pd.DataFrame
    summary: dict[str, Any]
    dest: Path | None


def read_run_dir(run_dir: Path) -> RunDir:
    """Load a run directory; FixError when it is not one (missing or unreadable files)."""
    if not run_dir.is_dir():
        what = "is not a folder" if run_dir.exists() else "does not exist"
        raise FixError(
            f"run directory {run_dir} {what}",
            hint="pass the --out folder of a finished `remediate run` or `remediate scan`",
        )
    missing = [name for name in K.RUN_FILES_FOR_FIX if not (run_dir / name).is_file()]
    if missing:
        raise FixError(
            f"{run_dir} is not a complete run directory: missing {', '.join(missing)}",
            hint="pass the --out folder of a finished `remediate run` or `remediate scan`",
        )
    try:
        summary = json.loads((run_dir / K.SUMMARY).read_text(encoding="utf-8"))
        report = pd.read_parquet(run_dir / K.REPORT)
        findings = pd.read_parquet(run_dir / K.FINDINGS)
        measurements = pd.read_parquet(run_dir / K.MEASUREMENTS)
    except (OSError, ValueError) as exc:
        raise FixError(f"cannot read run directory {run_dir}: {exc}") from None
    if not isinstance(summary, dict) or not summary.get("corpus_root"):
        raise FixError(f"{run_dir / 'summary.json'} names no corpus_root")
    edition = summary.get("edition")
    name = edition.get("name") if isinstance(edition, dict) else edition
    if not isinstance(name, str):
        raise FixError(f"{run_dir / 'summary.json'} names no edition")
    corpus = Path(summary["corpus_root"])
    if not corpus.is_dir():
        raise FixError(f"the corpus of this run is gone: {corpus}")
    language = summary.get("language")
    return RunDir(
        summary,
        report,
        findings,
        measurements,
        corpus,
        name,
        tuple(str(o) for o in summary.get("overrides") or ()),
        language if isinstance(language, str) else None,
        tuple(str(c) for c in summary.get("skip_checks") or ()),
        tuple(str(c) for c in summary.get("only_checks") or ()),
    )


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def check_dest(dest: Path, corpus: Path, run_dir: Path) -> None:
    """Refuse destinations that could touch the corpus or the run, or clobber foreign data."""
    d, c, r = dest.resolve(), corpus.resolve(), run_dir.resolve()
    if _inside(d, c):
        raise FixError(
            f"--dest {dest} is inside the corpus {corpus}",
            hint="write the fixed corpus outside the original; it is never altered",
        )
    if _inside(c, d):
        raise FixError(f"--dest {dest} contains the corpus {corpus}; it would be replaced")
    if _inside(r, d):
        raise FixError(f"--dest {dest} contains the run directory {run_dir}")
    if _inside(d, r):
        raise FixError(
            f"--dest {dest} is inside the run directory {run_dir}",
            hint="the next run into that folder would remove it; choose a folder beside it",
        )
    if d.exists() or d.is_symlink():
        if not d.is_dir():
            raise FixError(f"--dest {dest} exists and is not a folder")
        if any(d.iterdir()) and not (d / K.FIX_MARKER).is_file():
            raise FixError(
                f"--dest {dest} is not empty and was not made by `remediate fix`",
                hint="choose a new or empty folder",
            )


def _profile(run: RunDir) -> Profile:
    overrides = list(run.overrides)
    if run.language:
        overrides.append(f"text.language={run.language}")
    return load_profile(run.edition, overrides)


def fix(options: FixOptions, progress: ProgressCallback | None = None) -> FixResult:
    """The fix command: plan from a run directory, apply into ``dest``, re-check, package.

    ``progress`` (a :class:`~remediate.progress.Reporter` for labels and stages) gets a bar
    for fixing, re-checking and zipping, and a stage for planning and writing. Raises FixError (bad run directory, unsafe destination), ConfigError (bad profile
    override in the run), OutputError (cannot write). Pairs that cannot be fixed are
    rows in the dropped table, not exceptions.
    """
    from remediate.pipeline import probe_settings

    run = read_run_dir(options.run_dir)
    check_dest(options.dest, run.corpus, options.run_dir)
    if options.normalize_loudness:
        try:
            import pyloudnorm  # noqa: F401
        except ImportError:
            raise FixError(
                "--normalize-loudness needs pyloudnorm",
                hint="pip install 'remediate[loudness]'",
            ) from None
    profile = _profile(run)
    with stage(progress, "Planning the fixes"):
        plan = plan_fixes(
            run.report,
            run.findings,
            run.measurements,
            profile,
            normalize_loudness=options.normalize_loudness,
        )
    if options.dry_run:
        summary = _plan_summary(plan, run, options)
        empty = pd.DataFrame(columns=C.FIX_COLUMNS)
        return FixResult(
            plan,
            empty,
            pd.DataFrame(columns=C.FIX_MANIFEST_COLUMNS),
            _dropped(plan, run, {}, {}),
            summary,
            None,
        )
    settings = probe_settings(profile)
    dest = options.dest
    ensure_out_dir(dest.resolve().parent)
    _remove_stale(dest)
    tmp = dest.resolve().parent / f".{dest.name}.fix-tmp-{os.getpid()}"
    try:
        tmp.mkdir()
        (tmp / K.FIX_MARKER).write_text(json_text({"tool": "remediate", "command": "fix"}) + "\n")
        result = _build(tmp, plan, run, profile, settings, options, progress)
        _swap(tmp, dest)
    except OSError as exc:
        raise OutputError(f"cannot build {dest}: {exc.strerror or exc}", path=dest) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def _build(
    tmp: Path,
    plan: pd.DataFrame,
    run: RunDir,
    profile: Profile,
    settings: ProbeSettings,
    options: FixOptions,
    progress: ProgressCallback | None = None,
) -> FixResult:
    from remediate.fix import package

    out_corpus = tmp / K.FIX_CORPUS_DIR
    out_corpus.mkdir()
    applied = apply_plan(
        plan,
        run.measurements,
        run.corpus,
        out_corpus,
        profile,
        settings,
        jobs=options.jobs,
        progress=labelled(progress, "Fixing"),
    )
    recheck, unresolved = _recheck(out_corpus, run, applied.written, options.jobs, progress)
    for pid in unresolved:
        _remove(out_corpus, *applied.written.pop(pid))
    kept = {pid: names for pid, names in applied.written.items()}
    facts = {r[C.PAIR_ID]: r for r in C.records(recheck)}
    verdicts = {r[C.PAIR_ID]: r[C.VERDICT] for r in C.records(run.report)}
    rows = []
    for pid, (audio_name, text_name) in kept.items():
        f = facts[pid]
        rows.append(
            {
                C.PAIR_ID: pid,
                C.AUDIO_NAME: audio_name,
                C.TEXT_NAME: text_name,
                C.DURATION_S: round(float(f[C.DURATION_S]), 4),
                C.SHA256: f[C.AUDIO_SHA256],
                C.VERDICT: verdicts.get(pid, C.VERDICT_KEEP),
                C.ORIGINAL_AUDIO_NAME: audio_name,
                C.ORIGINAL_TEXT_NAME: text_name,
            }
        )
    manifest = pd.DataFrame(rows, columns=[C.PAIR_ID, *C.FIX_MANIFEST_COLUMNS])
    if options.rename_for_edition:
        manifest = package.rename_for_edition(out_corpus, manifest)
    dropped = _dropped(plan, run, applied.failed, unresolved)
    pkg: dict[str, Any] | None = None
    meta = _meta(run, options)
    if options.make_zip:
        zipping = labelled(progress, "Zipping")
        pkg = package.build_zip(out_corpus, manifest, tmp / K.PACKAGE_ZIP, profile, zipping)
        pkg["path"] = str(options.dest / K.PACKAGE_ZIP)
    else:
        pkg = {"checks": package.package_checks(manifest, profile, None)}
    write_parquet(applied.fixes, tmp / K.FIXES, K.FIXES_OUTPUT, meta)
    write_manifest(tmp / K.MANIFEST, manifest[C.FIX_MANIFEST_COLUMNS])
    write_manifest(tmp / K.DROPPED, dropped)
    summary = _summary(meta, plan, applied, manifest, dropped, recheck, pkg, profile, options)
    write_json(tmp / K.SUMMARY, summary)
    return FixResult(plan, applied.fixes, manifest, dropped, summary, options.dest)


def _recheck(
    out_corpus: Path,
    run: RunDir,
    written: dict[str, tuple[str, str]],
    jobs: int = 0,
    progress: ProgressCallback | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Scan the fixed tree with the same profile; pairs with error findings are unresolved."""
    from remediate.audit import empty_audit_frame
    from remediate.config import Config
    from remediate.pipeline import analyse

    config = Config(
        corpus=out_corpus,
        out=out_corpus.parent,
        edition=run.edition,
        overrides=run.overrides,
        language=run.language,
        cache_dir=None,
        jobs=jobs,
        skip_checks=run.skip_checks,
        only_checks=run.only_checks,
    )
    result = analyse(
        config, empty_audit_frame(), progress=progress, bar_label="Re-checking", allow_empty=True
    )
    # The fixed tree is discovered afresh, so its pair ids can differ from the run's (pairs
    # "1@a" and "1@b" become "1" when one of them was dropped): the files say which pair is
    # which, so every frame is put back on the run's ids.
    original = {audio: pid for pid, (audio, _) in written.items()}
    ids = {
        r[C.PAIR_ID]: original[r[C.AUDIO_NAME]]
        for r in C.records(result.pairs)
        if r[C.AUDIO_NAME] in original
    }
    result = replace(
        result,
        pairs=_renamed(result.pairs, ids),
        measurements=_renamed(result.measurements, ids),
        findings=_renamed(result.findings, ids),
        report=_renamed(result.report, ids),
    )
    errors = result.findings[result.findings[C.SEVERITY] == C.SEVERITY_ERROR]
    unresolved: dict[str, str] = {}
    for f in C.records(errors):
        pid = f[C.PAIR_ID]
        if pid in written and pid not in unresolved:
            unresolved[pid] = f"fix did not resolve: {f[C.CHECK]}: {f[C.MESSAGE]}"
    frame = result.pairs.merge(result.measurements, on=C.PAIR_ID, how="left")
    frame = frame.merge(result.report[[C.PAIR_ID, C.VERDICT, C.CHECKS]], on=C.PAIR_ID, how="left")
    frame.attrs["findings"] = result.findings
    return frame, unresolved


def _renamed(frame: pd.DataFrame, ids: dict[str, str]) -> pd.DataFrame:
    out = frame.copy()
    out[C.PAIR_ID] = out[C.PAIR_ID].map(lambda p: ids.get(p, p) if isinstance(p, str) else p)
    out[C.PAIR_ID] = out[C.PAIR_ID].astype(frame[C.PAIR_ID].dtype)
    return out


def _dropped(
    plan: pd.DataFrame, run: RunDir, failed: dict[str, str], unresolved: dict[str, str]
) -> pd.DataFrame:
    names = {r[C.PAIR_ID]: r for r in C.records(run.report)}
    rows = []
    for r in C.records(plan[plan[ACTION] == DROP]):
        reasons = json.loads(r[PARAMETERS])["reasons"]
        rows.append((r[C.PAIR_ID], "run", reasons))
    rows += [(pid, "apply", [reason]) for pid, reason in failed.items()]
    rows += [(pid, "recheck", [reason]) for pid, reason in unresolved.items()]
    out = []
    for pid, dropped_at, reasons in rows:
        n = names.get(pid, {})
        out.append(
            {
                C.PAIR_ID: pid,
                C.ORIGINAL_AUDIO_NAME: _str(n.get(C.AUDIO_NAME)) or "",
                C.ORIGINAL_TEXT_NAME: _str(n.get(C.TEXT_NAME)) or "",
                C.STAGE: dropped_at,
                C.REASONS: " | ".join(reasons),
            }
        )
    return pd.DataFrame(out, columns=C.DROPPED_COLUMNS)


def _meta(run: RunDir, options: FixOptions) -> dict[str, Any]:
    """Provenance of a fix's outputs (fixes.parquet metadata and the top of summary.json)."""
    return {
        **K.provenance(
            "fix",
            corpus_root=str(run.corpus.resolve()),
            edition=run.edition,
            overrides=run.overrides,
            language=run.language,
        ),
        "run_dir": str(options.run_dir.resolve()),
        "rename_for_edition": options.rename_for_edition,
        "normalize_loudness": options.normalize_loudness,
    }


def _plan_summary(plan: pd.DataFrame, run: RunDir, options: FixOptions) -> dict[str, Any]:
    pairs = plan.groupby(C.PAIR_ID, sort=False)[ACTION].apply(list)
    return {
        **_meta(run, options),
        "dry_run": True,
        "dest": str(options.dest),
        "pairs_planned": int(len(pairs)),
        "pairs_to_drop": int(sum(DROP in a for a in pairs)),
        "pairs_to_fix": int(
            sum(any(x not in (COPY_AUDIO, COPY_TEXT, DROP) for x in a) for a in pairs)
        ),
        "actions": {str(k): int(v) for k, v in plan[ACTION].value_counts().sort_index().items()},
    }


def _summary(
    meta: dict[str, Any],
    plan: pd.DataFrame,
    applied: ApplyResult,
    manifest: pd.DataFrame,
    dropped: pd.DataFrame,
    recheck: pd.DataFrame,
    pkg: dict[str, Any],
    profile: Profile,
    options: FixOptions,
) -> dict[str, Any]:
    findings: pd.DataFrame = recheck.attrs.get("findings", pd.DataFrame(columns=C.FINDING_COLUMNS))
    kept_ids = set(manifest[C.PAIR_ID])
    kept_findings = findings[findings[C.PAIR_ID].isin(kept_ids)]
    required = profile.pairs_required or None
    dest = options.dest
    outputs = {
        "corpus": str(dest / K.FIX_CORPUS_DIR),
        "fixes": str(dest / K.FIXES),
        "manifest": str(dest / K.MANIFEST),
        "dropped": str(dest / K.DROPPED),
        "summary": str(dest / K.SUMMARY),
    }
    if options.make_zip:
        outputs["package"] = str(dest / K.PACKAGE_ZIP)
    return {
        **meta,
        "edition": {**meta["edition"], **K.edition_summary(profile.name, required, len(manifest))},
        "dest": str(dest),
        "pairs": int(len(manifest) + len(dropped)),
        "verdicts": {
            C.VERDICT_KEEP: int((manifest[C.VERDICT] == C.VERDICT_KEEP).sum()),
            C.VERDICT_FIX: int((manifest[C.VERDICT] == C.VERDICT_FIX).sum()),
            C.VERDICT_DROP: int(len(dropped)),
        },
        "dropped_by_stage": {
            str(k): int(v) for k, v in dropped[C.STAGE].value_counts().sort_index().items()
        },
        "actions": {
            str(k): int(v) for k, v in applied.fixes[ACTION].value_counts().sort_index().items()
        },
        "duration_kept_s": round(float(manifest[C.DURATION_S].sum()), 3) if len(manifest) else 0.0,
        "recheck": {
            "findings_by_severity": {
                s: int((kept_findings[C.SEVERITY] == s).sum()) for s in C.SEVERITIES
            },
            "findings": {
                str(k): int(v)
                for k, v in kept_findings[C.CHECK].value_counts().sort_index().items()
            },
        },
        "package": pkg,
        "outputs": outputs,
    }


# --- the destination folder ------------------------------------------------------------------


def _remove_stale(dest: Path) -> None:
    """Remove temporary folders an interrupted earlier fix left beside ``dest`` (ours only)."""
    parent = dest.resolve().parent
    for pattern in (f".{dest.name}.fix-tmp-*", f".{dest.name}.fix-old-*"):
        for stale in parent.glob(pattern):
            if stale.is_dir() and (stale / K.FIX_MARKER).is_file():
                shutil.rmtree(stale, ignore_errors=True)


def _swap(tmp: Path, dest: Path) -> None:
    """Move the finished ``tmp`` to ``dest``; an earlier fix output there is replaced."""
    target = dest.resolve()
    if target.is_dir():
        if not any(target.iterdir()):
            target.rmdir()
        elif (target / K.FIX_MARKER).is_file():
            old = target.parent / f".{target.name}.fix-old-{os.getpid()}"
            os.rename(target, old)
            try:
                os.rename(tmp, target)
            except OSError:
                os.rename(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
            return
        else:  # checked before the work started; re-checked in case it changed since
            raise FixError(f"--dest {dest} is not empty and was not made by `remediate fix`")
    os.rename(tmp, target)


# --- rendering -----------------------------------------------------------------------------------


def plan_text(
    plan: pd.DataFrame, summary: dict[str, Any] | None = None, width: int | None = None
) -> str:
    """The plan as an aligned table (pair, action, check, parameters) fitted to ``width``
    terminal cells, ending with the totals per action when the dry-run ``summary`` is given."""
    from remediate.cli.render import table

    rows = [[r[C.PAIR_ID], r[ACTION], r[C.CHECK], r[PARAMETERS]] for r in C.records(plan)]
    lines = [table(["pair", "action", "check", "parameters"], rows, max_width=None, width=width)]
    if summary is not None:
        planned, drop = summary.get("pairs_planned", 0), summary.get("pairs_to_drop", 0)
        to_fix = summary.get("pairs_to_fix", 0)
        lines.append(
            f"Totals: {planned} pairs planned: {to_fix} to fix, "
            f"{planned - to_fix - drop} to copy as they are, {drop} to drop."
        )
        actions = summary.get("actions", {})
        lines.append("Actions: " + ", ".join(f"{a} {n}" for a, n in actions.items()) + ".")
    return "\n".join(lines)


def summary_text(summary: dict[str, Any]) -> str:
    """The human summary of a fix run."""
    verdicts = summary.get("verdicts", {})
    edition = summary.get("edition", {})
    kept, fixed = verdicts.get(C.VERDICT_KEEP, 0), verdicts.get(C.VERDICT_FIX, 0)
    lines = [
        f"{kept + fixed} pairs written to {summary.get('outputs', {}).get('corpus')} "
        f"({kept} kept, {fixed} fixed); "
        f"{verdicts.get(C.VERDICT_DROP, 0)} dropped (see {summary.get('outputs', {}).get('dropped')}).",
    ]
    recheck = summary.get("recheck", {}).get("findings_by_severity", {})
    lines.append(
        f"Re-check of the fixed tree: {recheck.get('error', 0)} errors, "
        f"{recheck.get('warning', 0)} warnings on the pairs kept."
    )
    required = edition.get("pairs_required")
    if required:
        ok = "met" if edition.get("exact_count_met") else "NOT met"
        lines.append(
            f"Edition {edition.get('name')}: {edition.get('pairs_resubmittable')} pairs, "
            f"{required} required ({ok})."
        )
    pkg = summary.get("package") or {}
    if pkg.get("path"):
        lines.append(
            f"Package: {pkg['path']} ({pkg.get('bytes')} bytes, sha256 {pkg.get('sha256')})"
        )
    for check in pkg.get("checks", []):
        if check.get("ok") is False:
            lines.append(f"  package check {check['name']}: {check['message']}")
    return "\n".join(lines)
