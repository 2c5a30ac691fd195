"""The public API: compile once, match many; the matchbench engine protocol; the CLI command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import emulator.core.patterns as patterns
from emulator.core.patterns import Engine, InvalidPattern, RuleIndex, compile_pattern
from emulator.core.patterns.cli import test_pattern_command as run_test_pattern

MATCHBENCH = Path(__file__).parents[2].parent / "shared" / "bench" / "matchbench.py"


def test_compiled_pattern_matches_many_events() -> None:
    compiled = compile_pattern('{"source": ["a"]}')
    assert compiled.matches({"source": "a"})
    assert not compiled.matches({"source": "b"})


def test_compile_pattern_raises_invalid_pattern() -> None:
    with pytest.raises(InvalidPattern, match="Empty arrays are not allowed"):
        compile_pattern('{"source": []}')


def test_engine_compiles_once_and_matches() -> None:
    compiled = Engine.compile('{"a": [{"numeric": [">", 1]}]}')
    assert Engine.match(compiled, {"a": 2})
    assert not Engine().match(compiled, {"a": 1})


def test_core_does_not_import_web_or_wire_code() -> None:
    source = "\n".join(p.read_text() for p in Path(patterns.__file__).parent.glob("*.py"))
    for banned in ("fastapi", "pydantic", "emulator.api", "emulator.protocol", "starlette"):
        assert banned not in source


@pytest.mark.skipif(not MATCHBENCH.exists(), reason=f"matchbench not found at {MATCHBENCH}")
@pytest.mark.parametrize("attr", ["Engine", "RuleIndex"])
def test_matchbench_loads_our_engines_and_they_pass_its_conformance_table(attr: str) -> None:
    sys.path.insert(0, str(MATCHBENCH.parent))
    try:
        import matchbench  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(MATCHBENCH.parent))
    result = matchbench.run_worker(f"emulator.core.patterns:{attr}", [10], 0.05, 20, 1)
    assert result["indexed"] is (attr == "RuleIndex")
    assert all(c["ok"] for c in result["conformance"].values()), result["conformance"]
    assert result["sizes"][0]["wrong"] == 0


def test_cli_prints_match_and_returns_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_test_pattern('{"a": ["1"]}', '{"a": "1"}') == 0
    assert capsys.readouterr().out == "match\n"


def test_cli_prints_no_match_and_returns_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_test_pattern('{"a": ["1"]}', '{"a": "2"}') == 1
    assert capsys.readouterr().out == "no match\n"


def test_cli_prints_the_validation_error_and_returns_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_test_pattern('{"a": "1"}', '{"a": "1"}') == 2
    out = capsys.readouterr().out
    assert out.startswith('Event pattern is not valid. Reason: "a" must be an object or an array')


def test_cli_reads_json_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pattern, event = tmp_path / "pattern.json", tmp_path / "event.json"
    pattern.write_text(json.dumps({"detail": {"n": [{"numeric": ["<", 5]}]}}))
    event.write_text(json.dumps({"detail": {"n": 4}}))
    assert run_test_pattern(str(pattern), str(event)) == 0
    assert capsys.readouterr().out == "match\n"


def test_cli_refuses_an_event_that_is_not_an_object(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_test_pattern('{"a": ["1"]}', "[1]") == 2
    assert "an event is a JSON object" in capsys.readouterr().out


def test_cli_reports_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_test_pattern(str(tmp_path / "nope.json"), '{"a": 1}') == 2
    assert "cannot read" in capsys.readouterr().out


def test_index_of_no_rules_matches_nothing() -> None:
    assert RuleIndex.build([]).match({"a": 1}) == []
