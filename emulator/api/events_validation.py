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
from collections.abc import Callable
from typing import Any

from emulator.core.events.errors import EventsValidationError
from emulator.protocol.model import Shape

Checker = Callable[[Any, str, list[str]], None]

PATTERN = "Member must satisfy regular expression pattern: {pattern}"
ENUM = "Member must satisfy enum value set: [{values}]"
AT_LEAST = "Member must have value greater than or equal to {low}"
AT_MOST = "Member must have value less than or equal to {high}"


def request_checker(shape: Shape | None) -> Callable[[dict[str, Any]], None]:
    """A function that raises ``ValidationException`` if params break the model's constraints."""
    check = _checker(shape) if shape is not None else None

    def validate(params: dict[str, Any]) -> None:
        if check is None:
            return
        errors: list[str] = []
        check(params, "", errors)
        if errors:
            count = len(errors)
            noun = "error" if count == 1 else "errors"
            raise EventsValidationError(f"{count} validation {noun} detected: " + "; ".join(errors))

    return validate


def _checker(shape: Shape) -> Checker | None:
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


def _structure(shape: Shape) -> Checker | None:
    members = [
        (name, _camel(name), member)
        for name, ref in shape.members.items()
        if (member := _checker(ref)) is not None
    ]
    if not members:
        return None

    def check(value: Any, path: str, errors: list[str]) -> None:
        for name, wire, member in members:
            item = value.get(name)
            if item is not None:
                member(item, _join(path, wire), errors)

    return check


def _length(shape: Shape, value: Any, path: str, errors: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        _fail(errors, shape, value, path, f"Member must have length greater than or equal to {low}")
    if high is not None and len(value) > high:
        _fail(errors, shape, value, path, f"Member must have length less than or equal to {high}")


def _list(shape: Shape) -> Checker | None:
    member = _checker(shape.member)
    if member is None and not _has_length(shape):
        return None

    def check(value: Any, path: str, errors: list[str]) -> None:
        _length(shape, value, path, errors)
        if member is not None:
            for index, item in enumerate(value, start=1):
                member(item, f"{path}.{index}.member", errors)

    return check


def _map(shape: Shape) -> Checker | None:
    key, item = _checker(shape.key), _checker(shape.value)

    def check(value: Any, path: str, errors: list[str]) -> None:
        _length(shape, value, path, errors)
        for name, entry in value.items():
            if key is not None:
                key(name, f"{path}.key", errors)
            if item is not None:
                item(entry, f"{path}.{name}", errors)

    return check


def _string(shape: Shape) -> Checker | None:
    pattern = shape.metadata.get("pattern")
    regex = _regex(pattern) if pattern else None
    enum = shape.enum
    if regex is None and not enum and not _has_length(shape):
        return None

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

    return check


def _regex(pattern: str) -> re.Pattern[str] | None:
    """The model's pattern, or None for the few Java-only ones (``\\p{...}``) Python lacks."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _number(shape: Shape) -> Checker | None:
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

    return check


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
