"""Text from outside that must be made safe to store or show: stdlib only.

Three promises rest on this module:

* **no secret leaves the process**: :class:`Redactor` replaces every credential value and
  any ``Authorization``-shaped text (``SDK-HMAC-SHA256 Access=..., Signature=...``,
  ``Bearer ...``) in server-supplied strings and bodies, *before* they are truncated,
  stored or shown;
* **every string can be written as UTF-8**: JSON may carry lone surrogates (``"\\ud800"``),
  which Python decodes but no UTF-8 writer accepts; :func:`loads` replaces them with
  U+FFFD;
* **nothing a server sends moves the terminal**: :func:`printable` drops control
  characters and ANSI/OSC escape sequences (``\\x1b]0;title\\x07``) before printing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

REDACTED = "***"

#: The value of an ``Authorization`` header in the shapes a client sends (the SDK's HMAC
#: signature ``SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex``, a bearer
#: token) up to the end of its ``key=value`` list, and credential headers written out
#: (``X-Auth-Token: ...``), matched case-insensitively.
_AUTHORIZATION = re.compile(
    r"(?i)\b(SDK-HMAC-SHA256|Bearer)(?:\s+|%20|\+)[^\s\",']+(?:\s*,\s*[A-Za-z-]+=[^\s\",']*)*"
    r"|\b(Authorization|X-Auth-Token|X-Security-Token)(\s*[:=]\s*\"?)[^\s\",']+"
)
#: A secret this long is also caught when only its first characters are echoed (a server
#: or a truncation that cut it): any run of at least this many of its leading characters.
PREFIX_MATCH = 12
#: Lone UTF-16 surrogates: valid in a Python str (JSON ``\\ud800``), never in UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Escape sequences (CSI ``ESC [ ... final``, OSC ``ESC ] ... BEL|ST``, two-byte ``ESC x``),
#: then any C0/C1 control character left (tab and newline become spaces in one-line text).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def no_surrogates(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (so it encodes as UTF-8)."""
    return _SURROGATE.sub("\ufffd", text)


def _fix_value(value: Any) -> Any:
    if isinstance(value, str):
        return no_surrogates(value)
    if isinstance(value, dict):
        return {no_surrogates(k): _fix_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fix_value(v) for v in value]
    return value


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(text: str | bytes) -> Any:
    """``json.loads`` without NaN/Infinity, and with lone surrogates replaced by U+FFFD.

    Raises ``ValueError`` (``json.JSONDecodeError`` included) or ``RecursionError``.
    """
    doc = json.loads(text, parse_constant=_reject_constant)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _fix_value(doc) if "\\u" in text or _SURROGATE.search(text) else doc


def printable(text: str) -> str:
    """``text`` safe for a terminal: escape sequences and control characters removed,
    tab and newline kept, lone surrogates replaced."""
    return _CONTROLS.sub("", _ESCAPES.sub("", no_surrogates(text)))


def _replace_prefixes(text: str, secret: str) -> str:
    """``text`` with every run of ``secret``'s first PREFIX_MATCH or more characters replaced."""
    head = secret[:PREFIX_MATCH]
    out: list[str] = []
    pos = 0
    while (start := text.find(head, pos)) >= 0:
        end = start + PREFIX_MATCH
        while end - start < len(secret) and end < len(text) and text[end] == secret[end - start]:
            end += 1
        out += [text[pos:start], REDACTED]
        pos = end
    return "".join(out) + text[pos:]


def _auth_sub(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)} {REDACTED}"
    return f"{match.group(2)}{match.group(3)}{REDACTED}"


class Redactor:
    """Replaces known secret values (whole, or echoed in part from their start) and
    ``Authorization``-shaped text with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self._secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        """``text`` with every secret and ``Authorization`` value replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        for secret in self._secrets:
            if len(secret) > PREFIX_MATCH:
                text = _replace_prefixes(text, secret)
        return _AUTHORIZATION.sub(_auth_sub, text)

    def optional(self, text: str | None) -> str | None:
        """:meth:`__call__` for a value that may be absent."""
        return None if text is None else self(text)

    def body(self, content: bytes) -> bytes:
        """A response body with secrets removed. The same bytes when it holds none;
        otherwise UTF-8 text is scrubbed as text, and a JSON body whose decoded strings
        still hold one (a secret spelled with ``\\u`` escapes) is re-serialised from the
        scrubbed document. Bytes that are not UTF-8 have the secrets replaced bytewise."""
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            for secret in self._secrets:
                content = content.replace(secret.encode("utf-8"), REDACTED.encode())
            return content
        scrubbed = self(text)
        if scrubbed != text:
            content = scrubbed.encode("utf-8")
        if "\\" not in scrubbed:
            return content
        try:
            doc = loads(scrubbed.removeprefix("\ufeff"))
        except (ValueError, RecursionError):
            return content
        clean = self._walk(doc)
        return content if clean == doc else json.dumps(clean, ensure_ascii=False).encode("utf-8")

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self(k): self._walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v) for v in value]
        return value
