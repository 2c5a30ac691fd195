"""Applying rules-file states to real backends on a manual clock: the difference, and only it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pytest

from emulator.config.apply import Applier, dry_run
from emulator.config.loader import load_text
from emulator.config.model import Origin, QueueSpec, RulesState, Scope
from emulator.config.validate import validate_documents
from emulator.core.clock import ManualClock
from emulator.core.events import EventsBackend
from emulator.core.events.arns import BusRef
from emulator.core.ids import IdFactory
from emulator.core.sqs.backend import Outgoing, SqsBackend
from emulator.core.sqs.queue import Queue
from emulator.core.sqs.timers import ManualTimers

SCOPE = Scope("000000000000", "us-east-1")
SQS = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}"
ORDERS = BusRef("000000000000", "us-east-1", "orders")


def state(text: str) -> RulesState:
    """The validated state of one YAML rules file."""
    return validate_documents([load_text(textwrap.dedent(text), "rules/t.yaml")], SCOPE)


@dataclass
class World:
    """Backends on a manual clock, and the errors ``apply`` reported."""

    clock: ManualClock = field(default_factory=ManualClock)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        ids = IdFactory(1)
        self.sqs = SqsBackend(self.clock, ids, ManualTimers(self.clock))
        self.events = EventsBackend(self.clock, ids, self.sqs)
        self.applier = Applier(self.sqs, self.events, SCOPE)

    def apply(self, old: RulesState, new: RulesState) -> list[str]:
        def error(origin: Origin | None, message: str) -> None:
            self.errors.append(f"{origin.label() if origin else ''}: {message}")

        return self.applier.apply(old, new, error)

    def queue(self, name: str) -> Queue:
        return self.sqs.get_queue(("000000000000", "us-east-1"), name)

    def queues(self) -> list[str]:
        return [q.name for q in self.sqs.list_queues(("000000000000", "us-east-1")).queues]

    def targets(self, rule: str, bus: BusRef = ORDERS) -> dict[str, str]:
        found = self.events.registry.rule(bus, rule).targets
        return {target_id: target.arn for target_id, target in found.items()}


FLOW = f"""\
queues:
  - QueueName: src
    Attributes:
      VisibilityTimeout: 40
      RedrivePolicy: {{deadLetterTargetArn: "{SQS}:dlq", maxReceiveCount: 2}}
    tags: {{team: a}}
  - QueueName: dlq
buses:
  - {{Name: orders, Description: first}}
rules:
  - Name: r
    EventBusName: orders
    EventPattern: {{source: [shop]}}
    Targets:
      - {{Id: src, Arn: "{SQS}:src"}}
      - {{Id: dlq, Arn: "{SQS}:dlq"}}
"""


@pytest.fixture
def world() -> World:
    built = World()
    assert built.apply(RulesState(), state(FLOW))
    return built


def test_apply_from_nothing_creates_everything_wiring_redrive_after_both_queues(
    world: World,
) -> None:
    assert world.queues() == ["dlq", "src"]
    attributes = world.queue("src").attributes
    assert attributes["VisibilityTimeout"] == "40"
    assert (
        '"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq"'
        in attributes["RedrivePolicy"]
    )
    assert world.queue("src").tags == {"team": "a"}
    assert world.events.registry.bus(ORDERS).description == "first"
    assert world.targets("r") == {
        "src": "arn:aws:sqs:us-east-1:000000000000:src",
        "dlq": "arn:aws:sqs:us-east-1:000000000000:dlq",
    }
    assert world.errors == []


def test_the_same_state_again_changes_nothing(world: World) -> None:
    assert world.apply(state(FLOW), state(FLOW)) == []


def test_updating_a_queue_keeps_its_messages(world: World) -> None:
    src = world.queue("src")
    for body in ("a", "b"):
        world.sqs.send_message(src, Outgoing(body), "sender")
    changed = world.apply(
        state(FLOW), state(FLOW.replace("VisibilityTimeout: 40", "DelaySeconds: 3"))
    )
    assert changed == ["~queue src"]
    assert world.queue("src") is src
    assert src.counts().visible == 2
    assert src.attributes["VisibilityTimeout"] == "30"  # dropped: back to SQS's default
    assert src.attributes["DelaySeconds"] == "3"


def test_dropping_the_redrive_policy_removes_it(world: World) -> None:
    without = FLOW.replace(
        f'      RedrivePolicy: {{deadLetterTargetArn: "{SQS}:dlq", maxReceiveCount: 2}}\n', ""
    )
    world.apply(state(FLOW), state(without))
    assert "RedrivePolicy" not in world.queue("src").attributes


def test_tags_the_files_dropped_go_and_tags_added_by_the_api_stay(world: World) -> None:
    world.sqs.tag_queue(world.queue("src"), {"by-api": "yes"})
    world.apply(state(FLOW), state(FLOW.replace("tags: {team: a}", "tags: {owner: b}")))
    assert world.queue("src").tags == {"by-api": "yes", "owner": "b"}


def test_targets_are_diffed_by_id_and_api_targets_stay(world: World) -> None:
    world.events.registry.put_targets(
        ORDERS, "r", [{"Id": "api", "Arn": "arn:aws:sqs:us-east-1:000000000000:src"}]
    )
    new = FLOW.replace(f'      - {{Id: dlq, Arn: "{SQS}:dlq"}}\n', "").replace(
        f'{{Id: src, Arn: "{SQS}:src"}}', f'{{Id: src, Arn: "{SQS}:dlq"}}'
    )
    assert world.apply(state(FLOW), state(new)) == ["~targets orders/r"]
    assert world.targets("r") == {
        "src": "arn:aws:sqs:us-east-1:000000000000:dlq",
        "api": "arn:aws:sqs:us-east-1:000000000000:src",
    }


def test_removed_rules_buses_and_queues_are_deleted(world: World) -> None:
    changed = world.apply(state(FLOW), state("queues: [{QueueName: dlq}]\n"))
    assert changed == ["-rule orders/r", "-bus orders", "-queue src"]
    assert world.queues() == ["dlq"]
    assert world.events.registry.find_bus(ORDERS) is None


def test_a_removed_queue_can_be_declared_again_at_once(world: World) -> None:
    world.apply(state(FLOW), state("queues: [{QueueName: dlq}]\n"))
    world.apply(state("queues: [{QueueName: dlq}]\n"), state(FLOW))
    assert world.queues() == ["dlq", "src"]
    assert world.errors == []


def test_a_rule_moved_to_another_bus_leaves_the_first(world: World) -> None:
    moved = FLOW.replace("EventBusName: orders", "EventBusName: default")
    world.apply(state(FLOW), state(moved))
    default = BusRef("000000000000", "us-east-1", "default")
    assert sorted(world.targets("r", default)) == ["dlq", "src"]
    assert world.events.registry.bus(ORDERS).rules == {}


def test_a_step_the_backends_refuse_is_reported_and_the_rest_applied(world: World) -> None:
    for i in range(3):
        world.events.registry.put_targets(
            ORDERS, "r", [{"Id": f"api{i}", "Arn": "arn:aws:sqs:us-east-1:000000000000:src"}]
        )
    more = FLOW + "  - Name: other\n    EventPattern: {source: [x]}\n"
    more = more.replace(
        f'      - {{Id: dlq, Arn: "{SQS}:dlq"}}\n',
        f'      - {{Id: dlq, Arn: "{SQS}:dlq"}}\n      - {{Id: new, Arn: "{SQS}:dlq"}}\n',
    )
    changed = world.apply(state(FLOW), state(more))
    assert world.errors == [
        "rules[0] (r): The requested resource exceeds the maximum number allowed."
    ]
    assert "+rule default/other" in changed


def test_dry_run_passes_valid_state_and_locates_what_backends_refuse() -> None:
    assert dry_run(state(FLOW), SCOPE) == []
    document = load_text("queues:\n  - QueueName: q\n", "rules/q.yaml")
    bad = QueueSpec("q", {"VisibilityTimeout": "x"}, {}, Origin(document, ("queues", 0)))
    problems = dry_run(RulesState(queues={"q": bad}), SCOPE)
    assert [str(p) for p in problems] == [
        "rules/q.yaml:2: queues[0] (q): Invalid value for the parameter VisibilityTimeout."
    ]
