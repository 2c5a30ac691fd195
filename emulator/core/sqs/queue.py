"""One standard queue: messages, visibility, delays, retention, redrive, long-poll waiters.

Storage is built for the hot paths. Every live message is in ``messages`` (by ``seq``, which the
receipt handle carries, so a handle resolves in O(1)). Visible messages wait in a deque in the
order they became visible; delayed and in-flight ones sit in one heap keyed by the time they
become visible (``due``). Time-driven changes are applied lazily when the queue is next touched
(:meth:`Queue.refresh`), so nothing runs per message per tick. Deleting a message leaves its
heap entry behind as "stale"; stale entries are skipped when popped, and the heap is rebuilt
when they outnumber live ones.

Long polls wait on futures in ``_waiters``: a message becoming visible wakes one, unless the long
polls woken already (and not yet run) will take every visible message between them (``_claims``);
a long poll that took messages wakes the next one if any are left. While anyone waits, one timer
is armed for the earliest ``due`` so that delays and visibility expiry wake them too.
:class:`~emulator.core.sqs.fifo.FifoQueue` overrides the storage hooks (``_stash``, ``_take``,
``_became_visible``, ``_lent``, ``_on_gone``).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from emulator.core.clock import Clock
from emulator.core.errors import InvalidParameterValue
from emulator.core.sqs.attributes import MAX_VISIBILITY_TIMEOUT, QueueConfig
from emulator.core.sqs.errors import PurgeQueueInProgress
from emulator.core.sqs.message import (
    DELAYED,
    GONE,
    INFLIGHT,
    VISIBLE,
    Message,
    make_handle,
    parse_handle,
)
from emulator.core.sqs.timers import TimerHandle, Timers

PURGE_INTERVAL = 60.0  # one PurgeQueue per queue per 60 s (API Reference, PurgeQueue)
SWEEP_INTERVAL = 1.0  # at most one retention sweep per second per queue (scaled by size)
COMPACT_MIN = 1024  # rebuild the heap once this many stale entries outnumber the live ones
Waiter = tuple["asyncio.Future[bool]", int]  # a long poll's future and the most it takes

NOT_AVAILABLE_FOR_CHANGE = (
    "Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is "
    "not available for visibility timeout change."
)
TOTAL_VISIBILITY_TOO_LONG = (
    "Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout "
    "for the message is beyond the limit [43200 seconds]"
)


class QueueDirectory(Protocol):
    """What a queue needs of the backend: other queues by ARN (its dead-letter queue)."""

    def queue_by_arn(self, arn: str) -> Queue | None:
        """The live queue with this ARN, if any."""
        ...


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """The ``Approximate*`` counts: visible, in flight (not visible), delayed."""

    visible: int
    inflight: int
    delayed: int


class Queue:
    """A standard queue (at-least-once, best-effort order)."""

    fifo = False

    def __init__(
        self,
        *,
        account: str,
        region: str,
        name: str,
        uid: str,
        attributes: dict[str, str],
        tags: dict[str, str],
        clock: Clock,
        timers: Timers,
        directory: QueueDirectory,
    ) -> None:
        self.account = account
        self.region = region
        self.name = name
        self.uid = uid
        self.arn = f"arn:aws:sqs:{region}:{account}:{name}"
        self.attributes = attributes
        self.config = QueueConfig.of(attributes)
        self.tags = tags
        self.clock = clock
        self.timers = timers
        self.directory = directory
        self.created_at = self.modified_at = clock.now()
        self.purged_at: float | None = None
        self.closed = False
        self.messages: dict[int, Message] = {}
        self._visible: deque[Message] = deque()
        self._pending: list[tuple[float, int, Message]] = []
        self._stale = 0
        self._counts = [0, 0, 0, 0]  # indexed by message state
        self._next_seq = 0
        self._next_sweep = 0.0
        self._waiters: deque[Waiter] = deque()
        self._claims = 0  # messages the woken, not yet resumed long polls will take at most
        self._wake: TimerHandle | None = None
        self._wake_at = 0.0

    # ------------------------------------------------------------------ settings

    def set_attributes(self, attributes: dict[str, str]) -> None:
        """Replace the stored attributes (validated by the caller) and re-derive the config."""
        self.attributes = attributes
        self.config = QueueConfig.of(attributes)
        self.modified_at = self.clock.now()

    def counts(self) -> QueueCounts:
        """The ``Approximate*`` counts now (retention applied at most a second late)."""
        self.refresh(self.clock.now())
        return QueueCounts(self._counts[VISIBLE], self._counts[INFLIGHT], self._counts[DELAYED])

    def handle_of(self, message: Message) -> str:
        """The receipt handle of ``message``'s latest receive."""
        return make_handle(self.uid, message)

    # ------------------------------------------------------------------ sending

    def next_seq(self) -> int:
        """A fresh ordering number for a message about to be stored here."""
        self._next_seq += 1
        return self._next_seq

    def put(self, message: Message, delay: float, now: float) -> None:
        """Store a new message, visible now or after ``delay`` seconds."""
        self.messages[message.seq] = message
        self._stash(message)
        if delay > 0:
            message.state = DELAYED
            self._counts[DELAYED] += 1
            self._schedule(message, now + delay)
        else:
            message.state = VISIBLE
            self._counts[VISIBLE] += 1
            self._became_visible(message, returning=False)

    # ------------------------------------------------------------------ receiving

    def receive(self, max_messages: int, visibility: int, now: float) -> list[Message]:
        """Take up to ``max_messages`` visible messages and put them in flight for ``visibility``.

        Messages received ``maxReceiveCount`` times already are moved to the dead-letter queue
        instead (Developer Guide, "Using dead-letter queues").
        """
        self.refresh(now)
        taken = self._take(max_messages, now, redrive=True)
        for message in taken:
            self._lend(message, visibility, now)
        if taken and self._waiters:
            self._notify()  # pass it on if messages are left
        return taken

    def take_for_move(self, count: int, now: float) -> list[Message]:
        """Remove up to ``count`` visible messages for a message move task."""
        self.refresh(now)
        taken = self._take(count, now, redrive=False)
        for message in taken:
            self._remove(message)
        return taken

    def refresh(self, now: float) -> None:
        """Apply what time has changed: due messages become visible, old ones expire."""
        self._promote(now)
        if now >= self._next_sweep:
            self._sweep(now)

    def _take(self, limit: int, now: float, *, redrive: bool) -> list[Message]:
        out: list[Message] = []
        visible = self._visible
        while len(out) < limit and visible:
            message = visible.popleft()
            if message.state != VISIBLE or self._expire_if_old(message, now):
                continue
            if redrive and self._dead_letter(message, now):
                continue
            out.append(message)
        return out

    def _lend(self, message: Message, visibility: int, now: float) -> None:
        message.receive_count += 1
        message.received_at = now
        if message.first_received_at is None:
            message.first_received_at = now
        self._lent(message)
        if visibility <= 0:
            self._became_visible(message, returning=True)
            return
        self._set_state(message, INFLIGHT)
        self._schedule(message, now + visibility)

    # ------------------------------------------------------------------ receipt handles

    def delete(self, handle: str, now: float) -> Message | None:
        """Delete the message a receipt handle names; the message deleted, if any.

        An unknown or already deleted message is not an error (AWS answers OK); on a standard
        queue a stale handle (one from an earlier receive) still deletes the message.
        """
        seq, count = parse_handle(self.uid, handle)
        self._promote(now)
        message = self.messages.get(seq)
        if message is None:
            return None
        self._check_delete(message, count, handle)
        self._remove(message)
        if message.redeliveries > 0:
            self._redeliver(message, now)
        return message

    def duplicate(self, message: Message, now: float) -> Message:
        """A chaos copy of a new message: same id and contents, receipt handles of its own."""
        return self._copy_of(message, None, now)

    def _redeliver(self, message: Message, now: float) -> None:
        """Chaos on a FIFO queue: a deleted message comes back once more, ahead of its group."""
        copy = self._copy_of(message, None, now)
        copy.seq, copy.sequence_number = message.seq, message.sequence_number
        copy.receive_count, copy.redeliveries = message.receive_count, message.redeliveries - 1
        self.messages[copy.seq] = copy
        self._counts[VISIBLE] += 1
        self._put_back(copy)
        if self._waiters:
            self._notify()

    def _put_back(self, message: Message) -> None:
        """Hook: a visible message goes back to the front of the queue (FIFO: of its group)."""
        self._visible.appendleft(message)

    def _check_delete(self, message: Message, count: int, handle: str) -> None:
        """Hook: FIFO queues refuse expired handles."""

    def change_visibility(self, handle: str, timeout: int, now: float) -> None:
        """Set the visibility timeout of an in-flight message, counted from now.

        A handle of a deleted message is ``InvalidParameterValue``. A stale handle, or one whose
        message is visible again, changes nothing and answers OK, as AWS does (an AWS-recorded
        LocalStack test, localstack#9632). The total time in flight since the receive may not
        exceed 12 hours (API Reference, ChangeMessageVisibility).
        """
        check_visibility_timeout(timeout)
        seq, count = parse_handle(self.uid, handle)
        self._promote(now)
        message = self.messages.get(seq)
        if message is None:
            raise InvalidParameterValue(NOT_AVAILABLE_FOR_CHANGE.format(handle=handle))
        if message.state != INFLIGHT or count != message.receive_count:
            return
        if now + timeout - message.received_at > MAX_VISIBILITY_TIMEOUT:
            raise InvalidParameterValue(TOTAL_VISIBILITY_TOO_LONG.format(timeout=timeout))
        self._stale += 1
        if timeout == 0:
            message.due = now
            self._became_visible(message, returning=True)
        else:
            self._schedule(message, now + timeout)

    # ------------------------------------------------------------------ whole queue

    def purge(self, now: float) -> None:
        """Delete every message; a second purge within 60 seconds is ``PurgeQueueInProgress``."""
        if self.purged_at is not None and now - self.purged_at < PURGE_INTERVAL:
            raise PurgeQueueInProgress(self.name)
        self.purged_at = now
        self.clear()

    def clear(self) -> None:
        """Forget every message (purge without the 60-second rule)."""
        for message in self.messages.values():
            message.state = GONE
        self.messages.clear()
        self._visible.clear()
        self._pending.clear()
        self._stale = 0
        self._counts = [0, 0, 0, 0]

    def live_messages(self) -> Iterator[Message]:
        """Every message still in the queue, in no particular order."""
        return iter(list(self.messages.values()))

    # ------------------------------------------------------------------ long polling

    async def wait_for_messages(self, deadline: float, wants: int = 1) -> bool:
        """Wait until a message may be receivable or ``deadline`` passes.

        ``True``: try receiving again (the caller must do so before it awaits anything);
        ``False``: stop waiting (the deadline timer fired, the queue was deleted or the emulator
        is shutting down). The deadline ends the wait when its timer fires, whatever the clock
        reads then: on a manual clock that nobody advances, a long poll still ends after its
        ``WaitTimeSeconds`` of real time. ``wants``: the most messages the caller takes.
        """
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        entry = (waiter, wants)
        self._waiters.append(entry)
        timer = self.timers.call_at(deadline, lambda: _resolve(waiter, False))
        self._arm()
        resumed = False
        try:
            resumed = await waiter
            return resumed
        finally:
            timer.cancel()
            _discard(self._waiters, entry)
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self._claims -= wants  # its receive comes next, in this same step
                if not resumed:  # woken, then cancelled: someone else must take the messages
                    self._notify()

    def interrupt(self) -> None:
        """Answer every waiting long poll now (with no messages)."""
        while self._waiters:
            _resolve(self._waiters.popleft()[0], False)
        if self._wake is not None:
            self._wake.cancel()
            self._wake = None

    def close(self) -> None:
        """The queue is deleted: answer its long polls and refuse to wait any more."""
        self.closed = True
        self.interrupt()

    def _notify(self) -> None:
        """Wake the longest-waiting long poll, unless those woken already (and not yet run)
        will take every visible message: a burst of messages wakes as many long polls as it
        needs, not one per message (the others would only find nothing and wait again)."""
        if self._claims >= self._counts[VISIBLE]:
            return
        waiters = self._waiters
        while waiters:
            waiter, wants = waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                self._claims += wants
                return

    def _arm(self) -> None:
        """While anyone waits, keep one timer at the earliest time a message becomes visible."""
        if not self._waiters or not self._pending:
            return
        due = self._pending[0][0]
        if self._wake is not None and self._wake_at <= due:
            return
        if self._wake is not None:
            self._wake.cancel()
        self._wake_at = due
        self._wake = self.timers.call_at(due, self._on_wake)

    def _on_wake(self) -> None:
        self._wake = None
        self._promote(self.clock.now())
        self._arm()

    # ------------------------------------------------------------------ state changes

    def _set_state(self, message: Message, state: int) -> None:
        counts = self._counts
        counts[message.state] -= 1
        message.state = state
        counts[state] += 1

    def _schedule(self, message: Message, due: float) -> None:
        message.due = due
        heapq.heappush(self._pending, (due, message.seq, message))
        if self._waiters:
            self._arm()

    def _promote(self, now: float) -> None:
        pending = self._pending
        while pending and pending[0][0] <= now:
            due, _, message = heapq.heappop(pending)
            if message.due != due or message.state not in (DELAYED, INFLIGHT):
                self._stale -= 1
                continue
            self._became_visible(message, returning=message.state == INFLIGHT)

    def _became_visible(self, message: Message, *, returning: bool) -> None:
        """``message`` is receivable now: just put, delayed until now, or back from flight.

        ``returning``: it comes back from flight (or a zero-second receive), so it is no longer in
        its place in the queue's order.
        """
        if message.state != VISIBLE:
            self._set_state(message, VISIBLE)
        self._visible.append(message)
        if self._waiters:
            self._notify()

    def _remove(self, message: Message) -> None:
        was = message.state
        if was in (DELAYED, INFLIGHT):
            self._stale += 1
        self._set_state(message, GONE)
        del self.messages[message.seq]
        self._on_gone(message, was)
        self._compact()

    def _compact(self) -> None:
        if self._stale < COMPACT_MIN or self._stale * 2 < len(self._pending):
            return
        self._pending = [
            entry
            for entry in self._pending
            if entry[2].due == entry[0] and entry[2].state in (DELAYED, INFLIGHT)
        ]
        heapq.heapify(self._pending)
        self._stale = 0

    def _stash(self, message: Message) -> None:
        """Hook: where a new message waits in order (FIFO groups)."""

    def _lent(self, message: Message) -> None:
        """Hook: ``message`` was received (it returns through ``_became_visible(returning)``)."""

    def _on_gone(self, message: Message, was: int) -> None:
        """Hook: ``message`` left the queue while in state ``was``."""

    # ------------------------------------------------------------------ retention and redrive

    def _expire_if_old(self, message: Message, now: float) -> bool:
        if message.sent_at + self.config.retention_seconds > now:
            return False
        self._remove(message)
        return True

    def _sweep(self, now: float) -> None:
        """Drop every message older than ``MessageRetentionPeriod``."""
        limit = now - self.config.retention_seconds
        for message in [m for m in self.messages.values() if m.sent_at <= limit]:
            self._remove(message)
        self._next_sweep = now + SWEEP_INTERVAL * max(1.0, len(self.messages) / 100_000)

    def _dead_letter(self, message: Message, now: float) -> bool:
        """Move ``message`` to its dead-letter queue once received ``maxReceiveCount`` times."""
        redrive = self.config.redrive
        if redrive is None or message.receive_count < redrive.max_receive_count:
            return False
        target = self.directory.queue_by_arn(redrive.dead_letter_arn)
        if target is None or target is self:
            return False
        self._remove(message)
        target.adopt(message, self.arn, now)
        return True

    def adopt(self, message: Message, source_arn: str | None, now: float) -> Message:
        """Take in a message moved from another queue (dead-lettered or redriven).

        It keeps its id, body, attributes and receive history; on a standard queue its retention
        still counts from the original send (Developer Guide, "Using dead-letter queues").
        """
        copy = self._copy_of(message, source_arn, now)
        self.put(copy, 0, now)
        return copy

    def _copy_of(self, message: Message, source_arn: str | None, now: float) -> Message:
        return Message(
            seq=self.next_seq(),
            message_id=message.message_id,
            body=message.body,
            md5_body=message.md5_body,
            attributes=message.attributes,
            md5_attributes=message.md5_attributes,
            system_attributes=message.system_attributes,
            md5_system_attributes=message.md5_system_attributes,
            sent_at=message.sent_at,
            sender_id=message.sender_id,
            group_id=message.group_id,
            dedup_id=message.dedup_id,
            dead_letter_source_arn=source_arn,
            receive_count=message.receive_count if source_arn else 0,
            first_received_at=message.first_received_at if source_arn else None,
        )


def check_visibility_timeout(timeout: int) -> None:
    """``VisibilityTimeout`` must be 0 to 43,200 seconds."""
    if not 0 <= timeout <= MAX_VISIBILITY_TIMEOUT:
        raise InvalidParameterValue(
            f"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Must be "
            f">= 0 and <= {MAX_VISIBILITY_TIMEOUT}, if provided."
        )


def _resolve(waiter: asyncio.Future[bool], value: bool) -> None:
    if not waiter.done():
        waiter.set_result(value)


def _discard(waiters: deque[Waiter], waiter: Waiter) -> None:
    with contextlib.suppress(ValueError):
        waiters.remove(waiter)
