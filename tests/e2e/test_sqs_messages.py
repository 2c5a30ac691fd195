"""Messages over real HTTP, JSON and query: send, receive, delete, visibility, delays, long polls,
attributes and their MD5s, batches and their per-entry failures."""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from emulator.core.sqs.checksums import md5_of_attributes
from tests.e2e.test_sqs_support import ACCOUNT, attributes, bodies, fails_with, queue, receive

EVERY_TYPE = {
    "text": {"DataType": "String", "StringValue": "héllo"},
    "count": {"DataType": "Number", "StringValue": "42"},
    "ratio": {"DataType": "Number.float", "StringValue": "-1.5e3"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
    "image": {"DataType": "Binary.png", "BinaryValue": b"\x89PNG"},
    "custom": {"DataType": "String.json", "StringValue": '{"a": 1}'},
}


def test_sent_message_is_received_then_deleted(sqs: Any) -> None:
    url = queue(sqs, "basic")
    sent = sqs.send_message(QueueUrl=url, MessageBody="hello")
    assert sent["MD5OfMessageBody"] == hashlib.md5(b"hello").hexdigest()
    [message] = receive(sqs, url)
    assert message["MessageId"] == sent["MessageId"]
    assert message["Body"] == "hello"
    assert message["MD5OfBody"] == sent["MD5OfMessageBody"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert attributes(sqs, url, "ApproximateNumberOfMessagesNotVisible") == {
        "ApproximateNumberOfMessagesNotVisible": "0"
    }


def test_unicode_body_round_trips(sqs: Any) -> None:
    url = queue(sqs, "unicode")
    body = "tab\there\nnew line, ünïcode, emoji 😀, CJK 漢字"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert bodies(sqs, url) == [body]


def test_received_message_stays_invisible_until_deleted(sqs: Any) -> None:
    url = queue(sqs, "hidden")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(receive(sqs, url)) == 1
    assert receive(sqs, url) == []
    assert attributes(sqs, url, "ApproximateNumberOfMessagesNotVisible") == {
        "ApproximateNumberOfMessagesNotVisible": "1"
    }


def test_message_returns_after_its_visibility_timeout(sqs: Any) -> None:
    url = queue(sqs, "returns")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [first] = receive(sqs, url, VisibilityTimeout=1)
    time.sleep(1.1)
    [again] = receive(sqs, url, AttributeNames=["ApproximateReceiveCount"])
    assert again["MessageId"] == first["MessageId"]
    assert again["ReceiptHandle"] != first["ReceiptHandle"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


def test_change_visibility_to_zero_releases_the_message(sqs: Any) -> None:
    url = queue(sqs, "release")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    sqs.change_message_visibility(
        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
    )
    assert bodies(sqs, url) == ["x"]


def test_change_visibility_errors(sqs: Any) -> None:
    url = queue(sqs, "vis-errors")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    handle = message["ReceiptHandle"]
    with fails_with("InvalidParameterValue", "VisibilityTimeout"):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=43201)
    with fails_with("ReceiptHandleIsInvalid"):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="junk", VisibilityTimeout=5)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    with fails_with("InvalidParameterValue", "not available for visibility timeout change"):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=5)


def test_delete_with_an_invalid_receipt_handle_fails(sqs: Any) -> None:
    url = queue(sqs, "bad-handle")
    with fails_with("ReceiptHandleIsInvalid", "is not a valid receipt handle"):
        sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage")


def test_delayed_message_is_counted_but_not_received(sqs: Any) -> None:
    url = queue(sqs, "delayed")
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    sqs.send_message(QueueUrl=url, MessageBody="now")
    assert bodies(sqs, url) == ["now"]
    assert attributes(sqs, url, "ApproximateNumberOfMessagesDelayed") == {
        "ApproximateNumberOfMessagesDelayed": "1"
    }


def test_queue_delay_applies_to_messages_without_their_own(sqs: Any) -> None:
    url = queue(sqs, "slow", DelaySeconds="60")
    sqs.send_message(QueueUrl=url, MessageBody="held")
    sqs.send_message(QueueUrl=url, MessageBody="now", DelaySeconds=0)
    assert bodies(sqs, url) == ["now"]


def test_long_poll_answers_as_soon_as_a_message_arrives(sqs: Any) -> None:
    url = queue(sqs, "long-poll")
    threading.Timer(0.2, lambda: sqs.send_message(QueueUrl=url, MessageBody="late")).start()
    started = time.monotonic()
    got = bodies(sqs, url, WaitTimeSeconds=1)
    assert got == ["late"]
    assert time.monotonic() - started < 0.9


def test_long_poll_on_an_empty_queue_waits_its_time(sqs: Any) -> None:
    url = queue(sqs, "quiet", ReceiveMessageWaitTimeSeconds="1")
    started = time.monotonic()
    assert receive(sqs, url) == []
    assert time.monotonic() - started >= 0.95


def test_receive_parameter_limits(sqs: Any) -> None:
    url = queue(sqs, "limits")
    with fails_with("InvalidParameterValue", "MaxNumberOfMessages"):
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=0)
    with fails_with("InvalidParameterValue", "WaitTimeSeconds"):
        sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21)
    with fails_with("InvalidParameterValue", "VisibilityTimeout"):
        sqs.receive_message(QueueUrl=url, VisibilityTimeout=-1)


def test_receive_returns_up_to_max_messages(sqs: Any) -> None:
    url = queue(sqs, "many")
    for i in range(12):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    assert len(receive(sqs, url, MaxNumberOfMessages=10)) == 10
    assert len(receive(sqs, url, MaxNumberOfMessages=10)) == 2


def test_message_attributes_of_every_type_round_trip_with_their_md5(sqs: Any) -> None:
    url = queue(sqs, "typed")
    sent = sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=EVERY_TYPE)
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(EVERY_TYPE)
    [message] = receive(sqs, url, MessageAttributeNames=["All"])
    assert message["MessageAttributes"] == EVERY_TYPE
    assert message["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]


def test_message_attribute_names_filter_by_name_and_prefix(sqs: Any) -> None:
    url = queue(sqs, "filtered")
    attrs = {
        "order.id": {"DataType": "String", "StringValue": "1"},
        "order.total": {"DataType": "Number", "StringValue": "9"},
        "trace": {"DataType": "String", "StringValue": "t"},
    }
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attrs)
    [message] = receive(sqs, url, MessageAttributeNames=["order.*"], VisibilityTimeout=0)
    assert set(message["MessageAttributes"]) == {"order.id", "order.total"}
    subset = {k: attrs[k] for k in ("order.id", "order.total")}
    assert message["MD5OfMessageAttributes"] == md5_of_attributes(subset)
    [message] = receive(sqs, url, MessageAttributeNames=["trace"], VisibilityTimeout=0)
    assert set(message["MessageAttributes"]) == {"trace"}
    [message] = receive(sqs, url)
    assert "MessageAttributes" not in message
    assert "MD5OfMessageAttributes" not in message


def test_invalid_message_attributes_are_refused(sqs: Any) -> None:
    url = queue(sqs, "bad-attrs")
    with fails_with("InvalidParameterValue"):
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x",
            MessageAttributes={"AWS.reserved": {"DataType": "String", "StringValue": "v"}},
        )
    with fails_with("InvalidParameterValue"):
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x",
            MessageAttributes={"n": {"DataType": "Number", "StringValue": "not a number"}},
        )


def test_system_attributes_on_request(sqs: Any) -> None:
    url = queue(sqs, "system")
    before = int(time.time() * 1000)
    sqs.send_message(
        QueueUrl=url,
        MessageBody="x",
        MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe"}
        },
    )
    [message] = receive(sqs, url, AttributeNames=["All"])
    found = message["Attributes"]
    assert found["SenderId"] == ACCOUNT
    assert found["ApproximateReceiveCount"] == "1"
    assert found["AWSTraceHeader"] == "Root=1-5759e988-bd862e3fe"
    assert (
        before - 1000
        <= int(found["SentTimestamp"])
        <= int(found["ApproximateFirstReceiveTimestamp"])
    )
    assert "SequenceNumber" not in found


def test_only_the_asked_system_attributes_come_back(sqs: Any) -> None:
    url = queue(sqs, "some-system")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url, AttributeNames=["SentTimestamp"])
    assert set(message["Attributes"]) == {"SentTimestamp"}


def test_trace_header_has_its_own_md5(sqs_json: Any) -> None:
    url = queue(sqs_json, "traced")
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}}
    sent = sqs_json.send_message(QueueUrl=url, MessageBody="x", MessageSystemAttributes=trace)
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(trace)
    [message] = receive(sqs_json, url, MessageSystemAttributeNames=["AWSTraceHeader"])
    assert message["Attributes"] == {"AWSTraceHeader": "Root=1-abc"}


def test_invalid_characters_are_invalid_message_contents(sqs: Any) -> None:
    url = queue(sqs, "chars")
    with fails_with("InvalidMessageContents", "#x1"):
        sqs.send_message(QueueUrl=url, MessageBody="bad \x01 char")


def test_message_over_the_size_limit_is_refused(sqs: Any) -> None:
    url = queue(sqs, "small", MaximumMessageSize="1024")
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with fails_with("InvalidParameterValue", "shorter than 1024 bytes"):
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)


def test_delay_out_of_range_is_refused(sqs: Any) -> None:
    url = queue(sqs, "delay-range")
    with fails_with("InvalidParameterValue", "DelaySeconds"):
        sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)


def test_send_batch_reports_each_entry(sqs: Any) -> None:
    url = queue(sqs, "batch")
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "good", "MessageBody": "fine", "MessageAttributes": EVERY_TYPE},
            {"Id": "bad", "MessageBody": "nope \x00"},
            {"Id": "late", "MessageBody": "later", "DelaySeconds": 30},
        ],
    )
    assert sorted(e["Id"] for e in result["Successful"]) == ["good", "late"]
    good = next(e for e in result["Successful"] if e["Id"] == "good")
    assert good["MD5OfMessageBody"] == hashlib.md5(b"fine").hexdigest()
    assert good["MD5OfMessageAttributes"] == md5_of_attributes(EVERY_TYPE)
    [failed] = result["Failed"]
    assert (failed["Id"], failed["Code"], failed["SenderFault"]) == (
        "bad",
        "InvalidMessageContents",
        True,
    )
    assert bodies(sqs, url) == ["fine"]


def test_send_batch_request_errors(sqs: Any) -> None:
    url = queue(sqs, "batch-errors")
    with fails_with("EmptyBatchRequest"):
        sqs.send_message_batch(QueueUrl=url, Entries=[])
    eleven = [{"Id": str(i), "MessageBody": "x"} for i in range(11)]
    with fails_with("TooManyEntriesInBatchRequest"):
        sqs.send_message_batch(QueueUrl=url, Entries=eleven)
    twins = [{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}]
    with fails_with("BatchEntryIdsNotDistinct"):
        sqs.send_message_batch(QueueUrl=url, Entries=twins)
    with fails_with("InvalidBatchEntryId"):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "no spaces", "MessageBody": "x"}])
    big = [{"Id": str(i), "MessageBody": "x" * 300_000} for i in range(4)]
    with fails_with("BatchRequestTooLong"):
        sqs.send_message_batch(QueueUrl=url, Entries=big)
    assert receive(sqs, url) == []


def test_delete_batch_reports_invalid_handles(sqs: Any) -> None:
    url = queue(sqs, "delete-batch")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    [message] = receive(sqs, url)
    result = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "ReceiptHandle": message["ReceiptHandle"]},
            {"Id": "junk", "ReceiptHandle": "junk"},
        ],
    )
    assert result["Successful"] == [{"Id": "ok"}]
    [failed] = result["Failed"]
    assert (failed["Id"], failed["Code"]) == ("junk", "ReceiptHandleIsInvalid")
    with fails_with("EmptyBatchRequest"):
        sqs.delete_message_batch(QueueUrl=url, Entries=[])


def test_change_visibility_batch_reports_each_entry(sqs: Any) -> None:
    url = queue(sqs, "vis-batch")
    for i in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}")
    handles = [m["ReceiptHandle"] for m in receive(sqs, url)]
    result = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 0},
            {"Id": "b", "ReceiptHandle": handles[1], "VisibilityTimeout": 50_000},
            {"Id": "c", "ReceiptHandle": "junk", "VisibilityTimeout": 0},
        ],
    )
    assert result["Successful"] == [{"Id": "a"}]
    assert {f["Id"]: f["Code"] for f in result["Failed"]} == {
        "b": "InvalidParameterValue",
        "c": "ReceiptHandleIsInvalid",
    }
    assert bodies(sqs, url) == ["m0"]
    with fails_with("BatchEntryIdsNotDistinct"):
        sqs.change_message_visibility_batch(
            QueueUrl=url,
            Entries=[
                {"Id": "a", "ReceiptHandle": handles[0], "VisibilityTimeout": 0},
                {"Id": "a", "ReceiptHandle": handles[1], "VisibilityTimeout": 0},
            ],
        )


def test_messages_of_a_standard_queue_come_in_send_order(sqs: Any) -> None:
    url = queue(sqs, "ordered")
    sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)]
    )
    assert bodies(sqs, url) == [f"m{i}" for i in range(10)]


def test_long_poll_ends_after_wait_time_on_a_manual_clock() -> None:
    import time as _time

    from emulator.settings import Settings
    from tests.conftest import make_sqs_client
    from tests.servers import start_server

    server = start_server(Settings(clock="manual"))
    try:
        sqs = make_sqs_client(server.url, "json")
        url = sqs.create_queue(QueueName="still")["QueueUrl"]
        started = _time.monotonic()
        reply = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
        assert "Messages" not in reply
        assert 0.9 < _time.monotonic() - started < 5
    finally:
        server.stop()
