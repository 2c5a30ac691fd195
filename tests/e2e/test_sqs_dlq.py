"""Dead-letter queues and message move tasks over real HTTP, JSON and query."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.e2e.test_sqs_support import (
    arn,
    attributes,
    bodies,
    fails_with,
    queue,
    receive,
    redrive,
)


def dead_letter_pair(sqs: Any, count: int = 1) -> tuple[str, str]:
    dlq = queue(sqs, "dlq")
    source = queue(sqs, "source", RedrivePolicy=redrive(arn("dlq"), count))
    return source, dlq


def fail_once(sqs: Any, url: str) -> None:
    """Receive with a zero visibility timeout: a failed delivery that returns at once."""
    assert len(receive(sqs, url, VisibilityTimeout=0, MaxNumberOfMessages=1)) == 1


def test_message_moves_to_the_dlq_after_max_receive_count(sqs: Any) -> None:
    source, dlq = dead_letter_pair(sqs, 2)
    sent = sqs.send_message(QueueUrl=source, MessageBody="poison")
    fail_once(sqs, source)
    fail_once(sqs, source)
    assert receive(sqs, source) == []
    [dead] = receive(sqs, dlq, AttributeNames=["All"])
    assert dead["MessageId"] == sent["MessageId"]
    assert dead["Body"] == "poison"
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == arn("source")


def test_redrive_policy_is_stored_as_json(sqs: Any) -> None:
    dead_letter_pair(sqs, 3)
    policy = json.loads(attributes(sqs, "source", "RedrivePolicy")["RedrivePolicy"])
    assert policy == {"deadLetterTargetArn": arn("dlq"), "maxReceiveCount": 3}


def test_redrive_policy_needs_an_existing_target(sqs: Any) -> None:
    with fails_with("InvalidParameterValue", "Dead letter target does not exist"):
        queue(sqs, "source", RedrivePolicy=redrive(arn("nowhere"), 1))


def test_redrive_policy_can_be_removed(sqs: Any) -> None:
    source, _ = dead_letter_pair(sqs)
    sqs.set_queue_attributes(QueueUrl=source, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in attributes(sqs, source)


def test_redrive_allow_policy_is_enforced(sqs: Any) -> None:
    queue(sqs, "closed-dlq", RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))
    with fails_with("InvalidParameterValue", "RedriveAllowPolicy"):
        queue(sqs, "source", RedrivePolicy=redrive(arn("closed-dlq"), 1))
    allow = {"redrivePermission": "byQueue", "sourceQueueArns": [arn("friend")]}
    queue(sqs, "picky-dlq", RedriveAllowPolicy=json.dumps(allow))
    queue(sqs, "friend", RedrivePolicy=redrive(arn("picky-dlq"), 1))
    with fails_with("InvalidParameterValue"):
        queue(sqs, "stranger", RedrivePolicy=redrive(arn("picky-dlq"), 1))


def test_list_dead_letter_source_queues_pages(sqs: Any) -> None:
    dlq = queue(sqs, "dlq")
    for i in range(3):
        queue(sqs, f"source-{i}", RedrivePolicy=redrive(arn("dlq"), 1))
    queue(sqs, "unrelated")
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert [u.rsplit("/", 1)[1] for u in first["queueUrls"]] == ["source-0", "source-1"]
    rest = sqs.list_dead_letter_source_queues(
        QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"]
    )
    assert [u.rsplit("/", 1)[1] for u in rest["queueUrls"]] == ["source-2"]
    assert "NextToken" not in rest


def test_move_task_returns_dead_letters_to_their_source(sqs: Any) -> None:
    source, dlq = dead_letter_pair(sqs, 1)
    for i in range(3):
        sqs.send_message(QueueUrl=source, MessageBody=f"m{i}")
    for _ in range(3):
        fail_once(sqs, source)
    assert receive(sqs, source) == []
    handle = sqs.start_message_move_task(SourceArn=arn("dlq"))["TaskHandle"]
    assert handle
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        [task] = sqs.list_message_move_tasks(SourceArn=arn("dlq"))["Results"]
        if task["Status"] == "COMPLETED":
            break
        time.sleep(0.02)
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert sorted(bodies(sqs, source)) == ["m0", "m1", "m2"]
    assert receive(sqs, dlq) == []


def test_move_task_to_a_destination_can_be_cancelled(sqs: Any) -> None:
    _, dlq = dead_letter_pair(sqs)
    other = queue(sqs, "elsewhere")
    sqs.send_message_batch(
        QueueUrl=dlq, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)]
    )
    handle = sqs.start_message_move_task(
        SourceArn=arn("dlq"), DestinationArn=arn("elsewhere"), MaxNumberOfMessagesPerSecond=1
    )["TaskHandle"]
    [running] = sqs.list_message_move_tasks(SourceArn=arn("dlq"), MaxResults=10)["Results"]
    assert running["Status"] == "RUNNING"
    assert running["TaskHandle"] == handle
    assert running["DestinationArn"] == arn("elsewhere")
    assert running["MaxNumberOfMessagesPerSecond"] == 1
    with fails_with("InvalidParameterValue", "already a task running"):
        sqs.start_message_move_task(SourceArn=arn("dlq"))
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert moved <= 1
    time.sleep(0.2)
    [cancelled] = sqs.list_message_move_tasks(SourceArn=arn("dlq"))["Results"]
    assert cancelled["Status"] == "CANCELLED"
    assert "TaskHandle" not in cancelled
    left = int(attributes(sqs, other, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"])
    assert left == cancelled["ApproximateNumberOfMessagesMoved"]


def test_move_task_errors(sqs: Any) -> None:
    queue(sqs, "plain")
    with fails_with("ResourceNotFoundException", "SourceArn"):
        sqs.start_message_move_task(SourceArn=arn("missing"))
    with fails_with("InvalidParameterValue", "Dead Letter Queue"):
        sqs.start_message_move_task(SourceArn=arn("plain"))
    dead_letter_pair(sqs)
    with fails_with("ResourceNotFoundException", "DestinationArn"):
        sqs.start_message_move_task(SourceArn=arn("dlq"), DestinationArn=arn("missing"))
    with fails_with("InvalidParameterValue", "TaskHandle"):
        sqs.cancel_message_move_task(TaskHandle="not-a-handle")
    with fails_with("InvalidParameterValue", "SourceArn"):
        sqs.list_message_move_tasks(SourceArn="not-an-arn")
    with fails_with("ResourceNotFoundException"):
        sqs.list_message_move_tasks(SourceArn=arn("missing"))


def test_list_move_tasks_of_a_queue_without_tasks_is_empty(sqs: Any) -> None:
    dead_letter_pair(sqs)
    assert sqs.list_message_move_tasks(SourceArn=arn("dlq")).get("Results", []) == []
