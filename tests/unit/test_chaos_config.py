"""Chaos configuration: valid documents parse, invalid ones are refused naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.core.chaos import InvalidChaosConfig, parse_chaos

DESIGN_EXAMPLE: dict[str, Any] = {
    "seed": 42,
    "faults": [
        {
            "name": "dup-orders",
            "match": {"queue": "orders"},
            "duplicate": {"probability": 0.3, "copies": 1, "spread_ms": [0, 500]},
        },
        {"match": {"rule": "order-created", "target": "billing"}, "delay": {"ms": [200, 2000]}},
        {"match": {"target": "billing"}, "fail": {"probability": 0.5}},
        {"match": {"target": "audit"}, "drop": {"probability": 0.01}},
        {
            "match": {"operation": "events:PutEvents"},
            "error": {"probability": 0.1, "code": "ThrottlingException"},
        },
        {"match": {"operation": "sqs:SendMessage"}, "lost_ack": {"probability": 0.1}},
        {"match": {"operation": "sqs:SendMessageBatch"}, "partial_batch": {"probability": 0.2}},
    ],
}


def test_design_example_parses_with_every_kind() -> None:
    config = parse_chaos(DESIGN_EXAMPLE)
    assert config.seed == 42
    kinds = [f.kind for f in config.faults]
    assert kinds == ["duplicate", "delay", "fail", "drop", "error", "lost_ack", "partial_batch"]
    assert config.faults[1].probability == 1.0
    assert config.faults[0].label == "dup-orders"
    assert config.faults[2].label == "fail#2"


def test_round_trip_through_json_form_is_stable() -> None:
    config = parse_chaos(DESIGN_EXAMPLE)
    assert parse_chaos(config.to_json()) == config


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"seed": "x"}, "chaos.seed"),
        ({"faults": {}}, "chaos.faults"),
        ({"faults": [{"match": {}}]}, "chaos.faults[0]"),
        ({"faults": [{"fail": {}, "drop": {}}]}, "chaos.faults[0]"),
        ({"faults": [{"fail": {"probability": 1.5}}]}, "chaos.faults[0].fail.probability"),
        ({"faults": [{"fail": {"probability": True}}]}, "chaos.faults[0].fail.probability"),
        ({"faults": [{"delay": {}}]}, "chaos.faults[0].delay.ms"),
        ({"faults": [{"delay": {"ms": [5, 1]}}]}, "chaos.faults[0].delay.ms"),
        ({"faults": [{"duplicate": {"copies": 0}}]}, "chaos.faults[0].duplicate.copies"),
        ({"faults": [{"match": {"colour": "red"}, "fail": {}}]}, "chaos.faults[0].match.colour"),
        ({"faults": [{"match": {"queue": ""}, "fail": {}}]}, "chaos.faults[0].match.queue"),
        (
            {"faults": [{"match": {"operation": "SendMessage"}, "error": {}}]},
            "chaos.faults[0].match.operation",
        ),
        (
            {"faults": [{"match": {"operation": "sqs:SendMessage"}, "partial_batch": {}}]},
            "chaos.faults[0].match.operation",
        ),
        ({"faults": [{"error": {"status": 200}}]}, "chaos.faults[0].error.status"),
        ({"faults": [{"fail": {"times": 0}}]}, "chaos.faults[0].fail.times"),
        ({"faults": [{"fail": {"often": 1}}]}, "chaos.faults[0].fail.often"),
        ({"extra": 1}, "chaos.extra"),
    ],
)
def test_invalid_configuration_names_the_field(document: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidChaosConfig) as caught:
        parse_chaos(document)
    assert caught.value.field == field
    assert str(caught.value).startswith(field + ": ")


def test_selector_lists_match_any_of_their_values() -> None:
    fault = parse_chaos({"faults": [{"match": {"queue": ["a", "b"]}, "drop": {}}]}).faults[0]
    assert fault.applies({"queue": "b"})
    assert not fault.applies({"queue": "c"})
    assert not fault.applies({})
