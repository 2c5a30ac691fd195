"""Drive the emulator with a client speaking SQS's query protocol: boto3 1.28.80/botocore 1.31.80.

Run with ``.venv-query/bin/python tests/clients/query_client.py <url>``: that environment holds the
last botocore whose SQS model is ``"protocol": "query"`` (form-encoded requests, XML replies). The
script stands alone (it must not import the emulator) and walks the queue lifecycle, messages with
attributes of every type, visibility, attributes, tags, purge and a modelled error. botocore does
not verify MD5s, so they are recomputed here. Prints one JSON summary line; exits 1 on failure.
"""

from __future__ import annotations

import hashlib
import json
import sys
import uuid
from typing import Any

import boto3
import botocore
from botocore.config import Config

EXPECTED_BOTOCORE = "1.31.80"


def md5_of_attributes(attributes: dict[str, dict[str, Any]]) -> str | None:
    """AWS's length-prefixed MD5 of message attributes (independent of the emulator's code)."""
    if not attributes:
        return None
    buffer = b""
    for name in sorted(attributes):
        attribute = attributes[name]
        data_type = attribute["DataType"]
        binary = data_type.split(".")[0] == "Binary"
        value = attribute["BinaryValue"] if binary else attribute["StringValue"].encode("utf-8")
        for part in (name.encode("utf-8"), data_type.encode("utf-8")):
            buffer += len(part).to_bytes(4, "big") + part
        buffer += (b"\x02" if binary else b"\x01") + len(value).to_bytes(4, "big") + value
    return hashlib.md5(buffer).hexdigest()


def attributes_of(i: int) -> dict[str, dict[str, Any]]:
    """One attribute of every data type, custom ones included."""
    return {
        "Text": {"DataType": "String", "StringValue": f"héllo wörld {i} \U0001f600"},
        "Count": {"DataType": "Number", "StringValue": str(-12.5 * (i + 1))},
        "Int": {"DataType": "Number.int", "StringValue": str(1234567890123 + i)},
        "Blob": {"DataType": "Binary", "BinaryValue": bytes([0, 1, 2, 255, 254, i])},
        "Png": {"DataType": "Binary.png", "BinaryValue": bytes([0x89, 0x50, 0x4E, 0x47, i])},
        "Custom": {"DataType": "String.custom", "StringValue": f"custom-{i}"},
    }


class Checks:
    """Counts equality checks; raises on the first failure."""

    def __init__(self) -> None:
        self.count = 0

    def equal(self, what: str, actual: object, expected: object) -> None:
        if actual != expected:
            raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")
        self.count += 1


def make_client(url: str) -> Any:
    """A query-protocol SQS client for ``url`` with retries off."""
    if botocore.__version__ != EXPECTED_BOTOCORE:
        raise SystemExit(f"needs botocore {EXPECTED_BOTOCORE}, found {botocore.__version__}")
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, read_timeout=30)
    client = boto3.client(
        "sqs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=config,
    )
    protocol = client.meta.service_model.protocol
    if protocol != "query":
        raise SystemExit(f"this botocore speaks {protocol!r} to SQS, not 'query'")
    return client


def send_messages(client: Any, url: str, check: Checks) -> dict[str, tuple[str, dict[str, Any]]]:
    """One SendMessage and a SendMessageBatch of three, digests checked; id -> (body, attrs)."""
    sent: dict[str, tuple[str, dict[str, Any]]] = {}
    attributes = attributes_of(0)
    body = f"query client ✓ {uuid.uuid4()}"
    reply = client.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attributes)
    check.equal("SendMessage MD5OfMessageBody", reply["MD5OfMessageBody"], md5(body))
    check.equal(
        "SendMessage MD5OfMessageAttributes",
        reply.get("MD5OfMessageAttributes"),
        md5_of_attributes(attributes),
    )
    sent[reply["MessageId"]] = (body, attributes)
    entries = [
        {
            "Id": f"e{i}",
            "MessageBody": f"batch {i} {uuid.uuid4()}",
            "MessageAttributes": attributes_of(i),
        }
        for i in (1, 2, 3)
    ]
    batch = client.send_message_batch(QueueUrl=url, Entries=entries)
    check.equal("SendMessageBatch Failed", batch.get("Failed", []), [])
    for ok in batch["Successful"]:
        entry = next(e for e in entries if e["Id"] == ok["Id"])
        body_md5 = md5(entry["MessageBody"])
        check.equal(f"{ok['Id']} MD5OfMessageBody", ok["MD5OfMessageBody"], body_md5)
        check.equal(
            f"{ok['Id']} MD5OfMessageAttributes",
            ok.get("MD5OfMessageAttributes"),
            md5_of_attributes(entry["MessageAttributes"]),
        )
        sent[ok["MessageId"]] = (entry["MessageBody"], entry["MessageAttributes"])
    return sent


def md5(text: str) -> str:
    """The MD5 of a body's UTF-8 bytes."""
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def receive(client: Any, url: str, expected: int) -> list[dict[str, Any]]:
    """Receive until ``expected`` messages arrived (30 s at most), all attributes included."""
    messages: list[dict[str, Any]] = []
    for _ in range(30):
        reply = client.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        messages += reply.get("Messages", [])
        if len(messages) >= expected:
            break
    return messages


def check_received(messages: list[dict[str, Any]], sent: dict[str, Any], check: Checks) -> None:
    """Bodies, attributes and digests of received messages match what was sent."""
    check.equal("received count", len(messages), len(sent))
    for message in messages:
        body, attributes = sent[message["MessageId"]]
        check.equal("Body", message["Body"], body)
        check.equal("MD5OfBody", message["MD5OfBody"], md5(body))
        check.equal("MessageAttributes", message.get("MessageAttributes"), attributes)
        check.equal(
            "MD5OfMessageAttributes",
            message.get("MD5OfMessageAttributes"),
            md5_of_attributes(attributes),
        )
        receive_count = message["Attributes"]["ApproximateReceiveCount"]
        check.equal("ApproximateReceiveCount", receive_count, "1")


def visibility_and_delete(client: Any, url: str, messages: list[dict[str, Any]]) -> None:
    """ChangeMessageVisibility(+Batch), then DeleteMessage and DeleteMessageBatch."""
    first, *rest = messages
    client.change_message_visibility(
        QueueUrl=url, ReceiptHandle=first["ReceiptHandle"], VisibilityTimeout=60
    )
    changed = client.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": f"c{i}", "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 60}
            for i, m in enumerate(rest)
        ],
    )
    if changed.get("Failed"):
        raise AssertionError(f"ChangeMessageVisibilityBatch failed: {changed['Failed']}")
    client.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    deleted = client.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": f"d{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(rest)],
    )
    if deleted.get("Failed"):
        raise AssertionError(f"DeleteMessageBatch failed: {deleted['Failed']}")


def attributes_tags_purge(client: Any, url: str, check: Checks) -> None:
    """Get/SetQueueAttributes, tags, PurgeQueue."""
    client.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "45"})
    attrs = client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    check.equal("VisibilityTimeout", attrs["VisibilityTimeout"], "45")
    check.equal("ApproximateNumberOfMessages", attrs["ApproximateNumberOfMessages"], "0")
    in_flight = attrs["ApproximateNumberOfMessagesNotVisible"]
    check.equal("ApproximateNumberOfMessagesNotVisible", in_flight, "0")
    client.tag_queue(QueueUrl=url, Tags={"team": "orders", "env": "test"})
    client.untag_queue(QueueUrl=url, TagKeys=["env"])
    check.equal("tags", client.list_queue_tags(QueueUrl=url).get("Tags"), {"team": "orders"})
    client.send_message(QueueUrl=url, MessageBody="to be purged")
    client.purge_queue(QueueUrl=url)
    check.equal("after purge", client.receive_message(QueueUrl=url).get("Messages", []), [])


def lifecycle(client: Any, check: Checks) -> int:
    """Create, exercise and delete a queue; then the modelled QueueDoesNotExist error."""
    name = f"query-client-{uuid.uuid4()}"
    url = client.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
    check.equal("GetQueueUrl", client.get_queue_url(QueueName=name)["QueueUrl"], url)
    listed = client.list_queues(QueueNamePrefix="query-client-")["QueueUrls"]
    check.equal("ListQueues", url in listed, True)
    sent = send_messages(client, url, check)
    messages = receive(client, url, len(sent))
    check_received(messages, sent, check)
    visibility_and_delete(client, url, messages)
    attributes_tags_purge(client, url, check)
    client.delete_queue(QueueUrl=url)
    try:
        client.get_queue_url(QueueName=name)
    except client.exceptions.QueueDoesNotExist as error:
        code = error.response["Error"]["Code"]
        check.equal("error code", code, "AWS.SimpleQueueService.NonExistentQueue")
    else:
        raise AssertionError("GetQueueUrl of a deleted queue did not raise QueueDoesNotExist")
    return len(sent)


def main(argv: list[str]) -> int:
    """Run the walk against ``argv[1]``."""
    check = Checks()
    client = make_client(argv[1])
    try:
        sent = lifecycle(client, check)
    except Exception as error:
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    summary = {"ok": True, "botocore": botocore.__version__, "protocol": "query", "sent": sent}
    print(json.dumps(summary | {"checks": check.count}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
