"""Measure every pair of the corpus: one audio probe and one text decode per file.

Work is spread over processes when there is enough of it (BLAS pinned to one thread in
the workers, see docs/performance.md), results come back in corpus order whatever the
scheduling, and every measurement is cached in SQLite keyed by path, size, mtime,
probe settings and tool version: an unchanged rescan reads nothing but the cache, and an
interrupted scan resumes where it stopped (results are committed as they arrive).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate import memo
from remediate._version import __version__
from remediate.audio.probe import PROBE_VERSION, AudioFacts, ProbeSettings, probe, samples_sha256
from remediate.contract import coerce
from remediate.files import TooLarge, read_regular
from remediate.memo import FrameStore, open_cache
from remediate.progress import ProgressCallback
from remediate.texts import TEXT_MAX_BYTES, TextFacts, decode_text
from remediate.workers import worker_pool

#: Below this many files to measure, a process pool costs more than it saves.
POOL_MIN_FILES = 48
#: Commit the cache every this many results so an interrupted scan loses little.
COMMIT_EVERY = 64


@dataclass(frozen=True)
class ScanOptions:
    """How to run the scan: parallelism and cache location (None disables the cache)."""

    jobs: int = 0  # 0 = one per core
    cache_dir: Path | None = None


@dataclass(frozen=True)
class ScanStats:
    """What the scan did, for the summary and the benchmark."""

    files: int
    cached: int
    measured: int
    seconds: float
    workers: int
    #: Identity of the corpus state scanned (pairs and every file's cache key): what a
    #: stage memo of the results downstream is keyed on (:mod:`remediate.memo`).
    state: str = ""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/remediate`` (``~/.cache/remediate``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "remediate"


# --- work items ----------------------------------------------------------------------


def _measure_audio(path: str, settings: ProbeSettings) -> dict[str, Any]:
    return probe(Path(path), settings).as_dict()


def _measure_text(path: str) -> dict[str, Any]:
    try:
        data = read_regular(Path(path), TEXT_MAX_BYTES)
    except TooLarge as exc:
        error = f"{exc.size} bytes, over the {TEXT_MAX_BYTES // 1024} KiB a transcript may have"
        return TextFacts(text_error=f"not decoded: {error}").as_dict()
    except OSError as exc:
        return TextFacts(text_error=f"cannot read: {exc.strerror or exc}").as_dict()
    return decode_text(data).as_dict()


def _work(item: tuple[str, str, ProbeSettings]) -> dict[str, Any]:
    kind, path, settings = item
    return _measure_audio(path, settings) if kind == "audio" else _measure_text(path)


# --- cache -----------------------------------------------------------------------------


class _Cache:
    """SQLite key → JSON facts; a no-op when disabled."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.conn = open_cache(cache_dir)

    def get_many(self, keys: list[str]) -> dict[str, dict[str, Any]]:
        if self.conn is None or not keys:
            return {}
        found: dict[str, dict[str, Any]] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self.conn.execute(
                    f"SELECT key, value FROM facts WHERE key IN ({marks})", chunk
                ):
                    facts = _unseal(value)
                    if facts is not None:  # a damaged entry is a miss: measured and rewritten
                        found[key] = facts
        except sqlite3.Error:
            return {}
        return found

    def put(self, key: str, value: dict[str, Any]) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(
                "INSERT OR REPLACE INTO facts (key, value) VALUES (?, ?)", (key, _seal(value))
            )
        except sqlite3.Error:
            pass

    def commit(self) -> None:
        if self.conn is not None:
            try:
                self.conn.commit()
            except sqlite3.Error:
                pass

    def close(self) -> None:
        if self.conn is not None:
            self.commit()
            self.conn.close()


def _seal(facts: dict[str, Any]) -> str:
    """A cache value: the JSON facts behind their own SHA-256 (first 16 hex digits), so a
    flipped byte anywhere in a stored value is noticed instead of read as a measurement."""
    text = json.dumps(facts)
    return f"{hashlib.sha256(text.encode()).hexdigest()[:16]} {text}"


def _unseal(value: Any) -> dict[str, Any] | None:
    """The facts of a sealed cache value, or None when it is damaged or of another format."""
    if not isinstance(value, str):
        return None
    digest, _, text = value.partition(" ")
    if hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:16] != digest:
        return None
    try:
        facts = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return facts if isinstance(facts, dict) else None


def _snapshot_key(pairs: pd.DataFrame, keys: list[str]) -> str:
    """Identity of a corpus state: its pairs in order and every file's cache key (which
    holds the tool and probe versions, path, size, mtime and probe settings)."""
    digest = hashlib.sha256(f"{__version__}\0{PROBE_VERSION}".encode())
    for pid in pairs[C.PAIR_ID].tolist():
        digest.update(f"\0{pid}".encode("utf-8", "surrogateescape"))
    digest.update(b"\1")
    for key in keys:
        digest.update(key.encode())
    return digest.hexdigest()


def _settings_key(settings: ProbeSettings) -> str:
    """The probe settings as they enter the cache key. The voice analysis is in the key only
    when it is off, so a scan without it never answers one that needs it, while the entries
    written before the setting existed (all with the analysis) stay valid."""
    fields = asdict(settings)
    if fields.get("voice") is True:
        del fields["voice"]
    return json.dumps(fields, sort_keys=True)


def _cache_key(kind: str, path: str, size: int, mtime_ns: int, settings: str) -> str:
    """Identity of one measurement: tool and probe versions, file identity, and (audio)
    probe settings."""
    audio = settings if kind == "audio" else ""
    raw = f"{__version__}\0{PROBE_VERSION}\0{kind}\0{path}\0{size}\0{mtime_ns}\0{audio}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


# --- the scan ----------------------------------------------------------------------------


def measure(
    root: Path,
    pairs: pd.DataFrame,
    settings: ProbeSettings,
    options: ScanOptions | None = None,
    progress: ProgressCallback | None = None,
) -> tuple[pd.DataFrame, ScanStats]:
    """Measure every audio and text file of ``pairs``; one row per pair, same order.

    Returns the measurements frame (``pair_id`` plus the audio and text measurement
    columns) and what the scan did. Never raises for a bad file.
    """
    options = options or ScanOptions()
    started = time.perf_counter()
    # Resolved once, and joined as strings: Path objects per file cost more than the cache.
    base = str(root.resolve())
    settings_key = _settings_key(settings)
    items, weights = _items(pairs, base, settings_key)
    state = _snapshot_key(pairs, [key for *_, key in items])
    store = FrameStore(options.cache_dir)
    whole = store.get(memo.key("measurements", state), C.MEASUREMENT_DTYPES)
    store.close()
    if whole is not None:  # nothing changed since a scan of this corpus state: one read
        if progress:
            total = sum(weights.values())
            progress(total, total)
        seconds = round(time.perf_counter() - started, 3)
        return whole, ScanStats(len(items), len(items), 0, seconds, 1, state)
    cache = _Cache(options.cache_dir)
    results: dict[str, dict[str, Any]] = cache.get_many([key for *_, key in items])
    todo = [it for it in items if it[3] not in results]
    total = sum(weights.values())
    done = sum(size for key, size in weights.items() if key in results)
    if progress:
        progress(done, total)

    # Transcripts cost ~20 us each: decode them here; only audio is worth a worker.
    text_todo = [it for it in todo if it[1] == "text"]
    audio_todo = [it for it in todo if it[1] == "audio"]
    jobs = options.jobs or (os.cpu_count() or 1)
    workers = min(jobs, len(audio_todo)) if len(audio_todo) >= POOL_MIN_FILES else 1
    work = [(kind, path, settings) for _, kind, path, _ in audio_todo]
    try:
        texts = map(_work, [(kind, path, settings) for _, kind, path, _ in text_todo])
        _collect(texts, text_todo, results, cache, None)
        bar = _Bar(progress, done, total, weights)
        if workers > 1:
            chunk = max(1, min(32, len(work) // (workers * 8)))
            with worker_pool(workers) as pool:
                stream: Iterator[dict[str, Any]] = pool.map(_work, work, chunksize=chunk)
                _collect(stream, audio_todo, results, cache, bar)
        else:
            _collect(map(_work, work), audio_todo, results, cache, bar)
    finally:
        cache.close()

    _confirm_duplicates(items, results, cache_dir=options.cache_dir, workers=jobs)
    frame = _frame(pairs, items, results)
    store = FrameStore(options.cache_dir)
    store.put(memo.key("measurements", state), frame)
    store.close()
    stats = ScanStats(
        files=len(items),
        cached=len(items) - len(todo),
        measured=len(todo),
        seconds=round(time.perf_counter() - started, 3),
        workers=workers,
        state=state,
    )
    return frame, stats


def _items(
    pairs: pd.DataFrame, base: str, settings_key: str
) -> tuple[list[tuple[int, str, str, str]], dict[str, int]]:
    """(row, kind, path, cache key) of every file of ``pairs``, audio before text in each
    row, and the audio keys' sizes (progress is audio bytes decoded: transcripts cost
    microseconds and are not progress). Read column by column: ~3x faster than rows."""
    items: list[tuple[int, str, str, str]] = []
    weights: dict[str, int] = {}
    columns: list[tuple[str, list[Any], list[Any], list[Any]]] = [
        (kind, pairs[name].tolist(), pairs[size].tolist(), pairs[mtime].tolist())
        for kind, name, size, mtime in (
            ("audio", C.AUDIO_NAME, C.AUDIO_BYTES, C.AUDIO_MTIME_NS),
            ("text", C.TEXT_NAME, C.TEXT_BYTES, C.TEXT_MTIME_NS),
        )
    ]
    for i in range(len(pairs)):
        for kind, names, sizes, mtimes in columns:
            name = names[i]
            if isinstance(name, str):
                path = os.path.join(base, name)
                key = _cache_key(kind, path, int(sizes[i]), int(mtimes[i]), settings_key)
                items.append((i, kind, path, key))
                if kind == "audio":
                    weights[key] = int(sizes[i])
    return items, weights


def _confirm_duplicates(
    items: list[tuple[int, str, str, str]],
    results: dict[str, dict[str, Any]],
    cache_dir: Path | None = None,
    workers: int = 1,
) -> None:
    """Exact samples hash for the files whose fingerprints collide (the rare candidates
    for duplicate audio); every other file's samples are unique by their fingerprint.

    The hash is stored with the file's cached facts, so a warm rescan of a corpus full of
    duplicates reads it from the cache instead of decoding every candidate again; the ones
    still missing are hashed on the worker pool.
    """
    groups: dict[str, list[tuple[str, str]]] = {}
    for _, kind, path, key in items:
        fingerprint = results[key].get(C.SAMPLES_FINGERPRINT) if kind == "audio" else None
        if fingerprint and not results[key].get(C.AUDIO_ERROR):
            groups.setdefault(fingerprint, []).append((path, key))
    todo = [
        (path, key)
        for members in groups.values()
        if len(members) > 1
        for path, key in members
        if not results[key].get(C.SAMPLES_SHA256)
    ]
    if not todo:
        return
    paths = [path for path, _ in todo]
    if workers > 1 and len(todo) >= POOL_MIN_FILES:
        with worker_pool(min(workers, len(todo))) as pool:
            digests = list(pool.map(_samples_sha256, paths, chunksize=8))
    else:
        digests = [_samples_sha256(path) for path in paths]
    cache = _Cache(cache_dir)
    try:
        for (_, key), digest in zip(todo, digests, strict=True):
            results[key] = {**results[key], C.SAMPLES_SHA256: digest}
            cache.put(key, results[key])
    finally:
        cache.close()


def _samples_sha256(path: str) -> str | None:
    return samples_sha256(Path(path))


class _Bar:
    """Reports audio bytes measured so far out of ``total`` (cached files count as done)."""

    def __init__(
        self, progress: ProgressCallback | None, done: int, total: int, weights: dict[str, int]
    ) -> None:
        self.progress, self.done, self.total, self.weights = progress, done, total, weights

    def __call__(self, key: str) -> None:
        self.done += self.weights.get(key, 0)
        if self.progress:
            self.progress(self.done, self.total)


def _collect(
    stream: Iterator[dict[str, Any]],
    todo: list[tuple[int, str, str, str]],
    results: dict[str, dict[str, Any]],
    cache: _Cache,
    bar: _Bar | None,
) -> None:
    for n, (item, facts) in enumerate(zip(todo, stream, strict=True), start=1):
        results[item[3]] = facts
        cache.put(item[3], facts)
        if n % COMMIT_EVERY == 0:
            cache.commit()
        if bar is not None:
            bar(item[3])


def _frame(
    pairs: pd.DataFrame, items: list[tuple[int, str, str, str]], results: dict[str, dict[str, Any]]
) -> pd.DataFrame:
    audio_empty = AudioFacts().as_dict()
    text_empty = TextFacts().as_dict()
    text_empty[C.TEXT_BOM] = None
    rows = [{C.PAIR_ID: pid, **audio_empty, **text_empty} for pid in pairs[C.PAIR_ID]]
    for i, _kind, _path, key in items:
        rows[i].update(results[key])
    df = pd.DataFrame(rows, columns=list(C.MEASUREMENT_DTYPES))
    return coerce_measurements(df)


def coerce_measurements(df: pd.DataFrame) -> pd.DataFrame:
    """Give the measurements frame its declared dtypes (:data:`columns.MEASUREMENT_DTYPES`)."""
    return coerce(df, C.MEASUREMENT_DTYPES)
