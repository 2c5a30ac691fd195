"""Rule targets: their configuration as PutTargets gives it, checked and compiled once.

Checks that AWS makes at PutTargets (API reference ``PutTargets``/``Target``; messages in
:mod:`.errors`):

- at most one of ``Input``, ``InputPath`` and ``InputTransformer``;
- none of them when the target is an event bus ("Input, InputPath, and InputTransformer are not
  available with PutTarget if the target is an event bus of a different AWS account"; AWS answers
  "Modifying the input for target <id> is not supported", observed for same-account buses too);
- ``Input`` is JSON text; every JSON path compiles;
- a FIFO queue target names ``SqsParameters.MessageGroupId``.

``RetryPolicy`` defaults to 185 attempts and 86,400 seconds (API reference ``RetryPolicy``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from emulator.core.events.arns import split_arn, target_service
from emulator.core.events.errors import (
    INPUT_EXCLUSIVE,
    INPUT_NOT_JSON,
    INPUT_ON_BUS_TARGET,
    INPUT_PATH_INVALID,
    SQS_PARAMETERS_REQUIRED,
    EventsValidationError,
)
from emulator.core.events.limits import EventsLimits
from emulator.core.events.transform import (
    ConstantInput,
    InvalidPath,
    PathInput,
    Shaper,
    WholeEvent,
    compile_path,
    compile_template,
)

WHOLE_EVENT = WholeEvent()
_INPUT_KEYS = ("Input", "InputPath", "InputTransformer")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often a failed delivery is retried."""

    maximum_retry_attempts: int
    maximum_event_age: int


@dataclass(frozen=True, slots=True)
class Target:
    """One target of a rule. ``config`` is the Target structure as given, for ListTargetsByRule."""

    id: str
    arn: str
    service: str
    config: dict[str, Any]
    shaper: Shaper
    retry: RetryPolicy
    dead_letter_arn: str | None
    message_group_id: str | None
    fifo: bool


def parse_target(raw: dict[str, Any], limits: EventsLimits) -> Target:
    """A checked, compiled target; raises ``ValidationException`` as PutTargets does."""
    target_id, arn = raw["Id"], raw["Arn"]
    service = target_service(arn)
    fifo = service == "sqs" and _resource(arn).endswith(".fifo")
    group = (raw.get("SqsParameters") or {}).get("MessageGroupId")
    if fifo and not group:
        raise EventsValidationError(SQS_PARAMETERS_REQUIRED.format(id=target_id))
    return Target(
        id=target_id,
        arn=arn,
        service=service,
        config=raw,
        shaper=_shaper(raw, service),
        retry=_retry(raw.get("RetryPolicy") or {}, limits),
        dead_letter_arn=(raw.get("DeadLetterConfig") or {}).get("Arn"),
        message_group_id=group,
        fifo=fifo,
    )


def _resource(arn: str) -> str:
    parsed = split_arn(arn)
    return parsed[3] if parsed else ""


def _retry(raw: dict[str, Any], limits: EventsLimits) -> RetryPolicy:
    return RetryPolicy(
        raw.get("MaximumRetryAttempts", limits.default_retry_attempts),
        raw.get("MaximumEventAgeInSeconds", limits.default_event_age_seconds),
    )


def _shaper(raw: dict[str, Any], service: str) -> Shaper:
    target_id = raw["Id"]
    given = [key for key in _INPUT_KEYS if key in raw]
    if len(given) > 1:
        raise EventsValidationError(INPUT_EXCLUSIVE.format(id=target_id))
    if given and service == "events":
        raise EventsValidationError(INPUT_ON_BUS_TARGET.format(id=target_id))
    if "Input" in raw:
        return _constant(raw["Input"], target_id)
    if "InputPath" in raw:
        return PathInput(_path("InputPath", raw["InputPath"], target_id))
    if "InputTransformer" in raw:
        return _transformer(raw["InputTransformer"], target_id)
    return WHOLE_EVENT


def _constant(text: str, target_id: str) -> ConstantInput:
    try:
        json.loads(text)
    except ValueError:
        raise EventsValidationError(INPUT_NOT_JSON.format(id=target_id)) from None
    return ConstantInput(text)


def _path(name: str, path: str, target_id: str) -> Any:
    try:
        return compile_path(path)
    except InvalidPath:
        raise EventsValidationError(
            INPUT_PATH_INVALID.format(name=name, id=target_id, path=path)
        ) from None


def _transformer(raw: dict[str, Any], target_id: str) -> Shaper:
    paths: dict[str, str] = raw.get("InputPathsMap") or {}
    for name, path in paths.items():
        _path(f"InputPathsMap.{name}", path, target_id)
    return compile_template(paths, raw["InputTemplate"])
