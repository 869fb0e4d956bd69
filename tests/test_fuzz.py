"""Seeded fuzzing (issue 8): mutated WAVs and mutated audit results never crash the tool.

A deterministic mutator (fixed seed, so a failure reproduces) flips, cuts, splices and
overwrites header fields of small generated WAVs, and mangles audit JSON both as bytes
and as structure (wrong types, lone surrogates, huge numbers, deep nesting). Every case
must end in exit 0 or a documented exit code, never a traceback, with a report row for
every pair.
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from wavs import sine, write

from remediate import columns as C
from remediate.audit import parse_audit_result
from remediate.cli import cli
from remediate.errors import EXIT_CODES, AuditFileError
from remediate.names import pair_key

SEED = 20261203
WAV_CASES = 240
AUDIT_BYTE_CASES = 300
AUDIT_CLI_CASES = 24


def _seed_wavs(tmp: Path) -> list[bytes]:
    """Small valid WAVs of several shapes to mutate (mono/stereo, PCM_16/24/float, rates)."""
    shapes = [
        (sine(0.3, rate=16000), 16000, "PCM_16"),
        (sine(0.2, rate=48000), 48000, "PCM_16"),
        (sine(0.2, rate=44100).repeat(2).reshape(-1, 2), 44100, "PCM_16"),
        (sine(0.2, rate=48000), 48000, "PCM_24"),
        (sine(0.2, rate=22050), 22050, "FLOAT"),
    ]
    return [
        write(tmp / f"seed{i}.wav", x, rate=rate, subtype=sub).read_bytes()
        for i, (x, rate, sub) in enumerate(shapes)
    ]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random mutation of a file's bytes (header fields are hit on purpose)."""
    b = bytearray(data)
    op = rng.randrange(7)
    if op == 0 and b:  # flip a few bytes anywhere
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif op == 1:  # cut the tail (truncated upload)
        b = b[: rng.randrange(len(b) + 1)]
    elif op == 2 and len(b) >= 44:  # overwrite a 4-byte header field with an extreme value
        offset = rng.choice([4, 16, 20, 22, 24, 28, 32, 34, 40])
        value = rng.choice([0, 1, 2, 0x7FFFFFFF, 0xFFFFFFFF, 1024, 65535, rng.getrandbits(32)])
        b[offset : offset + 4] = struct.pack("<I", value)
    elif op == 3:  # splice a random chunk in
        at = rng.randrange(len(b) + 1)
        b[at:at] = rng.randbytes(rng.randint(1, 64))
    elif op == 4 and len(b) > 12:  # another container's magic under the RIFF body
        b[:4] = rng.choice([b"OggS", b"fLaC", b"ID3\x04", b"RF64", b"RIFX", b"FORM", b"\xff\xfb"])
    elif op == 5 and len(b) > 44:  # a 16-bit field (channels, bits, block align) set extreme
        offset = rng.choice([22, 32, 34])
        b[offset : offset + 2] = struct.pack("<H", rng.choice([0, 1, 3, 1024, 65535]))
    else:  # drop a slice
        at = rng.randrange(len(b) + 1)
        del b[at : at + rng.randint(1, 200)]
    return bytes(b)


def test_mutated_wavs_never_crash_and_every_pair_gets_a_row(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    seeds = _seed_wavs(tmp_path)
    root = tmp_path / "corpus"
    root.mkdir()
    for i in range(WAV_CASES):
        data = rng.choice(seeds)
        for _ in range(rng.randint(1, 3)):
            data = mutate(data, rng)
        (root / f"audio_{i}.wav").write_bytes(data)
        (root / f"text_{i}.txt").write_bytes(mutate(b"A short sentence for the clip.\n", rng))
    out = tmp_path / "out"

    result = CliRunner().invoke(
        cli, ["scan", "--corpus", str(root), "--out", str(out), "--no-cache", "--jobs", "2"]
    )

    assert result.exit_code == 0, (result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    report = pd.read_parquet(out / "report.parquet")
    assert sorted(report[C.PAIR_ID], key=int) == [str(i) for i in range(WAV_CASES)]
    assert report[C.VERDICT].isin(["keep", "fix", "drop"]).all()


def _mangle(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """Replace parts of a JSON document with values of the wrong type or shape."""
    if isinstance(value, dict):
        return {k: _mangle(v, rng, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        items = [_mangle(v, rng, depth + 1) for v in value]
        if rng.random() < 0.2:
            items += [{}] * rng.randint(1, 50)
        return items
    if rng.random() < 0.12:
        return rng.choice(
            [
                None,
                True,
                -1,
                10**40,
                1.5e308,
                "",
                "\ud800\udfff lone",
                "../../etc/passwd",
                "\x1b]0;title\x07",
                [],
                {"nested": {"deeper": [1, 2]}},
                "audio_0.wav",
                "x" * 5000,
            ]
        )
    return value


def _audit_doc(rng: random.Random) -> dict[str, Any]:
    errors = [
        {
            "audio_name": f"audio_{rng.randrange(4)}.wav",
            "text_name": f"text_{rng.randrange(4)}.txt",
            "error_code": f"MSS.2002001{rng.randrange(10)}",
            "error_message": "audio format error",
        }
        for _ in range(rng.randint(0, 5))
    ]
    return {
        "system_audit_result": {"audit_time": 1764050400, "errors": errors},
        "admin_audit_result": {"message": "see", "attachment_name": "a.pdf", "audit_time": 0},
    }


def _mutant(rng: random.Random) -> bytes:
    doc = _mangle(_audit_doc(rng), rng)
    raw = json.dumps(doc, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    return mutate(raw, rng) if rng.random() < 0.3 else raw


def test_mutated_audit_results_parse_or_fail_cleanly() -> None:
    rng = random.Random(SEED + 1)
    parsed = refused = 0
    for _ in range(AUDIT_BYTE_CASES):
        try:
            frame = parse_audit_result(_mutant(rng))
        except AuditFileError as exc:
            assert str(exc) and "\n" not in str(exc)
            refused += 1
            continue
        for col in frame.columns:  # every string is writable as UTF-8
            for v in frame[col]:
                if isinstance(v, str):
                    v.encode("utf-8")
        parsed += 1
    assert parsed > 30 and refused > 30  # both paths were exercised


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "corpus"
    for i in range(4):
        write(root / f"audio_{i}.wav", sine(0.5, amplitude=0.3, freq=300 + 100 * i))
        (root / f"text_{i}.txt").write_text(f"Sentence number {i}.\n")
    return root


def test_mutated_audit_results_through_the_cli(small_corpus: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED + 2)
    cache = tmp_path / "cache"
    codes: list[int] = []
    for i in range(AUDIT_CLI_CASES):
        audit = tmp_path / f"audit{i}.json"
        audit.write_bytes(_mutant(rng))
        out = tmp_path / f"out{i}"
        args = ["run", "--audit-file", str(audit), "--corpus", str(small_corpus)]
        args += ["--out", str(out), "--cache-dir", str(cache), "--jobs", "1"]
        result = CliRunner().invoke(cli, args)
        codes.append(result.exit_code)
        assert result.exit_code in EXIT_CODES and result.exit_code != 70, (
            result.stderr,
            result.exception,
        )
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:
            report = pd.read_parquet(out / "report.parquet")
            pairs = report[report[C.VERDICT] != "unmatched"]
            assert sorted(pair_key(p) for p in pairs[C.PAIR_ID]) == ["0", "1", "2", "3"]
        else:
            assert result.exit_code == 4 and result.stderr.startswith("Error: ")
    assert 0 in codes and 4 in codes
