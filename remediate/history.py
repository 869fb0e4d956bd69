"""Every audit round of every job, as one Parquet dataset, and what changed between rounds.

``remediate batch`` appends each round's report rows under the output root::

    OUT/history/job_id=<id>/round=<N>/part-0.parquet

a hive-partitioned dataset that pandas (``pd.read_parquet("OUT/history")``), pyarrow
(``pyarrow.dataset.dataset(..., partitioning="hive")``) and duckdb
(``read_parquet('OUT/history/**/*.parquet', hive_partitioning = true)``) read as one table;
``job_id`` and ``round`` come from the folder names, not from the files. A round that is
run again (same audit, corpus or settings changed) replaces its partition.

:func:`compare` classifies each pair of the latest round against the round before:

* **recurring**: flagged by the audit in both rounds: the fix did not work;
* **fixed**: flagged then, present and not flagged now;
* **new**: flagged now, clean (or absent) then;
* **still-missing**: a side missing, or an audit entry naming no local file, in both rounds;
* **removed**: flagged then, no longer in the corpus now;
* **clean**: flagged in neither round.

The latest round's pairs meet the previous round's on their transcript (``text_key``: NFC,
whitespace folded, casefolded) when exactly one pair on each side has it, so a corpus
renamed between rounds (resubmitted as ``0.wav``/``0.txt``... by ``fix
--rename-for-edition``) is followed; the others meet on their pair id (the stem without
``audio_``/``text_``), so a transcript corrected between rounds keeps its pair.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import pyarrow as pa

from remediate import columns as C
from remediate import contract as K
from remediate.errors import InputError
from remediate.report import write_parquet
from remediate.texts import clean_text

HISTORY_DIR = K.HISTORY_DIR
PART_FILE = K.HISTORY_PART
CHANGE = "change"  # the column of compare(): the class below

RECURRING = "recurring"
FIXED = "fixed"
NEW = "new"
STILL_MISSING = "still-missing"
REMOVED = "removed"
CLEAN = "clean"
#: Most important first: the order of the `remediate history` output.
CHANGES = (RECURRING, NEW, STILL_MISSING, FIXED, REMOVED, CLEAN)

_MISSING_CHECKS = frozenset({"audio-missing", "text-missing"})
#: Key of audit rows that name no file at all (the administrator's message).
MESSAGE_KEY = "(audit message)"


def _key(row: dict[str, Any]) -> str:
    if isinstance(row[C.PAIR_ID], str):
        return str(row[C.PAIR_ID])
    name = row[C.AUDIO_NAME] if isinstance(row[C.AUDIO_NAME], str) else row[C.TEXT_NAME]
    return f"unmatched:{name}" if isinstance(name, str) else MESSAGE_KEY


def _list(value: Any) -> list[Any]:
    return [] if value is None else list(value)


def text_key(text: Any) -> str | None:
    """The transcript's identity across rounds: sha256 (16 hex) of its normalised text;
    None for no or blank text."""
    if not isinstance(text, str) or not text.strip():
        return None
    normal = clean_text(text).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def history_rows(
    report: pd.DataFrame,
    audit_sha256: str,
    recorded_at: str,
    transcripts: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The history rows of one round from its report and (pair id → transcript) (pure)."""
    transcripts = transcripts or {}
    rows = []
    when = pd.Timestamp(recorded_at)
    for row in C.records(report):
        codes = _list(row[C.AUDIT_ERROR_CODES])
        checks = _list(row[C.CHECKS])
        key = _key(row)
        unmatched = row[C.VERDICT] == C.VERDICT_UNMATCHED and key != MESSAGE_KEY
        rows.append(
            {
                C.HISTORY_KEY: key,
                C.PAIR_ID: row[C.PAIR_ID],
                C.AUDIO_NAME: row[C.AUDIO_NAME],
                C.TEXT_NAME: row[C.TEXT_NAME],
                C.VERDICT: row[C.VERDICT],
                C.AUDIT_FLAGGED: bool(_list(row[C.AUDIT_ENTRY_IDS])),
                C.MISSING: unmatched or bool(_MISSING_CHECKS & set(checks)),
                C.AUDIT_ERROR_CODES: codes,
                C.CHECKS: checks,
                C.REASONS: _list(row[C.REASONS]),
                C.DURATION_S: row[C.DURATION_S],
                C.AUDIO_SHA256: row[C.AUDIO_SHA256],
                C.AUDIT_SHA256: audit_sha256,
                C.RECORDED_AT: when,
                C.TEXT_KEY: text_key(transcripts.get(key)),
            }
        )
    return K.frame(rows, C.HISTORY_DTYPES)


def partition_dir(root: Path, job_id: str, round_number: int) -> Path:
    """``root/job_id=<id>/round=<N>`` (the id URI-quoted, as pyarrow's hive partitioning reads it)."""
    return root / f"{C.JOB_ID}={quote(job_id, safe='')}" / f"{C.ROUND}={round_number}"


def write_round(
    root: Path, job_id: str, round_number: int, rows: pd.DataFrame, meta: dict[str, Any]
) -> Path:
    """Write (or replace) one round's partition atomically; returns the file."""
    folder = partition_dir(root, job_id, round_number)
    folder.mkdir(parents=True, exist_ok=True)
    return write_parquet(rows, folder / PART_FILE, K.HISTORY_OUTPUT, meta)


def read_history(root: Path, job_id: str | None = None) -> pd.DataFrame:
    """The whole dataset (or one job's rows) with ``job_id`` and ``round`` columns.

    Empty (with the columns) when there is no history yet.
    """
    import pyarrow.dataset as ds

    columns = [C.JOB_ID, C.ROUND, *C.HISTORY_COLUMNS]
    if not root.is_dir():
        return pd.DataFrame(columns=columns)
    try:
        dataset = ds.dataset(
            root,
            format="parquet",
            schema=pa.unify_schemas([K.HISTORY_OUTPUT.schema, K.HISTORY_PARTITIONING]),
            partitioning=ds.partitioning(K.HISTORY_PARTITIONING, flavor="hive"),
            exclude_invalid_files=False,
        )
        expr = ds.field(C.JOB_ID) == job_id if job_id is not None else None
        table = dataset.to_table(filter=expr, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise InputError(f"cannot read the history in {root}: {exc}", path=root) from None
    frame: pd.DataFrame = table.to_pandas()
    return frame.sort_values([C.JOB_ID, C.ROUND], kind="stable").reset_index(drop=True)


def rounds(history: pd.DataFrame) -> list[int]:
    """The round numbers present, ascending."""
    return sorted({int(r) for r in history[C.ROUND]})


def _classify(prev: dict[str, Any] | None, latest: dict[str, Any] | None) -> str:
    was = prev is not None and bool(prev[C.AUDIT_FLAGGED])
    now = latest is not None and bool(latest[C.AUDIT_FLAGGED])
    if prev is not None and latest is not None and prev[C.MISSING] and latest[C.MISSING]:
        return STILL_MISSING
    if was and now:
        return RECURRING
    if was:
        return FIXED if latest is not None else REMOVED
    if now:
        return NEW
    return CLEAN


def compare(history: pd.DataFrame) -> pd.DataFrame:
    """One job's history → one row per pair: its verdict in each round and its change.

    Columns: ``pair_key``, ``audio_name`` (latest known), ``verdict_r<N>`` per round,
    ``audit_error_codes`` (latest round), ``change`` (see the module docstring; ``new``
    for flagged pairs when there is only one round). Rows are ordered by change, most
    important first, then by pair.
    """
    numbers = rounds(history)
    latest_n = numbers[-1] if numbers else None
    prev_n = numbers[-2] if len(numbers) > 1 else None
    by_round: dict[int, dict[str, dict[str, Any]]] = {n: {} for n in numbers}
    names: dict[str, Any] = {}
    for rec in C.records(history):
        if rec[C.HISTORY_KEY] == MESSAGE_KEY:
            continue  # the administrator's message is not a pair
        by_round[int(rec[C.ROUND])][rec[C.HISTORY_KEY]] = rec
        names[rec[C.HISTORY_KEY]] = (
            rec[C.AUDIO_NAME] if rec[C.AUDIO_NAME] is not None else rec[C.TEXT_NAME]
        )
    links = _links(by_round, prev_n, latest_n)  # latest key → the previous round's key
    latest_keys = by_round[latest_n] if latest_n is not None else {}
    consumed = {old for new, old in links.items() if old != new}
    out = []
    for key in names:
        if key in consumed and key not in latest_keys:
            continue  # shown under its new name
        latest = latest_keys.get(key)
        prev_key = links.get(key) if latest is not None else (None if key in consumed else key)
        prev = by_round[prev_n].get(prev_key) if prev_n is not None and prev_key else None
        row: dict[str, Any] = {C.HISTORY_KEY: key, C.AUDIO_NAME: names[key]}
        for n in numbers:
            found = latest if n == latest_n else prev if n == prev_n else by_round[n].get(key)
            row[f"verdict_r{n}"] = found[C.VERDICT] if found else None
        row[C.AUDIT_ERROR_CODES] = _list(latest[C.AUDIT_ERROR_CODES]) if latest else []
        row[CHANGE] = _classify(prev, latest)
        out.append(row)
    frame = pd.DataFrame(
        out,
        columns=[
            C.HISTORY_KEY,
            C.AUDIO_NAME,
            *(f"verdict_r{n}" for n in numbers),
            C.AUDIT_ERROR_CODES,
            CHANGE,
        ],
    )
    if frame.empty:
        return frame
    from remediate.names import natural_key

    order = frame[CHANGE].map(CHANGES.index).astype(int)
    frame = frame.assign(_o=order, _k=frame[C.HISTORY_KEY].map(natural_key))
    return (
        frame.sort_values(["_o", "_k"], kind="stable")
        .drop(columns=["_o", "_k"])
        .reset_index(drop=True)
    )


def _links(
    by_round: dict[int, dict[str, dict[str, Any]]], prev_n: int | None, latest_n: int | None
) -> dict[str, str]:
    """Which pair of the previous round each pair of the latest one is: latest key →
    previous key. The transcript decides first (a sentence is what a pair is: a corpus
    renumbered between rounds gives old numbers to other sentences), when exactly one pair
    on each side has it; the rest meet on their key (a transcript corrected between rounds
    keeps its pair)."""
    if prev_n is None or latest_n is None:
        return {}
    prev, latest = by_round[prev_n], by_round[latest_n]
    before, now = _unique_texts(prev), _unique_texts(latest)
    links = {key: before[text] for text, key in now.items() if text in before}
    taken = set(links.values())
    for key in latest:
        if key not in links and key in prev and key not in taken:
            links[key] = key
    return links


def _unique_texts(side: dict[str, dict[str, Any]]) -> dict[str, str]:
    """text_key → the one key holding it (keys sharing a transcript are left out)."""
    found: dict[str, list[str]] = {}
    for key, rec in side.items():
        text = rec.get(C.TEXT_KEY)
        if isinstance(text, str):
            found.setdefault(text, []).append(key)
    return {text: keys[0] for text, keys in found.items() if len(keys) == 1}


def change_counts(changes: pd.DataFrame) -> dict[str, int]:
    """Pairs per change class, every class present (0 when none)."""
    counts = changes[CHANGE].value_counts() if not changes.empty else pd.Series(dtype=int)
    return {c: int(counts.get(c, 0)) for c in CHANGES}


def job_history(root: Path, job_id: str) -> dict[str, Any]:
    """``remediate history``: one job's rounds, change counts and per-pair table (JSON-ready)."""
    history = read_history(root, job_id)
    numbers = rounds(history)
    changes = compare(history)
    pairs = [
        {**row, C.AUDIT_ERROR_CODES: list(row[C.AUDIT_ERROR_CODES])} for row in C.records(changes)
    ]
    return {
        "job_id": job_id,
        "history": str(root),
        "rounds": numbers,
        "latest": numbers[-1] if numbers else None,
        "previous": numbers[-2] if len(numbers) > 1 else None,
        "changes": change_counts(changes),
        "recurring": [p for p in pairs if p[CHANGE] == RECURRING],
        "pairs": pairs,
    }


def now_utc() -> str:
    """The current time in ISO 8601 UTC, seconds precision."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
