"""The SQS core on a manual clock: standard queues, visibility, delays, retention, lifecycle."""

from __future__ import annotations

import json

import pytest

from emulator.core.errors import InvalidParameterValue, MissingParameter
from emulator.core.sqs.backend import Outgoing
from emulator.core.sqs.errors import (
    BatchRequestTooLong,
    InvalidAttributeName,
    PurgeQueueInProgress,
    QueueDeletedRecently,
    QueueDoesNotExist,
    QueueNameExists,
    ReceiptHandleIsInvalid,
)
from tests.unit.test_sqs_core_support import SCOPE, harness


def test_sent_message_is_received_with_its_body_and_md5() -> None:
    h = harness()
    q = h.queue()
    sent = h.send(q, "hello")
    [got] = h.receive(q)
    assert got.message_id == sent.message_id
    assert got.body == "hello"
    assert got.md5_body == "5d41402abc4b2a76b9719d911017c592"
    assert got.receive_count == 1


def test_received_message_is_invisible_until_its_visibility_timeout_ends() -> None:
    h = harness()
    q = h.queue(VisibilityTimeout="10")
    h.send(q)
    assert len(h.receive(q)) == 1
    h.advance(9.9)
    assert h.receive(q) == []
    h.advance(0.1)
    [again] = h.receive(q)
    assert again.receive_count == 2


def test_receive_visibility_timeout_overrides_the_queue_default() -> None:
    h = harness()
    q = h.queue(VisibilityTimeout="100")
    h.send(q)
    h.receive(q, visibility_timeout=2)
    h.advance(2)
    assert len(h.receive(q)) == 1


def test_zero_visibility_timeout_leaves_the_message_visible() -> None:
    h = harness()
    q = h.queue()
    h.send(q)
    assert len(h.receive(q, visibility_timeout=0, max_messages=10)) == 1
    assert len(h.receive(q)) == 1


def test_deleted_message_is_never_received_again() -> None:
    h = harness()
    q = h.queue(VisibilityTimeout="1")
    h.send(q)
    [m] = h.receive(q)
    h.backend.delete_message(q, h.handle(q, m))
    h.advance(5)
    assert h.receive(q) == []
    assert q.counts().visible == 0


def test_deleting_twice_is_not_an_error() -> None:
    h = harness()
    q = h.queue()
    h.send(q)
    [m] = h.receive(q)
    handle = h.handle(q, m)
    h.backend.delete_message(q, handle)
    h.backend.delete_message(q, handle)


def test_stale_handle_still_deletes_on_a_standard_queue() -> None:
    h = harness()
    q = h.queue(VisibilityTimeout="1")
    h.send(q)
    [m] = h.receive(q)
    old = h.handle(q, m)
    h.advance(1)
    h.receive(q)
    h.backend.delete_message(q, old)
    h.advance(5)
    assert h.receive(q) == []


def test_handle_of_another_queue_is_invalid() -> None:
    h = harness()
    a, b = h.queue("a"), h.queue("b")
    h.send(a)
    [m] = h.receive(a)
    with pytest.raises(ReceiptHandleIsInvalid, match="is not a valid receipt handle"):
        h.backend.delete_message(b, h.handle(a, m))


def test_garbage_handle_is_invalid() -> None:
    h = harness()
    q = h.queue()
    with pytest.raises(ReceiptHandleIsInvalid):
        h.backend.delete_message(q, "not-a-handle")


def test_change_visibility_extends_the_timeout_from_now() -> None:
    h = harness()
    q = h.queue(VisibilityTimeout="5")
    h.send(q)
    [m] = h.receive(q)
    h.advance(4)
    h.backend.change_visibility(q, h.handle(q, m), 10)
    h.advance(9)
    assert h.receive(q) == []
    h.advance(1)
    assert len(h.receive(q)) == 1


def test_change_visibility_to_zero_makes_the_message_visible_now() -> None:
    h = harness()
    q = h.queue()
    h.send(q)
    [m] = h.receive(q)
    h.backend.change_visibility(q, h.handle(q, m), 0)
    assert len(h.receive(q)) == 1


def test_change_visibility_of_a_deleted_message_is_invalid_parameter() -> None:
    h = harness()
    q = h.queue()
    h.send(q)
    [m] = h.receive(q)
    handle = h.handle(q, m)
    h.backend.delete_message(q, handle)
    with pytest.raises(InvalidParameterValue, match="not available for visibility timeout"):
        h.backend.change_visibility(q, handle, 10)


def test_change_visibility_with_an_expired_handle_changes_nothing() -> None:
    h = harness()
    q = h.queue(VisibilityTimeout="1")
    h.send(q)
    [m] = h.receive(q)
    handle = h.handle(q, m)
    h.advance(1)
    h.backend.change_visibility(q, handle, 100)
    assert len(h.receive(q)) == 1


def test_total_visibility_may_not_exceed_twelve_hours() -> None:
    h = harness()
    q = h.queue()
    h.send(q)
    [m] = h.receive(q, visibility_timeout=43_000)
    h.advance(1000)
    with pytest.raises(InvalidParameterValue, match="beyond the limit"):
        h.backend.change_visibility(q, h.handle(q, m), 43_000)


def test_message_delay_holds_the_message_back() -> None:
    h = harness()
    q = h.queue()
    h.send(q, delay=5)
    assert h.receive(q) == []
    assert q.counts().delayed == 1
    h.advance(5)
    assert len(h.receive(q)) == 1


def test_queue_delay_applies_when_the_message_names_none() -> None:
    h = harness()
    q = h.queue(DelaySeconds="3")
    h.send(q)
    h.send(q, "now", delay=0)
    assert h.bodies(q) == ["now"]
    h.advance(3)
    assert h.bodies(q) == ["hello"]


def test_delay_over_fifteen_minutes_is_invalid() -> None:
    h = harness()
    q = h.queue()
    with pytest.raises(InvalidParameterValue, match="DelaySeconds"):
        h.send(q, delay=901)


def test_messages_past_retention_disappear() -> None:
    h = harness()
    q = h.queue(MessageRetentionPeriod="60")
    h.send(q)
    h.advance(59)
    assert q.counts().visible == 1
    h.advance(1)
    assert q.counts().visible == 0
    assert h.receive(q) == []


def test_counts_split_visible_inflight_and_delayed() -> None:
    h = harness()
    q = h.queue()
    for _ in range(3):
        h.send(q)
    h.send(q, delay=60)
    h.receive(q)
    counts = q.counts()
    assert (counts.visible, counts.inflight, counts.delayed) == (2, 1, 1)


def test_receive_returns_at_most_max_messages_in_send_order() -> None:
    h = harness()
    q = h.queue()
    for i in range(15):
        h.send(q, f"m{i}")
    assert h.bodies(q, 10) == [f"m{i}" for i in range(10)]
    assert h.bodies(q, 10) == [f"m{i}" for i in range(10, 15)]


def test_receive_parameter_limits_are_checked() -> None:
    h = harness()
    q = h.queue()
    with pytest.raises(InvalidParameterValue, match="MaxNumberOfMessages"):
        h.receive(q, max_messages=11)
    with pytest.raises(InvalidParameterValue, match="WaitTimeSeconds"):
        h.receive(q, wait_seconds=21)
    with pytest.raises(InvalidParameterValue, match="VisibilityTimeout"):
        h.receive(q, visibility_timeout=43_201)


def test_message_over_the_queue_size_limit_is_refused() -> None:
    h = harness()
    q = h.queue(MaximumMessageSize="1024")
    h.send(q, "x" * 1024)
    with pytest.raises(InvalidParameterValue, match="shorter than 1024 bytes"):
        h.send(q, "x" * 1025)
    attributes = {"a": {"DataType": "String", "StringValue": "y" * 20}}
    with pytest.raises(InvalidParameterValue, match="shorter than 1024 bytes"):
        h.send(q, "x" * 1010, attributes=attributes)


def test_empty_body_is_missing_parameter() -> None:
    h = harness()
    with pytest.raises(MissingParameter):
        h.send(h.queue(), "")


def test_deduplication_id_on_a_standard_queue_is_invalid() -> None:
    h = harness()
    with pytest.raises(InvalidParameterValue, match="not valid for this queue type"):
        h.send(h.queue(), dedup_id="d")


def test_message_attributes_and_their_md5_are_kept() -> None:
    h = harness()
    q = h.queue()
    attributes = {
        "n": {"DataType": "Number.int", "StringValue": "42"},
        "b": {"DataType": "Binary.png", "BinaryValue": b"\x89PNG"},
    }
    sent = h.send(q, attributes=attributes)
    [got] = h.receive(q)
    assert got.attributes == attributes
    assert got.md5_attributes == sent.md5_attributes is not None


def test_purge_removes_all_messages_once_a_minute() -> None:
    h = harness()
    q = h.queue()
    h.send(q)
    h.send(q)
    h.receive(q)
    h.backend.purge_queue(q)
    assert q.counts().visible + q.counts().inflight == 0
    with pytest.raises(PurgeQueueInProgress, match="every 60 seconds"):
        h.backend.purge_queue(q)
    h.advance(60)
    h.backend.purge_queue(q)


def test_create_queue_is_idempotent_with_the_same_attributes() -> None:
    h = harness()
    first = h.queue("same", VisibilityTimeout="45")
    assert h.queue("same", VisibilityTimeout="45") is first
    assert h.queue("same") is first


def test_create_queue_with_a_different_attribute_value_is_name_exists() -> None:
    h = harness()
    h.queue("same", VisibilityTimeout="45")
    with pytest.raises(QueueNameExists, match="attribute VisibilityTimeout"):
        h.queue("same", VisibilityTimeout="46")


def test_recreating_a_deleted_queue_within_sixty_seconds_is_refused() -> None:
    h = harness()
    h.backend.delete_queue(h.queue("gone"))
    with pytest.raises(QueueDeletedRecently):
        h.queue("gone")
    h.advance(60)
    h.queue("gone")


def test_deleted_queue_does_not_exist() -> None:
    h = harness()
    h.backend.delete_queue(h.queue("gone"))
    with pytest.raises(QueueDoesNotExist):
        h.backend.get_queue(SCOPE, "gone")


def test_list_queues_filters_by_prefix_and_pages() -> None:
    h = harness()
    for name in ("a1", "a2", "a3", "b1"):
        h.queue(name)
    assert [q.name for q in h.backend.list_queues(SCOPE, "a").queues] == ["a1", "a2", "a3"]
    page = h.backend.list_queues(SCOPE, "", max_results=3)
    assert [q.name for q in page.queues] == ["a1", "a2", "a3"]
    assert page.next_token is not None
    rest = h.backend.list_queues(SCOPE, "", max_results=3, next_token=page.next_token)
    assert [q.name for q in rest.queues] == ["b1"]
    assert rest.next_token is None


def test_list_queues_without_max_results_has_no_token() -> None:
    h = harness()
    for name in ("a", "b"):
        h.queue(name)
    assert h.backend.list_queues(SCOPE).next_token is None


def test_get_attributes_all_includes_counts_and_arn() -> None:
    h = harness()
    q = h.queue("attrs")
    h.send(q)
    attributes = h.backend.get_attributes(q, ["All"])
    assert attributes["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:attrs"
    assert attributes["ApproximateNumberOfMessages"] == "1"
    assert attributes["VisibilityTimeout"] == "30"
    assert "FifoQueue" not in attributes


def test_get_attributes_rejects_unknown_names() -> None:
    h = harness()
    with pytest.raises(InvalidAttributeName, match=r"Unknown Attribute Nope\."):
        h.backend.get_attributes(h.queue(), ["Nope"])


def test_set_attributes_changes_behaviour_and_last_modified() -> None:
    h = harness()
    q = h.queue()
    h.advance(10)
    h.backend.set_attributes(q, {"VisibilityTimeout": "1"})
    assert q.modified_at > q.created_at
    h.send(q)
    h.receive(q)
    h.advance(1)
    assert len(h.receive(q)) == 1


def test_batch_over_one_mebibyte_is_refused_whole() -> None:
    h = harness()
    q = h.queue()
    big = "x" * 300_000
    entries = [(str(i), Outgoing(big)) for i in range(4)]
    with pytest.raises(BatchRequestTooLong):
        h.backend.send_batch(q, entries, "sender")
    assert q.counts().visible == 0


def test_batch_reports_failed_entries_and_sends_the_rest() -> None:
    h = harness()
    q = h.queue()
    results = h.backend.send_batch(q, [("ok", Outgoing("fine")), ("bad", Outgoing("\x00"))], "s")
    assert [type(r).__name__ for _, r in results] == ["Message", "InvalidMessageContents"]
    assert q.counts().visible == 1


def test_permissions_build_the_policy_attribute() -> None:
    h = harness()
    q = h.queue("shared")
    h.backend.add_permission(q, "send", ["111122223333"], ["SendMessage"])
    h.backend.add_permission(q, "both", ["1", "2"], ["ReceiveMessage", "DeleteMessage"])
    policy = json.loads(q.attributes["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["send", "both"]
    assert policy["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert policy["Statement"][1]["Action"] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"]
    h.backend.remove_permission(q, "send")
    h.backend.remove_permission(q, "both")
    assert "Policy" not in q.attributes


def test_duplicate_permission_label_is_invalid() -> None:
    h = harness()
    q = h.queue()
    h.backend.add_permission(q, "x", ["1"], ["SendMessage"])
    with pytest.raises(InvalidParameterValue, match="Already exists"):
        h.backend.add_permission(q, "x", ["1"], ["SendMessage"])
    with pytest.raises(InvalidParameterValue, match="can't find label"):
        h.backend.remove_permission(q, "y")


def test_send_from_service_delivers_by_arn() -> None:
    h = harness()
    q = h.queue("target")
    message_id = h.backend.send_from_service(q.arn, "event")
    [got] = h.receive(q)
    assert got.message_id == message_id
    with pytest.raises(QueueDoesNotExist):
        h.backend.send_from_service("arn:aws:sqs:us-east-1:000000000000:nope", "event")


def test_state_reports_counts_per_queue() -> None:
    h = harness()
    q = h.queue("s")
    h.send(q)
    h.send(q, delay=10)
    [entry] = h.backend.state()["queues"]
    assert (entry["name"], entry["visible"], entry["delayed"], entry["inflight"]) == ("s", 1, 1, 0)


def test_reset_forgets_everything() -> None:
    h = harness()
    h.queue("x")
    h.backend.reset()
    assert h.backend.state() == {"queues": []}
