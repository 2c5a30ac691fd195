"""PutEvents entries: per-entry errors, sizes, and the envelope AWS delivers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.core.errors import ValidationError
from emulator.core.events.arns import BusRef
from emulator.core.events.envelope import (
    check_entry,
    entry_size,
    format_time,
    make_event,
    request_size_ok,
)
from tests.unit.events_fakes import ACCOUNT, REGION, entry, make_backend


@pytest.mark.parametrize("missing", ["Source", "DetailType", "Detail"])
def test_missing_member_is_invalid_argument(missing: str) -> None:
    raw = entry()
    del raw[missing]
    assert check_entry(raw) == (
        None,
        (
            "InvalidArgument",
            f"Parameter {missing} is not valid. Reason: {missing} is a required argument.",
        ),
    )


@pytest.mark.parametrize("detail", ['"text"', "[1, 2]", "{not json", json.dumps('{"a": 1}')])
def test_detail_that_is_not_an_object_is_malformed(detail: str) -> None:
    raw = {**entry(), "Detail": detail}
    assert check_entry(raw) == (None, ("MalformedDetail", "Detail is malformed."))


def test_envelope_has_aws_fields_in_aws_order() -> None:
    raw = entry(detail={"a": 1}, Resources=["arn:aws:s3:::b"])
    event = make_event(
        raw, {"a": 1}, event_id="e-1", account=ACCOUNT, region=REGION, now=1_700_000_000.9
    )
    assert list(event.payload) == [
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
    assert event.payload["version"] == "0"
    assert event.payload["time"] == "2023-11-14T22:13:20Z"
    assert event.json.startswith('{"version":"0","id":"e-1","detail-type":"OrderPlaced"')


def test_entry_time_is_honoured() -> None:
    raw = entry(Time=1_600_000_000)
    event = make_event(raw, {}, event_id="e", account=ACCOUNT, region=REGION, now=1_700_000_000)
    assert event.payload["time"] == "2020-09-13T12:26:40Z"


def test_entry_size_counts_as_aws_documents() -> None:
    raw = {"Source": "s", "DetailType": "dt", "Detail": "{}", "Resources": ["é"], "Time": 1}
    assert entry_size(raw) == 14 + 1 + 2 + 2 + 2


def test_time_format_is_utc_seconds_with_z() -> None:
    assert format_time(0) == "1970-01-01T00:00:00Z"


def test_valid_entries_go_through_beside_invalid_ones() -> None:
    backend, _, _ = make_backend()
    bad = {**entry(), "Detail": "[]"}
    results = backend.put_events(ACCOUNT, REGION, [entry(), bad, entry()])
    assert [r[1] is None for r in results] == [True, False, True]
    assert backend.scheduler.pending == 2


def test_request_over_256_kib_is_refused_whole() -> None:
    backend, _, _ = make_backend()
    big = entry(detail={"x": "a" * 262_144})
    with pytest.raises(ValidationError, match="Total size of the entries"):
        backend.put_events(ACCOUNT, REGION, [big])
    assert backend.scheduler.pending == 0


def test_trace_header_is_kept_on_the_event() -> None:
    raw = entry(TraceHeader="Root=1-5759e988-bd862e3fe1be46a994272793")
    event = make_event(raw, {}, event_id="e", account=ACCOUNT, region=REGION, now=0)
    assert event.trace_header == "Root=1-5759e988-bd862e3fe1be46a994272793"


def test_request_size_counts_bytes_not_characters_near_the_limit() -> None:
    ascii_entry = {"Source": "s", "DetailType": "d", "Detail": "x" * 262_142}
    assert request_size_ok([ascii_entry], 262_144)
    wide = {"Source": "s", "DetailType": "d", "Detail": "é" * 131_072}
    assert not request_size_ok([wide], 262_144)
    assert request_size_ok([{**wide, "Detail": "é" * 131_070}], 262_144)


def test_first_missing_member_is_reported_and_empty_counts_as_missing() -> None:
    assert check_entry({"Detail": "{}"}) == (
        None,
        (
            "InvalidArgument",
            "Parameter Source is not valid. Reason: Source is a required argument.",
        ),
    )
    raw = {"Source": "s", "DetailType": "", "Detail": "[]"}
    assert check_entry(raw)[1] == (
        "InvalidArgument",
        "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
    )


def test_resources_count_towards_the_request_size() -> None:
    raw = {"Source": "s", "DetailType": "d", "Detail": "x" * 65_000, "Resources": ["r" * 1_000]}
    assert request_size_ok([raw], 262_144)
    assert not request_size_ok([{**raw, "Resources": ["r" * 198_000]}], 262_144)


def test_resources_are_copied_into_the_envelope() -> None:
    resources = ["arn:aws:s3:::b"]
    event = make_event(
        entry(Resources=resources), {}, event_id="e", account=ACCOUNT, region=REGION, now=0
    )
    assert event.payload["resources"] == resources
    assert event.payload["resources"] is not resources
    assert (
        make_event(entry(), {}, event_id="e", account=ACCOUNT, region=REGION, now=0).payload[
            "resources"
        ]
        == []
    )


def test_each_entry_goes_to_the_bus_it_names() -> None:
    backend, _, _ = make_backend()
    arn = f"arn:aws:events:{REGION}:444455556666:event-bus/other"
    entries = [entry(EventBusName="a"), entry(), entry(EventBusName=arn), entry(EventBusName="a")]
    routed: list[BusRef] = []
    backend.dispatcher.ingest = lambda event, bus, *_: routed.append(bus)  # type: ignore[method-assign]
    backend.put_events(ACCOUNT, REGION, entries)
    assert [(b.account, b.name) for b in routed] == [
        (ACCOUNT, "a"),
        (ACCOUNT, "default"),
        ("444455556666", "other"),
        (ACCOUNT, "a"),
    ]


def test_given_ingestion_text_is_used_only_without_entry_time() -> None:
    kwargs: dict[str, Any] = {"event_id": "e", "account": ACCOUNT, "region": REGION, "now": 0}
    event = make_event(entry(), {}, now_text="2000-01-01T00:00:00Z", **kwargs)
    assert event.payload["time"] == "2000-01-01T00:00:00Z"
    event = make_event(entry(Time=1_600_000_000), {}, now_text="ignored", **kwargs)
    assert event.payload["time"] == "2020-09-13T12:26:40Z"
