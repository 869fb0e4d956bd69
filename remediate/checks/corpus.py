"""Corpus checks: duplicates across pairs and the upload as a whole (job-level rows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from remediate import columns as C
from remediate.checks.registry import (
    CORPUS,
    ERROR,
    PACKAGE,
    WARNING,
    Check,
    CorpusFacts,
    Hit,
    corpus_check,
    num,
    text,
)
from remediate.names import AUDIO_EXTENSIONS, TEXT_EXTENSIONS, pair_key, split_ext
from remediate.profiles import Profile
from remediate.texts import clean_text

if TYPE_CHECKING:
    import pandas as pd

Found = Iterator[tuple[str | None, Hit]]


@corpus_check(
    "duplicate-audio",
    category=CORPUS,
    severity=ERROR,
    fixable=False,
    description="decoded samples identical to an earlier pair's",
)
def duplicate_audio(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    first: dict[str, str] = {}
    for r in facts.rows:
        digest = text(r[C.SAMPLES_SHA256])
        if not digest or text(r[C.AUDIO_ERROR]) or (num(r[C.FRAMES]) or 0) <= 0:
            continue
        pid = r[C.PAIR_ID]
        if digest in first:
            yield pid, Hit(f"same decoded samples as pair {first[digest]}")
        else:
            first[digest] = pid


@corpus_check(
    "duplicate-text",
    category=CORPUS,
    severity=WARNING,
    fixable=False,
    description="normalised transcript identical to an earlier pair's",
)
def duplicate_text(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    first: dict[str, str] = {}
    for r in facts.rows:
        body = text(r[C.TEXT])
        if not body or not body.strip():
            continue
        pid, key = r[C.PAIR_ID], clean_text(body).casefold()
        if key in first:
            yield pid, Hit(f"same transcript as pair {first[key]}")
        else:
            first[key] = pid


@corpus_check(
    "corpus-pair-count",
    category=PACKAGE,
    severity=WARNING,
    fixable=False,
    description="complete pairs differ from the edition's required count (job-level)",
    reads=("pairs_required",),
)
def corpus_pair_count(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    pairs = facts.pairs
    complete = int((pairs[C.AUDIO_NAME].notna() & pairs[C.TEXT_NAME].notna()).sum())
    if p.pairs_required and complete != p.pairs_required:
        yield (
            None,
            Hit(
                f"{complete} complete pairs; the {p.name} edition needs {p.pairs_required}",
                value=float(complete),
                threshold=float(p.pairs_required),
            ),
        )


def _shown(names: tuple[str, ...]) -> str:
    return ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")


@corpus_check(
    "corpus-extra-files",
    category=PACKAGE,
    severity=WARNING,
    fixable=False,
    description="files other than .wav/.txt in the corpus (job-level)",
)
def corpus_extra_files(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    other = facts.other_files
    if other:
        yield (
            None,
            Hit(
                f"{len(other)} files are neither .wav nor .txt: {_shown(other)}",
                value=float(len(other)),
                threshold=0.0,
            ),
        )


@corpus_check(
    "corpus-bad-names",
    category=PACKAGE,
    severity=ERROR,
    fixable=False,
    description="file names that are not valid UTF-8: not checked, cannot be uploaded; "
    "rename them (job-level)",
)
def corpus_bad_names(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    bad = facts.bad_names
    if bad:
        yield (
            None,
            Hit(
                f"{len(bad)} files have names that are not valid UTF-8 and were not "
                f"checked; rename them: {_shown(bad)}",
                value=float(len(bad)),
                threshold=0.0,
            ),
        )


@corpus_check(
    "corpus-link-outside",
    category=PACKAGE,
    severity=ERROR,
    fixable=False,
    description="a symbolic link that leads outside the corpus: never read nor copied "
    "(on its pair, or job-level)",
)
def corpus_link_outside(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    for name in facts.links_outside:
        message = f"{name} is a link to a file outside the corpus: not read"
        pids = _pairs_of(facts.pairs, name)
        for pid in pids or [None]:
            yield pid, Hit(message, value=1.0, threshold=0.0)


def _folder(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _pairs_of(pairs: pd.DataFrame, name: str) -> list[str | None]:
    """The pairs a file of this name would have joined (same key, same folder)."""
    base = name.rsplit("/", 1)[-1]
    if split_ext(base)[1] not in AUDIO_EXTENSIONS | TEXT_EXTENSIONS:
        return []
    key, folder = pair_key(base), _folder(name)
    found: list[str | None] = []
    for r in C.records(pairs[pairs[C.PAIR_KEY] == key]):
        names = [n for n in (text(r[C.AUDIO_NAME]), text(r[C.TEXT_NAME])) if n]
        if any(_folder(n) == folder for n in names):
            found.append(str(r[C.PAIR_ID]))
    return found
