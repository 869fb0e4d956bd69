"""`remediate fetch`, `remediate jobs` and `remediate run --job-id` against a real local server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fake_metastudio import PROJECT, FakeMetaStudio, Reply, error, job_doc, serve

from remediate.cli import cli

pytestmark = pytest.mark.integration


@pytest.fixture
def fake() -> FakeMetaStudio:
    f = FakeMetaStudio()
    f.add_job("job-1", "MIDDLE")
    f.jobs["job-2"] = job_doc("job-2", "BASIC", state="SUCCEED")
    return f


@pytest.fixture
def url(fake: FakeMetaStudio) -> Iterator[str]:
    with serve(fake) as base:
        yield base


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    base_env = {
        "HUAWEICLOUD_SDK_AK": "AKFAKE0000000001",
        "HUAWEICLOUD_SDK_SK": "SKfake/secret+value0000000000000001",
    }
    return CliRunner().invoke(cli, args, env=base_env if env is None else env)


def test_fetch(url: str, fake: FakeMetaStudio, tmp_path: Path) -> None:
    out = tmp_path / "f"
    result = invoke(
        [
            "fetch",
            "--job-id",
            "job-1",
            "--project-id",
            PROJECT,
            "--endpoint",
            url,
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.stderr
    assert "Job job-1: AUDIT_FAILED (MIDDLE), 2 audit errors" in result.stderr
    assert result.stdout == ""
    assert (out / "audit-result.json").read_bytes() == fake.audits["job-1"]
    result = invoke(
        ["fetch", "--job-id", "job-1", "--endpoint", url, "--out", str(out), "--json"],
        env={
            "HUAWEICLOUD_SDK_AK": "AKFAKE0000000001",
            "HUAWEICLOUD_SDK_SK": "SKfake/secret+value0000000000000001",
            "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT,
        },
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["job_id"] == "job-1" and doc["endpoint"] == url and doc["http_status"] == 200
    assert all(e["verified"] == "aksk" for e in fake.seen)


def test_endpoint_from_environment(url: str, tmp_path: Path) -> None:
    env = {
        "HUAWEICLOUD_SDK_AK": "AKFAKE0000000001",
        "HUAWEICLOUD_SDK_SK": "SKfake/secret+value0000000000000001",
        "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT,
        "METASTUDIO_ENDPOINT": url,
    }
    result = invoke(["jobs", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["count"] == 2


def test_jobs_table_and_state_filter(url: str) -> None:
    result = invoke(["jobs", "--project-id", PROJECT, "--endpoint", url])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "job_id",
        "type",
        "state",
        "voice",
        "lang",
        "rejected",
        "created",
        "updated",
    ]
    assert lines[2].split()[:6] == ["job-1", "MIDDLE", "AUDIT_FAILED", "voice", "job-1", "CN"]
    assert "2025-11-25" in lines[2] and len(lines) == 4
    result = invoke(
        ["jobs", "--project-id", PROJECT, "--endpoint", url, "--state", "AUDIT_FAILED", "--json"]
    )
    doc = json.loads(result.stdout)
    assert (
        doc["count"] == 1
        and doc["jobs"][0]["job_id"] == "job-1"
        and doc["jobs"][0]["job_type"] == "MIDDLE"
    )


def test_run_with_job_id(
    url: str, fake: FakeMetaStudio, sample_dataset: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    args = ["run", "--job-id", "job-1", "--corpus", str(sample_dataset), "--out", str(out)]
    result = invoke(
        [*args, "--project-id", PROJECT, "--endpoint", url, "--json", "--jobs", "1", "--no-cache"]
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["edition"]["name"] == "middle" and summary["job_id"] == "job-1"
    assert (out / "audit-result.json").read_bytes() == fake.audits["job-1"]
    # The job's own assess_result sits beside the local twin's values.
    assess = summary["assess"]
    assert assess["platform"]["snr"]["actual"] == "18.2"
    snr = next(row for row in assess["comparison"] if row["dimension"] == "snr")
    assert snr["platform_status"] == 1 and snr["local_actual"] == assess["snr"]["actual"]
    assert snr["local_expected"] == ">=25"  # the MIDDLE profile's noise.min_snr_db
    assert {"job.json", "fetch.json", "summary.json", "report.parquet"} <= {
        p.name for p in out.iterdir()
    }
    result = invoke(
        [
            *args,
            "--edition",
            "basic",
            "--project-id",
            PROJECT,
            "--endpoint",
            url,
            "--json",
            "--jobs",
            "1",
            "--no-cache",
        ]
    )
    assert json.loads(result.stdout)["edition"]["name"] == "basic"
    # Without --json the terminal shows the twin's values beside the platform's.
    result = invoke([*args, "--project-id", PROJECT, "--endpoint", url, "--jobs", "1"])
    assert result.exit_code == 0, result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("snr "))
    assert line.split()[-3:] == [">=30", "18.2", "1"]


def test_run_needs_exactly_one_audit_source(sample_dataset: Path, tmp_path: Path) -> None:
    base = ["run", "--corpus", str(sample_dataset), "--out", str(tmp_path / "o")]
    both = invoke(
        [*base, "--job-id", "j", "--audit-file", str(sample_dataset / "audit-result.json")]
    )
    assert both.exit_code == 2 and "not both" in both.stderr
    neither = invoke(base)
    assert neither.exit_code == 2 and "--job-id" in neither.stderr


@pytest.mark.parametrize(
    ("fault", "code", "text"),
    [
        (
            error(400, "MSS.00000003", "parameter invalid"),
            8,
            "MSS.00000003: parameter invalid (request id req-0001)",
        ),
        (
            error(401, "APIGW.0301", "Incorrect IAM authentication information"),
            7,
            "HUAWEICLOUD_SDK_AK / HUAWEICLOUD_SDK_SK",
        ),
        (error(403, "MSS.000000004", "auth failed"), 7, "--project-id belongs to this account"),
        (Reply(503, b"busy"), 9, "HTTP 503"),
        (Reply(drop=True), 9, "connection failed"),
        (Reply(200, b"<html>hello</html>"), 10, "not JSON"),
    ],
)
def test_api_failures_exit_with_their_code(
    url: str, fake: FakeMetaStudio, tmp_path: Path, fault: Reply, code: int, text: str
) -> None:
    fake.faults.append(fault)
    result = invoke(
        [
            "fetch",
            "--job-id",
            "job-1",
            "--project-id",
            PROJECT,
            "--endpoint",
            url,
            "--out",
            str(tmp_path),
            "--max-attempts",
            "1",
        ]
    )
    assert result.exit_code == code, result.stderr
    assert result.stderr.startswith("Error: ") and text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_retries_then_succeeds_from_the_cli(url: str, fake: FakeMetaStudio, tmp_path: Path) -> None:
    fake.faults += [
        error(429, "APIGW.0308", "throttled", **{"Retry-After": "0"}),
        Reply(503, b"x", {"Retry-After": "0"}),
    ]
    result = invoke(["jobs", "--project-id", PROJECT, "--endpoint", url, "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["count"] == 2 and len(fake.seen) == 3


def test_missing_credentials_and_project(url: str, tmp_path: Path) -> None:
    args = ["fetch", "--job-id", "j", "--endpoint", url, "--out", str(tmp_path)]
    none = invoke([*args, "--project-id", PROJECT], env={})
    assert none.exit_code == 7 and "HUAWEICLOUD_AUTH_TOKEN" in none.stderr
    half = invoke([*args, "--project-id", PROJECT], env={"HUAWEICLOUD_SDK_AK": "AKONLY-secret"})
    assert half.exit_code == 7 and "HUAWEICLOUD_SDK_SK is not set" in half.stderr
    assert "AKONLY-secret" not in half.stderr
    no_project = invoke(args)
    assert no_project.exit_code == 3 and "HUAWEICLOUD_SDK_PROJECT_ID" in no_project.stderr
    insecure = invoke(["jobs", "--project-id", PROJECT, "--endpoint", "http://example.com"])
    assert insecure.exit_code == 3 and "plain http" in insecure.stderr


def test_secrets_options_do_not_exist() -> None:
    for command in ("fetch", "jobs", "run"):
        text = CliRunner().invoke(cli, [command, "--help"]).stdout
        for flag in ("--ak", "--sk", "--token", "--secret", "--security-token"):
            assert flag not in text.split()


# --- secrets never leak -------------------------------------------------------------------

SECRETS = {
    "HUAWEICLOUD_SDK_AK": "AK-PLANTED-7f3c9e1a",
    "HUAWEICLOUD_SDK_SK": "SK-PLANTED-0b8d2f64",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN": "STS-PLANTED-5a1e77c2",
}
TOKEN = {"HUAWEICLOUD_AUTH_TOKEN": "IAMTOKEN-PLANTED-93dd0c1b"}


def _files_text(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


def test_planted_secrets_never_appear(sample_dataset: Path, tmp_path: Path) -> None:
    planted = list(SECRETS.values()) + list(TOKEN.values())
    fake = FakeMetaStudio(
        ak=SECRETS["HUAWEICLOUD_SDK_AK"],
        sk=SECRETS["HUAWEICLOUD_SDK_SK"],
        security_token=SECRETS["HUAWEICLOUD_SDK_SECURITY_TOKEN"],
    )
    fake.add_job("job-1", "BASIC")
    token_fake = FakeMetaStudio(token=TOKEN["HUAWEICLOUD_AUTH_TOKEN"])
    token_fake.add_job("job-1", "BASIC")
    results: list[Result] = []
    echo = error(400, "MSS.00000003", "bad: ECHO")  # the server echoes what it received
    with serve(fake) as url, serve(token_fake) as token_url:
        for endpoint, env, faults in [
            (url, SECRETS, []),
            (url, SECRETS, [echo]),
            (url, SECRETS, [error(401, "APIGW.0301", "Incorrect IAM authentication information")]),
            (url, SECRETS, [Reply(503, b"down " + planted[1].encode())]),
            (url, SECRETS, [Reply(200, b"not json " + planted[0].encode())]),
            (url, {**SECRETS, "HUAWEICLOUD_SDK_SK": "SK-PLANTED-wrong-91ab"}, []),
            (token_url, TOKEN, []),
            (token_url, TOKEN, [echo]),
            (token_url, {"HUAWEICLOUD_AUTH_TOKEN": "IAMTOKEN-PLANTED-expired-44"}, []),
        ]:
            env = {**env, "HUAWEICLOUD_SDK_PROJECT_ID": PROJECT, "METASTUDIO_ENDPOINT": endpoint}
            for args in [
                ["fetch", "--job-id", "job-1", "--out", str(tmp_path / f"f{len(results)}")],
                [
                    "fetch",
                    "--job-id",
                    "job-1",
                    "--out",
                    str(tmp_path / f"g{len(results)}"),
                    "--json",
                ],
                ["jobs"],
                ["jobs", "--json"],
                [
                    "run",
                    "--job-id",
                    "job-1",
                    "--corpus",
                    str(sample_dataset),
                    "--out",
                    str(tmp_path / f"r{len(results)}"),
                    "--json",
                    "--jobs",
                    "1",
                    "--no-cache",
                ],
            ]:
                target = token_fake if endpoint == token_url else fake
                held = " ".join(v for k, v in env.items() if k in {*SECRETS, *TOKEN}).encode()
                target.faults[:] = [
                    Reply(r.status, r.body.replace(b"ECHO", held), dict(r.headers), r.delay, r.drop)
                    for r in faults
                ]
                result = CliRunner().invoke(cli, [*args, "--max-attempts", "1"], env=env)
                results.append(result)
                assert result.exit_code in (0, 7, 8, 9, 10), (args, result.stderr, result.exception)
    codes = {r.exit_code for r in results}
    assert {0, 7, 8, 9, 10} <= codes  # success and every failure path were exercised
    assert sum("***" in r.stderr for r in results) >= 10  # echoed secrets were scrubbed
    every_secret = planted + ["SK-PLANTED-wrong-91ab", "IAMTOKEN-PLANTED-expired-44"]
    written = _files_text(tmp_path)
    assert written  # files were written
    for result in results:
        blob = result.stdout + result.stderr + str(result.exception or "")
        for secret in every_secret:
            assert secret not in blob
    for secret in every_secret:
        assert secret.encode() not in written
