"""Settings: command-line flags over ``EVENTBUS_*`` environment variables over defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

ENV_PREFIX = "EVENTBUS_"


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to build an emulator.

    ``account_id`` is the account of requests whose access key id is not itself 12 digits;
    ``region`` is used when a request carries no SigV4 credential scope. ``seed`` makes generated
    ids and chaos decisions reproducible (``None``: fresh randomness each run).
    ``duplicate_rate`` and ``delay_ms`` (``"0-2000"`` or ``"500"``) are quick global faults,
    added to whatever the rules files configure.
    """

    host: str = "127.0.0.1"
    port: int = 4566
    account_id: str = "000000000000"
    region: str = "us-east-1"
    log_level: str = "info"
    seed: int | None = None
    rules: tuple[str, ...] = field(default_factory=tuple)
    duplicate_rate: float | None = None
    delay_ms: str | None = None
    ledger_file: str | None = None
    ledger_capacity: int = 100_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by ``EVENTBUS_HOST``, ``EVENTBUS_PORT``, ``EVENTBUS_ACCOUNT_ID`` …"""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw)
        return cls(**values)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given non-``None`` values replaced (command-line flags)."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _convert(name: str, raw: str) -> Any:
    if name in ("port", "seed", "ledger_capacity"):
        return int(raw)
    if name == "duplicate_rate":
        return float(raw)
    if name == "rules":
        return tuple(p for p in raw.split(os.pathsep) if p)
    return raw
