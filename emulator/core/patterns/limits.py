"""Limits on event patterns, as one value (strict by default, relaxable by the caller)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PatternLimits:
    """What a pattern may cost.

    ``max_chars`` is AWS's documented limit on ``EventPattern`` (PutRule API reference: length
    1-4096). ``max_fields`` is event-ruler's ``MAXIMUM_RULE_SIZE``: the paths one sub-rule
    (one ``$or`` combination) may name. AWS documents no nesting limit and no number for
    wildcard complexity, only that a "too complex" rule is refused (user guide,
    eb-create-pattern-operators, "wildcards and event pattern complexity"); ``max_depth``,
    ``max_branches`` and ``max_wildcard_complexity`` are ours, chosen so that every pattern AWS
    documents passes and that a 4096-character pattern cannot make the emulator explode ($or
    branches multiply). ``max_wildcard_complexity`` bounds how many wildcard states one value
    can keep alive at once (see :func:`emulator.core.patterns.wildcard.complexity`).
    """

    max_chars: int = 4096
    max_fields: int = 256
    max_depth: int = 64
    max_branches: int = 1024
    max_wildcard_complexity: int = 10


DEFAULT_LIMITS = PatternLimits()
