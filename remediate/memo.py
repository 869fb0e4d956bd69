"""Whole frames kept in the scan cache, so a rescan of an unchanged corpus reads one value.

The scan cache (:mod:`remediate.scan`) keeps every file's measurements; this keeps, beside
them in the same SQLite file, the results of whole stages for the last few corpus states:
the measurements frame of a scan and the findings of the pair checks. A stage's key holds
everything its result depends on (the files' identities, the profile, the checks chosen
and the code that computes them, see :func:`code_digest`), so a hit is the same frame the
stage would compute, and anything else is a miss that only costs the normal work.

Values are Arrow IPC behind their own SHA-256: a damaged value is a miss, not a result.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

import pandas as pd
import pyarrow as pa

from remediate import columns as C
from remediate._version import __version__
from remediate.contract import coerce
from remediate.profiles import Profile

#: Stage results kept, most recently used first, up to this many bytes in all: a 2,000-pair
#: corpus state takes about 2 MB (measurements, findings, assessment), a batch's 100-pair
#: job about 0.1 MB, so a batch over hundreds of jobs stays warm.
MAX_BYTES: int = 256 << 20
_LISTS: Final = (C.LIST_STR, C.LIST_INT, C.LIST_FLOAT)


#: The one SQLite file of the scan cache: per-file facts (:mod:`remediate.scan`) and whole
#: stage results (here).
CACHE_FILE: Final = "scan-cache.sqlite3"


def open_cache(cache_dir: Path | None) -> sqlite3.Connection | None:
    """The scan cache's database with both its tables, or None when there is no cache or
    it cannot be used (a file in the way, no permission): an unusable cache only costs
    speed."""
    if cache_dir is None:
        return None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(cache_dir / CACHE_FILE, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS facts (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS snapshots "
            "(key TEXT PRIMARY KEY, value BLOB NOT NULL, used REAL NOT NULL)"
        )
        conn.commit()
    except (OSError, sqlite3.Error):
        return None
    return conn


class FrameStore:
    """Frames by key in ``cache_dir/scan-cache.sqlite3`` (nothing when ``cache_dir`` is
    None or unusable: every lookup then misses)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.conn = open_cache(cache_dir)

    def get(self, key: str, dtypes: dict[str, str]) -> pd.DataFrame | None:
        """The frame under ``key`` (columns in the order stored) if it has exactly the
        columns of ``dtypes``, their dtypes given back and list columns as Python lists;
        None for a miss, a damaged value or other columns."""
        if self.conn is None:
            return None
        try:
            row = self.conn.execute("SELECT value FROM snapshots WHERE key = ?", (key,)).fetchone()
            frame = None if row is None else from_bytes(row[0], dtypes)
            if frame is not None:
                self.conn.execute("UPDATE snapshots SET used = ? WHERE key = ?", (time.time(), key))
                self.conn.commit()
            return frame
        except sqlite3.Error:
            return None

    def put(self, key: str, frame: pd.DataFrame) -> None:
        """Store ``frame`` under ``key``; the least recently used values beyond MAX_BYTES
        in all are removed."""
        if self.conn is None:
            return
        try:
            self.conn.execute(
                "INSERT OR REPLACE INTO snapshots (key, value, used) VALUES (?, ?, ?)",
                (key, to_bytes(frame), time.time()),
            )
            self.conn.execute(
                "DELETE FROM snapshots WHERE key IN (SELECT key FROM (SELECT key, "
                "SUM(LENGTH(value)) OVER (ORDER BY used DESC, key) AS running "
                "FROM snapshots) WHERE running > ?)",
                (MAX_BYTES,),
            )
            self.conn.commit()
        except (sqlite3.Error, pa.ArrowException):
            pass

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def to_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Arrow IPC behind its SHA-256 (32 bytes)."""
    sink = pa.BufferOutputStream()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    data: bytes = sink.getvalue().to_pybytes()
    return hashlib.sha256(data).digest() + data


def from_bytes(value: Any, dtypes: dict[str, str]) -> pd.DataFrame | None:
    """The frame of :func:`to_bytes`, checked and given ``dtypes``; None when damaged."""
    if not isinstance(value, bytes) or len(value) < 32:
        return None
    digest, data = value[:32], value[32:]
    if hashlib.sha256(data).digest() != digest:
        return None
    try:
        frame = pa.ipc.open_stream(data).read_all().to_pandas()
    except pa.ArrowException:
        return None
    if sorted(map(str, frame.columns)) != sorted(dtypes):  # stored in its own order
        return None
    for col, dtype in dtypes.items():
        if dtype in _LISTS:
            frame[col] = pd.Series(
                [None if v is None else v.tolist() for v in frame[col]], dtype=object
            )
    return coerce(frame, dtypes)


@functools.cache
def code_digest() -> str:
    """SHA-256 of the tool's version and every module of the package: a stage memo is
    only read by the code that wrote it (an edited check never reads stale findings)."""
    digest = hashlib.sha256(__version__.encode())
    root = Path(str(resources.files("remediate")))
    sources = sorted(root.rglob("*.py"))
    if not sources:  # not a folder of sources (a zip import): a fresh key every run
        return hashlib.sha256(os.urandom(16)).hexdigest()
    for path in sources:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(kind: str, *parts: str) -> str:
    """A store key: ``kind:`` then the SHA-256 of the code and ``parts``."""
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogateescape"))
    return f"{kind}:{digest.hexdigest()}"


@dataclass(frozen=True)
class StageMemo:
    """Where the results of the stages after the scan are kept for one corpus state: the
    store and the state (the scan's identity of the pairs and their files)."""

    store: FrameStore
    state: str

    def key(
        self, pairs: pd.DataFrame, profile: Profile, inputs: str, kind: str = "findings"
    ) -> str | None:
        """The memo key of a stage (``kind``): the code, the corpus state, the pairs
        table, every threshold of the profile and the stage's other inputs (``repr`` of
        them: for the checks, the codes run included); None without a state to key on."""
        if not self.state:
            return None
        table = pd.util.hash_pandas_object(pairs, index=False).to_numpy().tobytes()
        return key(kind, self.state, hashlib.sha256(table).hexdigest(), repr(profile), inputs)
