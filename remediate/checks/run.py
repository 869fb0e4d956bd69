"""Running the registered checks: choosing them, and the findings of a corpus.

``run_checks`` runs every chosen pair check on every pair, then the corpus hooks, and
returns the findings frame (the stage result an unchanged corpus reads back from the
scan cache, :mod:`remediate.memo`). ``select`` and ``probe_passes`` turn ``--skip`` /
``--only`` into the checks and the probe passes they need.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from remediate import columns as C
from remediate.checks.registry import CHECKS, Check, CorpusFacts, Hit
from remediate.errors import ConfigError
from remediate.profiles import Profile

if TYPE_CHECKING:  # pandas is imported when checks run, not when they are listed
    import pandas as pd

    from remediate.memo import StageMemo


def select(skip: Iterable[str] = (), only: Iterable[str] = ()) -> list[Check]:
    """The checks to run: all, minus ``skip``; or only ``only`` (when given).

    Raises ConfigError naming the known codes when a code is not registered.
    """
    skip, only = tuple(skip), tuple(only)
    unknown = sorted({c for c in (*skip, *only) if c not in CHECKS})
    if unknown:
        raise ConfigError(
            f"unknown check code(s) {', '.join(unknown)}",
            hint=f"known checks: {', '.join(CHECKS)}",
        )
    chosen = [c for c in CHECKS.values() if not only or c.code in only]
    return [c for c in chosen if c.code not in skip]


def probe_passes(skip: Iterable[str] = (), only: Iterable[str] = ()) -> frozenset[str]:
    """The optional probe passes the checks chosen by ``skip``/``only`` read (ConfigError
    for an unknown code): a pass nobody reads is not measured."""
    return frozenset(n for c in select(skip, only) for n in c.needs)


def run_checks(
    pairs: pd.DataFrame,
    measurements: pd.DataFrame,
    profile: Profile,
    other_files: tuple[str, ...] = (),
    bad_names: tuple[str, ...] = (),
    *,
    links_outside: tuple[str, ...] = (),
    audit_counts: tuple[int, int] = (0, 0),
    skip: Iterable[str] = (),
    only: Iterable[str] = (),
    memo: StageMemo | None = None,
) -> pd.DataFrame:
    """All findings for a corpus: pairs + measurements (same order) → findings frame.

    Every pair check runs on every pair, then every corpus hook once. ``skip``/``only``
    choose checks by code (ConfigError for an unknown one). With ``memo`` (the scan
    cache and the corpus state the measurements came from), the findings of an unchanged
    corpus, profile, set of checks and other inputs are read instead of computed.
    """
    chosen = select(skip, only)
    inputs = (other_files, bad_names, links_outside, audit_counts, [c.code for c in chosen])
    key = memo.key(pairs, profile, repr(inputs)) if memo else None
    if memo and key:
        kept = memo.store.get(key, C.FINDING_DTYPES)
        if kept is not None:
            return kept
    merged = pairs.merge(measurements, on=C.PAIR_ID, how="left", validate="one_to_one")
    rows = C.records(merged)
    found: list[dict[str, Any]] = []
    per_pair = [(c, c.pair_fn) for c in chosen if c.pair_fn is not None]
    for r in rows:
        for c, fn in per_pair:
            hit = fn(c, r, profile)
            if hit is not None:
                found.append(finding_row(c, r[C.PAIR_ID], hit, profile))
    facts = CorpusFacts(rows, pairs, other_files, bad_names, links_outside, *audit_counts)
    for c in chosen:
        if c.corpus_fn is not None:
            found.extend(
                finding_row(c, pid, hit, profile) for pid, hit in c.corpus_fn(c, facts, profile)
            )
    findings = findings_frame(found, order=list(pairs[C.PAIR_ID]))
    if memo and key:
        memo.store.put(key, findings)
    return findings


def finding_row(c: Check, pair_id: str | None, hit: Hit, profile: Profile) -> dict[str, Any]:
    """One findings-table row from a check's hit."""
    band = hit.band
    severity = hit.severity or (band.severity if band else c.severity)
    threshold = hit.threshold
    if threshold is None and band is not None:
        threshold = band.edge(profile)
    return {
        C.PAIR_ID: pair_id,
        C.CHECK: c.code,
        C.SEVERITY: severity,
        C.VALUE: hit.value,
        C.THRESHOLD: threshold,
        C.FIXABLE: c.fixable if hit.fixable is None else hit.fixable,
        C.BAND: band.label(profile) if band else None,
        C.MESSAGE: hit.message,
    }


def findings_frame(rows: list[dict[str, Any]], order: list[str] | None = None) -> pd.DataFrame:
    """Build the findings frame with its dtypes, sorted by corpus order then check code."""
    import pandas as pd

    from remediate.contract import coerce

    df = pd.DataFrame(rows, columns=C.FINDING_COLUMNS)
    position = {pid: i for i, pid in enumerate(order or [])}
    if len(df):
        df["_pos"] = [
            position.get(p, len(position)) if isinstance(p, str) else -1 for p in df[C.PAIR_ID]
        ]
        df = df.sort_values(["_pos", C.CHECK], kind="stable").drop(columns="_pos")
    return coerce(df, C.FINDING_DTYPES).reset_index(drop=True)
