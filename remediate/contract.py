"""The output contract: every file the tool writes, its Arrow schema, and the summary keys.

Readers (a notebook, duckdb, the next ``remediate fix``) rely on this and nothing else:

- file names of every output (run, fix and fetch folders; the batch's summary, lock, round
  folders and history dataset);
- one Arrow schema per Parquet output, derived from the table's ``*_DTYPES`` mapping in
  :mod:`remediate.columns` (add a column there, with its dtype, and the frame builders,
  the writer and the schema test follow);
- ``SCHEMA_VERSION``, written into every Parquet file's metadata (key ``remediate``) and
  into both ``summary.json`` files; raise it when an existing key or column changes
  meaning or type (adding one does not);
- the provenance keys every output's metadata carries, and the top-level keys of the run
  and fix summaries (JSON Schemas in ``remediate/schemas/``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

import pandas as pd
import pyarrow as pa

from remediate import columns as C
from remediate._version import __version__
from remediate.rerecord import RERECORD_COLUMNS

#: Version of the output layout (columns, types, summary keys). Integers; see the docstring.
SCHEMA_VERSION: Final = 1

#: Key of the tool's JSON metadata in every Parquet file's schema metadata.
METADATA_KEY: Final = b"remediate"

# --- file names ----------------------------------------------------------------------------
AUDIT_COPY: Final = "audit-result.json"  # the audit result exactly as read
AUDIT_ERRORS: Final = "audit_errors.parquet"
FINDINGS: Final = "findings.parquet"
MEASUREMENTS: Final = "measurements.parquet"
REPORT: Final = "report.parquet"
MANIFEST: Final = "manifest.csv"
RERECORD: Final = "rerecord.csv"  # run, scan: what people must record or write again
SUMMARY: Final = "summary.json"  # written last by run, scan and fix: its presence = complete
JOB_FILE: Final = "job.json"  # fetch: the job detail as received
TENANT_CFG_FILE: Final = "tenant-duration-cfg.json"  # ShowTenantDurationCfg as received
FETCH_FILE: Final = "fetch.json"  # fetch: provenance of the download
ATTACHMENTS_DIR: Final = "attachments"
REPORT_HTML: Final = "report.html"  # run --html, remediate report: the page for people

FIX_CORPUS_DIR: Final = "corpus"
FIXES: Final = "fixes.parquet"
DROPPED: Final = "dropped.csv"
PACKAGE_ZIP: Final = "package.zip"
FIX_MARKER: Final = ".remediate-fix"
RUN_MARKER: Final = ".remediate-out"  # run, scan, fetch: remediate made this folder (publish.py)

BATCH_SUMMARY: Final = "batch-summary.json"  # OUT/: one per batch, written last
BATCH_LOCK: Final = ".remediate-batch.lock"  # OUT/: pid, host, start time of the running batch
ROUND_DIR_PREFIX: Final = "round-"  # OUT/<job_id>/round-<N>/: a run folder plus the files below
ROUND_FILE: Final = "round.json"  # written last into a round folder: its presence = complete
OPLOG_FILE: Final = "op-logs.json"  # ListJobOperationLog, every page, as one document
HISTORY_DIR: Final = "history"  # OUT/history/job_id=<id>/round=<N>/part-0.parquet
HISTORY_PART: Final = "part-0.parquet"

#: Every name run, scan or fetch writes into ``--out``: one of these that the current run
#: does not write belongs to an earlier run, and :mod:`remediate.publish` removes it.
OUT_NAMES: Final = frozenset(
    {
        AUDIT_COPY,
        AUDIT_ERRORS,
        FINDINGS,
        MEASUREMENTS,
        REPORT,
        MANIFEST,
        RERECORD,
        SUMMARY,
        JOB_FILE,
        TENANT_CFG_FILE,
        FETCH_FILE,
        OPLOG_FILE,
        ATTACHMENTS_DIR,
        REPORT_HTML,
    }
)

#: What ``remediate fix`` reads from a run folder.
RUN_FILES_FOR_FIX: Final = (SUMMARY, REPORT, FINDINGS, MEASUREMENTS)

# --- Arrow types -------------------------------------------------------------------------------
_ARROW: Final[dict[str, pa.DataType]] = {
    C.STR: pa.string(),
    C.INT: pa.int64(),
    C.INT_NOT_NULL: pa.int64(),
    C.FLOAT: pa.float64(),
    C.BOOL: pa.bool_(),
    C.BOOLEAN: pa.bool_(),
    C.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    C.LIST_STR: pa.list_(pa.string()),
    C.LIST_INT: pa.list_(pa.int64()),
    C.LIST_FLOAT: pa.list_(pa.float64()),
}


def arrow_schema(dtypes: dict[str, str]) -> pa.Schema:
    """The Arrow schema of a table from its ``name -> dtype`` mapping."""
    return pa.schema([(name, _ARROW[dtype]) for name, dtype in dtypes.items()])


@dataclass(frozen=True)
class ParquetOutput:
    """One Parquet file the tool writes: its name and its columns with their dtypes."""

    name: str
    dtypes: dict[str, str]

    @property
    def schema(self) -> pa.Schema:
        return arrow_schema(self.dtypes)

    @property
    def columns(self) -> list[str]:
        return list(self.dtypes)


AUDIT_ERRORS_OUTPUT: Final = ParquetOutput(AUDIT_ERRORS, C.AUDIT_DTYPES)
FINDINGS_OUTPUT: Final = ParquetOutput(FINDINGS, C.FINDING_DTYPES)
#: measurements.parquet: the discovered pairs joined with what the scan measured.
MEASUREMENTS_OUTPUT: Final = ParquetOutput(
    MEASUREMENTS,
    {
        **C.PAIR_DTYPES,
        **C.AUDIO_MEASUREMENT_DTYPES,
        **C.VOICE_MEASUREMENT_DTYPES,
        **C.TEXT_MEASUREMENT_DTYPES,
        **C.ASSESS_DTYPES,
    },
)
REPORT_OUTPUT: Final = ParquetOutput(REPORT, C.REPORT_DTYPES)
FIXES_OUTPUT: Final = ParquetOutput(FIXES, C.FIX_DTYPES)
#: One round of one job in the history dataset; job_id and round are in the folder names.
HISTORY_OUTPUT: Final = ParquetOutput(HISTORY_PART, C.HISTORY_DTYPES)
HISTORY_PARTITIONING: Final = arrow_schema(C.HISTORY_PARTITION_DTYPES)

#: Every Parquet output by file name.
PARQUET_OUTPUTS: Final = {
    o.name: o
    for o in (
        AUDIT_ERRORS_OUTPUT,
        FINDINGS_OUTPUT,
        MEASUREMENTS_OUTPUT,
        REPORT_OUTPUT,
        FIXES_OUTPUT,
        HISTORY_OUTPUT,
    )
}
#: CSV outputs by file name: their header, in order.
CSV_OUTPUTS: Final = {
    MANIFEST: C.MANIFEST_COLUMNS,
    RERECORD: RERECORD_COLUMNS,
    DROPPED: C.DROPPED_COLUMNS,
}

# --- metadata and summaries -----------------------------------------------------------------
#: What every output's metadata starts with (Parquet metadata, summary.json).
METADATA_KEYS: Final = ("schema_version", "tool", "command", "version", "created_at")
#: Provenance of the outputs of run, scan and fix (Parquet metadata and the top of
#: summary.json). ``edition`` is ``{"name": ...}`` here; the summaries extend that object.
PROVENANCE_KEYS: Final = (
    *METADATA_KEYS,
    "corpus_root",
    "edition",
    "overrides",
    "language",
)
#: Keys of the run (and scan) summary beyond the provenance.
RUN_SUMMARY_KEYS: Final = (
    "audit_source",
    "job_id",
    "loudness",
    "dnsmos",
    "skip_checks",
    "only_checks",
    "pairs",
    "verdicts",
    "needs_review",  # verdicts resting on an assumption or an unresolved warning
    "audit_entries",
    "audit_entries_accounted",
    "audit_error_codes",
    "findings",
    "findings_by_severity",
    "duration_total_s",
    "duration_kept_s",
    "other_files",
    "bad_names",
    "scan",
    "assess",
    "rerecord",
    "outputs",
)
#: Keys of the fix summary beyond the provenance.
FIX_SUMMARY_KEYS: Final = (
    "run_dir",
    "rename_for_edition",
    "normalize_loudness",
    "dest",
    "pairs",
    "verdicts",
    "dropped_by_stage",
    "actions",
    "duration_kept_s",
    "recheck",
    "package",
    "outputs",
)
#: Keys of batch-summary.json beyond the :data:`METADATA_KEYS` (command ``batch``).
BATCH_SUMMARY_KEYS: Final = (
    "source",
    "project",
    "out",
    "dry_run",
    "started_at",
    "finished_at",
    "jobs_listed",
    "counts",
    "exit_code",
    "jobs",
)
#: What a round found: in round.json, and in its job's entry of batch-summary.json (also
#: when the job is unchanged and the entry is copied from round.json).
ROUND_RESULT_KEYS: Final = (
    "verdicts",
    "pairs",
    "pairs_needed",
    "unmatched_entries",
    "previous_round",
    "changes",
    "audit_reasons",
    "package",
)
#: Keys of each ``jobs[]`` entry of batch-summary.json.
BATCH_JOB_KEYS: Final = (
    "job_id",
    "voice_name",
    "batch_name",
    "job_type",
    "reject_times",
    "status",
    "mapping",
    "corpus",
    "edition",
    "round",
    "action",
    "out",
    *ROUND_RESULT_KEYS,
    "error",
    "exit_code",
    "api_calls",
    "seconds",
)
#: Keys of round.json beyond the :data:`METADATA_KEYS`.
ROUND_KEYS: Final = (
    "job_id",
    "round",
    "action",
    "key",
    "audit_sha256",
    "corpus",
    "corpus_fingerprint",
    "settings",
    "started_at",
    "finished_at",
    "status",
    *ROUND_RESULT_KEYS,
)

#: The ``edition`` object of both summaries: the requirement and whether it is met.
EDITION_KEYS: Final = (
    "name",
    "pairs_required",
    "pairs_resubmittable",
    "minimum_met",
    "exact_count_met",
)


def metadata(command: str, created_at: str) -> dict[str, Any]:
    """The :data:`METADATA_KEYS` of an output."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": "remediate",
        "command": command,
        "version": __version__,
        "created_at": created_at,
    }


def provenance(
    command: str,
    *,
    corpus_root: str,
    edition: str,
    overrides: Sequence[str],
    language: str | None,
) -> dict[str, Any]:
    """The :data:`PROVENANCE_KEYS` of an output, stamped now (UTC, seconds)."""
    return {
        **metadata(command, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        "corpus_root": corpus_root,
        "edition": {"name": edition},
        "overrides": list(overrides),
        "language": language,
    }


def edition_summary(name: str, required: int | None, resubmittable: int) -> dict[str, Any]:
    """The ``edition`` object of a summary: the count the edition requires and whether it is met."""
    return {
        "name": name,
        "pairs_required": required or None,
        "pairs_resubmittable": resubmittable,
        "minimum_met": (resubmittable >= required) if required else None,
        "exact_count_met": (resubmittable == required) if required else None,
    }


#: JSON Schema (draft 2020-12) of each summary.json, in ``remediate/schemas/``.
SUMMARY_SCHEMAS: Final = {
    "run": "run-summary.schema.json",
    "fix": "fix-summary.schema.json",
    "batch": "batch-summary.schema.json",
}


def summary_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of the ``run`` (also scan) or ``fix`` summary.json, or of ``batch``'s."""
    text = (
        resources.files("remediate").joinpath("schemas", SUMMARY_SCHEMAS[kind]).read_text("utf-8")
    )
    doc: dict[str, Any] = json.loads(text)
    return doc


# --- pandas dtypes -----------------------------------------------------------------------------
_LISTS: Final = (C.LIST_STR, C.LIST_INT, C.LIST_FLOAT)


def coerce(df: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """Give ``df`` the declared dtypes of its columns (in place; returned for chaining).

    Floats are parsed leniently (anything unparsable becomes NaN); list columns hold
    Python lists and are left as they are. Columns not in ``dtypes`` are untouched.
    """
    for col, dtype in dtypes.items():
        if col not in df.columns:
            continue
        if dtype in _LISTS:
            if df[col].dtype != object:  # a list column with no list in it came back as NaNs
                df[col] = pd.Series([None] * len(df), index=df.index, dtype=object)
            continue
        if dtype == C.FLOAT:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        else:
            df[col] = df[col].astype(pd.api.types.pandas_dtype(dtype))
    return df


def frame(rows: list[dict[str, Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    """A frame of ``rows`` with exactly the declared columns, in order, and their dtypes.

    Built column by column, so an integer column with gaps keeps every value exact (a
    row-wise frame would pass it through float64 and round nanosecond mtimes).
    """
    data = {col: pd.Series([row.get(col) for row in rows], dtype=object) for col in dtypes}
    return coerce(pd.DataFrame(data, columns=list(dtypes)), dtypes)
