"""The fix command: plan from a run directory, apply into a new tree, re-check, package.

``fix`` reads a run directory (:mod:`remediate.fix.rundir`), plans
(:mod:`remediate.fix.plan`), applies the repairs into a temporary folder beside
``--dest`` (:mod:`remediate.fix.apply`), re-scans the fixed tree with the same profile,
drops what still fails, renames/zips (:mod:`remediate.fix.package`), writes the records
(:mod:`remediate.fix.summary`) and moves the folder into place (:mod:`remediate.fix.dest`).
The originals are only read.
"""

from __future__ import annotations

import importlib.util
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate import contract as K
from remediate.audio.probe import ProbeSettings
from remediate.errors import FixError, OutputError
from remediate.files import ensure_out_dir
from remediate.fix.actions import action, audio_action_names, text_action_names
from remediate.fix.apply import apply_plan, remove_files
from remediate.fix.dest import check_dest, remove_stale, staging_dir, swap
from remediate.fix.plan import plan_fixes
from remediate.fix.repair import json_text
from remediate.fix.rundir import RunDir, read_run_dir
from remediate.fix.summary import dropped_table, fix_summary, plan_summary, provenance
from remediate.profiles import Profile, load_profile
from remediate.progress import ProgressCallback, labelled, stage
from remediate.report import write_json, write_manifest, write_parquet

__all__ = ["FixOptions", "FixResult", "RunDir", "check_dest", "fix", "read_run_dir"]


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
class FixResult:
    """Everything ``fix`` decided and (unless a dry run) wrote."""

    plan: pd.DataFrame
    fixes: pd.DataFrame
    manifest: pd.DataFrame
    dropped: pd.DataFrame
    summary: dict[str, Any]
    dest: Path | None


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
    profile = _profile(run)
    with stage(progress, "Planning the fixes"):
        plan = plan_fixes(
            run.report,
            run.findings,
            run.measurements,
            profile,
            normalize_loudness=options.normalize_loudness,
        )
    _require_modules(plan)
    if options.dry_run:
        summary = plan_summary(plan, run, options)
        empty = pd.DataFrame(columns=C.FIX_COLUMNS)
        return FixResult(
            plan,
            empty,
            pd.DataFrame(columns=C.FIX_MANIFEST_COLUMNS),
            dropped_table(plan, run, {}, {}),
            summary,
            None,
        )
    settings = probe_settings(profile)
    dest = options.dest
    ensure_out_dir(dest.resolve().parent)
    remove_stale(dest)
    tmp = staging_dir(dest)
    try:
        tmp.mkdir()
        (tmp / K.FIX_MARKER).write_text(json_text({"tool": "remediate", "command": "fix"}) + "\n")
        result = _build(tmp, plan, run, profile, settings, options, progress)
        swap(tmp, dest)
    except OSError as exc:
        raise OutputError(f"cannot build {dest}: {exc.strerror or exc}", path=dest) from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def _require_modules(plan: pd.DataFrame) -> None:
    """FixError when a planned action needs an optional module that is not installed.

    Looked up, not imported: the workers import it, so the parent does not pay for
    pyloudnorm's scipy.signal import (about a second) before the pool starts."""
    for name in dict.fromkeys(plan[C.ACTION]):
        if name not in audio_action_names() and name not in text_action_names():
            continue
        for module in action(name).needs:
            if importlib.util.find_spec(module) is None:
                option = " (--normalize-loudness)" if name == "normalize-loudness" else ""
                raise FixError(
                    f"{name}{option} needs {module}",
                    hint="pip install 'remediate[loudness]'",
                )


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
        remove_files(out_corpus, *applied.written.pop(pid))
    manifest = _manifest(applied.written, recheck, run.report)
    if options.rename_for_edition:
        manifest = package.rename_for_edition(out_corpus, manifest)
    dropped = dropped_table(plan, run, applied.failed, unresolved)
    pkg: dict[str, Any] | None = None
    meta = provenance(run, options)
    if options.make_zip:
        zipping = labelled(progress, "Zipping")
        pkg = package.build_zip(
            out_corpus, manifest, tmp / K.PACKAGE_ZIP, profile, zipping, run.tenant
        )
        pkg["path"] = str(options.dest / K.PACKAGE_ZIP)
    else:
        pkg = {"checks": package.package_checks(manifest, profile, None, run.tenant)}
    write_parquet(applied.fixes, tmp / K.FIXES, K.FIXES_OUTPUT, meta)
    write_manifest(tmp / K.MANIFEST, manifest[C.FIX_MANIFEST_COLUMNS])
    write_manifest(tmp / K.DROPPED, dropped)
    summary = fix_summary(meta, plan, applied, manifest, dropped, recheck, pkg, profile, options)
    write_json(tmp / K.SUMMARY, summary)
    return FixResult(plan, applied.fixes, manifest, dropped, summary, options.dest)


def _manifest(
    written: dict[str, tuple[str, str]], recheck: pd.DataFrame, report: pd.DataFrame
) -> pd.DataFrame:
    """The resubmission manifest of the pairs written: names, the re-check's duration and
    hash of the fixed audio, the run's verdict."""
    facts = {r[C.PAIR_ID]: r for r in C.records(recheck)}
    verdicts = {r[C.PAIR_ID]: r[C.VERDICT] for r in C.records(report)}
    rows = [
        {
            C.PAIR_ID: pid,
            C.AUDIO_NAME: audio_name,
            C.TEXT_NAME: text_name,
            C.DURATION_S: round(float(facts[pid][C.DURATION_S]), 4),
            C.SHA256: facts[pid][C.AUDIO_SHA256],
            C.VERDICT: verdicts.get(pid, C.VERDICT_KEEP),
            C.ORIGINAL_AUDIO_NAME: audio_name,
            C.ORIGINAL_TEXT_NAME: text_name,
        }
        for pid, (audio_name, text_name) in written.items()
    ]
    return pd.DataFrame(rows, columns=[C.PAIR_ID, *C.FIX_MANIFEST_COLUMNS])


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
