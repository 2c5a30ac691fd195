"""Shared fixtures: one real emulator server per session, reset before every test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

from tests.servers import RunningServer, start_server

REPO = Path(__file__).resolve().parents[1]
QUERY_MODEL_ENV = "EVENTBUS_QUERY_MODEL_DIR"

os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")


@pytest.fixture(scope="session")
def server() -> Iterator[RunningServer]:
    """The emulator, served over real HTTP by uvicorn for the whole session."""
    running = start_server()
    yield running
    running.stop()


@pytest.fixture
def emulator(server: RunningServer) -> RunningServer:
    """The session's emulator with all state cleared."""
    server.reset()
    return server


def query_model_dir() -> Path | None:
    """A botocore data folder holding SQS's query-protocol model (botocore 1.31.80's).

    ``.ci/run`` installs botocore 1.31.80 in ``.venv-query``; ``EVENTBUS_QUERY_MODEL_DIR`` may name
    another folder.
    """
    configured = os.environ.get(QUERY_MODEL_ENV)
    candidates = [Path(configured)] if configured else []
    candidates += sorted(REPO.glob(".venv-query/lib/python*/site-packages/botocore/data"))
    for folder in candidates:
        if (folder / "sqs" / "2012-11-05" / "service-2.json").exists():
            return folder
    return None


def client_config() -> Config:
    """No retries: a test sees each answer as the server gave it."""
    return Config(
        retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30
    )


def make_sqs_client(url: str, protocol: str, **kwargs: Any) -> Any:
    """A boto3 SQS client speaking ``json`` (current botocore) or ``query`` (the 2012 model)."""
    if protocol == "json":
        return boto3.client("sqs", endpoint_url=url, config=client_config(), **kwargs)
    folder = query_model_dir()
    if folder is None:
        pytest.skip("SQS query model not found: run .ci/run or set EVENTBUS_QUERY_MODEL_DIR")
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(folder))
    return boto3.Session(botocore_session=session).client(
        "sqs", endpoint_url=url, config=client_config(), **kwargs
    )


@pytest.fixture(params=["json", "query"])
def sqs(request: pytest.FixtureRequest, emulator: RunningServer) -> Any:
    """An SQS client over each protocol in turn, against a freshly reset emulator."""
    return make_sqs_client(emulator.url, request.param)


@pytest.fixture
def sqs_json(emulator: RunningServer) -> Any:
    """An SQS client speaking AWS JSON 1.0 only."""
    return make_sqs_client(emulator.url, "json")


def make_events_client(url: str, **kwargs: Any) -> Any:
    """A boto3 EventBridge client (AWS JSON 1.1), no retries."""
    return boto3.client("events", endpoint_url=url, config=client_config(), **kwargs)


@pytest.fixture
def events(emulator: RunningServer) -> Any:
    """An EventBridge client against a freshly reset emulator."""
    return make_events_client(emulator.url)
