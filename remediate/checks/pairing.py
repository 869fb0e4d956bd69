"""Pairing checks: each audio file has its transcript and each name its own pair."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from remediate import columns as C
from remediate.checks.registry import (
    ERROR,
    PAIRING,
    WARNING,
    Check,
    CorpusFacts,
    Hit,
    Row,
    check,
    corpus_check,
    text,
)
from remediate.profiles import Profile


@check(
    "audio-missing",
    category=PAIRING,
    severity=ERROR,
    fixable=False,
    description="a text file has no audio file",
)
def audio_missing(c: Check, r: Row, p: Profile) -> Hit | None:
    if text(r[C.AUDIO_NAME]) is None:
        return Hit(f"{r[C.TEXT_NAME]} has no audio file")
    return None


@check(
    "text-missing",
    category=PAIRING,
    severity=ERROR,
    fixable=False,
    description="an audio file has no text file",
)
def text_missing(c: Check, r: Row, p: Profile) -> Hit | None:
    if text(r[C.TEXT_NAME]) is None:
        return Hit(f"{r[C.AUDIO_NAME]} has no text file")
    return None


@corpus_check(
    "name-collision",
    category=PAIRING,
    severity=WARNING,
    fixable=False,
    description="several files share one pairing key after normalisation",
)
def name_collision(c: Check, facts: CorpusFacts, p: Profile) -> Iterator[tuple[str | None, Hit]]:
    pairs = facts.pairs
    keys = pairs[C.PAIR_KEY].tolist()
    counts = Counter(k for k in keys if isinstance(k, str))  # a dict: Series.get per pair is slow
    for pid, key in zip(pairs[C.PAIR_ID].tolist(), keys, strict=True):
        if counts.get(key, 0) > 1:
            yield pid, Hit(f"{counts[key]} pairs share the key '{key}' after normalisation")


@corpus_check(
    "audit-matches-nothing",
    category=PAIRING,
    severity=ERROR,
    fixable=False,
    description="no audit entry names a file of this corpus: probably the wrong --corpus "
    "(job-level)",
)
def audit_matches_nothing(
    c: Check, facts: CorpusFacts, p: Profile
) -> Iterator[tuple[str | None, Hit]]:
    if facts.audit_named and not facts.audit_matched:
        yield (
            None,
            Hit(
                f"none of the {facts.audit_named} audit entries that name a file matches a "
                "file of this corpus: is --corpus the corpus this job was trained on?",
                value=0.0,
                threshold=float(facts.audit_named),
            ),
        )
