"""The skeleton: admin endpoints, protocol detection and AWS-shaped errors over real HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator import __version__
from tests.servers import RunningServer


def test_health_reports_ok_and_version(emulator: RunningServer) -> None:
    reply = httpx.get(f"{emulator.url}/_emulator/health")
    assert reply.status_code == 200
    assert reply.json() == {"status": "ok", "version": __version__}


def test_reset_clears_queues(emulator: RunningServer, sqs: Any) -> None:
    sqs.create_queue(QueueName="to-forget")
    assert httpx.post(f"{emulator.url}/_emulator/reset").status_code == 200
    assert "QueueUrls" not in sqs.list_queues()


def test_state_lists_queues(emulator: RunningServer, sqs: Any) -> None:
    sqs.create_queue(QueueName="visible")
    names = [
        q["name"] for q in httpx.get(f"{emulator.url}/_emulator/state").json()["sqs"]["queues"]
    ]
    assert names == ["visible"]


def test_unknown_json_target_is_unknown_operation(emulator: RunningServer) -> None:
    reply = httpx.post(
        emulator.url,
        content=b"{}",
        headers={
            "X-Amz-Target": "AmazonSQS.Frobnicate",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    assert reply.status_code == 400
    assert reply.json()["__type"] == "com.amazonaws.sqs#UnknownOperationException"


def test_malformed_json_body_is_a_400_not_a_500(emulator: RunningServer) -> None:
    reply = httpx.post(
        emulator.url,
        content=b"{not json",
        headers={
            "X-Amz-Target": "AmazonSQS.ListQueues",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    assert reply.status_code == 400
    assert reply.json()["__type"] == "com.amazonaws.sqs#SerializationException"
    assert reply.headers["x-amzn-query-error"] == "SerializationException;Sender"


def test_missing_required_member_is_missing_parameter(emulator: RunningServer) -> None:
    reply = httpx.post(
        emulator.url,
        content=b"{}",
        headers={
            "X-Amz-Target": "AmazonSQS.CreateQueue",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    assert reply.status_code == 400
    assert reply.json()["__type"] == "com.amazonaws.sqs#MissingParameter"
    assert "QueueName" in reply.json()["message"]


def test_wrong_member_type_is_invalid_parameter_value(emulator: RunningServer) -> None:
    reply = httpx.post(
        emulator.url,
        content=b'{"QueueName": 7}',
        headers={
            "X-Amz-Target": "AmazonSQS.CreateQueue",
            "Content-Type": "application/x-amz-json-1.0",
        },
    )
    assert reply.status_code == 400
    assert reply.json()["__type"] == "com.amazonaws.sqs#InvalidParameterValue"


def test_query_unknown_action_is_invalid_action_xml(emulator: RunningServer) -> None:
    reply = httpx.post(emulator.url, data={"Action": "Frobnicate", "Version": "2012-11-05"})
    assert reply.status_code == 400
    assert "<Code>InvalidAction</Code>" in reply.text
    assert "<Type>Sender</Type>" in reply.text


def test_query_get_on_root_lists_queues(emulator: RunningServer, sqs_json: Any) -> None:
    sqs_json.create_queue(QueueName="by-get")
    reply = httpx.get(emulator.url, params={"Action": "ListQueues", "Version": "2012-11-05"})
    assert reply.status_code == 200
    assert "/000000000000/by-get</QueueUrl>" in reply.text


def test_nonexistent_queue_raises_modelled_exception(sqs: Any) -> None:
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as caught:
        sqs.get_queue_url(QueueName="missing")
    assert caught.value.response["Error"]["Code"] in (
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
    )


def test_twelve_digit_access_key_selects_the_account(emulator: RunningServer) -> None:
    from tests.conftest import make_sqs_client

    other = make_sqs_client(
        emulator.url, "json", aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    url = other.create_queue(QueueName="mine")["QueueUrl"]
    assert url.endswith("/111122223333/mine")
    default = make_sqs_client(emulator.url, "json")
    with pytest.raises(ClientError):
        default.get_queue_url(QueueName="mine")


def test_region_comes_from_the_credential_scope(emulator: RunningServer) -> None:
    from tests.conftest import make_sqs_client

    west = make_sqs_client(emulator.url, "json", region_name="eu-west-1")
    west.create_queue(QueueName="regional")
    east = make_sqs_client(emulator.url, "json", region_name="us-east-1")
    assert "QueueUrls" not in east.list_queues()
    assert len(west.list_queues()["QueueUrls"]) == 1
