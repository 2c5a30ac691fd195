"""Buses, rules, targets, tags and policies without HTTP."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from emulator.core.errors import DomainError
from emulator.core.events.arns import BusRef, bus_ref, resource_ref, rule_arn
from emulator.core.events.registry import RuleSpec
from emulator.core.events.rules import check_schedule
from emulator.core.patterns import InvalidPattern
from tests.unit.events_fakes import ACCOUNT, REGION, add_rule, default_bus, make_backend, queue_arn

PATTERN = json.dumps({"source": ["a"]})


def _registry() -> Any:
    return make_backend()[0].registry


def test_default_bus_exists_in_every_scope() -> None:
    registry = _registry()
    assert [b.name for b in registry.list_buses("999988887777", "ap-south-1")] == ["default"]


def test_bus_names_and_arns() -> None:
    registry = _registry()
    bus = registry.create_bus(BusRef(ACCOUNT, REGION, "orders"), {"team": "a"})
    assert bus.arn == f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
    with pytest.raises(DomainError, match=re.escape("Event bus orders already exists.")) as caught:
        registry.create_bus(BusRef(ACCOUNT, REGION, "orders"), {})
    assert caught.value.code == "ResourceAlreadyExistsException"


def test_default_bus_cannot_be_deleted() -> None:
    with pytest.raises(DomainError, match=re.escape("Cannot delete event bus default.")):
        _registry().delete_bus(default_bus())


def test_bus_ref_reads_names_and_arns() -> None:
    arn = "arn:aws:events:eu-west-1:444455556666:event-bus/central"
    assert bus_ref(arn, ACCOUNT, REGION) == BusRef("444455556666", "eu-west-1", "central")
    assert bus_ref("x", ACCOUNT, REGION) == BusRef(ACCOUNT, REGION, "x")
    assert bus_ref(None, ACCOUNT, REGION).name == "default"


def test_rule_arns_name_the_bus_only_when_custom() -> None:
    assert rule_arn("1", "r", "default", "x") == "arn:aws:events:r:1:rule/x"
    assert rule_arn("1", "r", "b", "x") == "arn:aws:events:r:1:rule/b/x"
    assert resource_ref("arn:aws:events:r:1:rule/b/x").name == "x"  # type: ignore[union-attr]


def test_put_rule_on_missing_bus_is_not_found() -> None:
    with pytest.raises(DomainError, match=re.escape("Event bus nope does not exist.")):
        _registry().put_rule(BusRef(ACCOUNT, REGION, "nope"), RuleSpec("r", PATTERN), ACCOUNT)


def test_put_rule_refuses_an_invalid_pattern() -> None:
    with pytest.raises(InvalidPattern):
        _registry().put_rule(default_bus(), RuleSpec("r", '{"source": "a"}'), ACCOUNT)


def test_put_rule_needs_a_pattern_or_a_schedule() -> None:
    with pytest.raises(DomainError) as caught:
        _registry().put_rule(default_bus(), RuleSpec("r"), ACCOUNT)
    assert caught.value.code == "ValidationException"


def test_update_keeps_targets_and_creator() -> None:
    backend = make_backend()[0]
    add_rule(backend, "r", {"source": ["a"]}, [{"Id": "t", "Arn": queue_arn("q")}])
    rule = backend.registry.put_rule(
        default_bus(), RuleSpec("r", PATTERN, state="DISABLED"), "someone-else"
    )
    assert list(rule.targets) == ["t"]
    assert rule.created_by == ACCOUNT
    assert len(backend.registry.bus(default_bus()).index) == 0


def test_rule_with_targets_cannot_be_deleted() -> None:
    backend = make_backend()[0]
    add_rule(backend, "r", {"source": ["a"]}, [{"Id": "t", "Arn": queue_arn("q")}])
    with pytest.raises(DomainError, match=re.escape("Rule can't be deleted since it has targets.")):
        backend.registry.delete_rule(default_bus(), "r")
    backend.registry.remove_targets(default_bus(), "r", ["t", "unknown"])
    backend.registry.delete_rule(default_bus(), "r")
    assert backend.registry.list_rules(default_bus()) == []


def test_missing_rule_message_names_rule_and_bus() -> None:
    with pytest.raises(DomainError, match=re.escape("Rule r does not exist on EventBus default.")):
        _registry().rule(default_bus(), "r")


def test_sixth_target_exceeds_the_limit() -> None:
    backend = make_backend()[0]
    targets = [{"Id": str(i), "Arn": queue_arn(f"q{i}")} for i in range(5)]
    add_rule(backend, "r", {"source": ["a"]}, targets)
    backend.registry.put_targets(default_bus(), "r", [{"Id": "0", "Arn": queue_arn("x")}])
    with pytest.raises(DomainError, match="exceeds the maximum number allowed") as caught:
        backend.registry.put_targets(default_bus(), "r", [{"Id": "6", "Arn": queue_arn("y")}])
    assert caught.value.code == "LimitExceededException"


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            {"Id": "t", "Arn": queue_arn("f.fifo")},
            "Parameter(s) SqsParameters must be specified for target: t.",
        ),
        ({"Id": "t", "Arn": queue_arn("q"), "Input": "{nope"}, "is not a valid JSON text"),
        ({"Id": "t", "Arn": queue_arn("q"), "Input": "{}", "InputPath": "$"}, "Only one of"),
        (
            {"Id": "t", "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/b", "Input": "{}"},
            "Modifying the input for target t is not supported.",
        ),
        ({"Id": "t", "Arn": queue_arn("q"), "InputPath": "$.[["}, "not a valid JSON path"),
    ],
)
def test_put_targets_refuses_invalid_targets(target: dict[str, Any], message: str) -> None:
    backend = make_backend()[0]
    add_rule(backend, "r", {"source": ["a"]}, [])
    with pytest.raises(DomainError) as caught:
        backend.registry.put_targets(default_bus(), "r", [target])
    assert caught.value.code == "ValidationException"
    assert message in caught.value.message


def test_rule_names_by_target() -> None:
    backend = make_backend()[0]
    for name in ("b", "a", "c"):
        arn = queue_arn("other" if name == "c" else "q")
        add_rule(backend, name, {"source": ["a"]}, [{"Id": "t", "Arn": arn}])
    assert backend.registry.rule_names_by_target(default_bus(), queue_arn("q")) == ["a", "b"]


@pytest.mark.parametrize(
    "expression",
    ["rate(5 minutes)", "rate(1 minute)", "rate(1 day)", "rate(2 hours)", "cron(0 12 * * ? *)"],
)
def test_valid_schedules(expression: str) -> None:
    check_schedule(expression)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(10 seconds)",
        "rate(10 years)",
        "rate(1 minutes)",
        "rate(10 minute)",
        "rate()",
        "rate(10)",
        "rate(foo minutes)",
        "rate(0 minutes)",
        "rate(-10 minutes)",
        "rate(10 MINUTES)",
        "rate( 10 minutes )",
        " rate(10 minutes)",
        "cron(0 12 * * * *)",
        "cron(0 12 * *)",
    ],
)
def test_invalid_schedules(expression: str) -> None:
    with pytest.raises(DomainError, match=r"Parameter ScheduleExpression is not valid\."):
        check_schedule(expression)


def test_schedule_only_on_default_bus() -> None:
    registry = _registry()
    ref = BusRef(ACCOUNT, REGION, "b")
    registry.create_bus(ref, {})
    with pytest.raises(DomainError, match="only on the default event bus"):
        registry.put_rule(ref, RuleSpec("r", schedule="rate(5 minutes)"), ACCOUNT)


def test_tags_of_rules_and_buses() -> None:
    backend = make_backend()[0]
    add_rule(backend, "r", {"source": ["a"]}, [])
    arn = rule_arn(ACCOUNT, REGION, "default", "r")
    backend.registry.tags(arn)["k"] = "v"
    assert backend.registry.tags(arn) == {"k": "v"}
    with pytest.raises(DomainError, match=re.escape("Rule x does not exist on EventBus default.")):
        backend.registry.tags(rule_arn(ACCOUNT, REGION, "default", "x"))


def test_policy_statements_replace_by_sid_and_vanish_when_empty() -> None:
    registry = _registry()
    bus = registry.bus(default_bus())
    bus.put_statement({"Sid": "a", "Effect": "Allow"})
    bus.put_statement({"Sid": "a", "Effect": "Deny"})
    assert json.loads(bus.policy_text() or "{}")["Statement"] == [{"Sid": "a", "Effect": "Deny"}]
    registry.remove_statement(default_bus(), "a")
    assert bus.policy_text() is None
    with pytest.raises(
        DomainError, match=re.escape("Statement with the provided id does not exist.")
    ):
        registry.remove_statement(default_bus(), "a")


def test_state_lists_buses_rules_and_targets() -> None:
    backend = make_backend()[0]
    add_rule(backend, "r", {"source": ["a"]}, [{"Id": "t", "Arn": queue_arn("q")}])
    state = backend.state()
    assert [b["name"] for b in state["buses"]] == ["default"]
    assert [r["name"] for r in state["rules"]] == ["r"]
    assert [(t["rule"], t["id"]) for t in state["targets"]] == [("r", "t")]


def test_test_event_pattern_needs_the_mandatory_fields() -> None:
    backend = make_backend()[0]
    with pytest.raises(DomainError, match=r"Parameter Event is not valid\."):
        backend.test_event_pattern(PATTERN, json.dumps({"source": "a"}))
    event = dict.fromkeys(("id", "account", "time", "region", "detail-type"), "x")
    event.update(source="a", resources=[])
    assert backend.test_event_pattern(PATTERN, json.dumps(event)) is True
