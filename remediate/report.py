"""Write the outputs: Parquet tables, the resubmission manifest, the JSON summary.

Every file is written to a temporary name in the output folder and renamed into place,
so an interrupted run never leaves a half-written file; ``summary.json`` is written last
and its presence means the run completed. The only module that writes Parquet.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from remediate import columns as C
from remediate.contract import METADATA_KEY, ParquetOutput
from remediate.errors import OutputError
from remediate.files import public_path


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` on success only."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        shown = public_path(path)
        raise OutputError(f"cannot write {shown}: {exc.strerror or exc}", path=shown) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes(path: Path, data: bytes) -> Path:
    """Write bytes atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def write_text(path: Path, writer: Callable[[IO[str]], None]) -> Path:
    """Write text atomically through ``writer(fh)`` (UTF-8, ``\\n`` newlines)."""
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        writer(fh)
    return path


def write_json(path: Path, doc: Any) -> Path:
    """Write a JSON document atomically (UTF-8, indented, non-ASCII kept)."""
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def writer(fh: IO[str]) -> None:
        fh.write(text)

    return write_text(path, writer)


def write_parquet(
    df: pd.DataFrame, path: Path, output: ParquetOutput | pa.Schema, metadata: dict[str, Any]
) -> Path:
    """Write a frame as Parquet (zstd), cast to its contract schema, with tool metadata.

    ``output`` is one of :data:`remediate.contract.PARQUET_OUTPUTS` (or a bare schema);
    a missing column or a value that does not fit its declared type raises.
    """
    schema = output.schema if isinstance(output, ParquetOutput) else output
    table = pa.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[METADATA_KEY] = json.dumps(metadata, ensure_ascii=False).encode("utf-8")
    table = table.replace_schema_metadata(meta)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return path


def read_metadata(path: Path) -> dict[str, Any]:
    """The tool metadata stored in a Parquet file written by :func:`write_parquet`."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(METADATA_KEY)
    return json.loads(raw) if raw else {}


def manifest_frame(report: pd.DataFrame) -> pd.DataFrame:
    """The resubmission manifest: keep and fix pairs, in report order."""
    keep = report[report[C.VERDICT].isin([C.VERDICT_KEEP, C.VERDICT_FIX])]
    out = pd.DataFrame(
        {
            C.AUDIO_NAME: keep[C.AUDIO_NAME],
            C.TEXT_NAME: keep[C.TEXT_NAME],
            C.DURATION_S: keep[C.DURATION_S].round(4),
            C.SHA256: keep[C.AUDIO_SHA256],
            C.VERDICT: keep[C.VERDICT],
        }
    )
    return out.reset_index(drop=True)


def write_manifest(path: Path, manifest: pd.DataFrame) -> Path:
    """Write the manifest as CSV (header, ``\\n`` line ends, UTF-8)."""

    def writer(fh: IO[str]) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(list(manifest.columns))
        # Column lists, not itertuples: iterating Arrow-backed strings row by row is slow.
        columns = [manifest[c].tolist() for c in manifest.columns]
        w.writerows(
            ["" if (isinstance(v, float) and pd.isna(v)) or v is None else v for v in row]
            for row in zip(*columns, strict=True)
        )
        fh.write(buf.getvalue())

    return write_text(path, writer)
