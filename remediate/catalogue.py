"""The MSS error-code catalogue: known codes → category, hint, which local checks cover them.

Loaded from ``remediate/data/mss_codes.toml``. The reference's list is partial: a code
that is not in the catalogue keeps the server's message verbatim and is treated as
explained by any fixable local finding (see :mod:`remediate.verdict`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class CodeInfo:
    code: str
    category: str
    meaning: str
    hint: str
    covers: frozenset[str]


@cache
def catalogue() -> dict[str, CodeInfo]:
    """Every known MSS code, keyed by code (``MSS.20020011``)."""
    raw = tomllib.loads(
        (resources.files("remediate") / "data" / "mss_codes.toml").read_text("utf-8")
    )
    return {
        code: CodeInfo(
            code=code,
            category=str(v["category"]),
            meaning=str(v["meaning"]),
            hint=str(v["hint"]),
            covers=frozenset(v.get("covers", [])),
        )
        for code, v in raw.items()
    }


def lookup(code: str | None) -> CodeInfo | None:
    """The catalogue entry of a code (case-insensitive, surrounding space ignored), or None."""
    if not code:
        return None
    return catalogue().get(code.strip().upper())
