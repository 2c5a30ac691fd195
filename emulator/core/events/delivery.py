"""The delivery pipeline: ingest → match → attempt per target → retry on the clock → DLQ.

Each stage is one small method, so a fault hook (chaos: fail, delay, duplicate, drop) can sit in
front of :meth:`Dispatcher.attempt` and every outcome is reported to a
:class:`DeliveryObserver` (the ledger's seam).

- **ingest** queues the event for its bus on the scheduler (off the request path).
- **route** matches the event against the bus's index of routing rules; every target of every
  matching rule gets one attempt, in rule order then target order.
- **attempt** hands the event to the target's sink (SQS in-process, or another bus).
- **failure**: a non-retryable failure (target gone, invalid input, hop limit) goes straight to
  the dead-letter queue; a retryable one is retried after an exponential backoff with jitter
  until ``MaximumRetryAttempts`` or ``MaximumEventAgeInSeconds`` runs out, then dead-lettered
  with ``EXHAUSTED_RETRY_CONDITION`` (user guide, "Event retry policy and using dead-letter
  queues"). Without a DLQ the event is dropped.
- **dead letter**: the original event (not the target's transformed input) is sent to the DLQ
  with the message attributes ``RULE_ARN``, ``TARGET_ARN``, ``ERROR_CODE``, ``ERROR_MESSAGE``,
  ``RETRY_ATTEMPTS`` and, after exhausted retries, ``EXHAUSTED_RETRY_CONDITION``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from emulator.core.errors import DomainError
from emulator.core.events.arns import BusRef, bus_ref
from emulator.core.events.envelope import Event
from emulator.core.events.errors import (
    HOP_MESSAGE,
    INTERNAL_ERROR,
    INVALID_PARAMETER,
    NO_RESOURCE,
    THIRD_ACCOUNT_HOP,
    THIRD_REGION_HOP,
    THROTTLING,
    DeliveryFailure,
)
from emulator.core.events.limits import EventsLimits
from emulator.core.events.observe import Verdict
from emulator.core.events.scheduler import Scheduler
from emulator.core.events.targets import Target

MAX_ATTEMPTS = "MaximumRetryAttempts"
THROTTLED = frozenset({"RequestThrottled", "ThrottlingException", "KmsThrottled", "OverLimit"})
MAX_AGE = "MaximumEventAgeInSeconds"


class MessageSink(Protocol):
    """How EventBridge reaches SQS: in-process, never over HTTP (``SqsBackend``)."""

    def send_from_service(
        self,
        arn: str,
        body: str,
        *,
        message_group_id: str | None = None,
        deduplication_id: str | None = None,
        message_attributes: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """Enqueue ``body`` on the queue ``arn``; its message id. Raises a DomainError."""
        ...


class BusLookup(Protocol):
    """Where routing finds buses (the registry)."""

    def find_bus(self, ref: BusRef) -> Any:
        """The bus, or None if it does not exist."""
        ...


@dataclass(slots=True)
class Ingest:
    """An event arriving on a bus; ``hops`` counts the bus-to-bus forwards behind it."""

    event: Event
    bus: BusRef
    hops: int
    rules: frozenset[str] | None = None  # only these rules (a replay's FilterArns)


@dataclass(eq=False, slots=True)
class Delivery:
    """One event on its way to one target of one rule; ``attempts`` made so far."""

    event: Event
    bus: BusRef
    rule_name: str
    rule_arn: str
    target: Target
    hops: int
    attempts: int = 0
    delayed: bool = False  # chaos held the first attempt back already
    copy: bool = False  # a chaos duplicate: delivered as is, no further faults


class DeliveryObserver(Protocol):
    """Told about every step; the ledger will listen here."""

    def accepted(self, event: Event, bus: BusRef, hops: int) -> None:
        """An event arrived on a bus."""

    def matched(self, event: Event, bus: BusRef, rule: str) -> None:
        """A rule matched it."""

    def delivered(self, delivery: Delivery, message_id: str | None) -> None:
        """An attempt succeeded."""

    def failed(self, delivery: Delivery, failure: DeliveryFailure, retry_at: float | None) -> None:
        """An attempt failed; ``retry_at`` says when the next one is due, if any."""

    def dead_lettered(
        self, delivery: Delivery, failure: DeliveryFailure, message_id: str | None
    ) -> None:
        """Given up; ``message_id`` of the DLQ copy, None when the event was dropped."""

    def dropped(self, event: Event, bus: BusRef, reason: str) -> None:
        """Not delivered anywhere (no such bus, or a target kind not emulated yet)."""


class DeliveryFaults(Protocol):
    """The chaos hook in front of every attempt (``emulator.core.events.observe``)."""

    def before_attempt(self, delivery: Delivery) -> Verdict:
        """Drop, delay or fail this attempt, or let it go."""
        ...

    def duplicates(self, delivery: Delivery) -> list[float]:
        """Seconds after which copies of a delivered event go out again."""
        ...

    def injected_failure(self) -> DeliveryFailure:
        """The failure an injected ``fail`` stands for."""
        ...


class NullObserver:
    """Observes nothing."""

    def accepted(self, event: Event, bus: BusRef, hops: int) -> None:
        """Nothing."""

    def matched(self, event: Event, bus: BusRef, rule: str) -> None:
        """Nothing."""

    def delivered(self, delivery: Delivery, message_id: str | None) -> None:
        """Nothing."""

    def failed(self, delivery: Delivery, failure: DeliveryFailure, retry_at: float | None) -> None:
        """Nothing."""

    def dead_lettered(
        self, delivery: Delivery, failure: DeliveryFailure, message_id: str | None
    ) -> None:
        """Nothing."""

    def dropped(self, event: Event, bus: BusRef, reason: str) -> None:
        """Nothing."""


class Sink(Protocol):
    """Delivers to one kind of target; raises :class:`DeliveryFailure`, or :class:`Pending`
    when the attempt finishes later (I/O in an adapter)."""

    def deliver(self, delivery: Delivery) -> str | None:
        """Deliver; a message id where the target has one."""
        ...


class Pending(Exception):
    """Raised by a sink whose attempt is under way off the loop's stack (an HTTP call).

    The sink owes the dispatcher exactly one :meth:`Dispatcher.settle_success` or
    :meth:`Dispatcher.settle_failure` for the attempt, called on the loop that owns the state.
    """


def retry_delay(limits: EventsLimits, retry: int, key: str) -> float:
    """Seconds before retry number ``retry`` (1-based): exponential, capped, jittered.

    The jitter factor in [0.5, 1) is a hash of ``key`` (event, target and attempt), so the
    schedule is reproducible and independent of what else is being delivered.
    """
    base = min(limits.retry_cap_seconds, limits.retry_base_seconds * 2.0 ** (retry - 1))
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return base * (0.5 + 0.5 * int.from_bytes(digest, "big") / 2.0**64)


class SqsSink:
    """SQS queues (standard and FIFO), through the SQS backend in-process.

    FIFO targets send ``SqsParameters.MessageGroupId`` and the event id as the deduplication id.
    """

    def __init__(self, sqs: MessageSink) -> None:
        self.sqs = sqs

    def deliver(self, delivery: Delivery) -> str | None:
        """Send the shaped event to the queue."""
        target = delivery.target
        body = target.shaper.render(delivery.event, delivery.rule_name, delivery.rule_arn)
        try:
            return self.sqs.send_from_service(
                target.arn,
                body,
                message_group_id=target.message_group_id,
                deduplication_id=delivery.event.id if target.fifo else None,
            )
        except DomainError as exc:
            raise sqs_failure(exc) from exc


def sqs_failure(exc: DomainError) -> DeliveryFailure:
    """How EventBridge reports an SQS error: a missing queue is ``NO_RESOURCE``, a refused
    message (too large, invalid characters) ``INVALID_PARAMETER``, neither retried; throttling
    (``THROTTLING``) and service-side errors (``INTERNAL_ERROR``) are retried."""
    if exc.code == "QueueDoesNotExist":
        return DeliveryFailure(NO_RESOURCE, exc.message, retryable=False)
    if exc.code in THROTTLED:
        return DeliveryFailure(THROTTLING, exc.message, retryable=True)
    if exc.sender_fault and (exc.status is None or exc.status < 500):
        return DeliveryFailure(INVALID_PARAMETER, exc.message, retryable=False)
    return DeliveryFailure(INTERNAL_ERROR, exc.message, retryable=True)


class BusSink:
    """Another event bus, in any account or region of the emulator.

    The event keeps its envelope and id. AWS forwards an event from bus to bus once: an event
    that arrived through a bus target is not forwarded again, and the attempt fails with
    ``THIRD_REGION_HOP_DETECTED`` (to another region) or ``THIRD_ACCOUNT_HOP_DETECTED``.
    """

    def __init__(self, dispatcher: Dispatcher, limits: EventsLimits) -> None:
        self.dispatcher = dispatcher
        self.limits = limits

    def deliver(self, delivery: Delivery) -> str | None:
        """Ingest the event on the target bus."""
        ref = bus_ref(delivery.target.arn, delivery.bus.account, delivery.bus.region)
        if delivery.hops >= self.limits.max_bus_hops:
            code = THIRD_REGION_HOP if ref.region != delivery.bus.region else THIRD_ACCOUNT_HOP
            raise DeliveryFailure(code, HOP_MESSAGE.format(arn=ref.arn), retryable=False)
        self.dispatcher.ingest(delivery.event, ref, delivery.hops + 1)
        return None


class Dispatcher:
    """Runs the pipeline for every bus of one backend."""

    def __init__(
        self,
        scheduler: Scheduler,
        buses: BusLookup,
        dead_letters: MessageSink,
        limits: EventsLimits,
        observer: DeliveryObserver | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.buses = buses
        self.dead_letters = dead_letters
        self.limits = limits
        self.observer: DeliveryObserver = observer or NullObserver()
        self.faults: DeliveryFaults | None = None
        self.sinks: dict[str, Sink] = {}
        self.archive: Callable[[Event, BusRef], None] | None = None  # sees every routed event

    # ------------------------------------------------------------------ ingest and route
    def ingest(
        self, event: Event, bus: BusRef, hops: int = 0, rules: frozenset[str] | None = None
    ) -> None:
        """Accept ``event`` on ``bus``; it is routed off the caller's stack (to ``rules``
        only, when given)."""
        if hops:
            event = event.forwarded(self.scheduler.clock.now())
        self.scheduler.soon(self._route, Ingest(event, bus, hops, rules))

    def _route(self, ingest: Ingest) -> None:
        event, ref = ingest.event, ingest.bus
        self.observer.accepted(event, ref, ingest.hops)
        bus = self.buses.find_bus(ref)
        if bus is None:
            self.observer.dropped(event, ref, "no-such-bus")
            return
        if self.archive is not None:
            self.archive(event, ref)
        for name in bus.index.match(event.payload):
            if ingest.rules is not None and name not in ingest.rules:
                continue
            rule = bus.rules[name]
            self.observer.matched(event, ref, name)
            for target in tuple(rule.targets.values()):
                self.attempt(Delivery(event, ref, name, rule.arn, target, ingest.hops))

    def deliver_to_rule(self, event: Event, rule: Any) -> None:
        """Attempt every target of one rule of the default bus with ``event``, without matching
        (a schedule's ``Scheduled Event`` goes to its own rule's targets only)."""
        self.observer.accepted(event, rule.bus, 0)
        self.observer.matched(event, rule.bus, rule.name)
        for target in tuple(rule.targets.values()):
            self.attempt(Delivery(event, rule.bus, rule.name, rule.arn, target, 0))

    # ------------------------------------------------------------------ attempts
    def attempt(self, delivery: Delivery) -> None:
        """One delivery attempt; failures go on to :meth:`_failed`."""
        sink = self.sinks.get(delivery.target.service)
        if sink is None:
            self.observer.dropped(delivery.event, delivery.bus, "unsupported-target")
            return
        if self.faults is not None and self._faulted(delivery, self.faults):
            return
        delivery.attempts += 1
        try:
            message_id = sink.deliver(delivery)
        except DeliveryFailure as failure:
            self._failed(delivery, failure)
            return
        except Pending:
            return
        self.settle_success(delivery, message_id)

    def settle_success(self, delivery: Delivery, message_id: str | None) -> None:
        """The attempt succeeded (now, or later for a :class:`Pending` one)."""
        self.observer.delivered(delivery, message_id)
        if self.faults is not None:
            self._duplicate(delivery, self.faults)

    def settle_failure(self, delivery: Delivery, failure: DeliveryFailure) -> None:
        """A :class:`Pending` attempt failed: retry per RetryPolicy, then dead-letter."""
        self._failed(delivery, failure)

    def _faulted(self, delivery: Delivery, faults: DeliveryFaults) -> bool:
        """Apply chaos to an attempt; True when the attempt is not to be made now."""
        verdict = faults.before_attempt(delivery)
        if verdict.drop:
            return True
        if verdict.delay > 0:
            delivery.delayed = True
            self.scheduler.at(self.scheduler.clock.now() + verdict.delay, self.attempt, delivery)
            return True
        if verdict.fail:
            delivery.attempts += 1
            self._failed(delivery, faults.injected_failure())
            return True
        return False

    def _duplicate(self, delivery: Delivery, faults: DeliveryFaults) -> None:
        now = self.scheduler.clock.now()
        for delay in faults.duplicates(delivery):
            copy = Delivery(
                delivery.event,
                delivery.bus,
                delivery.rule_name,
                delivery.rule_arn,
                delivery.target,
                delivery.hops,
                delivery.attempts - 1,
                True,
                True,
            )
            self.scheduler.at(now + delay, self.attempt, copy)

    def _failed(self, delivery: Delivery, failure: DeliveryFailure) -> None:
        if not failure.retryable:
            self.observer.failed(delivery, failure, None)
            self.dead_letter(delivery, failure, None)
            return
        due, exhausted = self._next_attempt(delivery)
        self.observer.failed(delivery, failure, due)
        if exhausted is not None:
            self.dead_letter(delivery, failure, exhausted)
        else:
            self.scheduler.at(due, self.attempt, delivery)

    def _next_attempt(self, delivery: Delivery) -> tuple[float, str | None]:
        """When the next attempt is due, or which retry limit forbids it."""
        policy = delivery.target.retry
        retries = delivery.attempts - 1
        if retries >= policy.maximum_retry_attempts:
            return 0.0, MAX_ATTEMPTS
        key = f"{delivery.event.id}|{delivery.rule_arn}|{delivery.target.id}|{delivery.attempts}"
        due = self.scheduler.clock.now() + retry_delay(self.limits, retries + 1, key)
        if due - delivery.event.ingested_at > policy.maximum_event_age:
            return 0.0, MAX_AGE
        return due, None

    # ------------------------------------------------------------------ dead letters
    def dead_letter(
        self, delivery: Delivery, failure: DeliveryFailure, exhausted: str | None
    ) -> None:
        """Send the original event to the target's DLQ, or drop it if it has none."""
        arn = delivery.target.dead_letter_arn
        message_id = None
        if arn:
            attributes = dead_letter_attributes(delivery, failure, exhausted)
            try:
                message_id = self.dead_letters.send_from_service(
                    arn, delivery.event.json, message_attributes=attributes
                )
            except DomainError:
                message_id = None
        self.observer.dead_lettered(delivery, failure, message_id)


def dead_letter_attributes(
    delivery: Delivery, failure: DeliveryFailure, exhausted: str | None
) -> dict[str, dict[str, Any]]:
    """The message attributes EventBridge puts on a dead-lettered event."""
    values = {
        "RULE_ARN": delivery.rule_arn,
        "TARGET_ARN": delivery.target.arn,
        "ERROR_CODE": failure.code,
        "ERROR_MESSAGE": failure.message,
        "RETRY_ATTEMPTS": str(delivery.attempts - 1),
    }
    if exhausted is not None:
        values["EXHAUSTED_RETRY_CONDITION"] = exhausted
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}
