"""What the ledger sees of SQS, and queue-level chaos (``duplicate``, ``delay``, ``drop``).

Queue-level faults act when a message is stored. A fault selects queues with ``queue:``; a fault
with no ``queue`` selector also hits messages that clients send, but not those an EventBridge
target delivers (the target level already had its chance at them, so a global fault does not
strike twice).

- *duplicate* on a standard queue: more copies with the same ``MessageId`` and receipt handles of
  their own, visible after ``spread_ms``; on a FIFO queue the message is delivered again after it
  is received and deleted, ahead of the rest of its group (order kept).
- *delay*: the message becomes visible ``ms`` later (which reorders a queue).
- *drop*: the message is acknowledged but never stored; only the ledger knows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.core.chaos import Chaos, Fault, Ledger, Subject
from emulator.core.sqs.message import Message

QUEUE_KINDS = ("drop", "delay", "duplicate")
CLIENT = "client"
SERVICE = "events"


@dataclass(slots=True)
class EnqueuePlan:
    """What chaos does to one message being stored: extra delay, copies, or nothing at all."""

    drop: bool = False
    delay: float = 0.0
    copies: list[float] = field(default_factory=list)
    redeliveries: int = 0


NO_PLAN = EnqueuePlan()


class SqsObserver:
    """Records SQS events in the ledger and plans queue-level faults."""

    def __init__(self, chaos: Chaos | None = None, ledger: Ledger | None = None) -> None:
        self.chaos = chaos
        self.ledger = ledger

    @property
    def chaos_active(self) -> bool:
        """Whether any fault is configured (else :meth:`plan` has nothing to decide)."""
        return self.chaos is not None and self.chaos.active

    def enqueued(self, queue_name: str, message: Message, origin: str) -> None:
        """``message.enqueued`` (the hot path: one record per message stored)."""
        if self.ledger is not None:
            self.ledger.record_lazy(
                "message.enqueued", _enqueued_fields, queue_name, message.message_id, origin
            )

    def received(self, queue_name: str, message: Message) -> None:
        """``message.received``, with the receive count (one record per message received)."""
        if self.ledger is not None:
            self.ledger.record_lazy(
                "message.received",
                _received_fields,
                queue_name,
                message.message_id,
                message.receive_count,
            )

    def deleted(self, queue_name: str, message: Message) -> None:
        """``message.deleted`` (one record per message deleted)."""
        if self.ledger is not None:
            self.ledger.record_lazy(
                "message.deleted", _message_fields, queue_name, message.message_id
            )

    def plan(self, queue_name: str, message: Message, origin: str, fifo: bool) -> EnqueuePlan:
        """The faults that hit ``message`` as it is stored in ``queue_name``."""
        chaos = self.chaos
        if chaos is None:
            return NO_PLAN
        queues = chaos.named(QUEUE_KINDS, "queue")
        if queues is not None and queue_name not in queues:
            return NO_PLAN
        context = {"queue": queue_name}
        if not chaos.may_hit(QUEUE_KINDS, context):
            return NO_PLAN
        subject = Subject(message.message_id, context)
        plan = EnqueuePlan()
        if self._hit(chaos, "drop", subject, origin, queue_name, message):
            plan.drop = True
            return plan
        delay = self._hit(chaos, "delay", subject, origin, queue_name, message)
        if delay is not None:
            plan.delay = chaos.pick_ms(delay, subject, delay.params["ms"], "delay") / 1000
        duplicate = self._hit(chaos, "duplicate", subject, origin, queue_name, message)
        if duplicate is not None:
            copies = int(duplicate.params["copies"])
            if fifo:
                plan.redeliveries = copies
            else:
                spread = duplicate.params["spread_ms"]
                plan.copies = [
                    chaos.pick_ms(duplicate, subject, spread, f"copy{i}") / 1000
                    for i in range(copies)
                ]
        return plan

    def _hit(
        self, chaos: Chaos, kind: str, subject: Subject, origin: str, queue: str, message: Message
    ) -> Fault | None:
        if not chaos.has(kind):
            return None
        accept = _names_a_queue if origin == SERVICE else None
        fault = chaos.decide(kind, subject, accept=accept)
        if fault is None:
            return None
        self.record(f"message.{_PAST[kind]}", queue, message, fault=fault.label)
        return fault

    def record(self, kind: str, queue: str, message: Message, **fields: object) -> None:
        """Append a ledger record about ``message``."""
        if self.ledger is not None:
            self.ledger.record(kind, queue=queue, message_id=message.message_id, **fields)


def _enqueued_fields(queue: str, message_id: str, origin: str) -> dict[str, object]:
    return {"queue": queue, "message_id": message_id, "detail": _ORIGIN_DETAIL[origin]}


def _received_fields(queue: str, message_id: str, receive_count: int) -> dict[str, object]:
    return {"queue": queue, "message_id": message_id, "detail": {"receive_count": receive_count}}


def _message_fields(queue: str, message_id: str) -> dict[str, object]:
    return {"queue": queue, "message_id": message_id}


def _names_a_queue(fault: Fault) -> bool:
    return "queue" in fault.match


_ORIGIN_DETAIL = {CLIENT: {"origin": CLIENT}, SERVICE: {"origin": SERVICE}}  # shared, read-only

_PAST = {"drop": "dropped", "delay": "delayed", "duplicate": "duplicated"}
