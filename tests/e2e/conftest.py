"""Fixtures shared by the EventBridge tests that run on a manual clock (schedules, archives)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emulator.core.clock import ManualClock
from tests.e2e.events_helpers import clients
from tests.servers import RunningServer, start_server

START = 1_767_225_600.0  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def manual() -> Iterator[RunningServer]:
    """A server whose clock moves only when a test advances it."""
    server = start_server(clock=ManualClock(START))
    yield server
    server.stop()


@pytest.fixture
def aws(manual: RunningServer) -> tuple[Any, Any]:
    """(events, sqs) clients of the manual-clock server, reset for this test."""
    manual.reset()
    return clients(manual.url)
