"""Differential tests: on generated patterns and events the compiled matcher, the reference
matcher and the rule index always agree, and parsing never fails but with InvalidPattern."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from emulator.core.patterns import (
    CompiledPattern,
    InvalidPattern,
    RuleIndex,
    compile_pattern,
    parse_pattern,
    reference_matches,
)
from emulator.core.patterns import index as index_module
from tests.patterns.strategies import JSON_VALUES, PATTERNS, events_near

DETERMINISTIC = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# Drawing several patterns per example is what costs; fewer examples keep the suite quick.
DETERMINISTIC_FEWER = settings(DETERMINISTIC, max_examples=60)


def parse_outcome(text: str) -> str:
    """``valid``, or the InvalidPattern message (any other exception escapes)."""
    try:
        parse_pattern(text)
    except InvalidPattern as exc:
        return f"{exc.message} ({exc.code})"
    return "valid"


def compiled_or_reject(pattern: dict[str, Any]) -> CompiledPattern:
    try:
        return compile_pattern(json.dumps(pattern))
    except InvalidPattern:
        assume(False)
        raise


@DETERMINISTIC
@given(pattern=PATTERNS, data=st.data())
def test_compiled_matcher_agrees_with_reference(
    pattern: dict[str, Any], data: st.DataObject
) -> None:
    compiled = compiled_or_reject(pattern)
    event = data.draw(events_near(pattern), label="event")
    assert compiled.matches(event) == reference_matches(compiled.pattern, event)


@DETERMINISTIC_FEWER
@given(patterns=st.lists(PATTERNS, min_size=1, max_size=5), data=st.data())
def test_rule_index_agrees_with_reference(
    patterns: list[dict[str, Any]], data: st.DataObject
) -> None:
    compiled = [compiled_or_reject(p) for p in patterns]
    index: RuleIndex[int] = RuleIndex()
    for n, c in enumerate(compiled):
        index.add(n, c)
    for pattern in patterns:
        event = data.draw(events_near(pattern), label="event")
        expected = [n for n, c in enumerate(compiled) if reference_matches(c.pattern, event)]
        assert index.match(event) == expected


@DETERMINISTIC_FEWER
@given(patterns=st.lists(PATTERNS, min_size=1, max_size=5), data=st.data())
def test_rule_index_reading_whole_events_agrees_with_reference(
    patterns: list[dict[str, Any]], data: st.DataObject
) -> None:
    compiled = [compiled_or_reject(p) for p in patterns]
    index: RuleIndex[int] = RuleIndex()
    for n, c in enumerate(compiled):
        index.add(n, c)
    saved, index_module.MANY_PATHS = index_module.MANY_PATHS, -1
    try:
        for pattern in patterns:
            event = data.draw(events_near(pattern), label="event")
            expected = [n for n, c in enumerate(compiled) if reference_matches(c.pattern, event)]
            assert index.match(event) == expected
    finally:
        index_module.MANY_PATHS = saved


@DETERMINISTIC_FEWER
@given(
    patterns=st.lists(PATTERNS, min_size=2, max_size=5),
    drop=st.sets(st.integers(0, 4)),
    data=st.data(),
)
def test_rule_index_after_removals_agrees_with_reference(
    patterns: list[dict[str, Any]], drop: set[int], data: st.DataObject
) -> None:
    compiled = [compiled_or_reject(p) for p in patterns]
    event = data.draw(st.sampled_from(patterns).flatmap(events_near), label="event")
    index: RuleIndex[int] = RuleIndex()
    for n, c in enumerate(compiled):
        index.add(n, c)
    for n in drop:
        index.remove(n)
    kept = [n for n in range(len(compiled)) if n not in drop]
    expected = [n for n in kept if reference_matches(compiled[n].pattern, event)]
    assert index.match(event) == expected


@DETERMINISTIC
@given(document=st.dictionaries(st.sampled_from(["a", "$or", "prefix"]), JSON_VALUES, max_size=3))
def test_parser_refuses_arbitrary_json_only_with_invalid_pattern(document: dict[str, Any]) -> None:
    outcome = parse_outcome(json.dumps(document))
    assert outcome == "valid" or outcome.endswith("(InvalidEventPatternException)")


@DETERMINISTIC
@given(text=st.text(max_size=40))
def test_parser_refuses_arbitrary_text_only_with_invalid_pattern(text: str) -> None:
    assert parse_outcome(text).startswith(("valid", "Event pattern is not valid. Reason: "))
