"""Order consumers: each SQS message carries an ``OrderPlaced`` event (an EventBridge envelope);
handling it charges the customer.

* ``NaiveConsumer`` charges for every message it receives. At-least-once delivery makes that a
  double charge whenever a message arrives twice.
* ``IdempotentConsumer`` uses the event id as idempotency key, with Powertools' idempotency
  utility storing the result under that key: a repeat returns the stored charge instead of
  charging again.

Run against the emulator: ``python -m examples.orders.consumer --queue-url URL [--naive]``.
"""

from __future__ import annotations

import argparse
import json
import logging
from typing import Any, Protocol

from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function

from examples.orders.idempotency import SqlitePersistenceLayer
from examples.orders.payments import Payments

log = logging.getLogger("orders")


class Handler(Protocol):
    """Handles one event; called with the keyword ``event`` (as Powertools requires)."""

    def __call__(self, *, event: dict[str, Any]) -> dict[str, Any]: ...


def order_of(event: dict[str, Any]) -> tuple[str, int]:
    """The order id and amount of an ``OrderPlaced`` event."""
    detail = event["detail"]
    return str(detail["order_id"]), int(detail["amount_cents"])


class NaiveConsumer:
    """Charges once per message received."""

    def __init__(self, payments: Payments) -> None:
        self.payments = payments

    def handle(self, *, event: dict[str, Any]) -> dict[str, Any]:
        """Charge for the order in ``event``."""
        order_id, amount = order_of(event)
        charge = self.payments.charge(order_id, amount, event["id"])
        return {"order_id": charge.order_id, "charged": charge.amount_cents}


class ProcessingBudget:
    """How long one message may take: the queue's visibility timeout.

    Powertools expires an in-progress idempotency record after the Lambda's remaining time; a
    plain consumer has no Lambda context, so the budget stands in for it: if this consumer dies
    mid-charge, the record expires when SQS makes the message visible to another consumer.
    """

    def __init__(self, seconds: int = 30) -> None:
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left for the current message (the whole budget, per message)."""
        return self.seconds * 1000


class IdempotentConsumer:
    """Charges once per event id, however often the event arrives."""

    def __init__(
        self, payments: Payments, store: SqlitePersistenceLayer, visibility_timeout: int = 30
    ) -> None:
        self.payments = payments
        config = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=24 * 3600)
        # Powertools reads only get_remaining_time_in_millis() from the context it is given.
        config.register_lambda_context(ProcessingBudget(visibility_timeout))  # type: ignore[arg-type]
        self.handle: Handler = idempotent_function(
            data_keyword_argument="event", config=config, persistence_store=store
        )(self._charge)

    def _charge(self, event: dict[str, Any]) -> dict[str, Any]:
        order_id, amount = order_of(event)
        charge = self.payments.charge(order_id, amount, event["id"])
        return {"order_id": charge.order_id, "charged": charge.amount_cents}


def poll_once(sqs: Any, queue_url: str, handle: Handler, wait_seconds: int = 1) -> int:
    """Receive up to 10 messages, handle each, delete the handled ones; returns how many."""
    reply = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds
    )
    messages = reply.get("Messages", [])
    for message in messages:
        handle(event=json.loads(message["Body"]))
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return len(messages)


def drain(sqs: Any, queue_url: str, handle: Handler, idle_polls: int = 2) -> int:
    """Poll until ``idle_polls`` polls in a row find nothing; returns messages handled."""
    handled, idle = 0, 0
    while idle < idle_polls:
        count = poll_once(sqs, queue_url, handle)
        handled += count
        idle = 0 if count else idle + 1
    return handled


def main() -> None:
    """Consume forever (the docker-compose example service)."""
    import boto3

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queue-url", required=True)
    parser.add_argument("--naive", action="store_true", help="charge on every delivery")
    parser.add_argument("--db", default=":memory:", help="SQLite file for payments and keys")
    args = parser.parse_args()
    logging.basicConfig(level="INFO", format="%(asctime)s %(name)s %(message)s")
    payments = Payments(args.db)
    consumer = (
        NaiveConsumer(payments)
        if args.naive
        else IdempotentConsumer(payments, SqlitePersistenceLayer(args.db))
    )
    sqs = boto3.client("sqs")
    while True:
        if poll_once(sqs, args.queue_url, _logged(consumer.handle), wait_seconds=20):
            log.info("charges so far: %d", len(payments.charges()))


def _logged(handle: Handler) -> Handler:
    def run(*, event: dict[str, Any]) -> dict[str, Any]:
        result = handle(event=event)
        log.info("event %s -> %s", event.get("id"), result)
        return result

    return run


if __name__ == "__main__":
    main()
