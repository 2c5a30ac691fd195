"""EventBridge's limits and delivery timings as one value (user guide, "EventBridge quotas")."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventsLimits:
    """Limits that shape behaviour; a test or a strictness mode builds another instance.

    ``max_request_bytes``: the total size of a PutEvents request's entries, counted as AWS counts
    it (user guide, "Calculating PutEvents event entry size"). ``max_bus_hops``: how many times an
    event may be forwarded from bus to bus; AWS allows one ("EventBridge can't route events
    received from a sender event bus to a third event bus", user guide, bus-to-bus page).

    Retries: AWS retries "for 24 hours and up to 185 times with an exponential back off and
    jitter" without publishing the schedule. Here the n-th retry waits
    ``min(cap, base * 2**(n-1))`` scaled by a jitter factor in [0.5, 1), derived from the event,
    target and attempt (not from a shared random stream), which spreads 185 attempts over about
    22 hours.
    """

    max_entries: int = 10
    max_request_bytes: int = 262_144
    targets_per_rule: int = 5
    max_bus_hops: int = 1
    default_retry_attempts: int = 185
    default_event_age_seconds: int = 86_400
    retry_base_seconds: float = 1.0
    retry_cap_seconds: float = 600.0


DEFAULT_LIMITS = EventsLimits()
