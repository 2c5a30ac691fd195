"""``test-pattern``: the CLI's TestEventPattern, offline. The main CLI calls
:func:`test_pattern_command`; this module only reads files and prints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from emulator.core.patterns.compiler import compile_pattern
from emulator.core.patterns.errors import InvalidPattern

MATCH, NO_MATCH, INVALID = 0, 1, 2


def test_pattern_command(pattern_arg: str, event_arg: str) -> int:
    """Print ``match`` (0), ``no match`` (1), or why the pattern or event is invalid (2).

    Each argument is JSON text, or the path of a file holding it.
    """
    stream = sys.stdout
    try:
        compiled = compile_pattern(_read(pattern_arg))
        event = _event(_read(event_arg))
    except InvalidPattern as exc:
        print(exc.message, file=stream)
        return INVALID
    except ValueError as exc:
        print(f"Event is not valid: {exc}", file=stream)
        return INVALID
    matched = compiled.matches(event)
    print("match" if matched else "no match", file=stream)
    return MATCH if matched else NO_MATCH


test_pattern_command.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


def _read(arg: str) -> str:
    """The argument itself when it looks like JSON, else the text of the file it names."""
    if arg.lstrip()[:1] in ("{", "["):
        return arg
    path = Path(arg)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read {arg}: {exc.strerror}") from exc


def _event(text: str) -> dict[str, Any]:
    try:
        event = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from exc
    if not isinstance(event, dict):
        raise ValueError("an event is a JSON object")
    return event
