"""The server's garbage-collector settings (run in a child process: they are process-wide)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import gc
from emulator.cli import GC_FIRST_THRESHOLD, _tune_gc
before = gc.get_threshold()
_tune_gc()
after = gc.get_threshold()
print(after[0] == GC_FIRST_THRESHOLD, after[1:] == before[1:], gc.get_freeze_count() > 0)
"""


def test_serving_freezes_the_startup_heap_and_collects_young_objects_less_often() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.split() == ["True", "True", "True"]
