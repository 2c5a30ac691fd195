"""What a target receives: the event, ``Input``, ``InputPath`` or ``InputTransformer``.

Rules from the user guide ("Amazon EventBridge input transformation") and the API reference
(``InputTransformer``):

- JSON paths: dot notation with dashes, underscores and alphanumerics, array indices and ``*``
  wildcards; simple dotted paths are read directly, the rest through jsonpath-ng. A path that
  matches nothing defines no value; one that matches several gives the array of matches.
- A template that is a JSON object (surrounded by curly braces) is a JSON template: a placeholder
  in a value position gets the value as JSON (strings quoted), a placeholder inside a string
  literal gets the value's text unescaped ("EventBridge doesn't escape values extracted by Input
  Path"). A variable whose path matched nothing becomes ``null`` in a value position and the
  empty string inside a string. The result is minified when it is valid JSON.
- Any other template is a string template: every placeholder gets its text unescaped, the rest
  (quotes included) is kept as written, so ``"instance <i> is in <s>"`` yields
  ``"instance i-1 is in RUNNING"`` with its quotes.
- Predefined variables: ``aws.events.rule-arn``, ``aws.events.rule-name``,
  ``aws.events.event.ingestion-time`` (ISO 8601), ``aws.events.event`` (the event without its
  ``detail``) and ``aws.events.event.json`` (the whole event).
- ``InputPath`` sends the selected value as JSON (a string arrives quoted: ``"baz"``); a path that
  matches nothing sends ``null`` (unverified).
- ``Input`` is sent as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from jsonpath_ng.parser import parse as parse_jsonpath

from emulator.core.events.envelope import Event, format_time, to_json

_MISSING: Any = object()
_SIMPLE_PATH = re.compile(r"\$(?:\.[A-Za-z0-9_\-]+)*")
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")

Extractor = Callable[[Any], Any]  # event payload -> value, or _MISSING
PREDEFINED = (
    "aws.events.rule-arn",
    "aws.events.rule-name",
    "aws.events.event.ingestion-time",
    "aws.events.event",
    "aws.events.event.json",
)


class InvalidPath(ValueError):
    """A JSON path EventBridge would not accept."""


class Shaper(Protocol):
    """Turns an event into the text a target receives."""

    def render(self, event: Event, rule_name: str, rule_arn: str) -> str:
        """The payload for one delivery of ``event`` through the rule."""
        ...


def compile_path(path: str) -> Extractor:
    """An extractor for a JSON path; raises :class:`InvalidPath`."""
    if _SIMPLE_PATH.fullmatch(path):
        return _dotted(tuple(path.split(".")[1:]))
    try:
        expression = parse_jsonpath(path)
    except Exception as exc:  # jsonpath-ng raises several unrelated types
        raise InvalidPath(path) from exc

    def find(payload: Any) -> Any:
        matches = [m.value for m in expression.find(payload)]
        if not matches:
            return _MISSING
        return matches[0] if len(matches) == 1 else matches

    return find


def _dotted(keys: tuple[str, ...]) -> Extractor:
    def get(payload: Any) -> Any:
        value = payload
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return _MISSING
            value = value[key]
        return value

    return get


def _text(value: Any) -> str:
    """A value's text inside a string: strings as they are, everything else as JSON."""
    if value is _MISSING:
        return ""
    return value if isinstance(value, str) else to_json(value)


def _json_value(value: Any) -> str:
    return "null" if value is _MISSING else to_json(value)


class WholeEvent:
    """The default: the event itself."""

    def render(self, event: Event, rule_name: str, rule_arn: str) -> str:
        """The envelope as minified JSON."""
        return event.json


@dataclass(frozen=True, slots=True)
class ConstantInput:
    """``Input``: fixed JSON text; nothing from the event is passed."""

    text: str

    def render(self, event: Event, rule_name: str, rule_arn: str) -> str:
        """The constant text."""
        return self.text


@dataclass(frozen=True, slots=True)
class PathInput:
    """``InputPath``: the part of the event a JSON path selects."""

    extract: Extractor

    def render(self, event: Event, rule_name: str, rule_arn: str) -> str:
        """The selected value as JSON."""
        return _json_value(self.extract(event.payload))


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str
    in_string: bool


@dataclass(frozen=True, slots=True)
class TemplateInput:
    """``InputTransformer``: variables from JSON paths filled into a template."""

    paths: Mapping[str, Extractor]
    pieces: tuple[str | _Slot, ...]
    json_mode: bool

    def render(self, event: Event, rule_name: str, rule_arn: str) -> str:
        """The template with every known placeholder filled in."""
        values = self._values(event, rule_name, rule_arn)
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif piece.in_string or not self.json_mode:
                out.append(_slot_text(values[piece.name], piece.name, event))
            else:
                out.append(_json_value(values[piece.name]))
        text = "".join(out)
        return _minified(text) if self.json_mode else text

    def _values(self, event: Event, rule_name: str, rule_arn: str) -> dict[str, Any]:
        values = {name: extract(event.payload) for name, extract in self.paths.items()}
        values["aws.events.rule-arn"] = rule_arn
        values["aws.events.rule-name"] = rule_name
        values["aws.events.event.ingestion-time"] = format_time(int(event.ingested_at))
        values["aws.events.event"] = {k: v for k, v in event.payload.items() if k != "detail"}
        values["aws.events.event.json"] = event.payload
        return values


def _slot_text(value: Any, name: str, event: Event) -> str:
    if name == "aws.events.event.json":
        return event.json
    return _text(value)


def _minified(text: str) -> str:
    try:
        return to_json(json.loads(text))
    except ValueError:
        return text


def compile_template(paths: Mapping[str, str], template: str) -> TemplateInput:
    """An input transformer; raises :class:`InvalidPath` naming the first bad path."""
    extractors = {name: compile_path(path) for name, path in paths.items()}
    known = set(extractors) | set(PREDEFINED)
    strings = _string_mask(template)
    pieces: list[str | _Slot] = []
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        if match.group(1) not in known:
            continue
        pieces.append(template[last : match.start()])
        pieces.append(_Slot(match.group(1), strings[match.start()]))
        last = match.end()
    pieces.append(template[last:])
    json_mode = template.lstrip().startswith("{")
    return TemplateInput(extractors, tuple(p for p in pieces if p != ""), json_mode)


def _string_mask(template: str) -> list[bool]:
    """For each position, whether it lies inside a double-quoted string literal."""
    mask = []
    inside = escaped = False
    for char in template:
        mask.append(inside)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = inside
        elif char == '"':
            inside = not inside
    return mask
