"""An unexpected internal error never shows a traceback (issue 8.9): one ``Error:`` line,
exit 70 (not 1, which --fail-on uses), the traceback in a log file without secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from wavs import clean_clip, write

from remediate import pipeline
from remediate.cli import cli
from remediate.errors import EXIT_CODES, EXIT_INTERNAL

AK = "AKCRASHTEST0123456789"


def test_internal_error_is_one_line_exit_70_and_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "corpus"
    write(root / "audio_0.wav", clean_clip(5.5))
    (root / "text_0.txt").write_text("One sentence.\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError(f"float division by zero near {AK}\x1b]0;title\x07")

    monkeypatch.setattr(pipeline, "decide", broken)
    result = CliRunner().invoke(
        cli,
        ["scan", "--corpus", str(root), "--out", str(tmp_path / "out"), "--no-cache"],
        env={"HUAWEICLOUD_SDK_AK": AK},
    )

    assert result.exit_code == EXIT_INTERNAL == 70 and EXIT_INTERNAL in EXIT_CODES
    lines = result.stderr.strip().splitlines()
    assert len([line for line in lines if line.startswith("Error:")]) == 1
    error = lines[-1]
    assert error.startswith("Error: internal error (ZeroDivisionError: float division by zero")
    assert "Traceback" not in result.stderr and AK not in result.stderr and "\x1b" not in error
    match = re.search(r"the traceback is in (\S+\.log)", error)
    assert match is not None
    log = Path(match.group(1)).read_text()
    assert "Traceback (most recent call last)" in log and "ZeroDivisionError" in log
    assert AK not in log and "***" in log
