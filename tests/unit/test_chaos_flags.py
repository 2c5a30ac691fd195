"""Quick global faults from flags and environment variables."""

from __future__ import annotations

import pytest

from emulator.chaosflags import startup_chaos
from emulator.cli import main
from emulator.core.chaos import InvalidChaosConfig
from emulator.settings import Settings


def test_duplicate_rate_and_delay_flags_become_global_faults() -> None:
    config = startup_chaos(Settings(duplicate_rate=0.1, delay_ms="0-2000", seed=7))
    assert config.seed == 7
    assert [(f.kind, f.probability, dict(f.match)) for f in config.faults] == [
        ("duplicate", 0.1, {}),
        ("delay", 1.0, {}),
    ]
    assert config.faults[1].params["ms"] == [0, 2000]


def test_single_delay_value_is_a_fixed_delay() -> None:
    assert startup_chaos(Settings(delay_ms="250")).faults[0].params["ms"] == [250, 250]


def test_flag_faults_add_to_the_rules_file_chaos() -> None:
    document = {"seed": 3, "faults": [{"match": {"queue": "q"}, "drop": {}}]}
    config = startup_chaos(Settings(duplicate_rate=1.0, seed=9), document)
    assert config.seed == 3
    assert [f.kind for f in config.faults] == ["drop", "duplicate"]


@pytest.mark.parametrize("value", ["x", "5-1", "-3"])
def test_bad_delay_flag_is_refused(value: str) -> None:
    with pytest.raises(InvalidChaosConfig):
        startup_chaos(Settings(delay_ms=value))


def test_environment_variables_set_chaos_flags() -> None:
    settings = Settings.from_env({"EVENTBUS_DUPLICATE_RATE": "0.5", "EVENTBUS_DELAY_MS": "1-2"})
    assert settings.duplicate_rate == 0.5
    assert settings.delay_ms == "1-2"


def test_serve_refuses_invalid_chaos_flags_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--duplicate-rate", "2", "--port", "1"]) == 2
    assert "duplicate.probability" in capsys.readouterr().err
