"""The ledger's view of EventBridge, and target-level chaos (``drop``, ``delay``, ``fail``,
``duplicate``) in front of each delivery attempt.

A target-level fault is decided per (event id, rule, target) and attempt, so the same seed gives
the same faults whatever else is in flight. ``delay`` holds back the first attempt only;
``fail`` fails an attempt as a retryable error, so ``RetryPolicy`` and then ``DeadLetterConfig``
take over; ``duplicate`` delivers the same event (same id) again after a successful attempt;
``drop`` loses the delivery with nothing but a ledger record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.core.chaos import Chaos, Fault, Ledger, Subject
from emulator.core.events.arns import BusRef
from emulator.core.events.envelope import Event
from emulator.core.events.errors import DeliveryFailure

if TYPE_CHECKING:
    from emulator.core.events.delivery import Delivery

TARGET_KINDS = ("drop", "delay", "fail")
DUPLICATE = ("duplicate",)
FAILED_BY_CHAOS = "Delivery failed by an injected fault (chaos)."


@dataclass(slots=True)
class Verdict:
    """What chaos does to one attempt."""

    drop: bool = False
    delay: float = 0.0
    fail: bool = False


NO_VERDICT = Verdict()


class EventsObserver:
    """Implements the dispatcher's observer (ledger records) and its fault hook (chaos)."""

    def __init__(self, chaos: Chaos | None = None, ledger: Ledger | None = None) -> None:
        self.chaos = chaos
        self.ledger = ledger

    # ------------------------------------------------------------------ chaos
    def before_attempt(self, view: Delivery) -> Verdict:
        """Record the attempt and decide the faults that hit it."""
        if self.ledger is not None:
            self.ledger.record_lazy("delivery.attempt", _delivery_fields, *_delivery_args(view))
        chaos = self.chaos
        if chaos is None or not chaos.active or view.copy:
            return NO_VERDICT
        first = view.attempts == 0 and not view.delayed
        context = _context(view)
        if not chaos.may_hit(TARGET_KINDS, context):
            return NO_VERDICT
        subject = _subject(view, context)
        if (fault := chaos.decide("drop", subject)) is not None:
            self._delivery("delivery.dropped", view, fault)
            return Verdict(drop=True)
        if first and (fault := chaos.decide("delay", subject)) is not None:
            ms = chaos.pick_ms(fault, subject, list(fault.params["ms"]), "delay")
            self._delivery("delivery.delayed", view, fault, {"ms": ms})
            return Verdict(delay=ms / 1000)
        if (fault := chaos.decide("fail", subject)) is not None:
            self._delivery("delivery.fail_injected", view, fault)
            return Verdict(fail=True)
        return NO_VERDICT

    def duplicates(self, view: Delivery) -> list[float]:
        """Seconds after which copies of a delivered event go out again (usually none)."""
        chaos = self.chaos
        if chaos is None or view.copy or not chaos.has("duplicate"):
            return []
        context = _context(view)
        if not chaos.may_hit(DUPLICATE, context):
            return []
        subject = _subject(view, context)
        fault = chaos.decide("duplicate", subject)
        if fault is None:
            return []
        spread = list(fault.params["spread_ms"])
        delays = [
            chaos.pick_ms(fault, subject, spread, f"copy{i}") / 1000
            for i in range(int(fault.params["copies"]))
        ]
        self._delivery("delivery.duplicated", view, fault, {"copies": len(delays)})
        return delays

    @staticmethod
    def injected_failure() -> DeliveryFailure:
        """The failure a ``fail`` fault stands for: retryable, like a throttled target."""
        return DeliveryFailure("INTERNAL_ERROR", FAILED_BY_CHAOS, retryable=True)

    # ------------------------------------------------------------------ observer
    def accepted(self, event: Event, bus: BusRef, hops: int) -> None:
        """``event.accepted``."""
        if self.ledger is not None:
            payload = event.payload
            self.ledger.record_lazy(
                "event.accepted",
                _accepted_fields,
                bus.name,
                event.id,
                payload.get("source"),
                payload.get("detail-type"),
                hops,
                bus.account,
                bus.region,
            )

    def matched(self, event: Event, bus: BusRef, rule: str) -> None:
        """``rule.matched``."""
        if self.ledger is not None:
            self.ledger.record_lazy("rule.matched", _matched_fields, bus.name, rule, event.id)

    def delivered(self, view: Delivery, message_id: str | None) -> None:
        """``delivery.succeeded`` (copies say so in ``detail``)."""
        if self.ledger is not None:
            self.ledger.record_lazy(
                "delivery.succeeded",
                _succeeded_fields,
                *_delivery_args(view),
                message_id,
                view.copy,
            )

    def failed(self, view: Delivery, failure: DeliveryFailure, retry_at: float | None) -> None:
        """``delivery.failed``, with when the retry is due (None: no retry)."""
        self._delivery(
            "delivery.failed",
            view,
            None,
            {"error_code": failure.code, "error_message": failure.message, "retry_at": retry_at},
        )

    def dead_lettered(
        self, view: Delivery, failure: DeliveryFailure, message_id: str | None
    ) -> None:
        """``delivery.dead_lettered`` (or ``delivery.discarded`` without a DLQ)."""
        kind = "delivery.dead_lettered" if message_id else "delivery.discarded"
        self._delivery(kind, view, None, {"error_code": failure.code, "message_id": message_id})

    def dropped(self, event: Event, bus: BusRef, reason: str) -> None:
        """``event.dropped``: no such bus, or a target kind not emulated."""
        self._record("event.dropped", bus=bus.name, event_id=event.id, detail={"reason": reason})

    # ------------------------------------------------------------------ records
    def _delivery(
        self,
        kind: str,
        view: Delivery,
        fault: Fault | None = None,
        detail: dict[str, object] | None = None,
    ) -> None:
        label = fault.label if fault else None
        self._record(kind, **_delivery_fields(*_delivery_args(view), label, detail))

    def _record(self, kind: str, **fields: object) -> None:
        if self.ledger is not None:
            self.ledger.record(kind, **fields)


# ---------------------------------------------------------------------- lazy ledger fields
# The records written for every event are kept as values and made into fields when read
# (``Ledger.record_lazy``); the fields are exactly what ``_delivery`` would have recorded.


def _delivery_args(view: Delivery) -> tuple[str, str, str, str, int, str]:
    """What a delivery record needs, frozen now (``attempts`` changes later)."""
    return (
        view.bus.name,
        view.rule_name,
        view.target.id,
        view.event.id,
        view.attempts,
        view.target.arn,
    )


def _delivery_fields(
    bus: str,
    rule: str,
    target: str,
    event_id: str,
    attempt: int,
    target_arn: str,
    fault: str | None = None,
    detail: dict[str, object] | None = None,
) -> dict[str, object]:
    """The fields of every ``delivery.*`` record (eager or lazy)."""
    return {
        "fault": fault,
        "bus": bus,
        "rule": rule,
        "target": target,
        "event_id": event_id,
        "attempt": attempt,
        "detail": {"target_arn": target_arn, **(detail or {})},
    }


def _succeeded_fields(
    bus: str,
    rule: str,
    target: str,
    event_id: str,
    attempt: int,
    target_arn: str,
    message_id: str | None,
    duplicate: bool,
) -> dict[str, object]:
    detail: dict[str, object] = {"message_id": message_id, "duplicate": duplicate}
    return _delivery_fields(bus, rule, target, event_id, attempt, target_arn, None, detail)


def _accepted_fields(
    bus: str,
    event_id: str,
    source: object,
    detail_type: object,
    hops: int,
    account: str,
    region: str,
) -> dict[str, object]:
    detail = {
        "source": source,
        "detail-type": detail_type,
        "hops": hops,
        "account": account,
        "region": region,
    }
    return {"bus": bus, "event_id": event_id, "detail": detail}


def _matched_fields(bus: str, rule: str, event_id: str) -> dict[str, object]:
    return {"bus": bus, "rule": rule, "event_id": event_id}


def _context(view: Delivery) -> dict[str, str | None]:
    """The selector values of a delivery (what a fault's ``match`` is checked against)."""
    payload = view.event.payload
    return {
        "bus": view.bus.name,
        "rule": view.rule_name,
        "target": view.target.id,
        "source": payload.get("source"),
        "detail-type": payload.get("detail-type"),
    }


def _subject(view: Delivery, context: dict[str, str | None]) -> Subject:
    """What a decision about this attempt is keyed on; built only once a fault may hit."""
    key = f"{view.event.id}|{view.bus.arn}|{view.rule_name}|{view.target.id}"
    return Subject(key, context, view.attempts)
