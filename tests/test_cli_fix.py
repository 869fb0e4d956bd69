"""`remediate fix` on the command line: exit codes, dry run, JSON parity, safety."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sample_labels import ids

from remediate import cli, pipeline
from remediate.config import Config
from remediate.fix import command as fixes
from remediate.fix import package


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, sample_dataset: Path) -> Path:
    out = tmp_path_factory.mktemp("clifix") / "run"
    pipeline.run(
        Config(
            corpus=sample_dataset,
            out=out,
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
        )
    )
    return out


def invoke(*args: str) -> object:
    return CliRunner().invoke(cli.cli, ["fix", *args])


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(cli.cli, ["fix", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--rename-for-edition" in result.output


def test_dry_run_writes_nothing_and_matches_the_library(run_dir: Path, tmp_path: Path) -> None:
    before = listing(tmp_path)
    run_before = listing(run_dir)
    result = CliRunner().invoke(
        cli.cli,
        ["fix", "--run-dir", str(run_dir), "--dest", str(tmp_path / "d"), "--dry-run", "--json"],
    )
    assert result.exit_code == 0, result.output
    assert listing(tmp_path) == before and listing(run_dir) == run_before
    doc = json.loads(result.stdout)
    lib = fixes.fix(fixes.FixOptions(run_dir=run_dir, dest=tmp_path / "d", dry_run=True))
    assert [(r["pair_id"], r["action"]) for r in doc["plan"]] == list(
        zip(lib.plan["pair_id"], lib.plan["action"], strict=True)
    )
    assert doc["pairs_to_drop"] == len(ids("drop")) and doc["pairs_to_fix"] == len(ids("fix"))
    assert listing(tmp_path) == before
    # the human plan goes to stderr
    human = CliRunner().invoke(
        cli.cli, ["fix", "--run-dir", str(run_dir), "--dest", str(tmp_path / "d"), "--dry-run"]
    )
    assert human.exit_code == 0 and human.stdout == ""
    assert "trim-silence" in human.stderr and "nothing was written" in human.stderr


def test_full_fix_json_and_fail_on_count(
    run_dir: Path, tmp_path: Path, sample_dataset: Path
) -> None:
    dest = tmp_path / "fixed"
    result = CliRunner().invoke(
        cli.cli,
        [
            "fix",
            "--run-dir",
            str(run_dir),
            "--dest",
            str(dest),
            "--zip",
            "--rename-for-edition",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (
        doc["package"]["sha256"]
        == json.loads((dest / "summary.json").read_text())["package"]["sha256"]
    )
    assert doc["edition"]["pairs_resubmittable"] == len(ids("keep")) + len(ids("fix"))
    middle = tmp_path / "middle-run"  # the same corpus as a MIDDLE job: 100 pairs needed
    pipeline.run(
        Config(
            corpus=sample_dataset,
            out=middle,
            audit_file=sample_dataset / "audit-result.json",
            cache_dir=None,
            edition="middle",
        )
    )
    strict = CliRunner().invoke(
        cli.cli, ["fix", "--run-dir", str(middle), "--dest", str(dest), "--fail-on-count"]
    )
    assert strict.exit_code == 1  # far fewer than 100 pairs; outputs still written
    assert "NOT met" in strict.stderr
    assert (dest / "manifest.csv").is_file() and not (dest / "package.zip").exists()


@pytest.mark.parametrize("missing", ["summary.json", "report.parquet"])
def test_incomplete_run_dir_exits_11(run_dir: Path, tmp_path: Path, missing: str) -> None:
    broken = tmp_path / "run"
    shutil.copytree(run_dir, broken)
    (broken / missing).unlink()
    result = CliRunner().invoke(
        cli.cli, ["fix", "--run-dir", str(broken), "--dest", str(tmp_path / "d")]
    )
    assert result.exit_code == 11
    assert missing in result.stderr
    assert not (tmp_path / "d").exists()


def test_dest_inside_or_equal_to_corpus_exits_11(run_dir: Path, sample_dataset: Path) -> None:
    for dest in (sample_dataset, sample_dataset / "fixed"):
        result = CliRunner().invoke(
            cli.cli, ["fix", "--run-dir", str(run_dir), "--dest", str(dest)]
        )
        assert result.exit_code == 11
        assert "inside the corpus" in result.stderr
    assert not (sample_dataset / "fixed").exists()


def test_foreign_dest_is_never_clobbered(run_dir: Path, tmp_path: Path) -> None:
    dest = tmp_path / "precious"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    result = CliRunner().invoke(cli.cli, ["fix", "--run-dir", str(run_dir), "--dest", str(dest)])
    assert result.exit_code == 11
    assert listing(dest) == ["notes.txt"] and (dest / "notes.txt").read_text() == "mine"


def test_interrupted_fix_leaves_nothing_half_done(
    run_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "fixed"
    first = CliRunner().invoke(cli.cli, ["fix", "--run-dir", str(run_dir), "--dest", str(dest)])
    assert first.exit_code == 0
    before = {p: (dest / p).read_bytes() for p in listing(dest) if (dest / p).is_file()}

    def boom(*args: object, **kwargs: object) -> dict[str, object]:
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "build_zip", boom)
    result = CliRunner().invoke(
        cli.cli, ["fix", "--run-dir", str(run_dir), "--dest", str(dest), "--zip"]
    )
    assert result.exit_code == 130
    after = {p: (dest / p).read_bytes() for p in listing(dest) if (dest / p).is_file()}
    assert after == before  # the earlier result is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixed"]  # no temporary folder left
    fresh = CliRunner().invoke(
        cli.cli, ["fix", "--run-dir", str(run_dir), "--dest", str(tmp_path / "new"), "--zip"]
    )
    assert fresh.exit_code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixed"]
