"""Hypothesis strategies for event patterns and events over one small vocabulary, so that
generated events often meet generated patterns (and their edge cases)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

KEYS = st.sampled_from(["a", "b", "a.b"])
TEXTS = st.sampled_from(["x", "xy", "X", "yx", "", "x*y", "10.0.0.1", "2001:db8::1"])
NUMBERS = st.sampled_from([0, 1, 300, 0.5, 300.0, -1, 1e10])
SCALARS = st.one_of(TEXTS, NUMBERS, st.booleans(), st.none())


def _containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, min_size=1, max_size=3)


JSON_VALUES = st.recursive(SCALARS, _containers, max_leaves=8)
EVENTS: st.SearchStrategy[dict[str, Any]] = st.dictionaries(
    KEYS, JSON_VALUES, min_size=1, max_size=3
)

WILDCARDS = st.sampled_from(["*", "x*", "*y", "x*y", "*x*", "", "x\\*y", "\\\\*", "1*"])
CIDRS = st.sampled_from(["10.0.0.0/8", "10.0.0.1/31", "2001:db8::/32", "0.0.0.0/1"])
BOUNDS = st.sampled_from([-1, 0, 0.5, 1, 2, 300])


def _numeric(ops: tuple[str, float, str | None, float | None]) -> list[Any]:
    op, low, op2, high = ops
    if op2 is None or high is None:
        return [op, low]
    return [op, low, op2, high]


NUMERIC = st.one_of(
    st.tuples(st.sampled_from(["=", "<", "<=", ">", ">="]), BOUNDS, st.none(), st.none()),
    st.tuples(
        st.sampled_from([">", ">="]),
        st.sampled_from([-1, 0]),
        st.sampled_from(["<", "<="]),
        st.sampled_from([0.5, 1, 300]),
    ),
).map(_numeric)

ANYTHING_BUT = st.one_of(
    TEXTS,
    st.sampled_from([0, 1, 300]),
    st.lists(TEXTS, min_size=1, max_size=3),
    st.lists(st.sampled_from([0, 1, 0.5, 300.0]), min_size=1, max_size=3),
    st.fixed_dictionaries({"prefix": st.sampled_from(["x", "1", "X"])}),
    st.fixed_dictionaries({"suffix": st.lists(st.sampled_from(["y", "1"]), min_size=1)}),
    st.fixed_dictionaries({"equals-ignore-case": st.sampled_from(["x", "XY", ["X", "yx"]])}),
    st.fixed_dictionaries({"wildcard": WILDCARDS}),
)

MATCHERS = st.one_of(
    SCALARS,
    st.fixed_dictionaries({"prefix": TEXTS}),
    st.fixed_dictionaries({"prefix": st.fixed_dictionaries({"equals-ignore-case": TEXTS})}),
    st.fixed_dictionaries({"suffix": TEXTS}),
    st.fixed_dictionaries({"suffix": st.fixed_dictionaries({"equals-ignore-case": TEXTS})}),
    st.fixed_dictionaries({"equals-ignore-case": TEXTS}),
    st.fixed_dictionaries({"wildcard": WILDCARDS}),
    st.fixed_dictionaries({"anything-but": ANYTHING_BUT}),
    st.fixed_dictionaries({"numeric": NUMERIC}),
    st.fixed_dictionaries({"exists": st.booleans()}),
    st.fixed_dictionaries({"cidr": CIDRS}),
)
VALUE_LISTS = st.lists(MATCHERS, min_size=1, max_size=3)


def _objects(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    inner = VALUE_LISTS if depth == 0 else st.one_of(VALUE_LISTS, _objects(depth - 1))
    plain = st.dictionaries(KEYS, inner, min_size=1, max_size=2)
    if depth == 0:
        return plain
    branches = st.lists(_objects(depth - 1), min_size=2, max_size=2)
    with_or = st.tuples(plain, branches).map(lambda pair: {**pair[0], "$or": pair[1]})
    return st.one_of(plain, with_or)


PATTERNS: st.SearchStrategy[dict[str, Any]] = _objects(2)


_OMIT = object()


def _value_for(matcher: Any) -> st.SearchStrategy[Any]:
    """A value likely (not certain) to satisfy one matcher; ``_OMIT`` for ``exists: false``."""
    if not isinstance(matcher, dict):
        return st.just(matcher)
    name, operand = next(iter(matcher.items()))
    if isinstance(operand, dict) and name in ("prefix", "suffix"):
        text = operand["equals-ignore-case"].swapcase()
        return st.just(text + "z" if name == "prefix" else "z" + text)
    samples: dict[str, Any] = {
        "prefix": lambda: st.just(f"{operand}z"),
        "suffix": lambda: st.just(f"z{operand}"),
        "equals-ignore-case": lambda: st.just(operand.swapcase()),
        "wildcard": lambda: st.just(_unwild(operand)),
        "numeric": lambda: st.sampled_from([v for v in operand if not isinstance(v, str)] + [0.75]),
        "exists": lambda: SCALARS if operand else st.just(_OMIT),
        "cidr": lambda: st.sampled_from(["10.0.0.1", "10.200.0.1", "2001:db8::5", "::1"]),
    }
    return samples.get(name, lambda: SCALARS)()


def _unwild(wildcard: str) -> str:
    """A string close to what the wildcard matches (stars become one letter)."""
    return wildcard.replace("\\\\", "/").replace("\\*", "*").replace("*", "q")


def _maybe_in_array(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    def wrap(v: Any) -> st.SearchStrategy[Any]:
        if v is _OMIT:
            return st.just(v)
        return st.one_of(st.just(v), SCALARS.map(lambda other: [other, v]))

    return value.flatmap(wrap)


def events_for(pattern: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Events built from the pattern itself, so that many of them match it."""
    parts = []
    for key, spec in pattern.items():
        if key == "$or":
            parts.append(st.sampled_from(spec).flatmap(events_for))
        elif isinstance(spec, list):
            value = st.sampled_from(spec).flatmap(_value_for)
            parts.append(_maybe_in_array(value).map(lambda v, k=key: {} if v is _OMIT else {k: v}))
        else:
            inner = events_for(spec)
            arrays = st.one_of(st.lists(inner, min_size=1, max_size=2), inner.map(_split))
            parts.append(st.one_of(inner, arrays).map(lambda v, k=key: {k: v}))
    return st.tuples(*parts).map(_merge)


def _split(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The object's fields spread over two array elements (they must then never combine)."""
    items = list(obj.items())
    return [dict(items[:1]), dict(items[1:])]


def _merge(parts: tuple[dict[str, Any], ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        out.update(part)
    return out


def events_near(pattern: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Events built from the pattern, or arbitrary ones."""
    return st.one_of(events_for(pattern), EVENTS)
