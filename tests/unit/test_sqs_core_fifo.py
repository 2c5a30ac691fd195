"""FIFO queues on a manual clock: group order, group blocking, deduplication, attempt ids."""

from __future__ import annotations

import pytest

from emulator.core.errors import InvalidParameterValue, MissingParameter
from emulator.core.sqs.fifo import FifoQueue
from tests.unit.test_sqs_core_support import Harness, harness


def fifo(h: Harness, name: str = "q.fifo", **attributes: str) -> FifoQueue:
    queue = h.queue(name, **attributes)
    assert isinstance(queue, FifoQueue)
    return queue


def send(h: Harness, q: FifoQueue, body: str, group: str = "g") -> None:
    h.send(q, body, group_id=group, dedup_id=body)


def test_messages_of_a_group_come_in_send_order() -> None:
    h = harness()
    q = fifo(h)
    for i in range(5):
        send(h, q, f"m{i}")
    assert h.bodies(q, 3) == ["m0", "m1", "m2"]


def test_group_is_held_back_while_a_message_is_in_flight() -> None:
    h = harness()
    q = fifo(h, VisibilityTimeout="10")
    send(h, q, "a1", "a")
    send(h, q, "a2", "a")
    [first] = h.receive(q)
    assert h.receive(q) == []
    h.backend.delete_message(q, h.handle(q, first))
    assert h.bodies(q) == ["a2"]


def test_other_groups_are_served_while_one_is_held() -> None:
    h = harness()
    q = fifo(h)
    send(h, q, "a1", "a")
    send(h, q, "a2", "a")
    send(h, q, "b1", "b")
    assert h.bodies(q, 1) == ["a1"]
    assert h.bodies(q, 10) == ["b1"]


def test_one_receive_fills_up_from_one_group_first() -> None:
    h = harness()
    q = fifo(h)
    for body, group in (("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b")):
        send(h, q, body, group)
    assert h.bodies(q, 3) == ["a1", "a2", "b1"]


def test_message_back_from_flight_comes_first_again() -> None:
    h = harness()
    q = fifo(h, VisibilityTimeout="5")
    send(h, q, "m1")
    send(h, q, "m2")
    assert h.bodies(q, 1) == ["m1"]
    h.advance(5)
    assert h.bodies(q, 10) == ["m1", "m2"]


def test_group_stays_held_until_every_in_flight_message_returns() -> None:
    h = harness()
    q = fifo(h, VisibilityTimeout="5")
    for i in range(3):
        send(h, q, f"m{i}")
    first, second = h.receive(q, max_messages=2)
    h.backend.change_visibility(q, h.handle(q, second), 20)
    h.advance(5)
    assert h.receive(q) == []
    h.advance(15)
    assert h.bodies(q) == ["m0", "m1", "m2"]
    assert first.receive_count == 2


def test_duplicate_within_five_minutes_is_accepted_but_not_delivered() -> None:
    h = harness()
    q = fifo(h)
    first = h.send(q, "x", group_id="g", dedup_id="d")
    second = h.send(q, "y", group_id="g", dedup_id="d")
    assert second.message_id == first.message_id
    assert second.sequence_number == first.sequence_number
    assert h.bodies(q) == ["x"]


def test_deduplication_window_ends_after_five_minutes() -> None:
    h = harness()
    q = fifo(h)
    h.send(q, "x", group_id="g", dedup_id="d")
    h.advance(300)
    h.send(q, "y", group_id="g", dedup_id="d")
    assert q.counts().visible == 2


def test_content_based_deduplication_hashes_the_body() -> None:
    h = harness()
    q = fifo(h, ContentBasedDeduplication="true")
    h.send(q, "same", group_id="g")
    h.send(q, "same", group_id="g")
    h.send(q, "other", group_id="g")
    assert q.counts().visible == 2


def test_missing_deduplication_id_without_content_based_is_invalid() -> None:
    h = harness()
    with pytest.raises(InvalidParameterValue, match="ContentBasedDeduplication"):
        h.send(fifo(h), "x", group_id="g")


def test_missing_group_id_is_missing_parameter() -> None:
    h = harness()
    with pytest.raises(MissingParameter, match="MessageGroupId"):
        h.send(fifo(h), "x", dedup_id="d")


def test_per_message_delay_is_invalid_on_fifo() -> None:
    h = harness()
    with pytest.raises(InvalidParameterValue, match="DelaySeconds"):
        h.send(fifo(h), "x", group_id="g", dedup_id="d", delay=5)


def test_message_group_deduplication_scope_keeps_groups_apart() -> None:
    h = harness()
    q = fifo(h, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    h.send(q, "x", group_id="a", dedup_id="d")
    h.send(q, "x", group_id="b", dedup_id="d")
    h.send(q, "x", group_id="b", dedup_id="d")
    assert q.counts().visible == 2


def test_sequence_numbers_are_twenty_digits_and_increase() -> None:
    h = harness()
    q = fifo(h)
    numbers = [h.send(q, f"m{i}", group_id="g", dedup_id=f"m{i}").sequence_number for i in range(3)]
    assert all(n is not None and len(n) == 20 and n.isdigit() for n in numbers)
    assert [int(n or 0) for n in numbers] == sorted(int(n or 0) for n in numbers)
    assert len(set(numbers)) == 3


def test_expired_handle_cannot_delete_on_fifo() -> None:
    h = harness()
    q = fifo(h, VisibilityTimeout="1")
    send(h, q, "m")
    [m] = h.receive(q)
    handle = h.handle(q, m)
    h.advance(1)
    with pytest.raises(InvalidParameterValue, match="receipt handle has expired"):
        h.backend.delete_message(q, handle)


def test_retried_receive_attempt_returns_the_same_messages() -> None:
    h = harness()
    q = fifo(h)
    for i in range(3):
        send(h, q, f"m{i}")
    first = h.receive(q, max_messages=2, attempt_id="try-1")
    again = h.receive(q, max_messages=2, attempt_id="try-1")
    assert [m.message_id for m in again] == [m.message_id for m in first]
    assert [h.handle(q, m) for m in again] == [h.handle(q, m) for m in first]
    assert first[0].receive_count == 1


def test_queue_delay_holds_back_the_group_in_order() -> None:
    h = harness()
    q = fifo(h, DelaySeconds="5")
    send(h, q, "m1")
    assert h.receive(q) == []
    h.advance(5)
    assert h.bodies(q) == ["m1"]
