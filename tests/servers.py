"""Real servers for tests: the package's own in-process server (see ``emulator.testing``)."""

from __future__ import annotations

from emulator.testing.server import EmulatorServer, free_port, start_server

RunningServer = EmulatorServer

__all__ = ["RunningServer", "free_port", "start_server"]
