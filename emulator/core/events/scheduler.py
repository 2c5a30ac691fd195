"""Delivery work off the request path: now (in order) or at a time on the injected clock.

Concurrency: everything runs on the one event loop that owns the state; a job never awaits.
``soon`` queues a job and, once the scheduler is attached to a loop, asks the loop to run the
queue on its next iteration (one wake-up for any number of jobs). ``at`` keeps jobs on a heap
keyed by clock time and arms a single loop timer for the earliest. Without a loop (unit tests)
nothing runs by itself: the test advances its ``ManualClock`` and calls :meth:`run_due`.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import math
from collections import deque
from collections.abc import Callable
from typing import Any

from emulator.core.clock import Clock

log = logging.getLogger("emulator.events")

Work = Callable[[Any], None]


class Scheduler:
    """A ready queue and a timed heap, drained by :meth:`run_due`."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._ready: deque[tuple[Work, Any]] = deque()
        self._timed: list[tuple[float, int, Work, Any]] = []
        self._seq = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake_pending = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_due = math.inf

    @property
    def pending(self) -> int:
        """Jobs waiting, ready or timed."""
        return len(self._ready) + len(self._timed)

    def next_due(self) -> float | None:
        """Clock time of the earliest timed job, if any."""
        return self._timed[0][0] if self._timed else None

    def soon(self, work: Work, arg: Any) -> None:
        """Run ``work(arg)`` after the jobs already queued, off the caller's stack."""
        self._ready.append((work, arg))
        if self._loop is not None and not self._wake_pending:
            self._wake_pending = True
            self._loop.call_soon(self._wake)

    def at(self, due: float, work: Work, arg: Any) -> None:
        """Run ``work(arg)`` once the clock reaches ``due``."""
        self._seq += 1
        heapq.heappush(self._timed, (due, self._seq, work, arg))
        self._arm()

    def run_due(self) -> int:
        """Run every ready job and every timed job now due, including ones they add; how many."""
        count = 0
        while True:
            while self._ready:
                work, arg = self._ready.popleft()
                _run(work, arg)
                count += 1
            if not self._timed or self._timed[0][0] > self.clock.now():
                return count
            _, _, work, arg = heapq.heappop(self._timed)
            self._ready.append((work, arg))

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Let ``loop`` drive the scheduler from now on."""
        self._loop = loop
        if self._ready:
            self._wake_pending = True
            loop.call_soon(self._wake)
        self._arm()

    def detach(self) -> None:
        """Stop driving from the loop (jobs stay queued)."""
        self._cancel_timer()
        self._loop = None
        self._wake_pending = False

    def clear(self) -> None:
        """Forget every job."""
        self._ready.clear()
        self._timed.clear()
        self._cancel_timer()

    def _wake(self) -> None:
        self._wake_pending = False
        self.run_due()
        self._arm()

    def _arm(self) -> None:
        if self._loop is None or not self._timed:
            return
        due = self._timed[0][0]
        if self._timer is not None and self._timer_due <= due:
            return
        self._cancel_timer()
        self._timer_due = due
        self._timer = self._loop.call_later(max(0.0, due - self.clock.now()), self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        self._timer_due = math.inf
        self._wake()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._timer_due = math.inf


def _run(work: Work, arg: Any) -> None:
    try:
        work(arg)
    except Exception:  # one broken delivery must not stop the others
        log.exception("delivery job failed")
