"""EventBridge event patterns, with AWS's semantics (aws/event-ruler, EventBridge user guide).

Three stages: :func:`parse_pattern` (text -> typed :class:`Pattern` or :class:`InvalidPattern`),
:func:`compile_pattern` (once per rule -> :class:`CompiledPattern`), and matching
(``CompiledPattern.matches(event)``; for a whole bus, :class:`RuleIndex`). Beside them,
:func:`reference_matches` is the slow, obviously-correct matcher the fast paths are tested against.
"""

from __future__ import annotations

from emulator.core.patterns.compiler import CompiledPattern, compile_parsed, compile_pattern
from emulator.core.patterns.engine import Engine
from emulator.core.patterns.errors import InvalidPattern
from emulator.core.patterns.index import RuleIndex
from emulator.core.patterns.limits import DEFAULT_LIMITS, PatternLimits
from emulator.core.patterns.model import Pattern
from emulator.core.patterns.parser import parse_pattern
from emulator.core.patterns.reference import reference_matches

__all__ = [
    "DEFAULT_LIMITS",
    "CompiledPattern",
    "Engine",
    "InvalidPattern",
    "Pattern",
    "PatternLimits",
    "RuleIndex",
    "compile_parsed",
    "compile_pattern",
    "parse_pattern",
    "reference_matches",
]
