"""The slow matcher: written to be obviously right, not fast. The fast one must agree with it.

Semantics (event-ruler ``Ruler.matchesRule`` / ``rulesForJSONEvent``):

1. The event is flattened into leaves ``(path, value, membership)``: ``path`` joins the keys
   with dots (so ``{"a": {"b": 1}}`` and ``{"a.b": 1}`` both give ``a.b``), arrays are crushed
   out (each element sits at the array's own path) and ``membership`` records, for every array
   passed through, which element the leaf came from. ``[]`` and ``{}`` give no leaf.
2. The pattern is expanded into sub-rules (:func:`~emulator.core.patterns.model.expand`); the
   event matches when any sub-rule does.
3. A sub-rule matches when its paths, taken in sorted order, can each be satisfied by one leaf,
   all chosen leaves being *array-consistent* (no two come from different elements of the same
   array). A path with ``exists: false`` is also satisfied when no leaf at that path is
   consistent with the leaves chosen for the paths sorted before it (event-ruler checks
   absence at that point of its walk, so the order is part of AWS's behaviour).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from emulator.core.patterns.ip import parse_ip
from emulator.core.patterns.model import (
    AnythingBut,
    Cidr,
    EqualsIgnoreCase,
    Exact,
    Exists,
    Matcher,
    Numeric,
    Pattern,
    Prefix,
    SubRule,
    Suffix,
    Wildcard,
    expand,
)
from emulator.core.patterns.wildcard import STAR, tokens


@dataclass(frozen=True)
class Leaf:
    """One leaf value of an event, with the array elements it sits in (array number -> index)."""

    path: str
    value: Any
    membership: dict[int, int]


def flatten(event: Any) -> list[Leaf]:
    """Every leaf of the event, in document order."""
    leaves: list[Leaf] = []
    counter = [0]
    for key, value in event.items():
        _flatten(value, key, {}, leaves, counter)
    return leaves


def _flatten(
    value: Any, path: str, membership: dict[int, int], out: list[Leaf], counter: list[int]
) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _flatten(child, f"{path}.{key}", membership, out, counter)
    elif isinstance(value, list):
        counter[0] += 1
        array = counter[0]
        for index, element in enumerate(value):
            _flatten(element, path, {**membership, array: index}, out, counter)
    else:
        out.append(Leaf(path, value, membership))


def reference_matches(pattern: Pattern, event: dict[str, Any]) -> bool:
    """Whether ``event`` matches ``pattern``, by brute force over the flattened event."""
    leaves = flatten(event)
    return any(_sub_rule_matches(rule, leaves) for rule in expand(pattern))


def _sub_rule_matches(rule: SubRule, leaves: list[Leaf]) -> bool:
    paths = sorted(rule)
    return _search(paths, 0, rule, leaves, {})


def _search(
    paths: list[str], i: int, rule: SubRule, leaves: list[Leaf], chosen: dict[int, int]
) -> bool:
    if i == len(paths):
        return True
    path = paths[i]
    here = [leaf for leaf in leaves if leaf.path == path and _consistent(chosen, leaf.membership)]
    for leaf in here:
        accepted = any(value_matches(m, leaf.value) for m in rule[path])
        if accepted and _search(paths, i + 1, rule, leaves, {**chosen, **leaf.membership}):
            return True
    absent_ok = any(isinstance(m, Exists) and not m.present for m in rule[path])
    return absent_ok and not here and _search(paths, i + 1, rule, leaves, chosen)


def _consistent(chosen: dict[int, int], membership: dict[int, int]) -> bool:
    return all(chosen.get(array, index) == index for array, index in membership.items())


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


def value_matches(matcher: Matcher, value: Any) -> bool:
    """Whether one leaf value satisfies one matcher (``exists: false`` never does by a value)."""
    if isinstance(matcher, Exists):
        return matcher.present
    if isinstance(matcher, Exact):
        return _exact(matcher.value, value)
    if isinstance(matcher, Numeric):
        return _is_number(value) and _in_range(matcher, _as_float(value))
    if isinstance(matcher, AnythingBut):
        return not _excluded(matcher, value)
    if not isinstance(value, str):
        return False
    return _string_matches(matcher, value)


def _exact(expected: Any, value: Any) -> bool:
    if _is_number(expected):
        return _is_number(value) and _as_float(expected) == _as_float(value)
    if isinstance(expected, bool) or expected is None:
        return value is expected
    if not isinstance(value, str):
        return False
    if expected == value:
        return True
    address = parse_ip(expected)
    return address is not None and address == parse_ip(value)


def _in_range(m: Numeric, x: float) -> bool:
    if m.low is not None and (x < m.low or (x == m.low and not m.low_inclusive)):
        return False
    return not (m.high is not None and (x > m.high or (x == m.high and not m.high_inclusive)))


def _string_matches(matcher: Matcher, value: str) -> bool:
    if isinstance(matcher, Prefix):
        if matcher.ignore_case:
            return value.lower().startswith(matcher.text.lower())
        return value.startswith(matcher.text)
    if isinstance(matcher, Suffix):
        if matcher.ignore_case:
            return value.lower().endswith(matcher.text.lower())
        return value.endswith(matcher.text)
    if isinstance(matcher, EqualsIgnoreCase):
        return value.lower() == matcher.text.lower()
    if isinstance(matcher, Wildcard):
        return wildcard_matches(matcher, value)
    if isinstance(matcher, Cidr):
        address = parse_ip(value)
        return (
            address is not None
            and address[0] == matcher.version
            and (matcher.low <= address[1] <= matcher.high)
        )
    return False


def _excluded(m: AnythingBut, value: Any) -> bool:
    """Whether the value is one anything-but refuses; only strings (or numbers) can be."""
    if m.kind == "numbers":
        return _is_number(value) and _as_float(value) in m.values
    if not isinstance(value, str):
        return False
    if m.kind == "strings":
        return value in m.values
    if m.kind == "prefix":
        return any(value.startswith(str(v)) for v in m.values)
    if m.kind == "suffix":
        return any(value.endswith(str(v)) for v in m.values)
    if m.kind == "equals-ignore-case":
        return any(value.lower() == str(v).lower() for v in m.values)
    return any(wildcard_matches(w, value) for w in m.wildcards)


def wildcard_matches(wildcard: Wildcard, value: str) -> bool:
    """Token-by-token matching: a star tries every split of the rest of the value."""
    return _wild(tokens(wildcard), 0, value, 0)


def _wild(toks: tuple[str | None, ...], t: int, value: str, v: int) -> bool:
    if t == len(toks):
        return v == len(value)
    if toks[t] is STAR:
        return any(_wild(toks, t + 1, value, k) for k in range(v, len(value) + 1))
    return v < len(value) and value[v] == toks[t] and _wild(toks, t + 1, value, v + 1)
