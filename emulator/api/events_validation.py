"""EventBridge's model constraints (length, pattern, enum, range), checked as AWS checks them.

AWS validates every request against the model before anything else and answers one
``ValidationException`` listing every violation::

    2 validation errors detected: Value 'a b' at 'name' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+; Value '...' at 'eventBusName' ...

Members are named in lower camel case, list elements as ``targets.1.member.id``; values are
rendered as AWS's Java service renders them (``null``, ``[a, b]``, ``Shape(member=value, ...)``).
Checkers are compiled once per operation from botocore's shapes, and subtrees without any
constraint are skipped.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from emulator.core.events.errors import EventsValidationError
from emulator.protocol.model import Shape

Checker = Callable[[Any, str, list[str]], None]
Valid = Callable[[Any], bool]

PATTERN = "Member must satisfy regular expression pattern: {pattern}"
ENUM = "Member must satisfy enum value set: [{values}]"
AT_LEAST = "Member must have value greater than or equal to {low}"
AT_MOST = "Member must have value less than or equal to {high}"
MATCH_CACHE = 256  # values remembered per pattern


@dataclass(frozen=True, slots=True)
class ShapeCheck:
    """The compiled constraints of one shape.

    ``valid`` answers quickly whether a value passes, building no path and no message; ``check``
    collects every violation with its path. ``valid`` must never accept a value that ``check``
    would report (it may refuse one ``check`` lets through: ``check`` then decides), so a request
    only pays for the messages when it breaks a constraint.
    """

    check: Checker
    valid: Valid


def request_checker(shape: Shape | None) -> Callable[[dict[str, Any]], None]:
    """A function that raises ``ValidationException`` if params break the model's constraints."""
    compiled = _compile(shape) if shape is not None else None

    def validate(params: dict[str, Any]) -> None:
        if compiled is None or compiled.valid(params):
            return
        errors: list[str] = []
        compiled.check(params, "", errors)
        if errors:
            count = len(errors)
            noun = "error" if count == 1 else "errors"
            raise EventsValidationError(f"{count} validation {noun} detected: " + "; ".join(errors))

    return validate


def _compile(shape: Shape) -> ShapeCheck | None:
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape)
    if kind == "list":
        return _list(shape)
    if kind == "map":
        return _map(shape)
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return _number(shape)
    return None


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _fail(errors: list[str], shape: Shape, value: Any, path: str, constraint: str) -> None:
    errors.append(
        f"Value '{render(value, shape)}' at '{path}' failed to satisfy constraint: {constraint}"
    )


def _structure(shape: Shape) -> ShapeCheck | None:
    members = [
        (name, _camel(name), compiled)
        for name, ref in shape.members.items()
        if (compiled := _compile(ref)) is not None
    ]
    if not members:
        return None
    valid_members = [(name, compiled.valid) for name, _, compiled in members]

    def check(value: Any, path: str, errors: list[str]) -> None:
        for name, wire, compiled in members:
            item = value.get(name)
            if item is not None:
                compiled.check(item, _join(path, wire), errors)

    def valid(value: Any) -> bool:
        for name, member in valid_members:
            item = value.get(name)
            if item is not None and not member(item):
                return False
        return True

    return ShapeCheck(check, valid)


def _length(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        _fail(errors, shape, value, path, f"Member must have length greater than or equal to {low}")
    if high is not None and len(value) > high:
        _fail(errors, shape, value, path, f"Member must have length less than or equal to {high}")


def _bounds(shape: Shape) -> tuple[int, int]:
    """The (min, max) length of ``shape`` for ``valid``: 0 and ``sys.maxsize`` when unbounded."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    return (0 if low is None else low), (sys.maxsize if high is None else high)


def _list(shape: Shape) -> ShapeCheck | None:
    member = _compile(shape.member)
    if member is None and not _has_length(shape):
        return None
    low, high = _bounds(shape)
    member_valid = member.valid if member is not None else None

    def check(value: Any, path: str, errors: list[str]) -> None:
        _length(shape, value, path, errors)
        if member is not None:
            for index, item in enumerate(value, start=1):
                member.check(item, f"{path}.{index}.member", errors)

    def valid(value: Any) -> bool:
        if not low <= len(value) <= high:
            return False
        if member_valid is not None:
            for item in value:
                if not member_valid(item):
                    return False
        return True

    return ShapeCheck(check, valid)


def _map(shape: Shape) -> ShapeCheck | None:
    key, item = _compile(shape.key), _compile(shape.value)
    low, high = _bounds(shape)

    def check(value: Any, path: str, errors: list[str]) -> None:
        _length(shape, value, path, errors)
        for name, entry in value.items():
            if key is not None:
                key.check(name, f"{path}.key", errors)
            if item is not None:
                item.check(entry, f"{path}.{name}", errors)

    def valid(value: Any) -> bool:
        if not low <= len(value) <= high:
            return False
        for name, entry in value.items():
            if key is not None and not key.valid(name):
                return False
            if item is not None and not item.valid(entry):
                return False
        return True

    return ShapeCheck(check, valid)


def _string(shape: Shape) -> ShapeCheck | None:
    pattern = shape.metadata.get("pattern")
    regex = _regex(pattern) if pattern else None
    enum = shape.enum
    if regex is None and not enum and not _has_length(shape):
        return None
    low, high = _bounds(shape)
    matches = _matcher(regex) if regex is not None else None

    def check(value: Any, path: str, errors: list[str]) -> None:
        _length(shape, value, path, errors)
        if regex is not None and not regex.fullmatch(value):
            _fail(
                errors,
                shape,
                value,
                path,
                f"Member must satisfy regular expression pattern: {pattern}",
            )
        if enum and value not in enum:
            _fail(
                errors,
                shape,
                value,
                path,
                f"Member must satisfy enum value set: [{', '.join(enum)}]",
            )

    def valid(value: Any) -> bool:
        return (
            low <= len(value) <= high
            and (matches is None or matches(value))
            and (not enum or value in enum)
        )

    return ShapeCheck(check, valid)


def _regex(pattern: str) -> re.Pattern[str] | None:
    """The model's pattern, or None for the few Java-only ones (``\\p{...}``) Python lacks."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _matcher(regex: re.Pattern[str]) -> Callable[[str], bool]:
    """Whether a value fully matches ``regex``, remembered for the last values seen: clients
    send the same names (buses, rules) again and again, and a cache hit is ten times cheaper
    than matching."""

    @lru_cache(maxsize=MATCH_CACHE)
    def matches(value: str) -> bool:
        return regex.fullmatch(value) is not None

    return matches


def _number(shape: Shape) -> ShapeCheck | None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is None and high is None:
        return None

    def check(value: Any, path: str, errors: list[str]) -> None:
        if low is not None and value < low:
            _fail(
                errors, shape, value, path, f"Member must have value greater than or equal to {low}"
            )
        if high is not None and value > high:
            _fail(
                errors, shape, value, path, f"Member must have value less than or equal to {high}"
            )

    def valid(value: Any) -> bool:
        return not ((low is not None and value < low) or (high is not None and value > high))

    return ShapeCheck(check, valid)


def _has_length(shape: Shape) -> bool:
    return "min" in shape.metadata or "max" in shape.metadata


def render(value: Any, shape: Shape | None = None) -> str:
    """A value as AWS's messages show it (Java's ``toString`` of the request objects)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    kind = shape.type_name if shape is not None else ""
    if isinstance(value, list):
        member = shape.member if kind == "list" and shape is not None else None
        return "[" + ", ".join(render(v, member) for v in value) + "]"
    if isinstance(value, dict) and kind == "structure" and shape is not None:
        fields = (f"{_camel(m)}={render(value.get(m), ref)}" for m, ref in shape.members.items())
        return f"{shape.name}({', '.join(fields)})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    return str(value)
