"""Model-driven reading of request members into typed Python values.

``json_reader(shape)`` checks a decoded JSON document against an input shape and returns the same
document with blobs decoded; ``query_reader(shape, names)`` builds that document from the flat
``Name.1.Sub`` keys of a query-protocol form. Both are compiled once per operation: a tree of small
closures, so the hot path walks no model objects. Unknown members are ignored, as AWS does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from emulator.protocol.errors import ProtocolError
from emulator.protocol.model import Shape

JsonReader = Callable[[Any, str], Any]
QueryReader = Callable[[Mapping[str, str], str], Any]

_SCALARS = {"string", "integer", "long", "boolean", "blob", "timestamp", "double", "float"}


class QueryNames:
    """Query-protocol element names that botocore's current JSON models no longer carry.

    ``members`` renames a structure member (``(structure, member) -> name``), ``list_members`` names
    the elements of a list shape, ``map_entries`` names a map entry's key and value; ``flattened``
    lists the list and map shapes serialised without a wrapper element.
    """

    def __init__(
        self,
        members: Mapping[tuple[str, str], str],
        list_members: Mapping[str, str],
        map_entries: Mapping[str, tuple[str, str]],
        flattened: frozenset[str],
    ) -> None:
        self.members = members
        self.list_members = list_members
        self.map_entries = map_entries
        self.flattened = flattened

    def member(self, structure: str, member: str) -> str:
        """The wire name of ``structure.member``."""
        return self.members.get((structure, member), member)

    def entry(self, shape: str) -> tuple[str, str]:
        """The (key, value) element names of a map shape."""
        return self.map_entries.get(shape, ("Name", "Value"))


NO_QUERY_NAMES = QueryNames({}, {}, {}, frozenset())


def _type_error(path: str, expected: str) -> ProtocolError:
    return ProtocolError(
        "type", f"Value for parameter {path} is invalid: expected {expected}.", member=path
    )


def _missing(path: str) -> ProtocolError:
    return ProtocolError("missing", f"The request must contain the parameter {path}.", member=path)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _decode_blob(value: str, path: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise _type_error(path, "base64-encoded binary") from None


# --------------------------------------------------------------------------- JSON


def json_reader(shape: Shape) -> JsonReader:
    """A checker/decoder for a JSON document of ``shape``."""
    kind = shape.type_name
    if kind == "structure":
        return _json_structure(shape)
    if kind == "list":
        return _json_list(shape)
    if kind == "map":
        return _json_map(shape)
    return _json_scalar(kind)


def _json_structure(shape: Shape) -> JsonReader:
    members = {name: json_reader(ref) for name, ref in shape.members.items()}
    exact = {name: _EXACT_TYPES.get(ref.type_name) for name, ref in shape.members.items()}
    exact_type = exact.get
    required = tuple(shape.required_members)

    def read(value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise _type_error(path or "request", "a structure")
        for name, item in value.items():
            if type(item) is not exact_type(name):
                return _copy(value, path)
        _require(value, path)
        return value  # only known members, each as its reader would return it: nothing to copy

    def _copy(value: dict[str, Any], path: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, item in value.items():
            if type(item) is exact_type(name):  # the reader would return it as is
                out[name] = item
                continue
            reader = members.get(name)
            if reader is not None and item is not None:
                out[name] = reader(item, _join(path, name))
        _require(out, path)
        return out

    def _require(out: dict[str, Any], path: str) -> None:
        for name in required:
            if name not in out:
                raise _missing(_join(path, name))

    return read


def _json_list(shape: Shape) -> JsonReader:
    member = json_reader(shape.member)

    def read(value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise _type_error(path, "a list")
        if len(value) > SHORT_LIST:
            return [member(item, f"{path}.{i + 1}") for i, item in enumerate(value)]
        paths = _item_paths(path, len(value))
        return [member(item, at) for item, at in zip(value, paths, strict=True)]

    return read


SHORT_LIST = 100
"""Lists up to this long have their item paths remembered (see :func:`_item_paths`)."""


@lru_cache(maxsize=256)
def _item_paths(path: str, count: int) -> tuple[str, ...]:
    """The paths of the items of a list at ``path`` (``Entries.1``, ``Entries.2``, ...): requests
    repeat the same short lists, and formatting a path costs more than the item's reader."""
    return tuple(f"{path}.{index}" for index in range(1, count + 1))


def _json_map(shape: Shape) -> JsonReader:
    value_reader = json_reader(shape.value)

    def read(value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise _type_error(path, "a map")
        return {str(k): value_reader(v, f"{path}.{k}") for k, v in value.items()}

    return read


_EXACT_TYPES: dict[str, type] = {"string": str, "integer": int, "long": int, "boolean": bool}
"""Scalar kinds whose reader returns a value of exactly this Python type unchanged.

A member whose value has that exact type (``bool`` is not ``int`` here) skips its reader and the
path string built for its error messages: most members of most requests are such scalars.
"""


def _json_scalar(kind: str) -> JsonReader:
    if kind == "string":
        return _json_string
    if kind in ("integer", "long"):
        return _json_integer
    if kind == "boolean":
        return _json_boolean
    if kind == "blob":
        return _json_blob
    return _json_number


def _json_string(value: Any, path: str) -> Any:
    if not isinstance(value, str):
        raise _type_error(path, "a string")
    return value


def _json_integer(value: Any, path: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _type_error(path, "an integer")
    return value


def _json_boolean(value: Any, path: str) -> Any:
    if not isinstance(value, bool):
        raise _type_error(path, "a boolean")
    return value


def _json_blob(value: Any, path: str) -> Any:
    if not isinstance(value, str):
        raise _type_error(path, "base64-encoded binary")
    return _decode_blob(value, path)


def _json_number(value: Any, path: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(path, "a number")
    return value


# --------------------------------------------------------------------------- query


def query_reader(shape: Shape, names: QueryNames = NO_QUERY_NAMES) -> QueryReader:
    """A reader that builds a document of ``shape`` from flat query keys under a prefix."""
    kind = shape.type_name
    if kind == "structure":
        return _query_structure(shape, names)
    if kind == "list":
        return _query_list(shape, names)
    if kind == "map":
        return _query_map(shape, names)
    return _query_scalar(kind)


def _query_structure(shape: Shape, names: QueryNames) -> QueryReader:
    members = [
        (name, names.member(shape.name, name), query_reader(ref, names), ref.type_name)
        for name, ref in shape.members.items()
    ]
    required = tuple(shape.required_members)
    # The query protocol cannot send an empty list: a required list that is absent is empty, so
    # the service answers as for [] (SQS: EmptyBatchRequest), not MissingParameter.
    lists = frozenset(name for name, ref in shape.members.items() if ref.type_name == "list")

    def read(form: Mapping[str, str], prefix: str) -> Any:
        out: dict[str, Any] = {}
        for name, wire, reader, kind in members:
            key = _join(prefix, wire)
            if kind in _SCALARS and key not in form:
                continue
            value = reader(form, key)
            if value is not None:
                out[name] = value
        for name in required:
            if name in lists and name not in out:
                out[name] = []
            elif name not in out:
                raise _missing(_join(prefix, names.member(shape.name, name)))
        return out if out or not prefix else None

    return read


def _query_list(shape: Shape, names: QueryNames) -> QueryReader:
    member = query_reader(shape.member, names)
    flattened = shape.name in names.flattened or bool(shape.serialization.get("flattened"))
    element = names.list_members.get(shape.name, "member")

    def read(form: Mapping[str, str], prefix: str) -> Any:
        if not flattened:
            base = f"{prefix}.{element}"
        elif element != "member":
            base = _renamed(prefix, element)  # botocore: a flattened list's items take its name
        else:
            base = prefix
        items = []
        index = 1
        while True:
            key = f"{base}.{index}"
            value = member(form, key) if _has_prefix(form, key) else None
            if value is None:
                break
            items.append(value)
            index += 1
        return items or None

    return read


def _renamed(prefix: str, name: str) -> str:
    """``prefix`` with its last part replaced by ``name`` (AttributeNames → AttributeName)."""
    head, dot, _ = prefix.rpartition(".")
    return f"{head}.{name}" if dot else name


def _query_map(shape: Shape, names: QueryNames) -> QueryReader:
    key_name, value_name = names.entry(shape.name)
    value_reader = query_reader(shape.value, names)
    flattened = shape.name in names.flattened or bool(shape.serialization.get("flattened"))

    def read(form: Mapping[str, str], prefix: str) -> Any:
        base = prefix if flattened else f"{prefix}.entry"
        out: dict[str, Any] = {}
        index = 1
        while (key := form.get(f"{base}.{index}.{key_name}")) is not None:
            value = value_reader(form, f"{base}.{index}.{value_name}")
            if value is not None:
                out[key] = value
            index += 1
        return out or None

    return read


def _has_prefix(form: Mapping[str, str], key: str) -> bool:
    if key in form:
        return True
    dotted = key + "."
    return any(k.startswith(dotted) for k in form)


def _query_scalar(kind: str) -> QueryReader:
    def read(form: Mapping[str, str], key: str) -> Any:
        raw = form.get(key)
        if raw is None:
            return None
        return _from_text(kind, raw, key)

    return read


def _from_text(kind: str, raw: str, path: str) -> Any:
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise _type_error(path, "an integer") from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise _type_error(path, "a boolean")
        return raw.lower() == "true"
    if kind == "blob":
        return _decode_blob(raw, path)
    if kind in ("double", "float", "timestamp"):
        try:
            return float(raw)
        except ValueError:
            raise _type_error(path, "a number") from None
    return raw
