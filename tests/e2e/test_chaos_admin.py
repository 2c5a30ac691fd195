"""The chaos admin API and API-level faults, over real HTTP with boto3."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.servers import RunningServer


def _put(emulator: RunningServer, document: Any) -> httpx.Response:
    return httpx.put(f"{emulator.url}/_emulator/chaos", json=document)


def test_put_get_delete_chaos_round_trip(emulator: RunningServer) -> None:
    document = {"seed": 9, "faults": [{"name": "f", "match": {"queue": "q"}, "drop": {}}]}
    assert _put(emulator, document).status_code == 200
    current = httpx.get(f"{emulator.url}/_emulator/chaos").json()
    assert current["seed"] == 9
    assert current["faults"] == [
        {"name": "f", "match": {"queue": "q"}, "drop": {"probability": 1.0}}
    ]
    assert httpx.delete(f"{emulator.url}/_emulator/chaos").status_code == 200
    assert httpx.get(f"{emulator.url}/_emulator/chaos").json()["faults"] == []


def test_invalid_chaos_is_refused_whole_naming_the_field(emulator: RunningServer) -> None:
    _put(emulator, {"faults": [{"drop": {}}]})
    reply = _put(emulator, {"faults": [{"drop": {}}, {"delay": {"ms": [9, 1]}}]})
    assert reply.status_code == 400
    assert reply.json()["field"] == "chaos.faults[1].delay.ms"
    faults = httpx.get(f"{emulator.url}/_emulator/chaos").json()["faults"]
    assert faults == [{"drop": {"probability": 1.0}}]


def test_non_json_chaos_body_is_a_400(emulator: RunningServer) -> None:
    reply = httpx.put(f"{emulator.url}/_emulator/chaos", content=b"{nope")
    assert reply.status_code == 400


def test_error_fault_rejects_call_with_the_configured_code(
    emulator: RunningServer, sqs: Any
) -> None:
    _put(
        emulator,
        {
            "faults": [
                {
                    "match": {"operation": "sqs:CreateQueue"},
                    "error": {"code": "ServiceUnavailable", "times": 1},
                }
            ]
        },
    )
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="never")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert "QueueUrls" not in sqs.list_queues()
    records = httpx.get(f"{emulator.url}/_emulator/ledger", params={"kind": "api.error"}).json()
    assert len(records["records"]) == 1
    assert records["records"][0]["detail"]["operation"] == "sqs:CreateQueue"


def test_lost_ack_applies_the_call_then_answers_500(emulator: RunningServer, sqs: Any) -> None:
    _put(
        emulator,
        {"faults": [{"match": {"operation": "sqs:CreateQueue"}, "lost_ack": {"times": 1}}]},
    )
    with pytest.raises(ClientError) as caught:
        sqs.create_queue(QueueName="applied")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert sqs.list_queues()["QueueUrls"][0].endswith("/applied")
    summary = httpx.get(f"{emulator.url}/_emulator/ledger/summary").json()
    assert summary["counts"] == {"api.lost_ack": 1}


def test_reset_clears_chaos_and_ledger(emulator: RunningServer, sqs: Any) -> None:
    _put(emulator, {"faults": [{"match": {"operation": "sqs:ListQueues"}, "error": {}}]})
    with pytest.raises(ClientError):
        sqs.list_queues()
    emulator.reset()
    assert httpx.get(f"{emulator.url}/_emulator/ledger/summary").json()["counts"] == {}
    assert sqs.list_queues() is not None
