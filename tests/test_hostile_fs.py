"""Hostile file systems and files (issue 8.3, 8.5, 8.10): links out of the corpus, FIFOs,
devices, huge transcripts and WAVs without samples each become a finding on their pair;
nothing blocks, nothing outside the corpus is read, copied or zipped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from wavs import clean_clip, write

from remediate import columns as C
from remediate import pipeline
from remediate.config import Config
from remediate.texts import TEXT_MAX_BYTES

SENTENCE = "A sentence that belongs to its clip and nothing else.\n"
SECRET = "root:x:0:0:SECRET-OUTSIDE-THE-CORPUS\n"
#: A hang is anything past this (a FIFO blocks forever); the runs take a few seconds.
HANG_S = 120


def _pair(root: Path, i: int, seed: int | None = None) -> None:
    write(root / f"audio_{i}.wav", clean_clip(5.5, seed=i if seed is None else seed))
    (root / f"text_{i}.txt").write_text(SENTENCE.replace("clip", f"clip {i}"))


def _findings(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "findings.parquet")


def _codes(findings: pd.DataFrame, pid: str) -> set[str]:
    return set(findings.loc[findings[C.PAIR_ID] == pid, C.CHECK])


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    scan_opts = ["--no-cache", "--jobs", "1"] if args[0] in ("run", "scan") else []
    return subprocess.run(
        [sys.executable, "-m", "remediate", *args, *scan_opts],
        capture_output=True,
        text=True,
        timeout=HANG_S,
    )


def test_links_outside_the_corpus_are_findings_never_read_nor_copied(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text(SECRET)
    write(outside / "valid.wav", clean_clip(5.5, seed=40))
    (outside / "valid.txt").write_text("SECRET-OUTSIDE-THE-CORPUS valid sentence.\n")
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(3):
        _pair(root, i)
    (root / "text_0.txt").unlink()
    (root / "text_0.txt").symlink_to(outside / "passwd")  # text_1.txt -> /etc/passwd
    (root / "audio_1.wav").unlink()
    (root / "audio_1.wav").symlink_to(outside / "valid.wav")  # a valid file, but outside
    (root / "sub").mkdir()
    (root / "sub" / "audio_3.wav").symlink_to(outside / "valid.wav")  # a whole pair outside
    (root / "sub" / "text_3.txt").symlink_to(outside / "valid.txt")
    (root / "audio_2.wav").rename(root / "real_2.wav")
    (root / "audio_2.wav").symlink_to(root / "real_2.wav")  # inside the corpus: fine
    out, dest = tmp_path / "out", tmp_path / "fixed"

    done = _run("scan", "--corpus", str(root), "--out", str(out))
    assert done.returncode == 0, done.stderr
    findings = _findings(out)
    for pid in ("0", "1"):
        hit = findings[(findings[C.PAIR_ID] == pid) & (findings[C.CHECK] == "corpus-link-outside")]
        assert len(hit) == 1 and hit.iloc[0][C.SEVERITY] == "error", pid
    job = findings[findings[C.CHECK] == "corpus-link-outside"]
    assert job[C.PAIR_ID].isna().sum() == 2  # the pair whose two files are both outside
    assert "corpus-link-outside" not in _codes(findings, "2")
    report = pd.read_parquet(out / "report.parquet").set_index(C.PAIR_ID)
    assert report.loc[["0", "1"], C.VERDICT].tolist() == ["drop", "drop"]
    assert report.loc["2", C.VERDICT] == "keep"
    done = _run("fix", "--run-dir", str(out), "--dest", str(dest), "--zip")
    assert done.returncode == 0, done.stderr
    written = b"".join(p.read_bytes() for p in [*out.rglob("*"), *dest.rglob("*")] if p.is_file())
    assert b"SECRET-OUTSIDE-THE-CORPUS" not in written
    with zipfile.ZipFile(dest / "package.zip") as zf:
        assert sorted(zf.namelist()) == ["audio_2.wav", "text_2.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_devices_and_huge_transcripts_are_findings_not_hangs(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(5):
        _pair(root, i)
    for name in ("audio_1.wav", "text_2.txt"):
        (root / name).unlink()
        os.mkfifo(root / name)  # nobody ever writes: a plain open() blocks forever
    (root / "text_3.txt").unlink()
    (root / "text_3.txt").symlink_to("/dev/zero")  # never ends (and leads outside)
    (root / "text_4.txt").write_bytes(b"word " * (TEXT_MAX_BYTES // 5 + 1))
    out = tmp_path / "out"

    done = _run("scan", "--corpus", str(root), "--out", str(out))

    assert done.returncode == 0, done.stderr
    findings = _findings(out)
    unreadable = findings[findings[C.CHECK].isin(["audio-unreadable", "text-unreadable"])]
    messages = dict(zip(unreadable[C.PAIR_ID], unreadable[C.MESSAGE], strict=True))
    assert "not a regular file (a FIFO)" in messages["1"]
    assert "not a regular file (a FIFO)" in messages["2"]
    assert "corpus-link-outside" in _codes(findings, "3")
    big = findings[findings[C.CHECK] == "text-too-large"]
    assert big[C.PAIR_ID].tolist() == ["4"] and big.iloc[0][C.SEVERITY] == "error"
    assert _codes(findings, "4") & {"text-unreadable", "text-too-long"} == set()
    measurements = pd.read_parquet(out / "measurements.parquet").set_index(C.PAIR_ID)
    assert pd.isna(measurements.loc["4", C.TEXT])  # never decoded
    report = pd.read_parquet(out / "report.parquet").set_index(C.PAIR_ID)
    assert report.loc[["1", "2", "3", "4"], C.VERDICT].tolist() == ["drop"] * 4
    assert report.loc["0", C.VERDICT] == "keep"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder"])
def test_audit_file_that_is_not_a_regular_file_exits_4(tmp_path: Path, kind: str) -> None:
    root = tmp_path / "corpus"
    _pair(root, 0)
    audit = tmp_path / "audit.json"
    if kind == "fifo":
        os.mkfifo(audit)
    elif kind == "dev-zero":
        audit.symlink_to("/dev/zero")
    else:
        audit.mkdir()
    done = _run(
        "run", "--audit-file", str(audit), "--corpus", str(root), "--out", str(tmp_path / "o")
    )
    assert done.returncode in (2, 4), done.stderr  # click refuses a folder itself (usage)
    assert done.stderr.startswith(("Error: ", "Usage: ")) and "Traceback" not in done.stderr
    if kind != "folder":
        assert done.returncode == 4 and "not a regular file" in done.stderr


def test_oversized_audit_file_exits_4_without_reading_it_all(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    _pair(root, 0)
    audit = tmp_path / "audit.json"
    with audit.open("wb") as fh:  # sparse: huge on paper, no disk used
        fh.truncate(4 << 30)
    done = _run(
        "run", "--audit-file", str(audit), "--corpus", str(root), "--out", str(tmp_path / "o")
    )
    assert done.returncode == 4 and "bytes, over the" in done.stderr, done.stderr


def test_wav_without_samples_is_audio_empty_never_kept(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    _pair(root, 0)
    for i in (1, 2):  # two header-only WAVs: 0 data bytes, duration 0, the same sha256
        write(root / f"audio_{i}.wav", np.zeros(0, dtype=np.int16))
        (root / f"text_{i}.txt").write_text(SENTENCE + str(i))
    result = pipeline.scan(Config(corpus=root, out=tmp_path / "out", cache_dir=None, jobs=1))
    findings = result.findings
    for pid in ("1", "2"):
        row = findings[(findings[C.PAIR_ID] == pid) & (findings[C.CHECK] == "audio-empty")]
        assert len(row) == 1 and row.iloc[0][C.SEVERITY] == "error"
    verdicts = dict(zip(result.report[C.PAIR_ID], result.report[C.VERDICT], strict=True))
    assert verdicts == {"0": "keep", "1": "drop", "2": "drop"}
    manifest = (tmp_path / "out" / "manifest.csv").read_text()
    assert "audio_1.wav" not in manifest and "audio_2.wav" not in manifest
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["verdicts"]["drop"] == 2


def test_empty_corpus_and_one_of_only_other_files_exit_5(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "notes.md").write_text("no pairs here")
    for cmd in (["scan"], ["run", "--audit-file", str(tmp_path / "a.json")]):
        (tmp_path / "a.json").write_text('{"system_audit_result": {"errors": []}}')
        done = _run(*cmd, "--corpus", str(root), "--out", str(tmp_path / "out"))
        assert done.returncode == 5, done.stderr
        assert done.stderr.startswith("Error: no audio or text files in the corpus")


def test_mp3_beside_its_transcript_pairs_and_gets_audio_container(tmp_path: Path) -> None:
    import soundfile as sf

    root = tmp_path / "corpus"
    root.mkdir()
    _pair(root, 0)
    try:
        sf.write(root / "audio_1.mp3", clean_clip(5.5, seed=1), 48000, format="MP3")
    except (sf.LibsndfileError, TypeError, ValueError):
        (root / "audio_1.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(3000))
    (root / "text_1.txt").write_text(SENTENCE)
    (root / "audio_2.mp3").write_bytes((root / "audio_0.wav").read_bytes())  # a WAV named .mp3
    (root / "text_2.txt").write_text(SENTENCE + "2")
    done = _run("scan", "--corpus", str(root), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "libmpg123" not in done.stderr and "Warning" not in done.stderr
    findings = _findings(tmp_path / "out")
    assert _codes(findings, "1") == {"audio-container"}
    assert "audio-container" in _codes(findings, "2") and "text-missing" not in _codes(
        findings, "2"
    )
    report = pd.read_parquet(tmp_path / "out" / "report.parquet").set_index(C.PAIR_ID)
    assert report.loc[["0", "1", "2"], C.VERDICT].tolist() == ["keep", "drop", "drop"]


def test_audit_that_matches_no_corpus_file_is_a_job_level_error(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    _pair(root, 0)
    audit = tmp_path / "audit.json"
    errors = [{"audio_name": f"audio_{i}.wav", "error_code": "MSS.X"} for i in (7, 8)]
    audit.write_text(json.dumps({"system_audit_result": {"errors": errors}}))
    done = _run(
        "run", "--audit-file", str(audit), "--corpus", str(root), "--out", str(tmp_path / "o")
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stderr.rstrip()
        .splitlines()[-1]
        .startswith(
            "Warning: none of the 2 audit entries that name a file matches a file of this corpus"
        )
    )
    findings = _findings(tmp_path / "o")
    row = findings[findings[C.CHECK] == "audit-matches-nothing"]
    assert len(row) == 1 and row.iloc[0][C.SEVERITY] == "error" and pd.isna(row.iloc[0][C.PAIR_ID])


@pytest.mark.parametrize(
    ("rate", "code"), [(1, "audio-samplerate-low"), (0xFFFFFFFF, "audio-unreadable")]
)
def test_absurd_sample_rates_are_findings_with_bounded_memory(
    tmp_path: Path, rate: int, code: str
) -> None:
    import struct

    from remediate.audio.probe import probe

    clip = write(tmp_path / "x.wav", clean_clip(1.0)).read_bytes()
    header = bytearray(clip)
    header[24:28] = struct.pack("<I", rate)  # the fmt chunk's sample rate
    path = tmp_path / "audio_0.wav"
    path.write_bytes(bytes(header))
    facts = probe(path)  # 4 GHz asked the voice buffer for 320 GiB; 1 Hz one float per sample
    assert facts.samplerate == rate and facts.samples_fingerprint is None
    root = tmp_path / "corpus"
    root.mkdir()
    path.rename(root / "audio_0.wav")
    (root / "text_0.txt").write_text(SENTENCE)
    result = pipeline.scan(Config(corpus=root, out=tmp_path / "out", cache_dir=None, jobs=1))
    assert code in set(result.findings[C.CHECK])
    assert result.report[C.VERDICT].tolist() == ["drop"]


def test_error_lines_stay_short_for_paths_past_path_max(tmp_path: Path) -> None:
    corpus = tmp_path / ("d" * 250) / ("e" * 250)
    long_path = "/".join(["x" * 250] * 20)  # over PATH_MAX (4096)
    done = _run("scan", "--corpus", str(tmp_path / long_path), "--out", str(tmp_path / "o"))
    assert done.returncode == 5, done.stderr
    assert done.stderr.count("\n") == 1 and len(done.stderr) < 500 and " … " in done.stderr
    assert not corpus.exists()


def test_fix_run_dir_missing_and_dest_inside_the_run_folder(tmp_path: Path) -> None:
    done = _run("fix", "--run-dir", str(tmp_path / "nowhere"), "--dest", str(tmp_path / "d"))
    assert (
        done.returncode == 11
        and f"run directory {tmp_path / 'nowhere'} does not exist" in done.stderr
    )
    root = tmp_path / "corpus"
    _pair(root, 0)
    out = tmp_path / "out"
    assert _run("scan", "--corpus", str(root), "--out", str(out)).returncode == 0
    done = _run("fix", "--run-dir", str(out), "--dest", str(out / "fixed"))
    assert done.returncode == 11 and "is inside the run directory" in done.stderr
    assert not (out / "fixed").exists()


def test_fix_with_colliding_pair_ids_in_subfolders_and_one_dropped(tmp_path: Path) -> None:
    from wavs import sine

    root = tmp_path / "corpus"
    write(root / "a" / "audio_1.wav", clean_clip(5.5, seed=1))
    (root / "a" / "text_1.txt").write_text(SENTENCE)
    write(root / "b" / "audio_1.wav", sine(5.5, 1.0))  # heavily clipped: dropped
    (root / "b" / "text_1.txt").write_text(SENTENCE + "b")
    out, dest = tmp_path / "out", tmp_path / "fixed"
    assert _run("scan", "--corpus", str(root), "--out", str(out)).returncode == 0
    done = _run("fix", "--run-dir", str(out), "--dest", str(dest))
    assert done.returncode == 0, done.stderr  # was: KeyError '1@a' (re-check renamed it "1")
    manifest = pd.read_csv(dest / "manifest.csv")
    assert manifest["audio_name"].tolist() == ["a/audio_1.wav"]
    # Everything dropped: the re-check of an empty fixed tree is not an empty-corpus error.
    (root / "a" / "audio_1.wav").write_bytes(b"")
    assert _run("scan", "--corpus", str(root), "--out", str(out)).returncode == 0
    done = _run("fix", "--run-dir", str(out), "--dest", str(dest))
    assert done.returncode == 0, done.stderr
