"""The order-processing example under chaos: duplicates, late duplicates and a lost
acknowledgement make the naive consumer charge twice and the idempotent one charge once."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.config import Config

from emulator.testing import EventBus
from examples.orders.consumer import Handler, IdempotentConsumer, NaiveConsumer, drain
from examples.orders.idempotency import SqlitePersistenceLayer
from examples.orders.payments import Payments

EXPECTED_CHARGES = {"naive": 2, "idempotent": 1}


def _consumer(kind: str, payments: Payments) -> Handler:
    if kind == "naive":
        return NaiveConsumer(payments).handle
    return IdempotentConsumer(payments, SqlitePersistenceLayer()).handle


def _order_flow(eventbus: EventBus) -> str:
    """Bus ``orders``, rule ``order-placed`` → queue ``orders``; the queue URL."""
    sqs, events = eventbus.sqs, eventbus.events
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    events.create_event_bus(Name="orders")
    events.put_rule(
        Name="order-placed",
        EventBusName="orders",
        EventPattern=json.dumps({"source": ["shop"], "detail-type": ["OrderPlaced"]}),
    )
    events.put_targets(
        Rule="order-placed",
        EventBusName="orders",
        Targets=[{"Id": "payments", "Arn": arn["QueueArn"]}],
    )
    return str(url)


def _place_order(eventbus: EventBus, order_id: str) -> str:
    reply = eventbus.events.put_events(
        Entries=[
            {
                "EventBusName": "orders",
                "Source": "shop",
                "DetailType": "OrderPlaced",
                "Detail": json.dumps({"order_id": order_id, "amount_cents": 4200}),
            }
        ]
    )
    assert reply["FailedEntryCount"] == 0
    event_id: str = reply["Entries"][0]["EventId"]
    return event_id


@pytest.mark.parametrize("kind", ["naive", "idempotent"])
def test_duplicate_delivery(eventbus: EventBus, kind: str) -> None:
    url = _order_flow(eventbus)
    payments = Payments()
    with eventbus.chaos({"match": {"target": "payments"}, "duplicate": {}}, seed=1):
        event_id = _place_order(eventbus, "o-1")
        drain(eventbus.sqs, url, _consumer(kind, payments))
    assert len(eventbus.deliveries(event_id=event_id)) == 2
    assert len(payments.charges("o-1")) == EXPECTED_CHARGES[kind]


@pytest.mark.parametrize("kind", ["naive", "idempotent"])
def test_late_duplicate_after_the_first_was_processed(eventbus: EventBus, kind: str) -> None:
    url = _order_flow(eventbus)
    payments = Payments()
    handle = _consumer(kind, payments)
    late = {"match": {"target": "payments"}, "duplicate": {"spread_ms": [1500, 1500]}}
    delay = {"match": {"target": "payments"}, "delay": {"ms": 100}}
    with eventbus.chaos(late, delay, seed=2):
        event_id = _place_order(eventbus, "o-2")
        drain(eventbus.sqs, url, handle, idle_polls=1)
        assert len(payments.charges("o-2")) == 1
        drain(eventbus.sqs, url, handle, idle_polls=2)
    kinds = [r["kind"] for r in eventbus.ledger(event_id=event_id)]
    assert "delivery.delayed" in kinds
    assert "delivery.duplicated" in kinds
    assert len(payments.charges("o-2")) == EXPECTED_CHARGES[kind]


@pytest.mark.parametrize("kind", ["naive", "idempotent"])
def test_lost_acknowledgement_makes_the_producer_send_twice(eventbus: EventBus, kind: str) -> None:
    producer = eventbus.client(
        "sqs", config=Config(retries={"total_max_attempts": 3, "mode": "standard"})
    )
    url = producer.create_queue(QueueName="orders")["QueueUrl"]
    event = _envelope("o-3")
    payments = Payments()
    with eventbus.chaos({"match": {"operation": "sqs:SendMessage"}, "lost_ack": {"times": 1}}):
        reply = producer.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    assert reply["ResponseMetadata"]["RetryAttempts"] == 1
    drain(eventbus.sqs, url, _consumer(kind, payments))
    assert len(eventbus.ledger(kind="message.enqueued", queue="orders")) == 2
    assert len(payments.charges("o-3")) == EXPECTED_CHARGES[kind]


def _envelope(order_id: str) -> dict[str, Any]:
    """An ``OrderPlaced`` event whose id the producer fixed before sending (its client token)."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "source": "shop",
        "detail-type": "OrderPlaced",
        "detail": {"order_id": order_id, "amount_cents": 4200},
    }
