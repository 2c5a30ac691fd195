"""Lambda, Step Functions and CloudWatch Logs targets end to end: a real local HTTP server
speaks the Lambda Invoke API and Step Functions' StartExecution; log groups are files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from emulator.settings import Settings
from emulator.testing.server import EmulatorServer, free_port, start_server
from tests.e2e.events_helpers import clients, make_queue, put, receive
from tests.e2e.target_servers import Recorder, TargetServer, start_target_server

REGION, ACCOUNT = "us-east-1", "000000000000"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handle-order"
INVOKE_PATH = "/2015-03-31/functions/handle-order/invocations"
STATE_MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:orders"
LOG_GROUP = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/events/orders:*"


@pytest.fixture(scope="module")
def runtime() -> Iterator[TargetServer]:
    """The local 'Lambda' and 'Step Functions' endpoint."""
    running = start_target_server()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def logs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where log-group files go."""
    return tmp_path_factory.mktemp("logs")


@pytest.fixture(scope="module")
def server(runtime: TargetServer, logs_dir: Path) -> Iterator[EmulatorServer]:
    """An emulator pointed at the local runtime, with fast retries."""
    settings = Settings(
        lambda_endpoint=f"{runtime.recorder.url},mapped={runtime.recorder.url}/mapped",
        stepfunctions_endpoint=runtime.recorder.url,
        logs_dir=str(logs_dir),
        retry_base_seconds=0.02,
        target_timeout=0.5,
    )
    running = start_server(settings)
    yield running
    running.stop()


@pytest.fixture
def world(server: EmulatorServer, runtime: TargetServer) -> tuple[Any, Any, Recorder]:
    """(events, sqs, recorder), all fresh."""
    server.reset()
    runtime.recorder.clear()
    events, sqs = clients(server.url)
    return events, sqs, runtime.recorder


def route(events: Any, *targets: dict[str, Any]) -> None:
    """A rule for source ``app`` with these targets."""
    events.put_rule(Name="r", EventPattern=json.dumps({"source": ["app"]}))
    events.put_targets(Rule="r", Targets=list(targets))


# --------------------------------------------------------------------------- Lambda
def test_lambda_target_is_invoked_asynchronously_with_the_event(
    world: tuple[Any, Any, Recorder],
) -> None:
    events, _, recorder = world
    recorder.default = (202, b"")
    route(events, {"Id": "fn", "Arn": FUNCTION})
    event_id = put(events, {"order": 1})
    [call] = recorder.wait_for(INVOKE_PATH)
    assert call.method == "POST"
    assert call.headers["x-amz-invocation-type"] == "Event"
    assert call.json()["id"] == event_id
    assert call.json()["detail"] == {"order": 1}


def test_lambda_qualifier_of_the_arn_is_sent(world: tuple[Any, Any, Recorder]) -> None:
    events, _, recorder = world
    route(events, {"Id": "fn", "Arn": FUNCTION + ":live"})
    put(events)
    [call] = recorder.wait_for(INVOKE_PATH)
    assert call.query == {"Qualifier": "live"}


def test_function_mapped_to_its_own_endpoint_is_invoked_there(
    world: tuple[Any, Any, Recorder],
) -> None:
    events, _, recorder = world
    route(events, {"Id": "fn", "Arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:mapped"})
    put(events)
    assert recorder.wait_for("/mapped/2015-03-31/functions/mapped/invocations")


def test_failing_function_is_retried_then_dead_lettered(
    world: tuple[Any, Any, Recorder],
) -> None:
    events, sqs, recorder = world
    recorder.script(INVOKE_PATH, *[(500, b'{"Message": "boom"}')] * 3)
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    route(
        events,
        {
            "Id": "fn",
            "Arn": FUNCTION,
            "RetryPolicy": {"MaximumRetryAttempts": 1},
            "DeadLetterConfig": {"Arn": dlq_arn},
        },
    )
    put(events)
    [message] = receive(sqs, dlq_url)
    assert len(recorder.to(INVOKE_PATH)) == 2
    assert message["MessageAttributes"]["RETRY_ATTEMPTS"]["StringValue"] == "1"


def test_missing_function_is_not_retried(world: tuple[Any, Any, Recorder]) -> None:
    events, sqs, recorder = world
    recorder.script(INVOKE_PATH, (404, b'{"Type": "User", "Message": "Function not found"}'))
    dlq_url, dlq_arn = make_queue(sqs, "dlq")
    route(events, {"Id": "fn", "Arn": FUNCTION, "DeadLetterConfig": {"Arn": dlq_arn}})
    put(events)
    [message] = receive(sqs, dlq_url)
    assert message["MessageAttributes"]["ERROR_CODE"]["StringValue"] == "NO_RESOURCE"
    assert len(recorder.to(INVOKE_PATH)) == 1


def test_unreachable_lambda_endpoint_counts_as_a_failed_delivery() -> None:
    settings = Settings(lambda_endpoint=f"http://127.0.0.1:{free_port()}", retry_base_seconds=0.02)
    running = start_server(settings)
    try:
        events, sqs = clients(running.url)
        dlq_url, dlq_arn = make_queue(sqs, "dlq")
        target = {
            "Id": "fn",
            "Arn": FUNCTION,
            "RetryPolicy": {"MaximumRetryAttempts": 1},
            "DeadLetterConfig": {"Arn": dlq_arn},
        }
        route(events, target)
        put(events)
        [message] = receive(sqs, dlq_url)
        attributes = message["MessageAttributes"]
        assert attributes["EXHAUSTED_RETRY_CONDITION"]["StringValue"] == "MaximumRetryAttempts"
    finally:
        running.stop()


# --------------------------------------------------------------------------- Step Functions
def test_step_functions_target_starts_an_execution_with_the_event_as_input(
    world: tuple[Any, Any, Recorder],
) -> None:
    events, _, recorder = world
    answer = json.dumps({"executionArn": "arn:exec", "startDate": 1}).encode()
    recorder.script("/", (200, answer))
    route(events, {"Id": "sm", "Arn": STATE_MACHINE})
    event_id = put(events)
    [call] = recorder.wait_for("/")
    assert call.headers["x-amz-target"] == "AWSStepFunctions.StartExecution"
    assert call.headers["content-type"] == "application/x-amz-json-1.0"
    body = call.json()
    assert body["stateMachineArn"] == STATE_MACHINE
    assert json.loads(body["input"])["id"] == event_id


# --------------------------------------------------------------------------- Logs
def test_log_group_target_appends_each_event_as_a_json_line(
    world: tuple[Any, Any, Recorder], logs_dir: Path
) -> None:
    events, sqs, _ = world
    queue_url, queue_arn = make_queue(sqs, "q")
    route(events, {"Id": "logs", "Arn": LOG_GROUP}, {"Id": "q", "Arn": queue_arn})
    first, second = put(events), put(events)
    assert len(receive(sqs, queue_url, 2)) == 2
    path = logs_dir / ACCOUNT / REGION / "%2Faws%2Fevents%2Forders.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["id"] for line in lines][-2:] == [first, second]
