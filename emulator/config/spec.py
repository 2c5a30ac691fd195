"""A small vocabulary of value specifications that both check values and print JSON Schema.

Each :class:`Spec` answers two questions from the same fields: ``check`` (report every problem of
a value, by field path) and ``schema`` (the JSON Schema fragment an editor validates with). So the
published schema and the server's validation cannot drift apart.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.config.loader import FieldPath

Report = Callable[[FieldPath, str], None]
JsonSchema = dict[str, Any]
PLACEHOLDER_PATTERN = r".*\$\{AWS::[A-Za-z]+\}.*"


class Spec:
    """A value's shape. Subclasses define ``kind`` (for "must be …" messages)."""

    description: str = ""
    kind: str = "a value"

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` has this spec's JSON type (the rest is :meth:`check`'s business)."""
        return True

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        """Report each problem of ``value`` at the path of the field it is in.

        Here: only a value of the wrong type; specs with more rules extend this.
        """
        if not self.accepts(value):
            self._wrong_type(value, path, report)

    def schema(self) -> JsonSchema:
        """This spec as JSON Schema (draft 2020-12)."""
        return self._described({})

    def _described(self, schema: JsonSchema) -> JsonSchema:
        if self.description:
            return {"description": self.description, **schema}
        return schema

    def _wrong_type(self, value: Any, path: FieldPath, report: Report) -> None:
        if value is None:
            report(path, f"must be {self.kind}, not empty")
        elif isinstance(self, Text) and isinstance(value, int | float | bool):
            report(path, f"must be a string: quote the value ('{value}')")
        else:
            report(path, f"must be {self.kind}")


@dataclass(frozen=True)
class Text(Spec):
    """A string with optional length bounds, a full-match pattern or a set of values.

    In the JSON Schema, a pattern also admits values holding ``${AWS::…}`` placeholders: they are
    replaced before checking, so an editor must not flag them.
    """

    description: str = ""
    min_length: int = 0
    max_length: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()
    pattern_message: str = ""
    kind: str = "a string"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        if not isinstance(value, str):
            self._wrong_type(value, path, report)
        elif self.enum and value not in self.enum:
            report(path, f"must be one of {', '.join(self.enum)}{suggest(value, self.enum)}")
        elif len(value) < self.min_length:
            report(path, "must not be empty" if self.min_length == 1 else self._length_message())
        elif self.max_length is not None and len(value) > self.max_length:
            report(path, f"is {len(value)} characters long; {self._length_message()}")
        elif self.pattern and not re.fullmatch(self.pattern, value):
            report(path, self.pattern_message or f"must match {self.pattern}")

    def _length_message(self) -> str:
        if self.max_length is None:
            return f"must be at least {self.min_length} characters long"
        return f"must be {self.min_length} to {self.max_length} characters long"

    def schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "string"}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.min_length:
            out["minLength"] = self.min_length
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        if self.pattern:
            ecma = self.pattern.replace("\\_", "_")  # ECMA's unicode mode refuses \_
            out["pattern"] = f"^(?:{ecma}|{PLACEHOLDER_PATTERN})$"
        return self._described(out)


@dataclass(frozen=True)
class Integer(Spec):
    """A whole number (not a boolean) within optional bounds."""

    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    kind: str = "a whole number"
    json_type: str = "integer"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        if not self.accepts(value):
            self._wrong_type(value, path, report)
        elif (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            report(path, f"must be {self._range()}")

    def _range(self) -> str:
        if self.minimum is not None and self.maximum is not None:
            return f"from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"at least {self.minimum}"
        return f"at most {self.maximum}"

    def schema(self) -> JsonSchema:
        out: JsonSchema = {"type": self.json_type}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return self._described(out)


@dataclass(frozen=True)
class Number(Integer):
    """Any number (not a boolean) within optional bounds."""

    kind: str = "a number"
    json_type: str = "number"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Boolean(Spec):
    """``true`` or ``false``."""

    description: str = ""
    kind: str = "true or false"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, bool)

    def schema(self) -> JsonSchema:
        return self._described({"type": "boolean"})


@dataclass(frozen=True)
class Scalar(Spec):
    """A string, whole number or boolean, sent to AWS as text (queue attributes, tag values)."""

    description: str = ""
    max_length: int | None = None
    kind: str = "a string, number or boolean"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str | int | float | bool)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        if not self.accepts(value):
            self._wrong_type(value, path, report)
        elif self.max_length is not None and len(scalar_text(value)) > self.max_length:
            report(path, f"must be at most {self.max_length} characters long")

    def schema(self) -> JsonSchema:
        out: JsonSchema = {"type": ["string", "number", "boolean"]}
        if self.max_length is not None:
            out["maxLength"] = self.max_length
        return self._described(out)


def scalar_text(value: Any) -> str:
    """How a scalar is written in an AWS string parameter: ``true``, ``30``, ``text``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass(frozen=True)
class AnyObject(Spec):
    """Any mapping (an event pattern or input given as YAML rather than as JSON text)."""

    description: str = ""
    kind: str = "a mapping"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def schema(self) -> JsonSchema:
        return self._described({"type": "object"})


@dataclass(frozen=True)
class Record(Spec):
    """A mapping with known fields; others are refused (with a suggestion for typos)."""

    fields: Mapping[str, Spec] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    description: str = ""
    title: str = ""
    kind: str = "a mapping"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        if not isinstance(value, dict):
            self._wrong_type(value, path, report)
            return
        for key, item in value.items():
            spec = self.fields.get(key)
            if spec is None:
                report((*path, key), f"is not a known field{suggest(key, self.fields)}")
            else:
                spec.check(item, (*path, key), report)
        for name in self.required:
            if name not in value:
                report((*path, name), "is required")

    def schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "object"}
        if self.title:
            out["title"] = self.title
        out["properties"] = {name: spec.schema() for name, spec in self.fields.items()}
        if self.required:
            out["required"] = list(self.required)
        out["additionalProperties"] = False
        return self._described(out)


@dataclass(frozen=True)
class ListOf(Spec):
    """A list of items of one spec."""

    item: Spec
    description: str = ""
    min_items: int = 0
    max_items: int | None = None
    kind: str = "a list"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, list)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        if not isinstance(value, list):
            self._wrong_type(value, path, report)
            return
        if len(value) < self.min_items:
            report(path, f"must have at least {self.min_items} item(s)")
        if self.max_items is not None and len(value) > self.max_items:
            report(path, f"has {len(value)} items; at most {self.max_items} are allowed")
        for index, item in enumerate(value):
            self.item.check(item, (*path, index), report)

    def schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "array", "items": self.item.schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        if self.max_items is not None:
            out["maxItems"] = self.max_items
        return self._described(out)


@dataclass(frozen=True)
class MapOf(Spec):
    """A mapping from keys (checked by ``keys``) to values of one spec."""

    values: Spec
    keys: Text = field(default_factory=Text)
    description: str = ""
    max_properties: int | None = None
    key_kind: str = "name"
    kind: str = "a mapping"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, dict)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        if not isinstance(value, dict):
            self._wrong_type(value, path, report)
            return
        if self.max_properties is not None and len(value) > self.max_properties:
            report(path, f"has {len(value)} entries; at most {self.max_properties} are allowed")
        for key, item in value.items():
            if self.keys.enum and key not in self.keys.enum:
                hint = suggest(key, self.keys.enum)
                report((*path, key), f"is not a known {self.key_kind}{hint}")
                continue
            self.keys.check(key, (*path, key), report)
            self.values.check(item, (*path, key), report)

    def schema(self) -> JsonSchema:
        out: JsonSchema = {"type": "object", "additionalProperties": self.values.schema()}
        key_schema = {k: v for k, v in self.keys.schema().items() if k != "type"}
        if key_schema:
            out["propertyNames"] = key_schema
        if self.max_properties is not None:
            out["maxProperties"] = self.max_properties
        return self._described(out)


@dataclass(frozen=True)
class Choice(Spec):
    """One of several specs, chosen by the value's JSON type (a pattern as text or as YAML)."""

    options: tuple[Spec, ...]
    description: str = ""

    @property
    def kind(self) -> str:  # type: ignore[override]
        return " or ".join(option.kind for option in self.options)

    def accepts(self, value: Any) -> bool:
        return any(option.accepts(value) for option in self.options)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        for option in self.options:
            if option.accepts(value):
                option.check(value, path, report)
                return
        self._wrong_type(value, path, report)

    def schema(self) -> JsonSchema:
        return self._described({"anyOf": [option.schema() for option in self.options]})


@dataclass(frozen=True)
class Checked(Spec):
    """A spec with a further check, run when the value passed the spec itself.

    With ``always``, the check also runs on a mapping that failed the spec (it then reads only
    the fields that are well formed), so that one round of fixes can address every problem.
    """

    inner: Spec
    extra: Callable[[Any, FieldPath, Report], None]
    always: bool = False

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self.inner.kind

    def accepts(self, value: Any) -> bool:
        return self.inner.accepts(value)

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        problems: list[tuple[FieldPath, str]] = []
        self.inner.check(value, path, lambda p, r: problems.append((p, r)))
        for problem in problems:
            report(*problem)
        if not problems or (self.always and isinstance(value, dict)):
            self.extra(value, path, report)

    def schema(self) -> JsonSchema:
        return self.inner.schema()


@dataclass(frozen=True)
class Delegated(Spec):
    """``inner``'s schema, checked by another module's validator (the chaos configuration's)."""

    inner: Spec
    checker: Callable[[Any, FieldPath, Report], None]

    def check(self, value: Any, path: FieldPath, report: Report) -> None:
        self.checker(value, path, report)

    def schema(self) -> JsonSchema:
        return self.inner.schema()


def suggest(word: str, choices: Mapping[str, Any] | tuple[str, ...] | list[str]) -> str:
    """`` (did you mean "X"?)`` for the closest of ``choices`` (ignoring case), or nothing."""
    by_lower = {str(choice).lower(): str(choice) for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return f' (did you mean "{by_lower[close[0]]}"?)' if close else ""
