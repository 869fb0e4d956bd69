"""A server that drips its body a byte at a time never holds a call past its wall-clock
budget (issue 8.6): per-read timeouts alone would wait forever. Real 127.0.0.1 server."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fake_metastudio import AK, PROJECT, SK

from remediate.errors import ApiUnavailableError
from remediate.metastudio.client import download_attachment

pytestmark = pytest.mark.integration

#: A hang is anything past this; the budgets under test are a few seconds.
HANG_S = 90


@pytest.fixture
def dripping() -> Iterator[str]:
    """A server whose every answer announces 1 MB and then sends one byte per 0.2 s."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                self.wfile.write(b"{")
                while not stop.is_set():
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass  # the client gave up: what the test wants

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def test_api_body_dripping_ends_by_the_retry_budget(dripping: str) -> None:
    env = {"HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK, "PATH": "/usr/bin:/bin"}
    args = [sys.executable, "-m", "remediate", "jobs", "--project-id", PROJECT]
    args += ["--endpoint", dripping, "--read-timeout", "5", "--max-retry-time", "2"]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=HANG_S)
    assert done.returncode == 9, done.stderr
    assert done.stderr.startswith("Error: ListVoiceTrainingJob: MetaStudio is unavailable")
    assert "timed out" in done.stderr and "Traceback" not in done.stderr


def test_attachment_dripping_ends_by_its_deadline(dripping: str, tmp_path: Path) -> None:
    dest = tmp_path / "attachments"
    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(download_attachment, f"{dripping}/files/a.pdf", dest, deadline_s=1.0)
        with pytest.raises(ApiUnavailableError, match="not complete after 1 s"):
            future.result(timeout=HANG_S)
    assert not dest.exists()  # no empty attachments/ after a failed download
