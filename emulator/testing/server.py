"""An emulator served by real uvicorn (httptools + uvloop) on a free loopback port, in a thread."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass

import httpx
import uvicorn

from emulator.app import EmulatorApp, create_app
from emulator.core.clock import Clock
from emulator.settings import Settings


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class EmulatorServer:
    """A running in-process server: its app (for white-box access), uvicorn, and URL."""

    app: EmulatorApp
    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def reset(self) -> None:
        """``POST /_emulator/reset`` over HTTP."""
        httpx.post(f"{self.url}/_emulator/reset").raise_for_status()

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(settings: Settings | None = None, clock: Clock | None = None) -> EmulatorServer:
    """Start an emulator on a free port and wait until its health check answers."""
    port = free_port()
    settings = (settings or Settings()).with_overrides(host="127.0.0.1", port=port)
    app = create_app(settings, clock=clock)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    _wait_healthy(url)
    return EmulatorServer(app, server, thread, url)


def _wait_healthy(url: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.02)
    raise RuntimeError(f"the emulator at {url} did not become healthy within {seconds:.0f} s")
