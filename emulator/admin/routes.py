"""``/_emulator/*``: a small FastAPI app over the :class:`~emulator.runtime.Emulator`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from emulator import __version__
from emulator.core.chaos import InvalidChaosConfig, parse_chaos
from emulator.core.clock import ManualClock
from emulator.runtime import Emulator


def build_admin(emulator: Emulator) -> FastAPI:
    """The admin app; every route reads or changes the one emulator it is given."""
    app = FastAPI(title="eventbus-emulator admin", version=__version__, openapi_url=None)
    _state_routes(app, emulator)
    _chaos_routes(app, emulator)
    _ledger_routes(app, emulator)
    _clock_routes(app, emulator)
    return app


def _state_routes(app: FastAPI, emulator: Emulator) -> None:
    @app.get("/_emulator/health")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__}

    @app.post("/_emulator/reset")
    async def reset() -> dict[str, Any]:
        emulator.reset()
        return {"status": "ok"}

    @app.get("/_emulator/state")
    async def state() -> dict[str, Any]:
        return emulator.state()


def _chaos_routes(app: FastAPI, emulator: Emulator) -> None:
    @app.get("/_emulator/chaos")
    async def get_chaos() -> dict[str, Any]:
        return {**emulator.chaos.config.to_json(), "effective_seed": emulator.chaos.seed}

    @app.put("/_emulator/chaos")
    async def put_chaos(request: Request) -> JSONResponse:
        try:
            document = await request.json()
        except ValueError:
            return _bad_request("body", "must be a JSON object")
        try:
            config = parse_chaos(document)
        except InvalidChaosConfig as exc:
            return _bad_request(exc.field, exc.reason)
        emulator.chaos.configure(config)
        return JSONResponse({**config.to_json(), "effective_seed": emulator.chaos.seed})

    @app.delete("/_emulator/chaos")
    async def delete_chaos() -> dict[str, Any]:
        emulator.chaos.configure(parse_chaos(None))
        return {"status": "ok"}


def _ledger_routes(app: FastAPI, emulator: Emulator) -> None:
    @app.get("/_emulator/ledger")
    async def ledger(
        kind: str | None = None,
        event_id: str | None = None,
        message_id: str | None = None,
        queue: str | None = None,
        target: str | None = None,
        rule: str | None = None,
        since: int = 0,
    ) -> dict[str, Any]:
        records = emulator.ledger.query(
            since,
            kind=kind,
            event_id=event_id,
            message_id=message_id,
            queue=queue,
            target=target,
            rule=rule,
        )
        return {"records": [r.to_json() for r in records], "last_seq": emulator.ledger.seq}

    @app.get("/_emulator/ledger/summary")
    async def summary() -> dict[str, Any]:
        return {"counts": emulator.ledger.summary(), "last_seq": emulator.ledger.seq}


def _clock_routes(app: FastAPI, emulator: Emulator) -> None:
    @app.post("/_emulator/clock/advance")
    async def advance(request: Request) -> JSONResponse:
        """Move a manual clock (``clock: manual``) forward ``{"seconds": n}`` and run every
        delivery, schedule and replay step now due; refused (409) on the system clock."""
        clock = emulator.clock
        if not isinstance(clock, ManualClock):
            return JSONResponse({"error": "the emulator runs on the system clock"}, 409)
        try:
            seconds = (await request.json())["seconds"]
        except (ValueError, TypeError, KeyError):
            return _bad_request("seconds", "must be given in a JSON object")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            return _bad_request("seconds", "must be a number >= 0")
        clock.advance(seconds)
        ran = sum(run() for run in _due_runners(emulator))
        return JSONResponse({"now": clock.now(), "ran": ran})


def _due_runners(emulator: Emulator) -> list[Any]:
    """The ``run_due`` of every backend that has timed work (EventBridge's scheduler)."""
    runners = (getattr(backend, "run_due", None) for backend in emulator.backends)
    return [run for run in runners if run is not None]


def _bad_request(field: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": f"{field}: {reason}", "field": field}, status_code=400)
