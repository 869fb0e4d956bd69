"""The repository as the tests that read it see it: its root and its files."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def repo_files() -> list[str]:
    """Every file git tracks or would track (new, not ignored), relative to the root."""
    return subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout.split()
