"""The running emulator: the services' backends and their shared clock and id factory.

Built once by :func:`emulator.app.create_app`; the admin API and the CLI act on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from emulator.core.chaos import Chaos, ChaosConfig, Ledger
from emulator.core.clock import Clock
from emulator.core.ids import IdFactory
from emulator.settings import Settings


class Backend(Protocol):
    """What every service backend offers the runtime."""

    name: str

    def reset(self) -> None:
        """Forget all state."""

    def state(self) -> dict[str, Any]:
        """A JSON-able summary for ``GET /_emulator/state``."""
        ...

    async def start(self) -> None:
        """Start background work (timers, delivery); called once the loop runs."""

    async def stop(self) -> None:
        """Stop background work and answer every waiting long poll now."""


@dataclass
class Emulator:
    """All backends, in the order they were built."""

    settings: Settings
    clock: Clock
    ids: IdFactory
    chaos: Chaos
    ledger: Ledger
    backends: list[Backend] = field(default_factory=list)
    initial_chaos: ChaosConfig = field(default_factory=ChaosConfig)

    def reset(self) -> None:
        """Clear every service's state and the ledger; chaos returns to its start-up settings."""
        for backend in self.backends:
            backend.reset()
        self.ledger.clear()
        self.chaos.configure(self.initial_chaos)

    def state(self) -> dict[str, Any]:
        """Each backend's summary under its name."""
        return {backend.name: backend.state() for backend in self.backends}

    async def start(self) -> None:
        """Start every backend's background work."""
        for backend in self.backends:
            await backend.start()

    async def stop(self) -> None:
        """Stop background work; long polls in flight are answered."""
        for backend in reversed(self.backends):
            await backend.stop()
