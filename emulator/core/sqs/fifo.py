"""FIFO queues: strict order per message group, one group in flight at a time, deduplication.

Each message group keeps its waiting messages (visible or delayed) in send order. A group whose
messages are in flight is held back: none of its messages is returned until every in-flight one
is deleted or visible again, and then the returned ones come first (Developer Guide, "FIFO queue
delivery logic"). A receive fills up from one group before taking the next, and a group it took
from moves to the back, so busy groups do not starve the others.

Deduplication remembers each ``MessageDeduplicationId`` (or the SHA-256 of the body with
``ContentBasedDeduplication``) for 5 minutes, per queue or, with ``DeduplicationScope`` =
``messageGroup``, per group; a duplicate is accepted and answered with the original's id but not
enqueued. ``ReceiveRequestAttemptId`` returns the same messages and handles to a retried receive.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from emulator.core.errors import InvalidParameterValue
from emulator.core.sqs.attributes import DEDUPLICATION_WINDOW
from emulator.core.sqs.message import GONE, INFLIGHT, VISIBLE, Message
from emulator.core.sqs.queue import Queue

EXPIRED_HANDLE = (
    "Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
)
SEQUENCE_BASE = 10**19  # sequence numbers are 20-digit strings that only grow


class FifoQueue(Queue):
    """A ``.fifo`` queue."""

    fifo = True

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._groups: dict[str, deque[Message]] = {}
        self._in_flight: dict[str, int] = {}
        self._dedup: dict[str, tuple[float, str, str]] = {}
        self._attempts: dict[str, tuple[float, list[tuple[Message, int]]]] = {}
        self._sequence = SEQUENCE_BASE + int(self.created_at * 1_000_000)

    # ------------------------------------------------------------------ deduplication

    def next_sequence_number(self) -> str:
        """The next ``SequenceNumber``: unique in the queue, increasing in send order."""
        self._sequence += 1
        return str(self._sequence)

    def duplicate_of(self, group_id: str, dedup_id: str, now: float) -> tuple[str, str] | None:
        """``(MessageId, SequenceNumber)`` of a message sent with this id in the last 5 minutes."""
        self._forget_old(now)
        entry = self._dedup.get(self._dedup_key(group_id, dedup_id))
        return None if entry is None else (entry[1], entry[2])

    def remember(self, message: Message, now: float) -> None:
        """Start the 5-minute deduplication window of a message just stored."""
        assert message.group_id is not None
        assert message.dedup_id is not None
        key = self._dedup_key(message.group_id, message.dedup_id)
        sequence = message.sequence_number or ""
        self._dedup[key] = (now + DEDUPLICATION_WINDOW, message.message_id, sequence)

    def _dedup_key(self, group_id: str, dedup_id: str) -> str:
        if self.config.deduplicate_per_group:
            return f"{group_id}\x00{dedup_id}"
        return dedup_id

    def _forget_old(self, now: float) -> None:
        """Entries expire in insertion order: every window has the same length."""
        dedup = self._dedup
        while dedup:
            key = next(iter(dedup))
            if dedup[key][0] > now:
                return
            del dedup[key]

    # ------------------------------------------------------------------ receive attempts

    def receive_attempt(
        self, attempt_id: str, max_messages: int, visibility: int, now: float
    ) -> list[Message]:
        """A receive that a retry with the same ``ReceiveRequestAttemptId`` repeats.

        Within 5 minutes, while all its messages are still in flight under the same receive, a
        retry returns them again with the same receipt handles and restarts their visibility
        timeout (API Reference, ReceiveMessage).
        """
        self._forget_attempts(now)
        earlier = self._attempts.get(attempt_id)
        if earlier is not None and _still_lent(earlier[1]):
            messages = [message for message, _ in earlier[1]]
            for message in messages:
                self.change_visibility(self.handle_of(message), visibility, now)
            return messages
        messages = self.receive(max_messages, visibility, now)
        lent = [(message, message.receive_count) for message in messages]
        self._attempts[attempt_id] = (now + DEDUPLICATION_WINDOW, lent)
        return messages

    def _forget_attempts(self, now: float) -> None:
        attempts = self._attempts
        while attempts:
            key = next(iter(attempts))
            if attempts[key][0] > now:
                return
            del attempts[key]

    # ------------------------------------------------------------------ storage hooks

    def _stash(self, message: Message) -> None:
        assert message.group_id is not None
        group = self._groups.get(message.group_id)
        if group is None:
            group = self._groups[message.group_id] = deque()
        group.append(message)

    def _take(self, limit: int, now: float, *, redrive: bool) -> list[Message]:
        out: list[Message] = []
        for group_id in list(self._groups):
            if len(out) >= limit:
                break
            if self._in_flight.get(group_id):
                continue
            before = len(out)
            self._take_from_group(group_id, out, limit, now, redrive=redrive)
            if len(out) > before and group_id in self._groups:
                self._groups[group_id] = self._groups.pop(group_id)
        return out

    def _take_from_group(
        self, group_id: str, out: list[Message], limit: int, now: float, *, redrive: bool
    ) -> None:
        group = self._groups[group_id]
        while group and len(out) < limit:
            message = group[0]
            if message.state == GONE:
                group.popleft()
                continue
            if message.state != VISIBLE:
                return
            group.popleft()
            if self._expire_if_old(message, now):
                continue
            if redrive and self._dead_letter(message, now):
                continue
            out.append(message)
        self._drop_if_idle(group_id)

    def _lent(self, message: Message) -> None:
        assert message.group_id is not None
        self._in_flight[message.group_id] = self._in_flight.get(message.group_id, 0) + 1

    def _became_visible(self, message: Message, *, returning: bool) -> None:
        if message.state != VISIBLE:
            self._set_state(message, VISIBLE)
        if returning:
            self._release(message.group_id)
            self._reinsert(message)
        if self._waiters:
            self._notify()

    def _put_back(self, message: Message) -> None:
        self._reinsert(message)

    def _reinsert(self, message: Message) -> None:
        """Put a message back from flight into its group, in send order (usually first)."""
        assert message.group_id is not None
        group = self._groups.setdefault(message.group_id, deque())
        index = 0
        while index < len(group) and group[index].seq < message.seq:
            index += 1
        group.insert(index, message)

    def _release(self, group_id: str | None) -> None:
        assert group_id is not None
        left = self._in_flight.get(group_id, 0) - 1
        if left > 0:
            self._in_flight[group_id] = left
        else:
            self._in_flight.pop(group_id, None)

    def _on_gone(self, message: Message, was: int) -> None:
        group_id = message.group_id
        assert group_id is not None
        if was == INFLIGHT:
            self._release(group_id)
            if self._waiters and group_id not in self._in_flight:
                self._notify()
        group = self._groups.get(group_id)
        while group and group[0].state == GONE:
            group.popleft()
        self._drop_if_idle(group_id)

    def _drop_if_idle(self, group_id: str) -> None:
        group = self._groups.get(group_id)
        if group is not None and not group and group_id not in self._in_flight:
            del self._groups[group_id]

    def _check_delete(self, message: Message, count: int, handle: str) -> None:
        """A FIFO queue refuses a handle whose receive is over (AWS: "has expired")."""
        if message.state != INFLIGHT or count != message.receive_count:
            raise InvalidParameterValue(EXPIRED_HANDLE.format(handle=handle))

    def clear(self) -> None:
        """Forget every message, group, attempt and deduplication id."""
        super().clear()
        self._groups.clear()
        self._in_flight.clear()
        self._dedup.clear()
        self._attempts.clear()

    def _copy_of(self, message: Message, source_arn: str | None, now: float) -> Message:
        copy = super()._copy_of(message, source_arn, now)
        copy.sequence_number = self.next_sequence_number()
        return copy


def _still_lent(lent: list[tuple[Message, int]]) -> bool:
    return bool(lent) and all(
        message.state == INFLIGHT and message.receive_count == count for message, count in lent
    )
