"""Timers on the injected clock: what wakes long polls and drives message move tasks.

The core never sleeps. Something that must happen at a clock time (a delayed message becoming
visible while a long poll waits, the end of a long poll, the next step of a move task) is a
callback scheduled with :meth:`Timers.call_at`. :class:`LoopTimers` runs them on the asyncio loop
that owns all state; :class:`ManualTimers` runs them when a test advances a
:class:`~emulator.core.clock.ManualClock`, so unit tests of long polling need no real waiting.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from typing import Protocol

from emulator.core.clock import Clock, ManualClock

Callback = Callable[[], None]


class TimerHandle(Protocol):
    """A scheduled callback that can be called off."""

    def cancel(self) -> None:
        """Do not run the callback (a no-op once it ran)."""


class Timers(Protocol):
    """Schedules callbacks at clock times."""

    def call_at(self, when: float, callback: Callback) -> TimerHandle:
        """Run ``callback`` once the clock reads ``when`` (epoch seconds) or later."""
        ...


class LoopTimers:
    """Timers on the running asyncio loop, converted from clock time to a delay."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def call_at(self, when: float, callback: Callback) -> TimerHandle:
        """``loop.call_later`` with the delay until ``when``; needs a running loop."""
        delay = max(0.0, when - self.clock.now())
        return asyncio.get_running_loop().call_later(delay, callback)


class _ManualHandle:
    __slots__ = ("callback", "cancelled")

    def __init__(self, callback: Callback) -> None:
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualTimers:
    """Timers that fire only when :meth:`advance` moves the manual clock past them."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self._heap: list[tuple[float, int, _ManualHandle]] = []
        self._order = itertools.count()

    def call_at(self, when: float, callback: Callback) -> TimerHandle:
        """Remember ``callback`` for :meth:`advance` to run."""
        handle = _ManualHandle(callback)
        heapq.heappush(self._heap, (when, next(self._order), handle))
        return handle

    def advance(self, seconds: float) -> None:
        """Move the clock forward, stopping at each due timer (in time order) to run it."""
        target = self.clock.now() + seconds
        while self._heap and self._heap[0][0] <= target:
            when, _, handle = heapq.heappop(self._heap)
            self.clock.advance(max(0.0, when - self.clock.now()))
            if not handle.cancelled:
                handle.callback()
        self.clock.advance(max(0.0, target - self.clock.now()))

    def pending(self) -> int:
        """How many timers are scheduled and not cancelled."""
        return sum(1 for _, _, handle in self._heap if not handle.cancelled)
