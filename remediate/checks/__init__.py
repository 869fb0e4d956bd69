"""Turn measurements into findings: one registry entry per check, one row per problem found.

Every check has a stable kebab-case code, a category, a usual severity (``error``: the
audit would reject the pair; ``warning``: a risk worth a look; ``info``: context),
whether the fix stage can repair it, and the function that finds it. They all live in
:data:`CHECKS` (:mod:`remediate.checks.registry`); ``remediate checks``, the README table
(:func:`markdown_table`), ``--skip``/``--only`` and the findings come from there. The
verdict policy reads only the findings table and the audit join.

Adding a check is one decorated function in the module of its kind (``pairing``,
``format``, ``signal``, ``text``, ``corpus``; or your own module imported below)::

    from remediate.checks.registry import QUALITY, WARNING, Band, Check, Hit, Row, check

    @check(
        "audio-peak-high",                     # the stable code
        category=QUALITY,                      # format, package, text, content, quality, ...
        severity=WARNING,                      # the usual severity
        fixable=False,                         # can `remediate fix` repair it?
        description="peak above the guide's soft target",
        bands=(Band(WARNING, ">", "level.peak_target_dbfs"),),   # graded by the profile
    )
    def audio_peak_high(c: Check, r: Row, p: Profile) -> Hit | None:
        peak = num(r[C.PEAK_DBFS])             # r: the pair's row (pairs + measurements)
        band = c.grade(peak, p)                # the band the value falls in, or None
        return Hit(f"peak {peak:.1f} dBFS", value=peak, band=band) if band else None

Severity graded by the measured value is one mechanism: a check declares :class:`Band` s
(``severity``, comparison, profile key; error bands win over warning bands) and
``c.grade(value, profile)`` says which fired; the finding carries the band's severity, its
edge as ``threshold`` and its label in the ``band`` column (``signal.graded`` is the
one-line form for a single measurement of an audible clip). Checks that need the whole
corpus (duplicates, corpus-relative rates, job-level counts) use :func:`corpus_check`
and yield ``(pair_id or None, Hit)``. A fixable check also needs a repair action in
the fix stage (a test fails when one is missing).
"""

from __future__ import annotations

import importlib

from remediate.checks.measures import chars_per_second, trimmed_duration
from remediate.checks.registry import (
    CATEGORIES,
    CHECKS,
    Band,
    Check,
    CorpusFacts,
    Hit,
    check,
    corpus_check,
    markdown_table,
    register,
    table_rows,
    unregister,
)
from remediate.checks.run import findings_frame, run_checks, select

#: The check modules; each registers its checks on import, in this order (the order of
#: ``remediate checks`` and the README table). A new module of checks goes here.
CHECK_MODULES = ("pairing", "format", "signal", "text", "corpus", "voice", "acoustic")
for _module in CHECK_MODULES:
    importlib.import_module(f"remediate.checks.{_module}")

__all__ = [
    "CATEGORIES",
    "CHECKS",
    "Band",
    "Check",
    "CorpusFacts",
    "Hit",
    "chars_per_second",
    "check",
    "corpus_check",
    "findings_frame",
    "markdown_table",
    "register",
    "run_checks",
    "select",
    "table_rows",
    "trimmed_duration",
    "unregister",
]
