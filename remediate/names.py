"""File-name rules shared by corpus discovery and the audit join.

Audit entries and local files meet on a normalised name: case-insensitive (casefold),
Unicode NFC, folders and ``\\`` separators stripped to the base name. A name that
would resolve outside the corpus (``..`` components, absolute or drive paths, NUL) is
never followed.
"""

from __future__ import annotations

import re
import unicodedata

#: Audio files pair with their transcript whatever their format: a ``audio_3.mp3`` beside
#: ``text_3.txt`` is that pair's audio, and gets ``audio-container`` (the upload takes WAV).
AUDIO_EXTENSIONS = frozenset(
    {".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".aac", ".aif", ".aiff", ".wma", ".amr"}
)
TEXT_EXTENSIONS = frozenset({".txt"})
#: Prefixes of the documented ``audio_N.wav`` / ``text_N.txt`` naming, dropped for pairing.
_PREFIX = re.compile(r"^(audio|text)[_\-]", re.IGNORECASE)
_DRIVE = re.compile(r"^[a-zA-Z]:")
_DIGITS = re.compile(r"(\d+)")


def fold(name: str) -> str:
    """Unicode NFC, then casefold: the comparison form of any name."""
    return unicodedata.normalize("NFC", name).casefold()


def split_ext(base: str) -> tuple[str, str]:
    """(stem, extension lowercased) of a base name; ``.wav`` included in the extension."""
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        return base, ""
    return stem, "." + ext.lower()


def pair_key(base: str) -> str:
    """The key that pairs audio with text: folded stem without ``audio_``/``text_`` prefix.

    ``audio_7.wav``, ``text_7.txt``, ``7.wav`` and ``7.txt`` all give ``7``.
    """
    stem, _ = split_ext(fold(base))
    return _PREFIX.sub("", stem) or stem


def safe_basename(name: str | None) -> str | None:
    """The folded base name of an audit-reported name, or None when it must not be followed.

    ``corpus\\Audio_1.WAV`` → ``audio_1.wav``; ``../../etc/audio_1.wav``, ``/etc/x.wav``,
    ``C:\\x.wav`` and names with NUL → None.
    """
    if name is None or not isinstance(name, str):
        return None
    name = name.strip()
    if not name or "\x00" in name:
        return None
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return None
    parts = [p for p in re.split(r"[\\/]+", name) if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return fold(parts[-1])


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``2`` before ``10`` (numbers compared as numbers)."""
    return tuple(
        (0, int(tok)) if tok.isdigit() else (1, tok) for tok in _DIGITS.split(text) if tok != ""
    )
