"""The streaming download of a review attachment (a pre-signed storage URL the audit result
names): https only, no credentials sent, no redirects, a size cap and a wall-clock deadline,
written to a temporary name and renamed when complete.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import unquote, urlsplit

import httpx

from remediate.errors import ApiRequestError, ApiResponseError, ApiUnavailableError, OutputError
from remediate.files import ensure_out_dir
from remediate.metastudio.settings import (
    DEFAULT_ATTACHMENT_DEADLINE_S,
    DEFAULT_MAX_ATTACHMENT_BYTES,
    is_loopback,
)

_OP = "attachment download"


def safe_file_name(name: str | None, url: str) -> str:
    """A plain file name: any directory part (POSIX or Windows) stripped; never empty or dots."""
    candidates = [name or "", unquote(urlsplit(url).path)]
    for raw in candidates:
        base = PureWindowsPath(PurePosixPath(raw).name).name
        base = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*').strip()
        if base and base.strip(".") and base not in (".", ".."):
            return base[:200]
    return "attachment"


def _write_capped(
    resp: httpx.Response, tmp: Path, max_bytes: int, deadline: float, deadline_s: float
) -> None:
    """Stream a 200 answer's body into ``tmp``: at most ``max_bytes``, done by ``deadline``
    (``time.monotonic``), else ApiResponseError / ApiUnavailableError."""
    op = _OP
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
    op = _OP
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
            _write_capped(resp, tmp, max_bytes, deadline, deadline_s)
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
