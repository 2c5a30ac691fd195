"""API-level chaos: ``error`` (rejected before any effect), ``lost_ack`` (applied, then a 5xx so
the SDK's own retry makes a producer-side duplicate) and ``partial_batch`` (entries of a batch call
fail one by one, reported as AWS reports per-entry failures).

These act on a whole call, so they live at the dispatcher, around the handler; the core never sees
them. Each call of an operation is a subject of its own (``sqs:SendMessage#7``), so with a seed
the same sequence of calls meets the same faults.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from emulator.api.context import Params, RequestContext, Result
from emulator.core.chaos import Chaos, Ledger, Subject
from emulator.core.chaos.config import BATCH_OPERATIONS, Fault
from emulator.core.errors import DomainError

API_KINDS = ("error", "lost_ack", "partial_batch")
LOST_ACK_MESSAGE = "We encountered an internal error. Please try again."
SQS_ENTRY_FAILURE = ("InternalError", "An internal error occurred; the entry was not processed.")
EVENTS_ENTRY_FAILURE = ("InternalFailure", "An internal error occurred; the entry was not put.")

Invoke = Callable[[RequestContext, Params], Awaitable[Result]]


class LostAck(DomainError):
    """The call took effect, but its answer is lost: the client sees a 500 and retries."""

    code = "InternalFailure"
    sender_fault = False
    status = 500


class ApiFaults:
    """Wraps handler calls with the configured API faults."""

    def __init__(self, chaos: Chaos, ledger: Ledger) -> None:
        self.chaos = chaos
        self.ledger = ledger

    async def call(self, invoke: Invoke, ctx: RequestContext, params: Params) -> Result:
        """Run ``invoke`` under whatever API faults hit this call."""
        if not self.chaos.active:
            return await invoke(ctx, params)
        operation = f"{ctx.service}:{ctx.operation}"
        operations = self.chaos.named(API_KINDS, "operation")
        if operations is not None and operation not in operations:
            return await invoke(ctx, params)
        context = _selectors(operation, params)
        if not self.chaos.may_hit(API_KINDS, context):
            return await invoke(ctx, params)
        subject = Subject(self.chaos.next_call(operation), context)
        self._maybe_error(subject)
        result = await self._maybe_partial(invoke, ctx, params, subject)
        lost = self.chaos.decide("lost_ack", subject)
        if lost is not None:
            self._record("api.lost_ack", lost, subject)
            raise LostAck(LOST_ACK_MESSAGE)
        return result

    def _maybe_error(self, subject: Subject) -> None:
        fault = self.chaos.decide("error", subject)
        if fault is None:
            return
        self._record("api.error", fault, subject)
        code = str(fault.params.get("code", "ThrottlingException"))
        message = str(fault.params.get("message", f"Injected fault: {code} (chaos)."))
        raise DomainError(message, code=code, status=fault.params.get("status"))

    async def _maybe_partial(
        self, invoke: Invoke, ctx: RequestContext, params: Params, subject: Subject
    ) -> Result:
        operation = str(subject.context["operation"])
        if operation not in BATCH_OPERATIONS or not self.chaos.has("partial_batch"):
            return await invoke(ctx, params)
        entries = list(params.get("Entries") or [])
        failed = [i for i in range(len(entries)) if self._entry_fails(subject, i)]
        if not failed or len(entries) > 10:
            return await invoke(ctx, params)
        kept = [e for i, e in enumerate(entries) if i not in failed]
        result = await invoke(ctx, {**params, "Entries": kept}) if kept else _empty(operation)
        if operation == "events:PutEvents":
            return _merge_put_events(result, len(entries), failed)
        return _merge_sqs_batch(result, [entries[i] for i in failed])

    def _entry_fails(self, subject: Subject, index: int) -> bool:
        entry = Subject(f"{subject.key}/{index}", subject.context, subject.attempt)
        fault = self.chaos.decide("partial_batch", entry)
        if fault is not None:
            self._record("api.partial_batch", fault, entry)
        return fault is not None

    def _record(self, kind: str, fault: Fault, subject: Subject) -> None:
        context = subject.context
        self.ledger.record(
            kind,
            fault=fault.label,
            queue=context.get("queue"),
            bus=context.get("bus"),
            detail={"operation": context.get("operation"), "call": subject.key},
        )


def _selectors(operation: str, params: Params) -> dict[str, str | None]:
    context: dict[str, str | None] = {"operation": operation}
    url = params.get("QueueUrl")
    if isinstance(url, str):
        context["queue"] = url.rstrip("/").rsplit("/", 1)[-1]
    entries = params.get("Entries")
    first: dict[str, Any] = entries[0] if operation == "events:PutEvents" and entries else params
    bus = first.get("EventBusName")
    if operation.startswith("events:"):
        context["bus"] = str(bus).rsplit("/", 1)[-1] if bus else "default"
        context["source"] = first.get("Source")
        context["detail-type"] = first.get("DetailType")
        context["rule"] = params.get("Rule") or params.get("Name")
    return context


def _empty(operation: str) -> Result:
    if operation == "events:PutEvents":
        return {"FailedEntryCount": 0, "Entries": []}
    return {"Successful": [], "Failed": []}


def _merge_put_events(result: Result, total: int, failed: list[int]) -> Result:
    code, message = EVENTS_ENTRY_FAILURE
    kept = iter(result.get("Entries", []))
    entries = [
        {"ErrorCode": code, "ErrorMessage": message} if i in failed else next(kept)
        for i in range(total)
    ]
    count = int(result.get("FailedEntryCount", 0)) + len(failed)
    return {**result, "FailedEntryCount": count, "Entries": entries}


def _merge_sqs_batch(result: Result, failed_entries: list[dict[str, Any]]) -> Result:
    code, message = SQS_ENTRY_FAILURE
    failures = [
        {"Id": e.get("Id"), "SenderFault": False, "Code": code, "Message": message}
        for e in failed_entries
    ]
    return {
        **result,
        "Successful": result.get("Successful", []),
        "Failed": [*result.get("Failed", []), *failures],
    }
