"""Schedule expressions: parsing ``rate(...)`` and ``cron(...)`` and computing the next firing.

Syntax (EventBridge user guide, "Creating a rule that runs on a schedule" / "Schedule
expressions for rules"), all in UTC:

- ``rate(<value> <unit>)``: a positive integer and ``minute``/``hour``/``day`` (singular exactly
  when the value is 1, plural otherwise). The first firing is one period after the rule was
  created; it then fires every period.
- ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``: six fields; minutes 0-59,
  hours 0-23, day-of-month 1-31, month 1-12 or JAN-DEC, day-of-week 1-7 or SUN-SAT (1 is
  Sunday), year 1970-2199. Wildcards: ``,`` lists, ``-`` ranges, ``*`` all, ``/`` increments
  (``0/15``, ``*/5``, ``10-40/10``), ``?`` any (day-of-month or day-of-week, and exactly one of
  the two must be ``?``), ``L`` last (day-of-month: last day of the month; day-of-week: ``L`` is
  Saturday, ``5L`` the last Thursday of the month), ``W`` the weekday nearest a day of the
  month (``3W``, and ``LW`` the last weekday), ``#`` the n-th weekday of the month (``3#2``:
  the second Tuesday). Anything else is ``Parameter ScheduleExpression is not valid.``
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from emulator.core.events.arns import BusRef
from emulator.core.events.envelope import Event, format_time
from emulator.core.events.errors import SCHEDULE_INVALID, EventsValidationError
from emulator.core.events.scheduler import Scheduler
from emulator.core.ids import IdFactory

if TYPE_CHECKING:
    from emulator.core.events.rules import Rule

_RATE = re.compile(r"rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((.*)\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
DAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
LAST_YEAR = 2199
DISABLED_STATE = "DISABLED"


class InvalidSchedule(ValueError):
    """A field of a cron expression AWS would refuse."""


def invalid() -> EventsValidationError:
    """The one error AWS answers for any bad schedule expression."""
    return EventsValidationError(SCHEDULE_INVALID)


# --------------------------------------------------------------------------- rate
@dataclass(frozen=True, slots=True)
class RateSchedule:
    """Fires every ``period`` seconds counted from ``anchor`` (the rule's creation)."""

    period: int
    anchor: float = 0.0

    def next_after(self, moment: float) -> float | None:
        """The first firing strictly after ``moment``."""
        steps = math.floor((moment - self.anchor) / self.period) + 1
        return self.anchor + max(1, steps) * self.period

    def anchored(self, anchor: float) -> RateSchedule:
        """The same rate, counted from ``anchor``."""
        return RateSchedule(self.period, anchor)


def parse_rate(expression: str) -> RateSchedule | None:
    """The rate schedule, None if ``expression`` is not ``rate(...)``; invalid ones raise."""
    if not expression.startswith("rate("):
        return None
    match = _RATE.fullmatch(expression)
    if match is None:
        raise invalid()
    value, unit = int(match.group(1)), match.group(2)
    if value <= 0 or (value == 1) != (not unit.endswith("s")):
        raise invalid()
    return RateSchedule(value * _UNIT_SECONDS[unit.rstrip("s")])


# --------------------------------------------------------------------------- cron fields
def _number(text: str, low: int, high: int, names: dict[str, int] | None = None) -> int:
    if names is not None and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise InvalidSchedule(text)
    value = int(text)
    if not low <= value <= high:
        raise InvalidSchedule(text)
    return value


def _values(part: str, low: int, high: int, names: dict[str, int] | None) -> set[int]:
    """One comma-separated item: ``*``, ``n``, ``a-b``, each with an optional ``/step``."""
    base, slash, step_text = part.partition("/")
    step = _number(step_text, 1, high) if slash else 1
    if base == "*":
        first, last = low, high
    elif "-" in base:
        start, _, end = base.partition("-")
        first, last = _number(start, low, high, names), _number(end, low, high, names)
        if first > last:
            raise InvalidSchedule(part)
    else:
        first = _number(base, low, high, names)
        last = high if slash else first
    return set(range(first, last + 1, step))


def parse_field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    """The values a plain cron field (lists, ranges, increments, names) allows."""
    values: set[int] = set()
    for part in text.split(","):
        values |= _values(part, low, high, names)
    return values


@dataclass(slots=True)
class DayOfMonth:
    """Day-of-month: plain days, ``L``, ``LW`` and ``nW``."""

    days: set[int] = field(default_factory=set)
    last: bool = False
    last_weekday: bool = False
    nearest_weekday: set[int] = field(default_factory=set)

    def matches(self, day: date) -> bool:
        """Whether ``day`` is one of this field's days."""
        length = calendar.monthrange(day.year, day.month)[1]
        if day.day in self.days or (self.last and day.day == length):
            return True
        if self.last_weekday and day == _nearest_weekday(day.year, day.month, length):
            return True
        return any(day == _nearest_weekday(day.year, day.month, n) for n in self.nearest_weekday)


def _nearest_weekday(year: int, month: int, wanted: int) -> date | None:
    """The weekday nearest day ``wanted`` of the month, never crossing into another month."""
    length = calendar.monthrange(year, month)[1]
    if wanted > length:
        return None
    day = date(year, month, wanted)
    if day.weekday() == 5:  # Saturday: the Friday before, or the Monday after the 1st
        return day - timedelta(days=1) if wanted > 1 else day + timedelta(days=2)
    if day.weekday() == 6:  # Sunday: the Monday after, or the Friday before the last day
        return day + timedelta(days=1) if wanted < length else day - timedelta(days=2)
    return day


def parse_day_of_month(text: str) -> DayOfMonth:
    """Day-of-month with ``L``, ``LW`` and ``nW``."""
    parsed = DayOfMonth()
    for part in text.split(","):
        if part == "L":
            parsed.last = True
        elif part == "LW":
            parsed.last_weekday = True
        elif part.endswith("W"):
            parsed.nearest_weekday.add(_number(part[:-1], 1, 31))
        else:
            parsed.days |= _values(part, 1, 31, None)
    return parsed


@dataclass(slots=True)
class DayOfWeek:
    """Day-of-week (1 = Sunday): plain days, ``nL`` (last n-day) and ``n#k`` (k-th n-day)."""

    days: set[int] = field(default_factory=set)
    last_of: set[int] = field(default_factory=set)
    nth: set[tuple[int, int]] = field(default_factory=set)

    def matches(self, day: date) -> bool:
        """Whether ``day`` is one of this field's days."""
        weekday = (day.weekday() + 1) % 7 + 1  # Monday (0) -> 2, Sunday (6) -> 1
        if weekday in self.days:
            return True
        length = calendar.monthrange(day.year, day.month)[1]
        if weekday in self.last_of and day.day + 7 > length:
            return True
        return (weekday, (day.day - 1) // 7 + 1) in self.nth


def parse_day_of_week(text: str) -> DayOfWeek:
    """Day-of-week with ``L``, ``nL`` and ``n#k``."""
    parsed = DayOfWeek()
    for part in text.split(","):
        if part == "L":
            parsed.days.add(7)
        elif part.endswith("L"):
            parsed.last_of.add(_number(part[:-1], 1, 7, DAYS))
        elif "#" in part:
            day, _, nth = part.partition("#")
            parsed.nth.add((_number(day, 1, 7, DAYS), _number(nth, 1, 5)))
        else:
            parsed.days |= _values(part, 1, 7, DAYS)
    return parsed


# --------------------------------------------------------------------------- cron
@dataclass(slots=True)
class CronSchedule:
    """A six-field AWS cron expression, in UTC."""

    minutes: list[int]
    hours: list[int]
    months: set[int]
    years: set[int]
    day_matches: Callable[[date], bool]

    def next_after(self, moment: float) -> float | None:
        """The first firing strictly after ``moment``; None when the years run out."""
        start = datetime.fromtimestamp(math.floor(moment / 60) * 60 + 60, UTC)
        day = start.date()
        while day.year <= LAST_YEAR:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
            elif day.month not in self.months:
                day = _next_month(day)
            else:
                found = self._on(day, start)
                if found is not None:
                    return found
                day += timedelta(days=1)
        return None

    def _on(self, day: date, start: datetime) -> float | None:
        if not self.day_matches(day):
            return None
        for hour in self.hours:
            for minute in self.minutes:
                moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                if moment >= start:
                    return moment.timestamp()
        return None


def _next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def parse_cron(expression: str) -> CronSchedule | None:
    """The cron schedule, None if ``expression`` is not ``cron(...)``; invalid ones raise."""
    if not expression.startswith("cron("):
        return None
    match = _CRON.fullmatch(expression)
    if match is None:
        raise invalid()
    fields = match.group(1).split(" ")
    if len(fields) != 6 or (fields[2] == "?") == (fields[4] == "?"):
        raise invalid()
    try:
        return _cron(fields)
    except InvalidSchedule:
        raise invalid() from None


def _cron(fields: list[str]) -> CronSchedule:
    minute, hour, dom, month, dow, year = fields
    if dom == "?":
        days: Callable[[date], bool] = parse_day_of_week(dow).matches
    else:
        days = parse_day_of_month(dom).matches
    return CronSchedule(
        sorted(parse_field(minute, 0, 59)),
        sorted(parse_field(hour, 0, 23)),
        parse_field(month, 1, 12, MONTHS),
        parse_field(year, 1970, LAST_YEAR),
        days,
    )


Schedule = RateSchedule | CronSchedule


def parse_schedule(expression: str) -> Schedule:
    """The schedule an expression describes, or ``ValidationException`` as AWS answers it."""
    schedule: Schedule | None = parse_rate(expression) or parse_cron(expression)
    if schedule is None:
        raise invalid()
    return schedule


# --------------------------------------------------------------------------- firing
class RuleLookup(Protocol):
    """Where the runner checks that a rule still exists (the registry)."""

    def find_bus(self, ref: BusRef) -> Any:
        """The bus, or None."""
        ...


class RuleDelivery(Protocol):
    """How a scheduled event reaches the rule's targets (the dispatcher)."""

    def deliver_to_rule(self, event: Event, rule: Rule) -> None:
        """Attempt every target of ``rule`` with ``event``."""
        ...


@dataclass(eq=False, slots=True)
class _Armed:
    rule: Rule
    schedule: Schedule


class ScheduleRunner:
    """Fires scheduled rules on the scheduler's clock.

    Each stored rule object with a schedule has one chain of timed jobs: a job fires the rule
    (if it is not ``DISABLED``) and arms the next firing. The chain ends once the rule object is
    no longer the bus's rule of that name (deleted, or replaced by a PutRule that armed its own
    chain). A clock moved past several firings fires each of them, in order, each with its own
    scheduled ``time``.
    """

    def __init__(
        self, scheduler: Scheduler, rules: RuleLookup, delivery: RuleDelivery, ids: IdFactory
    ) -> None:
        self.scheduler = scheduler
        self.rules = rules
        self.delivery = delivery
        self.ids = ids

    def arm(self, rule: Rule) -> None:
        """Start firing ``rule`` if it has a schedule (called for every stored rule)."""
        if rule.schedule is None:
            return
        now = self.scheduler.clock.now()
        schedule = parse_schedule(rule.schedule)
        if isinstance(schedule, RateSchedule):
            schedule = schedule.anchored(now)
        self._next(_Armed(rule, schedule), now)

    def _next(self, armed: _Armed, after: float) -> None:
        due = armed.schedule.next_after(after)
        if due is not None:
            self.scheduler.at(due, self._fire, (armed, due))

    def _fire(self, job: tuple[_Armed, float]) -> None:
        armed, due = job
        rule = armed.rule
        bus = self.rules.find_bus(rule.bus)
        if bus is None or bus.rules.get(rule.name) is not rule:
            return
        if rule.state != DISABLED_STATE:
            self.delivery.deliver_to_rule(self.event(rule, due), rule)
        self._next(armed, due)

    def event(self, rule: Rule, due: float) -> Event:
        """The ``Scheduled Event`` EventBridge sends for a firing at ``due`` (user guide,
        "Creating a rule that runs on a schedule": source ``aws.events``, detail ``{}``)."""
        event_id = self.ids.uuid()
        payload = {
            "version": "0",
            "id": event_id,
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": rule.bus.account,
            "time": format_time(int(due)),
            "region": rule.bus.region,
            "resources": [rule.arn],
            "detail": {},
        }
        return Event(event_id, payload, self.scheduler.clock.now())
