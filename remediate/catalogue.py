"""The MSS error-code catalogue, and the category of an audit entry and of a local check.

Loaded from ``remediate/data/mss_codes.toml``: per documented code its status (confirmed or
inferred), category (format, package, text, content, quality, service, authorization),
meaning, hint, the local checks that *are* the problem (``covers``) and those that plausibly
*cause* it (``may_explain``, an inference). The documented list is partial. An entry whose
code is not listed is never assumed to be explained by just any local finding: its category
is read from keywords in its message (:func:`message_categories`), and only a local finding of
that category can explain it (see :mod:`remediate.verdict`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

CONFIRMED: Final = "confirmed"
INFERRED: Final = "inferred"

FORMAT: Final = "format"
PACKAGE: Final = "package"
TEXT: Final = "text"
CONTENT: Final = "content"
QUALITY: Final = "quality"

#: Keywords (lower-case substrings) that give an unknown code's message a category.
KEYWORDS: Final[dict[str, tuple[str, ...]]] = {
    FORMAT: (
        "format", "mono", "stereo", "channel", "sample rate", "samplerate", "bit depth",
        "16-bit", "wav", "格式", "采样率", "声道", "位深",
    ),
    PACKAGE: (
        "zip", "package", "number of", "file count", "too many files", "压缩包", "数量",
        "多余文件",
    ),
    CONTENT: ("match", "不一致", "不匹配", "不符", "misread", "漏读", "多读", "错读"),
    TEXT: ("text", "language", "transcript", "encoding", "文本", "语言", "语种", "编码"),
    QUALITY: (
        "noise", "噪", "volume", "clipping", "clipped", "loud", "quiet", "snr", "reverb",
        "echo", "silence", "duration", "too short", "too long", "爆音", "削波", "音量", "混响",
        "回声", "静音", "时长",
    ),
}  # fmt: skip
#: A mismatch keyword makes the problem content (speech vs text), not the text file itself,
#: unless the message is about the language: "speech does not match text" is content only.
LANGUAGE_WORDS: Final = ("language", "语言", "语种")

#: Category of each check, until the check registry carries one (issue 10, item 1).
_CHECK_CATEGORY: Final[dict[str, str]] = {
    **dict.fromkeys(
        (
            "audio-empty", "audio-container", "audio-truncated", "audio-unreadable",
            "audio-channels", "audio-samplerate-high", "audio-samplerate-low",
            "audio-samplerate-accepted", "audio-subtype",
        ),
        FORMAT,
    ),
    **dict.fromkeys(("corpus-pair-count", "corpus-extra-files", "corpus-bad-names"), PACKAGE),
    **dict.fromkeys(
        (
            "text-unreadable", "text-encoding", "text-bom", "text-empty", "text-control-chars",
            "text-not-nfc", "text-whitespace", "text-language",
        ),
        TEXT,
    ),
    **dict.fromkeys(("text-too-long", "text-cps-range", "text-cps-outlier"), CONTENT),
    **dict.fromkeys(("audio-missing", "text-missing", "name-collision"), "pairing"),
    **dict.fromkeys(("duplicate-audio", "duplicate-text"), "corpus"),
}  # fmt: skip


@dataclass(frozen=True)
class CodeInfo:
    """One catalogue entry."""

    code: str
    status: str
    category: str
    meaning: str
    hint: str
    covers: frozenset[str]
    may_explain: frozenset[str] = frozenset()
    match: tuple[str, ...] = ()

    @property
    def inferred(self) -> bool:
        return self.status != CONFIRMED


@cache
def catalogue() -> dict[str, CodeInfo]:
    """Every catalogue entry, keyed by code (``MSS.20020011``) or, for documented problems
    whose number is unknown, by a name (``authorization-letter``)."""
    raw = tomllib.loads(
        (resources.files("remediate") / "data" / "mss_codes.toml").read_text("utf-8")
    )
    return {
        code: CodeInfo(
            code=code,
            status=str(v["status"]),
            category=str(v["category"]),
            meaning=str(v["meaning"]),
            hint=str(v["hint"]),
            covers=frozenset(v.get("covers", [])),
            may_explain=frozenset(v.get("may_explain", [])),
            match=tuple(str(m).casefold() for m in v.get("match", [])),
        )
        for code, v in raw.items()
    }


def lookup(code: str | None) -> CodeInfo | None:
    """The catalogue entry of a code (case-insensitive, surrounding space ignored), or None."""
    if not code:
        return None
    info = catalogue().get(code.strip().upper())
    return info if info is not None and not info.match else None


def identify(code: str | None, message: str | None) -> CodeInfo | None:
    """The entry for an audit entry: by its code, else by a documented message it carries."""
    info = lookup(code)
    if info is not None or not message:
        return info
    folded = message.casefold()
    for entry in catalogue().values():
        if any(m in folded for m in entry.match):
            return entry
    return None


def message_categories(message: str | None) -> frozenset[str]:
    """Categories named by keywords in an audit message; empty when it names none."""
    if not message:
        return frozenset()
    folded = message.casefold()
    found = {cat for cat, words in KEYWORDS.items() if any(w in folded for w in words)}
    if CONTENT in found and not any(w in folded for w in LANGUAGE_WORDS):
        found.discard(TEXT)
    return frozenset(found)


def check_category(check: str) -> str:
    """The category of a local check code: the registry's when it carries one, else the
    table above, else quality (every other check measures the signal)."""
    from remediate.checks import CHECKS

    registered = getattr(CHECKS.get(check), "category", None)
    if isinstance(registered, str):
        return registered
    return _CHECK_CATEGORY.get(check, QUALITY)
