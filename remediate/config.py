"""The frozen configuration of one run, built by the CLI (or a notebook) and handed to
:func:`remediate.pipeline.run`. The library never reads the environment itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from remediate.profiles import DEFAULT_EDITION


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know.

    corpus: the local corpus folder (never written to).
    out: the output folder (created if missing; must not be inside the corpus).
    audit_file: a saved audit result; None for ``scan`` or when bytes are passed in.
    edition: profile name (basic, middle, advance, flexus).
    overrides: ``section.key=value`` profile overrides.
    language: job language for the script check (CN, EN) or None for any.
    loudness: also measure integrated LUFS (costly).
    dnsmos: also score DNSMOS P.835 (costly: ~0.2 s of a core per 9 s of audio).
    jobs: worker processes for the scan (0 = one per core).
    cache_dir: scan cache folder; None disables caching.
    job_id: the MetaStudio job the audit belongs to, when known.
    skip_checks: check codes not to run (``--skip``).
    only_checks: when given, the only check codes to run (``--only``).
    """

    corpus: Path
    out: Path
    audit_file: Path | None = None
    edition: str = DEFAULT_EDITION
    overrides: tuple[str, ...] = field(default=())
    language: str | None = None
    loudness: bool = False
    dnsmos: bool = False
    jobs: int = 0
    cache_dir: Path | None = None
    job_id: str | None = None
    skip_checks: tuple[str, ...] = field(default=())
    only_checks: tuple[str, ...] = field(default=())
