"""A small SQS consumer for docker-compose: long-polls one queue on the emulator and logs each
message it receives, then deletes it.

Settings come from the environment: ``AWS_ENDPOINT_URL`` (default ``http://emulator:4566``, the
compose service), ``QUEUE_NAME`` (default ``orders``), ``AWS_REGION`` and the usual credentials
(any value: the emulator does not check signatures). It creates the queue when it is missing
(CreateQueue returns the existing queue's URL when the attributes match, so it is safe to repeat).
SIGTERM (``docker stop``) ends it with status 0.

Delivery is at least once: a message can arrive twice. This example only logs; an idempotent
consumer keys its side effects on the message or event id (see ``examples/orders``).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from types import FrameType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

log = logging.getLogger("consumer")

WAIT_SECONDS = 20  # the longest long poll SQS allows
RETRY_SECONDS = 2.0


def sqs_client() -> Any:
    """An SQS client for the emulator; ``AWS_ENDPOINT_URL`` is read by boto3 itself too."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    return boto3.client(
        "sqs",
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL", "http://emulator:4566"),
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        config=Config(read_timeout=WAIT_SECONDS + 10, retries={"mode": "standard"}),
    )


def queue_url(sqs: Any, name: str) -> str:
    """The queue's URL, creating the queue when it is missing; waits while the emulator is away."""
    while True:
        try:
            url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
            return url
        except (BotoCoreError, ClientError) as exc:
            log.warning("cannot reach queue %s yet: %s", name, exc)
            time.sleep(RETRY_SECONDS)


def handle(message: dict[str, Any]) -> None:
    """What this consumer does with a message: log it."""
    log.info("received %s: %s", message["MessageId"], message["Body"])


def poll_once(sqs: Any, url: str) -> int:
    """One long poll: handle and delete every message received; how many there were."""
    reply = sqs.receive_message(
        QueueUrl=url,
        MaxNumberOfMessages=10,
        WaitTimeSeconds=WAIT_SECONDS,
        MessageAttributeNames=["All"],
    )
    messages = reply.get("Messages", [])
    for message in messages:
        handle(message)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def consume(sqs: Any, url: str) -> None:
    """Poll forever; an error is logged and the poll retried after a pause."""
    while True:
        try:
            poll_once(sqs, url)
        except (BotoCoreError, ClientError) as exc:
            log.warning("receive failed, retrying in %.0f s: %s", RETRY_SECONDS, exc)
            time.sleep(RETRY_SECONDS)


def stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends a long poll at once and exits 0."""
    log.info("stopping (signal %d)", signum)
    sys.exit(0)


def main() -> int:
    """Consume ``QUEUE_NAME`` until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    signal.signal(signal.SIGTERM, stop)
    sqs = sqs_client()
    name = os.environ.get("QUEUE_NAME", "orders")
    url = queue_url(sqs, name)
    log.info("consuming %s", url)
    consume(sqs, url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
