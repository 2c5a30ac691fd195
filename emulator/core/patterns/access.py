"""Reading an event's leaves at one path, without flattening the whole event.

A getter is built once per path (at compile time) and returns ``[(value, membership), ...]``
for every leaf whose dot-joined key path equals the path: dotted event keys count too
(``{"a.b": 1}`` is at ``a.b``), arrays are crushed out, and ``membership`` is a tuple of
``(id(array), index)`` pairs, empty when no array was passed through. The same array object
gives the same id to every path that goes through it, which is what array consistency needs
(a JSON-decoded event never shares one list between two places).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeAlias

Membership: TypeAlias = tuple[tuple[int, int], ...]
LeafList: TypeAlias = list[tuple[Any, Membership]]
Getter: TypeAlias = Callable[[dict[str, Any]], LeafList]
FastGetter: TypeAlias = Callable[[dict[str, Any]], Any]

_MISSING = object()
MISSING: Any = _MISSING  # no leaf at the path
COMPLEX: Any = object()  # an array or a dotted key on the way: ask the full getter
_SCALARS = frozenset({str, int, float, bool, type(None)})
TRUE_KEY = object()
FALSE_KEY = object()
NULL_KEY = object()


def value_key(value: Any) -> Any:
    """A hashable key equal for values EventBridge's exact match calls equal.

    Strings are themselves, numbers are doubles (``300`` and ``300.0`` meet), and ``true``,
    ``false`` and ``null`` are sentinels so that ``true`` never meets ``1``.
    """
    if isinstance(value, str):
        return value
    if value is True:
        return TRUE_KEY
    if value is False:
        return FALSE_KEY
    if value is None:
        return NULL_KEY
    return as_float(value)


def as_float(value: int | float) -> float:
    """The double a JSON number stands for (integers too large for one become infinite)."""
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


def make_getter(path: str) -> Getter:
    """A function returning the leaves of an event at ``path`` (see the module docstring)."""
    segments = path.split(".")
    count = len(segments)
    steps = tuple(
        tuple((".".join(segments[i:j]), j) for j in range(i + 1, count + 1)) for i in range(count)
    )
    if count == 1:
        return _single_key_getter(path)

    def visit(value: Any, at: int, membership: Membership, out: LeafList) -> None:
        if isinstance(value, dict):
            if at < count:
                for key, nxt in steps[at]:
                    child = value.get(key, _MISSING)
                    if child is not _MISSING:
                        visit(child, nxt, membership, out)
        elif isinstance(value, list):
            array = id(value)
            for index, element in enumerate(value):
                visit(element, at, (*membership, (array, index)), out)
        elif at == count:
            out.append((value, membership))

    def get(event: dict[str, Any]) -> LeafList:
        out: LeafList = []
        visit(event, 0, (), out)
        return out

    return get


def make_fast_getter(path: str) -> FastGetter:
    """The leaf at ``path`` when it is one plain value reached through plain dicts.

    Returns the value itself, the event's list itself when the path ends on an array (see
    :func:`scalars_of`), :data:`MISSING` when there is no leaf, or :data:`COMPLEX` when an array
    or an event key containing a dot is on the way (then the full getter decides). No
    allocation: this is what routing an event mostly calls.
    """
    segments = path.split(".")
    last = segments[-1]
    levels = tuple(
        (segment, tuple(".".join(segments[i:j]) for j in range(i + 2, len(segments) + 1)))
        for i, segment in enumerate(segments[:-1])
    )

    def get(event: dict[str, Any]) -> Any:
        node: Any = event
        for segment, dotted in levels:
            for key in dotted:
                if key in node:
                    return COMPLEX
            node = node.get(segment, _MISSING)
            if type(node) is not dict:
                return _MISSING if node is _MISSING else COMPLEX
        value = node.get(last, _MISSING)
        if value.__class__ in _SCALARS or value is _MISSING or type(value) is list:
            return value
        return _MISSING if type(value) is dict else COMPLEX

    return get


def scalars_of(values: list[Any]) -> bool:
    """Whether an array holds only leaf values (no nested arrays or objects)."""
    return all(v.__class__ in _SCALARS for v in values)


def _single_key_getter(key: str) -> Getter:
    def get(event: dict[str, Any]) -> LeafList:
        value = event.get(key, _MISSING)
        if value is _MISSING or isinstance(value, dict):
            return []
        if isinstance(value, list):
            out: LeafList = []
            _crush(value, (), out)
            return out
        return [(value, ())]

    return get


def _crush(values: list[Any], membership: Membership, out: LeafList) -> None:
    array = id(values)
    for index, element in enumerate(values):
        here = (*membership, (array, index))
        if isinstance(element, list):
            _crush(element, here, out)
        elif not isinstance(element, dict):
            out.append((element, here))


def leaves_by_path(event: dict[str, Any]) -> dict[str, list[tuple[Any, bool]]]:
    """Every leaf of the event by dot-joined path, each with whether it sits in an array.

    For callers interested in many paths at once (cheaper than one getter per path then).
    """
    out: dict[str, list[tuple[Any, bool]]] = {}
    for key, value in event.items():
        _gather(value, key, False, out)
    return out


def _gather(value: Any, path: str, in_array: bool, out: dict[str, list[tuple[Any, bool]]]) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _gather(child, f"{path}.{key}", in_array, out)
    elif isinstance(value, list):
        for element in value:
            _gather(element, path, True, out)
    else:
        out.setdefault(path, []).append((value, in_array))
