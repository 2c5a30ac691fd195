"""The published JSON Schema: generated from the specs that validate, in step with AWS and chaos."""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.config.schema import CHAOS_KIND_FIELDS, SCHEMA_DIALECT, json_schema
from emulator.core.chaos import config as chaos_config


def _rules_item(schema: dict[str, Any]) -> dict[str, Any]:
    items: dict[str, Any] = schema["properties"]["rules"]["items"]
    return items


def test_schema_is_json_of_the_2020_12_dialect_with_every_section() -> None:
    schema = json.loads(json.dumps(json_schema()))
    assert schema["$schema"] == SCHEMA_DIALECT
    assert set(schema["properties"]) == {
        "$schema",
        "queues",
        "buses",
        "connections",
        "api_destinations",
        "rules",
        "chaos",
        "endpoints",
    }
    assert schema["additionalProperties"] is False


def test_schema_constraints_come_from_botocore() -> None:
    rule = _rules_item(json_schema())
    assert rule["required"] == ["Name"]
    assert rule["properties"]["Name"]["maxLength"] == 64
    target = rule["properties"]["Targets"]["items"]
    retry = target["properties"]["RetryPolicy"]["properties"]
    assert retry["MaximumRetryAttempts"] == {
        "description": retry["MaximumRetryAttempts"]["description"],
        "type": "integer",
        "minimum": 0,
        "maximum": 185,
    }
    assert target["required"] == ["Id", "Arn"]
    assert rule["properties"]["Targets"]["maxItems"] == 5


def test_schema_patterns_admit_placeholders() -> None:
    pattern = _rules_item(json_schema())["properties"]["EventBusName"]["pattern"]
    assert re.fullmatch(pattern, "orders")
    assert re.fullmatch(pattern, "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/o")
    assert not re.fullmatch(pattern, "orders bus")


def test_event_pattern_may_be_text_or_an_object() -> None:
    pattern = _rules_item(json_schema())["properties"]["EventPattern"]
    assert [option["type"] for option in pattern["anyOf"]] == ["string", "object"]


def test_chaos_schema_has_the_fields_chaos_validation_accepts() -> None:
    kinds = chaos_config._KIND_KEYS
    assert set(CHAOS_KIND_FIELDS) == set(kinds)
    for kind, keys in kinds.items():
        assert set(CHAOS_KIND_FIELDS[kind]) | {"probability", "times"} == keys
    fault = json_schema()["properties"]["chaos"]["properties"]["faults"]["items"]
    assert fault["oneOf"] == [{"required": [kind]} for kind in chaos_config.KINDS]
    assert set(fault["properties"]["match"]["properties"]) == set(chaos_config.SELECTORS)


def test_connection_schema_follows_create_connection_without_private_networks() -> None:
    connection = json_schema()["properties"]["connections"]["items"]
    assert connection["required"] == ["Name", "AuthorizationType", "AuthParameters"]
    auth = connection["properties"]["AuthParameters"]["properties"]
    assert "ConnectivityParameters" not in auth
    header = auth["InvocationHttpParameters"]["properties"]["HeaderParameters"]["items"]
    assert header["properties"]["IsValueSecret"]["type"] == "boolean"
    basic = auth["BasicAuthParameters"]
    assert basic["required"] == ["Username", "Password"]


def test_api_destination_schema_takes_a_connection_by_name_or_arn() -> None:
    destination = json_schema()["properties"]["api_destinations"]["items"]
    assert destination["required"] == [
        "Name",
        "ConnectionArn",
        "InvocationEndpoint",
        "HttpMethod",
    ]
    assert "pattern" not in destination["properties"]["ConnectionArn"]
    assert "PATCH" in destination["properties"]["HttpMethod"]["enum"]


def test_endpoints_schema_takes_one_lambda_url_or_one_per_function() -> None:
    endpoints = json_schema()["properties"]["endpoints"]
    assert set(endpoints["properties"]) == {"lambda", "stepfunctions", "logs_dir"}
    options = endpoints["properties"]["lambda"]["anyOf"]
    assert [option["type"] for option in options] == ["string", "object"]
