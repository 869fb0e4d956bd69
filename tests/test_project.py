"""The project file remediate.toml: loading, validation with line numbers, matching (remediate.project)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from remediate.errors import ConfigError, OutputError
from remediate.metastudio.models import TrainingJob
from remediate.project import EXAMPLE, load_project, write_example


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "remediate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_project(path)
    assert info.value.exit_code == 3
    return info.value


GOOD = """\
[defaults]
out = "results"
set = ["duration.max_s=12"]
cache = false

[[jobs]]
job_id = "abc"
corpus = "corpora/abc"

[[jobs]]
voice_name = "anna-*"
corpus = "/data/anna"
edition = "middle"
set = ["level.clip_error_run=5"]
language = "en"

[[jobs]]
batch_name = "2026-*"
voice_name = "*"
corpus = "batch"
"""


def test_loads_defaults_and_entries_with_paths_relative_to_the_file(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, GOOD))
    d = project.defaults
    assert d.out == tmp_path / "results"
    assert d.overrides == ("duration.max_s=12",)
    assert d.cache_dir is None  # cache = false
    assert d.edition is None and d.language is None
    first, second, third = project.entries
    assert (first.job_id, first.corpus, first.line) == ("abc", tmp_path / "corpora/abc", 6)
    assert (second.voice_name, second.corpus, second.edition) == (
        "anna-*",
        Path("/data/anna"),
        "middle",
    )
    assert second.language == "EN"
    assert (third.batch_name, third.corpus) == ("2026-*", tmp_path / "batch")


def test_default_cache_dir_and_out(tmp_path: Path) -> None:
    path = write(tmp_path, '[[jobs]]\njob_id = "x"\ncorpus = "c"\n')
    project = load_project(path, default_cache_dir=tmp_path / "cache")
    assert project.defaults.out == tmp_path / "out/remediate"
    assert project.defaults.cache_dir == tmp_path / "cache"


def test_matching_exact_id_first_then_patterns_in_order(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, GOOD))
    abc = TrainingJob(job_id="abc", voice_name="anna-1")
    assert project.match(abc) is project.entries[0]  # the id entry, though a pattern matches too
    anna = TrainingJob(job_id="zzz", voice_name="anna-2", batch_name="2026-01")
    assert project.match(anna) is project.entries[1]  # first pattern entry in file order
    batch = TrainingJob(job_id="q", voice_name="bob", batch_name="2026-02")
    assert project.match(batch) is project.entries[2]
    assert project.match(TrainingJob(job_id="q", voice_name="bob", batch_name=None)) is None
    assert project.match(TrainingJob(job_id="q", voice_name="Anna-1")) is None  # case-sensitive


def test_settings_entry_over_defaults_over_job(tmp_path: Path) -> None:
    project = load_project(write(tmp_path, GOOD))
    job = TrainingJob(job_id="abc", job_type="MIDDLE", language="cn")
    s = project.settings(project.entries[0], job)
    assert (s.edition, s.language, s.overrides) == ("middle", "CN", ("duration.max_s=12",))
    anna = TrainingJob(job_id="z", job_type="BASIC", language="CN", voice_name="anna-1")
    s = project.settings(project.entries[1], anna)
    assert (s.edition, s.language) == ("middle", "EN")
    assert s.overrides == ("duration.max_s=12", "level.clip_error_run=5")
    odd = TrainingJob(job_id="abc", job_type=None, language="FR")
    s = project.settings(project.entries[0], odd)
    assert (s.edition, s.language) == ("basic", None)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[defaults]\nout = "o"\nedtion = "basic"\n', 3, "unknown key 'edtion'"),
        ('[defaults]\nedition = "premium"\n', 2, "'premium' is not one of"),
        ('[defaults]\nset = ["duration.nope=1"]\n', 2, "no setting 'duration.nope'"),
        ('[defaults]\njobs = "two"\n', 2, "defaults.jobs must be int"),
        ("[defaults]\njobs = 999\n", 2, "0..256"),
        ('[defaults]\nloudness = "yes"\n', 2, "must be bool"),
        ('[[jobs]]\ncorpus = "c"\n', 1, "names no job"),
        ('[[jobs]]\njob_id = "a"\n', 1, "has no corpus"),
        (
            '\n[[jobs]]\njob_id = "a"\nvoice_name = "v*"\ncorpus = "c"\n',
            3,
            "job_id selects one job",
        ),
        (
            '[[jobs]]\njob_id = "a"\ncorpus = "c"\n\n[[jobs]]\njob_id = "a"\ncorpus = "d"\n',
            6,
            "already mapped on line 2",
        ),
        ('[[jobs]]\njob_id = "a"\ncorpus = "c"\nset = [\n  "x",\n]\n', 4, "not of the form"),
        ('[[jobs]]\njob_id = "a"\ncorpus = 5\n', 3, "corpus must be a non-empty string"),
        ('[[jobs]]\njob_id = "a"\ncorpus = "c"\nlanguage = "FR"\n', 4, "'FR' is not one of"),
        ('[defaults]\nout = "o"\n[extra]\nx = 1\n', 3, "unknown key 'extra'"),
        ("jobs = 3\n", 1, "array of tables"),
    ],
)
def test_semantic_errors_name_the_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, text)
    err = error_of(path)
    assert str(err).startswith(f"{path}:{line}: "), str(err)
    assert words in str(err)


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[defaults]\nout = "o"\nedition = basic\n')
    err = error_of(path)
    assert str(err).startswith(f"{path}:3:11: not valid TOML: Invalid value")


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    err = error_of(tmp_path / "nope.toml")
    assert "no project file" in str(err) and "remediate init" in str(err)


def test_example_is_valid_and_matches_itself(tmp_path: Path) -> None:
    path = write_example(tmp_path / "sub" / "remediate.toml")
    assert path.read_text(encoding="utf-8") == EXAMPLE
    project = load_project(path)
    assert len(project.entries) == 2
    assert project.match(TrainingJob(job_id="x", voice_name="studio-b-7")) is project.entries[1]
    # every commented-out line is valid too once uncommented
    setting = re.compile(r"^# ([a-z_]+ = .*)$")
    uncommented = "\n".join(setting.sub(r"\1", line) for line in EXAMPLE.splitlines())
    assert uncommented.count("\n# ") < EXAMPLE.count("\n# ") - 5
    data = tomllib.loads(uncommented)
    assert data["defaults"]["edition"] == "basic"
    assert load_project(write(tmp_path, uncommented)).defaults.cache_dir is None


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    path = write(tmp_path, "# mine\n")
    with pytest.raises(OutputError, match="already exists"):
        write_example(path)
    assert path.read_text(encoding="utf-8") == "# mine\n"
