"""Reading JSON the MetaStudio API returns: one object per body, typed field access.

:func:`decode_json_object` turns a body into a dict or raises ApiResponseError;
:class:`JsonReader` reads its fields with the official SDK's lenient coercion of primitives
(``"12"`` → 12, ``"true"`` → True) and names the field that has the wrong type, with the
operation it came from. :mod:`remediate.metastudio.models` builds the typed results with
it; the client pages through lists with it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from remediate import safetext
from remediate.errors import ApiResponseError

#: ``audit_time`` is kept as int64; anything outside is not a time.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class JsonReader:
    """Typed field access on a JSON object, with the SDK's lenient primitive coercion."""

    def __init__(self, doc: Mapping[str, Any], where: str, operation: str) -> None:
        self.doc = doc
        self.where = where
        self.operation = operation

    def fail(self, key: str, expected: str) -> ApiResponseError:
        got = type(self.doc.get(key)).__name__
        return ApiResponseError(
            f"{self.operation}: {self.where}{key} should be {expected}, got {got}"
        )

    def text(self, key: str) -> str | None:
        value = self.doc.get(key)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise self.fail(key, "a string")

    def integer(self, key: str) -> int | None:
        value = self.doc.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(key, "an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            return int(value)
        raise self.fail(key, "an integer")

    def epoch(self, key: str) -> int | None:
        """An epoch time (``audit_time``: seconds or milliseconds, unit undocumented). One
        rule for files and the API: an integer, an integer in a string (``"1700000000"``)
        or a finite number (``1500000000.5``, the fraction dropped), within int64."""
        value = self.doc.get(key)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,19}\s*", value):
            value = int(value)
        elif isinstance(value, float) and math.isfinite(value) and abs(value) < 2.0**63:
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "an integer")
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise ApiResponseError(f"{self.operation}: {self.where}{key} {value} is out of range")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self.doc.get(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.fail(key, "a boolean")

    def obj(self, key: str) -> JsonReader | None:
        value = self.doc.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(key, "an object")
        return JsonReader(value, f"{self.where}{key}.", self.operation)

    def array(self, key: str) -> list[Any] | None:
        value = self.doc.get(key)
        if value is None or isinstance(value, list):
            return value
        raise self.fail(key, "a list")


def item_reader(value: Any, where: str, operation: str) -> JsonReader:
    """A reader on ``value``, an element of a list at ``where``; ApiResponseError if it is
    not an object."""
    if not isinstance(value, dict):
        raise ApiResponseError(f"{operation}: {where} should be an object")
    return JsonReader(value, f"{where}.", operation)


def decode_json_object(content: bytes, operation: str) -> dict[str, Any]:
    """Decode a response body that must be one JSON object, or raise ApiResponseError."""
    try:
        doc = safetext.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ApiResponseError(
            f"{operation}: the response is not JSON ({len(content)} bytes)",
            hint="check --endpoint: it should be the MetaStudio API base URL",
        ) from None
    if not isinstance(doc, dict):
        raise ApiResponseError(
            f"{operation}: expected a JSON object, got {type(doc).__name__}",
        )
    return doc
