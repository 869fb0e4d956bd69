"""A hostile server echoes our credentials back: nothing it sends may carry them into
output, files or error messages (issue 8.2), and its text may not move the terminal (8.13)
or crash the run with lone surrogates (8.9). Real client, real 127.0.0.1 server."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fake_metastudio import AK, PROJECT, SK, FakeMetaStudio, Reply, serve

from remediate.cli import cli
from remediate.safetext import Redactor, printable

pytestmark = pytest.mark.integration

TOKEN = "MIIZtokentokentokentoken0123456789abcdefghijklmnopqrstuvwxyz" * 4
SECURITY_TOKEN = "gQpzZWN1cml0eS10b2tlbi1mb3ItdGVtcG9yYXJ5LWtleXMtMDEyMzQ1Njc4OQ" * 3


@dataclass
class EchoingFake(FakeMetaStudio):
    """Puts whatever credential it received into the request id, the error code, the
    job fields and the audit messages (once in clear, once as JSON ``\\u`` escapes)."""

    echo: bool = True

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        reply = super().handle(method, target, headers, body)
        if not self.echo:
            return reply
        secret = headers.get("authorization") or headers.get("x-auth-token") or ""
        echoes = [secret, headers.get("x-security-token", ""), AK, SK]
        reply.headers["X-Request-Id"] = secret
        if reply.body.startswith(b"{"):
            doc = json.loads(reply.body)
            escaped = "".join(f"\\u{ord(c):04x}" for c in AK)
            for key in ("voice_name", "error_code", "error_msg"):
                if key in doc:
                    doc[key] = " | ".join(echoes)
            for job in doc.get("jobs", []):
                job["voice_name"] = " | ".join(echoes)
            for err in doc.get("system_audit_result", {}).get("errors", []):
                err["error_message"] = " | ".join(echoes) + " | ESCAPED"
            text = json.dumps(doc).replace("ESCAPED", escaped)
            reply.body = text.encode()
        return reply


def _secrets_in(text: str, secrets: list[str]) -> list[str]:
    found = [s for s in secrets if s[:12] in text]
    if re.search(r"Signature=[0-9a-f]{16}", text):
        found.append("Signature=")
    return found


def _files_text(root: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in root.rglob("*") if p.is_file()
    )


@pytest.fixture
def fake() -> EchoingFake:
    f = EchoingFake()
    f.add_job("job-1", "BASIC")
    return f


@pytest.fixture
def url(fake: EchoingFake) -> Iterator[str]:
    with serve(fake) as base:
        yield base


def _invoke(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env)


AKSK_ENV = {"HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK}
TEMP_ENV = {**AKSK_ENV, "HUAWEICLOUD_SDK_SECURITY_TOKEN": SECURITY_TOKEN}


@pytest.mark.parametrize("env", [AKSK_ENV, TEMP_ENV], ids=["aksk", "temporary"])
def test_echoed_credentials_never_reach_output_or_files(
    url: str, fake: EchoingFake, sample_dataset: Path, tmp_path: Path, env: dict[str, str]
) -> None:
    if "HUAWEICLOUD_SDK_SECURITY_TOKEN" in env:
        fake.security_token = SECURITY_TOKEN
    api = ["--project-id", PROJECT, "--endpoint", url]
    outputs: list[str] = []
    for args in (
        ["fetch", "--job-id", "job-1", "--out", str(tmp_path / "f"), "--json"],
        ["fetch", "--job-id", "job-1", "--out", str(tmp_path / "f2")],
        ["jobs", "--json"],
        ["jobs"],
        ["run", "--job-id", "job-1", "--corpus", str(sample_dataset)]
        + ["--out", str(tmp_path / "r"), "--json", "--jobs", "1", "--no-cache"],
    ):
        result = _invoke([*args, *api], env)
        assert result.exit_code == 0, (args, result.stderr)
        outputs += [result.stdout, result.stderr]
    assert all(e["verified"] for e in fake.seen)  # the server really received them
    secrets = [v for v in env.values()]
    assert _secrets_in("\n".join(outputs), secrets) == []
    assert _secrets_in(_files_text(tmp_path), secrets) == []
    # What is left of the echo says something was there.
    provenance = json.loads((tmp_path / "f" / "fetch.json").read_text())
    assert "SDK-HMAC-SHA256 ***" in json.dumps(provenance)


def test_echoed_token_in_a_rejection_is_scrubbed_before_truncation(
    url: str, fake: EchoingFake
) -> None:
    # The error code (cut to 40 characters for the message) starts with the echoed token.
    fake.faults.append(Reply(403, json.dumps({"error_code": TOKEN, "error_msg": TOKEN}).encode()))
    result = _invoke(
        ["jobs", "--project-id", PROJECT, "--endpoint", url], {"HUAWEICLOUD_AUTH_TOKEN": TOKEN}
    )
    assert result.exit_code == 7
    assert result.stderr.startswith("Error: ") and "***" in result.stderr
    assert _secrets_in(result.stdout + result.stderr, [TOKEN]) == []


def test_redactor_catches_prefixes_escapes_and_authorization_values() -> None:
    redact = Redactor([AK, SK, TOKEN])
    assert redact(f"code {TOKEN[:20]}… cut") == "code ***… cut"
    assert redact(f"x-auth-token: {TOKEN[:5]}abc") == "x-auth-token: ***"
    header = f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=host;x-sdk-date, Signature={'ab' * 32}"
    assert redact(f"id {header} end") == "id SDK-HMAC-SHA256 *** end"
    body = json.dumps({"m": AK}).replace(AK, "".join(f"\\u{ord(c):04x}" for c in AK)).encode()
    assert AK not in json.loads(redact.body(body))["m"]
    clean = b'{"a":  "no secret \\u00e9 here"}'
    assert redact.body(clean) is clean or redact.body(clean) == clean  # same bytes


def test_printable_strips_escape_sequences_and_controls() -> None:
    assert printable("job\x1b]0;pwned\x07-1\x1b[2J\x1b[31m!\x00\x9b") == "job-1!"
    assert printable("tab\tand\nnewline") == "tab\tand\nnewline"
    assert printable("\ud800x") == "\ufffdx"


def test_lone_surrogates_from_the_api_do_not_crash(
    url: str, fake: EchoingFake, tmp_path: Path
) -> None:
    fake.echo = False
    fake.jobs["job-1"]["voice_name"] = "voice \ud800 \udfff"
    fake.audits["job-1"] = b'{"system_audit_result": {"errors": [{"audio_name": "a\\ud800.wav",'
    fake.audits["job-1"] += b' "error_code": "MSS.1", "error_message": "bad \\udc00"}]}}'
    api = ["--project-id", PROJECT, "--endpoint", url]
    for args in (
        ["jobs"],
        ["jobs", "--json"],
        ["fetch", "--job-id", "job-1", "--out", str(tmp_path)],
    ):
        result = _invoke([*args, *api], AKSK_ENV)
        assert result.exit_code == 0, (args, result.stderr, result.exception)
    assert "voice \ufffd \ufffd" in _invoke(["jobs", *api], AKSK_ENV).stdout
    import pandas as pd

    errors = pd.read_parquet(tmp_path / "audit_errors.parquet")
    system = errors[errors["source"] == "system"]  # the operation log adds its own row
    assert list(system["error_message"]) == ["bad \ufffd"]
    assert list(system["audio_name"]) == ["a\ufffd.wav"]


def test_escape_sequences_from_the_server_are_never_printed(url: str, fake: EchoingFake) -> None:
    fake.echo = False
    fake.jobs["job-1"]["voice_name"] = "voice\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\x9b"
    result = _invoke(["jobs", "--project-id", PROJECT, "--endpoint", url], AKSK_ENV)
    assert result.exit_code == 0, result.stderr
    assert (
        "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout
    )
    assert "voice red" in result.stdout
    fake.faults.append(
        Reply(404, json.dumps({"error_code": "X", "error_msg": "no\x1b[2J job\x07"}).encode())
    )
    result = _invoke(["jobs", "--project-id", PROJECT, "--endpoint", url], AKSK_ENV)
    assert result.exit_code == 8
    assert (
        result.stderr.count("\n") == 1 and "\x1b" not in result.stderr and "no job" in result.stderr
    )
