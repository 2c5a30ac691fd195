"""rules/ files: reading, validating (and the published JSON Schema), applying, hot reload.

:func:`load_rules` turns files into a validated :class:`RulesState` or raises
:class:`InvalidRules` listing every located problem; :class:`RulesFiles` applies states to the
running backends, re-applies them after a reset and reloads them when the files change;
:func:`json_schema` is what ``eventbus-emulator schema`` prints.
"""

from emulator.config.apply import Applier
from emulator.config.errors import InvalidRules, Problem
from emulator.config.model import RulesState, Scope
from emulator.config.reload import RulesFiles
from emulator.config.schema import json_schema
from emulator.config.validate import load_rules

__all__ = [
    "Applier",
    "InvalidRules",
    "Problem",
    "RulesFiles",
    "RulesState",
    "Scope",
    "json_schema",
    "load_rules",
]
