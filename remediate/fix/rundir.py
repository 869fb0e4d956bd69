"""Reading a run directory: what ``remediate fix`` and ``remediate report`` start from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from remediate import contract as K
from remediate.errors import ApiResponseError, FixError
from remediate.metastudio.models import TenantDurationCfg, parse_tenant_duration_cfg

#: A tenant config is a few hundred bytes; more is not one.
MAX_TENANT_CFG_BYTES = 1 << 16


@dataclass(frozen=True)
class RunDir:
    """What ``fix`` reads from a run directory."""

    summary: dict[str, Any]
    report: pd.DataFrame
    findings: pd.DataFrame
    measurements: pd.DataFrame
    corpus: Path
    edition: str
    overrides: tuple[str, ...]
    language: str | None
    skip_checks: tuple[str, ...] = ()
    only_checks: tuple[str, ...] = ()
    #: The tenant's ShowTenantDurationCfg when the run fetched it (None otherwise or when
    #: the file does not parse: it only refines the package's duration check).
    tenant: TenantDurationCfg | None = None


def read_run_dir(run_dir: Path) -> RunDir:
    """Load a run directory; FixError when it is not one (missing or unreadable files)."""
    if not run_dir.is_dir():
        what = "is not a folder" if run_dir.exists() else "does not exist"
        raise FixError(
            f"run directory {run_dir} {what}",
            hint="pass the --out folder of a finished `remediate run` or `remediate scan`",
        )
    missing = [name for name in K.RUN_FILES_FOR_FIX if not (run_dir / name).is_file()]
    if missing:
        raise FixError(
            f"{run_dir} is not a complete run directory: missing {', '.join(missing)}",
            hint="pass the --out folder of a finished `remediate run` or `remediate scan`",
        )
    try:
        summary = json.loads((run_dir / K.SUMMARY).read_text(encoding="utf-8"))
        report = pd.read_parquet(run_dir / K.REPORT)
        findings = pd.read_parquet(run_dir / K.FINDINGS)
        measurements = pd.read_parquet(run_dir / K.MEASUREMENTS)
    except (OSError, ValueError) as exc:
        raise FixError(f"cannot read run directory {run_dir}: {exc}") from None
    if not isinstance(summary, dict) or not summary.get("corpus_root"):
        raise FixError(f"{run_dir / 'summary.json'} names no corpus_root")
    edition = summary.get("edition")
    name = edition.get("name") if isinstance(edition, dict) else edition
    if not isinstance(name, str):
        raise FixError(f"{run_dir / 'summary.json'} names no edition")
    corpus = Path(summary["corpus_root"])
    if not corpus.is_dir():
        raise FixError(f"the corpus of this run is gone: {corpus}")
    language = summary.get("language")
    return RunDir(
        summary,
        report,
        findings,
        measurements,
        corpus,
        name,
        tuple(str(o) for o in summary.get("overrides") or ()),
        language if isinstance(language, str) else None,
        tuple(str(c) for c in summary.get("skip_checks") or ()),
        tuple(str(c) for c in summary.get("only_checks") or ()),
        _tenant(run_dir / K.TENANT_CFG_FILE),
    )


def _tenant(path: Path) -> TenantDurationCfg | None:
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_bytes()[:MAX_TENANT_CFG_BYTES])
        return parse_tenant_duration_cfg(doc) if isinstance(doc, dict) else None
    except (OSError, ValueError, ApiResponseError):
        return None
