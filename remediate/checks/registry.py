"""The check registry: one :class:`Check` per code, and the engine that runs them.

A check is registered once, with :func:`check` (one pair at a time) or :func:`corpus_check`
(an end-of-corpus hook that sees every pair: duplicates, corpus-relative rates, job-level
counts). The registry entry carries everything the rest of the tool needs: the code, its
category, usual severity, whether the fix stage can repair it, the description shown by
``remediate checks`` and the README, the profile keys it reads and its severity
:class:`Band` s. Nothing else lists checks: the CLI, the README table, the findings and the
fix registry all read :data:`CHECKS`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from remediate import columns as C
from remediate.profiles import Profile

if TYPE_CHECKING:  # pandas is imported when checks run, not when they are listed
    import pandas as pd


ERROR, WARNING, INFO = C.SEVERITY_ERROR, C.SEVERITY_WARNING, C.SEVERITY_INFO

# --- categories: what kind of problem a check finds (the verdict matches audit codes by it) --
FORMAT: Final = "format"  # container, codec, rate, channels: what the file is
PACKAGE: Final = "package"  # the upload as a whole: pair count, extra files, names
TEXT: Final = "text"  # the transcript file: encoding, characters, language
CONTENT: Final = "content"  # whether speech and text belong together: rate, length
QUALITY: Final = "quality"  # the signal: level, clipping, noise, silence, duration
PAIRING: Final = "pairing"  # audio/text pairing by name
CORPUS: Final = "corpus"  # one pair against the others: duplicates
CATEGORIES: Final = (FORMAT, PACKAGE, TEXT, CONTENT, QUALITY, PAIRING, CORPUS)

# --- optional probe passes: measured only when a check that runs reads them ---------------
#: The voice analysis (16 kHz signature and pitch: the ``voice_*`` measurement columns).
VOICE_ANALYSIS: Final = "voice"
PROBE_PASSES: Final = (VOICE_ANALYSIS,)

Row = dict[str, Any]

_OPS: Final[dict[str, Callable[[float, float], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


@dataclass(frozen=True)
class Band:
    """One severity band of a measured value: ``value <op> profile[key]`` → ``severity``.

    ``on`` names the measure when a check grades several (``run`` and ``fraction`` for
    clipping, ``han`` and ``latin`` for the speaking rate); empty for the check's one value.
    """

    severity: str
    op: str
    key: str
    on: str = ""

    def edge(self, profile: Profile) -> float:
        """The band's threshold in ``profile``."""
        return float(profile_value(profile, self.key))

    def hits(self, value: float, profile: Profile) -> bool:
        return _OPS[self.op](value, self.edge(profile))

    def label(self, profile: Profile) -> str:
        """What fired, for the findings' ``band`` column, e.g. ``error < 2 (duration_s)``."""
        return f"{self.severity} {self.op} {self.edge(profile):g}" + (
            f" ({self.on})" if self.on else ""
        )

    def rule(self) -> str:
        """The band in profile terms, e.g. ``error < duration.error_min_s``."""
        on = f"{self.on} " if self.on else ""
        return f"{self.severity} if {on}{self.op} {self.key}"


@dataclass(frozen=True)
class Hit:
    """What a check function returns for one problem; the registry adds code and defaults.

    severity/fixable: None takes the check's usual one; band: the band that fired (its
    severity and edge become the finding's severity and threshold unless given).
    """

    message: str
    value: float | None = None
    threshold: float | None = None
    severity: str | None = None
    fixable: bool | None = None
    band: Band | None = None


@dataclass(frozen=True)
class CorpusFacts:
    """What an end-of-corpus hook sees: every pair's row (pairs + measurements, corpus
    order), the pairs frame, and the files that are not pairs."""

    rows: list[Row]
    pairs: pd.DataFrame
    other_files: tuple[str, ...] = ()
    bad_names: tuple[str, ...] = ()
    links_outside: tuple[str, ...] = ()
    #: Audit entries that name a file, and how many of them met a pair of this corpus.
    audit_named: int = 0
    audit_matched: int = 0


PairFn = Callable[["Check", Row, Profile], "Hit | None"]
CorpusFn = Callable[["Check", CorpusFacts, Profile], Iterable[tuple["str | None", Hit]]]


@dataclass(frozen=True)
class Check:
    """One registry entry. Exactly one of ``pair_fn`` / ``corpus_fn`` is set."""

    code: str
    category: str
    severity: str
    fixable: bool
    description: str
    reads: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    #: The optional probe passes (:data:`PROBE_PASSES`) whose measurements the check reads.
    needs: tuple[str, ...] = ()
    pair_fn: PairFn | None = field(default=None, repr=False, compare=False)
    corpus_fn: CorpusFn | None = field(default=None, repr=False, compare=False)

    @property
    def scope(self) -> str:
        """``pair`` (one row at a time) or ``corpus`` (an end-of-corpus hook)."""
        return "pair" if self.pair_fn is not None else "corpus"

    @property
    def profile_keys(self) -> tuple[str, ...]:
        """Every profile key the check reads, its bands' keys included."""
        return tuple(dict.fromkeys([*self.reads, *(b.key for b in self.bands)]))

    @property
    def severity_rule(self) -> str:
        """How the severity is decided, in words (for ``remediate checks`` and the README)."""
        if not self.bands:
            return self.severity
        return "; ".join(b.rule() for b in self.bands)

    def grade(self, value: float | None, profile: Profile, on: str = "") -> Band | None:
        """The band ``value`` falls in (error bands first), or None when it is in range."""
        if value is None:
            return None
        for band in self._graded.get(on, ()):
            if band.hits(value, profile):
                return band
        return None

    @cached_property
    def _graded(self) -> dict[str, tuple[Band, ...]]:
        """The bands of each ``on``, most severe first (grade runs ~20 times a pair)."""
        rank = {ERROR: 0, WARNING: 1, INFO: 2}
        ordered = sorted(self.bands, key=lambda b: rank[b.severity])  # stable: declared order
        return {on: tuple(b for b in ordered if b.on == on) for on in {b.on for b in self.bands}}

    def as_dict(self) -> dict[str, Any]:
        """Plain data for ``remediate checks --json``."""
        return {
            "code": self.code,
            "category": self.category,
            "severity": self.severity,
            "fixable": self.fixable,
            "description": self.description,
            "scope": self.scope,
            "profile_keys": list(self.profile_keys),
            "needs": list(self.needs),
            "bands": [
                {"severity": b.severity, "op": b.op, "key": b.key, "on": b.on} for b in self.bands
            ],
            "severity_rule": self.severity_rule,
        }


#: Every check, in registration order (the order of ``remediate checks`` and the README).
CHECKS: dict[str, Check] = {}


def register(entry: Check) -> Check:
    """Add ``entry`` to :data:`CHECKS`. Raises ValueError for a duplicate code or a bad field."""
    if entry.code in CHECKS:
        raise ValueError(f"check {entry.code} is registered twice")
    if entry.category not in CATEGORIES:
        raise ValueError(f"check {entry.code}: unknown category {entry.category!r}")
    if entry.severity not in C.SEVERITIES or any(b.op not in _OPS for b in entry.bands):
        raise ValueError(f"check {entry.code}: bad severity or band")
    if any(n not in PROBE_PASSES for n in entry.needs):
        raise ValueError(f"check {entry.code}: unknown probe pass in {entry.needs}")
    if (entry.pair_fn is None) == (entry.corpus_fn is None):
        raise ValueError(f"check {entry.code}: give exactly one of a pair or a corpus function")
    CHECKS[entry.code] = entry
    return entry


def unregister(code: str) -> None:
    """Remove a check (tests that register a toy check clean up with this)."""
    CHECKS.pop(code, None)


def check(
    code: str,
    *,
    category: str,
    severity: str,
    fixable: bool,
    description: str,
    reads: tuple[str, ...] = (),
    bands: tuple[Band, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[PairFn], PairFn]:
    """Register the decorated ``fn(check, row, profile) -> Hit | None`` as check ``code``."""

    def decorate(fn: PairFn) -> PairFn:
        entry = Check(code, category, severity, fixable, description, reads, bands, needs, fn)
        register(entry)
        return fn

    return decorate


def corpus_check(
    code: str,
    *,
    category: str,
    severity: str,
    fixable: bool,
    description: str,
    reads: tuple[str, ...] = (),
    bands: tuple[Band, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[CorpusFn], CorpusFn]:
    """Register the decorated end-of-corpus hook ``fn(check, facts, profile)`` yielding
    ``(pair_id or None, Hit)`` as check ``code``."""

    def decorate(fn: CorpusFn) -> CorpusFn:
        entry = Check(
            code, category, severity, fixable, description, reads, bands, needs, corpus_fn=fn
        )
        register(entry)
        return fn

    return decorate


#: The last profile :func:`profile_value` read and its values by key: checks read the same
#: few dozen keys of one profile ~40 times a pair. Profiles are frozen, and the entry holds
#: the profile itself, so an identity test cannot mistake another profile for it.
_VALUES: list[tuple[Profile, dict[str, Any]]] = []


def profile_value(profile: Profile, key: str) -> Any:
    """The value at a dotted profile key, e.g. ``duration.min_s``. Raises KeyError."""
    entry = _VALUES[0] if _VALUES else None  # read once: another thread may swap it
    if entry is None or entry[0] is not profile:
        entry = (profile, {})
        _VALUES[:] = [entry]
    values = entry[1]
    if key not in values:
        values[key] = _lookup(profile, key)
    return values[key]


def _lookup(profile: Profile, key: str) -> Any:
    node: Any = profile
    for part in key.split("."):
        if not hasattr(node, part):
            raise KeyError(f"no profile key {key}")
        node = getattr(node, part)
    return node


# --- rendering ------------------------------------------------------------------------------


def severity_text(c: Check) -> str:
    """The severities a check can give, e.g. ``warning, error`` for a banded check."""
    found = [c.severity, *(b.severity for b in c.bands)]
    return ", ".join(s for s in (INFO, WARNING, ERROR) if s in found)


def table_rows() -> list[list[str]]:
    """``remediate checks`` rows: code, category, severity, fixable, meaning."""
    return [
        [c.code, c.category, severity_text(c), "yes" if c.fixable else "no", c.description]
        for c in CHECKS.values()
    ]


TABLE_HEADER: Final = ["check", "category", "severity", "fixable", "meaning"]


def markdown_table() -> str:
    """The README's check table, generated from the registry (one line per check)."""
    lines = ["| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
    for code, category, severity, fixable, meaning in table_rows():
        lines.append(f"| `{code}` | {category} | {severity} | {fixable} | {meaning} |")
    return "\n".join(lines) + "\n"


# --- value helpers for check functions ---------------------------------------------------------


def num(value: Any) -> float | None:
    """A measurement as float, None for missing (None, NaN of any float type, pd.NA)."""
    if type(value) is float:  # the common case, ~150,000 times per 2,000 pairs
        return None if value != value else value
    if value is None:
        return None
    try:
        f = float(value)
    except TypeError:  # pd.NA (float() refuses NAType); called ~30 times a pair: keep it cheap
        return None
    return None if f != f else f


def is_na(value: Any) -> bool:
    """``value is pd.NA`` without importing pandas."""
    return type(value).__name__ == "NAType"


def text(value: Any) -> str | None:
    """A string measurement, None for anything else (missing values included)."""
    return value if isinstance(value, str) else None


__all__ = [
    "CATEGORIES",
    "CHECKS",
    "Band",
    "Check",
    "CorpusFacts",
    "Hit",
    "check",
    "corpus_check",
    "markdown_table",
    "register",
    "unregister",
]
