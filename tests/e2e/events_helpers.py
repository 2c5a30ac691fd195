"""Helpers for the EventBridge end-to-end tests: queues as targets, waiting for deliveries."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.conftest import make_events_client, make_sqs_client


def clients(url: str, account: str | None = None, region: str = "us-east-1") -> tuple[Any, Any]:
    """(events, sqs) clients for an account (a 12-digit access key) and region."""
    kwargs: dict[str, Any] = {"region_name": region}
    if account is not None:
        kwargs.update(aws_access_key_id=account, aws_secret_access_key="x")
    return make_events_client(url, **kwargs), make_sqs_client(url, "json", **kwargs)


def make_queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    """(url, arn) of a new queue."""
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def receive(sqs: Any, url: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Long-poll until ``count`` messages arrived (or the timeout), deleting them."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        reply = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        for message in reply.get("Messages", []):
            got.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return got


def bodies(messages: list[dict[str, Any]]) -> list[Any]:
    """Message bodies decoded as JSON."""
    return [json.loads(m["Body"]) for m in messages]


def nothing_more(sqs: Any, url: str) -> bool:
    """Whether the queue is empty now.

    Deliveries of a PutEvents run on the server's next loop iteration, before it can read the
    next request of the same client, so an immediate receive sees everything delivered.
    """
    return "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)


def route_to_queue(
    events: Any,
    queue_arn: str,
    pattern: dict[str, Any] | None = None,
    rule: str = "r",
    bus: str | None = None,
    **target: Any,
) -> str:
    """A rule (default pattern: source ``app``) with the queue as its one target; the rule ARN."""
    where = {"EventBusName": bus} if bus else {}
    arn: str = events.put_rule(
        Name=rule, EventPattern=json.dumps(pattern or {"source": ["app"]}), **where
    )["RuleArn"]
    events.put_targets(Rule=rule, Targets=[{"Id": "q", "Arn": queue_arn, **target}], **where)
    return arn


def put(events: Any, detail: Any = None, **entry: Any) -> str:
    """PutEvents of one entry (source ``app``); its event id."""
    raw = {
        "Source": "app",
        "DetailType": "Thing Happened",
        "Detail": json.dumps({"n": 1} if detail is None else detail),
        **entry,
    }
    reply = events.put_events(Entries=[raw])
    assert reply["FailedEntryCount"] == 0, reply
    event_id: str = reply["Entries"][0]["EventId"]
    return event_id


def unchecked_events_client(url: str) -> Any:
    """An events client that sends what it is given (no botocore parameter validation)."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False)
    return boto3.client("events", endpoint_url=url, config=config)
