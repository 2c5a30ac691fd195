"""Test tooling: the ``eventbus`` pytest fixture and an in-process server for tests."""

from emulator.testing.client import EventBus
from emulator.testing.server import EmulatorServer, free_port, start_server

__all__ = ["EmulatorServer", "EventBus", "free_port", "start_server"]
