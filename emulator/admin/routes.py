"""``/_emulator/*``: a small FastAPI app over the :class:`~emulator.runtime.Emulator`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from emulator import __version__
from emulator.runtime import Emulator


def build_admin(emulator: Emulator) -> FastAPI:
    """The admin app; every route reads or changes the one emulator it is given."""
    app = FastAPI(title="eventbus-emulator admin", version=__version__, openapi_url=None)

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

    return app
