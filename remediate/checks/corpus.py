"""Corpus checks: duplicates across pairs and the upload as a whole (job-level rows)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from remediate import columns as C
from remediate.checks.registry import (
    CORPUS,
    ERROR,
    PACKAGE,
    TEXT,
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
from remediate.texts import clean_text, dominant_script

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


@corpus_check(
    "corpus-total-duration",
    category=PACKAGE,
    severity=WARNING,
    fixable=False,
    description="total audio of the complete pairs outside the edition's range (BASIC 3–10 min, "
    "MIDDLE 10–30 min; job-level)",
    reads=("duration.total_min_s", "duration.total_max_s"),
)
def corpus_total_duration(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    seconds = sum(
        num(r[C.DURATION_S]) or 0.0
        for r in facts.rows
        if text(r[C.AUDIO_NAME]) and text(r[C.TEXT_NAME]) and not text(r[C.AUDIO_ERROR])
    )
    low, high = p.duration.total_min_s, p.duration.total_max_s
    expected = f"the {p.name} edition expects {low / 60:g}" + (
        f"–{high / 60:g} min" if high else "+ min"
    )
    if low and seconds < low:
        yield None, Hit(f"{seconds / 60:.1f} min of audio; {expected}", seconds, low)
    elif high and seconds > high:
        yield None, Hit(f"{seconds / 60:.1f} min of audio; {expected}", seconds, high)


@corpus_check(
    "text-mixed-language",
    category=TEXT,
    severity=WARNING,
    fixable=False,
    description="transcript in another script than most of the corpus (one job trains one "
    "language), checked even without --language",
    reads=("text.language",),
)
def text_mixed_language(c: Check, facts: CorpusFacts, p: Profile) -> Found:
    if p.text.language != "any":  # text-language checks each transcript against the job's
        return
    scripts: dict[str, str] = {}
    for r in facts.rows:
        body = text(r[C.TEXT])
        script = dominant_script(body) if body else None
        if script:
            scripts[r[C.PAIR_ID]] = script
    counts = {s: sum(1 for v in scripts.values() if v == s) for s in set(scripts.values())}
    if len(counts) < 2:
        return
    major = max(sorted(counts), key=lambda s: counts[s])
    for pid, script in scripts.items():
        if script != major:
            yield (
                pid,
                Hit(
                    f"transcript is {script} text; {counts[major]} of {len(scripts)} are {major}",
                    float(counts[major]),
                ),
            )
