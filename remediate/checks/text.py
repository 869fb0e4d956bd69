"""Transcript checks: readable, UTF-8, clean characters, one sentence, the job's language,
and a speaking rate that fits its audio (against the profile and against the corpus)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from remediate import columns as C
from remediate.checks.measures import chars_per_second, speaking_rate
from remediate.checks.registry import (
    CONTENT,
    ERROR,
    TEXT,
    WARNING,
    Band,
    Check,
    CorpusFacts,
    Hit,
    Row,
    check,
    corpus_check,
    is_na,
    num,
    text,
)
from remediate.profiles import Profile
from remediate.texts import TEXT_MAX_BYTES, clean_text, control_chars, dominant_script


def readable(r: Row) -> bool:
    """The pair has a transcript that was read and decoded."""
    return text(r[C.TEXT_NAME]) is not None and not text(r[C.TEXT_ERROR])


def transcript(r: Row) -> str | None:
    """The decoded transcript when it holds more than whitespace, else None."""
    if not readable(r):
        return None
    body = text(r[C.TEXT]) or ""
    return body if body.strip() else None


def _bom(r: Row) -> bool:
    return False if is_na(r[C.TEXT_BOM]) else bool(r[C.TEXT_BOM])


@check(
    "text-unreadable",
    category=TEXT,
    severity=ERROR,
    fixable=False,
    description="the text file cannot be read or decoded in any known encoding",
)
def text_unreadable(c: Check, r: Row, p: Profile) -> Hit | None:
    error = text(r[C.TEXT_ERROR])
    if text(r[C.TEXT_NAME]) is not None and error and not _too_large(r):
        return Hit(error)
    return None


def _too_large(r: Row) -> bool:
    size = num(r[C.TEXT_BYTES])
    return size is not None and size > TEXT_MAX_BYTES


@check(
    "text-too-large",
    category=TEXT,
    severity=ERROR,
    fixable=False,
    description=f"the text file is over {TEXT_MAX_BYTES // 1024} KiB: not a transcript, "
    "not decoded",
)
def text_too_large(c: Check, r: Row, p: Profile) -> Hit | None:
    if text(r[C.TEXT_NAME]) is not None and _too_large(r):
        size = float(num(r[C.TEXT_BYTES]) or 0)
        return Hit(f"{int(size)} bytes: not decoded", value=size, threshold=float(TEXT_MAX_BYTES))
    return None


@check(
    "text-encoding",
    category=TEXT,
    severity=ERROR,
    fixable=True,
    description="not UTF-8 (e.g. GBK); re-encoded by the fix",
)
def text_encoding(c: Check, r: Row, p: Profile) -> Hit | None:
    encoding = text(r[C.TEXT_ENCODING])
    if not readable(r):
        return None
    if _bom(r):
        if encoding and encoding.startswith("utf-8"):
            return None  # text-bom
        return Hit(f"{encoding} with byte-order mark, not UTF-8")
    if encoding and encoding != "utf-8":
        return Hit(f"text is {encoding}, not UTF-8")
    return None


@check(
    "text-bom",
    category=TEXT,
    severity=WARNING,
    fixable=True,
    description="starts with a byte-order mark; dropped by the fix",
)
def text_bom(c: Check, r: Row, p: Profile) -> Hit | None:
    encoding = text(r[C.TEXT_ENCODING])
    if readable(r) and _bom(r) and encoding and encoding.startswith("utf-8"):
        return Hit("UTF-8 byte-order mark at the start")
    return None


@check(
    "text-empty",
    category=TEXT,
    severity=ERROR,
    fixable=False,
    description="empty or whitespace-only transcript",
)
def text_empty(c: Check, r: Row, p: Profile) -> Hit | None:
    if not readable(r) or transcript(r) is not None:
        return None
    body = text(r[C.TEXT]) or ""
    return Hit("transcript is empty" if not body else "transcript is only whitespace", value=0.0)


def _control(body: str) -> int:
    return control_chars(body.lstrip("\ufeff"))


@check(
    "text-control-chars",
    category=TEXT,
    severity=WARNING,
    fixable=True,
    description="C0/C1 control characters or a stray BOM; dropped by the fix",
)
def text_control_chars(c: Check, r: Row, p: Profile) -> Hit | None:
    body = transcript(r)
    ctrl = _control(body) if body is not None else 0
    if not ctrl:
        return None
    return Hit(f"{ctrl} control characters", value=float(ctrl), threshold=0.0)


@check(
    "text-not-nfc",
    category=TEXT,
    severity=WARNING,
    fixable=True,
    description="not Unicode NFC; normalised by the fix",
)
def text_not_nfc(c: Check, r: Row, p: Profile) -> Hit | None:
    body = transcript(r)
    if body is None or unicodedata.is_normalized("NFC", body):
        return None
    return Hit("text is not in Unicode NFC")


@check(
    "text-whitespace",
    category=TEXT,
    severity=WARNING,
    fixable=True,
    description="stray whitespace (leading, trailing, runs, CR); cleaned by the fix",
)
def text_whitespace(c: Check, r: Row, p: Profile) -> Hit | None:
    body = transcript(r)
    if body is None or _control(body):
        return None  # text-control-chars' fix cleans the whitespace too
    line = body[:-1] if body.endswith("\n") and not body.endswith("\r\n") else body
    # Compared in NFC: clean_text also normalises, and non-NFC text has its own finding.
    if unicodedata.normalize("NFC", line) == clean_text(line):
        return None
    return Hit("stray whitespace (leading/trailing, runs or CR)")


@check(
    "text-too-long",
    category=CONTENT,
    severity=WARNING,
    fixable=False,
    description="longer than one sentence should be",
    bands=(Band(WARNING, ">", "text.max_chars"),),
)
def text_too_long(c: Check, r: Row, p: Profile) -> Hit | None:
    body = transcript(r)
    chars = len(clean_text(body)) if body is not None else 0
    band = c.grade(chars, p) if body is not None else None
    if band is None:
        return None
    return Hit(f"{chars} characters", value=float(chars), band=band)


@check(
    "text-language",
    category=TEXT,
    severity=ERROR,
    fixable=False,
    description="script does not match the job language",
    reads=("text.language",),
)
def text_language(c: Check, r: Row, p: Profile) -> Hit | None:
    body = transcript(r)
    lang = p.text.language.upper()
    if body is None or lang not in ("CN", "EN"):
        return None
    script = dominant_script(body)
    if script is None or script == ("han" if lang == "CN" else "latin"):
        return None
    return Hit(f"text is mostly {script} script; job language is {lang}")


# --- speaking rate ---------------------------------------------------------------------------


@check(
    "text-cps-range",
    category=CONTENT,
    severity=WARNING,
    fixable=False,
    description="characters per second of speech outside the normal range; an error where "
    "no speech is that fast or slow",
    bands=(
        Band(WARNING, "<", "text.cps.latin_min", on="latin"),
        Band(WARNING, ">", "text.cps.latin_max", on="latin"),
        Band(WARNING, "<", "text.cps.han_min", on="han"),
        Band(WARNING, ">", "text.cps.han_max", on="han"),
        Band(ERROR, "<", "text.cps.error_latin_min", on="latin"),
        Band(ERROR, ">", "text.cps.error_latin_max", on="latin"),
        Band(ERROR, "<", "text.cps.error_han_min", on="han"),
        Band(ERROR, ">", "text.cps.error_han_max", on="han"),
    ),
)
def text_cps_range(c: Check, r: Row, p: Profile) -> Hit | None:
    script, cps = chars_per_second(r, p)
    if script is None or cps is None:
        return None
    band = c.grade(cps, p, on=script)
    if band is None:
        return None
    lo, hi = (getattr(p.text.cps, f"{script}_{side}") for side in ("min", "max"))
    return Hit(
        f"{cps:.1f} {script} characters per second of speech, expected {lo:g}-{hi:g}",
        value=round(cps, 3),
        band=band,
    )


@corpus_check(
    "text-cps-outlier",
    category=CONTENT,
    severity=WARNING,
    fixable=False,
    description="characters per second far from the rest of the corpus (IQR): "
    "transcript may not belong to its audio",
    reads=("text.cps_iqr_k", "text.cps_min_pairs"),
)
def text_cps_outlier(c: Check, facts: CorpusFacts, p: Profile) -> Iterator[tuple[str | None, Hit]]:
    import numpy as np

    by_script: dict[str, list[tuple[str, float]]] = {}
    for r in facts.rows:
        script, cps = chars_per_second(r, p)
        if script is not None and cps is not None:
            by_script.setdefault(script, []).append((r[C.PAIR_ID], cps))
    for script, values in by_script.items():
        if len(values) < p.text.cps_min_pairs:
            continue
        q1, q3 = (float(q) for q in np.quantile([v for _, v in values], [0.25, 0.75]))
        k = p.text.cps_iqr_k * (q3 - q1)
        lo, hi = q1 - k, q3 + k
        for pid, cps in values:
            if not lo <= cps <= hi:
                yield (
                    pid,
                    Hit(
                        f"{cps:.1f} chars/s; corpus {script} range {lo:.1f}-{hi:.1f}",
                        value=round(cps, 3),
                        threshold=round(lo if cps < lo else hi, 3),
                    ),
                )


@corpus_check(
    "audio-rate-outlier",
    category=CONTENT,
    severity=WARNING,
    fixable=False,
    description="speaking rate (units per second of active speech) far from the corpus's own "
    "median: sped-up or slowed-down audio, or a transcript that is not what is spoken",
    bands=(
        Band(ERROR, ">", "rate.error_ratio_max", on="fast"),
        Band(WARNING, ">", "rate.ratio_max", on="fast"),
        Band(ERROR, "<", "rate.error_ratio_min", on="slow"),
        Band(WARNING, "<", "rate.ratio_min", on="slow"),
    ),
    reads=("rate.min_pairs",),
)
def audio_rate_outlier(
    c: Check, facts: CorpusFacts, p: Profile
) -> Iterator[tuple[str | None, Hit]]:
    import numpy as np

    by_script: dict[str, list[tuple[str, float]]] = {}
    for r in facts.rows:
        script, rate = speaking_rate(r, p)
        if script is not None and rate is not None:
            by_script.setdefault(script, []).append((r[C.PAIR_ID], rate))
    for script, values in by_script.items():
        if len(values) < p.rate.min_pairs:
            continue
        median = float(np.median([v for _, v in values]))
        for pid, rate in values:
            ratio = rate / median
            band = c.grade(ratio, p, on="fast" if ratio >= 1 else "slow")
            if band is not None:
                yield (
                    pid,
                    Hit(
                        f"{rate:.1f} {script} units per second of speech, {ratio:.2f}x the "
                        f"corpus median {median:.1f}",
                        value=round(ratio, 3),
                        band=band,
                    ),
                )
