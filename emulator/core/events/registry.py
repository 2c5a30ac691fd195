"""Buses, rules, targets, tags and bus policies of every account and region.

The ``default`` bus exists in every account and region: it is created the first time a scope is
touched. Every method runs to completion without awaiting, so the one loop needs no locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from emulator.core.clock import Clock
from emulator.core.errors import ResourceNotFound
from emulator.core.events.arns import DEFAULT_BUS, BusRef, RuleRef, resource_ref, rule_arn
from emulator.core.events.buses import EventBus
from emulator.core.events.errors import (
    BUS_EXISTS,
    DEFAULT_BUS_UNDELETABLE,
    PATTERN_OR_SCHEDULE,
    RULE_HAS_TARGETS,
    SCHEDULE_ON_CUSTOM_BUS,
    STATEMENT_NOT_FOUND,
    TOO_MANY_TARGETS,
    EventBusNotFound,
    EventsValidationError,
    LimitExceeded,
    ResourceAlreadyExists,
    RuleNotFound,
)
from emulator.core.events.limits import EventsLimits
from emulator.core.events.rules import ENABLED, Rule, check_schedule
from emulator.core.events.targets import Target, parse_target
from emulator.core.patterns import compile_pattern

Scope = tuple[str, str]  # (account, region)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What PutRule asks for."""

    name: str
    event_pattern: str | None = None
    schedule: str | None = None
    state: str | None = None
    description: str | None = None
    role_arn: str | None = None
    tags: Mapping[str, str] | None = None


class Registry:
    """All EventBridge resources, by (account, region)."""

    def __init__(self, clock: Clock, limits: EventsLimits) -> None:
        self.clock = clock
        self.limits = limits
        self.scopes: dict[Scope, dict[str, EventBus]] = {}
        self.on_rule: Callable[[Rule], None] | None = None  # told of every stored rule

    def clear(self) -> None:
        """Forget everything."""
        self.scopes.clear()

    # ------------------------------------------------------------------ buses
    def buses(self, account: str, region: str) -> dict[str, EventBus]:
        """The buses of a scope, its default bus created on first use."""
        scope = self.scopes.get((account, region))
        if scope is None:
            now = self.clock.now()
            default = EventBus(BusRef(account, region, DEFAULT_BUS), now, now)
            scope = self.scopes[(account, region)] = {DEFAULT_BUS: default}
        return scope

    def find_bus(self, ref: BusRef) -> EventBus | None:
        """The bus, or None."""
        scope = self.scopes.get((ref.account, ref.region))
        if scope is None:
            return None
        return scope.get(ref.name)

    def bus(self, ref: BusRef) -> EventBus:
        """The bus, or ``ResourceNotFoundException``."""
        bus = self.buses(ref.account, ref.region).get(ref.name)
        if bus is None:
            raise EventBusNotFound(ref.name)
        return bus

    def create_bus(self, ref: BusRef, tags: Mapping[str, str], **settings: Any) -> EventBus:
        """A new custom bus; ``settings``: description, kms_key, dead_letter, log_config."""
        scope = self.buses(ref.account, ref.region)
        if ref.name in scope:
            raise ResourceAlreadyExists(BUS_EXISTS.format(name=ref.name))
        now = self.clock.now()
        bus = EventBus(ref, now, now, tags=dict(tags), **settings)
        scope[ref.name] = bus
        return bus

    def update_bus(self, ref: BusRef, **settings: Any) -> EventBus:
        """Change a bus's description, KMS key, dead-letter or log settings."""
        bus = self.bus(ref)
        for name, value in settings.items():
            if value is not None:
                setattr(bus, name, value)
        bus.modified = self.clock.now()
        return bus

    def delete_bus(self, ref: BusRef) -> None:
        """Delete a custom bus and its rules; deleting one that does not exist succeeds."""
        if ref.name == DEFAULT_BUS:
            raise EventsValidationError(DEFAULT_BUS_UNDELETABLE)
        self.buses(ref.account, ref.region).pop(ref.name, None)

    def list_buses(self, account: str, region: str, prefix: str = "") -> list[EventBus]:
        """Buses whose name starts with ``prefix``, by name."""
        scope = self.buses(account, region)
        return [scope[n] for n in sorted(scope) if n.startswith(prefix)]

    # ------------------------------------------------------------------ rules
    def put_rule(self, ref: BusRef, spec: RuleSpec, caller: str) -> Rule:
        """Create or update a rule; its targets and tags survive an update."""
        bus = self.bus(ref)
        compiled = self._check_rule(ref, spec)
        old = bus.rules.get(spec.name)
        rule = Rule(
            name=spec.name,
            bus=ref,
            arn=rule_arn(ref.account, ref.region, ref.name, spec.name),
            event_pattern=spec.event_pattern,
            compiled=compiled,
            schedule=spec.schedule,
            state=spec.state or ENABLED,
            description=spec.description,
            role_arn=spec.role_arn,
            created_by=old.created_by if old else caller,
            tags={**(old.tags if old else {}), **(spec.tags or {})},
            targets=old.targets if old else {},
        )
        bus.rules[spec.name] = rule
        bus.reindex(rule)
        if self.on_rule is not None:
            self.on_rule(rule)
        return rule

    def _check_rule(self, ref: BusRef, spec: RuleSpec) -> Any:
        if spec.event_pattern is None and spec.schedule is None:
            raise EventsValidationError(PATTERN_OR_SCHEDULE)
        if spec.schedule is not None:
            check_schedule(spec.schedule)
            if ref.name != DEFAULT_BUS:
                raise EventsValidationError(SCHEDULE_ON_CUSTOM_BUS)
        return None if spec.event_pattern is None else compile_pattern(spec.event_pattern)

    def rule(self, ref: BusRef, name: str) -> Rule:
        """The rule, or ``ResourceNotFoundException``."""
        rule = self.bus(ref).rules.get(name)
        if rule is None:
            raise RuleNotFound(name, ref.name)
        return rule

    def delete_rule(self, ref: BusRef, name: str) -> None:
        """Delete a rule without targets; deleting one that does not exist succeeds."""
        bus = self.bus(ref)
        rule = bus.rules.get(name)
        if rule is None:
            return
        if rule.targets:
            raise EventsValidationError(RULE_HAS_TARGETS)
        bus.drop_rule(name)

    def set_state(self, ref: BusRef, name: str, state: str) -> None:
        """Enable or disable a rule."""
        bus = self.bus(ref)
        rule = self.rule(ref, name)
        rule.state = state
        bus.reindex(rule)

    def list_rules(self, ref: BusRef, prefix: str = "") -> list[Rule]:
        """The bus's rules whose name starts with ``prefix``, by name."""
        rules = self.bus(ref).rules
        return [rules[n] for n in sorted(rules) if n.startswith(prefix)]

    def rule_names_by_target(self, ref: BusRef, target_arn: str) -> list[str]:
        """Names of the bus's rules with a target of that ARN, sorted."""
        rules = self.bus(ref).rules.values()
        return sorted(r.name for r in rules if any(t.arn == target_arn for t in r.targets.values()))

    # ------------------------------------------------------------------ targets
    def put_targets(self, ref: BusRef, name: str, raw: Iterable[dict[str, Any]]) -> list[Target]:
        """Add or replace targets (by ``Id``); all are checked before any is stored."""
        rule = self.rule(ref, name)
        targets = [parse_target(t, self.limits) for t in raw]
        ids = set(rule.targets) | {t.id for t in targets}
        if len(ids) > self.limits.targets_per_rule:
            raise LimitExceeded(TOO_MANY_TARGETS)
        for target in targets:
            rule.targets[target.id] = target
        return targets

    def remove_targets(self, ref: BusRef, name: str, ids: Iterable[str]) -> None:
        """Remove targets by id; unknown ids are ignored."""
        rule = self.rule(ref, name)
        for target_id in ids:
            rule.targets.pop(target_id, None)

    # ------------------------------------------------------------------ tags
    def tags(self, arn: str) -> dict[str, str]:
        """The tags of the bus or rule an ARN names (the live dict)."""
        ref = resource_ref(arn)
        if isinstance(ref, RuleRef):
            return self.rule(ref.bus, ref.name).tags
        return self.bus(ref).tags

    # ------------------------------------------------------------------ permissions
    def put_statement(self, ref: BusRef, statement: dict[str, Any]) -> None:
        """Add or replace one statement of the bus policy."""
        bus = self.bus(ref)
        bus.put_statement(statement)
        bus.modified = self.clock.now()

    def set_policy(self, ref: BusRef, policy: dict[str, Any] | None) -> None:
        """Replace the whole bus policy."""
        bus = self.bus(ref)
        bus.policy = policy
        bus.modified = self.clock.now()

    def remove_statement(self, ref: BusRef, sid: str) -> None:
        """Remove one statement, or ``ResourceNotFoundException``."""
        bus = self.bus(ref)
        if not bus.remove_statement(sid):
            raise ResourceNotFound(STATEMENT_NOT_FOUND)
        bus.modified = self.clock.now()

    # ------------------------------------------------------------------ state
    def all_buses(self) -> list[EventBus]:
        """Every bus of every scope."""
        return [bus for scope in self.scopes.values() for bus in scope.values()]
