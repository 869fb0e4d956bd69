"""The MetaStudio client: auth, typed results, retries, error mapping, attachment download.

Unit tests run on ``httpx.MockTransport``; the ``integration`` ones on a real HTTP server
on 127.0.0.1 that verifies signatures like the real API and scripts faults.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_metastudio import (
    AK,
    PROJECT,
    SK,
    FakeMetaStudio,
    Reply,
    error,
    job_doc,
    serve,
)

from remediate.errors import (
    ApiRequestError,
    ApiResponseError,
    ApiUnavailableError,
    ConfigError,
    CredentialsError,
)
from remediate.metastudio import client as api
from remediate.metastudio import models


class FakeClock:
    """Monotonic clock + sleep that only advance on sleep: retries run instantly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(
    fake: FakeMetaStudio,
    *,
    credentials: api.Credentials | None = None,
    endpoint: str = "https://metastudio.cn-north-4.myhuaweicloud.com",
    transport: httpx.BaseTransport | None = None,
    clock: FakeClock | None = None,
    **settings: Any,
) -> api.MetaStudioClient:
    clock = clock or FakeClock()
    return api.MetaStudioClient(
        api.ClientSettings(endpoint=endpoint, project_id=PROJECT, **settings),
        credentials or api.AkSkCredentials(AK, SK),
        transport=transport if transport is not None else fake.transport(),
        sleep=clock.sleep,
        clock=clock,
        rng=random.Random(7),
    )


@pytest.fixture
def fake() -> FakeMetaStudio:
    f = FakeMetaStudio()
    f.add_job("job-1", "MIDDLE")
    return f


# --- auth ---------------------------------------------------------------------------


def test_aksk_requests_are_signed_verifiably(fake: FakeMetaStudio) -> None:
    with make_client(fake) as client:
        client.show_job("job-1")
        client.show_job_audit_result("job-1")
        client.list_jobs(state="AUDIT_FAILED,FAILED")
    assert [e["verified"] for e in fake.seen] == ["aksk"] * 3
    first = fake.seen[0]["headers"]
    signed = first["authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"content-type", "host", "user-agent", "x-project-id", "x-sdk-date"} <= set(signed)
    assert first["x-project-id"] == PROJECT and first["content-type"] == "application/json"
    assert "x-auth-token" not in first
    assert fake.seen[2]["query"] == "limit=100&offset=0&state=AUDIT_FAILED%2CFAILED"


def test_temporary_credentials_sign_the_security_token(fake: FakeMetaStudio) -> None:
    fake.security_token = "STS-TOKEN-abc"
    creds = api.AkSkCredentials(AK, SK, "STS-TOKEN-abc")
    with make_client(fake, credentials=creds) as client:
        assert client.show_job("job-1").job.job_id == "job-1"
    assert "x-security-token" in fake.seen[0]["headers"]["authorization"]


def test_wrong_secret_key_is_a_credentials_error(fake: FakeMetaStudio) -> None:
    with (
        make_client(fake, credentials=api.AkSkCredentials(AK, "not-the-sk")) as client,
        pytest.raises(CredentialsError) as info,
    ):
        client.show_job("job-1")
    assert info.value.exit_code == 7 and info.value.status_code == 401
    assert info.value.error_code == "APIGW.0301" and info.value.request_id == "req-0001"
    assert "HUAWEICLOUD_SDK_AK" in str(info.value) and "not-the-sk" not in str(info.value)
    assert len(fake.seen) == 1  # no retry on 401


def test_token_auth(fake: FakeMetaStudio) -> None:
    fake.token = "IAM-TOKEN-xyz"
    with make_client(fake, credentials=api.TokenCredentials("IAM-TOKEN-xyz")) as client:
        assert client.show_job("job-1").job.job_type == "MIDDLE"
    headers = fake.seen[0]["headers"]
    assert headers["x-auth-token"] == "IAM-TOKEN-xyz" and "authorization" not in headers
    with (
        make_client(fake, credentials=api.TokenCredentials("expired")) as client,
        pytest.raises(CredentialsError, match="HUAWEICLOUD_AUTH_TOKEN") as info,
    ):
        client.show_job("job-1")
    assert "MSS.00010008" in str(info.value) and "expired" not in info.value.message


def test_secrets_never_in_repr_and_scrubbed_from_server_text(fake: FakeMetaStudio) -> None:
    creds = api.AkSkCredentials(AK, SK, "STS-SECRET")
    client = make_client(fake, credentials=creds)
    for text in (
        repr(creds),
        repr(client),
        repr(api.AkSkAuth(creds)),
        repr(api.TokenAuth(api.TokenCredentials("T0KEN"))),
    ):
        assert (
            AK not in text and SK not in text and "STS-SECRET" not in text and "T0KEN" not in text
        )
    fake.faults.append(error(400, "MSS.00000003", f"bad signature for {SK} and {AK}"))
    with pytest.raises(ApiRequestError) as info:
        client.show_job("job-1")
    assert SK not in str(info.value) and AK not in str(info.value) and "***" in str(info.value)
    client.close()


def test_credentials_need_both_keys() -> None:
    with pytest.raises(CredentialsError):
        api.AkSkCredentials(AK, "")
    with pytest.raises(CredentialsError):
        api.TokenCredentials("")


# --- typed results --------------------------------------------------------------------


def test_audit_result_kept_byte_for_byte_and_typed(fake: FakeMetaStudio) -> None:
    with make_client(fake) as client:
        got = client.show_job_audit_result("job-1")
    assert got.response.content == fake.audits["job-1"]
    assert got.response.status_code == 200 and got.response.request_id == "req-0001"
    assert got.result.system_audit_result is not None
    assert got.result.system_audit_result.audit_time == 1764050400
    assert got.result.errors[0] == models.AuditError(
        "audio_3.wav", "text_3.txt", "MSS.20020011", "音频格式错误 wrong audio format"
    )
    admin = got.result.admin_audit_result
    assert admin is not None and admin.audit_time == 1764050500000
    assert (
        admin.attachment_name == "../../etc/review notes.pdf" and got.result.attachment_url is None
    )


@pytest.mark.parametrize(
    ("doc", "errors", "has_system", "has_admin"),
    [
        ({}, 0, False, False),
        ({"system_audit_result": None, "admin_audit_result": None}, 0, False, False),
        ({"system_audit_result": {"errors": []}}, 0, True, False),
        ({"system_audit_result": {}}, 0, True, False),
        ({"admin_audit_result": {"message": "no"}}, 0, False, True),
        ({"system_audit_result": {"errors": [{}], "x": 1}}, 1, True, False),
    ],
)
def test_absent_blocks_are_tolerated(
    doc: dict[str, Any], errors: int, has_system: bool, has_admin: bool
) -> None:
    result = models.parse_audit_result(doc)
    assert len(result.errors) == errors
    assert (result.system_audit_result is not None) == has_system
    assert (result.admin_audit_result is not None) == has_admin


@pytest.mark.parametrize(
    ("body", "match"),
    [
        (b"<html>gateway</html>", "not JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"system_audit_result": {"errors": {"a": 1}}}', "errors should be a list"),
        (b'{"system_audit_result": {"errors": [7]}}', r"errors\[0\] should be an object"),
        (b'{"system_audit_result": {"audit_time": "soon"}}', "audit_time should be an integer"),
        (b'{"system_audit_result": []}', "system_audit_result should be an object"),
        (b'{"a": NaN}', "not JSON"),
    ],
)
def test_malformed_bodies_are_response_errors(
    fake: FakeMetaStudio, body: bytes, match: str
) -> None:
    fake.audits["job-1"] = body
    with make_client(fake) as client, pytest.raises(ApiResponseError, match=match) as info:
        client.show_job_audit_result("job-1")
    assert info.value.exit_code == 10 and info.value.status_code == 200


def test_job_fields_typed_and_unknown_ignored() -> None:
    job = models.parse_job(job_doc("j", "ADVANCE") | {"reject_times": "2", "is_remake": "true"})
    assert job.job_type == "ADVANCE" and job.state == "AUDIT_FAILED"
    assert job.reject_times == 2 and job.is_remake is True and job.create_time == 1764000000000
    assert job.to_dict()["voice_name"] == "voice j"


def test_assess_result_typed_per_dimension() -> None:
    job = models.parse_job(job_doc("j"))
    assess = job.assess_result
    assert assess is not None and assess.suggestion == "请在安静的环境中重新录制"
    snr = assess.get("snr")
    assert snr is not None and snr.status == 1 and snr.actual == "18.2" and snr.expected == ">=30"
    assert [name for name, _ in assess.dimensions] == list(models.ASSESS_DIMENSIONS)
    assert "future_dimension" not in assess.to_dict()
    assert job.to_dict()["assess_result"]["speed"]["suggestion_en"] == "Speaking rate is normal"
    partial = models.parse_job({"job_id": "j", "assess_result": {"sound": {"status": "0"}}})
    assert partial.assess_result is not None and partial.assess_result.get("speed") is None
    sound = partial.assess_result.get("sound")
    assert sound is not None and sound.status == 0
    assert models.parse_job({"job_id": "j"}).assess_result is None
    with pytest.raises(ApiResponseError, match="assess_result.snr.status"):
        models.parse_job({"assess_result": {"snr": {"status": "high"}}})


def test_response_size_cap(fake: FakeMetaStudio) -> None:
    fake.audits["job-1"] = b'{"x": "' + b"a" * 5000 + b'"}'
    with (
        make_client(fake, max_response_bytes=1000) as client,
        pytest.raises(ApiResponseError, match="cap"),
    ):
        client.show_job_audit_result("job-1")

    def streamed(request: httpx.Request) -> httpx.Response:  # no Content-Length
        return httpx.Response(200, content=iter([b"{" + b" " * 600] * 3))

    with (
        make_client(
            fake, transport=httpx.MockTransport(streamed), max_response_bytes=1000
        ) as client,
        pytest.raises(ApiResponseError, match="cap"),
    ):
        client.show_job("job-1")


# --- retries ----------------------------------------------------------------------------


def test_429_honours_retry_after(fake: FakeMetaStudio) -> None:
    fake.faults.append(error(429, "APIGW.0308", "throttled", **{"Retry-After": "3"}))
    clock = FakeClock()
    with make_client(fake, clock=clock) as client:
        assert client.show_job("job-1").response.request_id == "req-0002"
    assert clock.sleeps == [3.0]


def test_retry_after_http_date() -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()
    assert api.retry_after_seconds("Mon, 01 Jan 2024 00:00:07 GMT", now) == 7.0
    assert api.retry_after_seconds("2.5") == 2.5
    assert api.retry_after_seconds("-1") is None and api.retry_after_seconds("soon") is None
    assert api.retry_after_seconds(None) is None


def test_burst_of_503_then_success_backs_off_exponentially(fake: FakeMetaStudio) -> None:
    fake.faults += [error(503, "APIGW.0201", "busy") for _ in range(4)]
    clock = FakeClock()
    with make_client(fake, clock=clock) as client:
        assert client.show_job("job-1").job.job_id == "job-1"
    assert len(clock.sleeps) == 4
    for i, delay in enumerate(clock.sleeps):
        nominal = 0.5 * 2**i
        assert nominal * 0.5 <= delay <= nominal
    assert [e["verified"] for e in fake.seen] == [None] * 4 + ["aksk"]


def test_gives_up_after_max_attempts(fake: FakeMetaStudio) -> None:
    fake.faults += [Reply(502, b"bad gateway") for _ in range(10)]
    clock = FakeClock()
    policy = api.RetryPolicy(max_attempts=3)
    with (
        make_client(fake, clock=clock, retry=policy) as client,
        pytest.raises(ApiUnavailableError) as info,
    ):
        client.show_job("job-1")
    assert info.value.exit_code == 9 and len(fake.seen) == 3 and len(clock.sleeps) == 2
    assert "HTTP 502" in str(info.value) and "3 attempts" in str(info.value)


def test_total_time_budget_bounds_retries(fake: FakeMetaStudio) -> None:
    fake.faults += [error(429, "APIGW.0308", "wait", **{"Retry-After": "500"})]
    clock = FakeClock()
    with (
        make_client(fake, clock=clock, retry=api.RetryPolicy(max_total_s=60)) as client,
        pytest.raises(ApiUnavailableError, match="asked to wait 500 s"),
    ):
        client.show_job("job-1")
    assert clock.sleeps == [] and len(fake.seen) == 1


def test_connection_errors_and_timeouts_are_retried(fake: FakeMetaStudio) -> None:
    fake.faults += [Reply(drop=True), Reply(delay=5)]
    clock = FakeClock()
    with make_client(fake, clock=clock) as client:
        assert client.show_job("job-1").job.job_id == "job-1"
    assert len(clock.sleeps) == 2
    fake.faults += [Reply(drop=True) for _ in range(5)]
    with make_client(fake) as client, pytest.raises(ApiUnavailableError, match="connection failed"):
        client.show_job("job-1")


@pytest.mark.parametrize("status", [400, 404, 405, 409])
def test_other_4xx_are_not_retried(fake: FakeMetaStudio, status: int) -> None:
    fake.faults.append(error(status, "MSS.00000003", "parameter invalid"))
    with make_client(fake) as client, pytest.raises(ApiRequestError) as info:
        client.show_job("job-1")
    assert len(fake.seen) == 1 and info.value.exit_code == 8
    assert info.value.error_code == "MSS.00000003" and info.value.request_id == "req-0001"
    text = str(info.value)
    assert f"HTTP {status} MSS.00000003: parameter invalid (request id req-0001)" in text
    assert "hint: a request parameter is invalid" in text
    assert "\n" not in text


def test_redirect_is_not_followed(fake: FakeMetaStudio) -> None:
    fake.faults.append(Reply(302, b"", {"Location": "https://evil.example/"}))
    with make_client(fake) as client, pytest.raises(ApiResponseError, match="redirect"):
        client.show_job("job-1")
    assert len(fake.seen) == 1


# --- listing ------------------------------------------------------------------------------


def test_list_jobs_walks_every_page(fake: FakeMetaStudio) -> None:
    for i in range(250):
        fake.jobs[f"j{i:03d}"] = job_doc(f"j{i:03d}")
    with make_client(fake) as client:
        jobs = client.list_jobs(state="AUDIT_FAILED")
    assert len(jobs) == 251 and jobs[-1].job_id == "j249"
    queries = [e["query"] for e in fake.seen]
    assert queries == [f"limit=100&offset={o}&state=AUDIT_FAILED" for o in (0, 100, 200)]


def test_list_jobs_stops_on_empty_page_and_without_count() -> None:
    pages = [{"count": 500, "jobs": [job_doc("a")]}, {"count": 500, "jobs": []}]
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.query.decode())
        return httpx.Response(200, json=pages.pop(0) if pages else {"jobs": []})

    with make_client(FakeMetaStudio(), transport=httpx.MockTransport(handler)) as client:
        assert [j.job_id for j in client.list_jobs()] == ["a"]
    assert len(seen) == 2
    pages[:] = [{"jobs": [job_doc("x"), job_doc("y")]}]
    seen.clear()
    with make_client(FakeMetaStudio(), transport=httpx.MockTransport(handler)) as client:
        assert len(client.list_jobs(page_size=5)) == 2
    assert seen == ["limit=5&offset=0"]


def test_operation_log_every_page_typed_and_stored(fake: FakeMetaStudio) -> None:
    fake.reject("job-1", "second: noisy room")
    fake.op_logs["job-1"].append({"action": "COMMIT", "operation_time": "1764050500", "extra": 1})
    fake.op_logs["job-1"][1]["external_info"]["algorithm_failure_reason"] = "snr too low"
    fake.op_logs["job-1"][1]["external_info"]["review_id_list"] = ["r1", "r2"]
    with make_client(fake) as client:
        log = client.list_job_operation_log("job-1", page_size=2)
    assert [e["query"] for e in fake.seen] == ["limit=2&offset=0", "limit=2&offset=2"]
    assert all(e["path"].endswith("/user/jobs/job-1/op-logs") for e in fake.seen)
    assert log.count == 3 and [op.action for op in log.operations] == [
        "AUDIT_NOT_PASS",
        "AUDIT_NOT_PASS",
        "COMMIT",
    ]
    second = log.operations[1]
    assert second.admin_audit_failure_reason == "second: noisy room"
    assert second.algorithm_failure_reason == "snr too low"
    assert second.review_id_list == ("r1", "r2")
    assert log.operations[2].operation_time == 1764050500  # the SDK's lenient coercion
    stored = json.loads(log.to_json_bytes())
    assert stored == {"count": 3, "operations": fake.op_logs["job-1"]}
    assert len(log.pages) == 2


def test_operation_log_in_one_page_is_kept_byte_for_byte(fake: FakeMetaStudio) -> None:
    body = (
        '{"count": 1, "operations": [{"action": "AUDIT_NOT_PASS", "operation_time": 7,'
        ' "external_info": {"algorithm_failure_reason": "噪声过大", "x": [1, 2.50]}}]}'
    ).encode()
    fake.routes["/job-1/op-logs"] = Reply(200, body, {"Content-Type": "application/json"})
    with make_client(fake) as client:
        log = client.list_job_operation_log("job-1")
    assert log.to_json_bytes() == body  # not re-serialised: 2.50, spacing and order intact
    assert log.operations[0].algorithm_failure_reason == "噪声过大"


TENANT_CFG = {
    "tenant_id": "t-1",
    "basic_min": 180,
    "basic_max": 600,
    "basic_advice_value": 300,
    "middle_min": "600",
    "middle_max": 1800,
    "short_assess_min": 10,
}


def test_tenant_duration_cfg_typed_on_mock_transport(fake: FakeMetaStudio) -> None:
    fake.tenant_cfg = TENANT_CFG
    with make_client(fake) as client:
        cfg = client.show_tenant_duration_cfg()
    assert fake.seen[-1]["path"] == f"/v1/{PROJECT}/voice-training-manage/user/tenant-duration-cfg"
    assert cfg.tenant_id == "t-1" and cfg.short_assess_min == 10
    basic = cfg.bounds("BASIC")
    assert basic is not None and (basic.min_s, basic.max_s, basic.advice_s) == (180, 600, 300)
    middle = cfg.bounds("middle")
    assert middle is not None and (middle.min_s, middle.max_s, middle.advice_s) == (600, 1800, None)
    assert cfg.bounds("advance") is None  # nothing returned for it


def test_tenant_duration_cfg_on_the_real_local_server(fake: FakeMetaStudio) -> None:
    fake.tenant_cfg = TENANT_CFG
    with serve(fake) as url, make_client(fake, endpoint=url, transport=None) as client:
        cfg = client.show_tenant_duration_cfg()
    assert fake.seen[-1]["verified"] == "aksk"
    assert cfg.bounds("basic") is not None


def test_tenant_duration_cfg_wrong_shape_and_absent(fake: FakeMetaStudio) -> None:
    fake.tenant_cfg = {"basic_min": "three minutes"}
    with make_client(fake) as client, pytest.raises(ApiResponseError, match="basic_min"):
        client.show_tenant_duration_cfg()
    fake.tenant_cfg = None
    with make_client(fake) as client, pytest.raises(ApiRequestError):
        client.show_tenant_duration_cfg()


def test_operation_log_wrong_shape_is_a_response_error(fake: FakeMetaStudio) -> None:
    fake.op_logs["job-1"].append({"action": ["not", "text"]})
    with make_client(fake) as client, pytest.raises(ApiResponseError, match=r"action should be"):
        client.list_job_operation_log("job-1")


# --- endpoints ------------------------------------------------------------------------------


def test_endpoints() -> None:
    assert (
        api.endpoint_for("ap-southeast-3") == "https://metastudio.ap-southeast-3.myhuaweicloud.com"
    )
    with pytest.raises(ConfigError):
        api.endpoint_for("ap-southeast-1")
    assert api.check_endpoint("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert api.check_endpoint("http://[::1]:9") == "http://[::1]:9"
    for bad in ("http://example.com", "ftp://x", "https://u:p@x", "not a url"):
        with pytest.raises(ConfigError):
            api.check_endpoint(bad)


# --- attachment download ----------------------------------------------------------------------


def test_download_attachment_streams_without_credentials(
    fake: FakeMetaStudio, tmp_path: Path
) -> None:
    fake.files["notes.pdf"] = b"%PDF-1.4 review" * 100
    with make_client(fake) as client:
        path = client.download(
            "https://obs.example.com/files/notes.pdf?X-Signature=abc",
            tmp_path,
            name="../../etc/passwd",
        )
    assert path == tmp_path / "passwd" and path.read_bytes() == fake.files["notes.pdf"]
    headers = fake.seen[-1]["headers"]
    for name in ("authorization", "x-auth-token", "x-security-token", "x-project-id", "x-sdk-date"):
        assert name not in headers
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_download_refuses_plain_http_and_oversize(fake: FakeMetaStudio, tmp_path: Path) -> None:
    with pytest.raises(ApiRequestError, match="non-https"):
        api.download_attachment("http://obs.example.com/files/a", tmp_path)
    fake.files["big"] = b"x" * 5000
    with pytest.raises(ApiResponseError, match="cap"):
        api.download_attachment(
            "https://obs.example.com/files/big",
            tmp_path,
            max_bytes=1000,
            transport=fake.transport(),
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("../../etc/passwd", "https://x/a", "passwd"),
        ("C:\\Users\\x\\review.docx", "https://x/a", "review.docx"),
        (None, "https://x/dir/%E5%AE%A1%E6%A0%B8.pdf?sig=1", "审核.pdf"),
        ("..", "https://x/", "attachment"),
        ("a:b|c?.txt", "https://x/", "bc.txt"),  # "a:" is a drive,
    ],
)
def test_safe_file_name(name: str | None, url: str, expected: str) -> None:
    assert api.safe_file_name(name, url) == expected


# --- integration: a real HTTP server on 127.0.0.1 --------------------------------------------


@pytest.mark.integration
def test_real_server_signature_and_faults(fake: FakeMetaStudio) -> None:
    fake.faults += [
        error(429, "APIGW.0308", "throttled", **{"Retry-After": "2"}),
        error(503, "APIGW.0201", "busy"),
        error(503, "APIGW.0201", "busy"),
        Reply(drop=True),
    ]
    clock = FakeClock()
    with serve(fake) as url, make_client(fake, endpoint=url, transport=None, clock=clock) as client:
        got = client.show_job_audit_result("job-1")
        assert got.response.content == fake.audits["job-1"]
        assert clock.sleeps[0] == 2.0 and len(clock.sleeps) == 4
        assert fake.seen[-1]["verified"] == "aksk"
        # 400 MSS error: not retried, code + message + request id
        with pytest.raises(
            ApiRequestError, match=r"MSS.00000003: job nope not found \(request id req-"
        ):
            client.show_job("nope")
        # 401 from the server's own signature check
        fake.sk = "rotated"
        with pytest.raises(CredentialsError, match="APIGW.0301"):
            client.show_job("job-1")


@pytest.mark.integration
def test_real_server_slow_response_times_out(fake: FakeMetaStudio) -> None:
    fake.faults += [Reply(delay=0.6), Reply(delay=0.6)]
    policy = api.RetryPolicy(max_attempts=2, backoff_base_s=0.01)
    with (
        serve(fake) as url,
        make_client(fake, endpoint=url, transport=None, read_timeout_s=0.2, retry=policy) as client,
    ):
        with pytest.raises(ApiUnavailableError, match="timed out"):
            client.show_job("job-1")
    fake.faults += [Reply(delay=0.6)]
    with (
        serve(fake) as url,
        make_client(fake, endpoint=url, transport=None, read_timeout_s=0.2) as client,
    ):
        assert client.show_job("job-1").job.job_id == "job-1"  # the retry succeeds


@pytest.mark.integration
def test_official_sdk_client_against_the_same_server(
    fake: FakeMetaStudio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK's own client passes the same server check, and our Authorization matches it."""
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkmetastudio.v1 import MetaStudioClient, ShowJobAuditResultRequest

    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    with serve(fake) as url:
        sdk = (
            MetaStudioClient.new_builder()
            .with_http_config(HttpConfig.get_default_config())
            .with_credentials(BasicCredentials(AK, SK, PROJECT))
            .with_endpoints([url])
            .build()
        )
        sdk.preset_headers = {"X-Sdk-Date": "20240101T000000Z"}
        response = sdk.show_job_audit_result(ShowJobAuditResultRequest(job_id="job-1"))
        assert response.status_code == 200
        sdk_seen = fake.seen[-1]
        assert sdk_seen["verified"] == "aksk"
        fixed = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        ours = api.MetaStudioClient(
            api.ClientSettings(
                endpoint=url, project_id=PROJECT, user_agent=sdk_seen["headers"]["user-agent"]
            ),
            api.AkSkCredentials(AK, SK),
            date_clock=lambda: fixed,
        )
        with ours:
            ours.show_job_audit_result("job-1")
    our_seen = fake.seen[-1]
    assert our_seen["verified"] == "aksk"
    assert our_seen["path"] == sdk_seen["path"] and our_seen["query"] == sdk_seen["query"]
    assert our_seen["headers"]["authorization"] == sdk_seen["headers"]["authorization"]
    assert json.loads(response.raw_content) == json.loads(fake.audits["job-1"])
