"""Validation of rules files: every kind of problem is reported with file, line, item and field."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from emulator.config import RulesState, Scope, load_rules
from emulator.config.errors import InvalidRules

SCOPE = Scope("000000000000", "us-east-1")
SQS = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}"
BUS = "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus"

Write = Callable[..., list[str]]

BASE = f"""\
queues:
  - QueueName: billing
  - QueueName: billing-dlq
  - QueueName: audit.fifo
    Attributes: {{FifoQueue: true, ContentBasedDeduplication: true}}
buses:
  - Name: orders
rules:
  - Name: order-created
    EventBusName: orders
    EventPattern: {{source: [shop]}}
    Targets:
      - Id: billing
        Arn: {SQS}:billing
        DeadLetterConfig: {{Arn: "{SQS}:billing-dlq"}}
"""


@pytest.fixture
def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Write:
    """Write files under ``rules/`` and return the problems validation reports, as text."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()

    def write(**files: str) -> list[str]:
        for name, text in files.items():
            (tmp_path / "rules" / name.replace("_", ".")).write_text(textwrap.dedent(text))
        with pytest.raises(InvalidRules) as caught:
            load_rules(["rules"], SCOPE)
        return [str(p) for p in caught.value.problems]

    return write


def valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **files: str) -> RulesState:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "rules" / name.replace("_", ".")).write_text(textwrap.dedent(text))
    return load_rules(["rules"], SCOPE)


# --- what is accepted --------------------------------------------------------------------------


def test_valid_files_merge_into_one_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = {"queues": [{"QueueName": "audit"}], "chaos": {"seed": 3, "faults": []}}
    state = valid(tmp_path, monkeypatch, a_yaml=BASE, b_json=json.dumps(extra))
    assert state.summary() == {
        "files": ["rules/a.yaml", "rules/b.json"],
        "queues": ["audit", "audit.fifo", "billing", "billing-dlq"],
        "buses": ["orders"],
        "rules": ["orders/order-created"],
        "connections": [],
        "api_destinations": [],
        "endpoints": {},
        "chaos_faults": 0,
    }


def test_placeholders_are_replaced_and_patterns_become_json_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = valid(tmp_path, monkeypatch, a_yaml=BASE)
    rule = state.rules[("orders", "order-created")]
    assert rule.params["EventPattern"] == '{"source":["shop"]}'
    target = rule.targets[0].params
    assert target["Arn"] == "arn:aws:sqs:us-east-1:000000000000:billing"
    assert target["DeadLetterConfig"]["Arn"].endswith(":000000000000:billing-dlq")


def test_queue_attributes_become_canonical_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = f"""\
    queues:
      - QueueName: q
        Attributes:
          VisibilityTimeout: 60
          RedrivePolicy: {{deadLetterTargetArn: "{SQS}:dlq", maxReceiveCount: 3}}
        tags: {{team: billing, tier: 1}}
      - QueueName: dlq
    """
    state = valid(tmp_path, monkeypatch, a_yaml=text)
    queue = state.queues["q"]
    assert queue.attributes == {
        "VisibilityTimeout": "60",
        "RedrivePolicy": '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq",'
        '"maxReceiveCount":3}',
    }
    assert queue.tags == {"team": "billing", "tier": "1"}


def test_same_rule_name_on_two_buses_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = """\
    buses: [{Name: a}]
    rules:
      - {Name: r, EventPattern: {source: [x]}}
      - {Name: r, EventBusName: a, EventPattern: {source: [x]}}
    """
    state = valid(tmp_path, monkeypatch, a_yaml=text)
    assert set(state.rules) == {("default", "r"), ("a", "r")}


def test_empty_file_is_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = valid(tmp_path, monkeypatch, a_yaml="# nothing yet\n")
    assert state.queues == {}


# --- reading ----------------------------------------------------------------------------------


def test_syntax_error_names_file_and_line(problems: Write) -> None:
    assert problems(a_yaml="queues:\n  - QueueName: [a\n") == [
        "rules/a.yaml:3: invalid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_missing_rules_path_is_reported(tmp_path: Path) -> None:
    with pytest.raises(InvalidRules) as caught:
        load_rules([tmp_path / "nope"], SCOPE)
    assert str(caught.value) == f"{tmp_path / 'nope'}: no such file or folder"


def test_file_that_is_not_a_mapping_is_refused(problems: Write) -> None:
    assert problems(a_yaml="- QueueName: a\n") == [
        "rules/a.yaml:1: must be a mapping with queues, buses, connections, api_destinations, "
        "rules, chaos or endpoints"
    ]


# --- shape ------------------------------------------------------------------------------------


def test_unknown_section_is_refused_with_a_suggestion(problems: Write) -> None:
    assert problems(a_yaml="queue:\n  - QueueName: a\n") == [
        'rules/a.yaml:1: queue: is not a known field (did you mean "queues"?)'
    ]


def test_unknown_field_is_refused_at_its_line(problems: Write) -> None:
    text = "rules:\n  - Name: r\n    EventPatern: {source: [x]}\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:2: rules[0] (r).EventPattern: is required when the rule has no "
        "ScheduleExpression",
        "rules/a.yaml:3: rules[0] (r).EventPatern: is not a known field (did you mean "
        '"EventPattern"?)',
    ]


def test_missing_required_field_is_reported_at_its_item(problems: Write) -> None:
    text = "rules:\n  - Name: r\n    EventPattern: {source: [x]}\n    Targets:\n      - Id: t\n"
    assert problems(a_yaml=text) == ["rules/a.yaml:5: rules[0] (r).Targets[0].Arn: is required"]


def test_wrong_type_is_reported(problems: Write) -> None:
    text = "queues:\n  - QueueName: 42\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:2: queues[0].QueueName: must be a string: quote the value ('42')"
    ]


def test_name_pattern_from_botocore_is_enforced(problems: Write) -> None:
    text = "rules:\n  - Name: order created\n    EventPattern: {source: [x]}\n"
    assert problems(a_yaml=text) == [
        r"rules/a.yaml:2: rules[0] (order created).Name: must match [\.\-_A-Za-z0-9]+"
    ]


def test_enum_is_enforced(problems: Write) -> None:
    text = "rules:\n  - Name: r\n    EventPattern: {source: [x]}\n    State: enabled\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: rules[0] (r).State: must be one of ENABLED, DISABLED, "
        'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS (did you mean "ENABLED"?)'
    ]


def test_retry_policy_ranges_are_enforced(problems: Write) -> None:
    text = f"""\
    queues: [{{QueueName: q}}]
    rules:
      - Name: r
        EventPattern: {{source: [x]}}
        Targets:
          - Id: t
            Arn: {SQS}:q
            RetryPolicy:
              MaximumRetryAttempts: 186
              MaximumEventAgeInSeconds: 59
    """
    assert problems(a_yaml=text) == [
        "rules/a.yaml:9: rules[0] (r).Targets[0].RetryPolicy.MaximumRetryAttempts: "
        "must be from 0 to 185",
        "rules/a.yaml:10: rules[0] (r).Targets[0].RetryPolicy.MaximumEventAgeInSeconds: "
        "must be from 60 to 86400",
    ]


def test_more_than_five_targets_are_refused(problems: Write) -> None:
    targets = "".join(f"      - {{Id: t{i}, Arn: '{SQS}:q'}}\n" for i in range(6))
    text = "queues: [{QueueName: q}]\nrules:\n  - Name: r\n    EventPattern: {source: [x]}\n"
    text += "    Targets:\n" + targets
    assert problems(a_yaml=text) == [
        "rules/a.yaml:5: rules[0] (r).Targets: has 6 items; at most 5 are allowed"
    ]


# --- SQS semantics ----------------------------------------------------------------------------


def test_invalid_queue_name_gets_the_sqs_message(problems: Write) -> None:
    assert problems(a_yaml="queues:\n  - QueueName: orders.fifo\n") == [
        "rules/a.yaml:2: queues[0] (orders.fifo).QueueName: Can only include alphanumeric "
        "characters, hyphens, or underscores. 1 to 80 in length (a FIFO queue also needs "
        "Attributes: {FifoQueue: true})"
    ]


def test_invalid_attribute_value_gets_the_sqs_message(problems: Write) -> None:
    text = "queues:\n  - QueueName: q\n    Attributes:\n      VisibilityTimeout: 50000\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: queues[0] (q).Attributes.VisibilityTimeout: Invalid value for the "
        "parameter VisibilityTimeout."
    ]


def test_unknown_attribute_is_refused_with_a_suggestion(problems: Write) -> None:
    text = "queues:\n  - QueueName: q\n    Attributes:\n      DelaySecond: 5\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: queues[0] (q).Attributes.DelaySecond: is not a known queue attribute "
        '(did you mean "DelaySeconds"?)'
    ]


def test_fifo_attribute_on_a_standard_queue_is_unknown_to_sqs(problems: Write) -> None:
    text = "queues:\n  - QueueName: q\n    Attributes:\n      ContentBasedDeduplication: true\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: queues[0] (q).Attributes.ContentBasedDeduplication: "
        "Unknown Attribute ContentBasedDeduplication."
    ]


# --- EventBridge semantics --------------------------------------------------------------------


def test_invalid_pattern_object_is_located_at_the_offending_field(problems: Write) -> None:
    text = """\
    rules:
      - Name: r
        EventPattern:
          source: [shop]
          detail:
            amount: [{numeric: [">", "x"]}]
    """
    assert problems(a_yaml=text) == [
        "rules/a.yaml:6: rules[0] (r).EventPattern.detail.amount[0].numeric: "
        "Event pattern is not valid. Reason: Value of > must be numeric"
    ]


def test_invalid_pattern_text_names_the_path_in_the_message(problems: Write) -> None:
    text = """\
    rules:
      - Name: r
        EventPattern: '{"source": "shop"}'
    """
    assert problems(a_yaml=text) == [
        "rules/a.yaml:3: rules[0] (r).EventPattern: Event pattern is not valid. Reason: "
        '"source" must be an object or an array at source'
    ]


def test_invalid_schedule_is_refused(problems: Write) -> None:
    text = "rules:\n  - Name: r\n    ScheduleExpression: rate(5 minute)\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:3: rules[0] (r).ScheduleExpression: Parameter ScheduleExpression is not "
        "valid. Write rate(5 minutes) or cron(0 12 * * ? *)."
    ]


def test_schedule_on_a_custom_bus_is_refused(problems: Write) -> None:
    text = "buses: [{Name: b}]\nrules:\n  - Name: r\n    EventBusName: b\n"
    text += "    ScheduleExpression: rate(5 minutes)\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:5: rules[0] (r).ScheduleExpression: ScheduleExpression is supported only "
        "on the default event bus."
    ]


def test_target_input_options_are_checked(problems: Write) -> None:
    text = f"""\
    queues: [{{QueueName: q}}]
    rules:
      - Name: r
        EventPattern: {{source: [x]}}
        Targets:
          - {{Id: a, Arn: "{SQS}:q", Input: "{{bad"}}
          - {{Id: b, Arn: "{SQS}:q", Input: "{{}}", InputPath: $.detail}}
          - {{Id: c, Arn: "{SQS}:q", InputPath: "$.detail["}}
          - {{Id: c, Arn: "{SQS}:q"}}
    """
    assert problems(a_yaml=text) == [
        "rules/a.yaml:6: rules[0] (r).Targets[0].Input: Input for target a is not a valid JSON "
        "text.",
        "rules/a.yaml:7: rules[0] (r).Targets[1].InputPath: Only one of Input, InputPath, or "
        "InputTransformer can be specified for target b.",
        "rules/a.yaml:8: rules[0] (r).Targets[2].InputPath: Parameter InputPath for target c is "
        "not a valid JSON path: $.detail[",
        'rules/a.yaml:9: rules[0] (r).Targets[3].Id: duplicates the Id of Targets[2] ("c")',
    ]


# --- names and references across files -------------------------------------------------------


def test_duplicate_queue_across_files_names_both(problems: Write) -> None:
    assert problems(
        a_yaml="queues: [{QueueName: q}]\n", b_yaml="\n\nqueues:\n- QueueName: q\n"
    ) == ['rules/b.yaml:4: queues[0] (q).QueueName: "q" is already declared at rules/a.yaml:1']


def test_duplicate_rule_on_one_bus_is_refused(problems: Write) -> None:
    text = "rules:\n  - {Name: r, EventPattern: {source: [x]}}\n"
    other = "rules:\n  - {Name: r, EventBusName: default, EventPattern: {source: [y]}}\n"
    assert problems(a_yaml=text, b_yaml=other) == [
        'rules/b.yaml:2: rules[0] (r).Name: "r" is already declared at rules/a.yaml:2'
    ]


def test_declaring_the_default_bus_is_refused(problems: Write) -> None:
    assert problems(a_yaml="buses:\n  - Name: default\n") == [
        "rules/a.yaml:2: buses[0] (default).Name: the default bus always exists; do not declare it"
    ]


def test_target_naming_a_queue_no_file_declares(problems: Write) -> None:
    text = BASE.replace(f"Arn: {SQS}:billing\n", f"Arn: {SQS}:billng\n")
    assert problems(orders_yaml=text) == [
        "rules/orders.yaml:14: rules[0] (order-created).Targets[0].Arn: no queue named "
        '"billng" exists in any rules file (did you mean "billing"?)'
    ]


def test_target_naming_a_bus_no_file_declares(problems: Write) -> None:
    text = "rules:\n  - Name: r\n    EventPattern: {source: [x]}\n"
    text += f"    Targets:\n      - {{Id: t, Arn: '{BUS}/nowhere'}}\n"
    assert problems(a_yaml=text) == [
        'rules/a.yaml:5: rules[0] (r).Targets[0].Arn: no bus named "nowhere" exists in any '
        "rules file"
    ]


def test_rule_on_a_bus_no_file_declares(problems: Write) -> None:
    text = BASE.replace("EventBusName: orders", "EventBusName: order")
    assert problems(a_yaml=text) == [
        'rules/a.yaml:10: rules[0] (order-created).EventBusName: no bus named "order" exists in '
        'any rules file (did you mean "orders"?)'
    ]


def test_dead_letter_queue_must_exist_and_be_standard(problems: Write) -> None:
    missing = BASE.replace(f'"{SQS}:billing-dlq"', f'"{SQS}:dlq"')
    assert problems(a_yaml=missing) == [
        "rules/a.yaml:15: rules[0] (order-created).Targets[0].DeadLetterConfig.Arn: no queue "
        'named "dlq" exists in any rules file'
    ]


def test_fifo_dead_letter_queue_is_refused_as_eventbridge_does(problems: Write) -> None:
    fifo = BASE.replace(f'"{SQS}:billing-dlq"', f'"{SQS}:audit.fifo"')
    assert problems(a_yaml=fifo) == [
        "rules/a.yaml:15: rules[0] (order-created).Targets[0].DeadLetterConfig.Arn: SQS FIFO is "
        "not supported by Dead Letter Queues."
    ]


def test_redrive_policy_must_name_a_declared_queue(problems: Write) -> None:
    text = f"""\
    queues:
      - QueueName: q
        Attributes:
          RedrivePolicy: {{deadLetterTargetArn: "{SQS}:q-dlq", maxReceiveCount: 3}}
    """
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: queues[0] (q).Attributes.RedrivePolicy: deadLetterTargetArn: no queue "
        'named "q-dlq" exists in any rules file'
    ]


def test_arn_of_another_account_or_region_is_refused(problems: Write) -> None:
    text = BASE.replace(
        f"Arn: {SQS}:billing\n", "Arn: arn:aws:sqs:eu-west-1:111122223333:billing\n"
    )
    assert problems(a_yaml=text) == [
        "rules/a.yaml:14: rules[0] (order-created).Targets[0].Arn: names account 111122223333 in "
        "eu-west-1; rules files declare account 000000000000 in us-east-1 (write "
        "${AWS::AccountId} and ${AWS::Region})"
    ]


@pytest.mark.parametrize(
    ("arn", "reason"),
    [
        (
            "billing",
            "must be an ARN, such as arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:<queue>",
        ),
        (
            "arn:aws:sns:us-east-1:000000000000:topic",
            "must be the ARN of an SQS queue, an event bus, an API destination, a Lambda "
            "function, a Step Functions state machine or a CloudWatch Logs log group (not of sns)",
        ),
    ],
)
def test_target_arn_must_name_a_supported_kind_of_target(
    problems: Write, arn: str, reason: str
) -> None:
    text = BASE.replace(f"Arn: {SQS}:billing\n", f"Arn: {arn}\n")
    assert problems(a_yaml=text) == [
        f"rules/a.yaml:14: rules[0] (order-created).Targets[0].Arn: {reason}"
    ]


def test_fifo_target_needs_a_message_group(problems: Write) -> None:
    text = BASE + f"      - {{Id: audit, Arn: '{SQS}:audit.fifo'}}\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:16: rules[0] (order-created).Targets[1].Arn: Parameter(s) SqsParameters "
        "must be specified for target: audit."
    ]


def test_fifo_target_needs_content_based_deduplication(problems: Write) -> None:
    text = BASE.replace(", ContentBasedDeduplication: true", "")
    text += (
        f"      - {{Id: audit, Arn: '{SQS}:audit.fifo', SqsParameters: {{MessageGroupId: g}}}}\n"
    )
    assert problems(a_yaml=text) == [
        "rules/a.yaml:16: rules[0] (order-created).Targets[1].Arn: the FIFO queue "
        '"audit.fifo" needs Attributes.ContentBasedDeduplication: true to be a target '
        "(EventBridge API Reference, SqsParameters)"
    ]


def test_bus_target_refuses_input(problems: Write) -> None:
    text = BASE + f"      - {{Id: fwd, Arn: '{BUS}/orders', Input: '{{}}'}}\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:16: rules[0] (order-created).Targets[1].Arn: Modifying the input for "
        "target fwd is not supported."
    ]


def test_unknown_placeholder_is_refused(problems: Write) -> None:
    text = BASE.replace("${AWS::AccountId}:billing\n", "${AWS::Account}:billing\n")
    found = problems(a_yaml=text)
    assert found[0] == (
        "rules/a.yaml:14: rules[0] (order-created).Targets[0].Arn: unknown placeholder "
        "${AWS::Account} (known: ${AWS::AccountId}, ${AWS::Region}, ${AWS::Partition})"
    )


# --- chaos ------------------------------------------------------------------------------------


def test_invalid_chaos_names_the_field_and_line(problems: Write) -> None:
    text = "chaos:\n  faults:\n    - match: {queue: q}\n      delay: {ms: [500, 100]}\n"
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: chaos.faults[0].delay.ms: must satisfy 0 <= min <= max <= 900000"
    ]


def test_two_files_with_different_chaos_seeds_conflict(problems: Write) -> None:
    assert problems(a_yaml="chaos: {seed: 1}\n", b_yaml="chaos:\n  seed: 2\n") == [
        "rules/b.yaml:2: chaos.seed: conflicts with seed 1 set at rules/a.yaml:1"
    ]


def test_chaos_faults_of_all_files_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = "chaos:\n  seed: 5\n  faults: [{match: {queue: a}, drop: {}}]\n"
    b = "chaos:\n  faults: [{match: {queue: b}, fail: {probability: 0.1}}]\n"
    state = valid(tmp_path, monkeypatch, a_yaml=a, b_yaml=b)
    assert state.chaos == {
        "seed": 5,
        "faults": [
            {"match": {"queue": "a"}, "drop": {}},
            {"match": {"queue": "b"}, "fail": {"probability": 0.1}},
        ],
    }
