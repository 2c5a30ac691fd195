"""Parsing: the typed tree, the error's shape, and the limits."""

from __future__ import annotations

import json

import pytest

from emulator.core.errors import DomainError
from emulator.core.patterns import InvalidPattern, PatternLimits, parse_pattern
from emulator.core.patterns.model import (
    AnythingBut,
    Cidr,
    Exact,
    Exists,
    Field,
    Numeric,
    OrGroup,
    Prefix,
    Suffix,
    Wildcard,
    expand,
)


def reason_of(text: str, limits: PatternLimits | None = None) -> InvalidPattern:
    with pytest.raises(InvalidPattern) as caught:
        parse_pattern(text, limits) if limits else parse_pattern(text)
    return caught.value


def test_nested_objects_become_dotted_paths_in_document_order() -> None:
    pattern = parse_pattern('{"source": ["a"], "detail": {"x": {"y": [1]}, "z": [true]}}')
    assert pattern.members == (
        Field("source", (Exact("a"),)),
        Field("detail.x.y", (Exact(1),)),
        Field("detail.z", (Exact(True),)),
    )


def test_operators_parse_into_typed_matchers() -> None:
    text = json.dumps(
        {
            "a": [
                {"prefix": {"equals-ignore-case": "Ab"}},
                {"suffix": "z"},
                {"numeric": [">", 0, "<=", 5]},
                {"anything-but": {"prefix": "x"}},
                {"exists": False},
                {"cidr": "10.0.0.0/24"},
                {"wildcard": "a\\*b*"},
            ]
        }
    )
    (field,) = parse_pattern(text).members
    assert isinstance(field, Field)
    assert field.matchers == (
        Prefix("Ab", ignore_case=True),
        Suffix("z"),
        Numeric(0.0, False, 5.0, True),
        AnythingBut("prefix", ("x",)),
        Exists(False),
        Cidr("10.0.0.0/24", 4, 0x0A000000, 0x0A0000FF),
        Wildcard("a\\*b*", ("a*b", "")),
    )


def test_or_group_keeps_its_branches_under_the_enclosing_path() -> None:
    pattern = parse_pattern('{"detail": {"$or": [{"a": ["1"]}, {"b": ["2"]}]}}')
    assert pattern.members == (
        OrGroup(((Field("detail.a", (Exact("1"),)),), (Field("detail.b", (Exact("2"),)),))),
    )


def test_expand_forks_earlier_fields_into_every_branch() -> None:
    pattern = parse_pattern('{"s": ["x"], "$or": [{"a": ["1"]}, {"b": ["2"]}], "t": ["y"]}')
    assert [sorted(rule) for rule in expand(pattern)] == [["a", "s", "t"], ["b", "s", "t"]]


def test_invalid_pattern_is_a_domain_error_with_the_aws_code() -> None:
    error = reason_of('{"a": [{"bogus": 1}]}')
    assert isinstance(error, DomainError)
    assert error.code == "InvalidEventPatternException"
    assert error.reason == "Unrecognized match type bogus"
    assert error.path == "a[0].bogus"
    assert error.message == (
        "Event pattern is not valid. Reason: Unrecognized match type bogus at a[0].bogus"
    )


def test_error_path_locates_the_fault_inside_or_branches() -> None:
    error = reason_of('{"d": {"$or": [{"a": ["1"]}, {"b": [{"numeric": [">", "x"]}]}]}}')
    assert error.path == "d.$or[1].b[0].numeric"
    assert error.reason == "Value of > must be numeric"


def test_first_fault_in_document_order_is_reported() -> None:
    error = reason_of('{"a": [{"prefix": 1}], "b": "scalar"}')
    assert error.reason == "prefix match pattern must be a string"


def test_pattern_of_exactly_4096_characters_is_accepted() -> None:
    head = '{"a": ["'
    text = head + "x" * (4096 - len(head) - 3) + '"]}'
    assert len(text) == 4096
    parse_pattern(text)


def test_pattern_of_4097_characters_is_refused() -> None:
    head = '{"a": ["'
    text = head + "x" * (4097 - len(head) - 3) + '"]}'
    assert reason_of(text).reason == "Member must have length less than or equal to 4096"


def test_limits_are_values_the_caller_can_relax() -> None:
    deep = '{"a":' * 70 + "[1]" + "}" * 70
    assert "nested deeper" in reason_of(deep).reason
    parse_pattern(deep, PatternLimits(max_depth=100))


def test_or_combinations_are_bounded() -> None:
    members = {f"k{i}": {"$or": [{"a": ["1"]}, {"b": ["2"]}]} for i in range(4)}
    text = json.dumps(members)
    parse_pattern(text)
    assert "$or combinations" in reason_of(text, PatternLimits(max_branches=8)).reason


def test_pattern_must_be_text() -> None:
    assert reason_of(b"{}").reason == "Event pattern must be a JSON string"  # type: ignore[arg-type]


def test_duplicate_operand_types_in_value_lists_are_allowed() -> None:
    (field,) = parse_pattern('{"a": ["x", 1, null, true, {"prefix": "y"}]}').members
    assert isinstance(field, Field)
    assert len(field.matchers) == 5


def test_invalid_pattern_is_built_from_path_then_reason() -> None:
    error = InvalidPattern("detail.x", "Empty arrays are not allowed")
    assert (error.path, error.reason) == ("detail.x", "Empty arrays are not allowed")


def test_fault_in_the_whole_pattern_has_an_empty_path() -> None:
    error = reason_of("[1]")
    assert error.path == ""
    assert error.message == "Event pattern is not valid. Reason: Filter is not an object"
