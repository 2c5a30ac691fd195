"""Rules files that declare a connection, an API destination and a rule targeting it: a real
server started on them calls a real HTTP server on 127.0.0.1; a reload changes the connection;
``endpoints:`` in the files sets where CloudWatch Logs targets write."""

from __future__ import annotations

import json
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import make_events_client
from tests.e2e.target_servers import TargetServer, start_target_server
from tests.servers import RunningServer, start_server

EVENTS = "arn:aws:events:${AWS::Region}:${AWS::AccountId}"
LOGS = "arn:aws:logs:${AWS::Region}:${AWS::AccountId}"
DEADLINE_S = 15.0


def hooks(url: str, key: str = "k3y") -> str:
    return textwrap.dedent(f"""\
        connections:
          - Name: hooks
            AuthorizationType: API_KEY
            AuthParameters:
              ApiKeyAuthParameters: {{ApiKeyName: x-api-key, ApiKeyValue: {key}}}
        api_destinations:
          - Name: orders-hook
            ConnectionArn: hooks
            InvocationEndpoint: {url}/orders
            HttpMethod: POST
        rules:
          - Name: to-hook
            EventPattern: {{source: [shop]}}
            Targets:
              - Id: hook
                Arn: "{EVENTS}:api-destination/orders-hook"
                HttpParameters: {{HeaderParameters: {{x-shop: lyon}}}}
        """)


@pytest.fixture
def http_target() -> Iterator[TargetServer]:
    running = start_target_server()
    yield running
    running.stop()


@pytest.fixture
def started(tmp_path: Path, http_target: TargetServer) -> Iterator[tuple[RunningServer, Path]]:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "hooks.yaml").write_text(hooks(http_target.recorder.url))
    server = start_server(Settings(rules=(str(folder),), retry_base_seconds=0.02))
    try:
        yield server, folder
    finally:
        server.stop()


def put(url: str, detail: dict[str, Any]) -> None:
    entry = {"Source": "shop", "DetailType": "OrderCreated", "Detail": json.dumps(detail)}
    assert make_events_client(url).put_events(Entries=[entry])["FailedEntryCount"] == 0


def rules_state(url: str) -> dict[str, Any]:
    state: dict[str, Any] = httpx.get(f"{url}/_emulator/state").json()["rules"]
    return state


def test_rules_files_api_destination_delivers_to_the_http_server(
    started: tuple[RunningServer, Path], http_target: TargetServer
) -> None:
    server, _ = started
    put(server.url, {"id": "o-1"})
    [call] = http_target.recorder.wait_for("/orders")
    assert call.method == "POST"
    assert call.headers["x-api-key"] == "k3y"
    assert call.headers["x-shop"] == "lyon"
    assert call.json()["detail"] == {"id": "o-1"}
    state = rules_state(server.url)
    assert (state["connections"], state["api_destinations"]) == (["hooks"], ["orders-hook"])


def test_reloaded_connection_sends_the_new_key(
    started: tuple[RunningServer, Path], http_target: TargetServer
) -> None:
    server, folder = started
    (folder / "hooks.yaml").write_text(hooks(http_target.recorder.url, key="n3w"))
    deadline = time.monotonic() + DEADLINE_S
    while rules_state(server.url)["reloads"] < 1:
        assert time.monotonic() < deadline, "the rules files were never reloaded"
        time.sleep(0.05)
    put(server.url, {"id": "o-2"})
    [call] = http_target.recorder.wait_for("/orders")
    assert call.headers["x-api-key"] == "n3w"


def test_after_a_reset_the_files_destination_is_created_again_and_still_delivers(
    started: tuple[RunningServer, Path], http_target: TargetServer
) -> None:
    server, _ = started
    server.reset()
    put(server.url, {"id": "o-4"})
    [call] = http_target.recorder.wait_for("/orders")
    assert call.json()["detail"] == {"id": "o-4"}


def test_endpoints_in_the_files_set_the_logs_folder(tmp_path: Path) -> None:
    folder, logs = tmp_path / "rules", tmp_path / "logs"
    folder.mkdir()
    (folder / "logs.yaml").write_text(
        textwrap.dedent(f"""\
        endpoints:
          logs_dir: {logs}
        rules:
          - Name: to-logs
            EventPattern: {{source: [shop]}}
            Targets:
              - {{Id: log, Arn: "{LOGS}:log-group:orders"}}
        """)
    )
    server = start_server(Settings(rules=(str(folder),)))
    try:
        put(server.url, {"id": "o-3"})
        written = logs / "000000000000" / "us-east-1" / "orders.jsonl"
        deadline = time.monotonic() + DEADLINE_S
        while not written.exists() or not written.read_text():
            assert time.monotonic() < deadline, "the Logs target was never written"
            time.sleep(0.05)
        assert json.loads(written.read_text().splitlines()[0])["detail"] == {"id": "o-3"}
    finally:
        server.stop()
