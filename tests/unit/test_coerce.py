"""Reading AWS JSON documents through botocore shapes."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.protocol.coerce import json_reader
from emulator.protocol.errors import ProtocolError
from emulator.protocol.model import service_model


def _read(operation: str, document: Any) -> Any:
    shape = service_model("events").operation_model(operation).input_shape
    return json_reader(shape)(document, "")


def test_known_members_are_read_as_sent() -> None:
    entry = {"Source": "s", "DetailType": "d", "Detail": "{}", "EventBusName": "b"}
    assert _read("PutEvents", {"Entries": [entry]}) == {"Entries": [entry]}


def test_unknown_members_are_dropped_at_every_level() -> None:
    entry = {"Source": "s", "Extra": 1, "Resources": ["r"], "Time": 1.5}
    read = _read("PutEvents", {"Entries": [entry], "Other": "x"})
    assert read == {"Entries": [{"Source": "s", "Resources": ["r"], "Time": 1.5}]}


def test_null_members_are_left_out() -> None:
    assert _read("PutEvents", {"Entries": [{"Source": None, "DetailType": "d"}]}) == {
        "Entries": [{"DetailType": "d"}]
    }


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "The request must contain the parameter Entries."),
        ({"Entries": {}}, "Value for parameter Entries is invalid: expected a list."),
        ({"Entries": [1]}, "Value for parameter Entries.1 is invalid: expected a structure."),
        (
            {"Entries": [{}, {"Source": 3}]},
            "Value for parameter Entries.2.Source is invalid: expected a string.",
        ),
        ([], "Value for parameter request is invalid: expected a structure."),
    ],
)
def test_wrong_documents_name_the_member(document: Any, message: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        _read("PutEvents", document)
    assert caught.value.message == message


def test_integers_sent_as_whole_floats_are_integers() -> None:
    assert _read("ListRules", {"Limit": 5.0}) == {"Limit": 5}


def test_items_of_long_and_short_lists_are_named_by_position() -> None:
    for count in (3, 150):
        entries: list[Any] = [{"Source": "s"}] * count
        entries[-1] = {"Source": 1}
        with pytest.raises(ProtocolError) as caught:
            _read("PutEvents", {"Entries": entries})
        assert caught.value.member == f"Entries.{count}.Source"
