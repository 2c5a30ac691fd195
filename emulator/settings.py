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

    Targets outside the emulator: ``lambda_endpoint`` (the Lambda Invoke API, e.g.
    ``sam local start-lambda``; one URL, or ``name=URL`` entries per function, comma-separated)
    and ``stepfunctions_endpoint`` (e.g. Step Functions Local) receive Lambda and Step Functions
    targets, ``logs_dir`` CloudWatch Logs targets (a JSONL file per log
    group); unset, such targets are skipped. HTTP calls to targets time out after
    ``target_timeout`` seconds, with at most ``target_concurrency`` in flight per endpoint.
    ``retry_base_seconds`` is the first retry's backoff (doubling after each retry).
    ``clock``: ``"system"``, or ``"manual"`` for a clock that stands still until
    ``POST /_emulator/clock/advance`` moves it (schedules and retries in tests).
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
    lambda_endpoint: str | None = None
    stepfunctions_endpoint: str | None = None
    logs_dir: str | None = None
    target_timeout: float = 5.0
    target_concurrency: int = 10
    retry_base_seconds: float = 1.0
    clock: str = "system"

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
    if name in ("port", "seed", "ledger_capacity", "target_concurrency"):
        return int(raw)
    if name in ("duplicate_rate", "target_timeout", "retry_base_seconds"):
        return float(raw)
    if name == "rules":
        return tuple(p for p in raw.split(os.pathsep) if p)
    return raw
