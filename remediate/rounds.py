"""The rounds of ``remediate batch``: what makes two rounds the same, and which round to run.

A round is keyed by sha256 over the audit result's bytes, a fingerprint of the corpus
(every file's relative path, size and mtime: no content read) and the settings that change
the result (:func:`settings_doc`). A job's complete rounds are the ``round-<N>/`` folders
under ``OUT/<job_id>/`` holding a ``round.json``; :func:`choose_round` compares the new key
with the latest one: ``unchanged``, ``rerun`` in place, or ``run`` a new round.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from remediate import contract as K
from remediate._version import __version__
from remediate.errors import CorpusError
from remediate.project import JobSettings

ROUND_FILE = K.ROUND_FILE
_ROUND_DIR = re.compile(rf"^{K.ROUND_DIR_PREFIX}(\d{{1,6}})$")


def corpus_fingerprint(corpus: Path) -> str:
    """sha256 over every file's relative path, size and mtime (no content read)."""
    if not corpus.is_dir():
        raise CorpusError(f"corpus folder {corpus} does not exist or is not a folder", path=corpus)
    entries = []
    try:
        for dirpath, dirnames, filenames in os.walk(corpus, onerror=_raise):
            dirnames.sort()
            for name in sorted(filenames):
                st = os.stat(os.path.join(dirpath, name))
                rel = os.path.relpath(os.path.join(dirpath, name), corpus)
                entries.append(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}")
    except OSError as exc:
        raise CorpusError(
            f"cannot read corpus {corpus}: {exc.strerror or exc}", path=corpus
        ) from None
    return hashlib.sha256("\n".join(entries).encode("utf-8", "surrogateescape")).hexdigest()


def _raise(exc: OSError) -> None:
    raise exc


def settings_doc(settings: JobSettings, loudness: bool, fix: bool = False) -> dict[str, Any]:
    """The settings that change a round's result (part of its key). ``fix`` enters only
    when on, so the keys of rounds run before the setting existed stay valid, and turning
    it on runs each round again, this time with its package."""
    doc: dict[str, Any] = {
        "edition": settings.edition,
        "overrides": list(settings.overrides),
        "language": settings.language,
        "loudness": loudness,
        "version": __version__,
    }
    if fix:
        doc["fix"] = True
    return doc


def round_key(audit_sha256: str, fingerprint: str, settings: dict[str, Any]) -> str:
    """The idempotence key of a round."""
    doc = json.dumps([audit_sha256, fingerprint, settings], sort_keys=True)
    return hashlib.sha256(doc.encode()).hexdigest()


def round_path(out_root: Path, job_id: str, number: int) -> Path:
    """``OUT/<job_id>/round-<N>/``: the folder of a job's round ``number``."""
    return out_root / job_id / f"{K.ROUND_DIR_PREFIX}{number}"


def completed_rounds(job_dir: Path) -> dict[int, dict[str, Any]]:
    """Round number → its round.json, for every complete round of a job."""
    found: dict[int, dict[str, Any]] = {}
    if not job_dir.is_dir():
        return found
    for child in job_dir.iterdir():
        m = _ROUND_DIR.match(child.name)
        if not m:
            continue
        try:
            doc = json.loads((child / ROUND_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # incomplete or damaged: not a round
        if isinstance(doc, dict):
            found[int(m[1])] = doc
    return found


def choose_round(
    done: dict[int, dict[str, Any]], reject_times: int | None, key: str, audit_sha256: str
) -> tuple[str, int]:
    """(action, round): ``unchanged`` / ``rerun`` the latest round, or ``run`` a new one.

    A new round is numbered by the job's ``reject_times`` when that is beyond every
    existing round, else by the next free number.
    """
    latest = max(done, default=0)
    if done:
        if done[latest].get("key") == key:
            return "unchanged", latest
        if done[latest].get("audit_sha256") == audit_sha256:
            return "rerun", latest
    if reject_times is not None and reject_times > latest:
        return "run", reject_times
    return "run", latest + 1
