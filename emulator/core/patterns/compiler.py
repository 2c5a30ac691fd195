"""Compile: a parsed pattern -> closures that match events. Done once per rule (at PutRule).

Each sub-rule (see :func:`~emulator.core.patterns.model.expand`) becomes a tuple of fields
sorted by path, each with a path getter (:mod:`.access`), one predicate over leaf values built
from all the field's matchers (exact values become one set lookup), and whether
``exists: false`` is allowed. Matching never re-reads the pattern.

Hot path (:func:`run_plan`): fields are checked one by one with early exit, reading plain values
without allocating. A field may take its leaf from an array as long as no other field does (a
leaf outside arrays is consistent with any array element); a second field reading arrays sends
the sub-rule to the general array-consistent search, which follows the reference matcher's
rules exactly, including event-ruler's order for ``exists: false``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeAlias

from emulator.core.patterns.access import (
    COMPLEX,
    MISSING,
    FastGetter,
    Getter,
    LeafList,
    Membership,
    as_float,
    make_fast_getter,
    make_getter,
    scalars_of,
    value_key,
)
from emulator.core.patterns.ip import parse_ip
from emulator.core.patterns.limits import DEFAULT_LIMITS, PatternLimits
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
from emulator.core.patterns.parser import parse_pattern

Predicate: TypeAlias = Callable[[Any], bool]
Event: TypeAlias = dict[str, Any]
Plan: TypeAlias = tuple[tuple["FastGetter", "Getter", Predicate, bool], ...]


@dataclass(frozen=True, slots=True)
class CompiledField:
    """One path of a sub-rule: how to read it and what it accepts."""

    path: str
    get: Getter
    fast_get: FastGetter
    accepts: Predicate
    absent_ok: bool
    exact_keys: frozenset[Any] | None
    prefixes: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class CompiledSubRule:
    """An AND of fields, sorted by path; ``matches`` is the compiled test."""

    fields: tuple[CompiledField, ...]
    matches: Callable[[Event], bool]

    def plan(self) -> Plan:
        """The steps of ``matches``, for :func:`run_plan`."""
        return make_plan(self.fields)

    def plan_without(self, path: str) -> Plan:
        """The steps with ``path`` left out, for a caller that already saw it satisfied.

        Exact only when the caller saw the path's one leaf, outside any array, accepted: such a
        leaf constrains no other field (it is consistent with every array element).
        """
        return make_plan(tuple(f for f in self.fields if f.path != path))


class CompiledPattern:
    """A pattern compiled for matching: ``matches(event)`` is the only hot path."""

    __slots__ = ("_tests", "pattern", "subrules")

    def __init__(self, pattern: Pattern, subrules: tuple[CompiledSubRule, ...]) -> None:
        self.pattern = pattern
        self.subrules = subrules
        self._tests = tuple(s.matches for s in subrules)

    def matches(self, event: Event) -> bool:
        """Whether the event (a decoded JSON object) matches the pattern."""
        for test in self._tests:  # noqa: SIM110 - hot path, a loop beats any() on a generator
            if test(event):
                return True
        return False

    def __repr__(self) -> str:
        return f"CompiledPattern({self.pattern.text!r})"


def compile_pattern(text: str, limits: PatternLimits = DEFAULT_LIMITS) -> CompiledPattern:
    """Parse and compile pattern text; raises :class:`InvalidPattern` if AWS would refuse it."""
    return compile_parsed(parse_pattern(text, limits))


def compile_parsed(pattern: Pattern) -> CompiledPattern:
    """Compile an already parsed pattern."""
    subrules = tuple(_compile_sub_rule(rule) for rule in expand(pattern))
    return CompiledPattern(pattern, subrules)


def _compile_sub_rule(rule: SubRule) -> CompiledSubRule:
    fields = tuple(_compile_field(path, rule[path]) for path in sorted(rule))
    return CompiledSubRule(fields, _sub_rule_test(fields))


# Getters and predicates are shared by every rule that needs the same one: thousands of rules
# on one bus then touch a few hot closures instead of thousands of copies (CPU caches).
shared_getter = lru_cache(maxsize=16384)(make_getter)
shared_fast_getter = lru_cache(maxsize=16384)(make_fast_getter)


@lru_cache(maxsize=16384)
def _shared_predicate(key: tuple[Hashable, ...]) -> Predicate:
    return predicate([pair[0] for pair in key])  # type: ignore[index]


def _predicate_key(matchers: tuple[Matcher, ...]) -> tuple[Hashable, ...]:
    """A cache key that keeps ``[1]`` and ``[true]`` apart (``1 == True`` in Python)."""
    return tuple((m, type(m.value) if isinstance(m, Exact) else None) for m in matchers)


def _compile_field(path: str, matchers: tuple[Matcher, ...]) -> CompiledField:
    absent_ok = any(isinstance(m, Exists) and not m.present for m in matchers)
    return CompiledField(
        path=path,
        get=shared_getter(path),
        fast_get=shared_fast_getter(path),
        accepts=_shared_predicate(_predicate_key(matchers)),
        absent_ok=absent_ok,
        exact_keys=None if absent_ok else _exact_keys(matchers),
        prefixes=None if absent_ok else _prefixes(matchers),
    )


def _exact_keys(matchers: tuple[Matcher, ...]) -> frozenset[Any] | None:
    """The value keys that are the only way to satisfy this field, if there are such."""
    keys = set()
    for m in matchers:
        if not isinstance(m, Exact) or (isinstance(m.value, str) and parse_ip(m.value)):
            return None
        keys.add(value_key(m.value))
    return frozenset(keys)


def _prefixes(matchers: tuple[Matcher, ...]) -> frozenset[str] | None:
    """Case-sensitive prefixes one of which every accepted value starts with, if any."""
    out = set()
    for m in matchers:
        if isinstance(m, Prefix) and not m.ignore_case:
            out.add(m.text)
        elif isinstance(m, Exact) and isinstance(m.value, str) and not parse_ip(m.value):
            out.add(m.value)
        else:
            return None
    return frozenset(out)


# --------------------------------------------------------------------------- sub-rule tests


def make_plan(fields: tuple[CompiledField, ...]) -> Plan:
    """The steps of a sub-rule's test, in path order (steps are shared between rules)."""
    return tuple(_step(f.fast_get, f.get, f.accepts, f.absent_ok) for f in fields)


def _sub_rule_test(fields: tuple[CompiledField, ...]) -> Callable[[Event], bool]:
    plan = make_plan(fields)

    def test(event: Event) -> bool:
        return run_plan(plan, event)

    return test


def run_plan(plan: Plan, event: Event) -> bool:
    """Whether the event satisfies every step of the plan (the hot path)."""
    in_array = False
    for fast_get, get, accepts, absent_ok in plan:
        value = fast_get(event)
        if value is MISSING:
            if not absent_ok:
                return False
        elif value is COMPLEX or value.__class__ is list:
            verdict = (
                _flat_array_verdict(value, accepts, absent_ok, in_array)
                if value is not COMPLEX and scalars_of(value)
                else _field_verdict(get(event), accepts, absent_ok, in_array)
            )
            if verdict is _SEARCH:
                return _array_consistent_test(plan, event)
            if verdict is _FAIL:
                return False
            in_array = in_array or verdict is _IN_ARRAY
        elif not accepts(value):
            return False
    return True


_FAIL, _PLAIN, _IN_ARRAY, _SEARCH = "fail", "plain", "in-array", "search"


@lru_cache(maxsize=16384)
def _step(
    fast_get: FastGetter, get: Getter, accepts: Predicate, absent_ok: bool
) -> tuple[FastGetter, Getter, Predicate, bool]:
    """One step of a plan, shared by every sub-rule that has the same field (cache locality)."""
    return (fast_get, get, accepts, absent_ok)


def _flat_array_verdict(
    values: list[Any], accepts: Predicate, absent_ok: bool, in_array: bool
) -> str:
    """A field ending on an array of plain values (the common ``resources``/``tags`` case)."""
    if not values:
        return _PLAIN if absent_ok else _FAIL
    if in_array:
        return _SEARCH
    for value in values:
        if accepts(value):
            return _IN_ARRAY
    return _FAIL


def _field_verdict(leaves: LeafList, accepts: Predicate, absent_ok: bool, in_array: bool) -> str:
    """One field with arrays or dotted keys on the way, while at most one field used arrays.

    A leaf taken from an array is consistent with leaves outside any array, so as long as only
    one field picks from arrays the first accepted leaf will do; a second such field needs the
    full search.
    """
    if not leaves:
        return _PLAIN if absent_ok else _FAIL
    if in_array and any(membership for _, membership in leaves):
        return _SEARCH
    for value, membership in leaves:
        if accepts(value):
            return _IN_ARRAY if membership else _PLAIN
    return _FAIL


def _array_consistent_test(plan: Plan, event: Event) -> bool:
    """The general search: one leaf per path, all from consistent array elements.

    ``exists: false`` holds when no leaf at the path is consistent with the leaves chosen for
    the paths before it (event-ruler's order); see :mod:`.reference`.
    """
    leaves = [get(event) for _, get, _, _ in plan]
    return _search(plan, leaves, 0, {})


def _search(plan: Plan, leaves: list[LeafList], i: int, chosen: dict[int, int]) -> bool:
    if i == len(plan):
        return True
    _, _, accepts, absent_ok = plan[i]
    present = False
    for value, membership in leaves[i]:
        if not _consistent(chosen, membership):
            continue
        present = True
        if accepts(value) and _search(plan, leaves, i + 1, _merge(chosen, membership)):
            return True
    return absent_ok and not present and _search(plan, leaves, i + 1, chosen)


def _consistent(chosen: dict[int, int], membership: Membership) -> bool:
    for array, index in membership:  # noqa: SIM110 - hot path
        if chosen.get(array, index) != index:
            return False
    return True


def _merge(chosen: dict[int, int], membership: Membership) -> dict[int, int]:
    if not membership:
        return chosen
    merged = dict(chosen)
    merged.update(membership)
    return merged


# --------------------------------------------------------------------------- value predicates


def predicate(matchers: Sequence[Matcher]) -> Predicate:
    """One test over a leaf value for all of a field's matchers (OR-ed)."""
    exact = [m for m in matchers if isinstance(m, Exact)]
    others = [_matcher_test(m) for m in matchers if not isinstance(m, Exact)]
    tests = [t for t in [_exact_test(exact), *others] if t is not None]
    if not tests:
        return _never
    if len(tests) == 1:
        return tests[0]
    return _any_of(tuple(tests))


def _never(value: Any) -> bool:
    return False


def _always(value: Any) -> bool:
    return True


def _any_of(tests: tuple[Predicate, ...]) -> Predicate:
    def test(value: Any) -> bool:
        for t in tests:  # noqa: SIM110 - hot path
            if t(value):
                return True
        return False

    return test


def _exact_test(exact: list[Exact]) -> Predicate | None:
    """Exact values: one set lookup; IP literals also match the same address spelt otherwise."""
    if not exact:
        return None
    keys = frozenset(value_key(m.value) for m in exact)
    addresses = frozenset(
        a for m in exact if isinstance(m.value, str) and (a := parse_ip(m.value)) is not None
    )
    if all(isinstance(k, str) for k in keys) and not addresses:
        return keys.__contains__
    lookup: Predicate = _keyed(keys)
    if not addresses:
        return lookup

    def with_addresses(value: Any) -> bool:
        return lookup(value) or (isinstance(value, str) and parse_ip(value) in addresses)

    return with_addresses


def _keyed(keys: frozenset[Any]) -> Predicate:
    def test(value: Any) -> bool:
        return value_key(value) in keys

    return test


def _matcher_test(m: Matcher) -> Predicate | None:
    if isinstance(m, Exists):
        return _always if m.present else None
    if isinstance(m, Numeric):
        return _numeric_test(m)
    if isinstance(m, AnythingBut):
        return _anything_but_test(m)
    return _string_only(_string_test(m))


def _string_only(test: Callable[[str], bool]) -> Predicate:
    def guarded(value: Any) -> bool:
        return isinstance(value, str) and test(value)

    return guarded


def _string_test(m: Matcher) -> Callable[[str], bool]:
    if isinstance(m, Prefix):
        if m.ignore_case:
            folded = m.text.lower()
            return lambda v: v.lower().startswith(folded)
        return lambda v: v.startswith(m.text)
    if isinstance(m, Suffix):
        if m.ignore_case:
            folded = m.text.lower()
            return lambda v: v.lower().endswith(folded)
        return lambda v: v.endswith(m.text)
    if isinstance(m, EqualsIgnoreCase):
        folded = m.text.lower()
        return lambda v: v.lower() == folded
    if isinstance(m, Wildcard):
        regex = wildcard_regex(m)
        return lambda v: regex.fullmatch(v) is not None
    if isinstance(m, Cidr):
        return _cidr_test(m)
    raise TypeError(f"not a string matcher: {m!r}")


def _cidr_test(m: Cidr) -> Callable[[str], bool]:
    def test(value: str) -> bool:
        address = parse_ip(value)
        return address is not None and address[0] == m.version and m.low <= address[1] <= m.high

    return test


def wildcard_regex(m: Wildcard) -> re.Pattern[str]:
    """The operand as an anchored regular expression (``*`` -> ``.*``, all else literal)."""
    return re.compile(".*".join(re.escape(part) for part in m.parts), re.DOTALL)


def _numeric_test(m: Numeric) -> Predicate:
    low = m.low if m.low is not None else float("-inf")
    high = m.high if m.high is not None else float("inf")
    low_ok = m.low_inclusive or m.low is None
    high_ok = m.high_inclusive or m.high is None

    def test(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        x = as_float(value)
        if x < low or x > high:
            return False
        return (x != low or low_ok) and (x != high or high_ok)

    return test


def _anything_but_test(m: AnythingBut) -> Predicate:
    """Any leaf the inner test refuses; only strings (numbers for a number list) are refused."""
    if m.kind == "numbers":
        refused_numbers = frozenset(m.values)

        def not_number(value: Any) -> bool:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return True
            return as_float(value) not in refused_numbers

        return not_number
    refused = _refused_strings(m)

    def not_string(value: Any) -> bool:
        return not (isinstance(value, str) and refused(value))

    return not_string


def _refused_strings(m: AnythingBut) -> Callable[[str], bool]:
    texts = tuple(str(v) for v in m.values)
    if m.kind == "strings":
        return frozenset(texts).__contains__
    if m.kind == "prefix":
        return lambda v: v.startswith(texts)
    if m.kind == "suffix":
        return lambda v: v.endswith(texts)
    if m.kind == "equals-ignore-case":
        folded = frozenset(t.lower() for t in texts)
        return lambda v: v.lower() in folded
    regexes = tuple(wildcard_regex(w) for w in m.wildcards)
    return lambda v: any(r.fullmatch(v) is not None for r in regexes)
