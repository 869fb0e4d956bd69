"""The AK/SK signer: every vector of docs/metastudio-api.md §8.3, and byte-identical to the official SDK."""

from __future__ import annotations

import datetime as dt
import random
import string

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from remediate.metastudio import signing

SDK_HOST = "service.endpoint.myhuaweicloud.com"
SDK_HEADERS = {"X-Sdk-Date": "20200608T023900Z", "TEST_UNDERSCORE": "TEST_VALUE"}
MS_HOST = "metastudio.cn-north-4.myhuaweicloud.com"
MS_PATH = "/v1/PROJ/voice-training-manage/user/jobs/JOB/audit-result"
MS_AK, MS_SK = "TESTAK1234567890", "TESTSK0987654321abcdef"


def _sdk_vector(method: str, body: bytes) -> signing.Signed:
    return signing.sign(
        ak="AccessKey",
        sk="SecretKey",
        method=method,
        host=SDK_HOST,
        path="/resources",
        query=[("size", "1")],
        headers=SDK_HEADERS,
        body=body,
    )


def test_sdk_vector_get() -> None:
    signed = _sdk_vector("GET", b"")
    assert signed.canonical_request == (
        "GET\n/resources/\nsize=1\nhost:service.endpoint.myhuaweicloud.com\n"
        "x-sdk-date:20200608T023900Z\n\nhost;x-sdk-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert signed.string_to_sign == (
        "SDK-HMAC-SHA256\n20200608T023900Z\n"
        "de94dd1e1ccdb730b403ce35d7e14f7c7b04337f6def1c3a3a2ba936852b133f"
    )
    assert signed.headers["Authorization"] == (
        "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, "
        "Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"
    )
    assert signed.query == "size=1"
    assert signed.headers["TEST_UNDERSCORE"] == "TEST_VALUE"  # sent, not signed


def test_sdk_vector_post() -> None:
    body = b'{"name":"test","id":1}'
    assert (
        signing.payload_hash(body, {})
        == "8ed555081b9961769014bc1182c629bb0fe68d7b01c1fc1caab4dc791f377e8c"
    )
    signed = _sdk_vector("POST", body)
    assert signed.string_to_sign.endswith(
        "2b1b2515e48cb55e043ff2ec5b93d3f13ec287e1da1d7a2e4e14b0611a341969"
    )
    assert signed.headers["Authorization"] == (
        "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, "
        "Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"
    )


def test_sdk_query_vector() -> None:
    query = [
        ("limit", 1),
        ("enable", True),
        ("test", "一 (&=?!#%.*)"),
        ("path", "/tmp/123"),
        ("multi", [1, 2, 3]),
    ]
    assert signing.canonical_query(query) == (
        "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123"
        "&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            {},
            "SDK-HMAC-SHA256 Access=TESTAK1234567890, SignedHeaders=host;x-sdk-date, "
            "Signature=784f1e75c8ebbb138d561c9021b836cadac1c5e036a72d99cda9dcf92720082d",
        ),
        (
            {"X-Project-Id": "PROJ"},
            "SDK-HMAC-SHA256 Access=TESTAK1234567890, SignedHeaders=host;x-project-id;x-sdk-date, "
            "Signature=fa964d7d80cbab4d849fb4d53f913c2310786256f27d9a5ee61bd700556eb524",
        ),
        (
            {
                "Content-Type": "application/json",
                "User-Agent": "huaweicloud-usdk-python/3.0",
                "X-Project-Id": "PROJ",
            },
            "SDK-HMAC-SHA256 Access=TESTAK1234567890, "
            "SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, "
            "Signature=9b8793fca364e9073404c72abf9f8d2149b8e3ae873223ad31b1baed11a3aac6",
        ),
    ],
)
def test_audit_result_vectors(extra: dict[str, str], expected: str) -> None:
    signed = signing.sign(
        ak=MS_AK,
        sk=MS_SK,
        method="GET",
        host=MS_HOST,
        path=MS_PATH,
        headers={"X-Sdk-Date": "20240101T000000Z", **extra},
    )
    assert signed.headers["Authorization"] == expected
    if not extra:
        assert signed.canonical_request == (
            "GET\n/v1/PROJ/voice-training-manage/user/jobs/JOB/audit-result/\n\n"
            "host:metastudio.cn-north-4.myhuaweicloud.com\nx-sdk-date:20240101T000000Z\n\n"
            "host;x-sdk-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
        assert signed.string_to_sign.endswith(
            "c195db2faab8605f682c5e765589f248e6e2bcf7b2dc39bd902f7cb1cbf1abd4"
        )


def test_date_and_host_added_when_absent_and_kept_when_given() -> None:
    fixed = dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    signed = signing.sign(
        ak="a", sk="s", method="GET", host="h.example", path="/x", clock=lambda: fixed
    )
    assert signed.headers["X-Sdk-Date"] == "20240506T070809Z"
    assert signed.headers["Host"] == "h.example"
    given = signing.sign(
        ak="a",
        sk="s",
        method="GET",
        host="h.example",
        path="/x",
        headers={"x-sdk-date": "20200101T000000Z", "host": "other:8443"},
        clock=lambda: fixed,
    )
    assert "X-Sdk-Date" not in given.headers and given.headers["x-sdk-date"] == "20200101T000000Z"
    assert "host:other:8443\n" in given.canonical_request


def test_unsigned_payload_for_non_json_content() -> None:
    signed = signing.sign(
        ak="a",
        sk="s",
        method="PUT",
        host="h",
        path="/up",
        headers={"X-Sdk-Date": "20240101T000000Z", "Content-Type": "audio/wav"},
        body=b"RIFF....",
    )
    assert signed.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    assert signed.canonical_request.endswith("\nUNSIGNED-PAYLOAD")


def test_rejects_empty_keys_and_bad_date() -> None:
    with pytest.raises(ValueError, match="access key"):
        signing.sign(ak="", sk="s", method="GET", host="h", path="/")
    with pytest.raises(ValueError, match="secret key"):
        signing.sign(ak="a", sk="", method="GET", host="h", path="/")
    with pytest.raises(ValueError, match="X-Sdk-Date"):
        signing.sign(ak="a", sk="s", method="GET", host="h", path="/", headers={"X-Sdk-Date": "x"})


def test_signed_repr_hides_authorization() -> None:
    signed = _sdk_vector("GET", b"")
    assert "Signature" not in repr(signed) and "cfb4171a" not in repr(signed)


def test_canonical_uri_examples() -> None:
    assert signing.canonical_uri("/") == "/"
    assert signing.canonical_uri("/a b/c") == "/a%20b/c/"
    assert signing.canonical_uri("/a%20b/") == "/a%20b/"
    assert signing.canonical_uri("/v1/%E4%B8%80~x") == "/v1/%E4%B8%80~x/"


# --- cross-check against huaweicloudsdkcore's Signer on generated requests -------------

_SEGMENT_CHARS = string.ascii_letters + string.digits + " -._~!$&'()*+,;=:@%" + "一é中"
_QUERY_CHARS = string.ascii_letters + string.digits + " -._~!$&'()*+,;=:@/?#[]%\"<>^`{|}" + "一é"


def _text(rng: random.Random, chars: str, lo: int, hi: int) -> str:
    return "".join(rng.choice(chars) for _ in range(rng.randint(lo, hi)))


def _case(rng: random.Random) -> dict[str, object]:
    segments = [_text(rng, _SEGMENT_CHARS, 1, 8) for _ in range(rng.randint(1, 5))]
    path = "/" + "/".join(segments) + ("/" if rng.random() < 0.2 else "")
    keys = [_text(rng, _QUERY_CHARS, 1, 6) for _ in range(rng.randint(0, 4))]
    query: list[tuple[str, str]] = []
    for key in keys:
        for _ in range(rng.randint(1, 3)):  # repeated keys
            query.append((key, _text(rng, _QUERY_CHARS, 0, 10)))
    rng.shuffle(query)
    headers = {"X-Sdk-Date": f"2024{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}T120000Z"}
    for _ in range(rng.randint(0, 5)):
        name = rng.choice(["X-Extra", "X_Under", "User-Agent", "X-Project-Id", "Accept"])
        name += str(rng.randint(0, 9))
        headers[name] = " " * rng.randint(0, 2) + _text(rng, string.printable[:94], 0, 12)
    if rng.random() < 0.3:
        headers["Content-Type"] = rng.choice(["application/json", "application/octet-stream"])
    if rng.random() < 0.2:
        headers["Host"] = "custom.example:8443"
    body = rng.randbytes(rng.randint(0, 64)) if rng.random() < 0.5 else b""
    return {
        "method": rng.choice(["GET", "POST", "PUT", "DELETE", "get"]),
        "path": path,
        "query": query,
        "headers": headers,
        "body": body,
        "ak": _text(rng, string.ascii_letters + string.digits, 8, 20),
        "sk": _text(rng, string.ascii_letters + string.digits + "/+=", 8, 40),
    }


def _official(case: dict[str, object]) -> SdkRequest:
    request = SdkRequest(
        method=case["method"],
        schema="https",
        host="metastudio.cn-north-4.myhuaweicloud.com",
        resource_path=case["path"],
        query_params=list(case["query"]),  # type: ignore[call-overload]
        header_params=dict(case["headers"]),  # type: ignore[call-overload]
        body=case["body"],
    )
    Signer(BasicCredentials(ak=case["ak"], sk=case["sk"])).sign(request)
    return request


def test_byte_identical_to_official_signer_on_generated_requests() -> None:
    rng = random.Random(20240101)
    for i in range(400):
        case = _case(rng)
        ours = signing.sign(
            ak=case["ak"],  # type: ignore[arg-type]
            sk=case["sk"],  # type: ignore[arg-type]
            method=case["method"],  # type: ignore[arg-type]
            host="metastudio.cn-north-4.myhuaweicloud.com",
            path=case["path"],  # type: ignore[arg-type]
            query=case["query"],  # type: ignore[arg-type]
            headers=case["headers"],  # type: ignore[arg-type]
            body=case["body"],  # type: ignore[arg-type]
        )
        official = _official(case)
        assert ours.headers["Authorization"] == official.header_params["Authorization"], (i, case)
        assert sorted(ours.headers) == sorted(official.header_params), (i, case)
        official_query = official.uri.partition("?")[2]
        assert ours.query == official_query, (i, case)
