"""Loading pattern case files: JSON lines whose content states the expected outcome.

Each line has ``case`` (a name), ``pattern`` (JSON) or ``pattern_text`` (raw text, for cases
JSON cannot express), ``event``, ``expected`` (``match``, ``no-match`` or ``invalid``), and
optionally ``reason`` (a substring of the expected InvalidPattern reason) and ``source``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CASES_DIR = Path(__file__).parent / "cases"
SHARED_CONFORMANCE = Path(__file__).parents[2].parent / "shared" / "conformance"


@dataclass(frozen=True)
class Case:
    """One case of a case file."""

    name: str
    pattern_text: str
    event: dict[str, Any]
    expected: str
    reason: str | None
    source: str | None


def load(path: Path) -> list[Case]:
    """Every case in a JSON-lines file."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            cases.append(_case(json.loads(line)))
    return cases


def _case(raw: dict[str, Any]) -> Case:
    text = raw["pattern_text"] if "pattern_text" in raw else json.dumps(raw["pattern"])
    reason, source = raw.get("reason"), raw.get("source")
    return Case(raw["case"], text, raw["event"], raw["expected"], reason, source)


def params(path: Path) -> list[Any]:
    """The cases of a file as pytest parameters named after them."""
    return [pytest.param(case, id=f"{path.stem}:{case.name}") for case in load(path)]
