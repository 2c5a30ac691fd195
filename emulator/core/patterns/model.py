"""The typed tree a pattern parses into, and its expansion into AND-only sub-rules.

A pattern is an ordered list of members, each either a field (a dotted path and the values that
may match there, OR-ed) or an ``$or`` group of alternative member lists. :func:`expand` turns the
tree into sub-rules exactly as event-ruler's ``JsonRuleCompiler`` does: members are applied in
document order, an ``$or`` forks every sub-rule built so far, and a path set again *replaces*
the earlier values in that sub-rule (event-ruler's "overriding"), so
``{"source": ["a"], "$or": [{"source": ["b"]}, ...]}`` has a branch where source is ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

JsonScalar: TypeAlias = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Exact:
    """Equal to ``value``: type-strict, numbers compared as doubles (``300`` = ``3e2``).

    A string that is an IPv4/IPv6 literal also matches the same address written differently
    (event-ruler turns such values into an address range).
    """

    value: JsonScalar


@dataclass(frozen=True, slots=True)
class Prefix:
    """A string starting with ``text`` (case-folded when ``ignore_case``)."""

    text: str
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class Suffix:
    """A string ending with ``text`` (case-folded when ``ignore_case``)."""

    text: str
    ignore_case: bool = False


@dataclass(frozen=True, slots=True)
class EqualsIgnoreCase:
    """A string equal to ``text`` ignoring case."""

    text: str


@dataclass(frozen=True, slots=True)
class Wildcard:
    """A string matching ``parts`` joined by ``*`` (zero or more characters).

    ``parts`` are the literal pieces between unescaped stars, escapes already resolved;
    ``"a*b"`` has parts ``("a", "b")``, ``"*"`` has ``("", "")``.
    """

    source: str
    parts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Numeric:
    """A JSON number within the range; ``None`` bounds are open-ended."""

    low: float | None
    low_inclusive: bool
    high: float | None
    high_inclusive: bool


@dataclass(frozen=True, slots=True)
class Cidr:
    """A string that is an IP address of ``version`` in ``[low, high]``.

    event-ruler takes ``low`` as the address written (host bits are not cleared) and ``high`` as
    that address with every host bit set.
    """

    source: str
    version: int
    low: int
    high: int


@dataclass(frozen=True, slots=True)
class Exists:
    """``exists: true`` (any leaf value is there) or ``exists: false`` (no leaf value there)."""

    present: bool


@dataclass(frozen=True, slots=True)
class AnythingBut:
    """Any leaf value that the inner test does not match; a missing field never matches.

    ``kind`` is ``"strings"``, ``"numbers"``, ``"prefix"``, ``"suffix"``,
    ``"equals-ignore-case"`` or ``"wildcard"``; ``values`` are its operands (strings, or
    numbers for ``"numbers"``); ``wildcards`` holds the parsed operands of ``"wildcard"``.
    """

    kind: str
    values: tuple[str | float, ...]
    wildcards: tuple[Wildcard, ...] = ()


Matcher: TypeAlias = (
    Exact | Prefix | Suffix | EqualsIgnoreCase | Wildcard | Numeric | Cidr | Exists | AnythingBut
)


@dataclass(frozen=True, slots=True)
class Field:
    """``path`` (dot-joined keys) matches when any of ``matchers`` does."""

    path: str
    matchers: tuple[Matcher, ...]


@dataclass(frozen=True, slots=True)
class OrGroup:
    """``$or``: each branch is a member list; the event must satisfy one of them."""

    branches: tuple[tuple[Member, ...], ...]


Member: TypeAlias = Field | OrGroup


@dataclass(frozen=True, slots=True)
class Pattern:
    """A parsed event pattern: its members in document order, and its source text."""

    members: tuple[Member, ...]
    text: str


SubRule: TypeAlias = dict[str, tuple[Matcher, ...]]


def expand(pattern: Pattern, max_branches: int | None = None) -> list[SubRule]:
    """The pattern as OR-ed sub-rules, each an AND of paths (see the module docstring).

    Raises :class:`OverflowError` when more than ``max_branches`` sub-rules would be built.
    """
    rules: list[SubRule] = []
    _apply(rules, pattern.members, max_branches)
    return rules


def _apply(rules: list[SubRule], members: tuple[Member, ...], limit: int | None) -> None:
    for member in members:
        if isinstance(member, Field):
            if not rules:
                rules.append({})
            for rule in rules:
                rule[member.path] = member.matchers
        else:
            _fork(rules, member, limit)


def _fork(rules: list[SubRule], group: OrGroup, limit: int | None) -> None:
    base = [dict(rule) for rule in rules] or [{}]
    rules.clear()
    for branch in group.branches:
        forked = [dict(rule) for rule in base]
        _apply(forked, branch, limit)
        rules.extend(forked)
        if limit is not None and len(rules) > limit:
            raise OverflowError(len(rules))
