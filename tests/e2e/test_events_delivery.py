"""PutEvents and delivery over real HTTP: the envelope, per-entry errors, input shaping, FIFO,
dead-letter queues, bus-to-bus and cross-account/region routing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.events_helpers import (
    bodies,
    clients,
    make_queue,
    nothing_more,
    put,
    receive,
    route_to_queue,
)
from tests.servers import RunningServer

ACCOUNT = "000000000000"
ENVELOPE_KEYS = [
    "version",
    "id",
    "detail-type",
    "source",
    "account",
    "time",
    "region",
    "resources",
    "detail",
]


def test_event_arrives_in_the_queue_as_aws_delivers_it(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    route_to_queue(events, arn)
    event_id = put(events, {"order": 7}, Resources=["arn:aws:s3:::b"])
    [message] = receive(sqs_json, url)
    body = json.loads(message["Body"])
    assert list(body) == ENVELOPE_KEYS
    assert body["version"] == "0"
    assert body["id"] == event_id
    assert (body["source"], body["detail-type"]) == ("app", "Thing Happened")
    assert (body["account"], body["region"]) == (ACCOUNT, "us-east-1")
    assert body["resources"] == ["arn:aws:s3:::b"]
    assert body["detail"] == {"order": 7}
    assert body["time"].endswith("Z")
    assert len(body["time"]) == 20
    assert message["Body"] == json.dumps(body, separators=(",", ":"))


def test_entry_time_is_honoured(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    route_to_queue(events, arn)
    put(events, Time=1_600_000_000)
    assert bodies(receive(sqs_json, url))[0]["time"] == "2020-09-13T12:26:40Z"


def test_per_entry_errors_and_valid_entries_still_go_through(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    route_to_queue(events, arn)
    good = {"Source": "app", "DetailType": "t", "Detail": '{"ok": true}'}
    reply = events.put_events(
        Entries=[
            good,
            {"DetailType": "t", "Detail": "{}"},
            {"Source": "app", "Detail": "{}"},
            {"Source": "app", "DetailType": "t"},
            {**good, "Detail": "[1]"},
            {**good, "Detail": "{oops"},
            good,
        ]
    )
    assert reply["FailedEntryCount"] == 5
    results = reply["Entries"]
    assert "EventId" in results[0]
    assert "EventId" in results[6]
    assert results[1:6] == [
        {
            "ErrorCode": "InvalidArgument",
            "ErrorMessage": "Parameter Source is not valid. Reason: Source is a required argument.",
        },
        {
            "ErrorCode": "InvalidArgument",
            "ErrorMessage": (
                "Parameter DetailType is not valid. Reason: DetailType is a required argument."
            ),
        },
        {
            "ErrorCode": "InvalidArgument",
            "ErrorMessage": "Parameter Detail is not valid. Reason: Detail is a required argument.",
        },
        {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."},
        {"ErrorCode": "MalformedDetail", "ErrorMessage": "Detail is malformed."},
    ]
    delivered = bodies(receive(sqs_json, url, 2))
    assert sorted(b["id"] for b in delivered) == sorted(
        [results[0]["EventId"], results[6]["EventId"]]
    )


def test_more_than_ten_entries_is_a_validation_error(events: Any) -> None:
    entry = {"Source": "app", "DetailType": "t", "Detail": "{}"}
    with pytest.raises(ClientError) as caught:
        events.put_events(Entries=[entry] * 11)
    error = caught.value.response["Error"]
    assert error["Code"] == "ValidationException"
    assert error["Message"].startswith(
        "1 validation error detected: Value '[PutEventsRequestEntry("
    )
    assert error["Message"].endswith(
        "at 'entries' failed to satisfy constraint:"
        " Member must have length less than or equal to 10"
    )


def test_request_over_256_kib_is_refused(events: Any) -> None:
    entry = {"Source": "app", "DetailType": "t", "Detail": json.dumps({"x": "a" * 262_144})}
    with pytest.raises(ClientError) as caught:
        events.put_events(Entries=[entry])
    assert caught.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Total size of the entries in the request is over the limit.",
    }


def test_each_matching_rule_delivers_exactly_once(events: Any, sqs_json: Any) -> None:
    url_a, arn_a = make_queue(sqs_json, "a")
    url_b, arn_b = make_queue(sqs_json, "b")
    route_to_queue(events, arn_a, rule="one")
    route_to_queue(events, arn_a, {"detail-type": ["Thing Happened"]}, rule="two")
    events.put_targets(Rule="two", Targets=[{"Id": "b", "Arn": arn_b}])
    route_to_queue(events, arn_b, {"source": ["elsewhere"]}, rule="three")
    event_id = put(events)
    assert [b["id"] for b in bodies(receive(sqs_json, url_a, 2))] == [event_id, event_id]
    assert [b["id"] for b in bodies(receive(sqs_json, url_b, 1))] == [event_id]
    assert nothing_more(sqs_json, url_a)
    assert nothing_more(sqs_json, url_b)


def test_disabled_rule_does_not_route(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    route_to_queue(events, arn)
    events.disable_rule(Name="r")
    put(events)
    assert nothing_more(sqs_json, url)
    events.enable_rule(Name="r")
    event_id = put(events)
    assert bodies(receive(sqs_json, url))[0]["id"] == event_id


def test_put_events_to_a_bus_by_name_and_by_arn(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    bus_arn = events.create_event_bus(Name="shop")["EventBusArn"]
    route_to_queue(events, arn, bus="shop")
    by_name = put(events, EventBusName="shop")
    by_arn = put(events, EventBusName=bus_arn)
    put(events)  # the default bus has no rule
    assert sorted(b["id"] for b in bodies(receive(sqs_json, url, 2))) == sorted([by_name, by_arn])
    assert nothing_more(sqs_json, url)


def test_event_for_a_missing_bus_is_accepted_and_dropped(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    route_to_queue(events, arn)
    reply = events.put_events(
        Entries=[{"Source": "app", "DetailType": "t", "Detail": "{}", "EventBusName": "nope"}]
    )
    assert reply["FailedEntryCount"] == 0
    assert "EventId" in reply["Entries"][0]
    assert nothing_more(sqs_json, url)


# --------------------------------------------------------------------------- input shaping
def test_constant_input(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    route_to_queue(events, arn, Input='{"fixed": true}')
    put(events)
    assert receive(sqs_json, url)[0]["Body"] == '{"fixed": true}'


def test_input_path_object_and_string(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    url2, arn2 = make_queue(sqs_json, "q2")
    route_to_queue(events, arn, InputPath="$.detail")
    route_to_queue(events, arn2, InputPath="$.detail.payload.sf_id", rule="deep")
    put(events, {"payload": {"sf_id": "baz"}})
    assert bodies(receive(sqs_json, url)) == [{"payload": {"sf_id": "baz"}}]
    assert receive(sqs_json, url2)[0]["Body"] == '"baz"'


def test_input_transformer_string_template(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    transformer = {
        "InputPathsMap": {"type": "$.detail-type", "command": "$.detail.command"},
        "InputTemplate": '"Event of <type> type, info <command>"',
    }
    route_to_queue(events, arn, InputTransformer=transformer)
    put(events, {"command": "display-message"})
    assert (
        receive(sqs_json, url)[0]["Body"] == '"Event of Thing Happened type, info display-message"'
    )


def test_input_transformer_missing_path_becomes_empty_in_strings(
    events: Any, sqs_json: Any
) -> None:
    url, arn = make_queue(sqs_json, "q")
    transformer = {
        "InputPathsMap": {"command": "$.detail.notinmessage"},
        "InputTemplate": '"info <command>"',
    }
    route_to_queue(events, arn, InputTransformer=transformer)
    put(events)
    assert receive(sqs_json, url)[0]["Body"] == '"info "'


def test_input_transformer_json_template_with_predefined_variables(
    events: Any, sqs_json: Any
) -> None:
    url, arn = make_queue(sqs_json, "q")
    transformer = {
        "InputPathsMap": {"order": "$.detail.order", "items": "$.detail.items[*].sku"},
        "InputTemplate": (
            '{"order": <order>, "label": "order <order> placed", "skus": <items>,'
            ' "rule": <aws.events.rule-name>, "ruleArn": <aws.events.rule-arn>,'
            ' "at": <aws.events.event.ingestion-time>, "meta": <aws.events.event>,'
            ' "whole": <aws.events.event.json>}'
        ),
    }
    rule_arn = route_to_queue(events, arn, InputTransformer=transformer)
    event_id = put(events, {"order": "o-1", "items": [{"sku": "a"}, {"sku": "b"}]})
    [message] = receive(sqs_json, url)
    assert message["Body"].startswith('{"order":"o-1","label":"order o-1 placed"')
    body = json.loads(message["Body"])
    assert body["skus"] == ["a", "b"]
    assert (body["rule"], body["ruleArn"]) == ("r", rule_arn)
    assert body["at"].endswith("Z")
    assert body["meta"]["id"] == event_id
    assert "detail" not in body["meta"]
    assert body["whole"]["detail"]["order"] == "o-1"


# --------------------------------------------------------------------------- FIFO
def test_fifo_target_keeps_order_group_and_event_id_dedup(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "orders.fifo", FifoQueue="true")
    route_to_queue(events, arn, SqsParameters={"MessageGroupId": "orders"})
    entries = [
        {"Source": "app", "DetailType": "t", "Detail": json.dumps({"n": n})} for n in range(10)
    ]
    ids = [e["EventId"] for e in events.put_events(Entries=entries)["Entries"]]
    messages = receive(sqs_json, url, 10)
    assert [json.loads(m["Body"])["detail"]["n"] for m in messages] == list(range(10))
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"orders"}
    assert [m["Attributes"]["MessageDeduplicationId"] for m in messages] == ids


# --------------------------------------------------------------------------- dead letters
def _dlq_attributes(message: dict[str, Any]) -> dict[str, str]:
    return {k: v["StringValue"] for k, v in message.get("MessageAttributes", {}).items()}


def test_deleted_queue_sends_the_event_to_the_dlq(events: Any, sqs_json: Any) -> None:
    gone_url, gone_arn = make_queue(sqs_json, "gone")
    dlq_url, dlq_arn = make_queue(sqs_json, "dlq")
    rule_arn = route_to_queue(
        events,
        gone_arn,
        RetryPolicy={"MaximumRetryAttempts": 0},
        DeadLetterConfig={"Arn": dlq_arn},
    )
    sqs_json.delete_queue(QueueUrl=gone_url)
    event_id = put(events, {"order": 1})
    [message] = receive(sqs_json, dlq_url)
    assert json.loads(message["Body"])["id"] == event_id
    attributes = _dlq_attributes(message)
    assert attributes["RULE_ARN"] == rule_arn
    assert attributes["TARGET_ARN"] == gone_arn
    assert attributes["ERROR_CODE"] == "NO_RESOURCE"
    assert attributes["ERROR_MESSAGE"]
    assert attributes["RETRY_ATTEMPTS"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in attributes


def test_deleted_queue_is_not_retried_even_with_a_retry_policy(events: Any, sqs_json: Any) -> None:
    gone_url, gone_arn = make_queue(sqs_json, "gone")
    dlq_url, dlq_arn = make_queue(sqs_json, "dlq")
    route_to_queue(events, gone_arn, DeadLetterConfig={"Arn": dlq_arn})
    sqs_json.delete_queue(QueueUrl=gone_url)
    put(events)
    assert _dlq_attributes(receive(sqs_json, dlq_url)[0])["RETRY_ATTEMPTS"] == "0"


def test_message_sqs_refuses_goes_to_the_dlq_as_invalid_parameter(
    events: Any, sqs_json: Any
) -> None:
    _, arn = make_queue(sqs_json, "q")
    dlq_url, dlq_arn = make_queue(sqs_json, "dlq")
    huge = {"InputPathsMap": {}, "InputTemplate": "<aws.events.event.json>" * 8}
    route_to_queue(events, arn, InputTransformer=huge, DeadLetterConfig={"Arn": dlq_arn})
    event_id = put(events, {"x": "a" * 200_000})
    [message] = receive(sqs_json, dlq_url)
    assert json.loads(message["Body"])["id"] == event_id
    assert _dlq_attributes(message)["ERROR_CODE"] == "INVALID_PARAMETER"


# --------------------------------------------------------------------------- bus to bus
def test_bus_to_bus_keeps_the_event_id(events: Any, sqs_json: Any) -> None:
    url, arn = make_queue(sqs_json, "q")
    central = events.create_event_bus(Name="central")["EventBusArn"]
    events.put_rule(Name="fwd", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="fwd", Targets=[{"Id": "bus", "Arn": central}])
    route_to_queue(events, arn, bus="central")
    event_id = put(events)
    assert bodies(receive(sqs_json, url))[0]["id"] == event_id


def test_cross_account_and_cross_region_routing(emulator: RunningServer) -> None:
    sender, _ = clients(emulator.url)
    receiver, receiver_sqs = clients(emulator.url, account="111122223333", region="eu-west-1")
    url, arn = make_queue(receiver_sqs, "inbox")
    central = receiver.create_event_bus(Name="central")["EventBusArn"]
    receiver.put_permission(
        EventBusName="central", Action="events:PutEvents", Principal=ACCOUNT, StatementId="s"
    )
    route_to_queue(receiver, arn, {"account": [ACCOUNT]}, bus="central")
    sender.put_rule(Name="fwd", EventPattern=json.dumps({"source": ["app"]}))
    sender.put_targets(Rule="fwd", Targets=[{"Id": "central", "Arn": central}])
    event_id = put(sender)
    [body] = bodies(receive(receiver_sqs, url))
    assert body["id"] == event_id
    assert (body["account"], body["region"]) == (ACCOUNT, "us-east-1")


def test_second_bus_hop_is_refused_to_the_dlq(events: Any, sqs_json: Any) -> None:
    dlq_url, dlq_arn = make_queue(sqs_json, "dlq")
    central = events.create_event_bus(Name="central")["EventBusArn"]
    default = events.describe_event_bus()["Arn"]
    events.put_rule(Name="out", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="out", Targets=[{"Id": "c", "Arn": central}])
    events.put_rule(
        Name="back", EventBusName="central", EventPattern=json.dumps({"source": ["app"]})
    )
    back = {"Id": "d", "Arn": default, "DeadLetterConfig": {"Arn": dlq_arn}}
    events.put_targets(Rule="back", EventBusName="central", Targets=[back])
    put(events)
    [message] = receive(sqs_json, dlq_url)
    assert _dlq_attributes(message)["ERROR_CODE"] == "THIRD_ACCOUNT_HOP_DETECTED"
    assert nothing_more(sqs_json, dlq_url)
