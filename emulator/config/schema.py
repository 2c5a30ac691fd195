"""The rules-file format: one spec tree that validates files and prints the published JSON Schema.

Items are shaped as the AWS API parameters are (``CreateQueue``; ``CreateEventBus``; ``PutRule``
with ``PutTargets``' targets under ``Targets``). Lengths, patterns, ranges and enums of the
EventBridge members come from botocore's service model, as do their descriptions; the SQS parts
from :mod:`emulator.core.sqs.validation`. Two conveniences beyond the API: ``EventPattern`` and
``Input`` may be written as YAML/JSON objects instead of JSON text, and queue attributes as
numbers and booleans (and the policy attributes as objects) instead of strings.

``eventbus-emulator schema`` prints :func:`json_schema`; editors (the YAML language server,
VS Code's JSON support) validate rules files with it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from typing import Any

import botocore.session

from emulator.config.checks import (
    check_chaos,
    check_connection,
    check_pattern,
    check_queue,
    check_rule,
    check_target,
    check_url,
)
from emulator.config.spec import (
    AnyObject,
    Boolean,
    Checked,
    Choice,
    Delegated,
    Integer,
    JsonSchema,
    ListOf,
    MapOf,
    Number,
    Record,
    Scalar,
    Spec,
    Text,
)
from emulator.core.chaos.config import KINDS, SELECTORS
from emulator.core.sqs.validation import (
    FIFO_QUEUE_NAME,
    MSG_QUEUE_NAME,
    QUEUE_ATTRIBUTE_RULES,
    QUEUE_NAME,
)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SECTIONS = ("queues", "buses", "connections", "api_destinations", "rules", "chaos", "endpoints")


@functools.cache
def _events_model() -> Any:
    return botocore.session.get_session().get_service_model("events")


def _first_sentence(documentation: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", documentation or ""))
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def aws_leaf(structure: str, member: str, description: str = "") -> Spec:
    """The spec of a string or integer member of an EventBridge structure, from botocore."""
    shape = _events_model().shape_for(structure).members[member]
    meta = shape.metadata
    described = description or _first_sentence(shape.documentation)
    if shape.type_name == "integer":
        return Integer(described, meta.get("min"), meta.get("max"))
    return Text(
        described,
        min_length=meta.get("min", 0),
        max_length=meta.get("max"),
        pattern=meta.get("pattern"),
        enum=tuple(shape.enum or ()),
    )


def aws_record(structure: str, fields: Mapping[str, Spec | None], title: str = "") -> Record:
    """A structure restricted to ``fields``; ``None`` takes the member's spec from botocore.

    Required members are botocore's (intersected with ``fields``).
    """
    shape = _events_model().shape_for(structure)
    built = {
        name: spec if spec is not None else aws_leaf(structure, name)
        for name, spec in fields.items()
    }
    required = tuple(name for name in shape.required_members if name in fields)
    return Record(built, required, _first_sentence(shape.documentation), title)


def aws_shape(shape: Any, skip: frozenset[str] = frozenset()) -> Spec:
    """The spec of any botocore shape (structures whole, less the members in ``skip``)."""
    if shape.type_name == "structure":
        fields = {
            name: aws_shape(member, skip)
            for name, member in shape.members.items()
            if name not in skip
        }
        required = tuple(name for name in shape.required_members if name in fields)
        return Record(fields, required, _first_sentence(shape.documentation))
    if shape.type_name == "list":
        meta = shape.metadata
        return ListOf(aws_shape(shape.member, skip), min_items=0, max_items=meta.get("max"))
    if shape.type_name == "boolean":
        return Boolean(_first_sentence(shape.documentation))
    if shape.type_name == "integer":
        meta = shape.metadata
        return Integer(_first_sentence(shape.documentation), meta.get("min"), meta.get("max"))
    if shape.type_name == "map":
        return MapOf(aws_shape(shape.value, skip), keys=_aws_text(shape.key))
    return _aws_text(shape)


def _aws_text(shape: Any) -> Text:
    return Text(
        _first_sentence(shape.documentation),
        min_length=shape.metadata.get("min", 0),
        max_length=shape.metadata.get("max"),
        pattern=shape.metadata.get("pattern"),
        enum=tuple(shape.enum or ()),
    )


# --- SQS --------------------------------------------------------------------------------------

QUEUE_NAME_SPEC = Text(
    "The queue's name: 1-80 of A-Z, a-z, 0-9, - and _; a FIFO queue's ends in .fifo and its "
    "Attributes say FifoQueue: true.",
    min_length=1,
    max_length=80,
    pattern=f"{QUEUE_NAME.pattern}|{FIFO_QUEUE_NAME.pattern}",
    pattern_message=MSG_QUEUE_NAME,
)
POLICY_ATTRIBUTES = ("Policy", "RedrivePolicy", "RedriveAllowPolicy")
QUEUE_ATTRIBUTES = MapOf(
    Choice((Scalar(), AnyObject())),
    keys=Text(enum=tuple(QUEUE_ATTRIBUTE_RULES)),
    key_kind="queue attribute",
    description=(
        "CreateQueue's Attributes. Numbers and booleans may be written as such; Policy, "
        "RedrivePolicy and RedriveAllowPolicy as objects or JSON text."
    ),
)
QUEUE_TAGS = MapOf(
    Scalar(max_length=256),
    keys=Text(min_length=1, max_length=128),
    description="CreateQueue's tags (cost allocation tags).",
    max_properties=50,
)
QUEUE = Checked(
    Record(
        {"QueueName": QUEUE_NAME_SPEC, "Attributes": QUEUE_ATTRIBUTES, "tags": QUEUE_TAGS},
        ("QueueName",),
        "An SQS queue, as CreateQueue's parameters.",
        "Queue",
    ),
    check_queue,
    always=True,
)

# --- EventBridge ------------------------------------------------------------------------------

TAGS = ListOf(aws_record("Tag", {"Key": None, "Value": None}), max_items=50)
BUS = aws_record(
    "CreateEventBusRequest",
    {"Name": None, "Description": None, "Tags": TAGS},
    "EventBus",
)
EVENT_PATTERN = Checked(
    Choice(
        (aws_leaf("PutRuleRequest", "EventPattern"), AnyObject()),
        "The event pattern: JSON text, or the pattern written as a YAML/JSON object.",
    ),
    check_pattern,
)
TARGET_RECORD = aws_record(
    "Target",
    {
        "Id": None,
        "Arn": None,
        "RoleArn": None,
        "Input": Choice(
            (aws_leaf("Target", "Input"), AnyObject()),
            "Valid JSON text passed to the target (or an object, written as JSON); excludes "
            "InputPath and InputTransformer.",
        ),
        "InputPath": None,
        "InputTransformer": aws_record(
            "InputTransformer",
            {
                "InputPathsMap": MapOf(
                    Text(max_length=256),
                    keys=Text(min_length=1, max_length=256, pattern=r"[A-Za-z0-9_-]+"),
                    description="Names for JSON paths of the event, used in InputTemplate.",
                    max_properties=100,
                ),
                "InputTemplate": None,
            },
        ),
        "SqsParameters": aws_record("SqsParameters", {"MessageGroupId": None}),
        "HttpParameters": aws_shape(_events_model().shape_for("HttpParameters")),
        "DeadLetterConfig": aws_record("DeadLetterConfig", {"Arn": None}),
        "RetryPolicy": aws_record(
            "RetryPolicy", {"MaximumRetryAttempts": None, "MaximumEventAgeInSeconds": None}
        ),
    },
    "Target",
)
TARGET = Checked(TARGET_RECORD, check_target)
RULE_RECORD = aws_record(
    "PutRuleRequest",
    {
        "Name": None,
        "EventBusName": None,
        "EventPattern": EVENT_PATTERN,
        "ScheduleExpression": None,
        "State": None,
        "Description": None,
        "RoleArn": None,
        "Tags": TAGS,
        "Targets": ListOf(TARGET, "PutTargets' targets of the rule.", max_items=5),
    },
    "Rule",
)
RULE = Checked(RULE_RECORD, check_rule, always=True)

# --- connections and API destinations ---------------------------------------------------------

PRIVATE_NETWORK = frozenset({"ConnectivityParameters", "InvocationConnectivityParameters"})
"""Connections to private APIs (VPC Lattice) are not emulated."""

CONNECTION = Checked(
    aws_record(
        "CreateConnectionRequest",
        {
            "Name": None,
            "Description": None,
            "AuthorizationType": None,
            "AuthParameters": aws_shape(
                _events_model().shape_for("CreateConnectionAuthRequestParameters"),
                PRIVATE_NETWORK,
            ),
        },
        "Connection",
    ),
    check_connection,
    always=True,
)
API_DESTINATION = aws_record(
    "CreateApiDestinationRequest",
    {
        "Name": None,
        "Description": None,
        "ConnectionArn": Text(
            "The connection: its name (declared under connections), or its ARN, such as "
            "arn:aws:events:${AWS::Region}:${AWS::AccountId}:connection/<name> (the id after "
            "the name may be left out).",
            min_length=1,
            max_length=1600,
        ),
        "InvocationEndpoint": None,
        "HttpMethod": None,
        "InvocationRateLimitPerSecond": None,
    },
    "ApiDestination",
)

# --- endpoints ------------------------------------------------------------------------------

URL = Checked(Text("An http:// or https:// URL.", min_length=1), check_url)
ENDPOINTS = Record(
    {
        "lambda": Choice(
            (URL, MapOf(URL, keys=Text(min_length=1, max_length=170))),
            "The Lambda Invoke API (sam local start-lambda): one URL for every function, or a "
            "URL per function name (the --lambda-endpoint flag).",
        ),
        "stepfunctions": Checked(
            Text(
                "The Step Functions API, e.g. Step Functions Local (the --stepfunctions-endpoint "
                "flag).",
                min_length=1,
            ),
            check_url,
        ),
        "logs_dir": Text(
            "The folder CloudWatch Logs targets write to, a JSONL file per log group (the "
            "--logs-dir flag).",
            min_length=1,
        ),
    },
    description=(
        "Where Lambda, Step Functions and CloudWatch Logs targets are delivered; a flag or "
        "EVENTBUS_* variable wins over the files. Read at start only."
    ),
    title="Endpoints",
)

# --- chaos ------------------------------------------------------------------------------------

_PROBABILITY = {"probability": Number("Chance from 0 to 1 (default 1).", 0, 1)}
_TIMES = {"times": Integer("Fire at most this many times in all.", 1)}
_MS = Choice((Integer(minimum=0), ListOf(Integer(minimum=0), min_items=2, max_items=2)))
CHAOS_KIND_FIELDS: dict[str, dict[str, Spec]] = {
    "duplicate": {"copies": Integer(minimum=1, maximum=10), "spread_ms": _MS},
    "delay": {"ms": _MS},
    "fail": {},
    "drop": {},
    "error": {
        "code": Text(min_length=1),
        "status": Integer(minimum=400, maximum=599),
        "message": Text(),
    },
    "lost_ack": {},
    "partial_batch": {},
}
"""Each fault kind's own fields (beside ``probability`` and ``times``); a test keeps this in step
with :mod:`emulator.core.chaos.config`, which validates them."""

_SELECTOR = Choice((Text(min_length=1), ListOf(Text(min_length=1), min_items=1)))
FAULT = Record(
    {
        "name": Text("A label shown in the ledger."),
        "match": Record(dict.fromkeys(SELECTORS, _SELECTOR), description="Selectors."),
        **{kind: Record({**_PROBABILITY, **_TIMES, **CHAOS_KIND_FIELDS[kind]}) for kind in KINDS},
    },
    description="One fault: selectors under match, and exactly one kind.",
    title="Fault",
)
CHAOS = Record(
    {"seed": Integer("Seed of every chaos decision."), "faults": ListOf(FAULT)},
    description="Chaos in force at start (the body of PUT /_emulator/chaos).",
    title="Chaos",
)

RULES_FILE = Record(
    {
        "$schema": Text("The schema editors validate this file with."),
        "queues": ListOf(QUEUE, "SQS queues."),
        "buses": ListOf(BUS, "Custom event buses (the default bus always exists)."),
        "connections": ListOf(CONNECTION, "EventBridge connections (CreateConnection)."),
        "api_destinations": ListOf(
            API_DESTINATION, "EventBridge API destinations (CreateApiDestination)."
        ),
        "rules": ListOf(RULE, "EventBridge rules, each with its Targets."),
        "chaos": Delegated(CHAOS, check_chaos),
        "endpoints": ENDPOINTS,
    },
    description="An eventbus-emulator rules file; every file of the rules folder is merged.",
    title="eventbus-emulator rules file",
)


def json_schema() -> JsonSchema:
    """The JSON Schema of a rules file (what ``eventbus-emulator schema`` prints)."""
    schema = RULES_FILE.schema()
    fault = schema["properties"]["chaos"]["properties"]["faults"]["items"]
    fault["oneOf"] = [{"required": [kind]} for kind in KINDS]
    return {"$schema": SCHEMA_DIALECT, **schema}
