"""Discover the local corpus: walk the folder, pair audio with text by stem.

The only module that lists the corpus folder. It reads names, sizes and mtimes, never
contents (the scan does that), and never writes. Audio without text and text without
audio become pairs with one side missing; the checks turn that into findings.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISLNK
from typing import Any

import pandas as pd

from remediate import columns as C
from remediate.contract import frame
from remediate.errors import CorpusError
from remediate.names import (
    AUDIO_EXTENSIONS,
    TEXT_EXTENSIONS,
    fold,
    natural_key,
    pair_key,
    split_ext,
)


@dataclass(frozen=True)
class CorpusListing:
    """The pairs frame plus the files that are neither audio nor text."""

    pairs: pd.DataFrame
    other_files: tuple[str, ...]
    #: Files whose names are not valid UTF-8, shown with ``\xNN`` escapes. They cannot be
    #: paired, stored in the report or zipped for upload: the user must rename them.
    bad_names: tuple[str, ...] = ()
    #: Symbolic links whose target resolves outside the corpus root: never read, never
    #: paired, never copied (a ``text_1.txt -> /etc/passwd`` must not reach the report).
    links_outside: tuple[str, ...] = ()


def _walk(root: Path, bad: list[str], outside: list[str]) -> list[tuple[str, os.stat_result]]:
    """Relative posix paths and stats of every visible file under root, sorted; names that
    are not valid UTF-8 go to ``bad`` (escaped for display) instead, and links that resolve
    outside the root to ``outside``."""
    found: list[tuple[str, os.stat_result]] = []
    real_root = os.path.realpath(root)

    def onerror(exc: OSError) -> None:
        raise CorpusError(f"cannot read corpus folder {exc.filename}: {exc.strerror}")

    top = str(root)
    for dirpath, dirnames, filenames in os.walk(top, onerror=onerror):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        # Strings, not Path objects: on thousands of files the path parsing dominates.
        prefix = os.path.relpath(dirpath, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            try:  # one lstat per file; a second stat only for a link, to follow it
                st = os.lstat(full)
                link = S_ISLNK(st.st_mode)
                if link:
                    st = os.stat(full)
            except OSError:
                continue  # dangling link: nothing to pair
            rel = prefix + name
            if link and not _inside(os.path.realpath(full), real_root):
                outside.append(rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
                continue
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:  # surrogate-escaped bytes from a non-UTF-8 name
                raw = rel.encode("utf-8", "surrogateescape")
                bad.append(raw.decode("utf-8", "backslashreplace"))
                continue
            found.append((rel, st))
    return found


def discover(root: Path) -> CorpusListing:
    """List the corpus under ``root`` as a pairs frame (one row per pair, natural order).

    ``pair_id`` is the pairing key (``7`` for ``audio_7.wav``); when several files share a
    key, the ones in the same folder pair up and ids get a ``@folder`` suffix.

    Raises CorpusError when root does not exist, is not a folder or cannot be listed.
    """
    try:
        os.stat(root)
    except FileNotFoundError:
        raise CorpusError(f"corpus folder not found: {root}", path=root) from None
    except OSError as exc:  # a name past PATH_MAX, a loop of links...
        raise CorpusError(f"cannot open corpus folder {root}: {exc.strerror}", path=root) from None
    if not root.is_dir():
        raise CorpusError(f"corpus path is not a folder: {root}", path=root)
    if not os.access(root, os.R_OK | os.X_OK):
        raise CorpusError(f"corpus folder is not readable: {root}", path=root)

    audio: dict[str, list[tuple[str, os.stat_result]]] = defaultdict(list)
    text: dict[str, list[tuple[str, os.stat_result]]] = defaultdict(list)
    other: list[str] = []
    bad: list[str] = []
    outside: list[str] = []
    for rel, st in _walk(root, bad, outside):
        base = rel.rsplit("/", 1)[-1]
        _, ext = split_ext(base)
        if ext in AUDIO_EXTENSIONS:
            audio[pair_key(base)].append((rel, st))
        elif ext in TEXT_EXTENSIONS:
            text[pair_key(base)].append((rel, st))
        else:
            other.append(rel)

    rows: list[dict[str, Any]] = []
    for key in sorted(set(audio) | set(text), key=natural_key):
        rows.extend(_pair_up(key, audio.get(key, []), text.get(key, [])))
    return CorpusListing(
        pairs=_frame(rows),
        other_files=tuple(other),
        bad_names=tuple(bad),
        links_outside=tuple(outside),
    )


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _folder(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


def _prefixed(rel: str) -> bool:
    """Whether a file uses the ``audio_N``/``text_N`` naming rather than bare ``N``."""
    base = rel.rsplit("/", 1)[-1]
    return pair_key(base) != split_ext(fold(base))[0]


def _pair_up(
    key: str, audios: list[tuple[str, os.stat_result]], texts: list[tuple[str, os.stat_result]]
) -> list[dict[str, Any]]:
    if len(audios) <= 1 and len(texts) <= 1:
        return [_row(key, key, audios[0] if audios else None, texts[0] if texts else None)]
    # Several files share the key: pair within a folder first, named alike (audio_1.wav
    # with text_1.txt, 1.wav with 1.txt) before any other, then leftovers alone.
    remaining = list(texts)
    partner: dict[str, tuple[str, os.stat_result]] = {}
    for same_style in (True, False):
        for a in audios:
            if a[0] in partner:
                continue
            match = next(
                (
                    t
                    for t in remaining
                    if _folder(t[0]) == _folder(a[0])
                    and (not same_style or _prefixed(t[0]) == _prefixed(a[0]))
                ),
                None,
            )
            if match is not None:
                remaining.remove(match)
                partner[a[0]] = match
    rows = []
    for a in audios:
        rows.append(_row(f"{key}@{_folder(a[0]) or '.'}", key, a, partner.get(a[0])))
    for t in remaining:
        rows.append(_row(f"{key}@{_folder(t[0]) or '.'}", key, None, t))
    seen: dict[str, int] = defaultdict(int)
    for row in rows:  # same folder twice (audio_1.wav + 1.wav): number them
        seen[row[C.PAIR_ID]] += 1
        if seen[row[C.PAIR_ID]] > 1:
            row[C.PAIR_ID] = f"{row[C.PAIR_ID]}#{seen[row[C.PAIR_ID]]}"
    return rows


def _row(
    pair_id: str,
    key: str,
    audio: tuple[str, os.stat_result] | None,
    text: tuple[str, os.stat_result] | None,
) -> dict[str, Any]:
    return {
        C.PAIR_ID: pair_id,
        C.PAIR_KEY: key,
        C.AUDIO_NAME: audio[0] if audio else None,
        C.TEXT_NAME: text[0] if text else None,
        C.AUDIO_BYTES: audio[1].st_size if audio else None,
        C.AUDIO_MTIME_NS: audio[1].st_mtime_ns if audio else None,
        C.TEXT_BYTES: text[1].st_size if text else None,
        C.TEXT_MTIME_NS: text[1].st_mtime_ns if text else None,
    }


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return frame(rows, C.PAIR_DTYPES).reset_index(drop=True)
