"""Build the run summary (``summary.json`` and the ``--json`` document). Pure."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.contract import edition_summary
from remediate.profiles import Profile


def _count(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in sorted(Counter(series.dropna()).items())}


def summarise(
    report: pd.DataFrame,
    findings: pd.DataFrame,
    audit: pd.DataFrame,
    profile: Profile,
) -> dict[str, Any]:
    """Counts per verdict, audit code and finding code; durations; the edition requirement."""
    pairs = report[report[C.PAIR_ID].notna()]
    resubmit = pairs[pairs[C.VERDICT].isin([C.VERDICT_KEEP, C.VERDICT_FIX])]
    verdicts = {v: int((report[C.VERDICT] == v).sum()) for v in C.VERDICTS}
    accounted = sorted({int(i) for ids in report[C.AUDIT_ENTRY_IDS] for i in ids})
    return {
        "pairs": len(pairs),
        "verdicts": verdicts,
        "needs_review": int(pairs[C.NEEDS_REVIEW].sum()),
        "audit_entries": len(audit),
        "audit_entries_accounted": len(accounted),
        "audit_error_codes": _count(audit[C.ERROR_CODE]),
        "findings": _count(findings[C.CHECK]),
        "findings_by_severity": {s: int((findings[C.SEVERITY] == s).sum()) for s in C.SEVERITIES},
        "duration_total_s": round(float(pairs[C.DURATION_S].fillna(0).sum()), 3),
        "duration_kept_s": round(float(resubmit[C.DURATION_S].fillna(0).sum()), 3),
        "edition": edition_summary(profile.name, profile.pairs_required, len(resubmit)),
    }
