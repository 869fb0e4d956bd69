"""The README stays true to the code: every check code and exit code is documented."""

from __future__ import annotations

from pathlib import Path

from remediate.checks import CHECKS
from remediate.errors import EXIT_CODES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")


def test_every_check_code_is_in_the_readme() -> None:
    missing = [code for code in CHECKS if f"`{code}`" not in README]
    assert missing == []


def test_every_exit_code_is_in_the_readme() -> None:
    missing = [code for code in EXIT_CODES if f"| {code} |" not in README]
    assert missing == []


def test_readme_gives_the_two_commands_near_the_top() -> None:
    top = README[:1500]
    assert "make demo" in top and "make test" in top
