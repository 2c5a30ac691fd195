"""The composition root: ``create_app(settings)`` builds every part and wires them together.

Nothing else in the package constructs backends, clocks or id factories; tests build as many
independent emulators as they like by calling this function.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from emulator import __version__
from emulator.api.dispatch import (
    AwsEndpoint,
    QuerySupport,
    ServiceEndpoint,
)
from emulator.api.events import events_operations
from emulator.api.events_destinations import destination_operations
from emulator.api.faults import ApiFaults
from emulator.api.sqs import sqs_operations
from emulator.chaosflags import startup_chaos
from emulator.config import Applier, InvalidRules, RulesFiles, RulesState, load_rules
from emulator.config import Scope as RulesScope
from emulator.config.endpoints import with_file_endpoints
from emulator.core.chaos import Chaos, Ledger
from emulator.core.clock import Clock, ManualClock, SystemClock
from emulator.core.events import EventsBackend
from emulator.core.events.limits import EventsLimits
from emulator.core.events.observe import EventsObserver
from emulator.core.ids import IdFactory
from emulator.core.sqs.backend import SqsBackend
from emulator.core.sqs.observe import SqsObserver
from emulator.protocol.sqs_names import SQS_QUERY_NAMES, SQS_XML_NAMESPACE
from emulator.runtime import Backend, Emulator
from emulator.settings import Settings
from emulator.targets import TargetSettings, target_sinks

ADMIN_PREFIX = "/_emulator"
HEALTH_PATH = "/_emulator/health"


class EmulatorApp:
    """The ASGI application: ``/_emulator/*`` to the admin app, everything else to AWS.

    The AWS endpoint is a bare ASGI callable rather than a FastAPI route: FastAPI's routing and
    request objects would cost more than all of SendMessage's own work. The admin app (FastAPI) is
    built on first use, or in a thread once the server runs: importing FastAPI takes about as long
    as everything else at start, and the health check, answered here, must not wait for it.
    """

    def __init__(
        self, emulator: Emulator, aws: AwsEndpoint, admin_factory: Callable[[], ASGIApp]
    ) -> None:
        self.emulator = emulator
        self.aws = aws
        self._admin_factory = admin_factory
        self._admin: ASGIApp | None = None
        self._admin_lock = threading.Lock()
        self._health = json.dumps({"status": "ok", "version": __version__}).encode()

    @property
    def admin(self) -> ASGIApp:
        """The admin app, built once."""
        with self._admin_lock:
            if self._admin is None:
                self._admin = self._admin_factory()
            return self._admin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one ASGI event."""
        kind = scope["type"]
        if kind == "http":
            path = scope["path"]
            if path == HEALTH_PATH and scope["method"] == "GET":
                await self._send_health(send)
            elif path.startswith(ADMIN_PREFIX):
                await self.admin(scope, receive, send)
            else:
                await self.aws(scope, receive, send)
        elif kind == "lifespan":
            await self._lifespan(receive, send)

    async def _send_health(self, send: Send) -> None:
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self._health)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": self._health})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                tune_garbage_collector()
                await self.emulator.start()
                threading.Thread(target=lambda: self.admin, daemon=True).start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.emulator.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


GC_THRESHOLDS = (20_000, 50, 50)


def tune_garbage_collector() -> None:
    """Keep Python's cyclic garbage collector off the request path as far as it is safe.

    Requests allocate many short-lived dicts, and with CPython's default thresholds (700, 10, 10)
    a collection runs every few requests and walks every object that survived start-up: the
    botocore models, compiled patterns, the ledger. Measured here on PutEvents of 10 entries, that
    was about a third of the server's CPU. ``gc.freeze()`` moves what exists at start out of the
    collector's view, and a larger first threshold makes collections rarer; reference counting
    still frees almost everything at once, so memory stays bounded.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> EmulatorApp:
    """Build a complete emulator from settings (and, for tests, a clock of their choosing)."""
    settings = settings or Settings()
    clock = clock or _clock(settings)
    ids = IdFactory(settings.seed)
    ledger = Ledger(clock, settings.ledger_capacity, settings.ledger_file)
    scope = RulesScope(settings.account_id, settings.region)
    rules = load_rules(settings.rules, scope) if settings.rules else RulesState()
    settings = with_file_endpoints(settings, rules)  # flags and variables win
    initial_chaos = startup_chaos(settings, rules.chaos)
    chaos = Chaos(initial_chaos, fallback_seed=settings.seed)
    sqs = SqsBackend(clock=clock, ids=ids, observer=SqsObserver(chaos, ledger))
    observer = EventsObserver(chaos, ledger)
    limits = EventsLimits(retry_base_seconds=settings.retry_base_seconds)
    events = EventsBackend(clock, ids, sqs, limits, observer=observer, faults=observer)
    runner, sinks = target_sinks(_target_settings(settings), events.dispatcher, events.connections)
    events.dispatcher.sinks.update(sinks)
    backends: list[Backend] = [sqs, runner, events]  # targets stop after events' last run
    emulator = Emulator(settings, clock, ids, chaos, ledger, backends, initial_chaos)
    emulator.rules = _rules_files(emulator, Applier(sqs, events, scope), rules)
    services = [
        ServiceEndpoint(
            "sqs",
            sqs_operations(sqs),
            json_type_prefix="com.amazonaws.sqs#",
            query=QuerySupport(SQS_QUERY_NAMES, SQS_XML_NAMESPACE),
        ),
        ServiceEndpoint("events", {**events_operations(events), **destination_operations(events)}),
    ]
    aws = AwsEndpoint(services, settings.account_id, settings.region, ApiFaults(chaos, ledger))
    return EmulatorApp(emulator, aws, lambda: _build_admin(emulator))


def _target_settings(settings: Settings) -> TargetSettings:
    return TargetSettings(
        lambda_endpoint=settings.lambda_endpoint,
        stepfunctions_endpoint=settings.stepfunctions_endpoint,
        logs_dir=settings.logs_dir,
        timeout=settings.target_timeout,
        concurrency=settings.target_concurrency,
    )


def _clock(settings: Settings) -> Clock:
    """The system clock, or with ``clock: manual`` one that starts now and moves only through
    ``POST /_emulator/clock/advance``."""
    system = SystemClock()
    return ManualClock(system.now()) if settings.clock == "manual" else system


def _build_admin(emulator: Emulator) -> ASGIApp:
    from emulator.admin.routes import build_admin

    return build_admin(emulator)


def _rules_files(emulator: Emulator, applier: Applier, state: RulesState) -> RulesFiles:
    """The rules files, their state applied; a hot reload that changes ``chaos:`` replaces
    the chaos in force and the chaos a reset returns to."""
    settings = emulator.settings

    def on_chaos(document: dict[str, Any] | None) -> None:
        emulator.initial_chaos = startup_chaos(settings, document)
        emulator.chaos.configure(emulator.initial_chaos)

    files = RulesFiles(settings.rules, applier, on_chaos)
    problems = files.apply(state)
    if problems:
        raise InvalidRules(problems)
    return files
