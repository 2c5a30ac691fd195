"""Wildcard operands: escapes and the complexity measure."""

from __future__ import annotations

import pytest

from emulator.core.patterns.wildcard import complexity, parse_wildcard


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("abc", ("abc",)),
        ("*", ("", "")),
        ("a*b*c", ("a", "b", "c")),
        ("a\\*b", ("a*b",)),
        ("a\\\\*", ("a\\", "")),
        ("\\**", ("*", "")),
    ],
)
def test_wildcard_splits_on_unescaped_stars(text: str, parts: tuple[str, ...]) -> None:
    assert parse_wildcard(text).parts == parts


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("**", "Consecutive wildcard characters at pos 1"),
        ("é**", "Consecutive wildcard characters at pos 3"),
        ("a\\b", "Invalid escape character at pos 2"),
        ("\\", "Invalid escape character at pos 1"),
    ],
)
def test_wildcard_refuses_double_stars_and_bad_escapes(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_wildcard(text)


def test_wildcard_without_star_costs_nothing() -> None:
    assert complexity([parse_wildcard("abc")], cap=100) == 0


def test_three_stack_wildcards_fit_and_four_do_not() -> None:
    def cost(n: int) -> int:
        return complexity([parse_wildcard(f"*:stack/S{k}/*") for k in range(n)], cap=100)

    assert cost(3) <= 10 < cost(4)


def test_complexity_is_capped() -> None:
    assert complexity([parse_wildcard("*a" * 40)], cap=7) == 7
