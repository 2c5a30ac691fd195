"""FIFO queues over real HTTP, JSON and query: order, group blocking, deduplication, ids."""

from __future__ import annotations

from typing import Any

from tests.e2e.test_sqs_support import attributes, bodies, fails_with, queue, receive


def send(sqs: Any, url: str, body: str, group: str = "g", **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = sqs.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body, **extra
    )
    return result


def test_messages_of_a_group_arrive_in_send_order(sqs: Any) -> None:
    url = queue(sqs, "ordered.fifo")
    for i in range(8):
        send(sqs, url, f"m{i}")
    assert bodies(sqs, url) == [f"m{i}" for i in range(8)]


def test_group_is_held_back_while_its_messages_are_in_flight(sqs: Any) -> None:
    url = queue(sqs, "held.fifo")
    send(sqs, url, "a1", "a")
    send(sqs, url, "a2", "a")
    send(sqs, url, "b1", "b")
    [first] = receive(sqs, url, MaxNumberOfMessages=1)
    assert first["Body"] == "a1"
    assert bodies(sqs, url) == ["b1"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert bodies(sqs, url) == ["a2"]


def test_send_answers_with_a_sequence_number(sqs: Any) -> None:
    url = queue(sqs, "seq.fifo")
    numbers = [send(sqs, url, f"m{i}")["SequenceNumber"] for i in range(3)]
    assert all(len(n) >= 20 and n.isdigit() for n in numbers)
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)


def test_fifo_system_attributes_are_returned(sqs: Any) -> None:
    url = queue(sqs, "attrs.fifo")
    sent = send(sqs, url, "m", "group-1")
    [message] = receive(sqs, url, AttributeNames=["All"])
    found = message["Attributes"]
    assert found["MessageGroupId"] == "group-1"
    assert found["MessageDeduplicationId"] == "m"
    assert found["SequenceNumber"] == sent["SequenceNumber"]


def test_duplicate_within_the_window_is_accepted_but_delivered_once(sqs: Any) -> None:
    url = queue(sqs, "dedup.fifo")
    first = sqs.send_message(
        QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d"
    )
    second = sqs.send_message(
        QueueUrl=url, MessageBody="y", MessageGroupId="g", MessageDeduplicationId="d"
    )
    assert second["MessageId"] == first["MessageId"]
    assert bodies(sqs, url) == ["x"]


def test_content_based_deduplication_uses_the_body(sqs: Any) -> None:
    url = queue(sqs, "content.fifo", ContentBasedDeduplication="true")
    for body in ("same", "same", "other"):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    assert bodies(sqs, url) == ["same", "other"]


def test_message_group_scope_deduplicates_within_a_group_only(sqs: Any) -> None:
    url = queue(
        sqs,
        "scoped.fifo",
        DeduplicationScope="messageGroup",
        FifoThroughputLimit="perMessageGroupId",
    )
    for group in ("a", "b", "b"):
        sqs.send_message(
            QueueUrl=url, MessageBody=group, MessageGroupId=group, MessageDeduplicationId="d"
        )
    assert sorted(bodies(sqs, url)) == ["a", "b"]
    found = attributes(sqs, url, "DeduplicationScope", "FifoThroughputLimit")
    assert found == {
        "DeduplicationScope": "messageGroup",
        "FifoThroughputLimit": "perMessageGroupId",
    }


def test_fifo_send_errors(sqs: Any) -> None:
    url = queue(sqs, "strict.fifo")
    with fails_with("MissingParameter", "MessageGroupId"):
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    with fails_with("InvalidParameterValue", "ContentBasedDeduplication"):
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    with fails_with("InvalidParameterValue", "DelaySeconds"):
        send(sqs, url, "x", DelaySeconds=5)
    with fails_with("InvalidParameterValue", "MessageGroupId"):
        send(sqs, url, "x", "no spaces allowed")


def test_standard_queue_refuses_a_deduplication_id(sqs: Any) -> None:
    url = queue(sqs, "standard")
    with fails_with("InvalidParameterValue", "MessageDeduplicationId"):
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")


def test_retried_receive_attempt_gets_the_same_messages(sqs: Any) -> None:
    url = queue(sqs, "attempt.fifo")
    for i in range(3):
        send(sqs, url, f"m{i}")
    first = receive(sqs, url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    again = receive(sqs, url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
    assert [m["ReceiptHandle"] for m in again] == [m["ReceiptHandle"] for m in first]
    assert [m["Body"] for m in first] == ["m0", "m1"]


def test_fifo_batch_keeps_order_and_reports_missing_group(sqs: Any) -> None:
    url = queue(sqs, "batch.fifo", ContentBasedDeduplication="true")
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "1", "MessageBody": "one", "MessageGroupId": "g"},
            {"Id": "2", "MessageBody": "two"},
            {"Id": "3", "MessageBody": "three", "MessageGroupId": "g"},
        ],
    )
    assert [e["Id"] for e in result["Successful"]] == ["1", "3"]
    assert all("SequenceNumber" in e for e in result["Successful"])
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [("2", "MissingParameter")]
    assert bodies(sqs, url) == ["one", "three"]
