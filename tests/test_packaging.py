"""Packaging and start-up: the README's generated tables, docs in the repo, light imports,
a licence, and constraints that pin every dependency (pyproject.toml, Makefile)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from repo import ROOT, repo_files

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_readme_tables_are_generated_from_the_code() -> None:
    """`make readme` (cog) leaves the README unchanged: no table has drifted from the code."""
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cog_check_fails_when_a_table_drifts(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    drifted = readme.replace("| `remediate fetch` |", "| `remediate fetch-old` |", 1)
    assert drifted != readme
    (tmp_path / "README.md").write_text(drifted, "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", str(tmp_path / "README.md")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode != 0


def test_help_and_checks_do_not_load_pandas_or_pyarrow() -> None:
    """`remediate --help`, `remediate checks` and every command's --help stay fast (< 0.3 s
    on a quiet machine): measured by what they import, not by a clock."""
    loaded = _run_python(
        "import contextlib, io, sys\n"
        "from remediate.cli import cli\n"
        "argvs = [['--help'], ['checks'], ['checks', '--json']]\n"
        "argvs += [[name, '--help'] for name in cli.commands]\n"
        "for argv in argvs:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            cli(argv, prog_name='remediate')\n"
        "        except SystemExit as exc:\n"
        "            assert exc.code in (0, None), (argv, exc.code)\n"
        "heavy = ('pandas', 'pyarrow', 'numpy', 'httpx', 'scipy', 'matplotlib', 'soundfile')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    assert loaded == "[]"


def test_the_metastudio_package_never_imports_pandas_or_pyarrow() -> None:
    """Every module of remediate.metastudio, however the client is split, stays light."""
    loaded = _run_python(
        "import importlib, pkgutil, sys\n"
        "import remediate.metastudio as pkg\n"
        "names = [m.name for m in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + '.')]\n"
        "assert len(names) >= 8, names\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in ('pandas', 'pyarrow') if m in sys.modules))\n"
    )
    assert loaded == "[]"


def test_no_file_cites_the_sessions_shared_folder() -> None:
    """Facts the code relies on live in docs/, cited as docs/...; nothing points outside."""
    files = repo_files()
    # Spelled in two parts so this file does not cite the folder it forbids.
    folder = "shared" + "/"
    pattern = re.compile(rf"(?<![\w-]){folder}reference|\.\./{folder}")
    offenders = [
        name
        for name in files
        if (ROOT / name).is_file()
        and pattern.search((ROOT / name).read_bytes().decode("utf-8", "replace"))
    ]
    assert offenders == []


def test_licence_is_the_apache_text_pyproject_declares() -> None:
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def _names(requirements: list[object]) -> set[str]:
    out = set()
    for req in requirements:
        if isinstance(req, str):
            name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
            assert name is not None, req
            out.add(re.sub(r"[-_.]+", "-", name.group(0)).lower())
    return out


def test_constraints_pin_every_dependency() -> None:
    """CI installs the versions tested: every requirement in pyproject.toml is pinned in
    constraints.txt (`make constraints` regenerates it after a dependency changes)."""
    project = PYPROJECT["project"]
    wanted = _names(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted |= _names(extra)
    for group in PYPROJECT["dependency-groups"].values():
        wanted |= _names(group)
    pinned = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not pinned: {line}"
            pinned[re.sub(r"[-_.]+", "-", name).lower()] = version
    assert sorted(wanted - set(pinned)) == []


def test_dev_tools_are_a_dependency_group_not_a_published_extra() -> None:
    assert "dev" not in PYPROJECT["project"].get("optional-dependencies", {})
    dev = PYPROJECT["dependency-groups"]["dev"]
    assert {"include-group": "notebook"} in dev
    assert {"pytest", "cogapp", "import-linter", "mutmut"} <= _names(dev)
    # loudness.py imports scipy.signal itself: it is declared where pyloudnorm is
    assert "scipy" in _names(PYPROJECT["project"]["optional-dependencies"]["loudness"])
