"""The main job, stage by stage: read audit → discover → measure → check → join → decide → write.

``run`` and ``scan`` are what the CLI calls; notebooks can call them too, or any stage
on its own. Stages exchange DataFrames; the only I/O is in the stage modules.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import pandas as pd

from remediate import columns as C
from remediate import contract as K
from remediate import publish
from remediate.assess import compare, corpus_assessment, pair_assessment
from remediate.audio.probe import ProbeSettings
from remediate.audit import empty_audit_frame, parse_audit_result, read_audit_file, with_oplog
from remediate.checks import run_checks
from remediate.checks.registry import VOICE_ANALYSIS
from remediate.checks.run import probe_passes
from remediate.config import Config
from remediate.corpus import discover
from remediate.errors import AuditFileError, ConfigError, CorpusError
from remediate.files import ensure_out_dir
from remediate.join import match_audit
from remediate.memo import FrameStore, StageMemo
from remediate.profiles import Profile, load_profile
from remediate.progress import ProgressCallback, labelled, stage
from remediate.report import (
    manifest_frame,
    write_bytes,
    write_json,
    write_manifest,
    write_parquet,
)
from remediate.rerecord import RERECORD_COLUMNS, rerecord_list
from remediate.scan import ScanOptions, ScanStats, measure
from remediate.summary import summarise
from remediate.verdict import decide


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced, in memory, plus where it was written."""

    config: Config
    profile: Profile
    audit: pd.DataFrame
    pairs: pd.DataFrame
    measurements: pd.DataFrame
    findings: pd.DataFrame
    matches: pd.DataFrame
    report: pd.DataFrame
    manifest: pd.DataFrame
    summary: dict[str, Any]
    stats: ScanStats
    rerecord: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RERECORD_COLUMNS))
    outputs: dict[str, Path] = field(default_factory=dict)


def probe_settings(profile: Profile, passes: frozenset[str] | None = None) -> ProbeSettings:
    """The part of a profile the audio probe needs (also the audio cache key), and the
    optional probe passes (:func:`remediate.checks.probe_passes`) the chosen checks read:
    None measures them all."""
    return ProbeSettings(
        clip_level=profile.level.clip_level,
        frame_s=profile.silence.frame_s,
        silence_relative_db=profile.silence.relative_db,
        silence_absolute_dbfs=profile.silence.absolute_dbfs,
        loudness=profile.loudness.measure,
        dnsmos=profile.dnsmos.measure,
        voice=passes is None or VOICE_ANALYSIS in passes,
    )


def resolve_profile(config: Config) -> Profile:
    """The edition profile with the config's overrides, language and loudness applied."""
    overrides = list(config.overrides)
    if config.language:
        overrides.append(f"text.language={config.language}")
    if config.loudness:
        overrides.append("loudness.measure=true")
    if config.dnsmos:
        overrides.append("dnsmos.measure=true")
    return load_profile(config.edition, overrides)


def _check_paths(config: Config) -> None:
    corpus = config.corpus.resolve()
    out = config.out.resolve()
    if out == corpus or corpus in out.parents:
        raise ConfigError(
            f"output folder {config.out} is inside the corpus {config.corpus}",
            hint="write outputs outside the corpus so it is never altered",
        )


def analyse(
    config: Config,
    audit: pd.DataFrame,
    *,
    progress: ProgressCallback | None = None,
    bar_label: str = "Decoding audio",
    platform_assess: Mapping[str, Any] | None = None,
    allow_empty: bool = False,
) -> RunResult:
    """All stages except writing: the in-memory result of a run.

    ``progress`` gets one bar over the audio bytes decoded (under ``bar_label``) and, when
    it is a :class:`~remediate.progress.Reporter`, a stage for the checks and the verdicts.
    ``platform_assess`` is the job's own ``assess_result`` (as a dict), set beside the
    local assessment in the summary.
    """
    profile = resolve_profile(config)
    with stage(progress, "Listing the corpus"):
        listing = discover(config.corpus)
    pairs = listing.pairs
    if pairs.empty and not allow_empty:  # the fix's re-check may find nothing left
        raise CorpusError(
            f"no audio or text files in the corpus {config.corpus}",
            hint="check --corpus: it should hold audio_N.wav/text_N.txt (or N.wav/N.txt) pairs",
            path=config.corpus,
        )
    matches = match_audit(audit, pairs)
    passes = probe_passes(config.skip_checks, config.only_checks)  # unknown code: stop now
    measurements, stats = measure(
        config.corpus,
        pairs,
        probe_settings(profile, passes),
        ScanOptions(jobs=config.jobs, cache_dir=config.cache_dir),
        labelled(progress, bar_label),
    )
    with contextlib.closing(FrameStore(config.cache_dir)) as store:
        memo = StageMemo(store, stats.state)
        with stage(progress, f"Checking {len(pairs):,} pairs"):
            findings = run_checks(
                pairs,
                measurements,
                profile,
                listing.other_files,
                listing.bad_names,
                links_outside=listing.links_outside,
                audit_counts=_audit_counts(audit, matches),
                skip=config.skip_checks,
                only=config.only_checks,
                memo=memo,
            )
        with stage(progress, "Matching the audit and deciding verdicts"):
            report = decide(pairs, measurements, findings, audit, matches)
            measurements, assessed = with_assessment(
                pairs, measurements, profile, platform_assess, memo
            )
    manifest = manifest_frame(report)
    summary = summarise(report, findings, audit, profile)
    summary["other_files"] = list(listing.other_files)
    summary["bad_names"] = list(listing.bad_names)
    summary["scan"] = {
        "files": stats.files,
        "cached": stats.cached,
        "measured": stats.measured,
        "seconds": stats.seconds,
        "workers": stats.workers,
    }
    summary["assess"] = assessed
    rerecord, summary["rerecord"] = rerecord_list(report, findings, measurements, profile)
    return RunResult(
        config,
        profile,
        audit,
        pairs,
        measurements,
        findings,
        matches,
        report,
        manifest,
        summary,
        stats,
        rerecord,
    )


#: The per-pair assessment frame's columns (in any order) and dtypes.
ASSESS_FRAME_DTYPES: Final = {
    C.PAIR_ID: C.STR,
    **{d: C.FLOAT for d in C.ASSESS_DIMENSIONS},  # dnsmos_* too: their values, per pair
    **C.ASSESS_DTYPES,
}


def with_assessment(
    pairs: pd.DataFrame,
    measurements: pd.DataFrame,
    profile: Profile,
    platform: Mapping[str, Any] | None = None,
    memo: StageMemo | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The measurements with the VOICE_ASSESS twin's per-pair columns, and the corpus
    assessment (with the platform's values beside it when the job carried them). With
    ``memo``, the per-pair columns of an unchanged corpus and profile are read back."""
    key = memo.key(pairs, profile, "", kind="assessment") if memo else None
    per_pair = memo.store.get(key, ASSESS_FRAME_DTYPES) if memo and key else None
    if per_pair is None:
        per_pair = pair_assessment(pairs, measurements, profile)
        if memo and key:
            memo.store.put(key, per_pair)
    summary = corpus_assessment(per_pair)
    if platform is not None:
        summary["platform"] = dict(platform)
        summary["comparison"] = compare(summary, platform)
    extra = [c for c in per_pair.columns if c == C.PAIR_ID or c not in measurements.columns]
    return measurements.merge(per_pair[extra], on=C.PAIR_ID, how="left"), summary


def _audit_counts(audit: pd.DataFrame, matches: pd.DataFrame) -> tuple[int, int]:
    """(audit entries that name a file, how many of them matched a pair)."""
    named = audit[C.AUDIO_NAME].notna() | audit[C.TEXT_NAME].notna()
    matched = matches.loc[matches[C.PAIR_ID].notna(), C.ENTRY_ID].nunique()
    return int(named.sum()), int(matched)


def _metadata(config: Config, command: str, audit_source: str | None) -> dict[str, Any]:
    """Provenance of a run's outputs (Parquet metadata and the top of summary.json)."""
    return {
        **K.provenance(
            command,
            corpus_root=str(config.corpus.resolve()),
            edition=config.edition,
            overrides=config.overrides,
            language=config.language,
        ),
        "audit_source": audit_source,
        "job_id": config.job_id,
        "loudness": config.loudness,
        "dnsmos": config.dnsmos,
        "skip_checks": list(config.skip_checks),
        "only_checks": list(config.only_checks),
    }


#: Writes more files of the same run into the staging folder (first argument) and returns
#: their final paths in ``out`` (second argument), e.g. the fetch files of ``run --job-id``.
ExtraWriter = Callable[[Path, Path], dict[str, Path]]


def write(
    result: RunResult,
    audit_bytes: bytes | None,
    audit_source: str | None,
    progress: ProgressCallback | None = None,
    *,
    extra: ExtraWriter | None = None,
) -> RunResult:
    """Write every output of a run into ``config.out`` as one consistent set.

    Everything is written into a staging folder inside ``out`` first and published as a
    set (:mod:`remediate.publish`): files of an earlier run that this one does not write
    are removed, ``summary.json`` comes last. An interrupted run leaves no half-written
    file, and a ``summary.json`` is only ever beside the outputs of its own run.
    """
    with stage(progress, f"Writing the outputs into {result.config.out}"):
        return _write(result, audit_bytes, audit_source, extra)


def _write(
    result: RunResult,
    audit_bytes: bytes | None,
    audit_source: str | None,
    extra: ExtraWriter | None,
) -> RunResult:
    config = result.config
    out = ensure_out_dir(config.out)
    meta = _metadata(config, "scan" if audit_bytes is None else "run", audit_source)
    stage = publish.staging(out)
    try:
        names: dict[str, str] = {}
        if audit_bytes is not None:
            write_bytes(stage / K.AUDIT_COPY, audit_bytes)
            write_parquet(result.audit, stage / K.AUDIT_ERRORS, K.AUDIT_ERRORS_OUTPUT, meta)
            names.update(audit_copy=K.AUDIT_COPY, audit_errors=K.AUDIT_ERRORS)
        write_parquet(result.findings, stage / K.FINDINGS, K.FINDINGS_OUTPUT, meta)
        measurements = result.pairs.merge(result.measurements, on=C.PAIR_ID, how="left")
        write_parquet(measurements, stage / K.MEASUREMENTS, K.MEASUREMENTS_OUTPUT, meta)
        write_parquet(result.report, stage / K.REPORT, K.REPORT_OUTPUT, meta)
        write_manifest(stage / K.MANIFEST, result.manifest)
        write_manifest(stage / K.RERECORD, result.rerecord)
        names.update(
            findings=K.FINDINGS,
            measurements=K.MEASUREMENTS,
            report=K.REPORT,
            manifest=K.MANIFEST,
            rerecord=K.RERECORD,
        )
        outputs = {key: out / name for key, name in names.items()}
        if extra is not None:
            outputs.update(extra(stage, out))
        outputs["summary"] = out / K.SUMMARY
        summary = _summary(meta, result.summary, outputs)
        write_json(stage / K.SUMMARY, summary)
        publish.publish(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return replace(result, summary=summary, outputs=outputs)


def _summary(
    meta: dict[str, Any], found: dict[str, Any], outputs: dict[str, Path]
) -> dict[str, Any]:
    """summary.json: provenance, then what the run found; ``edition`` extends the provenance's.

    Provenance keys in ``found`` (a result written before) are replaced by this write's.
    """
    return {
        **meta,
        **{k: v for k, v in found.items() if k not in meta},
        "edition": {**meta["edition"], **found["edition"]},
        "outputs": {k: str(v) for k, v in outputs.items()},
    }


def run(
    config: Config,
    *,
    audit_bytes: bytes | None = None,
    audit_source: str | None = None,
    oplog_bytes: bytes | None = None,
    progress: ProgressCallback | None = None,
    extra: ExtraWriter | None = None,
    platform_assess: Mapping[str, Any] | None = None,
) -> RunResult:
    """The main job: audit result + corpus → report, findings, manifest, summary in ``out``.

    The audit comes from ``audit_bytes`` (e.g. fetched from the API) or ``config.audit_file``;
    ``extra`` adds files to the same published set. The job's operation log
    (``oplog_bytes``, or ``op-logs.json`` beside the audit file, as ``remediate fetch``
    writes it) adds its latest rejection's reasons as job-level entries and is copied into
    ``out`` byte for byte. ``out`` is held for the whole run
    (a second run into it stops with OutputError). Raises a RemediateError subclass when
    the run cannot start or write; data problems are findings.
    """
    _check_paths(config)
    if audit_bytes is None:
        if config.audit_file is None:
            raise ConfigError("no audit result given", hint="pass --audit-file or --job-id")
        audit_bytes, audit = read_audit_file(config.audit_file, job_id=config.job_id)
        audit_source = audit_source or str(config.audit_file)
        beside = config.audit_file.parent / K.OPLOG_FILE
        if oplog_bytes is None and beside.is_file():
            oplog_bytes = _read_oplog(beside)
    else:
        audit = parse_audit_result(
            audit_bytes, source=audit_source or "audit result", job_id=config.job_id
        )
    resolve_profile(config)  # a bad profile or --set stops here, before --out is touched
    audit = with_oplog(audit, oplog_bytes, source=K.OPLOG_FILE, job_id=config.job_id)
    if oplog_bytes is not None:
        extra = _with_oplog_file(oplog_bytes, extra)
    with publish.output_folder(config.out, "remediate run"):
        result = analyse(config, audit, progress=progress, platform_assess=platform_assess)
        return write(result, audit_bytes, audit_source, progress, extra=extra)


def _read_oplog(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AuditFileError(f"cannot read {path}: {exc.strerror or exc}", path=path) from None


def _with_oplog_file(oplog: bytes, extra: ExtraWriter | None) -> ExtraWriter:
    """``extra`` plus op-logs.json, byte for byte, in the same published set."""

    def both(stage: Path, out: Path) -> dict[str, Path]:
        write_bytes(stage / K.OPLOG_FILE, oplog)
        return {"oplog": out / K.OPLOG_FILE, **(extra(stage, out) if extra else {})}

    return both


def scan(config: Config, *, progress: ProgressCallback | None = None) -> RunResult:
    """The corpus stages alone (no audit): findings, report, manifest, summary in ``out``."""
    _check_paths(config)
    resolve_profile(config)  # a bad profile or --set stops here, before --out is touched
    with publish.output_folder(config.out, "remediate scan"):
        result = analyse(config, empty_audit_frame(), progress=progress)
        return write(result, None, None, progress)


def assess_corpus(
    config: Config, *, progress: ProgressCallback | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """``remediate assess``: measure the corpus (cached like any scan) and return the
    VOICE_ASSESS twin: the per-pair frame (:func:`remediate.assess.pair_assessment`) and
    the corpus summary in the platform's ``assess_result`` shape. Writes nothing."""
    profile = resolve_profile(config)
    listing = discover(config.corpus)
    measurements, _ = measure(
        config.corpus,
        listing.pairs,
        probe_settings(profile),
        ScanOptions(jobs=config.jobs, cache_dir=config.cache_dir),
        labelled(progress, "Decoding audio"),
    )
    per_pair = pair_assessment(listing.pairs, measurements, profile)
    names = listing.pairs[[C.PAIR_ID, C.AUDIO_NAME]]
    return names.merge(per_pair, on=C.PAIR_ID, how="left"), corpus_assessment(per_pair)
