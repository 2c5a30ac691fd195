"""Quick global faults from flags (``--duplicate-rate 0.1``, ``--delay-ms 0-2000``)."""

from __future__ import annotations

from typing import Any

from emulator.core.chaos import ChaosConfig, InvalidChaosConfig, parse_chaos
from emulator.settings import Settings


def flag_faults(settings: Settings) -> list[dict[str, Any]]:
    """The fault documents the flags ask for (unvalidated; :func:`startup_chaos` checks them)."""
    faults: list[dict[str, Any]] = []
    if settings.duplicate_rate is not None:
        faults.append(
            {"name": "flag:duplicate-rate", "duplicate": {"probability": settings.duplicate_rate}}
        )
    if settings.delay_ms is not None:
        faults.append({"name": "flag:delay-ms", "delay": {"ms": _parse_range(settings.delay_ms)}})
    return faults


def startup_chaos(settings: Settings, document: Any = None) -> ChaosConfig:
    """The chaos in force at start: a rules-file ``chaos:`` document plus the flags' faults."""
    base = dict(document or {})
    base["faults"] = [*(base.get("faults") or []), *flag_faults(settings)]
    if settings.seed is not None and base.get("seed") is None:
        base["seed"] = settings.seed
    return parse_chaos(base)


def _parse_range(text: str) -> list[float]:
    low, sep, high = text.partition("-")
    try:
        values = [float(low), float(high if sep else low)]
    except ValueError:
        raise InvalidChaosConfig("--delay-ms", "must be MS or MIN-MAX milliseconds") from None
    return values
