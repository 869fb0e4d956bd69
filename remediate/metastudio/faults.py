"""How a failed MetaStudio call becomes one clear :class:`~remediate.errors.ApiError`.

Faults are survived where that is safe (the client retries) and otherwise end in::

    no credentials, HTTP 401/403             → CredentialsError     (exit 7)
    other 4xx (MSS error_code, request id)   → ApiRequestError      (exit 8)
    429/500/502/503/504, timeouts, dropped
      connections, after the retry budget    → ApiUnavailableError  (exit 9)
    body not JSON, wrong shape, over the cap → ApiResponseError     (exit 10)

Server-provided text (``error_msg``, request ids) is cut to one line and passed through the
caller's ``scrub`` before it enters a message or a hint: a server may echo our secrets.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from remediate.errors import (
    ApiError,
    ApiRequestError,
    ApiResponseError,
    ApiUnavailableError,
    CredentialsError,
)
from remediate.metastudio.defaults import (
    ENV_AK,
    ENV_AUTH_TOKEN,
    ENV_SECURITY_TOKEN,
    ENV_SK,
)

Scrub = Callable[[str], str]

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


def one_line(text: str, limit: int = 300) -> str:
    """``text`` on one line (whitespace runs collapsed), cut to ``limit`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def request_id(raw: str | None, scrub: Scrub) -> str | None:
    """A server-supplied request id as it may be stored and shown: scrubbed, then cut."""
    return one_line(scrub(raw), 80) if raw else None


def _error_body(content: bytes, scrub: Scrub) -> tuple[str | None, str | None, str | None]:
    """``error_code``, ``error_msg`` (or ``error_message``) and ``request_id`` of an MSS error
    body; None for each one absent, and for all three when the body is not a JSON object."""
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None, None, None
    if not isinstance(doc, dict):
        return None, None, None
    raw_code = doc.get("error_code")
    raw_msg = doc.get("error_msg", doc.get("error_message"))
    code = one_line(raw_code, 40) if isinstance(raw_code, str) and raw_code else None
    msg = one_line(raw_msg) if isinstance(raw_msg, str) and raw_msg else None
    rid = doc.get("request_id")
    return code, msg, request_id(rid, scrub) if isinstance(rid, str) else None


def _credentials_to_check(credential_kind: str, temporary: bool) -> str:
    """Which credentials a 401/403 points at, named by their environment variables."""
    if credential_kind == "IAM token":
        return f"the IAM token in {ENV_AUTH_TOKEN} (expired, revoked or for another project?)"
    if temporary:
        return (
            f"the temporary AK/SK and {ENV_SECURITY_TOKEN} (expired? all three "
            "must come from the same issue)"
        )
    return f"{ENV_AK} / {ENV_SK} (wrong, disabled, or lacking MetaStudio permissions?)"


def http_error(
    operation: str,
    status: int,
    headers: Mapping[str, str],
    content: bytes,
    url: str,
    *,
    credential_kind: str,
    temporary: bool,
    scrub: Scrub,
) -> ApiError:
    """The error for a non-2xx answer that is not retried (or no longer): 401/403 →
    CredentialsError, 3xx → ApiResponseError (redirects are not followed), else
    ApiRequestError; with the MSS code, message, request id and a hint to fix it."""
    code, msg, body_request_id = _error_body(content, scrub)
    rid = request_id(headers.get("X-Request-Id"), scrub) or body_request_id
    detail = f"HTTP {status}"
    if code:
        detail += f" {code}"
    if msg:
        detail += f": {msg}"
    if rid:
        detail += f" (request id {rid})"
    hint = ERROR_HINTS.get(code or "")
    if status in (401, 403):
        cls: type[ApiError] = CredentialsError
        message = f"{operation}: MetaStudio rejected the credentials: {detail}"
        which = _credentials_to_check(credential_kind, temporary)
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
        scrub(message),
        status_code=status,
        error_code=code,
        request_id=rid,
        url=url,
        hint=scrub(hint) if hint else None,
    )


def unavailable(
    operation: str,
    failure: str,
    url: str,
    *,
    attempt: int,
    max_attempts: int,
    elapsed: float,
    delay: float,
    server_asked: bool,
) -> ApiUnavailableError:
    """The error once the retry budget is spent: ``failure`` is the last attempt's fault;
    ``server_asked`` when ``delay`` came from ``Retry-After``."""
    why = (
        f"the server asked to wait {delay:.0f} s, beyond the retry budget"
        if server_asked and attempt < max_attempts
        else f"gave up after {attempt} attempt{'s' if attempt > 1 else ''} in {elapsed:.1f} s"
    )
    return ApiUnavailableError(
        f"{operation}: MetaStudio is unavailable: {failure}; {why}",
        url=url,
        hint="try again later, or raise --max-attempts / --max-retry-time",
    )
