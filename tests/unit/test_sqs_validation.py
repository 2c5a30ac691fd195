"""SQS request validation: each case names its input and the AWS error code and message due."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.errors import DomainError
from emulator.core.sqs import validation as v

ARN = "arn:aws:sqs:us-east-1:123456789012:dlq"
FIFO_ARN = "arn:aws:sqs:us-east-1:123456789012:dlq.fifo"


def raised(call: Callable[[], object]) -> tuple[str, str]:
    """The (code, message) of the domain error ``call`` raises."""
    with pytest.raises(DomainError) as info:
        call()
    return info.value.code, info.value.message


def s(value: Any, data_type: str = "String") -> dict[str, Any]:
    return {"DataType": data_type, "StringValue": value}


def b(value: Any, data_type: str = "Binary") -> dict[str, Any]:
    return {"DataType": data_type, "BinaryValue": value}


# --- queue names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fifo"),
    [
        ("a", None),
        ("Orders_queue-1", None),
        ("x" * 80, None),
        ("x" * 75 + ".fifo", None),
        ("orders.fifo", True),
    ],
)
def test_check_queue_name_accepts_valid_names(name: str, fifo: bool | None) -> None:
    v.check_queue_name(name, fifo=fifo)


@pytest.mark.parametrize(
    ("name", "fifo", "message"),
    [
        ("", None, v.MSG_QUEUE_NAME_MISSING),
        ("x" * 81, None, v.MSG_QUEUE_NAME),
        ("in.fo", None, v.MSG_QUEUE_NAME),
        ("with space", None, v.MSG_QUEUE_NAME),
        ("ééwwà", None, v.MSG_QUEUE_NAME),
        ("messages.fifo", False, v.MSG_QUEUE_NAME),
        ("x" * 76 + ".fifo", None, v.MSG_FIFO_QUEUE_NAME),
        ("example.ifo", True, v.MSG_FIFO_QUEUE_NAME),
        (".fifo", True, v.MSG_FIFO_QUEUE_NAME),
    ],
)
def test_check_queue_name_rejects_invalid_names(name: str, fifo: bool | None, message: str) -> None:
    assert raised(lambda: v.check_queue_name(name, fifo=fifo)) == ("InvalidParameterValue", message)


# --- queue attributes -----------------------------------------------------------------------

REDRIVE = json.dumps({"deadLetterTargetArn": ARN, "maxReceiveCount": 5})
BY_QUEUE_OK = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [ARN]})
IAV = "InvalidAttributeValue"
MISSING = "Redrive policy does not contain mandatory attribute: {key}."

VALID_ATTRIBUTES: list[tuple[dict[str, str], bool, bool, dict[str, str]]] = [
    ({"VisibilityTimeout": "0"}, False, True, {"VisibilityTimeout": "0"}),
    ({"VisibilityTimeout": "43200"}, False, False, {"VisibilityTimeout": "43200"}),
    ({"DelaySeconds": "0900"}, False, True, {"DelaySeconds": "900"}),
    ({"MaximumMessageSize": "1024"}, False, True, {"MaximumMessageSize": "1024"}),
    ({"MaximumMessageSize": "1048576"}, False, True, {"MaximumMessageSize": "1048576"}),
    ({"MessageRetentionPeriod": "60"}, False, True, {"MessageRetentionPeriod": "60"}),
    ({"MessageRetentionPeriod": "1209600"}, False, True, {"MessageRetentionPeriod": "1209600"}),
    ({"ReceiveMessageWaitTimeSeconds": "20"}, False, True, {"ReceiveMessageWaitTimeSeconds": "20"}),
    ({"KmsDataKeyReusePeriodSeconds": "60"}, False, True, {"KmsDataKeyReusePeriodSeconds": "60"}),
    ({"KmsMasterKeyId": "alias/aws/sqs"}, False, True, {"KmsMasterKeyId": "alias/aws/sqs"}),
    ({"SqsManagedSseEnabled": "TRUE"}, False, True, {"SqsManagedSseEnabled": "true"}),
    ({"FifoQueue": "true"}, True, True, {"FifoQueue": "true"}),
    ({"FifoQueue": "true"}, True, False, {"FifoQueue": "true"}),
    ({"ContentBasedDeduplication": "False"}, True, False, {"ContentBasedDeduplication": "false"}),
    ({"DeduplicationScope": "messageGroup"}, True, True, {"DeduplicationScope": "messageGroup"}),
    ({"FifoThroughputLimit": "perMessageGroupId"}, True, True,
     {"FifoThroughputLimit": "perMessageGroupId"}),
    ({"RedrivePolicy": REDRIVE}, False, True,
     {"RedrivePolicy": f'{{"deadLetterTargetArn":"{ARN}","maxReceiveCount":5}}'}),
    ({"RedrivePolicy": json.dumps({"maxReceiveCount": "10", "deadLetterTargetArn": FIFO_ARN})},
     True, True, {"RedrivePolicy": f'{{"deadLetterTargetArn":"{FIFO_ARN}","maxReceiveCount":10}}'}),
    ({"RedrivePolicy": ""}, False, False, {"RedrivePolicy": ""}),
    ({"RedriveAllowPolicy": '{"redrivePermission":"allowAll"}'}, False, True,
     {"RedriveAllowPolicy": '{"redrivePermission":"allowAll"}'}),
    ({"RedriveAllowPolicy": BY_QUEUE_OK}, False, True, {"RedriveAllowPolicy": BY_QUEUE_OK}),
    ({"Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'}, False, True,
     {"Policy": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}'}),
    ({"Policy": '{"Version":"2008-10-17","Id":"x","Statement":{"Effect":"Allow"}}'}, False, True,
     {"Policy": '{"Version":"2008-10-17","Id":"x","Statement":{"Effect":"Allow"}}'}),
    ({"Policy": ""}, False, False, {"Policy": ""}),
]  # fmt: skip


@pytest.mark.parametrize(("attrs", "fifo", "creating", "expected"), VALID_ATTRIBUTES)
def test_normalize_queue_attributes_returns_canonical_values(
    attrs: dict[str, str], fifo: bool, creating: bool, expected: dict[str, str]
) -> None:
    assert v.normalize_queue_attributes(attrs, fifo=fifo, creating=creating) == expected


def invalid(name: str) -> str:
    return f"Invalid value for the parameter {name}."


def redrive(raw: str, reason: str) -> str:
    return f"Value {raw} for parameter RedrivePolicy is invalid. Reason: {reason}"


def allow(raw: str, reason: str) -> str:
    return f"Value {raw} for parameter RedriveAllowPolicy is invalid. Reason: {reason}"


NO_DLQ_KEY = json.dumps({"maxReceiveCount": 5})
BAD_COUNT = json.dumps({"deadLetterTargetArn": ARN, "maxReceiveCount": 1001})
SNS_TARGET = json.dumps({"deadLetterTargetArn": "arn:aws:sns:us-east-1:1:t", "maxReceiveCount": 5})
FIFO_TARGET = json.dumps({"deadLetterTargetArn": FIFO_ARN, "maxReceiveCount": 5})
DUMMY_TARGET = json.dumps({"deadLetterTargetArn": "dummy", "maxReceiveCount": 42})
EXTRA_KEY = json.dumps({"deadLetterTargetArn": ARN, "maxReceiveCount": 5, "x": 1})
BY_QUEUE = '{"redrivePermission":"byQueue","sourceQueueArns":[]}'
ELEVEN = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [ARN] * 11})
ALLOW_WITH_ARNS = json.dumps({"redrivePermission": "denyAll", "sourceQueueArns": [ARN]})

INVALID_ATTRIBUTES: list[tuple[dict[str, str], bool, bool, str, str]] = [
    ({"Nonsense": "1"}, False, True, "InvalidAttributeName", "Unknown Attribute Nonsense."),
    ({"QueueArn": "x"}, False, False, "InvalidAttributeName", "Unknown Attribute QueueArn."),
    ({"ApproximateNumberOfMessages": "1"}, False, True, "InvalidAttributeName",
     "Unknown Attribute ApproximateNumberOfMessages."),
    ({"FifoQueue": "true"}, False, True, "InvalidAttributeName", "Unknown Attribute FifoQueue."),
    ({"FifoQueue": "false"}, True, True, "InvalidAttributeName", "Unknown Attribute FifoQueue."),
    ({"FifoQueue": "true"}, False, False, "InvalidAttributeName", "Unknown Attribute FifoQueue."),
    ({"FifoQueue": "false"}, True, False, "InvalidAttributeValue", v.MSG_MODIFY_QUEUE_TYPE),
    ({"ContentBasedDeduplication": "true"}, False, True, "InvalidAttributeName",
     "Unknown Attribute ContentBasedDeduplication."),
    ({"DeduplicationScope": "queue"}, False, False, "InvalidAttributeName",
     "Unknown Attribute DeduplicationScope."),
    ({"VisibilityTimeout": "43201"}, False, True, IAV, invalid("VisibilityTimeout")),
    ({"VisibilityTimeout": "-1"}, False, True, IAV, invalid("VisibilityTimeout")),
    ({"VisibilityTimeout": " 2"}, False, True, IAV, invalid("VisibilityTimeout")),
    ({"VisibilityTimeout": ""}, False, True, IAV, invalid("VisibilityTimeout")),
    ({"VisibilityTimeout": "true"}, False, True, IAV, invalid("VisibilityTimeout")),
    ({"DelaySeconds": "901"}, False, True, IAV, invalid("DelaySeconds")),
    ({"DelaySeconds": "544.43"}, False, True, IAV, invalid("DelaySeconds")),
    ({"MaximumMessageSize": "1023"}, False, True, IAV, invalid("MaximumMessageSize")),
    ({"MaximumMessageSize": "1048577"}, False, True, IAV,
     invalid("MaximumMessageSize")),
    ({"MessageRetentionPeriod": "59"}, False, True, IAV,
     invalid("MessageRetentionPeriod")),
    ({"MessageRetentionPeriod": "1209601"}, False, True, IAV,
     invalid("MessageRetentionPeriod")),
    ({"ReceiveMessageWaitTimeSeconds": "21"}, False, True, IAV,
     invalid("ReceiveMessageWaitTimeSeconds")),
    ({"KmsDataKeyReusePeriodSeconds": "86401"}, False, True, IAV,
     invalid("KmsDataKeyReusePeriodSeconds")),
    ({"KmsDataKeyReusePeriodSeconds": "59"}, False, True, IAV,
     invalid("KmsDataKeyReusePeriodSeconds")),
    ({"SqsManagedSseEnabled": "yes"}, False, True, IAV, invalid("SqsManagedSseEnabled")),
    ({"DeduplicationScope": "group"}, True, True, IAV, invalid("DeduplicationScope")),
    ({"FifoThroughputLimit": "perGroup"}, True, True, IAV,
     invalid("FifoThroughputLimit")),
    ({"Policy": "badjson"}, False, True, IAV, invalid("Policy")),
    ({"Policy": "[]"}, False, True, IAV, invalid("Policy")),
    ({"Policy": '{"Version":"2012-10-17","Statement":[]}'}, False, True, IAV,
     invalid("Policy")),
    ({"Policy": '{"Version":"4532-10-17","Statement":{}}'}, False, True, IAV,
     invalid("Policy")),
    ({"Policy": '{"Dummy":1,"Statement":{}}'}, False, True, IAV, invalid("Policy")),
    ({"Policy": json.dumps({"Statement": [{}] * 22})}, False, True, IAV,
     "22 statements were found in the submitted policy, max allowed is 20"),
    ({"RedrivePolicy": " "}, False, True, "InvalidAttributeValue", v.MSG_REDRIVE_NOT_MAP),
    ({"RedrivePolicy": "[]"}, False, True, "InvalidAttributeValue", v.MSG_REDRIVE_NOT_MAP),
    ({"RedrivePolicy": "{}"}, False, True, "InvalidParameterValue",
     redrive("{}", "Redrive policy does not contain mandatory attribute: maxReceiveCount.")),
    ({"RedrivePolicy": NO_DLQ_KEY}, False, True, "InvalidParameterValue",
     redrive(NO_DLQ_KEY, MISSING.format(key="deadLetterTargetArn"))),
    ({"RedrivePolicy": BAD_COUNT}, False, True, "InvalidParameterValue",
     redrive(BAD_COUNT, "Invalid value for maxReceiveCount: 1001, valid values are from 1 to 1000 "
                        "both inclusive.")),
    ({"RedrivePolicy": SNS_TARGET}, False, True, "InvalidParameterValue",
     redrive(SNS_TARGET, "Only SQS queues are valid resources for deadLetterTargetArn.")),
    ({"RedrivePolicy": DUMMY_TARGET}, False, True, "InvalidParameterValue",
     redrive(DUMMY_TARGET, "Invalid value for deadLetterTargetArn.")),
    ({"RedrivePolicy": FIFO_TARGET}, False, True, "InvalidParameterValue",
     redrive(FIFO_TARGET, "Dead-letter queue must be same type of queue as the source..")),
    ({"RedrivePolicy": REDRIVE}, True, True, "InvalidParameterValue",
     redrive(REDRIVE, "Dead-letter queue must be same type of queue as the source..")),
    ({"RedrivePolicy": EXTRA_KEY}, False, True, "InvalidParameterValue",
     redrive(EXTRA_KEY, "Only following attributes are supported: [maxReceiveCount, "
                        "deadLetterTargetArn].")),
    ({"RedriveAllowPolicy": "badjson"}, False, True, "InvalidAttributeValue", v.MSG_ALLOW_FORMAT),
    ({"RedriveAllowPolicy": "{}"}, False, True, "InvalidAttributeValue", v.MSG_ALLOW_FORMAT),
    ({"RedriveAllowPolicy": '{"redrivePermission":"dummy"}'}, False, True, IAV,
     v.MSG_ALLOW_FORMAT),
    ({"RedriveAllowPolicy": '{"redrivePermission":"byQueue","sourceQueueArns":"arn"}'}, False, True,
     "InvalidAttributeValue", v.MSG_ALLOW_FORMAT),
    ({"RedriveAllowPolicy": BY_QUEUE}, False, True, "InvalidParameterValue",
     allow(BY_QUEUE, v.REASON_ALLOW_NEEDS_ARNS)),
    ({"RedriveAllowPolicy": ELEVEN}, False, True, "InvalidParameterValue",
     allow(ELEVEN, v.REASON_ALLOW_TOO_MANY)),
    ({"RedriveAllowPolicy": ALLOW_WITH_ARNS}, False, True, "InvalidParameterValue",
     allow(ALLOW_WITH_ARNS, v.REASON_ALLOW_NEEDS_BY_QUEUE)),
    ({"SqsManagedSseEnabled": "true", "KmsMasterKeyId": "alias/aws/sqs"}, False, True,
     "InvalidAttributeName", v.MSG_ONE_SSE),
]  # fmt: skip


@pytest.mark.parametrize(("attrs", "fifo", "creating", "code", "message"), INVALID_ATTRIBUTES)
def test_normalize_queue_attributes_rejects_with_aws_error(
    attrs: dict[str, str], fifo: bool, creating: bool, code: str, message: str
) -> None:
    call = lambda: v.normalize_queue_attributes(attrs, fifo=fifo, creating=creating)  # noqa: E731
    assert raised(call) == (code, message)


def test_default_attributes_match_aws_defaults_and_are_fresh_copies() -> None:
    standard = v.default_attributes(fifo=False)
    assert standard["MaximumMessageSize"] == "1048576"
    assert standard["VisibilityTimeout"] == "30"
    assert standard["MessageRetentionPeriod"] == "345600"
    assert "FifoQueue" not in standard
    assert v.default_attributes(fifo=True)["DeduplicationScope"] == "queue"
    standard["VisibilityTimeout"] = "1"
    assert v.DEFAULT_ATTRIBUTES["VisibilityTimeout"] == "30"


def test_default_attributes_pass_their_own_validation() -> None:
    for fifo in (False, True):
        defaults = v.default_attributes(fifo)
        assert v.normalize_queue_attributes(defaults, fifo=fifo, creating=True) == defaults


def test_dead_letter_target_missing_names_the_policy() -> None:
    error = v.dead_letter_target_missing(REDRIVE)
    assert (error.code, error.message) == (
        "InvalidParameterValue",
        redrive(REDRIVE, "Dead letter target does not exist."),
    )


# --- message bodies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["x", "tab\tnew\nline\rok", "\ud7ff\ue000\ufffd", "emoji \U0001f600 \U0010ffff", "é" * 512],
)
def test_check_message_body_accepts_allowed_characters(body: str) -> None:
    v.check_message_body(body, 1024)


@pytest.mark.parametrize(
    ("body", "character"),
    [("a\x07b", "#x7"), ("\x00", "#x0"), ("\x1f", "#x1F"), ("\ufffe", "#xFFFE"),
     ("\uffff", "#xFFFF"), ("\ud800", "#xD800"), ("ok\x0b", "#xB")],
)  # fmt: skip
def test_check_message_body_rejects_disallowed_character(body: str, character: str) -> None:
    message = (
        f"Invalid binary character '{character}' was found in the message body, the set of "
        "allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | "
        "[#x10000-#x10FFFF]."
    )
    assert raised(lambda: v.check_message_body(body)) == ("InvalidMessageContents", message)


@given(st.text(st.characters(exclude_categories=[]), max_size=30) | st.text(max_size=30))
def test_first_invalid_character_agrees_with_the_allowed_set_pattern(text: str) -> None:
    found = v.INVALID_CHARACTER.search(text)
    assert v.first_invalid_character(text) == (None if found is None else found.group())


@pytest.mark.parametrize(
    ("text", "bad"),
    [("ok\x00", "\x00"), ("é\x01", "\x01"), ("\u00a0\u200b\ud800", "\ud800"), ("é\uffff", "\uffff"),
     ("\U0001f600\n\t\r", None), ("\x7f\x80\u00a0", None), ("\U000e0000", None)],
)  # fmt: skip
def test_first_invalid_character_finds_the_first_disallowed_one(text: str, bad: str | None) -> None:
    assert v.first_invalid_character(text) == bad


def test_check_message_body_requires_a_body() -> None:
    assert raised(lambda: v.check_message_body("")) == ("MissingParameter", v.MSG_BODY_MISSING)


def test_check_message_body_counts_utf8_bytes_against_the_limit() -> None:
    v.check_message_body("a" * 1024, 1024)
    too_long = (
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    )
    assert raised(lambda: v.check_message_body("a" * 1025, 1024)) == (
        "InvalidParameterValue",
        too_long,
    )
    assert raised(lambda: v.check_message_body("é" * 513, 1024))[0] == "InvalidParameterValue"


def test_message_size_counts_body_and_every_attribute_part() -> None:
    attrs = {"attrib1": s("a" * 256), "bin": b(b"\x00\x01", "Binary.png")}
    assert v.message_size("é" * 3, attrs) == 6 + (7 + 6 + 256) + (3 + 10 + 2)
    assert v.message_size("body") == 4


def test_check_message_size_rejects_attributes_pushing_message_over_the_limit() -> None:
    attrs = {"attrib1": s("a" * 256), "attrib2": s("a" * 256)}
    size = v.message_size("a" * 513, attrs)
    assert size == 1051
    assert raised(lambda: v.check_message_size(size, 1024)) == (
        "InvalidParameterValue",
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    )
    v.check_message_size(1024, 1024)


# --- message attributes ---------------------------------------------------------------------


def test_check_message_attributes_accepts_every_data_type() -> None:
    v.check_message_attributes(
        {
            "str": s("hello"),
            "custom": s("x", "String.custom"),
            "num": s("-12.5e3", "Number"),
            "int": s("42", "Number.int"),
            "big": s("12345678901234567890123456789012345678", "Number.bigint"),
            "tiny": s("1e-128", "Number"),
            "huge": s("-1e126"),
            "zero": s("0.000", "Number"),
            "bin": b(b"\x00\xff"),
            "png": b(b"\x89PNG", "Binary.png"),
        }
    )


def test_check_message_attributes_accepts_none_and_empty() -> None:
    v.check_message_attributes(None)
    v.check_message_attributes({})


ELEVEN_ATTRIBUTES = {f"a{i}": s("v") for i in range(11)}

INVALID_MESSAGE_ATTRIBUTES: list[tuple[dict[str, Any], str, str]] = [
    (ELEVEN_ATTRIBUTES, "InvalidParameterValue",
     "Number of message attributes [11] exceeds the allowed maximum [10]."),
    ({"": s("v")}, "InvalidParameterValue", v.MSG_EMPTY_NAME),
    ({"a" * 257: s("v")}, "InvalidParameterValue", v.MSG_NAME_TOO_LONG),
    ({"with space": s("v")}, "InvalidParameterValue", v.MSG_NAME_CHARACTERS),
    ({"naïve": s("v")}, "InvalidParameterValue", v.MSG_NAME_CHARACTERS),
    ({"AWS.x": s("v")}, "InvalidParameterValue", v.MSG_NAME_RESERVED),
    ({"amazon.x": s("v")}, "InvalidParameterValue", v.MSG_NAME_RESERVED),
    ({"aMaZoN.x": s("v")}, "InvalidParameterValue", v.MSG_NAME_RESERVED),
    ({".lead": s("v")}, "InvalidParameterValue", v.MSG_NAME_RESERVED),
    ({"trail.": s("v")}, "InvalidParameterValue", v.MSG_NAME_RESERVED),
    ({"a..b": s("v")}, "InvalidParameterValue", v.MSG_NAME_PERIODS),
    ({"Hello": {"DataType": "String"}}, "InvalidParameterValue",
     "The message (user) attribute 'Hello' must contain a non-empty message attribute value."),
    ({"Hello": s("")}, "InvalidParameterValue",
     "Message (user) attribute 'Hello' must contain a non-empty value of type 'String'."),
    ({"Hello": s("", "Number")}, "InvalidParameterValue",
     "Message (user) attribute 'Hello' must contain a non-empty value of type 'Number'."),
    ({"Hello": b(b"")}, "InvalidParameterValue",
     "Message (user) attribute 'Hello' must contain a non-empty value of type 'Binary'."),
    ({"Hello": s("x", "string")}, "InvalidParameterValue",
     "The type of message (user) attribute 'Hello' is invalid. You must use only the following "
     "supported type prefixes: Binary, Number, String."),
    ({"Hello": s("x", "InvalidType")}, "InvalidParameterValue",
     "The type of message (user) attribute 'Hello' is invalid. You must use only the following "
     "supported type prefixes: Binary, Number, String."),
    ({"Hello": s("x", "String." + "a" * 250)}, "InvalidParameterValue", v.MSG_TYPE_TOO_LONG),
    ({"Hello": s("world", "Number")}, "InvalidParameterValue",
     "Can't cast the value of message (user) attribute 'Hello' to a number."),
    ({"Hello": s("1_000", "Number")}, "InvalidParameterValue",
     "Can't cast the value of message (user) attribute 'Hello' to a number."),
    ({"Hello": s("NaN", "Number.float")}, "InvalidParameterValue",
     "Can't cast the value of message (user) attribute 'Hello' to a number."),
    ({"Hello": s("1e127", "Number")}, "InvalidParameterValue",
     v.MSG_NUMBER_RANGE.format(value="1e127", name="Hello")),
    ({"Hello": s("1e-129", "Number")}, "InvalidParameterValue",
     v.MSG_NUMBER_RANGE.format(value="1e-129", name="Hello")),
    ({"Hello": s("1" * 39, "Number")}, "InvalidParameterValue",
     v.MSG_NUMBER_RANGE.format(value="1" * 39, name="Hello")),
    ({"Hello": {"DataType": "String", "StringListValues": ["a"]}}, "UnsupportedOperation",
     "Message attribute list values in SendMessage operation are not supported."),
    ({"Hello": {"DataType": "Binary", "BinaryListValues": [b"a"]}}, "UnsupportedOperation",
     "Message attribute list values in SendMessage operation are not supported."),
]  # fmt: skip


@pytest.mark.parametrize(("attrs", "code", "message"), INVALID_MESSAGE_ATTRIBUTES)
def test_check_message_attributes_rejects_with_aws_error(
    attrs: dict[str, Any], code: str, message: str
) -> None:
    assert raised(lambda: v.check_message_attributes(attrs)) == (code, message)


def test_check_message_attributes_names_the_batch_operation_for_list_values() -> None:
    attrs = {"Hello": {"DataType": "String", "StringListValues": ["a"]}}
    assert raised(lambda: v.check_message_attributes(attrs, operation="SendMessageBatch")) == (
        "UnsupportedOperation",
        "Message attribute list values in SendMessageBatch operation are not supported.",
    )


def test_check_message_attributes_rejects_disallowed_characters_in_values() -> None:
    code, message = raised(lambda: v.check_message_attributes({"x": s("bad\x01")}))
    assert code == "InvalidParameterValue"
    assert "'#x1'" in message


def test_check_message_attributes_reports_the_first_fault_in_name_order() -> None:
    attrs = {"b": s("", "Number"), "a": s("x", "Bogus")}
    assert "'a'" in raised(lambda: v.check_message_attributes(attrs))[1]


# --- message system attributes --------------------------------------------------------------


def test_check_message_system_attributes_accepts_trace_header() -> None:
    v.check_message_system_attributes({"AWSTraceHeader": s("Root=1-5759e988-bd862e3fe1be46a9")})
    v.check_message_system_attributes(None)


@pytest.mark.parametrize(
    ("attrs", "message"),
    [
        ({"Hello": s("World")}, "Message system attribute name 'Hello' is invalid."),
        ({"AWSTraceHeader": b(b"x")}, v.MSG_SYSTEM_TYPE.format(name="AWSTraceHeader")),
        ({"AWSTraceHeader": s("")}, v.MSG_SYSTEM_TYPE.format(name="AWSTraceHeader")),
    ],
)
def test_check_message_system_attributes_rejects(attrs: dict[str, Any], message: str) -> None:
    assert raised(lambda: v.check_message_system_attributes(attrs)) == (
        "InvalidParameterValue",
        message,
    )


# --- batches --------------------------------------------------------------------------------


def test_check_batch_entries_accepts_ten_distinct_valid_ids() -> None:
    v.check_batch_entries([{"Id": f"id_{i}-{'x' * 70}"} for i in range(10)])


BATCH_CASES: list[tuple[list[dict[str, Any]], str, str, str]] = [
    ([], "SendMessageBatchRequestEntry", "EmptyBatchRequest",
     "There should be at least one SendMessageBatchRequestEntry in the request."),
    ([], "DeleteMessageBatchRequestEntry", "EmptyBatchRequest",
     "There should be at least one DeleteMessageBatchRequestEntry in the request."),
    ([{"Id": str(i)} for i in range(11)], "SendMessageBatchRequestEntry",
     "TooManyEntriesInBatchRequest",
     "Maximum number of entries per request are 10. You have sent 11."),
    ([{"Id": "id-1"}, {"Id": "id-1"}], "SendMessageBatchRequestEntry", "BatchEntryIdsNotDistinct",
     "Id id-1 repeated."),
    ([{"Id": "id-1"}, {}], "DeleteMessageBatchRequestEntry", "MissingParameter",
     "The request must contain the parameter DeleteMessageBatchRequestEntry.2.Id."),
]  # fmt: skip

BAD_ID = (
    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
    "It can be at most 80 letters long."
)


@pytest.mark.parametrize(("entries", "entry", "code", "message"), BATCH_CASES)
def test_check_batch_entries_rejects_with_aws_error(
    entries: list[dict[str, Any]], entry: str, code: str, message: str
) -> None:
    assert raised(lambda: v.check_batch_entries(entries, entry=entry)) == (code, message)


@pytest.mark.parametrize("entry_id", ["", " ", "invalid:id", "x" * 81, "é"])
def test_check_batch_entries_rejects_invalid_id(entry_id: str) -> None:
    entries = [{"Id": entry_id}]
    assert raised(lambda: v.check_batch_entries(entries)) == ("InvalidBatchEntryId", BAD_ID)


# --- per-request parameters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: v.check_delay_seconds(-234),
         "Value -234 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and "
         "<= 900."),
        (lambda: v.check_receive_parameters(11, None, None),
         "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, "
         "if provided."),
        (lambda: v.check_receive_parameters(None, 50, None),
         "Value 50 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if "
         "provided."),
        (lambda: v.check_receive_parameters(None, None, 43201),
         "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= "
         "43200, if provided."),
        (lambda: v.check_fifo_id("MessageGroupId", "with space"),
         "Value with space for parameter MessageGroupId is invalid. Reason: MessageGroupId can "
         "only include alphanumeric and punctuation characters. 1 to 128 in length."),
        (lambda: v.check_fifo_id("MessageDeduplicationId", "x" * 129),
         f"Value {'x' * 129} for parameter MessageDeduplicationId is invalid. Reason: "
         "MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to "
         "128 in length."),
    ],
)  # fmt: skip
def test_request_parameter_checks_reject_out_of_range(
    call: Callable[[], None], message: str
) -> None:
    assert raised(call) == ("InvalidParameterValue", message)


def test_request_parameter_checks_accept_bounds_and_absent_values() -> None:
    v.check_delay_seconds(None)
    v.check_delay_seconds(900)
    v.check_receive_parameters(None, None, None)
    v.check_receive_parameters(1, 0, 0)
    v.check_receive_parameters(10, 20, 43200)
    v.check_fifo_id("MessageGroupId", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~aZ9")
