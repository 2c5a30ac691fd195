"""The ``endpoints:`` section of rules files: where targets outside the emulator are delivered.

It sets what ``--lambda-endpoint``, ``--stepfunctions-endpoint`` and ``--logs-dir`` (or their
``EVENTBUS_*`` variables) set; a setting given by a flag or variable wins over the files. The
section is read at start only: the target adapters are built once, with the emulator.
"""

from __future__ import annotations

from emulator.config.model import RulesState
from emulator.settings import Settings

MSG_RESTART = (
    "endpoints changed in the rules files; they are read at start only (restart the emulator)"
)


def with_file_endpoints(settings: Settings, state: RulesState) -> Settings:
    """``settings`` with the endpoints the files set where no flag or variable set them."""
    unset = {
        name: value for name, value in state.endpoints.items() if getattr(settings, name) is None
    }
    return settings.with_overrides(**unset)
