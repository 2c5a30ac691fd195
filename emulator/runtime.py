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


class RulesFilesHook(Protocol):
    """The rules files' state (:class:`emulator.config.RulesFiles`), as the runtime uses it."""

    def reapply(self) -> None:
        """Apply the files' state again onto freshly reset backends."""

    def summary(self) -> dict[str, Any]:
        """A JSON-able summary for ``GET /_emulator/state``."""
        ...

    async def start(self) -> None:
        """Start watching the files."""

    async def stop(self) -> None:
        """Stop watching the files."""


@dataclass
class Emulator:
    """All backends, in the order they were built; ``rules``: the rules files, if any."""

    settings: Settings
    clock: Clock
    ids: IdFactory
    chaos: Chaos
    ledger: Ledger
    backends: list[Backend] = field(default_factory=list)
    initial_chaos: ChaosConfig = field(default_factory=ChaosConfig)
    rules: RulesFilesHook | None = None

    def reset(self) -> None:
        """Clear every service's state and the ledger, then return to the rules files' state:
        their queues, buses, rules and targets, and chaos as at start (or as the files' last
        reload set it)."""
        for backend in self.backends:
            backend.reset()
        if self.rules is not None:
            self.rules.reapply()
        self.ledger.clear()
        self.chaos.configure(self.initial_chaos)

    def state(self) -> dict[str, Any]:
        """Each backend's summary under its name (and the rules files' under ``rules``)."""
        out = {backend.name: backend.state() for backend in self.backends}
        if self.rules is not None:
            out["rules"] = self.rules.summary()
        return out

    async def start(self) -> None:
        """Start every backend's background work, then the rules files' watcher."""
        for backend in self.backends:
            await backend.start()
        if self.rules is not None:
            await self.rules.start()

    async def stop(self) -> None:
        """Stop the watcher and background work; long polls in flight are answered."""
        if self.rules is not None:
            await self.rules.stop()
        for backend in reversed(self.backends):
            await backend.stop()
