"""The server process honours the container contract: ``docker stop`` (SIGTERM) exits 0.

These run the real console entry point in a child process, no container engine needed; the
image itself is checked by ``test_image.py``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.servers import free_port

START_TIMEOUT_S = 20.0
STOP_TIMEOUT_S = 10.0


def _wait_healthy(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited before it became healthy"
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    pytest.fail(f"the server did not become healthy within {START_TIMEOUT_S} s")


@pytest.fixture
def server_process() -> Iterator[subprocess.Popen[bytes]]:
    """``python -m emulator serve`` on a free loopback port, healthy."""
    port = free_port()
    cmd = [sys.executable, "-m", "emulator", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}")
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_sigterm_stops_the_server_with_exit_status_zero(
    server_process: subprocess.Popen[bytes],
) -> None:
    server_process.send_signal(signal.SIGTERM)
    assert server_process.wait(timeout=STOP_TIMEOUT_S) == 0
