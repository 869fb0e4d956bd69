"""Decode transcript bytes: strict UTF-8 first, then BOMs, then charset detection.

Pure: bytes in, :class:`TextFacts` out. Also the small text helpers the checks and
the fix stage share (script classification, the canonical cleaned form).
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass, fields
from typing import Any

#: BOMs we recognise, longest first (UTF-32 LE starts with the UTF-16 LE BOM).
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

#: Encodings tried, in order, when the bytes are not UTF-8 and carry no BOM. gb18030 is a
#: superset of GBK/GB2312 and covers the Chinese transcripts MetaStudio trains on.
_FALLBACKS = ("gb18030", "big5", "shift_jis", "euc-kr")
#: When charset-normalizer finds several encodings equally plausible (short CJK text
#: decodes cleanly as GBK, Big5, CP949 and Shift-JIS alike: "你好" in GBK came back as
#: Big5, "今天天气很好" as Korean CP949), the likeliest for a CN/EN voice corpus wins.
_PREFERRED = ("gb18030", "big5", "cp1252", "cp932", "shift_jis", "cp949", "euc_kr")
#: Detections trusted at all. UTF-16/32 are absent on purpose: without a BOM almost any
#: even-length junk "decodes" as UTF-16 (BOM files are handled before detection).
_ALLOWED = frozenset(
    codecs.lookup(e).name for e in (*_PREFERRED, *_FALLBACKS, "latin-1", "cp1250", "cp1251")
)


#: A transcript is one sentence; a file over this size is not one (a log, a book, a link to
#: /dev/zero), so it is reported (text-too-large) and never decoded.
TEXT_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class TextFacts:
    """What decoding one transcript tells. Field names match ``columns``."""

    text_encoding: str | None = None
    text_bom: bool = False
    text: str | None = None
    text_chars: int | None = None
    text_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _canonical(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    # charset-normalizer names GBK/GB2312 separately; gb18030 decodes all of them.
    return "gb18030" if name in ("gbk", "gb2312", "hz") else name


def _pick(matches: list[tuple[str, float]]) -> str | None:
    """The encoding to use from charset-normalizer's (encoding, chaos) matches, best first:
    among the least chaotic, the likeliest for this corpus; BOM-less UTF-16/32 never."""
    usable = [(_canonical(enc), chaos) for enc, chaos in matches]
    # Only encodings a CN/EN transcript plausibly uses: short junk "decodes" as exotic code
    # pages (cp1006, ...), and re-encoding it would turn junk into confident garbage.
    usable = [(enc, chaos) for enc, chaos in usable if enc in _ALLOWED]
    if not usable:
        return None
    least = min(chaos for _, chaos in usable)
    tied = [enc for enc, chaos in usable if chaos <= least]
    preferred = [enc for enc in _PREFERRED if enc in tied]
    return preferred[0] if preferred else tied[0]


def _detect(data: bytes) -> str | None:
    """Best guess of a legacy encoding via charset-normalizer, preferring gb18030 for CJK."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        best = None
    else:
        best = _pick([(m.encoding, float(m.chaos)) for m in from_bytes(data)])
    candidates = ([best] if best else []) + [e for e in _FALLBACKS if e != best]
    for enc in candidates:
        try:
            data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return enc
    return None


def decode_text(data: bytes) -> TextFacts:
    """Decode transcript bytes, recording the encoding that worked.

    ``text_encoding`` is ``utf-8`` for clean files; anything else (a BOM, gb18030...) is
    what the fix stage rewrites. Undecodable bytes give ``text_error``.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(enc)
            except UnicodeDecodeError as exc:
                return TextFacts(enc, True, None, None, f"invalid {enc} at byte {exc.start}")
            return TextFacts(enc, True, text, len(text), None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        detected = _detect(data)
        if detected is None:
            return TextFacts(
                None, False, None, None, f"not UTF-8 (byte {exc.start}), encoding unknown"
            )
        text = data.decode(detected)
        return TextFacts(detected, False, text, len(text), None)
    return TextFacts("utf-8", False, text, len(text), None)


#: Characters the text repair removes: genuine C0/C1 control characters (category Cc:
#: U+0000-U+001F, U+007F-U+009F) and a byte-order mark left inside the text. Tab, CR and
#: newline are whitespace (folded, not removed). Everything else, including format
#: characters (ZWJ in emoji sequences), private-use and code points this Python's Unicode
#: database does not know yet, is wording and passes through unchanged.
_STRAY_BOM = "\ufeff"


#: The characters text repair drops: a stray BOM, and general category Cc (exactly U+0000–
#: U+001F and U+007F–U+009F in every Unicode version) except tab, LF and CR. One regex pass
#: is ~50x faster than a per-character category lookup, and the scan runs it on every
#: transcript (tests compare it with unicodedata over every code point).
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + _STRAY_BOM + "]")


@functools.lru_cache(maxsize=8192)
def clean_text(text: str) -> str:
    """The canonical form a transcript is rewritten to: NFC, whitespace runs collapsed,
    C0/C1 control characters and stray BOMs dropped, trimmed. Never changes wording:
    every other character (unassigned, private-use, format) is kept as it is."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub("", text)
    return " ".join(text.split())


def control_chars(text: str) -> int:
    """Number of characters :func:`clean_text` removes: C0/C1 controls other than tab, CR
    and newline, and byte-order marks inside the text."""
    return len(_CONTROL_RE.findall(text))


def script_counts(text: str) -> dict[str, int]:
    """Letters by script: ``han`` (CJK ideographs), ``latin``, ``other``; digits/punctuation ignored."""
    return dict(_script_counts(text))


@functools.lru_cache(maxsize=8192)  # the checks ask three times per transcript
def _script_counts(text: str) -> tuple[tuple[str, int], ...]:
    if text.isascii():  # the common Latin transcript: its letters are exactly A-Z, a-z
        return (("han", 0), ("latin", sum(map(str.isalpha, text))), ("other", 0))
    counts = {"han": 0, "latin": 0, "other": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
            counts["han"] += 1
        elif ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
            counts["latin"] += 1
        else:
            counts["other"] += 1
    return tuple(counts.items())


@functools.lru_cache(maxsize=8192)  # several checks and the assessment ask per transcript
def dominant_script(text: str) -> str | None:
    """``han`` or ``latin`` (whichever has more letters), or None for text without letters."""
    counts = dict(_script_counts(text))
    if not any(counts.values()):
        return None
    return max(counts, key=lambda k: counts[k])


def spoken_units(text: str) -> int:
    """Units of speech for a chars-per-second rate: each Han character counts one syllable;
    Latin text counts letters (the SDP/Piper char-rate convention)."""
    return sum(n for _, n in _script_counts(text))
