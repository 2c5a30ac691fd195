"""Checks of one item beyond its shape, each by the module that owns the semantics.

Queue names and attributes go through :mod:`emulator.core.sqs.validation` (AWS's messages),
event patterns through the pattern engine, chaos through :func:`parse_chaos`, schedules, input
options and JSON paths through :mod:`emulator.core.events` (with EventBridge's messages). Checks
that need other items (references, duplicates) are in :mod:`emulator.config.validate`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from emulator.config.loader import FieldPath, parse_field_path
from emulator.config.spec import Report, scalar_text
from emulator.core.chaos import InvalidChaosConfig, parse_chaos
from emulator.core.errors import DomainError
from emulator.core.events.arns import DEFAULT_BUS
from emulator.core.events.connections import AUTH_MEMBER, AUTH_PARAMETERS_MISSING
from emulator.core.events.errors import (
    INPUT_EXCLUSIVE,
    INPUT_NOT_JSON,
    INPUT_PATH_INVALID,
    SCHEDULE_ON_CUSTOM_BUS,
)
from emulator.core.events.rules import check_schedule
from emulator.core.events.transform import InvalidPath, compile_path
from emulator.core.patterns import InvalidPattern, parse_pattern
from emulator.core.patterns.errors import MESSAGE_PREFIX
from emulator.core.sqs.validation import (
    QUEUE_ATTRIBUTE_RULES,
    check_attribute_combinations,
    check_queue_name,
    queue_attribute_rule,
)

INPUT_OPTIONS = ("Input", "InputPath", "InputTransformer")
MSG_PATTERN_OR_SCHEDULE = "is required when the rule has no ScheduleExpression"
MSG_SCHEDULE_HINT = " Write rate(5 minutes) or cron(0 12 * * ? *)."
_ATTRIBUTE_TYPES = (str, int, float, bool, dict)
MSG_FIFO_NAME_HINT = " (a FIFO queue also needs Attributes: {FifoQueue: true})"


def attribute_text(value: Any) -> str:
    """A queue attribute as CreateQueue takes it: objects as compact JSON, scalars as text."""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return scalar_text(value)


def is_fifo(queue: dict[str, Any]) -> bool:
    """Whether a queue item asks for a FIFO queue (``Attributes.FifoQueue`` true)."""
    attributes = queue.get("Attributes")
    if not isinstance(attributes, dict):
        return False
    return attribute_text(attributes.get("FifoQueue", "")).lower() == "true"


def check_queue(item: dict[str, Any], path: FieldPath, report: Report) -> None:
    """The queue's name and attributes, as CreateQueue would judge them.

    Runs on malformed items too (``Checked(always=True)``): fields of the wrong type, and
    attribute names the spec refuses, have been reported already and are skipped.
    """
    fifo = is_fifo(item)
    name = item.get("QueueName")
    if isinstance(name, str):
        try:
            check_queue_name(name, fifo=fifo)
        except DomainError as exc:
            hint = MSG_FIFO_NAME_HINT if name.endswith(".fifo") and not fifo else ""
            report((*path, "QueueName"), exc.message + hint)
    attributes = item.get("Attributes")
    if isinstance(attributes, dict):
        _check_attributes(attributes, fifo, (*path, "Attributes"), report)


def _check_attributes(
    attributes: dict[str, Any], fifo: bool, path: FieldPath, report: Report
) -> None:
    canonical: dict[str, str] = {}
    for key, value in attributes.items():
        if key not in QUEUE_ATTRIBUTE_RULES or not isinstance(
            value, str | int | float | bool | dict
        ):
            continue
        try:
            rule = queue_attribute_rule(key, fifo)
            canonical[key] = rule(key, attribute_text(value), fifo, True)
        except DomainError as exc:
            report((*path, key), exc.message)
    try:
        check_attribute_combinations(canonical)
    except DomainError as exc:
        report(path, exc.message)


def pattern_text(value: Any) -> str:
    """An ``EventPattern`` as PutRule takes it: JSON text."""
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def check_pattern(value: Any, path: FieldPath, report: Report) -> None:
    """The pattern engine's verdict; for a pattern written as YAML, at the field at fault."""
    try:
        parse_pattern(pattern_text(value))
    except InvalidPattern as exc:
        if isinstance(value, dict):
            report((*path, *parse_field_path(exc.path)), MESSAGE_PREFIX + exc.reason)
        else:
            report(path, exc.message)


def check_rule(item: dict[str, Any], path: FieldPath, report: Report) -> None:
    """A pattern or a schedule; schedules only on the default bus; distinct target ids.

    Runs on malformed items too (``Checked(always=True)``), reading well-formed fields only.
    """
    schedule = item.get("ScheduleExpression")
    if "EventPattern" not in item and schedule is None:
        report((*path, "EventPattern"), MSG_PATTERN_OR_SCHEDULE)
    bus = item.get("EventBusName")
    if isinstance(schedule, str) and isinstance(bus, str | None):
        _check_schedule(schedule, bus_name(bus), path, report)
    targets = item.get("Targets")
    seen: dict[str, int] = {}
    for index, target in enumerate(targets if isinstance(targets, list) else []):
        target_id = target.get("Id") if isinstance(target, dict) else None
        if not isinstance(target_id, str):
            continue
        first = seen.setdefault(target_id, index)
        if first != index:
            message = f'duplicates the Id of Targets[{first}] ("{target_id}")'
            report((*path, "Targets", index, "Id"), message)


def bus_name(value: str | None) -> str:
    """The bus an ``EventBusName`` (a name or an ARN) names; the default bus when absent."""
    if not value:
        return DEFAULT_BUS
    _, marker, name = value.partition(":event-bus/")
    return name if marker and value.startswith("arn:") else value


def _check_schedule(schedule: str, bus: str, path: FieldPath, report: Report) -> None:
    where = (*path, "ScheduleExpression")
    try:
        check_schedule(schedule)
    except DomainError as exc:
        report(where, exc.message + MSG_SCHEDULE_HINT)
        return
    if bus != DEFAULT_BUS:
        report(where, SCHEDULE_ON_CUSTOM_BUS)


def check_target(item: dict[str, Any], path: FieldPath, report: Report) -> None:
    """What PutTargets checks of one target alone, with its messages (``emulator.core.events``).

    One input option at most; ``Input`` is JSON text; every JSON path compiles. What depends on
    the resource the ARN names (FIFO queues, buses) is checked with the references.
    """
    target_id = item["Id"]
    given = [name for name in INPUT_OPTIONS if name in item]
    if len(given) > 1:
        report((*path, given[1]), INPUT_EXCLUSIVE.format(id=target_id))
    text = item.get("Input")
    if isinstance(text, str):
        try:
            json.loads(text)
        except ValueError:
            report((*path, "Input"), INPUT_NOT_JSON.format(id=target_id))
    if "InputPath" in item:
        _check_path("InputPath", item["InputPath"], target_id, (*path, "InputPath"), report)
    paths = (item.get("InputTransformer") or {}).get("InputPathsMap") or {}
    for name, value in paths.items():
        at = (*path, "InputTransformer", "InputPathsMap", name)
        _check_path(f"InputPathsMap.{name}", value, target_id, at, report)


def _check_path(name: str, value: str, target_id: str, at: FieldPath, report: Report) -> None:
    try:
        compile_path(value)
    except InvalidPath:
        report(at, INPUT_PATH_INVALID.format(name=name, id=target_id, path=value))


def check_chaos(value: Any, path: FieldPath, report: Report) -> None:
    """The chaos section, by the chaos module's own validation (it names the field at fault)."""
    try:
        parse_chaos(value, where="chaos")
    except InvalidChaosConfig as exc:
        report((*path, *parse_field_path(exc.field)[1:]), exc.reason)


MSG_URL = "must be an http:// or https:// URL, such as http://127.0.0.1:3001"


def check_url(value: str, path: FieldPath, report: Report) -> None:
    """An endpoint the emulator calls: http or https, with a host."""
    parsed = urlsplit(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        report(path, MSG_URL)


def check_connection(item: dict[str, Any], path: FieldPath, report: Report) -> None:
    """``AuthParameters`` holds the member its ``AuthorizationType`` needs (CreateConnection).

    Runs on malformed items too (``Checked(always=True)``), reading well-formed fields only.
    """
    kind, auth = item.get("AuthorizationType"), item.get("AuthParameters")
    if kind in AUTH_MEMBER and isinstance(auth, dict) and AUTH_MEMBER[kind] not in auth:
        message = AUTH_PARAMETERS_MISSING.format(type=kind)
        report((*path, "AuthParameters", AUTH_MEMBER[kind]), f"is required: {message}")
