"""``Engine``: the compile/match protocol of ``shared/bench/matchbench.py`` (one rule at a time)."""

from __future__ import annotations

from emulator.core.patterns.compiler import CompiledPattern, Event, compile_pattern


class Engine:
    """``compile(text) -> CompiledPattern`` once per rule, ``match(compiled, event)`` per event."""

    @staticmethod
    def compile(pattern: str) -> CompiledPattern:
        """Parse and compile; raises :class:`InvalidPattern` if AWS would refuse the pattern."""
        return compile_pattern(pattern)

    @staticmethod
    def match(compiled: CompiledPattern, event: Event) -> bool:
        """Whether the event matches the compiled pattern."""
        return compiled.matches(event)
