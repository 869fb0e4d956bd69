"""The records of a fix: the dropped table, the provenance, the plan and fix summaries."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from remediate import columns as C
from remediate import contract as K
from remediate.fix.actions import COPY_AUDIO, COPY_TEXT, DROP, as_text
from remediate.profiles import Profile

if TYPE_CHECKING:
    from remediate.fix.apply import ApplyResult
    from remediate.fix.command import FixOptions
    from remediate.fix.rundir import RunDir


def dropped_table(
    plan: pd.DataFrame, run: RunDir, failed: dict[str, str], unresolved: dict[str, str]
) -> pd.DataFrame:
    names = {r[C.PAIR_ID]: r for r in C.records(run.report)}
    rows = []
    for r in C.records(plan[plan[C.ACTION] == DROP]):
        reasons = json.loads(r[C.PARAMETERS])["reasons"]
        rows.append((r[C.PAIR_ID], "run", reasons))
    rows += [(pid, "apply", [reason]) for pid, reason in failed.items()]
    rows += [(pid, "recheck", [reason]) for pid, reason in unresolved.items()]
    out = []
    for pid, dropped_at, reasons in rows:
        n = names.get(pid, {})
        out.append(
            {
                C.PAIR_ID: pid,
                C.ORIGINAL_AUDIO_NAME: as_text(n.get(C.AUDIO_NAME)) or "",
                C.ORIGINAL_TEXT_NAME: as_text(n.get(C.TEXT_NAME)) or "",
                C.STAGE: dropped_at,
                C.REASONS: " | ".join(reasons),
            }
        )
    return pd.DataFrame(out, columns=C.DROPPED_COLUMNS)


def provenance(run: RunDir, options: FixOptions) -> dict[str, Any]:
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


def plan_summary(plan: pd.DataFrame, run: RunDir, options: FixOptions) -> dict[str, Any]:
    pairs = plan.groupby(C.PAIR_ID, sort=False)[C.ACTION].apply(list)
    return {
        **provenance(run, options),
        "dry_run": True,
        "dest": str(options.dest),
        "pairs_planned": int(len(pairs)),
        "pairs_to_drop": int(sum(DROP in a for a in pairs)),
        "pairs_to_fix": int(
            sum(any(x not in (COPY_AUDIO, COPY_TEXT, DROP) for x in a) for a in pairs)
        ),
        "actions": {str(k): int(v) for k, v in plan[C.ACTION].value_counts().sort_index().items()},
    }


def fix_summary(
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
            str(k): int(v) for k, v in applied.fixes[C.ACTION].value_counts().sort_index().items()
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
