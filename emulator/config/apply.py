"""Applying rules-file state to the backends: the difference between the state applied last and
the new one (everything, at start and after a reset, when the state applied last is empty).

Queues that stay are changed in place with ``SetQueueAttributes``' semantics and never
recreated, so their messages survive every reload. Only what the files declared is touched:
attributes, tags and targets that the files never named (added through the API) are left alone,
except that a rule or bus the files no longer declare goes with everything on it.

Order: rules and targets are removed first, then API destinations, connections, buses and
queues; queues are created before the dead-letter queues they name get wired (``RedrivePolicy``
second, so that any order of files, even a cycle, works), then buses, connections, API
destinations, then rules and their targets. Every step runs without awaiting (one loop, no
locks); a step that fails is reported through ``on_error`` and the others go on.

A connection's ``AuthParameters`` are replaced whole by the files' (not merged, as
``UpdateConnection`` merges them). Connections and API destinations get an id (in their ARNs)
when created: rules files name them by name, and a target's ``Arn`` is replaced by the live ARN.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from emulator.config.errors import Problem
from emulator.config.model import (
    BusSpec,
    ConnectionSpec,
    DestinationSpec,
    Origin,
    QueueSpec,
    RuleSpec,
    RulesState,
    Scope,
    TargetSpec,
)
from emulator.core.clock import ManualClock
from emulator.core.errors import DomainError
from emulator.core.events.arns import BusRef
from emulator.core.events.backend import EventsBackend
from emulator.core.events.connections import DEFAULT_RATE, ApiDestination, Connection
from emulator.core.events.registry import RuleSpec as PutRuleSpec
from emulator.core.events.rules import Rule
from emulator.core.ids import IdFactory
from emulator.core.sqs.backend import SqsBackend
from emulator.core.sqs.queue import Queue
from emulator.core.sqs.timers import ManualTimers
from emulator.core.sqs.validation import KMS_DATA_KEY_REUSE_DEFAULT, default_attributes

OnError = Callable[[Origin | None, str], None]
REDRIVE = "RedrivePolicy"


@dataclass
class Applier:
    """Applies rules-file states to one emulator's SQS and EventBridge backends."""

    sqs: SqsBackend
    events: EventsBackend
    scope: Scope

    def apply(self, old: RulesState, new: RulesState, on_error: OnError) -> list[str]:
        """Make the backends hold ``new`` where they held ``old``; the changes made, as text."""
        run = _Run(self, on_error)
        run.remove_rules(old, new)
        run.remove_destinations(old, new)
        run.remove_connections(old, new)
        run.remove_buses(old, new)
        run.remove_queues(old, new)
        run.put_queues(old, new)
        run.put_buses(old, new)
        run.put_connections(old, new)
        run.put_destinations(old, new)
        run.put_rules(old, new)
        return run.changes


@dataclass
class _Run:
    applier: Applier
    on_error: OnError
    changes: list[str] = field(default_factory=list)

    @property
    def scope(self) -> tuple[str, str]:
        return (self.applier.scope.account, self.applier.scope.region)

    def attempt(self, origin: Origin | None, change: str, step: Callable[[], Any]) -> bool:
        try:
            step()
        except DomainError as exc:
            self.on_error(origin, exc.message)
            return False
        self.changes.append(change)
        return True

    # --- queues -------------------------------------------------------------------------------

    def queue(self, name: str) -> Queue | None:
        return self.applier.sqs.queues.get(self.scope, {}).get(name)

    def remove_queues(self, old: RulesState, new: RulesState) -> None:
        for name in sorted(old.queues.keys() - new.queues.keys()):
            queue = self.queue(name)
            if queue is not None:
                self.attempt(
                    old.queues[name].origin, f"-queue {name}", partial(self._delete, queue)
                )

    def _delete(self, queue: Queue) -> None:
        self.applier.sqs.delete_queue(queue)
        _forget_deletion(self.applier.sqs, queue.arn)

    def put_queues(self, old: RulesState, new: RulesState) -> None:
        for name, spec in new.queues.items():
            previous = old.queues.get(name)
            queue = self.queue(name)
            if queue is None:
                self.attempt(spec.origin, f"+queue {name}", partial(self._create, spec))
            elif spec != previous:
                step = partial(self._update, queue, spec, previous)
                self.attempt(spec.origin, f"~queue {name}", step)
        for name, spec in new.queues.items():
            queue = self.queue(name)
            if queue is not None:
                self._redrive(queue, spec, old.queues.get(name))

    def _create(self, spec: QueueSpec) -> None:
        attributes = {k: v for k, v in spec.attributes.items() if k != REDRIVE}
        self.applier.sqs.create_queue(self.scope, spec.name, attributes, spec.tags)

    def _update(self, queue: Queue, spec: QueueSpec, previous: QueueSpec | None) -> None:
        changes = _attribute_changes(queue.attributes, spec, previous)
        if changes:
            self.applier.sqs.set_attributes(queue, changes)
        stale = [key for key in (previous.tags if previous else {}) if key not in spec.tags]
        if stale:
            self.applier.sqs.untag_queue(queue, stale)
        if any(queue.tags.get(k) != v for k, v in spec.tags.items()):
            self.applier.sqs.tag_queue(queue, spec.tags)

    def _redrive(self, queue: Queue, spec: QueueSpec, previous: QueueSpec | None) -> None:
        wanted = spec.attributes.get(REDRIVE)
        if wanted is None and (previous is None or REDRIVE not in previous.attributes):
            return  # the files never set it: not theirs to change
        if queue.attributes.get(REDRIVE, "") != (wanted or ""):
            step = partial(self.applier.sqs.set_attributes, queue, {REDRIVE: wanted or ""})
            self.attempt(spec.origin, f"~queue {spec.name} {REDRIVE}", step)

    # --- buses --------------------------------------------------------------------------------

    def bus_ref(self, name: str) -> BusRef:
        return BusRef(self.applier.scope.account, self.applier.scope.region, name)

    def remove_buses(self, old: RulesState, new: RulesState) -> None:
        registry = self.applier.events.registry
        for name in sorted(old.buses.keys() - new.buses.keys()):
            if registry.find_bus(self.bus_ref(name)) is not None:
                step = partial(registry.delete_bus, self.bus_ref(name))
                self.attempt(old.buses[name].origin, f"-bus {name}", step)

    def put_buses(self, old: RulesState, new: RulesState) -> None:
        for name, spec in new.buses.items():
            previous = old.buses.get(name)
            exists = self.applier.events.registry.find_bus(self.bus_ref(name)) is not None
            if not exists:
                self.attempt(spec.origin, f"+bus {name}", partial(self._create_bus, spec))
            elif spec != previous:
                step = partial(self._update_bus, spec, previous)
                self.attempt(spec.origin, f"~bus {name}", step)

    def _create_bus(self, spec: BusSpec) -> None:
        registry = self.applier.events.registry
        registry.create_bus(self.bus_ref(spec.name), dict(spec.tags), description=spec.description)

    def _update_bus(self, spec: BusSpec, previous: BusSpec | None) -> None:
        bus = self.applier.events.registry.update_bus(
            self.bus_ref(spec.name), description=spec.description
        )
        _replace_tags(bus.tags, dict(spec.tags), dict(previous.tags) if previous else {})

    # --- connections and API destinations -----------------------------------------------------

    def connection(self, name: str) -> Connection | None:
        scope = self.applier.events.connections.scopes.get(self.scope)
        return scope.connections.get(name) if scope is not None else None

    def destination(self, name: str) -> ApiDestination | None:
        scope = self.applier.events.connections.scopes.get(self.scope)
        return scope.destinations.get(name) if scope is not None else None

    def remove_connections(self, old: RulesState, new: RulesState) -> None:
        store = self.applier.events.connections
        for name in sorted(old.connections.keys() - new.connections.keys()):
            if self.connection(name) is not None:
                step = partial(store.delete_connection, *self.scope, name)
                self.attempt(old.connections[name].origin, f"-connection {name}", step)

    def remove_destinations(self, old: RulesState, new: RulesState) -> None:
        store = self.applier.events.connections
        for name in sorted(old.api_destinations.keys() - new.api_destinations.keys()):
            if self.destination(name) is not None:
                step = partial(store.delete_destination, *self.scope, name)
                self.attempt(old.api_destinations[name].origin, f"-api-destination {name}", step)

    def put_connections(self, old: RulesState, new: RulesState) -> None:
        for name, spec in new.connections.items():
            exists = self.connection(name) is not None
            if not exists or spec != old.connections.get(name):
                change = f"{'~' if exists else '+'}connection {name}"
                self.attempt(spec.origin, change, partial(self._put_connection, spec, exists))

    def _put_connection(self, spec: ConnectionSpec, exists: bool) -> None:
        store, params = self.applier.events.connections, spec.params
        kind, auth = params["AuthorizationType"], params["AuthParameters"]
        if exists:
            connection = store.update_connection(*self.scope, spec.name, kind, auth)
            connection.auth = copy.deepcopy(auth)
        else:
            connection = store.create_connection(*self.scope, spec.name, kind, auth)
        connection.description = params.get("Description")

    def put_destinations(self, old: RulesState, new: RulesState) -> None:
        for name, spec in new.api_destinations.items():
            destination = self.destination(name)
            settings = self._destination_settings(spec)
            if destination is None:
                step = partial(self._create_destination, spec, settings)
                self.attempt(spec.origin, f"+api-destination {name}", step)
            elif spec != old.api_destinations.get(name) or (
                destination.connection_arn != settings["ConnectionArn"]
            ):
                update = partial(self._update_destination, spec, settings)
                self.attempt(spec.origin, f"~api-destination {name}", update)

    def _destination_settings(self, spec: DestinationSpec) -> dict[str, Any]:
        """CreateApiDestination's parameters, the connection's live ARN and defaults included
        (so that an update also undoes what the files stopped giving)."""
        connection = self.connection(spec.connection)
        return {
            **spec.params,
            "ConnectionArn": connection.arn if connection is not None else spec.connection,
            "InvocationRateLimitPerSecond": spec.params.get("InvocationRateLimitPerSecond")
            or DEFAULT_RATE,
            "Description": spec.params.get("Description"),
        }

    def _update_destination(self, spec: DestinationSpec, settings: dict[str, Any]) -> None:
        self.applier.events.connections.update_destination(*self.scope, spec.name, settings)

    def _create_destination(self, spec: DestinationSpec, settings: dict[str, Any]) -> None:
        self.applier.events.connections.create_destination(*self.scope, spec.name, settings)

    def target_params(self, target: TargetSpec) -> dict[str, Any]:
        """A target's PutTargets entry: an API destination's ``Arn`` is the live one."""
        destination = self.destination(target.destination) if target.destination else None
        if destination is None:
            return target.params
        return {**target.params, "Arn": destination.arn}

    def _stale_arns(self, spec: RuleSpec, rule: Rule | None) -> bool:
        """Whether a target of the rule names an API destination by an ARN no longer live
        (the destination was created again, with a new id)."""
        if rule is None:
            return False
        return any(
            t.destination is not None
            and t.id in rule.targets
            and rule.targets[t.id].arn != self.target_params(t)["Arn"]
            for t in spec.targets
        )

    # --- rules and targets --------------------------------------------------------------------

    def rule(self, bus: str, name: str) -> Rule | None:
        found = self.applier.events.registry.find_bus(self.bus_ref(bus))
        return found.rules.get(name) if found is not None else None

    def remove_rules(self, old: RulesState, new: RulesState) -> None:
        for key in sorted(old.rules.keys() - new.rules.keys()):
            spec = old.rules[key]
            rule = self.rule(*key)
            if rule is not None:
                step = partial(self._delete_rule, spec, rule)
                self.attempt(spec.origin, f"-rule {_label(spec)}", step)

    def _delete_rule(self, spec: RuleSpec, rule: Rule) -> None:
        registry = self.applier.events.registry
        ref = self.bus_ref(spec.bus)
        registry.remove_targets(ref, spec.name, list(rule.targets))
        registry.delete_rule(ref, spec.name)

    def put_rules(self, old: RulesState, new: RulesState) -> None:
        for key, spec in new.rules.items():
            previous = old.rules.get(key)
            rule = self.rule(*key)
            if rule is None or previous is None or spec.params != previous.params:
                change = f"{'+' if rule is None else '~'}rule {_label(spec)}"
                if not self.attempt(spec.origin, change, partial(self._put_rule, spec, previous)):
                    continue
            if spec != previous or rule is None or self._stale_arns(spec, rule):
                step = partial(self._put_targets, spec, previous)
                self.attempt(spec.origin, f"~targets {_label(spec)}", step)

    def _put_rule(self, spec: RuleSpec, previous: RuleSpec | None) -> None:
        params = spec.params
        tags = _tags(params.get("Tags"))
        put = PutRuleSpec(
            name=spec.name,
            event_pattern=params.get("EventPattern"),
            schedule=params.get("ScheduleExpression"),
            state=params.get("State"),
            description=params.get("Description"),
            role_arn=params.get("RoleArn"),
            tags=tags,
        )
        rule = self.applier.events.registry.put_rule(
            self.bus_ref(spec.bus), put, self.applier.scope.account
        )
        _replace_tags(rule.tags, tags, _tags(previous.params.get("Tags")) if previous else {})

    def _put_targets(self, spec: RuleSpec, previous: RuleSpec | None) -> None:
        registry = self.applier.events.registry
        ref = self.bus_ref(spec.bus)
        rule = registry.rule(ref, spec.name)
        before = {t.id: t for t in previous.targets} if previous else {}
        wanted = {t.id for t in spec.targets}
        stale = [target_id for target_id in before if target_id not in wanted]
        if stale:
            registry.remove_targets(ref, spec.name, stale)
        changed = [
            self.target_params(t)
            for t in spec.targets
            if before.get(t.id) != t
            or t.id not in rule.targets
            or rule.targets[t.id].arn != self.target_params(t)["Arn"]
        ]
        if changed:
            registry.put_targets(ref, spec.name, changed)


def _attribute_changes(
    current: dict[str, str], spec: QueueSpec, previous: QueueSpec | None
) -> dict[str, str]:
    """Attributes to set: those the files give that differ, and those they stopped giving
    (back to SQS's default, or ``""``, which removes a policy). ``RedrivePolicy`` is separate."""
    changes = {k: v for k, v in spec.attributes.items() if k != REDRIVE and current.get(k) != v}
    dropped = (previous.attributes.keys() if previous else set()) - spec.attributes.keys()
    for name in dropped - {REDRIVE, "FifoQueue"}:
        default = _reverted(name, spec.fifo)
        if current.get(name, "") != default:
            changes[name] = default
    return changes


def _reverted(name: str, fifo: bool) -> str:
    """The value that undoes an attribute: SQS's default, or ``""`` (no policy, no KMS key)."""
    if name == "KmsDataKeyReusePeriodSeconds":
        return KMS_DATA_KEY_REUSE_DEFAULT
    return default_attributes(fifo).get(name, "")


def _replace_tags(live: dict[str, str], wanted: dict[str, str], before: dict[str, str]) -> None:
    """Tags the files gave before and no longer give are removed; the wanted ones set."""
    for key in before.keys() - wanted.keys():
        live.pop(key, None)
    live.update(wanted)


def _tags(raw: Any) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in raw or ()}


def _label(spec: RuleSpec) -> str:
    return f"{spec.bus}/{spec.name}"


def _forget_deletion(sqs: SqsBackend, arn: str) -> None:
    """Let a queue the files removed be declared again at once.

    SQS refuses to re-create a queue name for 60 seconds after DeleteQueue (API Reference,
    CreateQueue); that hold is for API callers, not for someone editing a rules file.
    """
    sqs.allow_name_reuse(arn)


def dry_run(state: RulesState, scope: Scope) -> list[Problem]:
    """Apply ``state`` to throwaway backends: the problems the real ones would report.

    The backends' own validation is the last word; this is how the files are checked against
    it before anything is applied to the running emulator.
    """
    clock = ManualClock()
    ids = IdFactory(0)
    sqs = SqsBackend(clock, ids, ManualTimers(clock))
    events = EventsBackend(clock, ids, sqs)
    problems: list[Problem] = []

    def collect(origin: Origin | None, message: str) -> None:
        problems.append(problem_at(origin, message))

    Applier(sqs, events, scope).apply(RulesState(), state, collect)
    return problems


def problem_at(origin: Origin | None, message: str) -> Problem:
    """A problem located at an item (or nowhere in particular)."""
    if origin is None:
        return Problem("rules", 0, "", message)
    return Problem(origin.document.file, origin.line(), origin.label(), message)
