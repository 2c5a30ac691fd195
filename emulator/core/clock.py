"""Injected time. The core never calls ``time`` directly: tests advance a :class:`ManualClock`."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """Wall-clock seconds since the epoch (float), as AWS timestamps count them."""

    def now(self) -> float:
        """Seconds since the Unix epoch."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        """Seconds since the Unix epoch, from the system."""
        return time.time()


class ManualClock:
    """A clock that moves only when told to; for tests and the virtual-clock admin API."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        """The current manual time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._now += seconds


def millis(seconds: float) -> int:
    """Epoch seconds as integer milliseconds, as in AWS timestamps such as ``SentTimestamp``."""
    return int(seconds * 1000)
