"""The SQS backend: every queue of every (account, region)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.core.clock import Clock
from emulator.core.ids import IdFactory
from emulator.core.sqs.errors import QueueDoesNotExist, QueueNameExists

Scope = tuple[str, str]  # (account, region)


@dataclass
class Queue:
    """One queue."""

    account: str
    region: str
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        """``arn:aws:sqs:<region>:<account>:<name>``."""
        return f"arn:aws:sqs:{self.region}:{self.account}:{self.name}"


class SqsBackend:
    """All SQS state. Methods never await while mutating, so one event loop needs no locks."""

    name = "sqs"

    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self.clock = clock
        self.ids = ids
        self.queues: dict[Scope, dict[str, Queue]] = {}

    def reset(self) -> None:
        """Forget every queue."""
        self.queues.clear()

    def state(self) -> dict[str, Any]:
        """Queues per account and region."""
        return {
            "queues": [
                {"account": q.account, "region": q.region, "name": q.name}
                for scope in self.queues.values()
                for q in scope.values()
            ]
        }

    async def start(self) -> None:
        """Nothing runs in the background yet."""

    async def stop(self) -> None:
        """Nothing waits yet."""

    def create_queue(
        self, scope: Scope, name: str, attributes: dict[str, str], tags: dict[str, str]
    ) -> Queue:
        """Create a queue, or return the existing one if its attributes are the same."""
        queues = self.queues.setdefault(scope, {})
        existing = queues.get(name)
        if existing is not None:
            if existing.attributes != attributes:
                raise QueueNameExists(
                    f"A queue already exists with the same name and a different value for "
                    f"attribute(s) {', '.join(sorted(set(attributes) ^ set(existing.attributes)))}"
                )
            return existing
        queue = Queue(scope[0], scope[1], name, dict(attributes), dict(tags))
        queues[name] = queue
        return queue

    def get_queue(self, scope: Scope, name: str) -> Queue:
        """The queue ``name`` or ``QueueDoesNotExist``."""
        queue = self.queues.get(scope, {}).get(name)
        if queue is None:
            raise QueueDoesNotExist()
        return queue

    def list_queues(self, scope: Scope, prefix: str = "") -> list[Queue]:
        """Queues whose name starts with ``prefix``, sorted by name."""
        return sorted(
            (q for q in self.queues.get(scope, {}).values() if q.name.startswith(prefix)),
            key=lambda q: q.name,
        )

    def delete_queue(self, scope: Scope, name: str) -> None:
        """Delete a queue."""
        self.get_queue(scope, name)
        del self.queues[scope][name]
