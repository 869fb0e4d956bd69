"""Join audit entries to local pairs by normalised name. Pure DataFrame in, DataFrame out.

An entry matches a pair when its ``audio_name`` equals the pair's audio base name, else
its ``text_name`` the pair's text base name, else (the API may echo ``0.wav`` for a local
``audio_0.wav``) when the pairing keys agree. Comparison is case-insensitive, NFC, with
folders and ``\\`` separators stripped. A name that would resolve outside the corpus is
never followed: the entry stays unmatched, with the reason.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.names import fold, pair_key, safe_basename

NOTE = "note"
_JOB_LEVEL = {
    C.SOURCE_ADMIN: "admin review",
    C.SOURCE_OPLOG_ALGORITHM: "operation log, automatic review",
    C.SOURCE_OPLOG_ADMIN: "operation log, manual review",
}
MATCH_COLUMNS = [C.ENTRY_ID, C.PAIR_ID, C.MATCHED_BY, NOTE]


def _index(pairs: pd.DataFrame, column: str) -> dict[str, list[str]]:
    index: dict[str, list[str]] = defaultdict(list)
    for pid, name in zip(pairs[C.PAIR_ID], pairs[column], strict=True):
        if isinstance(name, str):
            index[fold(name.rsplit("/", 1)[-1])].append(pid)
    return index


def match_audit(audit: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per (entry, matched pair); entries that match nothing get one row with a
    null ``pair_id`` and a ``note`` saying why."""
    by_audio = _index(pairs, C.AUDIO_NAME)
    by_text = _index(pairs, C.TEXT_NAME)
    by_key: dict[str, list[str]] = defaultdict(list)
    for pid, key in zip(pairs[C.PAIR_ID], pairs[C.PAIR_KEY], strict=True):
        by_key[key].append(pid)

    rows: list[dict[str, Any]] = []
    for entry in audit.itertuples(index=False):
        eid = getattr(entry, C.ENTRY_ID)
        names = {
            C.AUDIO_NAME: getattr(entry, C.AUDIO_NAME),
            C.TEXT_NAME: getattr(entry, C.TEXT_NAME),
        }
        present = {k: v for k, v in names.items() if isinstance(v, str) and v.strip()}
        if not present:
            what = _JOB_LEVEL.get(getattr(entry, C.SOURCE), "no file name")
            rows.append(
                _row(eid, None, None, f"job-level entry ({what}): applies to no single pair")
            )
            continue
        safe = {k: safe_basename(v) for k, v in present.items()}
        unsafe = [present[k] for k, v in safe.items() if v is None]
        if unsafe:
            rows.append(
                _row(
                    eid,
                    None,
                    None,
                    f"name {unsafe[0]!r} would resolve outside the corpus; not followed",
                )
            )
            continue
        matched: list[str] = []
        how = None
        for column, index in ((C.AUDIO_NAME, by_audio), (C.TEXT_NAME, by_text)):
            base = safe.get(column)
            if base and index.get(base):
                matched, how = index[base], column
                break
        if not matched:
            for column in (C.AUDIO_NAME, C.TEXT_NAME):
                base = safe.get(column)
                if base and by_key.get(pair_key(base)):
                    matched, how = by_key[pair_key(base)], "pair_key"
                    break
        if not matched:
            shown = " / ".join(present.values())
            rows.append(_row(eid, None, None, f"{shown} is not in the local corpus"))
            continue
        for pid in matched:
            rows.append(_row(eid, pid, how, None))
    df = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    df[C.ENTRY_ID] = df[C.ENTRY_ID].astype("int64")
    for col in (C.PAIR_ID, C.MATCHED_BY, NOTE):
        df[col] = df[col].astype("str")
    return df


def _row(eid: int, pid: str | None, how: str | None, note: str | None) -> dict[str, Any]:
    return {C.ENTRY_ID: eid, C.PAIR_ID: pid, C.MATCHED_BY: how, NOTE: note}
