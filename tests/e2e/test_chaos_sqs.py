"""Queue-level and API-level chaos on SQS, end to end with boto3 over real HTTP."""

from __future__ import annotations

import time
from typing import Any

import httpx
from botocore.config import Config

from tests.conftest import make_sqs_client
from tests.servers import RunningServer


def _chaos(emulator: RunningServer, *faults: dict[str, Any], seed: int = 1) -> None:
    reply = httpx.put(
        f"{emulator.url}/_emulator/chaos", json={"seed": seed, "faults": list(faults)}
    )
    assert reply.status_code == 200, reply.text


def _ledger(emulator: RunningServer, **filters: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = httpx.get(
        f"{emulator.url}/_emulator/ledger", params=filters
    ).json()["records"]
    return records


def _receive_all(sqs: Any, url: str, wait: int = 0) -> list[dict[str, Any]]:
    return list(
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait).get(
            "Messages", []
        )
    )


def test_duplicate_on_a_queue_stores_copies_with_the_same_message_id(
    emulator: RunningServer, sqs: Any
) -> None:
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    _chaos(emulator, {"match": {"queue": "orders"}, "duplicate": {"copies": 2}})
    sent = sqs.send_message(QueueUrl=url, MessageBody="once")["MessageId"]
    received = _receive_all(sqs, url)
    assert [m["MessageId"] for m in received] == [sent] * 3
    assert len({m["ReceiptHandle"] for m in received}) == 3
    assert len(_ledger(emulator, kind="message.duplicated", message_id=sent)) == 1
    for message in received:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(_ledger(emulator, kind="message.deleted", message_id=sent)) == 3


def test_duplicate_does_not_touch_other_queues(emulator: RunningServer, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="calm")["QueueUrl"]
    _chaos(emulator, {"match": {"queue": "orders"}, "duplicate": {}})
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(_receive_all(sqs, url)) == 1


def test_delay_on_a_queue_reorders_messages(emulator: RunningServer, sqs_json: Any) -> None:
    sqs = sqs_json
    url = sqs.create_queue(QueueName="slow")["QueueUrl"]
    _chaos(emulator, {"match": {"queue": "slow"}, "delay": {"ms": 400, "times": 1}})
    sqs.send_message(QueueUrl=url, MessageBody="first")
    sqs.send_message(QueueUrl=url, MessageBody="second")
    assert [m["Body"] for m in _receive_all(sqs, url)] == ["second"]
    started = time.monotonic()
    late = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2)["Messages"]
    assert [m["Body"] for m in late] == ["first"]
    assert time.monotonic() - started < 1.5
    assert _ledger(emulator, kind="message.delayed")[0]["queue"] == "slow"


def test_drop_acknowledges_but_never_stores(emulator: RunningServer, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="lossy")["QueueUrl"]
    _chaos(emulator, {"match": {"queue": "lossy"}, "drop": {}})
    sent = sqs.send_message(QueueUrl=url, MessageBody="gone")["MessageId"]
    assert _receive_all(sqs, url) == []
    assert [r["message_id"] for r in _ledger(emulator, kind="message.dropped")] == [sent]


def test_fifo_duplicate_is_redelivered_after_delete_keeping_group_order(
    emulator: RunningServer, sqs: Any
) -> None:
    url = sqs.create_queue(QueueName="o.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    _chaos(emulator, {"match": {"queue": "o.fifo"}, "duplicate": {"times": 1}})
    first = sqs.send_message(
        QueueUrl=url, MessageBody="1", MessageGroupId="g", MessageDeduplicationId="d1"
    )["MessageId"]
    sqs.send_message(QueueUrl=url, MessageBody="2", MessageGroupId="g", MessageDeduplicationId="d2")
    bodies = []
    for _ in range(3):
        message = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)["Messages"][0]
        bodies.append((message["Body"], message["MessageId"] == first))
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert bodies == [("1", True), ("1", True), ("2", False)]
    assert _receive_all(sqs, url) == []


def test_lost_ack_makes_boto3_retry_into_a_second_message(emulator: RunningServer) -> None:
    sqs = make_sqs_client(emulator.url, "json")
    retrying = _retrying(emulator)
    url = sqs.create_queue(QueueName="acks")["QueueUrl"]
    _chaos(emulator, {"match": {"operation": "sqs:SendMessage"}, "lost_ack": {"times": 1}})
    reply = retrying.send_message(QueueUrl=url, MessageBody="pay")
    assert reply["ResponseMetadata"]["RetryAttempts"] == 1
    received = _receive_all(sqs, url)
    assert [m["Body"] for m in received] == ["pay", "pay"]
    assert len({m["MessageId"] for m in received}) == 2
    assert len(_ledger(emulator, kind="api.lost_ack")) == 1


def test_fifo_deduplication_id_absorbs_the_lost_ack_retry(emulator: RunningServer) -> None:
    sqs = _retrying(emulator)
    url = sqs.create_queue(QueueName="acks.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    _chaos(emulator, {"match": {"operation": "sqs:SendMessage"}, "lost_ack": {"times": 1}})
    reply = sqs.send_message(
        QueueUrl=url, MessageBody="pay", MessageGroupId="g", MessageDeduplicationId="order-1"
    )
    assert reply["ResponseMetadata"]["RetryAttempts"] == 1
    assert [m["Body"] for m in _receive_all(sqs, url)] == ["pay"]


def test_partial_batch_fails_entries_one_by_one(emulator: RunningServer, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="batch")["QueueUrl"]
    _chaos(
        emulator,
        {"match": {"operation": "sqs:SendMessageBatch"}, "partial_batch": {"probability": 0.5}},
        seed=3,
    )
    entries = [{"Id": f"e{i}", "MessageBody": f"m{i}"} for i in range(10)]
    reply = sqs.send_message_batch(QueueUrl=url, Entries=entries)
    failed = {f["Id"] for f in reply.get("Failed", [])}
    succeeded = {s["Id"] for s in reply["Successful"]}
    assert failed
    assert succeeded
    assert failed | succeeded == {e["Id"] for e in entries}
    assert all(not f["SenderFault"] for f in reply["Failed"])
    stored = {m["Body"] for m in _receive_all(sqs, url)}
    stored |= {m["Body"] for m in _receive_all(sqs, url)}
    assert stored == {f"m{i[1:]}" for i in succeeded}


def _retrying(emulator: RunningServer) -> Any:
    import boto3

    return boto3.client(
        "sqs",
        endpoint_url=emulator.url,
        config=Config(retries={"total_max_attempts": 3, "mode": "standard"}),
    )


def test_same_seed_same_ledger_and_different_seed_different_ledger() -> None:
    first, second = _run_seeded(7), _run_seeded(7)
    assert first == second
    assert first != _run_seeded(8)


def _run_seeded(seed: int) -> list[tuple[Any, ...]]:
    from emulator.settings import Settings
    from tests.servers import start_server

    server = start_server(Settings(seed=seed))
    try:
        sqs = make_sqs_client(server.url, "json")
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        _chaos(
            server,
            {"match": {"queue": "q"}, "duplicate": {"probability": 0.5}},
            {"match": {"queue": "q"}, "drop": {"probability": 0.2}},
            seed=seed,
        )
        for i in range(20):
            sqs.send_message(QueueUrl=url, MessageBody=str(i))
        return [(r["kind"], r["fault"], r["message_id"]) for r in _ledger(server)]
    finally:
        server.stop()


def _received_handles(sqs: Any, url: str, count: int) -> list[str]:
    for i in range(count):
        sqs.send_message(QueueUrl=url, MessageBody=f"b{i}")
    handles: list[str] = []
    while len(handles) < count:
        handles += [m["ReceiptHandle"] for m in _receive_all(sqs, url)]
    return handles


def test_partial_batch_on_delete_message_batch(emulator: RunningServer, sqs: Any) -> None:
    url = sqs.create_queue(QueueName="deletes")["QueueUrl"]
    handles = _received_handles(sqs, url, 10)
    _chaos(
        emulator,
        {"match": {"operation": "sqs:DeleteMessageBatch"}, "partial_batch": {"probability": 0.5}},
        seed=3,
    )
    entries = [{"Id": f"d{i}", "ReceiptHandle": h} for i, h in enumerate(handles)]
    reply = sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    failed = {f["Id"] for f in reply.get("Failed", [])}
    assert 0 < len(failed) < 10
    assert {s["Id"] for s in reply["Successful"]} == {e["Id"] for e in entries} - failed
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == str(len(failed))


def test_partial_batch_on_change_message_visibility_batch(
    emulator: RunningServer, sqs: Any
) -> None:
    url = sqs.create_queue(QueueName="visibility")["QueueUrl"]
    handles = _received_handles(sqs, url, 10)
    _chaos(
        emulator,
        {
            "match": {"operation": "sqs:ChangeMessageVisibilityBatch"},
            "partial_batch": {"probability": 0.5},
        },
        seed=3,
    )
    entries = [
        {"Id": f"v{i}", "ReceiptHandle": h, "VisibilityTimeout": 0} for i, h in enumerate(handles)
    ]
    reply = sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
    failed = {f["Id"] for f in reply.get("Failed", [])}
    assert 0 < len(failed) < 10
    visible_again = _receive_all(sqs, url)
    assert len(visible_again) == 10 - len(failed)
    assert len(_ledger(emulator, kind="api.partial_batch")) == len(failed)
