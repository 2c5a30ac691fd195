"""``/_emulator/*``: a small FastAPI app over the :class:`~emulator.runtime.Emulator`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from emulator import __version__
from emulator.core.chaos import InvalidChaosConfig, parse_chaos
from emulator.runtime import Emulator


def build_admin(emulator: Emulator) -> FastAPI:
    """The admin app; every route reads or changes the one emulator it is given."""
    app = FastAPI(title="eventbus-emulator admin", version=__version__, openapi_url=None)
    _state_routes(app, emulator)
    _chaos_routes(app, emulator)
    _ledger_routes(app, emulator)
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


def _bad_request(field: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": f"{field}: {reason}", "field": field}, status_code=400)
