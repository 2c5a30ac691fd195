"""API destinations end to end: boto3 creates connections and destinations on the emulator, a
real HTTP server on 127.0.0.1 receives the calls (each auth type), 5xx answers are retried and
the last failure lands in the dead-letter queue."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from emulator.settings import Settings
from emulator.testing.server import EmulatorServer, start_server
from tests.e2e.events_helpers import clients, make_queue, put, receive
from tests.e2e.target_servers import Recorder, TargetServer, start_target_server

API_KEY_AUTH = {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y"}}


@pytest.fixture(scope="module")
def http_target() -> Iterator[TargetServer]:
    """The endpoint the API destinations call."""
    running = start_target_server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def fast_retry_server() -> Iterator[EmulatorServer]:
    """An emulator whose retries come after tens of milliseconds and whose HTTP calls time
    out after half a second, so no test waits long."""
    running = start_server(Settings(retry_base_seconds=0.02, target_timeout=0.5))
    yield running
    running.stop()


@pytest.fixture
def world(fast_retry_server: EmulatorServer, http_target: TargetServer) -> World:
    """A reset emulator, a cleared recorder, and clients."""
    fast_retry_server.reset()
    http_target.recorder.clear()
    events, sqs = clients(fast_retry_server.url)
    return World(events, sqs, http_target.recorder)


class World:
    """The clients and the recorder of one test."""

    def __init__(self, events: Any, sqs: Any, recorder: Recorder) -> None:
        self.events = events
        self.sqs = sqs
        self.recorder = recorder

    def destination(
        self, auth_type: str = "API_KEY", auth: dict[str, Any] | None = None, **dest: Any
    ) -> str:
        """A connection and an API destination over it; the destination's ARN."""
        name = dest.pop("name", "d")
        connection = self.events.create_connection(
            Name=f"c-{name}", AuthorizationType=auth_type, AuthParameters=auth or API_KEY_AUTH
        )["ConnectionArn"]
        settings = {"InvocationEndpoint": f"{self.recorder.url}/hook", "HttpMethod": "POST"}
        settings.update(dest)
        arn: str = self.events.create_api_destination(
            Name=name, ConnectionArn=connection, **settings
        )["ApiDestinationArn"]
        return arn

    def route(self, *targets: dict[str, Any]) -> None:
        """A rule for source ``app`` with these targets."""
        self.events.put_rule(Name="r", EventPattern=json.dumps({"source": ["app"]}))
        self.events.put_targets(Rule="r", Targets=list(targets))


# --------------------------------------------------------------------------- auth types
def test_api_key_connection_sends_the_key_header_and_the_event_as_body(world: World) -> None:
    arn = world.destination()
    world.route({"Id": "h", "Arn": arn})
    event_id = put(world.events, {"order": 7})
    [call] = world.recorder.wait_for("/hook")
    assert call.method == "POST"
    assert call.headers["x-api-key"] == "k3y"
    assert call.headers["content-type"] == "application/json; charset=utf-8"
    assert call.json()["id"] == event_id
    assert call.json()["detail"] == {"order": 7}


def test_basic_connection_sends_basic_authorization(world: World) -> None:
    auth = {"BasicAuthParameters": {"Username": "ann", "Password": "pw"}}
    world.route({"Id": "h", "Arn": world.destination("BASIC", auth)})
    put(world.events)
    [call] = world.recorder.wait_for("/hook")
    assert call.headers["authorization"] == "Basic " + base64.b64encode(b"ann:pw").decode()


def test_oauth_connection_fetches_a_token_once_and_sends_it_as_bearer(world: World) -> None:
    token_answer = json.dumps({"access_token": "tok-1", "expires_in": 3600}).encode()
    world.recorder.script("/token", (200, token_answer))
    auth = {
        "OAuthParameters": {
            "ClientParameters": {"ClientID": "cid", "ClientSecret": "csecret"},
            "AuthorizationEndpoint": f"{world.recorder.url}/token",
            "HttpMethod": "POST",
            "OAuthHttpParameters": {
                "BodyParameters": [{"Key": "grant_type", "Value": "client_credentials"}]
            },
        }
    }
    world.route({"Id": "h", "Arn": world.destination("OAUTH_CLIENT_CREDENTIALS", auth)})
    put(world.events)
    world.recorder.wait_for("/hook")
    put(world.events)
    calls = world.recorder.wait_for("/hook", 2)
    [token_call] = world.recorder.to("/token")
    assert token_call.method == "POST"
    assert (
        token_call.headers["authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()
    )
    assert token_call.body == b"grant_type=client_credentials"
    assert [c.headers["authorization"] for c in calls] == ["Bearer tok-1"] * 2


def test_oauth_token_refused_with_401_is_fetched_again_for_the_retry(world: World) -> None:
    first = json.dumps({"access_token": "old", "expires_in": 3600}).encode()
    second = json.dumps({"access_token": "new", "expires_in": 3600}).encode()
    world.recorder.script("/token", (200, first), (200, second))
    world.recorder.script("/hook", (401, b"expired"))
    auth = {
        "OAuthParameters": {
            "ClientParameters": {"ClientID": "cid", "ClientSecret": "csecret"},
            "AuthorizationEndpoint": f"{world.recorder.url}/token",
            "HttpMethod": "GET",
        }
    }
    world.route({"Id": "h", "Arn": world.destination("OAUTH_CLIENT_CREDENTIALS", auth)})
    put(world.events)
    calls = world.recorder.wait_for("/hook", 2)
    assert [c.headers["authorization"] for c in calls] == ["Bearer old", "Bearer new"]
    assert [c.method for c in world.recorder.to("/token")] == ["GET", "GET"]


# --------------------------------------------------------------------------- HTTP parameters
def test_http_parameters_fill_path_headers_and_query_with_connection_parameters(
    world: World,
) -> None:
    auth = {
        **API_KEY_AUTH,
        "InvocationHttpParameters": {
            "HeaderParameters": [{"Key": "x-from-connection", "Value": "c"}],
            "QueryStringParameters": [{"Key": "conn", "Value": "1"}],
        },
    }
    arn = world.destination(
        auth=auth, InvocationEndpoint=f"{world.recorder.url}/orders/*/items/*", HttpMethod="PUT"
    )
    params = {
        "PathParameterValues": ["o-1", "i 2"],
        "HeaderParameters": {"x-from-target": "t"},
        "QueryStringParameters": {"page": "3"},
    }
    world.route({"Id": "h", "Arn": arn, "HttpParameters": params})
    put(world.events)
    [call] = world.recorder.wait_for("/orders/o-1/items/i%202")
    assert call.method == "PUT"
    assert call.query == {"page": "3", "conn": "1"}
    assert (call.headers["x-from-target"], call.headers["x-from-connection"]) == ("t", "c")


def test_transformed_input_is_the_body(world: World) -> None:
    transformer = {"InputPathsMap": {"n": "$.detail.n"}, "InputTemplate": '{"count": <n>}'}
    world.route({"Id": "h", "Arn": world.destination(), "InputTransformer": transformer})
    put(world.events, {"n": 5})
    [call] = world.recorder.wait_for("/hook")
    assert call.json() == {"count": 5}


# --------------------------------------------------------------------------- failures
def test_5xx_answers_are_retried_until_the_endpoint_succeeds(world: World) -> None:
    world.recorder.script("/hook", (500, b"boom"), (503, b"busy"), (200, b"ok"))
    _, dlq_arn = make_queue(world.sqs, "dlq")
    dlq_url = world.sqs.get_queue_url(QueueName="dlq")["QueueUrl"]
    target = {"Id": "h", "Arn": world.destination(), "DeadLetterConfig": {"Arn": dlq_arn}}
    world.route(target)
    put(world.events)
    assert len(world.recorder.wait_for("/hook", 3)) == 3
    time.sleep(0.2)
    assert len(world.recorder.to("/hook")) == 3
    assert receive(world.sqs, dlq_url, timeout=0.5) == []


def test_last_5xx_after_the_retries_goes_to_the_dead_letter_queue(world: World) -> None:
    world.recorder.script("/hook", *[(500, b"boom")] * 5)
    dlq_url, dlq_arn = make_queue(world.sqs, "dlq")
    target = {
        "Id": "h",
        "Arn": world.destination(),
        "RetryPolicy": {"MaximumRetryAttempts": 2},
        "DeadLetterConfig": {"Arn": dlq_arn},
    }
    world.route(target)
    event_id = put(world.events)
    [message] = receive(world.sqs, dlq_url)
    attributes = {k: v["StringValue"] for k, v in message["MessageAttributes"].items()}
    assert len(world.recorder.to("/hook")) == 3
    assert json.loads(message["Body"])["id"] == event_id
    assert attributes["RETRY_ATTEMPTS"] == "2"
    assert attributes["EXHAUSTED_RETRY_CONDITION"] == "MaximumRetryAttempts"
    assert attributes["TARGET_ARN"] == target["Arn"]


def test_ledger_and_state_show_the_attempts_and_the_destination(
    world: World, fast_retry_server: EmulatorServer
) -> None:
    world.recorder.script("/hook", (502, b"bad gateway"))
    arn = world.destination()
    world.route({"Id": "h", "Arn": arn})
    event_id = put(world.events)
    world.recorder.wait_for("/hook", 2)
    ledger_url = f"{fast_retry_server.url}/_emulator/ledger"
    deadline = time.monotonic() + 5
    kinds: list[str] = []
    while "delivery.succeeded" not in kinds and time.monotonic() < deadline:
        records = httpx.get(ledger_url, params={"event_id": event_id}).json()["records"]
        kinds = [r["kind"] for r in records if r["kind"].startswith("delivery.")]
    assert kinds == [
        "delivery.attempt",
        "delivery.failed",
        "delivery.attempt",
        "delivery.succeeded",
    ]
    state = httpx.get(f"{fast_retry_server.url}/_emulator/state").json()["events"]
    assert [d["arn"] for d in state["api_destinations"]] == [arn]


def test_chaos_duplicate_calls_the_endpoint_twice_with_the_same_event(
    world: World, fast_retry_server: EmulatorServer
) -> None:
    chaos = {"seed": 1, "faults": [{"match": {"target": "h"}, "duplicate": {"probability": 1}}]}
    httpx.put(f"{fast_retry_server.url}/_emulator/chaos", json=chaos).raise_for_status()
    try:
        world.route({"Id": "h", "Arn": world.destination()})
        event_id = put(world.events)
        calls = world.recorder.wait_for("/hook", 2)
    finally:
        httpx.delete(f"{fast_retry_server.url}/_emulator/chaos").raise_for_status()
    assert [c.json()["id"] for c in calls] == [event_id, event_id]


def test_chaos_fail_is_retried_against_the_endpoint(
    world: World, fast_retry_server: EmulatorServer
) -> None:
    fault = {"match": {"target": "h"}, "fail": {"probability": 1}}
    httpx.put(
        f"{fast_retry_server.url}/_emulator/chaos", json={"seed": 1, "faults": [fault]}
    ).raise_for_status()
    try:
        dlq_url, dlq_arn = make_queue(world.sqs, "dlq")
        target = {
            "Id": "h",
            "Arn": world.destination(),
            "RetryPolicy": {"MaximumRetryAttempts": 1},
            "DeadLetterConfig": {"Arn": dlq_arn},
        }
        world.route(target)
        put(world.events)
        [message] = receive(world.sqs, dlq_url)
    finally:
        httpx.delete(f"{fast_retry_server.url}/_emulator/chaos").raise_for_status()
    assert message["MessageAttributes"]["RETRY_ATTEMPTS"]["StringValue"] == "1"
    assert world.recorder.to("/hook") == []


def test_429_is_retried_as_throttling(world: World) -> None:
    world.recorder.script("/hook", (429, b"slow down"))
    dlq_url, dlq_arn = make_queue(world.sqs, "dlq")
    target = {
        "Id": "h",
        "Arn": world.destination(),
        "RetryPolicy": {"MaximumRetryAttempts": 0},
        "DeadLetterConfig": {"Arn": dlq_arn},
    }
    world.route(target)
    put(world.events)
    [message] = receive(world.sqs, dlq_url)
    assert message["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "THROTTLING"


def test_other_4xx_is_not_retried_and_goes_to_the_dead_letter_queue(world: World) -> None:
    world.recorder.script("/hook", (400, b"bad"), (200, b"ok"))
    dlq_url, dlq_arn = make_queue(world.sqs, "dlq")
    world.route({"Id": "h", "Arn": world.destination(), "DeadLetterConfig": {"Arn": dlq_arn}})
    put(world.events)
    [message] = receive(world.sqs, dlq_url)
    attributes = message["MessageAttributes"]
    assert len(world.recorder.to("/hook")) == 1
    assert attributes["RETRY_ATTEMPTS"]["StringValue"] == "0"
    assert "EXHAUSTED_RETRY_CONDITION" not in attributes


def test_endpoint_slower_than_the_timeout_fails_the_attempt(world: World) -> None:
    world.recorder.script("/hook", (200, b"late", 1.0))
    dlq_url, dlq_arn = make_queue(world.sqs, "dlq")
    target = {
        "Id": "h",
        "Arn": world.destination(),
        "RetryPolicy": {"MaximumRetryAttempts": 0},
        "DeadLetterConfig": {"Arn": dlq_arn},
    }
    world.route(target)
    put(world.events)
    [message] = receive(world.sqs, dlq_url)
    assert "0.5 seconds" in message["MessageAttributes"]["ERROR_MESSAGE"]["StringValue"]


def test_slow_endpoint_does_not_hold_up_other_targets(world: World) -> None:
    world.recorder.script("/slow", (200, b"late", 0.4))
    slow = world.destination(name="slow", InvocationEndpoint=f"{world.recorder.url}/slow")
    fast = world.destination(name="fast", InvocationEndpoint=f"{world.recorder.url}/fast")
    world.route({"Id": "s", "Arn": slow}, {"Id": "f", "Arn": fast})
    put(world.events)
    [fast_call] = world.recorder.wait_for("/fast")
    [slow_call] = world.recorder.wait_for("/slow")
    assert fast_call.at < slow_call.at + 0.4  # arrived while the slow one was unanswered


def test_calls_per_endpoint_are_bounded_by_the_concurrency_setting(
    http_target: TargetServer,
) -> None:
    running = start_server(Settings(target_concurrency=1))
    recorder = http_target.recorder
    recorder.clear()
    try:
        events, sqs = clients(running.url)
        world = World(events, sqs, recorder)
        recorder.script("/slow", (200, b"late", 0.3))
        slow = world.destination(name="slow", InvocationEndpoint=f"{recorder.url}/slow")
        fast = world.destination(name="fast", InvocationEndpoint=f"{recorder.url}/fast")
        world.route({"Id": "s", "Arn": slow}, {"Id": "f", "Arn": fast})
        put(events)
        [fast_call] = recorder.wait_for("/fast")
        [slow_call] = recorder.to("/slow")
    finally:
        running.stop()
    assert fast_call.at >= slow_call.at + 0.3  # one call at a time to that host


def test_deauthorized_connection_fails_delivery_without_calling(world: World) -> None:
    dlq_url, dlq_arn = make_queue(world.sqs, "dlq")
    world.route({"Id": "h", "Arn": world.destination(), "DeadLetterConfig": {"Arn": dlq_arn}})
    world.events.deauthorize_connection(Name="c-d")
    put(world.events)
    assert receive(world.sqs, dlq_url)
    assert world.recorder.to("/hook") == []


def test_rate_limit_spaces_the_calls(world: World) -> None:
    arn = world.destination(InvocationRateLimitPerSecond=10)
    world.route({"Id": "h", "Arn": arn})
    world.events.put_events(
        Entries=[{"Source": "app", "DetailType": "T", "Detail": "{}"} for _ in range(3)]
    )
    calls = world.recorder.wait_for("/hook", 3)
    assert len(calls) == 3
    assert calls[2].at - calls[0].at >= 0.18  # 10 a second: 0.1 s apart


# --------------------------------------------------------------------------- the API
def test_describe_connection_hides_the_secrets(world: World) -> None:
    auth = {
        "BasicAuthParameters": {"Username": "ann", "Password": "pw"},
        "InvocationHttpParameters": {
            "HeaderParameters": [
                {"Key": "open", "Value": "1", "IsValueSecret": False},
                {"Key": "hidden", "Value": "2", "IsValueSecret": True},
            ]
        },
    }
    world.events.create_connection(Name="c", AuthorizationType="BASIC", AuthParameters=auth)
    described = world.events.describe_connection(Name="c")
    assert described["AuthParameters"]["BasicAuthParameters"] == {"Username": "ann"}
    headers = described["AuthParameters"]["InvocationHttpParameters"]["HeaderParameters"]
    assert headers == [
        {"Key": "open", "Value": "1", "IsValueSecret": False},
        {"Key": "hidden", "IsValueSecret": True},
    ]
    assert described["ConnectionState"] == "AUTHORIZED"
    assert described["SecretArn"].startswith("arn:aws:secretsmanager:us-east-1:")


def test_connection_states_follow_deauthorize_and_update(world: World) -> None:
    created = world.events.create_connection(
        Name="c", AuthorizationType="API_KEY", AuthParameters=API_KEY_AUTH
    )
    assert created["ConnectionState"] == "AUTHORIZED"
    assert world.events.deauthorize_connection(Name="c")["ConnectionState"] == "DEAUTHORIZED"
    listed = world.events.list_connections(ConnectionState="DEAUTHORIZED")["Connections"]
    assert [c["Name"] for c in listed] == ["c"]
    update = {"ApiKeyAuthParameters": {"ApiKeyValue": "new"}}
    assert (
        world.events.update_connection(Name="c", AuthParameters=update)["ConnectionState"]
        == "AUTHORIZED"
    )
    assert world.events.delete_connection(Name="c")["ConnectionState"] == "DELETING"
    assert world.events.list_connections()["Connections"] == []


def test_unknown_connection_and_destination_are_resource_not_found(world: World) -> None:
    with pytest.raises(ClientError) as caught:
        world.events.describe_connection(Name="nope")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        world.events.describe_api_destination(Name="nope")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_duplicate_names_are_resource_already_exists(world: World) -> None:
    world.destination()
    with pytest.raises(ClientError) as caught:
        world.events.create_connection(
            Name="c-d", AuthorizationType="API_KEY", AuthParameters=API_KEY_AUTH
        )
    assert caught.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    connection = world.events.describe_connection(Name="c-d")["ConnectionArn"]
    with pytest.raises(ClientError) as caught:
        world.events.create_api_destination(
            Name="d", ConnectionArn=connection, InvocationEndpoint="https://x", HttpMethod="GET"
        )
    assert caught.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"


def test_api_destination_on_a_missing_connection_is_refused(world: World) -> None:
    missing = "arn:aws:events:us-east-1:000000000000:connection/none/0000-1111"
    with pytest.raises(ClientError) as caught:
        world.events.create_api_destination(
            Name="d", ConnectionArn=missing, InvocationEndpoint="https://x", HttpMethod="GET"
        )
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_auth_type_without_its_parameters_is_a_validation_error(world: World) -> None:
    with pytest.raises(ClientError) as caught:
        world.events.create_connection(
            Name="c", AuthorizationType="BASIC", AuthParameters=API_KEY_AUTH
        )
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_api_destinations_describe_update_list_and_delete(world: World) -> None:
    arn = world.destination(Description="first")
    world.events.update_api_destination(
        Name="d", HttpMethod="PATCH", InvocationRateLimitPerSecond=7
    )
    described = world.events.describe_api_destination(Name="d")
    assert (described["ApiDestinationArn"], described["ApiDestinationState"]) == (arn, "ACTIVE")
    assert (described["HttpMethod"], described["InvocationRateLimitPerSecond"]) == ("PATCH", 7)
    assert described["Description"] == "first"
    connection = described["ConnectionArn"]
    listed = world.events.list_api_destinations(ConnectionArn=connection)["ApiDestinations"]
    assert [d["Name"] for d in listed] == ["d"]
    assert world.events.list_api_destinations(NamePrefix="x")["ApiDestinations"] == []
    world.events.delete_api_destination(Name="d")
    assert world.events.list_api_destinations()["ApiDestinations"] == []


def test_list_connections_pages(world: World) -> None:
    for name in ("a", "b", "c"):
        world.events.create_connection(
            Name=name, AuthorizationType="API_KEY", AuthParameters=API_KEY_AUTH
        )
    first = world.events.list_connections(Limit=2)
    second = world.events.list_connections(Limit=2, NextToken=first["NextToken"])
    names = [c["Name"] for c in first["Connections"] + second["Connections"]]
    assert names == ["a", "b", "c"]
    assert "NextToken" not in second
