"""`--out` holds exactly one run's files (issue 8.4): one writer at a time (exit 6), never a
folder remediate did not make, files of earlier runs removed, and a run killed between
its final renames is rolled forward by the next one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from wavs import clean_clip, write

from remediate import publish
from remediate.cli import cli
from remediate.errors import OutputError

SENTENCE = "This clip is here to be published as one set.\n"
AUDIT = {"system_audit_result": {"errors": [{"audio_name": "audio_0.wav", "error_code": "X"}]}}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for i in range(2):
        write(root / f"audio_{i}.wav", clean_clip(5.5, seed=i))
        (root / f"text_{i}.txt").write_text(SENTENCE)
    return root


def _visible(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--no-cache", "--jobs", "1"])
    return result.exit_code, result.stderr


def test_scan_after_run_and_run_after_fetch_leave_only_their_own_files(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps(AUDIT))
    code, err = _cli("run", "--audit-file", str(audit), "--corpus", str(corpus), "--out", str(out))
    assert code == 0, err
    assert "audit-result.json" in _visible(out)
    # Files an earlier fetch or run --job-id left (job.json, op-logs.json, attachments/...).
    (out / "job.json").write_text("{}")
    (out / "op-logs.json").write_text("{}")
    (out / "tenant-duration-cfg.json").write_text("{}")
    (out / "attachments").mkdir()
    (out / "attachments" / "review.pdf").write_bytes(b"%PDF")
    code, err = _cli("scan", "--corpus", str(corpus), "--out", str(out))
    assert code == 0, err
    assert _visible(out) == sorted(
        [
            "findings.parquet",
            "manifest.csv",
            "measurements.parquet",
            "report.parquet",
            "rerecord.csv",
            "summary.json",
        ]
    )
    assert (
        not list(out.glob(".remediate-staging-*")) and not (out / ".remediate-publishing").exists()
    )


def test_foreign_non_empty_folder_is_refused_untouched(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"years of work")
    code, err = _cli("scan", "--corpus", str(corpus), "--out", str(out))
    assert code == 6
    assert err.startswith("Error: output folder") and "not made by remediate" in err
    assert sorted(p.name for p in out.iterdir()) == ["thesis.docx"]


def test_second_run_into_a_held_folder_exits_6(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with publish.output_folder(out, "remediate run"):
        code, err = _cli("scan", "--corpus", str(corpus), "--out", str(out))
        assert code == 6
        assert "another remediate run" in err and f"pid {os.getpid()}" in err
    code, err = _cli("scan", "--corpus", str(corpus), "--out", str(out))
    assert code == 0, err  # released: the next run goes ahead


def test_lock_of_a_killed_run_is_taken_over(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time, sys; from pathlib import Path\n"
            "from remediate.publish import output_folder\n"
            f"with output_folder(Path({str(out)!r}), 'remediate run'):\n"
            "    print('held', flush=True); time.sleep(600)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    with holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=60)
        holder.stdout.close()
    code, err = _cli("scan", "--corpus", str(corpus), "--out", str(out))
    assert code == 0, err


def test_publish_killed_between_renames_is_rolled_forward(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    audit = tmp_path / "audit.json"
    audit.write_text(json.dumps(AUDIT))
    assert _cli("scan", "--corpus", str(corpus), "--out", str(out))[0] == 0
    old_report = (out / "report.parquet").read_bytes()
    renames: list[str] = []
    real_replace = os.replace

    def dies_after_two(src: str, dst: str) -> None:
        if Path(dst).parent == out:  # a rename into place (not a write into staging)
            if len(renames) == 2:
                raise KeyboardInterrupt  # stands for kill -9 half-way through the renames
            renames.append(str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(publish.os, "replace", dies_after_two)
    result = CliRunner().invoke(
        cli, ["run", "--audit-file", str(audit), "--corpus", str(corpus), "--out", str(out)]
    )
    assert result.exit_code == 130
    monkeypatch.setattr(publish.os, "replace", real_replace)
    # Half-published: the old summary is gone, so nobody takes the mix for a complete run.
    assert not (out / "summary.json").exists() and (out / ".remediate-publishing").is_dir()
    with publish.output_folder(out, "remediate run"):
        pass  # the next run rolls the committed set forward before it starts
    assert "audit-result.json" in _visible(out) and (out / "summary.json").is_file()
    assert (out / "report.parquet").read_bytes() != old_report
    summary = json.loads((out / "summary.json").read_text())
    assert summary["audit_entries"] == 1  # the summary of the run whose files are there


def test_staging_errors_name_out_not_the_hidden_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stage = publish.staging(out)
    stage.rmdir()  # the set cannot be committed
    with pytest.raises(OutputError) as info:
        publish.publish(stage, out)
    assert str(info.value).startswith(f"cannot write into {out}:")
    assert ".remediate-staging" not in str(info.value)


def test_concurrent_runs_never_mix(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = [sys.executable, "-m", "remediate", "scan", "--corpus", str(corpus), "--no-cache"]
    procs = [
        subprocess.Popen(
            [*args, "--out", str(out), "--jobs", "1"], stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    codes = []
    for p in procs:
        _, err = p.communicate(timeout=300)
        codes.append(p.returncode)
        assert p.returncode in (0, 6), err
        assert "Traceback" not in err
    assert 0 in codes
    summary = json.loads((out / "summary.json").read_text())
    assert summary["outputs"]["report"] == str(out / "report.parquet")
    assert not (out / ".remediate.lock").exists()
