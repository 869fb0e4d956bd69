"""Where and how to call MetaStudio, with no secrets and no HTTP library: the endpoint of a
region and the check of a given base URL (https, or plain http to loopback only), the
timeouts, size caps and retry policy of :class:`ClientSettings`, and ``Retry-After`` parsing.

Retries use exponential backoff with jitter, honour ``Retry-After``, and are bounded by
attempts and by total time (:class:`RetryPolicy`); the client applies them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import ipaddress
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from remediate._version import __version__
from remediate.errors import ConfigError
from remediate.metastudio.defaults import (
    DEFAULT_CONNECT_TIMEOUT_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_TIME_S,
    DEFAULT_READ_TIMEOUT_S,
    REGIONS,
)

DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 512 * 1024 * 1024
#: Wall-clock bound on one attachment download, however the bytes trickle in.
DEFAULT_ATTACHMENT_DEADLINE_S = 900.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


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
