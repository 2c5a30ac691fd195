"""Rules and targets over real HTTP, with AWS's errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.e2e.events_helpers import make_queue, unchecked_events_client
from tests.servers import RunningServer

ACCOUNT = "000000000000"
PATTERN = json.dumps({"source": ["app"], "detail": {"kind": [{"prefix": "order-"}]}})


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_put_describe_and_list_rule(events: Any) -> None:
    arn = events.put_rule(
        Name="orders",
        EventPattern=PATTERN,
        Description="all orders",
        RoleArn="arn:aws:iam::1:role/r",
    )["RuleArn"]
    assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders"
    rule = events.describe_rule(Name="orders")
    assert {k: rule[k] for k in ("Name", "Arn", "EventPattern", "State", "EventBusName")} == {
        "Name": "orders",
        "Arn": arn,
        "EventPattern": PATTERN,
        "State": "ENABLED",
        "EventBusName": "default",
    }
    assert (rule["Description"], rule["CreatedBy"]) == ("all orders", ACCOUNT)
    assert [r["Name"] for r in events.list_rules()["Rules"]] == ["orders"]


def test_rule_on_custom_bus_by_name_and_arn(events: Any) -> None:
    bus_arn = events.create_event_bus(Name="shop")["EventBusArn"]
    arn = events.put_rule(Name="r", EventBusName=bus_arn, EventPattern=PATTERN)["RuleArn"]
    assert arn == f"arn:aws:events:us-east-1:{ACCOUNT}:rule/shop/r"
    assert events.describe_rule(Name="r", EventBusName="shop")["EventBusName"] == "shop"
    assert events.list_rules()["Rules"] == []


def test_put_rule_updates_and_keeps_targets(events: Any, sqs_json: Any) -> None:
    _, queue = make_queue(sqs_json, "q")
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": queue}])
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["other"]}))
    assert json.loads(events.describe_rule(Name="r")["EventPattern"]) == {"source": ["other"]}
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="r")["Targets"]] == ["t"]


def test_missing_rule_is_not_found_naming_its_bus(events: Any) -> None:
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.describe_rule(Name="ghost")
    assert _error(caught)[1] == "Rule ghost does not exist on EventBus default."
    events.create_event_bus(Name="b")
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.put_targets(Rule="ghost", EventBusName="b", Targets=[{"Id": "t", "Arn": "a"}])
    assert _error(caught)[1] == "Rule ghost does not exist on EventBus b."


def test_rule_on_missing_bus_is_not_found(events: Any) -> None:
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.put_rule(Name="r", EventBusName="nope", EventPattern=PATTERN)
    assert _error(caught)[1] == "Event bus nope does not exist."


def test_invalid_pattern_is_invalid_event_pattern(events: Any) -> None:
    with pytest.raises(events.exceptions.InvalidEventPatternException) as caught:
        events.put_rule(Name="r", EventPattern='{"source": "app"}')
    assert caught.value.response["Error"]["Message"].startswith("Event pattern is not valid.")


def test_rule_name_is_checked_against_the_model(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="x" * 65 + "!", EventPattern=PATTERN)
    code, message = _error(caught)
    assert code == "ValidationException"
    assert message.startswith("2 validation errors detected: Value '")
    assert "at 'name' failed to satisfy constraint: Member must have length less than or" in message
    assert message.endswith("Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+")


def test_state_must_be_a_known_value(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="r", EventPattern=PATTERN, State="PAUSED")
    assert "Member must satisfy enum value set: [ENABLED, DISABLED," in _error(caught)[1]


def test_rule_needs_pattern_or_schedule(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="r")
    assert _error(caught)[0] == "ValidationException"


@pytest.mark.parametrize("expression", ["rate(5 minutes)", "cron(0 12 * * ? *)"])
def test_schedule_expression_is_stored(events: Any, expression: str) -> None:
    events.put_rule(Name="tick", ScheduleExpression=expression)
    assert events.describe_rule(Name="tick")["ScheduleExpression"] == expression


@pytest.mark.parametrize("expression", ["rate(1 minutes)", "rate(10 seconds)", "cron(* * * *)"])
def test_bad_schedule_expression(events: Any, expression: str) -> None:
    with pytest.raises(ClientError) as caught:
        events.put_rule(Name="tick", ScheduleExpression=expression)
    assert _error(caught) == ("ValidationException", "Parameter ScheduleExpression is not valid.")


def test_enable_and_disable(events: Any) -> None:
    events.put_rule(Name="r", EventPattern=PATTERN, State="DISABLED")
    assert events.describe_rule(Name="r")["State"] == "DISABLED"
    events.enable_rule(Name="r")
    assert events.describe_rule(Name="r")["State"] == "ENABLED"
    events.disable_rule(Name="r")
    assert events.describe_rule(Name="r")["State"] == "DISABLED"
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.enable_rule(Name="ghost")


def test_list_rules_prefix_and_pages(events: Any) -> None:
    for n in range(6):
        events.put_rule(Name=f"rule-{n}", EventPattern=PATTERN)
    events.put_rule(Name="other", EventPattern=PATTERN)
    first = events.list_rules(NamePrefix="rule-", Limit=4)
    assert [r["Name"] for r in first["Rules"]] == [f"rule-{n}" for n in range(4)]
    rest = events.list_rules(NamePrefix="rule-", Limit=4, NextToken=first["NextToken"])
    assert [r["Name"] for r in rest["Rules"]] == ["rule-4", "rule-5"]
    assert "NextToken" not in rest


def test_delete_rule_refused_while_targets_remain(events: Any, sqs_json: Any) -> None:
    _, queue = make_queue(sqs_json, "q")
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": queue}])
    with pytest.raises(ClientError) as caught:
        events.delete_rule(Name="r")
    assert _error(caught) == ("ValidationException", "Rule can't be deleted since it has targets.")
    events.remove_targets(Rule="r", Ids=["t"])
    events.delete_rule(Name="r")
    assert events.list_rules()["Rules"] == []


def test_put_list_remove_targets(events: Any, sqs_json: Any) -> None:
    _, queue = make_queue(sqs_json, "q")
    events.put_rule(Name="r", EventPattern=PATTERN)
    target = {
        "Id": "t1",
        "Arn": queue,
        "InputPath": "$.detail",
        "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 120},
        "DeadLetterConfig": {"Arn": queue},
    }
    reply = events.put_targets(Rule="r", Targets=[target, {"Id": "t2", "Arn": queue}])
    assert (reply["FailedEntryCount"], reply["FailedEntries"]) == (0, [])
    listed = events.list_targets_by_rule(Rule="r")["Targets"]
    assert listed == [target, {"Id": "t2", "Arn": queue}]
    page = events.list_targets_by_rule(Rule="r", Limit=1)
    assert [t["Id"] for t in page["Targets"]] == ["t1"]
    removed = events.remove_targets(Rule="r", Ids=["t1", "unknown"])
    assert removed["FailedEntryCount"] == 0
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="r")["Targets"]] == ["t2"]


def test_sixth_target_exceeds_the_limit(events: Any, sqs_json: Any) -> None:
    _, queue = make_queue(sqs_json, "q")
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": str(n), "Arn": queue} for n in range(5)])
    with pytest.raises(events.exceptions.LimitExceededException) as caught:
        events.put_targets(Rule="r", Targets=[{"Id": "6", "Arn": queue}])
    assert _error(caught)[1] == "The requested resource exceeds the maximum number allowed."


def test_retry_policy_bounds_are_checked(emulator: RunningServer) -> None:
    events = unchecked_events_client(emulator.url)
    events.put_rule(Name="r", EventPattern=PATTERN)
    target = {"Id": "t", "Arn": "arn:aws:sqs:us-east-1:0:q", "RetryPolicy": {}}
    target["RetryPolicy"] = {"MaximumRetryAttempts": 186, "MaximumEventAgeInSeconds": 59}
    with pytest.raises(ClientError) as caught:
        events.put_targets(Rule="r", Targets=[target])
    code, message = _error(caught)
    assert code == "ValidationException"
    assert message.startswith("2 validation errors detected:")
    assert (
        "at 'targets.1.member.retryPolicy.maximumRetryAttempts' failed to satisfy constraint:"
        " Member must have value less than or equal to 185" in message
    )
    assert "Member must have value greater than or equal to 60" in message


def test_fifo_queue_target_needs_a_message_group(events: Any, sqs_json: Any) -> None:
    _, fifo = make_queue(sqs_json, "q.fifo", FifoQueue="true")
    events.put_rule(Name="r", EventPattern=PATTERN)
    with pytest.raises(ClientError) as caught:
        events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": fifo}])
    assert _error(caught) == (
        "ValidationException",
        "Parameter(s) SqsParameters must be specified for target: t.",
    )


def test_input_is_refused_for_bus_targets(events: Any) -> None:
    bus = events.create_event_bus(Name="b")["EventBusArn"]
    events.put_rule(Name="r", EventPattern=PATTERN)
    with pytest.raises(ClientError) as caught:
        events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": bus, "Input": "{}"}])
    assert _error(caught)[1] == "Modifying the input for target t is not supported."


def test_constant_input_must_be_json(events: Any) -> None:
    events.put_rule(Name="r", EventPattern=PATTERN)
    with pytest.raises(ClientError) as caught:
        events.put_targets(
            Rule="r", Targets=[{"Id": "t", "Arn": "arn:aws:sqs:us-east-1:0:q", "Input": "{"}]
        )
    assert _error(caught)[1] == "Input for target t is not a valid JSON text."


def test_list_rule_names_by_target(events: Any, sqs_json: Any) -> None:
    _, queue = make_queue(sqs_json, "q")
    for name in ("b", "a"):
        events.put_rule(Name=name, EventPattern=PATTERN)
        events.put_targets(Rule=name, Targets=[{"Id": "t", "Arn": queue}])
    events.put_rule(Name="c", EventPattern=PATTERN)
    assert events.list_rule_names_by_target(TargetArn=queue)["RuleNames"] == ["a", "b"]
    page = events.list_rule_names_by_target(TargetArn=queue, Limit=1)
    assert (page["RuleNames"], "NextToken" in page) == (["a"], True)


def test_rule_tags(events: Any) -> None:
    arn = events.put_rule(Name="r", EventPattern=PATTERN, Tags=[{"Key": "a", "Value": "1"}])[
        "RuleArn"
    ]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "b", "Value": "2"}])
    events.untag_resource(ResourceARN=arn, TagKeys=["a"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.list_tags_for_resource(ResourceARN=arn + "x")
    assert _error(caught)[1] == "Rule rx does not exist on EventBus default."


def test_test_event_pattern(events: Any) -> None:
    event = {
        "id": "1",
        "account": ACCOUNT,
        "source": "app",
        "time": "2024-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail-type": "x",
        "detail": {"kind": "order-created"},
    }
    assert events.test_event_pattern(EventPattern=PATTERN, Event=json.dumps(event))["Result"]
    event["detail"] = {"kind": "refund"}
    assert not events.test_event_pattern(EventPattern=PATTERN, Event=json.dumps(event))["Result"]
    with pytest.raises(events.exceptions.InvalidEventPatternException):
        events.test_event_pattern(EventPattern='{"a": 1}', Event=json.dumps(event))
    with pytest.raises(ClientError) as caught:
        events.test_event_pattern(EventPattern=PATTERN, Event='{"source": "app"}')
    assert _error(caught) == ("ValidationException", "Parameter Event is not valid.")


def test_state_lists_rules_and_targets(emulator: RunningServer, events: Any, sqs_json: Any) -> None:
    _, queue = make_queue(sqs_json, "q")
    events.put_rule(Name="r", EventPattern=PATTERN)
    events.put_targets(Rule="r", Targets=[{"Id": "t", "Arn": queue}])
    state = httpx.get(f"{emulator.url}/_emulator/state").json()["events"]
    assert [(r["name"], r["state"], r["targets"]) for r in state["rules"]] == [
        ("r", "ENABLED", ["t"])
    ]
    assert [(t["rule"], t["id"], t["arn"]) for t in state["targets"]] == [("r", "t", queue)]
