"""A fake MetaStudio voice-training API for the tests: checks signatures like the real one.

The same :class:`FakeMetaStudio` answers through ``httpx.MockTransport`` (unit tests) and
through a real ``http.server`` on 127.0.0.1 (integration tests). It verifies every AK/SK
signature server-side with the official SDK's signer *and* with ours, from the headers
actually received, and plays scripted faults (status codes, Retry-After, dropped
connections, slow answers).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from remediate.metastudio import signing

AK = "AKFAKE0000000001"
SK = "SKfake/secret+value0000000000000001"
PROJECT = "proj0001"
AUTH_RE = re.compile(
    r"SDK-HMAC-SHA256 Access=(?P<ak>[^,]+), SignedHeaders=(?P<names>[^,]+), "
    r"Signature=(?P<sig>[0-9a-f]{64})$"
)

AUDIT = {
    "system_audit_result": {
        "audit_time": 1764050400,
        "errors": [
            {
                "audio_name": "audio_3.wav",
                "text_name": "text_3.txt",
                "error_code": "MSS.20020011",
                "error_message": "音频格式错误 wrong audio format",
                "unknown_extra": {"nested": [1, 2]},
            },
            {
                "audio_name": "audio_9.wav",
                "text_name": "text_9.txt",
                "error_code": "MSS.20020019",
                "error_message": "Audio volume too high.",
            },
        ],
    },
    "admin_audit_result": {
        "message": "see attachment",
        "attachment_name": "../../etc/review notes.pdf",
        "attachment_url": None,
        "audit_time": 1764050500000,
    },
    "new_top_level_field": True,
}


def audit_bytes(doc: dict[str, Any] | None = None) -> bytes:
    """An audit body with odd-but-valid formatting, so byte-exact copies are tested."""
    text = json.dumps(doc if doc is not None else AUDIT, ensure_ascii=False, indent=3)
    return ("\n" + text.replace(": ", " :  ") + "\n\n").encode("utf-8")


def _prop(expected: str, actual: str, zh: str, en: str, status: int) -> dict[str, Any]:
    return {
        "expected": expected,
        "actual": actual,
        "suggestion": zh,
        "suggestion_en": en,
        "status": status,
    }


#: A training job's ``assess_result`` as the SDK models it (AssessResult / AssessProperty):
#: strings for expected/actual, an int status, one dimension out of range (snr).
ASSESS: dict[str, Any] = {
    "speed": _prop("3.0-6.0", "4.1", "语速正常", "Speaking rate is normal", 0),
    "sound": _prop("-30--10", "-21.5", "音量正常", "Volume is normal", 0),
    "snr": _prop(">=30", "18.2", "背景噪声较大", "Background noise is too loud", 1),
    "reverb": _prop("<=0.5", "0.3", "混响正常", "Reverberation is normal", 0),
    "dnsmos_ovrl": _prop(">=3.0", "2.7", "音质偏低", "Overall quality is low", 1),
    "dnsmos_bak": _prop(">=3.5", "3.1", "背景噪声可闻", "Background noise is audible", 1),
    "suggestion": "请在安静的环境中重新录制",
    "future_dimension": {"expected": "?"},
}


def job_doc(job_id: str, job_type: str = "BASIC", state: str = "AUDIT_FAILED") -> dict[str, Any]:
    return {
        "job_id": job_id,
        "job_type": job_type,
        "state": state,
        "voice_name": f"voice {job_id}",
        "language": "CN",
        "sex": "FEMALE",
        "reject_times": 1,
        "create_time": 1764000000000,
        "lastupdate_time": 1764050400,
        "is_remake": False,
        "assess_result": json.loads(json.dumps(ASSESS)),
        "some_future_field": "ignored",
    }


def sdk_authorization(
    method: str, raw_path: str, query: str, headers: dict[str, str], body: bytes, sk: str
) -> tuple[str, str]:
    """Recompute the Authorization of a received request with the SDK and with ours."""
    match = AUTH_RE.match(headers.get("authorization", ""))
    if not match:
        return "", ""
    names = match["names"].split(";")
    signed_headers = {name: headers.get(name, "") for name in names}
    pairs = parse_qsl(query, keep_blank_values=True)
    request = SdkRequest(
        method=method,
        schema="http",
        host=headers.get("host", ""),
        resource_path=raw_path,
        query_params=pairs,
        header_params=dict(signed_headers),
        body=body,
    )
    Signer(BasicCredentials(ak=match["ak"], sk=sk)).sign(request)
    ours = signing.sign(
        ak=match["ak"],
        sk=sk,
        method=method,
        host=headers.get("host", ""),
        path=raw_path,
        query=pairs,
        headers=signed_headers,
        body=body,
    )
    return request.header_params["Authorization"], ours.headers["Authorization"]


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (slow server)
    drop: bool = False  # close the connection without an answer


def error(status: int, code: str, msg: str, **headers: str) -> Reply:
    body = json.dumps({"error_code": code, "error_msg": msg}).encode()
    return Reply(status, body, {"Content-Type": "application/json", **headers})


#: A tenant whose bounds equal the documented totals (BASIC 3-10 min, MIDDLE 10-30 min).
TENANT_CFG: dict[str, Any] = {
    "tenant_id": "tenant-0",
    "basic_min": 180,
    "basic_max": 600,
    "basic_advice_value": 300,
    "middle_min": 600,
    "middle_max": 1800,
    "middle_advice_value": 900,
}


@dataclass
class FakeMetaStudio:
    ak: str = AK
    sk: str = SK
    project_id: str = PROJECT
    token: str | None = None  # accept this X-Auth-Token instead of AK/SK
    security_token: str | None = None  # require this X-Security-Token (temporary AK/SK)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    audits: dict[str, bytes] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # /files/<name> → bytes, no auth
    faults: list[Reply] = field(default_factory=list)  # played in order, one per API call
    seen: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    op_logs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # ListJobOperationLog
    routes: dict[str, Reply] = field(default_factory=dict)  # path after /user/jobs → fixed reply
    # ShowTenantDurationCfg body (integer seconds); None answers 404
    tenant_cfg: dict[str, Any] | None = field(default_factory=lambda: dict(TENANT_CFG))

    def add_job(
        self,
        job_id: str,
        job_type: str = "BASIC",
        audit: bytes | None = None,
        *,
        reject_times: int = 1,
        voice_name: str | None = None,
        batch_name: str | None = None,
    ) -> None:
        self.jobs[job_id] = job_doc(job_id, job_type)
        self.jobs[job_id]["reject_times"] = reject_times
        if voice_name is not None:
            self.jobs[job_id]["voice_name"] = voice_name
        if batch_name is not None:
            self.jobs[job_id]["batch_name"] = batch_name
        self.audits[job_id] = audit if audit is not None else audit_bytes()
        self.op_logs.setdefault(job_id, [])
        self.reject(job_id, "audit rejected")

    def reject(self, job_id: str, reason: str) -> None:
        """Record an AUDIT_NOT_PASS operation in the job's log (newest last)."""
        log = self.op_logs.setdefault(job_id, [])
        log.append(
            {
                "operation_time": 1764050400 + len(log),
                "action": "AUDIT_NOT_PASS",
                "external_info": {"admin_audit_failure_reason": reason, "review_id_list": []},
            }
        )

    def _json(self, doc: Any) -> Reply:
        return Reply(200, json.dumps(doc).encode(), {"Content-Type": "application/json"})

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Reply:
        """Answer one request; ``headers`` have lowercase names."""
        parts = urlsplit(target)
        with self.lock:
            self.counter += 1
            rid = f"req-{self.counter:04d}"
            entry = {
                "method": method,
                "path": parts.path,
                "query": parts.query,
                "headers": headers,
                "verified": None,
            }
            self.seen.append(entry)
            if parts.path.startswith("/files/"):
                data = self.files.get(unquote(parts.path[len("/files/") :]))
                return Reply(200, data) if data is not None else Reply(404, b"no such file")
            if self.faults:
                reply = self.faults.pop(0)
                reply.headers.setdefault("X-Request-Id", rid)
                return reply
        reply = self._authenticate(method, parts.path, parts.query, headers, body, entry)
        if reply is None:
            reply = self._route(parts.path, parts.query)
        reply.headers.setdefault("X-Request-Id", rid)
        return reply

    def _authenticate(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        body: bytes,
        entry: dict[str, Any],
    ) -> Reply | None:
        if self.token is not None:
            if headers.get("x-auth-token") != self.token:
                return error(401, "MSS.00010008", "token invalid")
            entry["verified"] = "token"
            return None
        auth = headers.get("authorization", "")
        match = AUTH_RE.match(auth)
        if not match or match["ak"] != self.ak:
            return error(401, "APIGW.0301", "Incorrect IAM authentication information")
        names = match["names"].split(";")
        if not {"host", "x-sdk-date", "x-project-id"} <= set(names):
            return error(401, "APIGW.0301", "required headers not signed")
        if self.security_token is not None and (
            headers.get("x-security-token") != self.security_token
            or "x-security-token" not in names
        ):
            return error(401, "APIGW.0301", "security token missing or not signed")
        official, ours = sdk_authorization(method, path, query, headers, body, self.sk)
        if auth != official or auth != ours:
            return error(401, "APIGW.0301", "Incorrect IAM authentication information")
        if signing.canonical_query(parse_qsl(query, keep_blank_values=True)) != query:
            return error(401, "APIGW.0301", "query not canonical")
        if headers.get("x-project-id") != self.project_id:
            return error(403, "MSS.000000004", "project mismatch")
        entry["verified"] = "aksk"
        return None

    def _route(self, path: str, query: str) -> Reply:
        if path == f"/v1/{self.project_id}/voice-training-manage/user/tenant-duration-cfg":
            if self.tenant_cfg is None:
                return error(404, "MSS.00010003", "API not found")
            return self._json(self.tenant_cfg)
        prefix = f"/v1/{self.project_id}/voice-training-manage/user/jobs"
        if not path.startswith(prefix):
            return error(404, "MSS.00010003", "API not found")
        rest = path[len(prefix) :]
        if rest == "":
            q = dict(parse_qsl(query))
            offset, limit = int(q.get("offset", 0)), int(q.get("limit", 10))
            if not 1 <= limit <= 100:
                return error(400, "MSS.00000003", "limit out of range")
            states = set(q["state"].split(",")) if "state" in q else None
            jobs = [j for j in self.jobs.values() if states is None or j["state"] in states]
            return self._json({"count": len(jobs), "jobs": jobs[offset : offset + limit]})
        if rest in self.routes:
            fixed = self.routes[rest]
            return Reply(fixed.status, fixed.body, dict(fixed.headers))
        m = re.fullmatch(r"/([^/]+)(/audit-result|/op-logs)?", rest)
        if not m:
            return error(404, "MSS.00010003", "API not found")
        job_id = unquote(m[1])
        if job_id not in self.jobs:
            return error(400, "MSS.00000003", f"job {job_id} not found")
        if m[2] == "/audit-result":
            return Reply(200, self.audits[job_id], {"Content-Type": "application/json"})
        if m[2] == "/op-logs":
            q = dict(parse_qsl(query))
            offset, limit = int(q.get("offset", 0)), int(q.get("limit", 10))
            ops = self.op_logs.get(job_id, [])
            return self._json({"count": len(ops), "operations": ops[offset : offset + limit]})
        return self._json(self.jobs[job_id])

    # -- adapters -------------------------------------------------------------------

    def transport(self) -> httpx.MockTransport:
        """An httpx transport that answers from this fake (drop → ConnectError, slow → ReadTimeout)."""

        def handler(request: httpx.Request) -> httpx.Response:
            headers = {k.lower(): v for k, v in request.headers.items()}
            reply = self.handle(
                request.method, request.url.raw_path.decode(), headers, request.read()
            )
            if reply.drop:
                raise httpx.RemoteProtocolError("server disconnected", request=request)
            if reply.delay:
                raise httpx.ReadTimeout("timed out", request=request)
            return httpx.Response(reply.status, headers=reply.headers, content=reply.body)

        return httpx.MockTransport(handler)


@contextmanager
def serve(fake: FakeMetaStudio) -> Iterator[str]:
    """Run ``fake`` on a real HTTP server on 127.0.0.1; yield its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = fake.handle(self.command, self.path, headers, body)
            if reply.drop:
                self.close_connection = True
                self.connection.close()
                return
            if reply.delay:
                time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
