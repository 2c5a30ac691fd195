"""Rules: a pattern compiled once at PutRule, or a schedule, plus up to five targets.

A rule routes when it has an event pattern and its state is not ``DISABLED``
(``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` routes too). Schedules are parsed and fired
by :mod:`.schedules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from emulator.core.events.arns import BusRef
from emulator.core.events.schedules import parse_schedule
from emulator.core.events.targets import Target
from emulator.core.patterns import CompiledPattern

ENABLED = "ENABLED"
DISABLED = "DISABLED"


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
    """Refuse schedule expressions AWS refuses (``Parameter ScheduleExpression is not valid.``);
    the syntax is described in :mod:`.schedules`."""
    parse_schedule(expression)
