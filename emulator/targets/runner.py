"""Asynchronous, concurrent, bounded delivery for targets reached over HTTP.

A sink builds its request on the loop (no awaits), hands the attempt to :class:`HttpRunner` and
raises :class:`~emulator.core.events.delivery.Pending`; the runner sends it in a task of its own
and settles the attempt with the dispatcher when the answer (or the time-out) comes, so the
retry, dead-letter, ledger and chaos logic stays the dispatcher's.

Bounds: at most ``concurrency`` requests in flight per endpoint (scheme, host and port), each
limited to ``timeout`` seconds (EventBridge gives an API destination 5 seconds, user guide,
"API destinations"); a slow endpoint holds up only its own requests. Settling runs on the loop
that owns the state, between awaits, so it needs no lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from emulator.core.events.delivery import Delivery, Dispatcher, Pending
from emulator.core.events.errors import DeliveryFailure
from emulator.core.events.http_targets import HttpRequest, unreachable

log = logging.getLogger("emulator.targets")

Call = Callable[["HttpRunner"], Awaitable[str | None]]


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """What an endpoint answered."""

    status: int
    headers: httpx.Headers
    body: bytes


class HttpRunner:
    """Runs attempts as tasks with one shared HTTP client; a runtime backend named ``targets``."""

    name = "targets"

    def __init__(self, dispatcher: Dispatcher, timeout: float, concurrency: int) -> None:
        self.dispatcher = dispatcher
        self.timeout = timeout
        self.concurrency = concurrency
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._gates: dict[str, asyncio.Semaphore] = {}
        self.sent = 0

    # ------------------------------------------------------------------ runtime backend
    def reset(self) -> None:
        """Abandon the attempts in flight (their deliveries belong to the state just cleared)."""
        for task in tuple(self._tasks):
            task.cancel()

    def state(self) -> dict[str, Any]:
        """Requests in flight and sent, for ``/_emulator/state``."""
        return {"in_flight": len(self._tasks), "sent": self.sent}

    async def start(self) -> None:
        """Nothing to start: the client is made on first use, on the serving loop."""

    async def stop(self) -> None:
        """Cancel what is in flight and close the client."""
        self.reset()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ------------------------------------------------------------------ attempts
    def launch(self, delivery: Delivery, call: Call) -> None:
        """Run ``call`` for the attempt in a task; raises ``Pending`` (or a failure off a loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise unreachable("no event loop runs deliveries") from None
        task = loop.create_task(self._run(delivery, call))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        raise Pending

    async def _run(self, delivery: Delivery, call: Call) -> None:
        try:
            message_id = await call(self)
        except DeliveryFailure as failure:
            self.dispatcher.settle_failure(delivery, failure)
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must not lose the delivery silently
            log.exception("target call failed")
            self.dispatcher.settle_failure(delivery, unreachable(repr(exc)))
            return
        self.dispatcher.settle_success(delivery, message_id)

    async def send(self, request: HttpRequest) -> HttpAnswer:
        """Send within the endpoint's concurrency bound and the time-out; unreachable and
        timed-out endpoints raise a retryable ``DeliveryFailure``."""
        async with self._gate(request.url):
            try:
                reply = await self.client.request(
                    request.method,
                    request.url,
                    headers=request.headers,
                    params=tuple(request.query) if request.query else None,
                    content=request.body,
                )
            except httpx.TimeoutException:
                raise unreachable(f"no answer within {self.timeout:g} seconds") from None
            except httpx.HTTPError as exc:
                raise unreachable(str(exc) or type(exc).__name__) from None
        self.sent += 1
        return HttpAnswer(reply.status_code, reply.headers, reply.content)

    @property
    def client(self) -> httpx.AsyncClient:
        """The shared client, made on the running loop."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout, trust_env=False)
        return self._client

    def _gate(self, url: str) -> asyncio.Semaphore:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = asyncio.Semaphore(self.concurrency)
        return gate
