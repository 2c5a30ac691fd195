"""The SQS backend: every queue of every (account, region), and the operations on them.

Methods never ``await`` while mutating, so the one event loop that runs them needs no locks; the
only awaits are long polls waiting for messages (:meth:`SqsBackend.receive_messages`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from emulator.core.clock import Clock
from emulator.core.errors import DomainError, InvalidParameterValue, MissingParameter
from emulator.core.ids import IdFactory
from emulator.core.sqs import permissions, validation
from emulator.core.sqs.attributes import ALL_NAMES, parse_redrive, redrive_allows
from emulator.core.sqs.checksums import md5_of_attributes, md5_of_body
from emulator.core.sqs.errors import (
    BatchRequestTooLong,
    InvalidAttributeName,
    QueueDeletedRecently,
    QueueDoesNotExist,
    QueueNameExists,
)
from emulator.core.sqs.fifo import FifoQueue
from emulator.core.sqs.message import GONE, Message, MessageAttributes
from emulator.core.sqs.movetasks import MoveTask, MoveTasks
from emulator.core.sqs.observe import CLIENT, SERVICE, SqsObserver
from emulator.core.sqs.queue import Queue, check_visibility_timeout
from emulator.core.sqs.timers import LoopTimers, Timers

Scope = tuple[str, str]  # (account, region)

DELETED_QUEUE_NAME_HOLD = 60.0  # API Reference, CreateQueue: "wait at least 60 seconds"
LONG_POLL_SLACK = 0.001  # a timer that fires this close to the deadline ends the poll
MAX_LIST_RESULTS = 1000
MAX_TAGS = 50

MSG_DEDUP_NOT_FOR_STANDARD = (
    "The request includes a parameter that is not valid for this queue type."
)
MSG_DELAY_NOT_FOR_FIFO = "The request include parameter that is not valid for this queue type."
MSG_GROUP_ID_MISSING = "The request must contain the parameter MessageGroupId."
MSG_DEDUP_ID_MISSING = (
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
    "provided explicitly"
)
MSG_ATTRIBUTE_EXISTS = (
    "A queue already exists with the same name and a different value for attribute {name}"
)
MSG_REDRIVE_NOT_ALLOWED = (  # ours: AWS enforces RedriveAllowPolicy; its wording was not found
    "Value {policy} for parameter RedrivePolicy is invalid. Reason: The dead-letter queue's "
    "RedriveAllowPolicy does not allow this queue as a source queue."
)
MSG_MAX_RESULTS = (
    "Value {value} for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
    "between 1 and 1000."
)
MSG_NEXT_TOKEN = "Invalid NextToken value."
MSG_TOO_MANY_TAGS = "Too many tags added for queue {name}."  # ours


@dataclass(slots=True)
class Outgoing:
    """A message to send, as ``SendMessage`` (or one batch entry) describes it."""

    body: str
    delay: int | None = None
    attributes: MessageAttributes | None = None
    system_attributes: MessageAttributes | None = None
    group_id: str | None = None
    dedup_id: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of queues and the token of the next, if any."""

    queues: list[Queue]
    next_token: str | None


class SqsBackend:
    """All SQS state."""

    name = "sqs"

    def __init__(
        self,
        clock: Clock,
        ids: IdFactory,
        timers: Timers | None = None,
        observer: SqsObserver | None = None,
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.observer = observer or SqsObserver()
        self.timers = timers or LoopTimers(clock)
        self.queues: dict[Scope, dict[str, Queue]] = {}
        self._by_arn: dict[str, Queue] = {}
        self._deleted: dict[str, float] = {}  # ARN -> when it was deleted
        self.move_tasks = MoveTasks(clock, self.timers, ids, self)
        self._stopping = False
        self._queue_serial = 0

    # ------------------------------------------------------------------ runtime

    def reset(self) -> None:
        """Forget every queue and move task; waiting long polls are answered empty."""
        for queue in self._by_arn.values():
            queue.close()
        self.queues.clear()
        self._by_arn.clear()
        self._deleted.clear()
        self.move_tasks.reset()

    def state(self) -> dict[str, Any]:
        """Queues per account and region with their message counts."""
        return {"queues": [_queue_state(q) for q in self._sorted(self._by_arn.values())]}

    async def start(self) -> None:
        """Accept long polls again (after a stop)."""
        self._stopping = False

    async def stop(self) -> None:
        """Answer every waiting long poll now, and every later one at once."""
        self._stopping = True
        for queue in self._by_arn.values():
            queue.interrupt()

    # ------------------------------------------------------------------ lookup

    def queue_by_arn(self, arn: str) -> Queue | None:
        """The queue with this ARN, if it exists."""
        return self._by_arn.get(arn)

    def get_queue(self, scope: Scope, name: str) -> Queue:
        """The queue ``name`` or ``QueueDoesNotExist``."""
        queue = self.queues.get(scope, {}).get(name)
        if queue is None:
            raise QueueDoesNotExist()
        return queue

    def is_dead_letter_queue(self, arn: str) -> bool:
        """Whether any queue's ``RedrivePolicy`` names ``arn`` as its dead-letter queue."""
        return any(q.config.redrive and q.config.redrive.dead_letter_arn == arn for q in self)

    def __iter__(self) -> Any:
        return iter(list(self._by_arn.values()))

    # ------------------------------------------------------------------ queue lifecycle

    def create_queue(
        self, scope: Scope, name: str, attributes: Mapping[str, str], tags: Mapping[str, str]
    ) -> Queue:
        """Create a queue, or return the existing one when the given attributes match it.

        "If you provide the name of an existing queue along with the exact names and values of
        all the queue's attributes, CreateQueue returns the queue URL for the existing queue"; a
        given attribute with another value is ``QueueNameExists`` (API Reference, CreateQueue).
        """
        fifo = attributes.get("FifoQueue", "").lower() == "true"
        validation.check_queue_name(name, fifo=fifo)
        given = validation.normalize_queue_attributes(attributes, fifo=fifo, creating=True)
        existing = self.queues.get(scope, {}).get(name)
        if existing is not None:
            _check_same_attributes(existing, given)
            return existing
        arn = f"arn:aws:sqs:{scope[1]}:{scope[0]}:{name}"
        self._check_not_recently_deleted(arn)
        self._check_redrive(arn, given)
        self._check_tags(name, {}, tags)
        stored = _merge(validation.default_attributes(fifo), given)
        return self._register(scope, name, fifo, stored, dict(tags))

    def _register(
        self, scope: Scope, name: str, fifo: bool, attributes: dict[str, str], tags: dict[str, str]
    ) -> Queue:
        self._queue_serial += 1
        kind = FifoQueue if fifo else Queue
        queue = kind(
            account=scope[0],
            region=scope[1],
            name=name,
            uid=f"{self._queue_serial}-{self.ids.token(4)}",
            attributes=attributes,
            tags=tags,
            clock=self.clock,
            timers=self.timers,
            directory=self,
        )
        self.queues.setdefault(scope, {})[name] = queue
        self._by_arn[queue.arn] = queue
        return queue

    def _check_not_recently_deleted(self, arn: str) -> None:
        deleted_at = self._deleted.get(arn)
        if deleted_at is None:
            return
        if self.clock.now() - deleted_at < DELETED_QUEUE_NAME_HOLD:
            raise QueueDeletedRecently()
        del self._deleted[arn]

    def allow_name_reuse(self, arn: str) -> None:
        """Let a just-deleted queue's name be created again at once (configuration reloads).

        The API keeps AWS's 60-second rule (``QueueDeletedRecently``); a rules file that deletes
        and re-creates a queue in one reload is not an API client.
        """
        self._deleted.pop(arn, None)

    def delete_queue(self, queue: Queue) -> None:
        """Delete a queue and its messages; its long polls are answered empty."""
        queue.close()
        queue.clear()
        del self.queues[(queue.account, queue.region)][queue.name]
        del self._by_arn[queue.arn]
        self._deleted[queue.arn] = self.clock.now()

    def list_queues(
        self,
        scope: Scope,
        prefix: str = "",
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page:
        """Queues whose name starts with ``prefix``, by name, a page at a time.

        "You must set MaxResults to receive a value for NextToken in the response" (API
        Reference, ListQueues); without it, up to 1,000 queues come back.
        """
        queues = [q for q in self.queues.get(scope, {}).values() if q.name.startswith(prefix)]
        return _page(self._sorted(queues), max_results, next_token)

    def dead_letter_sources(
        self, queue: Queue, max_results: int | None = None, next_token: str | None = None
    ) -> Page:
        """Queues whose ``RedrivePolicy`` names ``queue`` (ListDeadLetterSourceQueues)."""
        sources = [
            q for q in self if q.config.redrive and q.config.redrive.dead_letter_arn == queue.arn
        ]
        return _page(self._sorted(sources), max_results, next_token)

    @staticmethod
    def _sorted(queues: Any) -> list[Queue]:
        return sorted(queues, key=lambda q: (q.account, q.region, q.name))

    # ------------------------------------------------------------------ attributes

    def get_attributes(self, queue: Queue, names: Sequence[str]) -> dict[str, str]:
        """``GetQueueAttributes``: the named attributes (``All`` for every one) that are set."""
        for name in names:
            if name != "All" and name not in ALL_NAMES:
                raise InvalidAttributeName(f"Unknown Attribute {name}.")
        wanted = ALL_NAMES if "All" in names else frozenset(names)
        values = dict(queue.attributes)
        values.update(_computed_attributes(queue, wanted))
        return {name: value for name, value in values.items() if name in wanted}

    def set_attributes(self, queue: Queue, attributes: Mapping[str, str]) -> None:
        """``SetQueueAttributes``: validate, then change the given attributes only."""
        given = validation.normalize_queue_attributes(attributes, fifo=queue.fifo, creating=False)
        self._check_redrive(queue.arn, given)
        queue.set_attributes(_merge(dict(queue.attributes), given))

    def _check_redrive(self, source_arn: str, attributes: Mapping[str, str]) -> None:
        """The dead-letter queue must exist and its ``RedriveAllowPolicy`` admit the source."""
        policy = attributes.get("RedrivePolicy")
        redrive = parse_redrive(policy)
        if policy is None or redrive is None:
            return
        target = self.queue_by_arn(redrive.dead_letter_arn)
        if target is None:
            raise validation.dead_letter_target_missing(policy)
        if not redrive_allows(target.attributes.get("RedriveAllowPolicy"), source_arn):
            raise InvalidParameterValue(MSG_REDRIVE_NOT_ALLOWED.format(policy=policy))

    def purge_queue(self, queue: Queue) -> None:
        """``PurgeQueue`` (once per 60 seconds)."""
        queue.purge(self.clock.now())

    # ------------------------------------------------------------------ tags and permissions

    def tag_queue(self, queue: Queue, tags: Mapping[str, str]) -> None:
        """Add or overwrite tags (at most 50 per queue)."""
        self._check_tags(queue.name, queue.tags, tags)
        queue.tags.update(tags)

    def untag_queue(self, queue: Queue, keys: Sequence[str]) -> None:
        """Remove tags; unknown keys are ignored."""
        for key in keys:
            queue.tags.pop(key, None)

    @staticmethod
    def _check_tags(name: str, current: Mapping[str, str], new: Mapping[str, str]) -> None:
        if len(set(current) | set(new)) > MAX_TAGS:
            raise InvalidParameterValue(MSG_TOO_MANY_TAGS.format(name=name))

    def add_permission(
        self, queue: Queue, label: str, accounts: Sequence[str], actions: Sequence[str]
    ) -> None:
        """Add a statement to the queue's ``Policy`` (AddPermission)."""
        policy = queue.attributes.get("Policy")
        updated = permissions.add_statement(policy, queue.arn, label, accounts, actions)
        queue.set_attributes({**queue.attributes, "Policy": updated})

    def remove_permission(self, queue: Queue, label: str) -> None:
        """Remove the statement ``label`` from the queue's ``Policy`` (RemovePermission)."""
        updated = permissions.remove_statement(queue.attributes.get("Policy"), queue.arn, label)
        attributes = {k: v for k, v in queue.attributes.items() if k != "Policy"}
        if updated is not None:
            attributes["Policy"] = updated
        queue.set_attributes(attributes)

    # ------------------------------------------------------------------ sending

    def send_message(
        self,
        queue: Queue,
        outgoing: Outgoing,
        sender_id: str,
        origin: str = CLIENT,
        *,
        size: int | None = None,
    ) -> Message:
        """Validate and store one message; its MD5s and ids are on the returned message.

        ``size`` is the message's :func:`~validation.message_size` when the caller has it already
        (a batch sums them first). A FIFO duplicate (same deduplication id within 5 minutes) is
        accepted but not stored: the returned message then carries the original's ``MessageId``
        and ``SequenceNumber``.
        """
        _check_outgoing(queue, outgoing, size)
        now = self.clock.now()
        if isinstance(queue, FifoQueue):
            return self._send_fifo(queue, outgoing, sender_id, now, origin)
        if outgoing.dedup_id is not None:
            raise validation.parameter_invalid(
                "MessageDeduplicationId", outgoing.dedup_id, MSG_DEDUP_NOT_FOR_STANDARD
            )
        if outgoing.group_id is not None:
            validation.check_fifo_id("MessageGroupId", outgoing.group_id)
        message = self._message(queue, outgoing, sender_id, now)
        delay = queue.config.delay_seconds if outgoing.delay is None else outgoing.delay
        self._store(queue, message, delay, now, origin)
        return message

    def _send_fifo(
        self, queue: FifoQueue, outgoing: Outgoing, sender_id: str, now: float, origin: str
    ) -> Message:
        group_id, dedup_id = _fifo_ids(queue, outgoing)
        message = self._message(queue, outgoing, sender_id, now)
        message.group_id, message.dedup_id = group_id, dedup_id
        original = queue.duplicate_of(group_id, dedup_id, now)
        if original is not None:
            message.message_id, message.sequence_number = original
            message.state = GONE
            return message
        message.sequence_number = queue.next_sequence_number()
        queue.remember(message, now)
        self._store(queue, message, queue.config.delay_seconds, now, origin)
        return message

    def _store(self, queue: Queue, message: Message, delay: float, now: float, origin: str) -> None:
        """Put a new message in its queue, as queue-level chaos (if any) plans it."""
        observer = self.observer
        if not observer.chaos_active:
            queue.put(message, delay, now)
            observer.enqueued(queue.name, message, origin)
            return
        plan = observer.plan(queue.name, message, origin, isinstance(queue, FifoQueue))
        if plan.drop:
            message.state = GONE
            return
        message.redeliveries = plan.redeliveries
        queue.put(message, delay + plan.delay, now)
        observer.enqueued(queue.name, message, origin)
        for extra in plan.copies:
            copy = queue.duplicate(message, now)
            queue.put(copy, delay + extra, now)

    def _message(self, queue: Queue, outgoing: Outgoing, sender_id: str, now: float) -> Message:
        """A new message (not stored yet); positional, as this runs for every message sent."""
        attributes = outgoing.attributes or {}
        system = outgoing.system_attributes or {}
        body = outgoing.body
        return Message(
            queue.next_seq(),  # seq
            self.ids.uuid(),  # message_id
            body,
            md5_of_body(body),
            attributes,
            md5_of_attributes(attributes) if attributes else None,
            system,
            md5_of_attributes(system) if system else None,
            now,  # sent_at
            sender_id,
            outgoing.group_id,
        )

    def send_batch(
        self, queue: Queue, entries: Sequence[tuple[str, Outgoing]], sender_id: str
    ) -> list[tuple[str, Message | DomainError]]:
        """``SendMessageBatch``: each entry sent or failed on its own, in order.

        Request-level checks come first and fail the whole call: 1-10 distinct valid ids and at
        most 1 MiB in total (API Reference, SendMessageBatch).
        """
        validation.check_batch_ids([entry_id for entry_id, _ in entries])
        sizes = [validation.message_size(o.body, o.attributes) for _, o in entries]
        total = sum(sizes)
        if total > validation.MAX_BATCH_SIZE:
            raise BatchRequestTooLong(validation.MAX_BATCH_SIZE, total)
        results: list[tuple[str, Message | DomainError]] = []
        for (entry_id, outgoing), size in zip(entries, sizes, strict=True):
            try:
                message = self.send_message(queue, outgoing, sender_id, size=size)
            except DomainError as error:
                results.append((entry_id, error))
            else:
                results.append((entry_id, message))
        return results

    def send_from_service(
        self,
        arn: str,
        body: str,
        *,
        message_group_id: str | None = None,
        deduplication_id: str | None = None,
        message_attributes: dict[str, dict[str, Any]] | None = None,
    ) -> str:
        """Deliver a message from another emulated service (an EventBridge target); its id.

        ``QueueDoesNotExist`` when no queue has this ARN; any other send error as it would be
        raised to an SDK caller.
        """
        queue = self.queue_by_arn(arn)
        if queue is None:
            raise QueueDoesNotExist()
        outgoing = Outgoing(
            body,
            attributes=message_attributes,
            group_id=message_group_id,
            dedup_id=deduplication_id,
        )
        return self.send_message(queue, outgoing, queue.account, SERVICE).message_id

    # ------------------------------------------------------------------ receiving

    async def receive_messages(
        self,
        queue: Queue,
        *,
        max_messages: int | None = None,
        visibility_timeout: int | None = None,
        wait_seconds: int | None = None,
        attempt_id: str | None = None,
    ) -> list[Message]:
        """``ReceiveMessage``: answer at once if messages are there, else long-poll.

        A long poll returns as soon as a message can be received (sent, or its delay or
        visibility timeout over), at the deadline with nothing, or at once when the queue is
        deleted or the emulator stops.
        """
        validation.check_receive_parameters(max_messages, wait_seconds, visibility_timeout)
        count = max_messages or 1
        visibility = queue.config.visibility_timeout
        visibility = visibility if visibility_timeout is None else visibility_timeout
        wait = queue.config.wait_seconds if wait_seconds is None else wait_seconds
        now = self.clock.now()
        messages = _receive_now(queue, count, visibility, now, attempt_id)
        if messages or wait <= 0 or self._stopping or queue.closed:
            return self._received(queue, messages)
        deadline = now + wait
        while await queue.wait_for_messages(deadline, count):
            now = self.clock.now()
            messages = _receive_now(queue, count, visibility, now, attempt_id)
            if messages or now >= deadline - LONG_POLL_SLACK:
                return self._received(queue, messages)
        if self._stopping or queue.closed:
            return []
        messages = _receive_now(queue, count, visibility, self.clock.now(), attempt_id)
        return self._received(queue, messages)

    def _received(self, queue: Queue, messages: list[Message]) -> list[Message]:
        observer, name = self.observer, queue.name
        for message in messages:
            observer.received(name, message)
        return messages

    def delete_message(self, queue: Queue, handle: str) -> None:
        """``DeleteMessage`` by receipt handle."""
        message = queue.delete(handle, self.clock.now())
        if message is not None:
            self.observer.deleted(queue.name, message)

    def change_visibility(self, queue: Queue, handle: str, timeout: int) -> None:
        """``ChangeMessageVisibility`` by receipt handle."""
        check_visibility_timeout(timeout)
        queue.change_visibility(handle, timeout, self.clock.now())

    def delete_batch(
        self, queue: Queue, entries: Sequence[tuple[str, str]]
    ) -> list[tuple[str, DomainError | None]]:
        """``DeleteMessageBatch`` of ``(Id, ReceiptHandle)``: each entry's error or ``None``."""
        ids = [{"Id": entry_id} for entry_id, _ in entries]
        validation.check_batch_entries(ids, entry="DeleteMessageBatchRequestEntry")
        return [(i, _attempt(self.delete_message, queue, h)) for i, h in entries]

    def change_visibility_batch(
        self, queue: Queue, entries: Sequence[tuple[str, str, int]]
    ) -> list[tuple[str, DomainError | None]]:
        """``ChangeMessageVisibilityBatch`` of ``(Id, ReceiptHandle, VisibilityTimeout)``."""
        ids = [{"Id": entry_id} for entry_id, _, _ in entries]
        validation.check_batch_entries(ids, entry="ChangeMessageVisibilityBatchRequestEntry")
        return [(i, _attempt(self.change_visibility, queue, h, t)) for i, h, t in entries]

    # ------------------------------------------------------------------ move tasks

    def start_move_task(
        self, source_arn: str, destination_arn: str | None, rate: int | None
    ) -> MoveTask:
        """``StartMessageMoveTask``."""
        return self.move_tasks.start(source_arn, destination_arn, rate)

    def list_move_tasks(self, source_arn: str, max_results: int | None) -> list[MoveTask]:
        """``ListMessageMoveTasks``."""
        return self.move_tasks.recent(source_arn, max_results)

    def cancel_move_task(self, handle: str) -> MoveTask:
        """``CancelMessageMoveTask``."""
        return self.move_tasks.cancel(handle)


# ---------------------------------------------------------------------- helpers


def _receive_now(
    queue: Queue, count: int, visibility: int, now: float, attempt_id: str | None
) -> list[Message]:
    if attempt_id is not None and isinstance(queue, FifoQueue):
        return queue.receive_attempt(attempt_id, count, visibility, now)
    return queue.receive(count, visibility, now)


def _attempt(action: Any, *args: Any) -> DomainError | None:
    try:
        action(*args)
    except DomainError as error:
        return error
    return None


def _check_outgoing(queue: Queue, outgoing: Outgoing, size: int | None = None) -> None:
    """What every message must satisfy, on any queue type (``size``: its size, if known).

    Without attributes the size is the body's, which :func:`validation.check_message_body`
    bounds already; the attribute checks are skipped when there is nothing to check.
    """
    limit = queue.config.maximum_message_size
    validation.check_message_body(outgoing.body, limit)
    attributes = outgoing.attributes
    if attributes:
        validation.check_message_attributes(attributes)
    if outgoing.system_attributes:
        validation.check_message_system_attributes(outgoing.system_attributes)
    if attributes:
        if size is None:
            size = validation.message_size(outgoing.body, attributes)
        validation.check_message_size(size, limit)
    if outgoing.delay is not None:
        validation.check_delay_seconds(outgoing.delay)


def _fifo_ids(queue: FifoQueue, outgoing: Outgoing) -> tuple[str, str]:
    """A FIFO message's group id and deduplication id (explicit or SHA-256 of the body)."""
    if outgoing.delay:
        raise validation.parameter_invalid("DelaySeconds", outgoing.delay, MSG_DELAY_NOT_FOR_FIFO)
    if outgoing.group_id is None:
        raise MissingParameter(MSG_GROUP_ID_MISSING)
    validation.check_fifo_id("MessageGroupId", outgoing.group_id)
    if outgoing.dedup_id is not None:
        validation.check_fifo_id("MessageDeduplicationId", outgoing.dedup_id)
        return outgoing.group_id, outgoing.dedup_id
    if not queue.config.content_based_deduplication:
        raise InvalidParameterValue(MSG_DEDUP_ID_MISSING)
    return outgoing.group_id, hashlib.sha256(outgoing.body.encode("utf-8")).hexdigest()


def _check_same_attributes(queue: Queue, given: Mapping[str, str]) -> None:
    for name, value in given.items():
        if queue.attributes.get(name, "") != value:
            raise QueueNameExists(MSG_ATTRIBUTE_EXISTS.format(name=name))


def _merge(current: dict[str, str], given: Mapping[str, str]) -> dict[str, str]:
    """``current`` with ``given`` applied: an empty value removes the attribute."""
    for name, value in given.items():
        if value == "":
            current.pop(name, None)
        else:
            current[name] = value
    if current.get("KmsMasterKeyId"):
        current.setdefault("KmsDataKeyReusePeriodSeconds", validation.KMS_DATA_KEY_REUSE_DEFAULT)
        if "SqsManagedSseEnabled" not in given:
            current["SqsManagedSseEnabled"] = "false"
    else:
        current.pop("KmsDataKeyReusePeriodSeconds", None)
    return current


def _computed_attributes(queue: Queue, wanted: frozenset[str]) -> dict[str, str]:
    values = {
        "QueueArn": queue.arn,
        "CreatedTimestamp": str(int(queue.created_at)),
        "LastModifiedTimestamp": str(int(queue.modified_at)),
    }
    if wanted & {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    }:
        counts = queue.counts()
        values["ApproximateNumberOfMessages"] = str(counts.visible)
        values["ApproximateNumberOfMessagesNotVisible"] = str(counts.inflight)
        values["ApproximateNumberOfMessagesDelayed"] = str(counts.delayed)
    return values


def _queue_state(queue: Queue) -> dict[str, Any]:
    counts = queue.counts()
    return {
        "account": queue.account,
        "region": queue.region,
        "name": queue.name,
        "arn": queue.arn,
        "fifo": queue.fifo,
        "visible": counts.visible,
        "inflight": counts.inflight,
        "delayed": counts.delayed,
    }


def _page(queues: list[Queue], max_results: int | None, next_token: str | None) -> Page:
    """A page of ``queues`` (sorted) after ``next_token``; a token only with ``max_results``."""
    if max_results is not None and not 1 <= max_results <= MAX_LIST_RESULTS:
        raise InvalidParameterValue(MSG_MAX_RESULTS.format(value=max_results))
    start = _token_offset(next_token) if next_token else 0
    limit = max_results or MAX_LIST_RESULTS
    page = queues[start : start + limit]
    more = max_results is not None and start + limit < len(queues)
    return Page(page, _token(start + limit) if more else None)


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode("ascii")


def _token_offset(token: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(token.encode("ascii")).decode().partition(":")
        if kind == "offset" and value.isdigit():
            return int(value)
    except (ValueError, UnicodeError, binascii.Error):
        pass
    raise InvalidParameterValue(MSG_NEXT_TOKEN)
