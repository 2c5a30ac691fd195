"""Connections, API destinations and the requests of HTTP targets, in the core (no I/O)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from emulator.core.clock import ManualClock
from emulator.core.errors import ResourceNotFound
from emulator.core.events.connections import (
    AUTHORIZED,
    DEAUTHORIZED,
    DEFAULT_RATE,
    ApiDestination,
    Connection,
    Connections,
    merge_auth,
)
from emulator.core.events.delivery import Delivery, Pending
from emulator.core.events.errors import (
    DeliveryFailure,
    EventsValidationError,
    ResourceAlreadyExists,
)
from emulator.core.events.http_targets import (
    answer_failure,
    destination_request,
    fill_path,
    function_name,
    lambda_request,
    parse_token,
    start_execution_request,
    token_request,
)
from emulator.core.ids import IdFactory
from emulator.targets.sinks import lambda_endpoints
from tests.unit.events_fakes import ACCOUNT, REGION, add_rule, entry, make_backend, queue_arn

API_KEY = {"ApiKeyAuthParameters": {"ApiKeyName": "x-key", "ApiKeyValue": "v"}}
OAUTH = {
    "OAuthParameters": {
        "ClientParameters": {"ClientID": "id", "ClientSecret": "secret"},
        "AuthorizationEndpoint": "https://auth.example/token",
        "HttpMethod": "POST",
        "OAuthHttpParameters": {
            "BodyParameters": [{"Key": "grant_type", "Value": "client_credentials"}],
            "QueryStringParameters": [{"Key": "aud", "Value": "api"}],
        },
    }
}


def store() -> tuple[Connections, ManualClock]:
    clock = ManualClock()
    return Connections(clock, IdFactory(3)), clock


def connection(auth_type: str = "API_KEY", auth: dict[str, Any] | None = None) -> Connection:
    connections, _ = store()
    return connections.create_connection(ACCOUNT, REGION, "c", auth_type, auth or API_KEY)


def destination(endpoint: str = "https://api.example/hook", method: str = "POST") -> ApiDestination:
    return ApiDestination("d", "arn:d", "arn:c", endpoint, method, 300, 0.0, 0.0)


# --------------------------------------------------------------------------- registry
def test_connection_arn_names_its_scope_name_and_a_uuid() -> None:
    made = connection()
    prefix = f"arn:aws:events:{REGION}:{ACCOUNT}:connection/c/"
    assert made.arn.startswith(prefix)
    assert len(made.arn.removeprefix(prefix)) == 36
    assert made.state == AUTHORIZED


def test_connection_names_are_unique_per_scope_only() -> None:
    connections, _ = store()
    connections.create_connection(ACCOUNT, REGION, "c", "API_KEY", API_KEY)
    connections.create_connection(ACCOUNT, "eu-west-1", "c", "API_KEY", API_KEY)
    with pytest.raises(ResourceAlreadyExists):
        connections.create_connection(ACCOUNT, REGION, "c", "API_KEY", API_KEY)


def test_authorization_type_needs_its_parameters() -> None:
    connections, _ = store()
    with pytest.raises(EventsValidationError):
        connections.create_connection(ACCOUNT, REGION, "c", "BASIC", API_KEY)


def test_update_merges_auth_fields_and_authorizes_again() -> None:
    connections, clock = store()
    connections.create_connection(ACCOUNT, REGION, "c", "API_KEY", API_KEY)
    connections.deauthorize(ACCOUNT, REGION, "c")
    clock.advance(5)
    update = {"ApiKeyAuthParameters": {"ApiKeyValue": "new"}}
    updated = connections.update_connection(ACCOUNT, REGION, "c", None, update)
    assert updated.auth["ApiKeyAuthParameters"] == {"ApiKeyName": "x-key", "ApiKeyValue": "new"}
    assert (updated.state, updated.authorized) == (AUTHORIZED, clock.now())


def test_update_to_another_auth_type_drops_the_old_credentials() -> None:
    connections, _ = store()
    connections.create_connection(ACCOUNT, REGION, "c", "API_KEY", API_KEY)
    basic = {"BasicAuthParameters": {"Username": "u", "Password": "p"}}
    updated = connections.update_connection(ACCOUNT, REGION, "c", "BASIC", basic)
    assert set(updated.auth) == {"BasicAuthParameters"}


def test_merge_auth_replaces_parameter_lists_whole() -> None:
    old = {"InvocationHttpParameters": {"HeaderParameters": [{"Key": "a", "Value": "1"}]}}
    new = {"InvocationHttpParameters": {"HeaderParameters": [{"Key": "b", "Value": "2"}]}}
    assert merge_auth(old, new) == new


def test_deauthorized_connections_are_listed_by_state() -> None:
    connections, _ = store()
    for name in ("a", "b"):
        connections.create_connection(ACCOUNT, REGION, name, "API_KEY", API_KEY)
    connections.deauthorize(ACCOUNT, REGION, "b")
    listed = connections.list_connections(ACCOUNT, REGION, state=DEAUTHORIZED)
    assert [c.name for c in listed] == ["b"]


def test_destination_needs_an_existing_connection_and_defaults_its_rate() -> None:
    connections, _ = store()
    made = connections.create_connection(ACCOUNT, REGION, "c", "API_KEY", API_KEY)
    settings = {"ConnectionArn": made.arn, "InvocationEndpoint": "https://x", "HttpMethod": "GET"}
    created = connections.create_destination(ACCOUNT, REGION, "d", settings)
    assert created.rate == DEFAULT_RATE
    assert connections.find_destination(created.arn) is created
    connections.delete_connection(ACCOUNT, REGION, "c")
    with pytest.raises(ResourceNotFound):
        connections.create_destination(ACCOUNT, REGION, "e", settings)


def test_find_destination_checks_the_whole_arn() -> None:
    connections, _ = store()
    made = connections.create_connection(ACCOUNT, REGION, "c", "API_KEY", API_KEY)
    settings = {"ConnectionArn": made.arn, "InvocationEndpoint": "https://x", "HttpMethod": "GET"}
    created = connections.create_destination(ACCOUNT, REGION, "d", settings)
    stale = created.arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    assert connections.find_destination(stale) is None


# --------------------------------------------------------------------------- requests
def test_path_wildcards_are_filled_in_order_and_escaped() -> None:
    assert fill_path("https://h/a/*/b/*", ["x", "y z"]) == "https://h/a/x/b/y%20z"
    assert fill_path("https://h/a/*", []) == "https://h/a/*"


def test_api_key_request_carries_key_parameters_and_body() -> None:
    auth = {
        **API_KEY,
        "InvocationHttpParameters": {
            "HeaderParameters": [{"Key": "h", "Value": "conn"}],
            "QueryStringParameters": [{"Key": "q", "Value": "conn"}],
        },
    }
    params = {"HeaderParameters": {"h": "target", "t": "1"}, "QueryStringParameters": {"p": "2"}}
    request = destination_request(destination(), connection(auth=auth), params, '{"a":1}')
    assert request.headers["x-key"] == "v"
    assert (request.headers["h"], request.headers["t"]) == ("conn", "1")
    assert request.query == [("p", "2"), ("q", "conn")]
    assert request.body == b'{"a":1}'


def test_get_requests_have_no_body() -> None:
    request = destination_request(destination(method="GET"), connection(), None, "{}")
    assert request.body is None


def test_connection_body_parameters_join_a_json_object_body() -> None:
    auth = {**API_KEY, "InvocationHttpParameters": {"BodyParameters": [{"Key": "k", "Value": "v"}]}}
    request = destination_request(destination(), connection(auth=auth), None, '{"a":1}')
    assert json.loads(request.body or b"") == {"k": "v", "a": 1}


def test_basic_and_bearer_authorization_headers() -> None:
    basic = connection("BASIC", {"BasicAuthParameters": {"Username": "u", "Password": "p"}})
    request = destination_request(destination(), basic, None, "{}")
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"u:p").decode()
    oauth = connection("OAUTH_CLIENT_CREDENTIALS", OAUTH)
    request = destination_request(destination(), oauth, None, "{}", token="t")
    assert request.headers["Authorization"] == "Bearer t"


def test_token_request_sends_client_credentials_and_oauth_parameters() -> None:
    request = token_request(connection("OAUTH_CLIENT_CREDENTIALS", OAUTH))
    assert (request.method, request.url) == ("POST", "https://auth.example/token")
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"id:secret").decode()
    assert request.body == b"grant_type=client_credentials"
    assert request.query == [("aud", "api")]


def test_token_answer_gives_value_and_expiry() -> None:
    token = parse_token(b'{"access_token": "abc", "expires_in": 60}', now=100.0)
    assert (token.value, token.expires_at) == ("abc", 160.0)
    with pytest.raises(DeliveryFailure):
        parse_token(b"{}", now=0.0)


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (429, "THROTTLING", True),
        (500, "SDK_CLIENT_ERROR", True),
        (503, "SDK_CLIENT_ERROR", True),
        (400, "SDK_CLIENT_ERROR", False),
        (403, "SDK_CLIENT_ERROR", False),
        (404, "NO_RESOURCE", False),
    ],
)
def test_endpoint_answers_map_to_failures(status: int, code: str, retryable: bool) -> None:
    failure = answer_failure(status, b"x")
    assert failure is not None
    assert (failure.code, failure.retryable) == (code, retryable)


def test_2xx_answers_are_success() -> None:
    assert answer_failure(202, b"") is None


def test_lambda_request_uses_the_invoke_api_asynchronously() -> None:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn:prod"
    request = lambda_request("http://127.0.0.1:3001/", arn, "{}", REGION)
    assert request.url == "http://127.0.0.1:3001/2015-03-31/functions/fn/invocations"
    assert request.headers["X-Amz-Invocation-Type"] == "Event"
    assert request.query == [("Qualifier", "prod")]
    assert function_name(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn") == ("fn", None)


def test_start_execution_request_carries_the_event_as_input() -> None:
    request = start_execution_request("http://sfn:8083", "arn:sm", '{"a":1}', REGION)
    assert request.headers["X-Amz-Target"] == "AWSStepFunctions.StartExecution"
    assert json.loads(request.body or b"") == {"stateMachineArn": "arn:sm", "input": '{"a":1}'}


# --------------------------------------------------------------------------- pending attempts
class LaterSink:
    """Defers every attempt; the test settles them."""

    def __init__(self) -> None:
        self.pending: list[Delivery] = []

    def deliver(self, delivery: Delivery) -> str | None:
        self.pending.append(delivery)
        raise Pending


API_DEST = f"arn:aws:events:{REGION}:{ACCOUNT}:api-destination/d/0000"


def test_pending_attempt_failure_is_retried_on_the_clock_then_dead_lettered() -> None:
    backend, sqs, clock = make_backend()
    sink = LaterSink()
    backend.dispatcher.sinks["api-destination"] = sink
    dlq = queue_arn("dlq")
    target = {
        "Id": "h",
        "Arn": API_DEST,
        "RetryPolicy": {"MaximumRetryAttempts": 1},
        "DeadLetterConfig": {"Arn": dlq},
    }
    add_rule(backend, "r", {"source": ["app.orders"]}, [target])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    failure = DeliveryFailure("SDK_CLIENT_ERROR", "500", retryable=True)
    backend.dispatcher.settle_failure(sink.pending.pop(), failure)
    assert sqs.sent == []
    clock.advance(10)
    backend.run_due()
    backend.dispatcher.settle_failure(sink.pending.pop(), failure)
    assert sqs.to(dlq)[0].attribute("EXHAUSTED_RETRY_CONDITION") == "MaximumRetryAttempts"


def test_pending_attempt_success_is_not_retried() -> None:
    backend, sqs, clock = make_backend()
    sink = LaterSink()
    backend.dispatcher.sinks["api-destination"] = sink
    add_rule(backend, "r", {"source": ["app.orders"]}, [{"Id": "h", "Arn": API_DEST}])
    backend.put_events(ACCOUNT, REGION, [entry()])
    backend.run_due()
    backend.dispatcher.settle_success(sink.pending.pop(), None)
    clock.advance(3600)
    backend.run_due()
    assert sink.pending == []
    assert sqs.sent == []


def test_lambda_endpoint_setting_maps_functions_and_a_default() -> None:
    setting = "http://127.0.0.1:3001, orders=http://127.0.0.1:3002/x"
    assert lambda_endpoints(setting) == {
        "": "http://127.0.0.1:3001",
        "orders": "http://127.0.0.1:3002/x",
    }
