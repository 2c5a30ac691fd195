"""The example rules/ folder is valid and describes the order flow the README walks through."""

from __future__ import annotations

from emulator.config import Scope, load_rules
from tests.conftest import REPO


def test_example_rules_folder_is_valid_and_complete() -> None:
    state = load_rules([REPO / "rules"], Scope("000000000000", "us-east-1"))
    assert sorted(state.queues) == ["billing", "billing-dlq", "orders", "shipping.fifo"]
    assert sorted(state.buses) == ["orders"]
    rule = state.rules[("orders", "order-created")]
    assert [t.id for t in rule.targets] == ["billing", "orders", "shipping"]
    billing = rule.targets[0].params
    assert billing["DeadLetterConfig"]["Arn"] == "arn:aws:sqs:us-east-1:000000000000:billing-dlq"
    assert billing["RetryPolicy"] == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 600}
    assert state.chaos is not None
    assert [f["name"] for f in state.chaos["faults"]] == ["billing-flaky", "orders-duplicates"]


def test_example_rules_follow_the_configured_account_and_region() -> None:
    state = load_rules([REPO / "rules"], Scope("123456789012", "eu-west-1"))
    arn = state.rules[("orders", "order-created")].targets[2].params["Arn"]
    assert arn == "arn:aws:sqs:eu-west-1:123456789012:shipping.fifo"
