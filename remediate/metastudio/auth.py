"""Credentials and how they ride on a request: AK/SK (permanent or temporary) or an IAM
token, each sent by an :class:`httpx.Auth` (:class:`AkSkAuth` signs with
:mod:`remediate.metastudio.signing`; :class:`TokenAuth` sets ``X-Auth-Token``).

Secrets (AK, SK, security token, IAM token) never appear in a repr or an equality message;
:meth:`~AkSkCredentials.secrets` lists what the client scrubs from anything it shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from urllib.parse import parse_qsl

import httpx

from remediate.errors import CredentialsError
from remediate.metastudio import signing

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
