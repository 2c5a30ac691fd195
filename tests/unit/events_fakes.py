"""Test doubles for the EventBridge core: an in-memory SQS that can be told to fail."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulator.core.clock import ManualClock
from emulator.core.errors import DomainError
from emulator.core.events import EventsBackend
from emulator.core.events.arns import BusRef
from emulator.core.events.registry import RuleSpec
from emulator.core.ids import IdFactory

ACCOUNT = "111122223333"
REGION = "us-east-1"


@dataclass
class Sent:
    """One message the fake SQS accepted."""

    arn: str
    body: str
    group: str | None
    dedup: str | None
    attributes: dict[str, dict[str, Any]] | None

    @property
    def json(self) -> Any:
        """The body decoded."""
        return json.loads(self.body)

    def attribute(self, name: str) -> str | None:
        """A string message attribute."""
        return (self.attributes or {}).get(name, {}).get("StringValue")


@dataclass
class FakeSqs:
    """Accepts every message except for queues listed in ``missing`` or told to ``fail``."""

    sent: list[Sent] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    failures: dict[str, list[DomainError]] = field(default_factory=dict)

    def send_from_service(
        self,
        arn: str,
        body: str,
        *,
        message_group_id: str | None = None,
        deduplication_id: str | None = None,
        message_attributes: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """Record the message or raise the scripted error."""
        if arn in self.missing:
            raise DomainError("The specified queue does not exist.", code="QueueDoesNotExist")
        pending = self.failures.get(arn)
        if pending:
            raise pending.pop(0)
        self.sent.append(Sent(arn, body, message_group_id, deduplication_id, message_attributes))
        return f"msg-{len(self.sent)}"

    def to(self, arn: str) -> list[Sent]:
        """Messages sent to one queue."""
        return [s for s in self.sent if s.arn == arn]


def transient(times: int) -> list[DomainError]:
    """``times`` retryable (service-side) failures."""
    return [DomainError("Service unavailable", code="ServiceUnavailable", status=503)] * times


def queue_arn(name: str, account: str = ACCOUNT, region: str = REGION) -> str:
    """An SQS queue ARN."""
    return f"arn:aws:sqs:{region}:{account}:{name}"


def make_backend(seed: int = 7) -> tuple[EventsBackend, FakeSqs, ManualClock]:
    """A backend over a fake SQS and a manual clock."""
    clock = ManualClock()
    sqs = FakeSqs()
    return EventsBackend(clock, IdFactory(seed), sqs), sqs, clock


def default_bus(account: str = ACCOUNT, region: str = REGION) -> BusRef:
    """The default bus of a scope."""
    return BusRef(account, region, "default")


def add_rule(
    backend: EventsBackend,
    name: str,
    pattern: dict[str, Any],
    targets: list[dict[str, Any]],
    bus: BusRef | None = None,
) -> None:
    """PutRule + PutTargets."""
    ref = bus or default_bus()
    backend.registry.put_rule(ref, RuleSpec(name, event_pattern=json.dumps(pattern)), ref.account)
    backend.registry.put_targets(ref, name, targets)


def entry(source: str = "app.orders", detail: Any = None, **extra: Any) -> dict[str, Any]:
    """A PutEvents entry."""
    return {
        "Source": source,
        "DetailType": "OrderPlaced",
        "Detail": json.dumps({"id": 1} if detail is None else detail),
        **extra,
    }
