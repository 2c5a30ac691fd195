"""Shared set-up (no tests) for unit tests of the SQS core: a backend on manual time."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from emulator.core.clock import ManualClock
from emulator.core.ids import IdFactory
from emulator.core.sqs.backend import Outgoing, SqsBackend
from emulator.core.sqs.message import Message
from emulator.core.sqs.queue import Queue
from emulator.core.sqs.timers import ManualTimers

SCOPE = ("000000000000", "us-east-1")
T = TypeVar("T")


@dataclass
class Harness:
    """A backend whose time moves only when a test says so."""

    clock: ManualClock
    timers: ManualTimers
    backend: SqsBackend

    def advance(self, seconds: float) -> None:
        """Move time forward, running timers that fall due."""
        self.timers.advance(seconds)

    def queue(self, name: str = "q", **attributes: str) -> Queue:
        """Create a queue (FIFO when the name ends in ``.fifo``)."""
        if name.endswith(".fifo"):
            attributes.setdefault("FifoQueue", "true")
        return self.backend.create_queue(SCOPE, name, attributes, {})

    def send(self, queue: Queue, body: str = "hello", **fields: Any) -> Message:
        """Send one message."""
        return self.backend.send_message(queue, Outgoing(body, **fields), "sender")

    def receive(self, queue: Queue, **options: Any) -> list[Message]:
        """Receive without waiting (unless ``wait_seconds`` is given and a loop runs it)."""
        options.setdefault("wait_seconds", 0)
        coroutine = self.backend.receive_messages(queue, **options)
        if options["wait_seconds"]:
            return run(coroutine)
        return finish_without_waiting(coroutine)

    def handle(self, queue: Queue, message: Message) -> str:
        """The current receipt handle of ``message``."""
        return queue.handle_of(message)

    def bodies(self, queue: Queue, count: int = 10, **options: Any) -> list[str]:
        """Bodies of one receive."""
        return [m.body for m in self.receive(queue, max_messages=count, **options)]


def harness(seed: int = 7) -> Harness:
    """A fresh backend on a manual clock."""
    clock = ManualClock()
    timers = ManualTimers(clock)
    return Harness(clock, timers, SqsBackend(clock, IdFactory(seed), timers))


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a fresh loop."""
    return asyncio.run(coroutine)


def finish_without_waiting(coroutine: Coroutine[Any, Any, T]) -> T:
    """The result of a coroutine that never suspends (a receive that does not wait)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        result: T = done.value
        return result
    coroutine.close()
    raise AssertionError("the coroutine waited")
