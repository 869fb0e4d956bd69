"""The command line through click's runner: exit codes, streams, help (remediate.cli)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from sample_labels import LABELS, ids

from remediate import __version__, pipeline
from remediate.checks import CHECKS
from remediate.cli import cli
from remediate.config import Config
from remediate.errors import EXIT_CODES
from remediate.profiles import profile_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_dataset"
AUDIT = SAMPLE / "audit-result.json"


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def run_args(out: Path, *extra: str | Path) -> list[str | Path]:
    return ["run", "--audit-file", AUDIT, "--corpus", SAMPLE, "--out", out, "--no-cache", *extra]


def assert_clean_error(result: Result, code: int) -> None:
    """One ``Error:`` line on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def happy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("cli") / "out"
    return invoke(*run_args(out)), out


@pytest.fixture(scope="module")
def as_json(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("cli-json") / "out"
    return invoke(*run_args(out, "--json")), out


# --- run ---------------------------------------------------------------------------


def test_run_exits_0_with_the_table_on_stderr_only(happy: tuple[Result, Path]) -> None:
    result, out = happy

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"keep       {len(ids('keep'))}\n" in result.stderr
    assert "unmatched  4" in result.stderr
    assert "9 audit entries (9 accounted for)" in result.stderr
    assert (out / "summary.json").is_file()


def test_run_json_is_one_document_equal_to_summary_json(as_json: tuple[Result, Path]) -> None:
    result, out = as_json

    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)  # one document: json.loads rejects trailing data
    assert result.stdout.count("\n") == 1
    assert doc == json.loads((out / "summary.json").read_text("utf-8"))
    assert doc["verdicts"] == {
        "keep": len(ids("keep")),
        "fix": len(ids("fix")),
        "drop": len(ids("drop")),
        "unmatched": 4,
    }


def test_run_json_matches_the_library_result(as_json: tuple[Result, Path], tmp_path: Path) -> None:
    result, _ = as_json
    lib = pipeline.run(
        Config(corpus=SAMPLE, out=tmp_path / "lib", audit_file=AUDIT, cache_dir=None)
    ).summary

    cli_doc = json.loads(result.stdout)

    varying = {"created_at", "outputs", "scan"}
    assert {k: v for k, v in cli_doc.items() if k not in varying} == {
        k: v for k, v in lib.items() if k not in varying
    }


@pytest.mark.parametrize(("fail_on", "code"), [("never", 0), ("drop", 1), ("fix", 1)])
def test_fail_on(tmp_path: Path, fail_on: str, code: int) -> None:
    result = invoke(*run_args(tmp_path / "out", "--fail-on", fail_on))

    assert result.exit_code == code
    assert (tmp_path / "out" / "summary.json").is_file()


def test_run_with_edition_middle(tmp_path: Path) -> None:
    result = invoke(*run_args(tmp_path / "out", "--edition", "middle", "--json"))

    assert result.exit_code == 0, result.stderr
    edition = json.loads(result.stdout)["edition"]
    assert (edition["name"], edition["pairs_required"], edition["minimum_met"]) == (
        "middle",
        100,
        False,
    )


# --- errors -------------------------------------------------------------------------


def test_malformed_audit_json_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "audit.json"
    bad.write_text('{"system_audit_result": {', encoding="utf-8")

    result = invoke("run", "--audit-file", bad, "--corpus", SAMPLE, "--out", tmp_path / "out")

    assert_clean_error(result, 4)
    assert "not valid JSON (line 1" in result.stderr
    assert not (tmp_path / "out").exists()


def test_wrong_shape_audit_exits_4(tmp_path: Path) -> None:
    bad = tmp_path / "audit.json"
    bad.write_text('{"error_code": "MSS.1", "error_msg": "no such job"}', encoding="utf-8")

    result = invoke("run", "--audit-file", bad, "--corpus", SAMPLE, "--out", tmp_path / "out")

    assert_clean_error(result, 4)
    assert "API error response" in result.stderr


def test_missing_audit_file_exits_4(tmp_path: Path) -> None:
    result = invoke(
        "run", "--audit-file", tmp_path / "nope.json", "--corpus", SAMPLE, "--out", tmp_path / "o"
    )

    assert_clean_error(result, 4)


def test_missing_corpus_exits_5(tmp_path: Path) -> None:
    result = invoke(
        "run", "--audit-file", AUDIT, "--corpus", tmp_path / "nope", "--out", tmp_path / "out"
    )

    assert_clean_error(result, 5)
    assert "corpus folder not found" in result.stderr


def test_unwritable_out_exits_6(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")

    result = invoke(*run_args(tmp_path / "file.txt" / "out"))

    assert_clean_error(result, 6)


def test_out_inside_corpus_exits_3(sample_copy: Path) -> None:
    before = sorted(p.name for p in sample_copy.rglob("*"))

    result = invoke(
        "run",
        "--audit-file",
        sample_copy / "audit-result.json",
        "--corpus",
        sample_copy,
        "--out",
        sample_copy / "out",
    )

    assert_clean_error(result, 3)
    assert sorted(p.name for p in sample_copy.rglob("*")) == before


@pytest.mark.parametrize("override", ["nosuch.key=1", "duration.max_s=abc", "no-equals-sign"])
def test_bad_set_exits_3(tmp_path: Path, override: str) -> None:
    result = invoke(*run_args(tmp_path / "out", "--set", override))

    assert_clean_error(result, 3)


def test_missing_audit_file_option_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("run", "--corpus", SAMPLE, "--out", tmp_path / "out")

    assert result.exit_code == 2
    assert "--audit-file" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["run", "--audit-file", str(AUDIT)],
        ["scan", "--corpus", str(SAMPLE)],
        ["scan", "--corpus", str(SAMPLE), "--out", "o", "--edition", "gold"],
        ["nosuchcommand"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


# --- scan ----------------------------------------------------------------------------


def test_scan_works_without_an_audit(tmp_path: Path) -> None:
    result = invoke("scan", "--corpus", SAMPLE, "--out", tmp_path / "out", "--no-cache", "--json")

    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["audit_entries"] == 0
    assert doc["pairs"] == len(LABELS)
    assert not (tmp_path / "out" / "audit-result.json").exists()
    assert (tmp_path / "out" / "report.parquet").is_file()


# --- help, listing, version ---------------------------------------------------------


def walk(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from walk(command, (*path, name))
        else:
            yield (*path, name)


ALL_COMMANDS = list(walk(cli))


def test_the_contract_commands_exist() -> None:
    assert {("run",), ("scan",)} <= set(ALL_COMMANDS)


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "remediate")
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")

    assert result.exit_code == 0
    assert "Usage:" in result.stdout
    assert "Example:" in result.stdout
    example = result.stdout.split("Example:", 1)[1].split("\nOptions:", 1)[0]
    lines = [line.strip() for line in example.splitlines() if line.strip()]
    assert lines
    # Each example command on a line of its own, not rewrapped by click (copy-pastable).
    for line in lines:
        if not line.startswith("#"):
            assert line.startswith("remediate ") and line.count("remediate ") == 1, line


def test_top_level_help_lists_exit_codes_one_per_line() -> None:
    result = invoke("--help")

    lines = [line.strip() for line in result.stdout.splitlines()]
    for code, text in EXIT_CODES.items():
        assert f"{code}  {text}" in lines


def test_checks_lists_every_code() -> None:
    result = invoke("checks")

    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert set(CHECKS) <= listed


def test_checks_json_lists_every_code() -> None:
    result = invoke("checks", "--json")

    assert [c["code"] for c in json.loads(result.stdout)] == list(CHECKS)


def test_profile_middle_prints_the_toml() -> None:
    result = invoke("profile", "middle")

    assert result.exit_code == 0
    assert result.stdout == profile_text("middle")


def test_profile_unknown_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["profile", "gold"])

    assert result.exit_code == 2


def test_version() -> None:
    result = invoke("--version")

    assert result.exit_code == 0
    assert result.stdout.strip() == f"remediate, version {__version__}"


def test_python_dash_m_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "remediate", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert proc.returncode == 0, proc.stderr
    assert "Usage: remediate" in proc.stdout
    assert "run" in proc.stdout and "scan" in proc.stdout


# --- run --fix: one command from the audit failure to the package -----------------------------


def test_run_fix_writes_the_fixed_corpus_and_package_beside_out(tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "job"
    result = invoke(*run_args(out, "--fix", "--json", "--fail-on", "drop"))
    assert result.exit_code == 1  # --fail-on still judges the run's verdicts
    doc = json.loads(result.stdout)
    fixed = tmp_path / "job-fixed"
    assert doc["fix"]["dest"] == str(fixed)
    assert doc["fix"]["rename_for_edition"] is True
    resubmit = len(ids("keep")) + len(ids("fix"))
    assert doc["fix"]["verdicts"]["keep"] + doc["fix"]["verdicts"]["fix"] <= resubmit
    names = zipfile.ZipFile(fixed / "package.zip").namelist()
    written = doc["fix"]["verdicts"]["keep"] + doc["fix"]["verdicts"]["fix"]
    assert sorted(names) == sorted(f"{i}.{ext}" for i in range(written) for ext in ("wav", "txt"))
    assert {k: v for k, v in doc.items() if k != "fix"} == json.loads(
        (out / "summary.json").read_text(encoding="utf-8")
    )
    text = invoke(*run_args(tmp_path / "again", "--fix"))
    assert text.exit_code == 0
    assert "Fix (" in text.stderr and "package.zip" in text.stderr
    assert "Next: remediate fix" not in text.stderr  # already done
