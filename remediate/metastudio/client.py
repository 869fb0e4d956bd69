"""The MetaStudio voice-training API client: the read operations and the retrying GET.

Read operations (docs/metastudio-api.md §2–§5, §12, §13): ShowJobAuditResult, ShowVoiceTrainingJob,
ListVoiceTrainingJob, ListJobOperationLog and ShowTenantDurationCfg (the lists paged through
to the end), plus the streaming download of a review attachment. The package around it:

    settings  endpoints, timeouts, size caps, RetryPolicy, Retry-After (no secrets, no httpx)
    auth      AK/SK or IAM-token credentials and the httpx.Auth that sends them
    faults    HTTP status / MSS error body → one ApiError subclass, with a hint
    download  the pre-signed attachment download (no credentials sent)
    models    the typed results, parsed from what was fetched

The names callers and tests took from this module before the split are re-exported here
(``__all__``); new code imports them from their home module. Retries use exponential backoff with jitter, honour ``Retry-After``, and
are bounded by attempts and by total time; ``sleep`` and ``clock`` are injectable so tests
run fast. Secrets (SK, security token, IAM token) never enter a message, a log line or a
repr: the response body and server-provided text are scrubbed of them before anything
reads them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from remediate.errors import ApiResponseError, ConfigError
from remediate.metastudio import faults, signing
from remediate.metastudio.auth import (
    AkSkAuth,
    AkSkCredentials,
    Credentials,
    TokenAuth,
    TokenCredentials,
)
from remediate.metastudio.defaults import ENV_PROJECT_ID
from remediate.metastudio.download import download_attachment, safe_file_name
from remediate.metastudio.models import (
    ApiResponse,
    AuditResultResponse,
    JobResponse,
    OperationLog,
    TenantDurationCfg,
    TrainingJob,
    parse_audit_result,
    parse_job,
    parse_operation,
    parse_tenant_duration_cfg,
)
from remediate.metastudio.reader import JsonReader, decode_json_object, item_reader
from remediate.metastudio.settings import (
    ClientSettings,
    RetryPolicy,
    check_endpoint,
    endpoint_for,
    retry_after_seconds,
)
from remediate.safetext import Redactor

__all__ = [
    "MAX_PAGES",
    "PAGE_SIZE",
    "AkSkAuth",
    "AkSkCredentials",
    "ClientSettings",
    "Credentials",
    "MetaStudioClient",
    "RetryPolicy",
    "TokenAuth",
    "TokenCredentials",
    "check_endpoint",
    "download_attachment",
    "endpoint_for",
    "retry_after_seconds",
    "safe_file_name",
]

PAGE_SIZE = 100
_T = TypeVar("_T")
#: Guard against a server whose ``count`` never stops growing.
MAX_PAGES = 10_000

_PREFIX = "/v1/{project_id}/voice-training-manage"


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


class MetaStudioClient:
    """A small, robust client for the voice-training read operations.

    Use as a context manager, or call :meth:`close`. ``transport`` replaces the network
    (``httpx.MockTransport`` in tests); ``sleep``, ``clock`` (monotonic seconds) and ``rng``
    make retries deterministic and fast in tests; ``date_clock`` fixes ``X-Sdk-Date``;
    ``redact`` lists more values to scrub from messages (other secrets the caller holds).
    """

    def __init__(
        self,
        settings: ClientSettings,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        date_clock: Callable[[], dt.datetime] | None = None,
        redact: Iterable[str] = (),
    ) -> None:
        if not settings.project_id:
            raise ConfigError("no project id", hint=f"pass --project-id or set {ENV_PROJECT_ID}")
        self.settings = settings
        self.endpoint = check_endpoint(settings.endpoint)
        self._redact = Redactor((*credentials.secrets(), *redact))
        self._credential_kind = credentials.kind
        self._temporary = isinstance(credentials, AkSkCredentials) and bool(
            credentials.security_token
        )
        auth: httpx.Auth
        if isinstance(credentials, AkSkCredentials):
            auth = AkSkAuth(credentials, settings.project_id, date_clock=date_clock)
        else:
            auth = TokenAuth(credentials)
        self._transport = transport
        self._http = httpx.Client(
            auth=auth,
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": settings.user_agent, "Content-Type": "application/json"},
        )
        self._sleep = sleep
        self._clock = clock
        self._rng = rng or random.Random()

    def __repr__(self) -> str:
        return (
            f"MetaStudioClient(endpoint={self.endpoint!r}, credentials=<{self._credential_kind}>)"
        )

    def __enter__(self) -> MetaStudioClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- safety ----------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Replace every secret and ``Authorization``-shaped text in ``text`` with ``***``
        (server text is never trusted)."""
        return self._redact(text)

    def _request_id(self, raw: str | None) -> str | None:
        """A server-supplied request id as it may be stored and shown: scrubbed, then cut."""
        return faults.request_id(raw, self._redact)

    def _path(self, suffix: str) -> str:
        project = quote(self.settings.project_id, safe="")
        return _PREFIX.format(project_id=project) + suffix

    # -- transport with retries ---------------------------------------------------

    def _timeout(self, remaining: float) -> httpx.Timeout:
        connect = max(0.001, min(self.settings.connect_timeout_s, remaining))
        read = max(0.001, min(self.settings.read_timeout_s, remaining))
        return httpx.Timeout(connect=connect, read=read, write=read, pool=connect)

    def _read_capped(self, response: httpx.Response, cap: int, deadline: float) -> bytes:
        """The body, at most ``cap`` bytes, complete before ``deadline`` (on ``clock``): a
        body trickling in a byte at a time never outlasts the call's time budget."""
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise _TooLarge(int(declared))
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise _TooLarge(size)
            if self._clock() > deadline:
                raise httpx.ReadTimeout("the body did not arrive within the time budget")
            chunks.append(chunk)
        return b"".join(chunks)

    def get(
        self,
        operation: str,
        suffix: str,
        params: Iterable[tuple[str, signing.QueryValue]] = (),
    ) -> ApiResponse:
        """GET ``{endpoint}/v1/{project}/voice-training-manage{suffix}`` with retries.

        Returns the 2xx response; raises an ApiError subclass otherwise.
        """
        query = signing.canonical_query(params)
        url = self.endpoint + self._path(suffix) + (f"?{query}" if query else "")
        policy = self.settings.retry
        start = self._clock()
        attempt = 0
        while True:
            attempt += 1
            remaining = policy.max_total_s - (self._clock() - start)
            retry_after: float | None = None
            try:
                with self._http.stream("GET", url, timeout=self._timeout(remaining)) as resp:
                    # Scrubbed before anything reads it: a server may echo our credentials.
                    content = self._redact.body(
                        self._read_capped(
                            resp, self.settings.max_response_bytes, start + policy.max_total_s
                        )
                    )
                    status = resp.status_code
                    headers = resp.headers
            except _TooLarge as exc:
                raise ApiResponseError(
                    f"{operation}: the response is larger than the "
                    f"{self.settings.max_response_bytes} byte cap ({exc.size} bytes or more)",
                    url=url,
                ) from None
            except httpx.TimeoutException as exc:
                failure = f"timed out ({type(exc).__name__})"
            except httpx.TransportError as exc:
                failure = f"connection failed ({type(exc).__name__})"
            else:
                request_id = self._request_id(headers.get("X-Request-Id"))
                if 200 <= status < 300:
                    received = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
                    return ApiResponse(operation, status, request_id, url, content, received)
                if status not in policy.statuses:
                    raise faults.http_error(
                        operation,
                        status,
                        headers,
                        content,
                        url,
                        credential_kind=self._credential_kind,
                        temporary=self._temporary,
                        scrub=self._redact,
                    )
                failure = f"HTTP {status}" + (f" (request id {request_id})" if request_id else "")
                retry_after = retry_after_seconds(headers.get("Retry-After"))
            elapsed = self._clock() - start
            delay = retry_after if retry_after is not None else policy.backoff(attempt, self._rng)
            if attempt >= policy.max_attempts or elapsed + delay > policy.max_total_s:
                raise faults.unavailable(
                    operation,
                    failure,
                    url,
                    attempt=attempt,
                    max_attempts=policy.max_attempts,
                    elapsed=elapsed,
                    delay=delay,
                    server_asked=retry_after is not None,
                )
            self._sleep(delay)

    def _json(self, response: ApiResponse) -> dict[str, Any]:
        with _context(response):
            return decode_json_object(response.content, response.operation)

    # -- operations ----------------------------------------------------------------

    def show_job_audit_result(self, job_id: str) -> AuditResultResponse:
        """ShowJobAuditResult: the review result with per-file errors; raw bytes kept."""
        op = "ShowJobAuditResult"
        response = self.get(op, f"/user/jobs/{_seg(job_id)}/audit-result")
        doc = self._json(response)
        with _context(response):
            return AuditResultResponse(parse_audit_result(doc, op), response)

    def show_job(self, job_id: str) -> JobResponse:
        """ShowVoiceTrainingJob: state, job type, voice name, rejections...; raw bytes kept."""
        op = "ShowVoiceTrainingJob"
        response = self.get(op, f"/user/jobs/{_seg(job_id)}")
        doc = self._json(response)
        with _context(response):
            return JobResponse(parse_job(doc, op), response)

    def _pages(
        self,
        op: str,
        suffix: str,
        key: str,
        params: list[tuple[str, signing.QueryValue]],
        page_size: int,
        parse: Callable[[Mapping[str, Any], str], _T],
    ) -> tuple[list[_T], list[dict[str, Any]], int | None, list[bytes]]:
        """Every page of an ``offset``/``limit`` list, until ``count``, an empty or short page.

        Returns the parsed items, the decoded items as received, the last ``count`` and each
        page's body bytes.
        """
        limit = max(1, min(PAGE_SIZE, page_size))
        parsed: list[_T] = []
        raw: list[dict[str, Any]] = []
        bodies: list[bytes] = []
        count: int | None = None
        offset = 0
        for _ in range(MAX_PAGES):
            response = self.get(op, suffix, [("offset", offset), ("limit", limit), *params])
            bodies.append(response.content)
            doc = self._json(response)
            with _context(response):
                top = JsonReader(doc, "", op)
                count = top.integer("count")
                page = top.array(key) or []
                for i, item in enumerate(page):
                    doc_i = dict(item_reader(item, f"{key}[{offset + i}]", op).doc)
                    raw.append(doc_i)
                    parsed.append(parse(doc_i, op))
            offset += limit
            if not page or (count is not None and offset >= count):
                break
            if count is None and len(page) < limit:
                break
        return parsed, raw, count, bodies

    def list_jobs(
        self, *, state: str | None = None, job_type: str | None = None, page_size: int = PAGE_SIZE
    ) -> list[TrainingJob]:
        """ListVoiceTrainingJob, every page: ``limit`` up to 100, until ``count`` or an empty page.

        ``state`` is comma-separated (``AUDIT_FAILED,FAILED``); ``job_type`` likewise.
        """
        params: list[tuple[str, signing.QueryValue]] = []
        if state:
            params.append(("state", state))
        if job_type:
            params.append(("job_type", job_type))
        jobs, _, _, _ = self._pages(
            "ListVoiceTrainingJob", "/user/jobs", "jobs", params, page_size, parse_job
        )
        return jobs

    def list_job_operation_log(self, job_id: str, *, page_size: int = PAGE_SIZE) -> OperationLog:
        """ListJobOperationLog, every page: the job's audit trail (actions, failure reasons)."""
        suffix = f"/user/jobs/{_seg(job_id)}/op-logs"
        operations, raw, count, bodies = self._pages(
            "ListJobOperationLog", suffix, "operations", [], page_size, parse_operation
        )
        return OperationLog(job_id, count, tuple(operations), tuple(raw), tuple(bodies))

    def show_tenant_duration_cfg(self) -> TenantDurationCfg:
        """ShowTenantDurationCfg: the tenant's duration bounds per edition, integer seconds.

        Whether they bound each clip or the whole recording is not documented.
        """
        op = "ShowTenantDurationCfg"
        response = self.get(op, "/user/tenant-duration-cfg")
        doc = self._json(response)
        with _context(response):
            return replace(parse_tenant_duration_cfg(doc, op), response=response)

    def download(self, url: str, dest_dir: Path, *, name: str | None = None) -> Path:
        """Stream a pre-signed attachment into ``dest_dir``; see :func:`download_attachment`."""
        return download_attachment(
            url,
            dest_dir,
            name=name,
            max_bytes=self.settings.max_attachment_bytes,
            deadline_s=self.settings.attachment_deadline_s,
            timeout=httpx.Timeout(
                self.settings.read_timeout_s, connect=self.settings.connect_timeout_s
            ),
            transport=self._transport,
        )


@contextmanager
def _context(response: ApiResponse) -> Iterator[None]:
    """Attach the response's status, request id and URL to a shape error raised inside."""
    try:
        yield
    except ApiResponseError as exc:
        exc.status_code = response.status_code
        exc.request_id = response.request_id
        exc.url = response.url
        raise


def _seg(value: str) -> str:
    """A path parameter quoted as one segment."""
    return quote(value, safe="")
