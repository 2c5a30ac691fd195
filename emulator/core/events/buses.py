"""Event buses: their settings, resource policy, rules and the index that routes over them.

Invariant: ``index`` holds exactly the rules of ``rules`` that route (see :attr:`Rule.routes`),
keyed by rule name; :meth:`EventBus.reindex` restores it after any change to a rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from emulator.core.events.arns import BusRef
from emulator.core.events.rules import Rule
from emulator.core.patterns import RuleIndex

POLICY_VERSION = "2012-10-17"


@dataclass(eq=False, slots=True)
class EventBus:
    """One event bus in one account and region."""

    ref: BusRef
    created: float
    modified: float
    description: str | None = None
    kms_key: str | None = None
    dead_letter: dict[str, Any] | None = None
    log_config: dict[str, Any] | None = None
    tags: dict[str, str] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    rules: dict[str, Rule] = field(default_factory=dict)
    index: RuleIndex[str] = field(default_factory=RuleIndex)

    @property
    def name(self) -> str:
        """The bus's name."""
        return self.ref.name

    @property
    def arn(self) -> str:
        """The bus's ARN."""
        return self.ref.arn

    def reindex(self, rule: Rule) -> None:
        """Put ``rule`` in the index if it routes, take it out if not."""
        if rule.routes and rule.compiled is not None:
            self.index.add(rule.name, rule.compiled)
        else:
            self.index.remove(rule.name)

    def drop_rule(self, name: str) -> None:
        """Forget a rule."""
        self.rules.pop(name, None)
        self.index.remove(name)

    def policy_text(self) -> str | None:
        """The resource policy as the JSON string DescribeEventBus returns."""
        return None if self.policy is None else json.dumps(self.policy)

    def put_statement(self, statement: dict[str, Any]) -> None:
        """Add a statement to the policy, replacing one with the same ``Sid``."""
        policy = self.policy or {"Version": POLICY_VERSION, "Statement": []}
        kept = [s for s in policy["Statement"] if s.get("Sid") != statement["Sid"]]
        self.policy = {**policy, "Statement": [*kept, statement]}

    def remove_statement(self, sid: str) -> bool:
        """Remove the statement ``sid``; whether it was there. An empty policy is dropped."""
        statements = (self.policy or {}).get("Statement", [])
        kept = [s for s in statements if s.get("Sid") != sid]
        if len(kept) == len(statements):
            return False
        self.policy = {**(self.policy or {}), "Statement": kept} if kept else None
        return True


def permission_statement(
    bus_arn: str, sid: str, action: str, principal: str, condition: dict[str, str] | None
) -> dict[str, Any]:
    """The policy statement PutPermission adds (as DescribeEventBus shows it)."""
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": "*" if principal == "*" else {"AWS": f"arn:aws:iam::{principal}:root"},
        "Action": action,
        "Resource": bus_arn,
    }
    if condition:
        statement["Condition"] = {condition["Type"]: {condition["Key"]: condition["Value"]}}
    return statement
