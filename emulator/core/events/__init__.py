"""Amazon EventBridge semantics: buses, rules, targets, PutEvents and delivery. No wire formats.

:class:`EventsBackend` is the service; :mod:`.delivery` is the pipeline every event follows
(ingest → match → attempt per target → retry on the clock → dead-letter queue).
"""

from emulator.core.events.backend import EventsBackend
from emulator.core.events.limits import DEFAULT_LIMITS, EventsLimits

__all__ = ["DEFAULT_LIMITS", "EventsBackend", "EventsLimits"]
