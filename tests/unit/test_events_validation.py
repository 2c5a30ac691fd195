"""EventBridge model constraints: the quick ``valid`` test agrees with the full ``check``."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.api.events_validation import request_checker
from emulator.core.events.errors import EventsValidationError
from emulator.protocol.model import service_model


def _validate(operation: str, params: dict[str, Any]) -> str | None:
    shape = service_model("events").operation_model(operation).input_shape
    try:
        request_checker(shape)(params)
    except EventsValidationError as exc:
        return str(exc)
    return None


def _entry(**fields: Any) -> dict[str, Any]:
    return {"Source": "s", "DetailType": "d", "Detail": "{}", **fields}


def test_valid_put_events_passes() -> None:
    entries = [_entry(EventBusName="b", Resources=["r"], TraceHeader="t")] * 10
    assert _validate("PutEvents", {"Entries": entries}) is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"Entries": [_entry(EventBusName="a b")]},
            "1 validation error detected: Value 'a b' at 'entries.1.member.eventBusName' failed to"
            " satisfy constraint: Member must satisfy regular expression pattern: "
            "(arn:aws[\\w-]*:events:[a-z]+-[a-z]+-[\\w-]+:[0-9]{12}:event-bus\\/)?"
            "[\\.\\-_A-Za-z0-9]+",
        ),
        (
            {"Entries": []},
            "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint:"
            " Member must have length greater than or equal to 1",
        ),
        (
            {"Entries": [_entry(TraceHeader="")], "EndpointId": "x"},
            "2 validation errors detected: Value '' at 'entries.1.member.traceHeader' failed to"
            " satisfy constraint: Member must have length greater than or equal to 1; Value 'x' at"
            " 'endpointId' failed to satisfy constraint: Member must satisfy regular expression"
            " pattern: ^[A-Za-z0-9\\-]+[\\.][A-Za-z0-9\\-]+$",
        ),
    ],
)
def test_violations_are_listed_as_aws_lists_them(params: dict[str, Any], expected: str) -> None:
    assert _validate("PutEvents", params) == expected


def test_a_value_once_valid_does_not_hide_a_later_invalid_one() -> None:
    assert _validate("PutEvents", {"Entries": [_entry(EventBusName="b")]}) is None
    assert _validate("PutEvents", {"Entries": [_entry(EventBusName="b!")]}) is not None
    assert _validate("PutEvents", {"Entries": [_entry(EventBusName="b")]}) is None


def test_enum_and_range_constraints() -> None:
    message = _validate("ListRules", {"Limit": 0})
    assert message is not None
    assert "Member must have value greater than or equal to 1" in message
    message = _validate("PutRule", {"Name": "r", "State": "ON"})
    assert message is not None
    assert "Member must satisfy enum value set" in message
    assert _validate("PutRule", {"Name": "r", "State": "ENABLED"}) is None
