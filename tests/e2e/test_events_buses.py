"""Event buses over real HTTP: create, describe, list, update, delete, permissions, tags."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.servers import RunningServer

ACCOUNT = "000000000000"


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_default_bus_exists_without_being_created(events: Any) -> None:
    bus = events.describe_event_bus()
    assert bus["Name"] == "default"
    assert bus["Arn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"
    assert "CreationTime" in bus
    assert [b["Name"] for b in events.list_event_buses()["EventBuses"]] == ["default"]


def test_create_describe_update_delete_bus(events: Any) -> None:
    created = events.create_event_bus(Name="orders", Description="orders bus")
    assert created["EventBusArn"] == f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/orders"
    assert created["Description"] == "orders bus"
    described = events.describe_event_bus(Name="orders")
    assert (described["Name"], described["Description"]) == ("orders", "orders bus")
    updated = events.update_event_bus(Name="orders", Description="renamed")
    assert updated["Description"] == "renamed"
    by_arn = events.describe_event_bus(Name=created["EventBusArn"])
    assert by_arn["Description"] == "renamed"
    events.delete_event_bus(Name="orders")
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.describe_event_bus(Name="orders")
    assert _error(caught) == ("ResourceNotFoundException", "Event bus orders does not exist.")


def test_bus_name_taken_is_already_exists(events: Any) -> None:
    events.create_event_bus(Name="orders")
    with pytest.raises(events.exceptions.ResourceAlreadyExistsException) as caught:
        events.create_event_bus(Name="orders")
    assert _error(caught)[1] == "Event bus orders already exists."


def test_default_bus_cannot_be_deleted(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.delete_event_bus(Name="default")
    assert _error(caught) == ("ValidationException", "Cannot delete event bus default.")


def test_deleting_a_missing_bus_succeeds(events: Any) -> None:
    assert events.delete_event_bus(Name="never")["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_not_found_is_http_400(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.describe_event_bus(Name="missing")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_invalid_bus_name_is_a_validation_error(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.create_event_bus(Name="bad name!")
    code, message = _error(caught)
    assert code == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint:"
        " Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+"
    )


def test_list_buses_by_prefix_and_pages(events: Any) -> None:
    for n in range(5):
        events.create_event_bus(Name=f"bus-{n}")
    assert [b["Name"] for b in events.list_event_buses(NamePrefix="bus-")["EventBuses"]] == [
        f"bus-{n}" for n in range(5)
    ]
    first = events.list_event_buses(NamePrefix="bus-", Limit=3)
    assert len(first["EventBuses"]) == 3
    rest = events.list_event_buses(NamePrefix="bus-", Limit=3, NextToken=first["NextToken"])
    assert [b["Name"] for b in rest["EventBuses"]] == ["bus-3", "bus-4"]
    assert "NextToken" not in rest


def test_buses_are_per_account_and_region(emulator: RunningServer) -> None:
    from tests.e2e.events_helpers import clients

    west, _ = clients(emulator.url, region="eu-west-1")
    other, _ = clients(emulator.url, account="111122223333")
    west.create_event_bus(Name="regional")
    assert [b["Name"] for b in other.list_event_buses()["EventBuses"]] == ["default"]
    bus = other.describe_event_bus()
    assert bus["Arn"] == "arn:aws:events:us-east-1:111122223333:event-bus/default"


def test_put_permission_builds_the_policy(events: Any) -> None:
    events.create_event_bus(Name="shared")
    events.put_permission(
        EventBusName="shared", Action="events:PutEvents", Principal="111122223333", StatementId="a"
    )
    events.put_permission(
        EventBusName="shared", Action="events:PutEvents", Principal="*", StatementId="all"
    )
    policy = json.loads(events.describe_event_bus(Name="shared")["Policy"])
    bus_arn = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/shared"
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "a",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "events:PutEvents",
                "Resource": bus_arn,
            },
            {
                "Sid": "all",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "events:PutEvents",
                "Resource": bus_arn,
            },
        ],
    }


def test_permission_condition_and_whole_policy(events: Any) -> None:
    events.put_permission(
        Action="events:PutEvents",
        Principal="*",
        StatementId="org",
        Condition={"Type": "StringEquals", "Key": "aws:PrincipalOrgID", "Value": "o-1"},
    )
    statement = json.loads(events.describe_event_bus()["Policy"])["Statement"][0]
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}
    whole = {"Version": "2012-10-17", "Statement": [{"Sid": "x", "Effect": "Allow"}]}
    events.put_permission(Policy=json.dumps(whole))
    assert json.loads(events.describe_event_bus()["Policy"]) == whole


def test_remove_permission_one_and_all(events: Any) -> None:
    for sid in ("a", "b"):
        events.put_permission(Action="events:PutEvents", Principal="*", StatementId=sid)
    events.remove_permission(StatementId="a")
    sids = [s["Sid"] for s in json.loads(events.describe_event_bus()["Policy"])["Statement"]]
    assert sids == ["b"]
    events.remove_permission(RemoveAllPermissions=True)
    assert "Policy" not in events.describe_event_bus()


def test_remove_unknown_statement_is_not_found(events: Any) -> None:
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.remove_permission(StatementId="nope")
    assert _error(caught)[1] == "Statement with the provided id does not exist."


def test_permission_on_missing_bus_is_not_found(events: Any) -> None:
    with pytest.raises(events.exceptions.ResourceNotFoundException) as caught:
        events.put_permission(
            EventBusName="gone", Action="events:PutEvents", Principal="*", StatementId="a"
        )
    assert _error(caught)[1] == "Event bus gone does not exist."


def test_bus_tags(events: Any) -> None:
    arn = events.create_event_bus(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])[
        "EventBusArn"
    ]
    events.tag_resource(ResourceARN=arn, Tags=[{"Key": "env", "Value": "dev"}])
    events.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert events.list_tags_for_resource(ResourceARN=arn)["Tags"] == [
        {"Key": "env", "Value": "dev"}
    ]


def test_state_lists_buses(emulator: RunningServer, events: Any) -> None:
    events.create_event_bus(Name="seen")
    state = httpx.get(f"{emulator.url}/_emulator/state").json()["events"]
    assert sorted(b["name"] for b in state["buses"]) == ["default", "seen"]


def test_operations_not_built_yet_answer_unsupported(events: Any) -> None:
    with pytest.raises(ClientError) as caught:
        events.list_endpoints()
    assert _error(caught) == (
        "UnsupportedOperation",
        "Operation ListEndpoints is not supported by eventbus-emulator yet.",
    )
