"""Rules: a pattern compiled once at PutRule, or a schedule, plus up to five targets.

A rule routes when it has an event pattern and its state is not ``DISABLED``
(``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` routes too). Schedules are stored and
checked; firing them belongs to a later issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from emulator.core.events.arns import BusRef
from emulator.core.events.errors import SCHEDULE_INVALID, EventsValidationError
from emulator.core.events.targets import Target
from emulator.core.patterns import CompiledPattern

ENABLED = "ENABLED"
DISABLED = "DISABLED"

_RATE = re.compile(r"rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((.*)\)")


@dataclass(eq=False, slots=True)
class Rule:
    """One rule of one bus."""

    name: str
    bus: BusRef
    arn: str
    event_pattern: str | None
    compiled: CompiledPattern | None
    schedule: str | None
    state: str
    description: str | None
    role_arn: str | None
    created_by: str
    tags: dict[str, str] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)

    @property
    def routes(self) -> bool:
        """Whether events on the bus are matched against this rule."""
        return self.compiled is not None and self.state != DISABLED


def check_schedule(expression: str) -> None:
    """Refuse schedule expressions AWS refuses (``Parameter ScheduleExpression is not valid.``).

    ``rate(<n> <unit>)``: n a positive integer, unit minute(s)/hour(s)/day(s), singular exactly
    when n is 1, one space, nothing around it (LocalStack's AWS-validated cases agree).
    ``cron(<6 fields>)``: exactly one of day-of-month and day-of-week is ``?``.
    """
    if not (_valid_rate(expression) or _valid_cron(expression)):
        raise EventsValidationError(SCHEDULE_INVALID)


def _valid_rate(expression: str) -> bool:
    match = _RATE.fullmatch(expression)
    if match is None:
        return False
    value, unit = int(match.group(1)), match.group(2)
    return value > 0 and (value == 1) == (not unit.endswith("s"))


def _valid_cron(expression: str) -> bool:
    match = _CRON.fullmatch(expression)
    if match is None:
        return False
    fields = match.group(1).split()
    return len(fields) == 6 and (fields[2] == "?") != (fields[4] == "?")
