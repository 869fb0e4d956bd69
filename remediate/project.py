"""The project file, ``remediate.toml``: defaults plus which corpus belongs to which job.

``remediate batch`` reads it to know, for every MetaStudio job in ``AUDIT_FAILED``, the
local corpus it was built from and the settings to check it with::

    [defaults]
    out = "out/remediate"        # output root: OUT/<job_id>/round-<N>/, OUT/history/
    edition = "basic"            # omit: from each job's job_type
    set = ["duration.max_s=12"]  # profile overrides, as --set
    language = "CN"              # omit: from each job's language
    cache_dir = "~/.cache/remediate"   # or: cache = false
    jobs = 0                     # scan worker processes (0 = one per core)
    loudness = false

    [[jobs]]
    job_id = "1234abcd"          # this job exactly...
    corpus = "corpora/anna"

    [[jobs]]
    voice_name = "anna-*"        # ...or any job whose voice_name / batch_name match these
    batch_name = "2026-*"        # globs (all given must match)
    corpus = "corpora/anna"
    edition = "middle"           # per-job overrides of the defaults
    set = ["text.max_chars=120"] # added after the defaults' set

A job is matched by an exact ``job_id`` entry first, then by the first pattern entry (in
file order) whose globs all match. Relative paths are relative to the project file's
folder. Every mistake is a :class:`~remediate.errors.ConfigError` (exit 3) whose message
starts with ``FILE:LINE:``. Whether a corpus folder exists is checked when its job runs,
so one missing folder fails one job, not the batch.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from remediate.errors import ConfigError, OutputError
from remediate.metastudio.models import TrainingJob
from remediate.profiles import (
    DEFAULT_EDITION,
    EDITIONS,
    JOB_TYPE_TO_EDITION,
    LANGUAGES,
    load_profile,
)

PROJECT_FILE = "remediate.toml"
DEFAULT_OUT = "out/remediate"

_DEFAULT_KEYS = (
    "out",
    "edition",
    "set",
    "language",
    "cache",
    "cache_dir",
    "jobs",
    "loudness",
    "fix",
)
_JOB_KEYS = ("job_id", "voice_name", "batch_name", "corpus", "edition", "set", "language")
_KEY_LINE = re.compile(r"""^\s*(["']?)([A-Za-z0-9_-]+)\1\s*=""")
_TABLE_LINE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True)
class Defaults:
    """The ``[defaults]`` table: what every job gets unless its entry says otherwise."""

    out: Path
    edition: str | None = None  # None: from the job's job_type
    overrides: tuple[str, ...] = ()
    language: str | None = None  # None: from the job's language
    cache_dir: Path | None = None  # None: the cache is off
    jobs: int = 0
    loudness: bool = False
    fix: bool = False  # also fix each round into OUT/<job_id>/round-<N>-fixed/


@dataclass(frozen=True)
class JobEntry:
    """One ``[[jobs]]`` entry: how to recognise the job, its corpus, its overrides."""

    corpus: Path
    line: int
    job_id: str | None = None
    voice_name: str | None = None  # glob
    batch_name: str | None = None  # glob
    edition: str | None = None
    overrides: tuple[str, ...] = ()
    language: str | None = None

    def matches(self, job: TrainingJob) -> bool:
        """True when this entry names the job (exact id, or every given glob matches)."""
        if self.job_id is not None:
            return job.job_id == self.job_id
        for pattern, value in (
            (self.voice_name, job.voice_name),
            (self.batch_name, job.batch_name),
        ):
            if pattern is not None and (value is None or not fnmatch.fnmatchcase(value, pattern)):
                return False
        return True

    def describe(self) -> str:
        """How the entry selects jobs, for tables and logs."""
        if self.job_id is not None:
            return f"job_id={self.job_id}"
        parts = [f"voice_name={self.voice_name}"] if self.voice_name is not None else []
        if self.batch_name is not None:
            parts.append(f"batch_name={self.batch_name}")
        return " ".join(parts)


@dataclass(frozen=True)
class JobSettings:
    """What one job runs with, after defaults, its entry and the job itself are combined."""

    corpus: Path
    edition: str
    overrides: tuple[str, ...]
    language: str | None


@dataclass(frozen=True)
class Project:
    """A loaded, validated project file."""

    path: Path
    defaults: Defaults
    entries: tuple[JobEntry, ...] = field(default=())

    def match(self, job: TrainingJob) -> JobEntry | None:
        """The entry for ``job``: an exact job_id entry first, else the first pattern entry."""
        for entry in self.entries:
            if entry.job_id is not None and entry.matches(job):
                return entry
        for entry in self.entries:
            if entry.job_id is None and entry.matches(job):
                return entry
        return None

    def settings(self, entry: JobEntry, job: TrainingJob) -> JobSettings:
        """Entry over defaults over the job's own type and language."""
        d = self.defaults
        edition = (
            entry.edition
            or d.edition
            or JOB_TYPE_TO_EDITION.get((job.job_type or "").upper(), DEFAULT_EDITION)
        )
        job_language = (job.language or "").strip().upper()
        language = (
            entry.language or d.language or (job_language if job_language in LANGUAGES else None)
        )
        return JobSettings(entry.corpus, edition, d.overrides + entry.overrides, language)


# --- locating keys, for messages ------------------------------------------------------------


@dataclass
class _Lines:
    """Line numbers of tables and keys (1-based), so semantic errors can name a line."""

    defaults: int | None = None
    defaults_keys: dict[str, int] = field(default_factory=dict)
    jobs: list[int] = field(default_factory=list)
    jobs_keys: list[dict[str, int]] = field(default_factory=list)
    top_keys: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)


def _locate(text: str) -> _Lines:
    lines = _Lines()
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        table = _TABLE_LINE.match(raw)
        if table:
            section = table[2] if table[1] == "[" else f"[{table[2]}]"
            if section == "defaults":
                lines.defaults = number
            elif section == "[jobs]":
                lines.jobs.append(number)
                lines.jobs_keys.append({})
            lines.tables.setdefault(table[2], number)
            continue
        key = _KEY_LINE.match(raw)
        if not key:
            continue
        if section is None:
            lines.top_keys.setdefault(key[2], number)
        elif section == "defaults":
            lines.defaults_keys.setdefault(key[2], number)
        elif section == "[jobs]":
            lines.jobs_keys[-1].setdefault(key[2], number)
    return lines


class _Checker:
    """Type checks on one table, raising ConfigError with ``FILE:LINE:``."""

    def __init__(
        self, path: Path, table: dict[str, Any], where: str, keys: dict[str, int], line: int | None
    ) -> None:
        self.path = path
        self.table = table
        self.where = where
        self.keys = keys
        self.line = line

    def fail(self, key: str | None, message: str, hint: str | None = None) -> ConfigError:
        line = self.keys.get(key, self.line) if key else self.line
        prefix = f"{self.path}:{line}: " if line else f"{self.path}: "
        return ConfigError(prefix + message, hint=hint, path=self.path)

    def unknown(self, allowed: tuple[str, ...]) -> None:
        for key in self.table:
            if key not in allowed:
                raise self.fail(
                    key, f"unknown key {key!r} in {self.where}", f"known: {', '.join(allowed)}"
                )

    def text(self, key: str, choices: tuple[str, ...] | None = None) -> str | None:
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"{self.where}.{key} must be a non-empty string")
        if choices is not None:
            folded = value.strip().lower() if choices == EDITIONS else value.strip().upper()
            if folded not in choices:
                raise self.fail(key, f"{self.where}.{key} = {value!r} is not one of {choices}")
            return folded
        return value.strip()

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(
                key, f"{self.where}.{key} must be a list of 'section.key=value' strings"
            )
        return tuple(value)

    def path_value(self, key: str, base: Path) -> Path | None:
        value = self.text(key)
        if value is None:
            return None
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path

    def typed(self, key: str, kind: type, default: Any) -> Any:
        value = self.table.get(key, default)
        if type(value) is not kind:
            raise self.fail(key, f"{self.where}.{key} must be {kind.__name__}, got {value!r}")
        return value

    def overrides_valid(self, key: str, edition: str | None, overrides: tuple[str, ...]) -> None:
        try:
            load_profile(edition or DEFAULT_EDITION, overrides)
        except ConfigError as exc:
            raise self.fail(key, exc.message, exc.hint) from None


# --- loading --------------------------------------------------------------------------------


def load_project(path: Path, *, default_cache_dir: Path | None = None) -> Project:
    """Read and validate a project file; ConfigError (exit 3) naming the line otherwise.

    ``default_cache_dir`` is the scan cache used when the file names none (the CLI passes
    ``$XDG_CACHE_HOME/remediate``); ``cache = false`` turns the cache off.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"no project file {path}",
            hint="write an example with `remediate init`, or pass --config PATH",
            path=path,
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read project file {path}: {exc}", path=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        at = _TOML_AT.search(message)
        where = f"{path}:{at[1]}:{at[2]}" if at else str(path)
        raise ConfigError(
            f"{where}: not valid TOML: {_TOML_AT.sub('', message)}", path=path
        ) from None
    return _build(path, data, _locate(text), default_cache_dir)


def _build(
    path: Path, data: dict[str, Any], lines: _Lines, default_cache_dir: Path | None
) -> Project:
    base = path.parent
    top = _Checker(path, data, "the project file", {**lines.top_keys, **lines.tables}, None)
    top.unknown(("defaults", "jobs"))
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        raise top.fail("defaults", "defaults must be a table: [defaults]")
    defaults = _defaults(
        _Checker(path, raw_defaults, "defaults", lines.defaults_keys, lines.defaults),
        base,
        default_cache_dir,
    )
    raw_jobs = data.get("jobs", [])
    if not isinstance(raw_jobs, list) or not all(isinstance(j, dict) for j in raw_jobs):
        raise top.fail("jobs", "jobs must be an array of tables: [[jobs]]")
    entries: list[JobEntry] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_jobs):
        line = lines.jobs[i] if i < len(lines.jobs) else None
        keys = lines.jobs_keys[i] if i < len(lines.jobs_keys) else {}
        check = _Checker(path, raw, f"jobs[{i + 1}]", keys, line)
        entry = _entry(check, base, line or 0, defaults)
        if entry.job_id is not None:
            if entry.job_id in seen:
                raise check.fail(
                    "job_id", f"job {entry.job_id} is already mapped on line {seen[entry.job_id]}"
                )
            seen[entry.job_id] = keys.get("job_id", line or 0)
        entries.append(entry)
    return Project(path, defaults, tuple(entries))


def _defaults(check: _Checker, base: Path, default_cache_dir: Path | None) -> Defaults:
    check.unknown(_DEFAULT_KEYS)
    edition = check.text("edition", EDITIONS)
    overrides = check.strings("set")
    check.overrides_valid("set", edition, overrides)
    cache = check.typed("cache", bool, True)
    cache_dir = check.path_value("cache_dir", base) or default_cache_dir
    jobs = check.typed("jobs", int, 0)
    if not 0 <= jobs <= 256:
        raise check.fail("jobs", f"defaults.jobs must be 0..256, got {jobs}")
    return Defaults(
        out=check.path_value("out", base) or base / DEFAULT_OUT,
        edition=edition,
        overrides=overrides,
        language=check.text("language", LANGUAGES),
        cache_dir=cache_dir if cache else None,
        jobs=jobs,
        loudness=check.typed("loudness", bool, False),
        fix=check.typed("fix", bool, False),
    )


def _entry(check: _Checker, base: Path, line: int, defaults: Defaults) -> JobEntry:
    check.unknown(_JOB_KEYS)
    job_id = check.text("job_id")
    voice_name = check.text("voice_name")
    batch_name = check.text("batch_name")
    if job_id is None and voice_name is None and batch_name is None:
        raise check.fail(None, f"{check.where} names no job: give job_id, voice_name or batch_name")
    if job_id is not None and (voice_name is not None or batch_name is not None):
        raise check.fail(
            "job_id", f"{check.where}: job_id selects one job; drop voice_name/batch_name"
        )
    corpus = check.path_value("corpus", base)
    if corpus is None:
        raise check.fail(None, f'{check.where} has no corpus folder: corpus = "path"')
    edition = check.text("edition", EDITIONS)
    overrides = check.strings("set")
    check.overrides_valid("set", edition or defaults.edition, defaults.overrides + overrides)
    return JobEntry(
        corpus=corpus,
        line=line,
        job_id=job_id,
        voice_name=voice_name,
        batch_name=batch_name,
        edition=edition,
        overrides=overrides,
        language=check.text("language", LANGUAGES),
    )


# --- remediate init -------------------------------------------------------------------------

EXAMPLE = """\
# remediate.toml: which local corpus belongs to which MetaStudio voice-training job.
# `remediate batch` lists the jobs in AUDIT_FAILED, finds each one here, and runs the
# main job on its corpus into OUT/<job_id>/round-<N>/ (N = the job's reject_times).
# Relative paths are relative to this file's folder.

[defaults]
out = "out/remediate"            # output root: OUT/<job_id>/round-<N>/, OUT/history/, OUT/batch-summary.json
# edition = "basic"              # basic | middle | advance | flexus; omit to take it from each job's type
# set = ["duration.max_s=12"]    # profile overrides, as --set SECTION.KEY=VALUE
# language = "CN"                # CN | EN; omit to take it from each job's language
# cache_dir = "~/.cache/remediate"   # the scan cache, shared by all jobs (default $XDG_CACHE_HOME/remediate)
# cache = false                  # measure every file again on every run
jobs = 0                         # scan worker processes (0 = one per core)
loudness = false                 # also measure integrated loudness (costly)
fix = false                      # also write OUT/<job_id>/round-<N>-fixed/: the fixed corpus
                                 # (renamed for the edition) and package.zip, after each run

# One [[jobs]] entry per job, or per family of jobs.
# An exact job_id wins; otherwise the first entry whose patterns all match.
[[jobs]]
job_id = "0123456789abcdef0123456789abcdef"   # MetaStudio job id (see `remediate jobs`)
corpus = "corpora/first-voice"                # its audio_N.wav / text_N.txt pairs

[[jobs]]
voice_name = "studio-b-*"        # glob on the job's voice_name
# batch_name = "2026-*"          # glob on the job's batch_name (all given must match)
corpus = "corpora/studio-b"
edition = "middle"               # per-job overrides of [defaults]
# set = ["text.max_chars=120"]   # added after the defaults' set
# language = "EN"
"""


def write_example(path: Path) -> Path:
    """``remediate init``: write the commented example; never overwrite an existing file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as fh:
            fh.write(EXAMPLE)
    except FileExistsError:
        raise OutputError(
            f"{path} already exists; not overwritten",
            hint="edit it, or pass --config with another path",
            path=path,
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}", path=path) from None
    return path
