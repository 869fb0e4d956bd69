"""The text repairs, one class each (see :mod:`remediate.fix.actions` for the registry)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.fix.actions import Case, PlanContext, TextAction, TextState, as_text, register
from remediate.fix.repair import fix_text


@register
class CleanText(TextAction):
    """Decode the transcript from its detected encoding and write it as UTF-8 without a
    BOM, NFC, whitespace collapsed, control characters removed, one trailing newline."""

    name = "clean-text"
    order = 10
    answers = (
        "text-encoding",
        "text-bom",
        "text-control-chars",
        "text-not-nfc",
        "text-whitespace",
    )
    cases = (
        Case(
            "BOM, CRLF and doubled spaces",
            "\ufeffhello  world\r\n".encode(),
            params={"encoding": "utf-8", "bom": True},
            before={"bom": True, "bytes": 17},
            after={"encoding": "utf-8", "bom": False, "bytes": 12},
            output=b"hello world\n",
        ),
        Case(
            "Latin-1 to UTF-8",
            "caf\xe9\n".encode("latin-1"),
            params={"encoding": "latin-1"},
            before={"encoding": "latin-1", "bytes": 5},
            output="caf\xe9\n".encode(),
        ),
        Case("an unknown encoding is not guessed", b"abc\n", params={}, raises=ValueError),
        Case(
            "bytes that are not in the encoding",
            b"\xff\xfe\xfd\n",
            params={"encoding": "utf-8"},
            raises=UnicodeDecodeError,
        ),
    )

    def plan(self, ctx: PlanContext) -> dict[str, Any] | None:
        if not ctx.checks:
            return None
        bom = ctx.facts.get(C.TEXT_BOM)
        return {
            "encoding": as_text(ctx.facts.get(C.TEXT_ENCODING)),
            "bom": bool(bom) if bom is not pd.NA else False,
            "write": "utf-8, no BOM, NFC, whitespace collapsed, one trailing newline",
        }

    def apply(self, state: TextState, params: Mapping[str, Any]) -> None:
        encoding = params.get("encoding")
        if not encoding or encoding == "None":
            raise ValueError("text encoding unknown")
        fixed = fix_text(state.data, encoding)
        state.record(
            self.name,
            {"encoding": encoding, "to": "utf-8"},
            {"encoding": encoding, "bom": params.get("bom"), "bytes": len(state.data)},
            {"encoding": "utf-8", "bom": False, "bytes": len(fixed)},
        )
        state.data = fixed
