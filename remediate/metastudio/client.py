"""The MetaStudio voice-training API client: the only module that imports httpx.

Read operations (docs/metastudio-api.md §2–§5, §12, §13): ShowJobAuditResult, ShowVoiceTrainingJob,
ListVoiceTrainingJob, ListJobOperationLog and ShowTenantDurationCfg, plus the streaming
download of a review attachment. Two kinds of
authentication as :class:`httpx.Auth`: AK/SK signing (:mod:`remediate.metastudio.signing`) and an
IAM token. Faults are survived where that is safe and otherwise end in one clear
:class:`~remediate.errors.ApiError`::

    no credentials, HTTP 401/403             → CredentialsError     (exit 7)
    other 4xx (MSS error_code, request id)   → ApiRequestError      (exit 8)
    429/500/502/503/504, timeouts, dropped
      connections, after the retry budget    → ApiUnavailableError  (exit 9)
    body not JSON, wrong shape, over the cap → ApiResponseError     (exit 10)

Retries use exponential backoff with jitter, honour ``Retry-After``, and are bounded by
attempts and by total time; ``sleep`` and ``clock`` are injectable so tests run fast.
Secrets (SK, security token, IAM token) never enter a message, a log line or a repr:
server-provided text is scrubbed of them before it is shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import ipaddress
import json
import os
import random
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import httpx

from remediate._version import __version__
from remediate.errors import (
    ApiError,
    ApiRequestError,
    ApiResponseError,
    ApiUnavailableError,
    ConfigError,
    CredentialsError,
    OutputError,
)
from remediate.files import ensure_out_dir
from remediate.metastudio import signing
from remediate.metastudio.defaults import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_TIME_S,
    DEFAULT_READ_TIMEOUT_S,
    ENV_AK,
    ENV_AUTH_TOKEN,
    ENV_PROJECT_ID,
    ENV_SECURITY_TOKEN,
    ENV_SK,
    REGIONS,
)
from remediate.metastudio.models import (
    ApiResponse,
    AuditResultResponse,
    JobResponse,
    OperationLog,
    TenantDurationCfg,
    TrainingJob,
    _item,
    _Reader,
    decode_json_object,
    parse_audit_result,
    parse_job,
    parse_operation,
    parse_tenant_duration_cfg,
)
from remediate.safetext import Redactor

DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024
#: Wall-clock bound on one attachment download, however the bytes trickle in.
DEFAULT_ATTACHMENT_DEADLINE_S = 900.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PAGE_SIZE = 100
_T = TypeVar("_T")
#: Guard against a server whose ``count`` never stops growing.
MAX_PAGES = 10_000

_PREFIX = "/v1/{project_id}/voice-training-manage"
#: Headers left unsigned: transport/hop-by-hop ones a proxy may alter, and ``Accept``,
#: which the official client also sends unsigned (so our Authorization matches it).
_UNSIGNED_HEADERS = frozenset(
    {
        "accept",
        "authorization",
        "connection",
        "keep-alive",
        "accept-encoding",
        "content-length",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
    }
)

#: Fix hints for the MSS/APIG codes docs/metastudio-api.md explains (§1, §10).
ERROR_HINTS: dict[str, str] = {
    "APIGW.0301": "the IAM authentication information is wrong: check the AK/SK or token",
    "APIGW.0308": "the API gateway throttled the request: wait and retry",
    "MSS.00000001": "unauthorized: check the AK/SK or token",
    "MSS.00000002": "the request body is invalid",
    "MSS.00000003": "a request parameter is invalid (check the job id and the query)",
    "MSS.000000004": "authentication failed (403): check the credentials' permissions",
    "MSS.00010003": "API not found: check the endpoint and the region",
    "MSS.00010004": "wrong HTTP method for this API",
    "MSS.00010008": "the token is invalid or expired: get a new one",
    "MSS.00010009": "the project id in the URL is not the token's: check --project-id",
    "MSS.10000002": "the request body must be JSON",
    "MSS.10000003": "parameter validation failed (check the job id and the query)",
    "MSS.00021016": "token validation failed: get a new token",
}


# --- endpoints ------------------------------------------------------------------


def endpoint_for(region: str) -> str:
    """The MetaStudio base URL of a region id."""
    if region not in REGIONS:
        raise ConfigError(
            f"unknown region {region!r}", hint=f"use one of {', '.join(REGIONS)} or --endpoint URL"
        )
    return f"https://metastudio.{region}.myhuaweicloud.com"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str) -> str:
    """Validate a base URL: https, or plain http to a loopback host only; no query or user."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"endpoint is not an http(s) URL: {url!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"endpoint {url!r} is plain http",
            hint="use https; plain http is accepted for loopback test servers only",
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ConfigError("endpoint must not carry a user, password, query or fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


# --- credentials ----------------------------------------------------------------


class AkSkCredentials:
    """Permanent or temporary (with security token) access keys. Never shown in a repr."""

    __slots__ = ("ak", "sk", "security_token")
    kind = "AK/SK"

    def __init__(self, ak: str, sk: str, security_token: str | None = None) -> None:
        if not ak or not sk:
            raise CredentialsError("both the access key and the secret key are needed")
        self.ak = ak
        self.sk = sk
        self.security_token = security_token or None

    def secrets(self) -> tuple[str, ...]:
        """The values that must never be shown (the AK too: it names the account)."""
        return tuple(s for s in (self.ak, self.sk, self.security_token) if s)

    def __repr__(self) -> str:
        temporary = ", temporary" if self.security_token else ""
        return f"AkSkCredentials(<hidden>{temporary})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AkSkCredentials):
            return NotImplemented
        return self.secrets() == other.secrets()

    __hash__ = None  # type: ignore[assignment]


class TokenCredentials:
    """An IAM token sent as ``X-Auth-Token``. Never shown in a repr."""

    __slots__ = ("token",)
    kind = "IAM token"

    def __init__(self, token: str) -> None:
        if not token:
            raise CredentialsError("the IAM token is empty")
        self.token = token

    def secrets(self) -> tuple[str, ...]:
        """The values that must never be shown."""
        return (self.token,)

    def __repr__(self) -> str:
        return "TokenCredentials(<hidden>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TokenCredentials):
            return NotImplemented
        return self.token == other.token

    __hash__ = None  # type: ignore[assignment]


Credentials = AkSkCredentials | TokenCredentials


class AkSkAuth(httpx.Auth):
    """Sign every request with ``SDK-HMAC-SHA256`` (re-signed on each retry).

    Adds ``X-Project-Id`` and, for temporary credentials, ``X-Security-Token`` before
    signing, so both are signed; every header httpx sends is signed except hop-by-hop
    and transport ones. The URL query is rewritten to the canonical query string, so
    what is sent is exactly what was signed.
    """

    requires_request_body = True

    def __init__(
        self,
        credentials: AkSkCredentials,
        project_id: str | None = None,
        *,
        date_clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._credentials = credentials
        self._project_id = project_id
        self._date_clock = date_clock

    def __repr__(self) -> str:
        return "AkSkAuth(<hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._project_id:
            request.headers["X-Project-Id"] = self._project_id
        if self._credentials.security_token:
            request.headers["X-Security-Token"] = self._credentials.security_token
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in _UNSIGNED_HEADERS
        }
        raw_path = request.url.raw_path.decode("ascii")
        path = raw_path.split("?", 1)[0]
        query = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
        signed = signing.sign(
            ak=self._credentials.ak,
            sk=self._credentials.sk,
            method=request.method,
            host=request.url.netloc.decode("ascii"),
            path=path,
            query=query,
            headers=headers,
            body=request.content,
            clock=self._date_clock,
        )
        for name, value in signed.headers.items():
            request.headers[name] = value
        request.url = request.url.copy_with(query=signed.query.encode("ascii") or None)
        yield request


class TokenAuth(httpx.Auth):
    """Send an IAM token as ``X-Auth-Token``."""

    def __init__(self, credentials: TokenCredentials) -> None:
        self._credentials = credentials

    def __repr__(self) -> str:
        return "TokenAuth(<hidden>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Auth-Token"] = self._credentials.token
        yield request


# --- the client -----------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying: attempts, total seconds, and the backoff curve."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    max_total_s: float = DEFAULT_MAX_RETRY_TIME_S
    backoff_base_s: float = 0.5
    backoff_max_s: float = 20.0
    statuses: frozenset[int] = RETRY_STATUSES

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Exponential delay before attempt ``attempt + 1``, with jitter in [50%, 100%]."""
        delay = min(self.backoff_max_s, self.backoff_base_s * 2.0 ** (attempt - 1))
        return float(delay * rng.uniform(0.5, 1.0))


@dataclass(frozen=True)
class ClientSettings:
    """Where and how to call the API (no secrets here)."""

    endpoint: str
    project_id: str
    connect_timeout_s: float = DEFAULT_CONNECT_TIMEOUT_S
    read_timeout_s: float = DEFAULT_READ_TIMEOUT_S
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    attachment_deadline_s: float = DEFAULT_ATTACHMENT_DEADLINE_S
    user_agent: str = f"remediate/{__version__}"


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` (seconds or an HTTP date) into seconds from now; None if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        current = now if now is not None else time.time()
        return max(0.0, when.timestamp() - current)
    if seconds != seconds or seconds < 0:  # NaN or negative
        return None
    return seconds


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
        return _one_line(self._redact(raw), 80) if raw else None

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
                    raise self._http_error(operation, status, headers, content, url)
                failure = f"HTTP {status}" + (f" (request id {request_id})" if request_id else "")
                retry_after = retry_after_seconds(headers.get("Retry-After"))
            elapsed = self._clock() - start
            delay = retry_after if retry_after is not None else policy.backoff(attempt, self._rng)
            if attempt >= policy.max_attempts or elapsed + delay > policy.max_total_s:
                why = (
                    f"the server asked to wait {delay:.0f} s, beyond the retry budget"
                    if retry_after is not None and attempt < policy.max_attempts
                    else f"gave up after {attempt} attempt{'s' if attempt > 1 else ''} "
                    f"in {elapsed:.1f} s"
                )
                raise ApiUnavailableError(
                    f"{operation}: MetaStudio is unavailable: {failure}; {why}",
                    url=url,
                    hint="try again later, or raise --max-attempts / --max-retry-time",
                )
            self._sleep(delay)

    def _http_error(
        self,
        operation: str,
        status: int,
        headers: httpx.Headers,
        content: bytes,
        url: str,
    ) -> ApiError:
        code: str | None = None
        msg: str | None = None
        body_request_id: str | None = None
        try:
            doc = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            doc = None
        if isinstance(doc, dict):
            raw_code = doc.get("error_code")
            raw_msg = doc.get("error_msg", doc.get("error_message"))
            code = _one_line(raw_code, 40) if isinstance(raw_code, str) and raw_code else None
            msg = _one_line(raw_msg) if isinstance(raw_msg, str) and raw_msg else None
            rid = doc.get("request_id")
            body_request_id = self._request_id(rid) if isinstance(rid, str) else None
        request_id = self._request_id(headers.get("X-Request-Id")) or body_request_id
        detail = f"HTTP {status}"
        if code:
            detail += f" {code}"
        if msg:
            detail += f": {msg}"
        if request_id:
            detail += f" (request id {request_id})"
        hint = ERROR_HINTS.get(code or "")
        if status in (401, 403):
            if self._credential_kind == "IAM token":
                which = (
                    f"the IAM token in {ENV_AUTH_TOKEN} (expired, revoked or for another project?)"
                )
            elif self._temporary:
                which = (
                    f"the temporary AK/SK and {ENV_SECURITY_TOKEN} (expired? all three "
                    "must come from the same issue)"
                )
            else:
                which = f"{ENV_AK} / {ENV_SK} (wrong, disabled, or lacking MetaStudio permissions?)"
            cls: type[ApiError] = CredentialsError
            message = f"{operation}: MetaStudio rejected the credentials: {detail}"
            hint = (hint + "; " if hint else "") + f"check {which}"
            if status == 403:
                hint += "; also check that --project-id belongs to this account and region"
        else:
            cls = ApiRequestError
            message = f"{operation}: MetaStudio refused the request: {detail}"
            if hint is None and status == 404:
                hint = "check the job id, --project-id and the region"
        if 300 <= status < 400:
            cls = ApiResponseError
            message = f"{operation}: unexpected redirect ({detail}); redirects are not followed"
            hint = "check --endpoint"
        return cls(
            self.scrub(message),
            status_code=status,
            error_code=code,
            request_id=request_id,
            url=url,
            hint=self.scrub(hint) if hint else None,
        )

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
                top = _Reader(doc, "", op)
                count = top.integer("count")
                page = top.array(key) or []
                for i, item in enumerate(page):
                    doc_i = dict(_item(item, f"{key}[{offset + i}]", op).doc)
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


# --- attachment download --------------------------------------------------------


def safe_file_name(name: str | None, url: str) -> str:
    """A plain file name: any directory part (POSIX or Windows) stripped; never empty or dots."""
    candidates = [name or "", unquote(urlsplit(url).path)]
    for raw in candidates:
        base = PureWindowsPath(PurePosixPath(raw).name).name
        base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*').strip()
        if base and base.strip(".") and base not in (".", ".."):
            return base[:200]
    return "attachment"


def download_attachment(
    url: str,
    dest_dir: Path,
    *,
    name: str | None = None,
    max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    deadline_s: float = DEFAULT_ATTACHMENT_DEADLINE_S,
    timeout: httpx.Timeout | None = None,
    transport: httpx.BaseTransport | None = None,
) -> Path:
    """Download a pre-signed attachment URL into ``dest_dir``, streaming, with a size cap.

    https only (plain http for loopback hosts); a fresh client with no auth and no
    default headers, so none of our credentials reach the storage host; no redirects.
    The file is written to a temporary name and renamed when complete; the whole download
    ends within ``deadline_s`` of wall-clock time. ``dest_dir`` is only left behind when
    the download succeeds (or it existed before).
    Raises ApiRequestError for a refused URL or HTTP error, ApiResponseError over the
    cap, ApiUnavailableError on a network failure or past the deadline, OutputError when
    it cannot be written.
    """
    parts = urlsplit(url)
    op = "attachment download"
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname)
    ):
        raise ApiRequestError(
            f"{op}: refused a non-https attachment URL ({parts.scheme or '?'}://)"
        )
    file_name = safe_file_name(name, url)
    created = not dest_dir.exists()
    ensure_out_dir(dest_dir)
    target = dest_dir / file_name
    tmp = dest_dir / f".{file_name}.part-{os.getpid()}"
    deadline = time.monotonic() + deadline_s
    try:
        with (
            httpx.Client(
                transport=transport,
                timeout=timeout or httpx.Timeout(10.0, read=60.0),
                follow_redirects=False,
                trust_env=False,
            ) as http,
            http.stream("GET", url) as resp,
        ):
            if resp.status_code != 200:
                raise ApiRequestError(
                    f"{op}: the storage host answered HTTP {resp.status_code}",
                    status_code=resp.status_code,
                    hint="the pre-signed URL may have expired: fetch the audit result again",
                )
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ApiResponseError(f"{op}: {declared} bytes is over the {max_bytes} byte cap")
            size = 0
            with tmp.open("wb") as fh:
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise ApiResponseError(f"{op}: over the {max_bytes} byte cap")
                    if time.monotonic() > deadline:
                        raise ApiUnavailableError(
                            f"{op}: not complete after {deadline_s:.0f} s ({size} bytes)"
                        )
                    fh.write(chunk)
        os.replace(tmp, target)
    except httpx.HTTPError as exc:
        raise ApiUnavailableError(f"{op}: {type(exc).__name__}") from None
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}", path=target) from None
    finally:
        if tmp.exists():
            tmp.unlink()
        if created and not target.exists():
            with contextlib.suppress(OSError):
                dest_dir.rmdir()  # only when empty: a failed download leaves no folder
    return target
