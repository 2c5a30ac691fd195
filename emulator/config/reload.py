"""Rules files at run time: applied at start, re-applied after a reset, reloaded when they change.

A change to any rules file (or a file added to or removed from a rules folder) re-reads and
re-validates *all* of them, as at start; a valid result is applied as a difference (see
:mod:`emulator.config.apply`), an invalid one is refused and logged and the running state stays
as it was. ``POST /_emulator/reset`` returns to the state of the files applied last.

The watcher is one asyncio task over ``watchfiles.awatch`` (inotify, FSEvents, …; set
``WATCHFILES_FORCE_POLLING=true`` where file events do not arrive, as on some Docker Desktop
mounts), started with the emulator and stopped with it. Reloads run on the event loop without
awaiting, like every other change of state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchfiles import Change, awatch

from emulator.config.apply import Applier, problem_at
from emulator.config.endpoints import MSG_RESTART
from emulator.config.errors import InvalidRules, Problem
from emulator.config.model import Origin, RulesState
from emulator.config.validate import load_rules

log = logging.getLogger("emulator.rules")

ChaosSink = Callable[[dict[str, Any] | None], None]
RETRY_WATCH_SECONDS = 1.0


class RulesFiles:
    """The rules files of one emulator and the state applied from them last."""

    def __init__(self, paths: tuple[str, ...], applier: Applier, on_chaos: ChaosSink) -> None:
        self.paths = paths
        self.scope = applier.scope
        self.applier = applier
        self.on_chaos = on_chaos
        self.state = RulesState()
        self.reloads = 0
        self._applied_once = False
        self.refused = 0
        self.last_error: str | None = None
        self.last_changes: list[str] = []
        self._stop: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # --- applying -----------------------------------------------------------------------------

    def apply(self, new: RulesState) -> list[Problem]:
        """Apply ``new`` over the state applied last; the problems of steps that failed.

        The files have passed validation and a dry run, so a step fails only when state made
        through the API is in the way (a sixth target on a rule, say); it is logged, kept in
        ``last_error``, and the other steps still run.
        """
        problems: list[Problem] = []
        changes = self.applier.apply(self.state, new, self._failed(problems))
        if new.chaos != self.state.chaos:
            self.on_chaos(new.chaos)
            changes.append("chaos replaced")
        if self._applied_once and new.endpoints != self.state.endpoints:
            log.warning("rules: %s", MSG_RESTART)
            changes.append(MSG_RESTART)
        self._applied_once = True
        self.state = new
        self.last_changes = changes
        self.last_error = "\n".join(str(p) for p in problems) or None
        return problems

    def reapply(self) -> None:
        """Apply the files' state again, onto backends that a reset has just cleared."""
        problems: list[Problem] = []
        self.applier.apply(RulesState(), self.state, self._failed(problems))
        self.last_error = "\n".join(str(p) for p in problems) or None

    @staticmethod
    def _failed(problems: list[Problem]) -> Callable[[Origin | None, str], None]:
        def failed(origin: Origin | None, message: str) -> None:
            problem = problem_at(origin, message)
            problems.append(problem)
            log.error("rules: could not apply %s", problem)

        return failed

    def reload(self) -> bool:
        """Re-read every file; apply the difference if they are valid, else keep the state."""
        try:
            new = load_rules(self.paths, self.scope)
        except InvalidRules as exc:
            self.refused += 1
            self.last_error = str(exc)
            log.warning("rules files refused; the running state is unchanged:\n%s", exc)
            return False
        self.apply(new)
        self.reloads += 1
        log.info("rules files reloaded: %s", ", ".join(self.last_changes) or "no change")
        return True

    def summary(self) -> dict[str, Any]:
        """What ``GET /_emulator/state`` shows under ``rules``."""
        return {
            **self.state.summary(),
            "reloads": self.reloads,
            "refused": self.refused,
            "last_error": self.last_error,
            "last_changes": self.last_changes,
        }

    # --- watching -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start watching the files (once the loop runs)."""
        if self.paths and self._task is None:
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self._watch(), name="rules-watcher")

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is None or self._stop is None:
            return
        self._stop.set()
        task, self._task = self._task, None
        await task

    async def _watch(self) -> None:
        assert self._stop is not None
        while not self._stop.is_set():
            try:
                await self._watch_once(self._stop)
            except Exception:  # a folder removed under the watcher, a full inotify table, …
                log.exception("rules: watching the files failed; retrying")
                await _sleep_unless(self._stop, RETRY_WATCH_SECONDS)

    async def _watch_once(self, stop: asyncio.Event) -> None:
        relevant = _relevance(self.paths)
        roots = sorted({str(p if p.is_dir() else p.parent) for p in map(Path, self.paths)})
        async for _changes in awatch(
            *roots, watch_filter=relevant, stop_event=stop, recursive=False
        ):
            self.reload()


def _relevance(paths: tuple[str, ...]) -> Callable[[Change, str], bool]:
    """Which changed paths matter: a named file, or anything directly in a named folder."""
    resolved = [Path(p).resolve() for p in paths]
    folders = {p for p in resolved if p.is_dir()}
    files = {p for p in resolved if not p.is_dir()}

    def relevant(change: Change, path: str) -> bool:
        changed = Path(path).resolve()
        return changed in files or changed.parent in folders

    return relevant


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        return
