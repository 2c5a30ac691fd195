"""The shipped pytest plugin's ``eventbus`` fixture, used as a user would use it."""

from __future__ import annotations

import pytest

from emulator.testing import EventBus

pytest_plugins = ["pytester"]


def test_fixture_hands_out_clients_against_a_fresh_emulator(eventbus: EventBus) -> None:
    sqs = eventbus.sqs
    sqs.create_queue(QueueName="plugin-queue")
    assert sqs.list_queues()["QueueUrls"][0].endswith("/plugin-queue")


def test_fixture_resets_state_between_tests(eventbus: EventBus) -> None:
    assert "QueueUrls" not in eventbus.sqs.list_queues()


def test_chaos_applies_inside_the_block_only(eventbus: EventBus) -> None:
    fault = {"match": {"operation": "sqs:ListQueues"}, "error": {"code": "ServiceUnavailable"}}
    sqs = eventbus.client("sqs", config=_no_retries())
    with eventbus.chaos(fault, seed=1), pytest.raises(sqs.exceptions.ClientError):
        sqs.list_queues()
    sqs.list_queues()
    assert eventbus.summary() == {"api.error": 1}
    assert eventbus.ledger(kind="api.error")[0]["detail"]["operation"] == "sqs:ListQueues"


def test_invalid_chaos_raises_value_error_naming_the_field(eventbus: EventBus) -> None:
    with pytest.raises(ValueError, match=r"faults\[0\]\.drop\.probability"):
        eventbus.set_chaos({"drop": {"probability": 7}})


def test_plugin_is_registered_by_entry_point(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_uses_fixture(eventbus):
            assert eventbus.sqs.list_queues() is not None
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_eventbus_url_option_uses_a_running_emulator(
    pytester: pytest.Pytester, eventbus: EventBus
) -> None:
    eventbus.sqs.create_queue(QueueName="outside")
    pytester.makepyfile(
        """
        def test_sees_outside_queue(eventbus_session):
            urls = eventbus_session.sqs.list_queues()["QueueUrls"]
            assert urls[0].endswith("/outside")
        """
    )
    result = pytester.runpytest_subprocess("--eventbus-url", eventbus.url)
    result.assert_outcomes(passed=1)


def _no_retries() -> object:
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1, "mode": "standard"})
