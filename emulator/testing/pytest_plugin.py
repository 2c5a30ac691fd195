"""The pytest plugin (entry point ``pytest11``): an ``eventbus`` fixture for your own tests.

By default one emulator is started in-process for the session on a free loopback port; with
``--eventbus-url http://localhost:4566`` the tests use a running one (a container in CI) instead.
State, chaos and the ledger are reset before every test that uses the fixture::

    def test_consumer_charges_once(eventbus):
        with eventbus.chaos({"match": {"queue": "orders"}, "duplicate": {"probability": 1}}):
            ...
        assert len(eventbus.deliveries(event_id=event_id)) == 2
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from emulator.testing.client import EventBus


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--eventbus-url``: use a running emulator instead of starting one."""
    group = parser.getgroup("eventbus", "eventbus-emulator")
    group.addoption(
        "--eventbus-url",
        default=None,
        help="URL of a running eventbus-emulator; default: start one in-process",
    )


@pytest.fixture(scope="session")
def eventbus_session(request: pytest.FixtureRequest) -> Iterator[EventBus]:
    """One emulator for the whole session."""
    url = request.config.getoption("--eventbus-url")
    if url:
        bus = EventBus(url)
        yield bus
        bus.close()
        return
    from emulator.testing.server import start_server

    server = start_server()
    bus = EventBus(server.url)
    yield bus
    bus.close()
    server.stop()


@pytest.fixture
def eventbus(eventbus_session: EventBus) -> EventBus:
    """The session's emulator, reset (state, chaos, ledger) for this test."""
    eventbus_session.reset()
    return eventbus_session
