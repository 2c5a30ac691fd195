"""Helpers (no tests) for the SQS end-to-end suites, which run through both protocols."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.api.errors import SQS_ERRORS

ACCOUNT = "000000000000"
REGION = "us-east-1"


def arn(name: str) -> str:
    """The ARN of a queue of the default account and region."""
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


@contextmanager
def fails_with(code: str, match: str | None = None) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    """Expect an AWS error by shape name; JSON and query clients both see the legacy code."""
    with pytest.raises(ClientError) as caught:
        yield caught
    got = caught.value.response["Error"]["Code"]
    assert got in (code, SQS_ERRORS.get(code, (code, 0))[0]), got
    if match is not None:
        assert match in caught.value.response["Error"]["Message"]


def queue(sqs: Any, name: str, **attributes: str) -> str:
    """Create a queue (a FIFO one when the name ends in ``.fifo``); its URL."""
    if name.endswith(".fifo"):
        attributes.setdefault("FifoQueue", "true")
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url


def receive(sqs: Any, url: str, **options: Any) -> list[dict[str, Any]]:
    """One receive's messages (none: ``[]``)."""
    options.setdefault("MaxNumberOfMessages", 10)
    messages: list[dict[str, Any]] = sqs.receive_message(QueueUrl=url, **options).get(
        "Messages", []
    )
    return messages


def bodies(sqs: Any, url: str, **options: Any) -> list[str]:
    """Bodies of one receive."""
    return [m["Body"] for m in receive(sqs, url, **options)]


def attributes(sqs: Any, url: str, *names: str) -> dict[str, str]:
    """Queue attributes (``All`` when no name is given)."""
    found: dict[str, str] = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=list(names or ["All"])
    ).get("Attributes", {})
    return found


def redrive(dead_letter_arn: str, count: int) -> str:
    """A ``RedrivePolicy`` value."""
    return json.dumps({"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": count})


def drain(sqs: Any, url: str, predicate: Callable[[dict[str, Any]], bool] = bool) -> int:
    """Receive and delete until a receive comes back empty; how many matched ``predicate``."""
    count = 0
    while messages := receive(sqs, url):
        for message in messages:
            count += bool(predicate(message))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return count
