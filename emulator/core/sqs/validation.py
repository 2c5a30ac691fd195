"""Validation of SQS requests, raising AWS's errors with AWS's messages.

Sources, strongest first: the API Reference and Developer Guide (limits, ranges, character sets),
then error texts captured from real SQS (GitHub issues quoting live responses, LocalStack's
AWS-recorded snapshot tests). Messages for which no capture was found are marked ``# ours``.

Numbers and booleans arrive as strings (queue attributes are a string map); the functions here
return canonical strings so that ``CreateQueue``'s "same attributes" comparison is exact.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from emulator.core.errors import InvalidParameterValue, MissingParameter
from emulator.core.sqs.errors import (
    BatchEntryIdsNotDistinct,
    EmptyBatchRequest,
    InvalidAttributeName,
    InvalidAttributeValue,
    InvalidBatchEntryId,
    InvalidMessageContents,
    TooManyEntriesInBatchRequest,
    UnsupportedOperation,
)

# Limits (Developer Guide, "Amazon SQS message quotas"; API Reference, CreateQueue).
MAX_MESSAGE_SIZE = 1_048_576
MAX_BATCH_ENTRIES = 10
MAX_BATCH_SIZE = 1_048_576
MAX_MESSAGE_ATTRIBUTES = 10
MAX_ATTRIBUTE_NAME_LENGTH = 256
MAX_ATTRIBUTE_TYPE_LENGTH = 256
MAX_POLICY_STATEMENTS = 20
MAX_SOURCE_QUEUE_ARNS = 10

DEFAULT_ATTRIBUTES: dict[str, str] = {
    "VisibilityTimeout": "30",
    "MaximumMessageSize": str(MAX_MESSAGE_SIZE),
    "MessageRetentionPeriod": "345600",
    "DelaySeconds": "0",
    "ReceiveMessageWaitTimeSeconds": "0",
    "SqsManagedSseEnabled": "true",
}
"""What ``GetQueueAttributes`` shows for a queue created without attributes (CreateQueue)."""

FIFO_DEFAULT_ATTRIBUTES: dict[str, str] = {
    **DEFAULT_ATTRIBUTES,
    "FifoQueue": "true",
    "ContentBasedDeduplication": "false",
    "DeduplicationScope": "queue",
    "FifoThroughputLimit": "perQueue",
}
"""A FIFO queue's defaults, as SQS reports them for a queue created with only ``FifoQueue``."""

KMS_DATA_KEY_REUSE_DEFAULT = "300"
"""``KmsDataKeyReusePeriodSeconds`` once ``KmsMasterKeyId`` is set (CreateQueue: Default 300)."""


def default_attributes(fifo: bool) -> dict[str, str]:
    """A fresh copy of the default attributes of a standard or FIFO queue."""
    return dict(FIFO_DEFAULT_ATTRIBUTES if fifo else DEFAULT_ATTRIBUTES)


# --- queue names ----------------------------------------------------------------------------

QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
FIFO_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,75}\.fifo")
MSG_QUEUE_NAME_MISSING = (
    "Value for parameter QueueName is invalid. Reason: Must specify a queue name."
)
MSG_QUEUE_NAME = (
    "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
)
MSG_FIFO_QUEUE_NAME = (
    "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, "
    "must end with .fifo suffix and be 1 to 80 in length."
)


def check_queue_name(name: str, *, fifo: bool | None = None) -> None:
    """AWS's queue-name rule: 1-80 of ``[A-Za-z0-9_-]``; a FIFO name ends in ``.fifo`` (counted).

    ``fifo`` says whether the queue is created as FIFO (``FifoQueue=true``); ``None`` infers it
    from the suffix. A ``.fifo`` name for a standard queue fails with the standard-name message,
    as AWS answers ``CreateQueue(QueueName='messages.fifo')`` (boto/botocore#3058).
    """
    if not name:
        raise InvalidParameterValue(MSG_QUEUE_NAME_MISSING)
    if fifo is None:
        fifo = name.endswith(".fifo")
    if fifo and not FIFO_QUEUE_NAME.fullmatch(name):
        raise InvalidParameterValue(MSG_FIFO_QUEUE_NAME)
    if not fifo and not QUEUE_NAME.fullmatch(name):
        raise InvalidParameterValue(MSG_QUEUE_NAME)


# --- queue attributes -----------------------------------------------------------------------

INTEGER_ATTRIBUTES: dict[str, tuple[int, int]] = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1024, MAX_MESSAGE_SIZE),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
ENUM_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "DeduplicationScope": ("messageGroup", "queue"),
    "FifoThroughputLimit": ("perQueue", "perMessageGroupId"),
}
BOOLEAN_ATTRIBUTES = frozenset({"ContentBasedDeduplication", "SqsManagedSseEnabled"})
FIFO_ONLY_ATTRIBUTES = frozenset(
    {"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"}
)
READ_ONLY_ATTRIBUTES = frozenset(
    {
        "All",
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)
"""Names ``GetQueueAttributes`` knows but ``CreateQueue``/``SetQueueAttributes`` refuse."""

MSG_UNKNOWN_ATTRIBUTE = "Unknown Attribute {name}."
MSG_INVALID_ATTRIBUTE = "Invalid value for the parameter {name}."
MSG_MODIFY_QUEUE_TYPE = (
    "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported."
)
MSG_ONE_SSE = (
    "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS "
    "SSE or SQS SSE."
)
MSG_TOO_MANY_STATEMENTS = (
    "{count} statements were found in the submitted policy, max allowed is {limit}"
)
MSG_PARAMETER_INVALID = "Value {value} for parameter {name} is invalid. Reason: {reason}"

QueueAttributeRule = Callable[[str, str, bool, bool], str]


def normalize_queue_attributes(
    attrs: Mapping[str, str], *, fifo: bool, creating: bool
) -> dict[str, str]:
    """Validate ``CreateQueue``/``SetQueueAttributes`` attributes; return canonical values.

    ``fifo``: the queue is (or, at creation, its name makes it) a FIFO queue. Integers come back
    without leading zeros, booleans lower-case, ``RedrivePolicy`` as compact JSON with a numeric
    ``maxReceiveCount``. An empty ``Policy``, ``RedrivePolicy``, ``RedriveAllowPolicy`` or
    ``KmsMasterKeyId`` is kept as ``""``: SQS reads it as "remove this attribute".

    Not checked here, as they need other queues or the queue's state: whether the dead-letter
    target exists (:func:`dead_letter_target_missing`) and allows this source.
    """
    result: dict[str, str] = {}
    for name, value in attrs.items():
        rule = queue_attribute_rule(name, fifo)
        result[name] = rule(name, value, fifo, creating)
    check_attribute_combinations(result)
    return result


def queue_attribute_rule(name: str, fifo: bool) -> QueueAttributeRule:
    """The validator of a settable attribute; ``InvalidAttributeName`` for any other name.

    FIFO-only attributes on a standard queue are unknown to SQS (``Unknown Attribute FifoQueue.``
    for ``CreateQueue(QueueName='q', Attributes={'FifoQueue': 'true'})``).
    """
    rule = QUEUE_ATTRIBUTE_RULES.get(name)
    if rule is None or (name in FIFO_ONLY_ATTRIBUTES and not fifo):
        raise InvalidAttributeName(MSG_UNKNOWN_ATTRIBUTE.format(name=name))
    return rule


def integer_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """An integer attribute within its documented range; no sign, spaces or fraction allowed."""
    low, high = INTEGER_ATTRIBUTES[name]
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise InvalidAttributeValue(MSG_INVALID_ATTRIBUTE.format(name=name))
    return str(int(value))


def boolean_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """``true`` or ``false`` (any case), returned lower-case."""
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise InvalidAttributeValue(MSG_INVALID_ATTRIBUTE.format(name=name))
    return lowered


def enum_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """One of the attribute's documented values, exactly."""
    if value not in ENUM_ATTRIBUTES[name]:
        raise InvalidAttributeValue(MSG_INVALID_ATTRIBUTE.format(name=name))
    return value


def fifo_queue_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """``FifoQueue``: only ``true``, only for ``.fifo`` names; never changes afterwards.

    At creation anything but ``true`` is an unknown attribute (LocalStack#10820 records AWS
    refusing ``false``); on a FIFO queue ``SetQueueAttributes`` accepts ``true`` and answers
    ``false`` with "Modifying queue type is not supported." (LocalStack AWS snapshot).
    """
    canonical = boolean_attribute(name, value, fifo, creating)
    if canonical == "true":
        return canonical
    if creating:
        raise InvalidAttributeName(MSG_UNKNOWN_ATTRIBUTE.format(name=name))
    raise InvalidAttributeValue(MSG_MODIFY_QUEUE_TYPE)


def free_text_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """``KmsMasterKeyId``: any key id or alias; KMS is not emulated."""
    return value


def policy_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """``Policy``: an IAM policy document (JSON object with ``Statement``), kept as given."""
    if value == "":
        return value
    document = parse_json(value)
    if not isinstance(document, dict) or not valid_policy_shape(document):
        raise InvalidAttributeValue(MSG_INVALID_ATTRIBUTE.format(name=name))
    statements = document["Statement"]
    count = len(statements) if isinstance(statements, list) else 1
    if count > MAX_POLICY_STATEMENTS:
        message = MSG_TOO_MANY_STATEMENTS.format(count=count, limit=MAX_POLICY_STATEMENTS)
        raise InvalidAttributeValue(message)  # code: ours
    return value


def valid_policy_shape(document: dict[str, Any]) -> bool:
    """Top-level keys ``Version``/``Id``/``Statement``; a known ``Version``; statements present."""
    if not set(document) <= {"Version", "Id", "Statement"}:
        return False
    if document.get("Version", "2012-10-17") not in ("2008-10-17", "2012-10-17"):
        return False
    statements = document.get("Statement")
    if isinstance(statements, dict):
        return True
    return (
        isinstance(statements, list)
        and bool(statements)
        and all(isinstance(statement, dict) for statement in statements)
    )


def parse_json(value: str) -> Any:
    """``value`` parsed as JSON, or ``None`` when it is not JSON."""
    try:
        return json.loads(value)
    except ValueError:
        return None


# RedrivePolicy (API Reference, SetQueueAttributes; Developer Guide, dead-letter queues).
MSG_REDRIVE_NOT_MAP = (
    "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map."
)
REASON_REDRIVE_KEYS = (
    "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn]."
)
REASON_REDRIVE_MANDATORY = "Redrive policy does not contain mandatory attribute: {key}."
REASON_MAX_RECEIVE_COUNT = (
    "Invalid value for maxReceiveCount: {value}, valid values are from 1 to 1000 both inclusive."
)
REASON_TARGET_ARN = "Invalid value for deadLetterTargetArn."
REASON_TARGET_NOT_SQS = "Only SQS queues are valid resources for deadLetterTargetArn."
REASON_TARGET_TYPE = "Dead-letter queue must be same type of queue as the source.."
REASON_TARGET_MISSING = "Dead letter target does not exist."
REDRIVE_KEYS = frozenset({"deadLetterTargetArn", "maxReceiveCount"})


def redrive_policy_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """``RedrivePolicy``: ``{"deadLetterTargetArn": <sqs arn>, "maxReceiveCount": 1..1000}``.

    The dead-letter queue must be of the source's type (``.fifo`` for a FIFO source). Returned as
    compact JSON, ``maxReceiveCount`` as a number even when given as a string.
    """
    if value == "":
        return value
    policy = parse_json(value)
    if not isinstance(policy, dict):
        raise InvalidAttributeValue(MSG_REDRIVE_NOT_MAP)
    count, arn = redrive_fields(value, policy)
    check_dead_letter_arn(value, arn, fifo)
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count}, separators=(",", ":"))


def redrive_fields(raw: str, policy: dict[str, Any]) -> tuple[int, str]:
    """``maxReceiveCount`` (1-1000) and ``deadLetterTargetArn`` of a parsed redrive policy."""
    if not set(policy) <= REDRIVE_KEYS:
        raise redrive_error(raw, REASON_REDRIVE_KEYS)
    for key in ("maxReceiveCount", "deadLetterTargetArn"):
        if key not in policy:
            raise redrive_error(raw, REASON_REDRIVE_MANDATORY.format(key=key))
    count = as_integer(policy["maxReceiveCount"])
    if count is None or not 1 <= count <= 1000:
        reason = REASON_MAX_RECEIVE_COUNT.format(value=policy["maxReceiveCount"])
        raise redrive_error(raw, reason)
    arn = policy["deadLetterTargetArn"]
    if not isinstance(arn, str):
        raise redrive_error(raw, REASON_TARGET_ARN)
    return count, arn


def check_dead_letter_arn(raw: str, arn: str, fifo: bool) -> None:
    """An SQS queue ARN ``arn:<partition>:sqs:<region>:<account>:<name>`` of the source's type."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[0] != "arn" or not all(parts[1:]):
        raise redrive_error(raw, REASON_TARGET_ARN)
    if parts[2] != "sqs":
        raise redrive_error(raw, REASON_TARGET_NOT_SQS)
    if parts[5].endswith(".fifo") != fifo:
        raise redrive_error(raw, REASON_TARGET_TYPE)


def as_integer(value: Any) -> int | None:
    """An integer given as a JSON number or a string of digits; ``None`` otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    return None


def redrive_error(raw: str, reason: str) -> InvalidParameterValue:
    """``Value <policy> for parameter RedrivePolicy is invalid. Reason: …``."""
    return parameter_invalid("RedrivePolicy", raw, reason)


def dead_letter_target_missing(policy: str) -> InvalidParameterValue:
    """The error for a ``RedrivePolicy`` whose target queue does not exist (raise it)."""
    return redrive_error(policy, REASON_TARGET_MISSING)


def parameter_invalid(name: str, value: object, reason: str) -> InvalidParameterValue:
    """AWS's ``Value <v> for parameter <name> is invalid. Reason: <reason>`` error."""
    return InvalidParameterValue(
        MSG_PARAMETER_INVALID.format(value=value, name=name, reason=reason)
    )


# RedriveAllowPolicy (API Reference, SetQueueAttributes).
MSG_ALLOW_FORMAT = (
    "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the "
    "redrive allow policy, as it\u2019s in an unsupported format."
)
REASON_ALLOW = "Amazon SQS can't create the redrive allow policy. "
REASON_ALLOW_NEEDS_ARNS = REASON_ALLOW + (
    "When you specify the byQueue permission type, you must also specify one or more "
    "sourceQueueArns values."
)
REASON_ALLOW_TOO_MANY = REASON_ALLOW + (
    f"The maximum number of source queue ARNs you can specify is {MAX_SOURCE_QUEUE_ARNS}."
)
REASON_ALLOW_NEEDS_BY_QUEUE = REASON_ALLOW + (
    "To specify one or more source queue ARNs, you must set redrivePermission to byQueue."
)
REDRIVE_PERMISSIONS = ("allowAll", "denyAll", "byQueue")


def redrive_allow_policy_attribute(name: str, value: str, fifo: bool, creating: bool) -> str:
    """``RedriveAllowPolicy``: ``redrivePermission`` allowAll|denyAll|byQueue (+ ≤ 10 ARNs)."""
    if value == "":
        return value
    policy = parse_json(value)
    if not isinstance(policy, dict) or not valid_allow_shape(policy):
        raise InvalidAttributeValue(MSG_ALLOW_FORMAT)
    arns = policy.get("sourceQueueArns")
    if policy["redrivePermission"] != "byQueue":
        if arns is not None:
            raise parameter_invalid(name, value, REASON_ALLOW_NEEDS_BY_QUEUE)
    elif not arns:
        raise parameter_invalid(name, value, REASON_ALLOW_NEEDS_ARNS)
    elif len(arns) > MAX_SOURCE_QUEUE_ARNS:
        raise parameter_invalid(name, value, REASON_ALLOW_TOO_MANY)
    return value


def valid_allow_shape(policy: dict[str, Any]) -> bool:
    """Known keys, a known ``redrivePermission``, ``sourceQueueArns`` a list of strings."""
    if not set(policy) <= {"redrivePermission", "sourceQueueArns"}:
        return False
    if policy.get("redrivePermission") not in REDRIVE_PERMISSIONS:
        return False
    arns = policy.get("sourceQueueArns", [])
    return isinstance(arns, list) and all(isinstance(arn, str) for arn in arns)


def check_attribute_combinations(attrs: Mapping[str, str]) -> None:
    """Rules between attributes of one request: one kind of server-side encryption at a time."""
    if attrs.get("SqsManagedSseEnabled") == "true" and attrs.get("KmsMasterKeyId"):
        raise InvalidAttributeName(MSG_ONE_SSE)


QUEUE_ATTRIBUTE_RULES: dict[str, QueueAttributeRule] = {
    **dict.fromkeys(INTEGER_ATTRIBUTES, integer_attribute),
    **dict.fromkeys(BOOLEAN_ATTRIBUTES, boolean_attribute),
    **dict.fromkeys(ENUM_ATTRIBUTES, enum_attribute),
    "FifoQueue": fifo_queue_attribute,
    "KmsMasterKeyId": free_text_attribute,
    "Policy": policy_attribute,
    "RedrivePolicy": redrive_policy_attribute,
    "RedriveAllowPolicy": redrive_allow_policy_attribute,
}


# --- message bodies -------------------------------------------------------------------------

INVALID_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ALLOWED_CHARACTERS = "#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]"
MSG_INVALID_BODY_CHARACTER = (
    "Invalid binary character '{character}' was found in the message body, the set of allowed "
    "characters is " + ALLOWED_CHARACTERS + "."
)
MSG_BODY_MISSING = "The request must contain the parameter MessageBody."
MSG_TOO_LONG = (
    "One or more parameters are invalid. Reason: Message must be shorter than {limit} bytes."
)


ALLOWED_ASCII = bytes([0x9, 0xA, 0xD, *range(0x20, 0x80)])


def first_invalid_character(text: str) -> str | None:
    """The first character of ``text`` outside SQS's allowed set, or ``None``.

    This runs on every message, so it takes fast paths before the regular expression (which costs
    about 10 us per KiB): ASCII text goes through ``bytes.translate`` (about 1.5 us per KiB), and
    text that ``str.isprintable`` accepts holds no control character, surrogate or unassigned code
    point (U+FFFE and U+FFFF are unassigned), hence nothing SQS refuses.
    """
    if text.isascii():
        bad = text.encode("ascii").translate(None, ALLOWED_ASCII)
        return chr(bad[0]) if bad else None
    if text.isprintable():
        return None
    found = INVALID_CHARACTER.search(text)
    return None if found is None else found.group()


def check_message_body(body: str, max_size: int = MAX_MESSAGE_SIZE) -> None:
    """A non-empty body of allowed characters, at most ``max_size`` UTF-8 bytes on its own.

    The size that counts against ``MaximumMessageSize`` includes the attributes:
    :func:`message_size` and :func:`check_message_size`.
    """
    if not body:
        raise MissingParameter(MSG_BODY_MISSING)
    bad = first_invalid_character(body)
    if bad is not None:
        raise InvalidMessageContents(
            MSG_INVALID_BODY_CHARACTER.format(character=character_code(bad))
        )
    if len(body) * 4 > max_size and len(body.encode("utf-8")) > max_size:
        raise InvalidParameterValue(MSG_TOO_LONG.format(limit=max_size))


def character_code(character: str) -> str:
    """A character as AWS names it in errors: ``#x7``, ``#xFFFF``."""
    return f"#x{ord(character):X}"


def check_message_size(size: int, max_size: int = MAX_MESSAGE_SIZE) -> None:
    """``InvalidParameterValue`` when a message (body + attributes) exceeds ``max_size`` bytes."""
    if size > max_size:
        raise InvalidParameterValue(MSG_TOO_LONG.format(limit=max_size))


def message_size(body: str, attrs: Mapping[str, Mapping[str, Any]] | None = None) -> int:
    """The size SQS counts against ``MaximumMessageSize``: body plus every attribute's parts.

    "All components of a message attribute are included in the message size restriction"
    (Developer Guide, "Message metadata"): name, data type and value, in UTF-8 bytes. System
    attributes do not count (API Reference, SendMessage ``MessageSystemAttributes``).
    """
    size = len(body) if body.isascii() else len(body.encode("utf-8"))  # ASCII: 1 byte a char
    if not attrs:
        return size
    for name, attribute in attrs.items():
        size += len(name.encode("utf-8")) + len(str(attribute.get("DataType", "")).encode("utf-8"))
        size += len(attribute_value_bytes(attribute))
    return size


def attribute_value_bytes(attribute: Mapping[str, Any]) -> bytes:
    """The bytes of an attribute's value: ``BinaryValue`` as is, ``StringValue`` in UTF-8."""
    binary = attribute.get("BinaryValue")
    if binary is not None:
        return bytes(binary)
    return str(attribute.get("StringValue") or "").encode("utf-8")


# --- message attributes ---------------------------------------------------------------------

ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
RESERVED_NAME = re.compile(r"(aws|amazon)\.", re.IGNORECASE)
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
BASE_TYPES = ("String", "Number", "Binary")
NUMBER_MAX_DIGITS = 38
NUMBER_MIN_MAGNITUDE = Decimal("1e-128")
NUMBER_MAX_MAGNITUDE = Decimal("1e126")

MSG_TOO_MANY_ATTRIBUTES = (
    "Number of message attributes [{count}] exceeds the allowed maximum [{limit}]."
)
MSG_EMPTY_NAME = "The request must contain non-empty message (user) attribute names."
MSG_NAME_TOO_LONG = "Message (user) attribute names must be shorter than 256 Bytes"
MSG_NAME_CHARACTERS = (
    "Message (user) attributes name can only contain upper and lower score characters, digits, "
    "periods, hyphens and underscores. "
)
MSG_NAME_RESERVED = (
    "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are "
    "reserved for internal use. Additionally, they cannot start or end with '.'."
)
MSG_NAME_PERIODS = "Message (user) attribute name must not have successive '.' characters."
MSG_NO_VALUE = (
    "The message (user) attribute '{name}' must contain a non-empty message attribute value."
)
MSG_EMPTY_VALUE = (
    "Message (user) attribute '{name}' must contain a non-empty value of type '{type}'."
)
MSG_TYPE_MISSING = "Missing required parameter DataType"
MSG_BAD_TYPE = (
    "The type of message (user) attribute '{name}' is invalid. You must use only the following "
    "supported type prefixes: Binary, Number, String."
)
MSG_TYPE_TOO_LONG = "Message (user) attribute types must be shorter than 256 Bytes"
MSG_LIST_VALUES = "Message attribute list values in {operation} operation are not supported."
MSG_NOT_A_NUMBER = "Can't cast the value of message (user) attribute '{name}' to a number."
MSG_NUMBER_RANGE = (  # ours: the limits are documented, AWS's wording for them was not found
    "Value {value} of message (user) attribute '{name}' is invalid. Reason: A number can have up "
    "to 38 digits of precision and must be between 10^-128 and 10^+126."
)
MSG_INVALID_VALUE_CHARACTER = (  # ours: AWS answers InvalidParameterValue; its text was not found
    "Invalid binary character '{character}' was found in the value of message (user) attribute "
    "'{name}', the set of allowed characters is " + ALLOWED_CHARACTERS + "."
)


def check_message_attributes(
    attrs: Mapping[str, Mapping[str, Any]] | None, *, operation: str = "SendMessage"
) -> None:
    """A message's user attributes, by AWS's rules (Developer Guide, "Message metadata").

    At most 10; names of ``[A-Za-z0-9_.-]`` up to 256 characters, not starting or ending with
    ``.``, without ``..``, not starting with ``AWS.``/``Amazon.`` in any case; a data type
    ``String``/``Number``/``Binary`` with an optional custom suffix (``Number.int``,
    ``Binary.png``); a non-empty value of the matching kind; numbers of up to 38 significant
    digits between 10^-128 and 10^+126. List values are refused with ``UnsupportedOperation``
    (``operation`` names the API in that message). Checked in name order, so the error reported
    for a message with several faults is always the same.
    """
    if not attrs:
        return
    if len(attrs) > MAX_MESSAGE_ATTRIBUTES:
        message = MSG_TOO_MANY_ATTRIBUTES.format(count=len(attrs), limit=MAX_MESSAGE_ATTRIBUTES)
        raise InvalidParameterValue(message)
    for name in sorted(attrs):
        check_attribute_name(name)
        check_attribute_value(name, attrs[name], operation)


def check_attribute_name(name: str) -> None:
    """One user attribute name."""
    if not name:
        raise InvalidParameterValue(MSG_EMPTY_NAME)
    if len(name) > MAX_ATTRIBUTE_NAME_LENGTH:
        raise InvalidParameterValue(MSG_NAME_TOO_LONG)
    if not ATTRIBUTE_NAME.fullmatch(name):
        raise InvalidParameterValue(MSG_NAME_CHARACTERS)
    if RESERVED_NAME.match(name) or name.startswith(".") or name.endswith("."):
        raise InvalidParameterValue(MSG_NAME_RESERVED)
    if ".." in name:
        raise InvalidParameterValue(MSG_NAME_PERIODS)


def check_attribute_value(name: str, attribute: Mapping[str, Any], operation: str) -> None:
    """One attribute's data type and value."""
    if attribute.get("StringListValues") or attribute.get("BinaryListValues"):
        raise UnsupportedOperation(MSG_LIST_VALUES.format(operation=operation))
    data_type = attribute.get("DataType")
    if attribute.get("StringValue") is None and attribute.get("BinaryValue") is None:
        raise InvalidParameterValue(MSG_NO_VALUE.format(name=name))
    if not data_type:
        raise InvalidParameterValue(MSG_TYPE_MISSING)
    base = check_data_type(name, data_type)
    if base == "Binary":
        check_binary_value(name, attribute.get("BinaryValue"))
    else:
        check_string_value(name, base, attribute.get("StringValue"))


def check_data_type(name: str, data_type: str) -> str:
    """The base type (``String``, ``Number``, ``Binary``) of a possibly custom data type."""
    base, _, custom = data_type.partition(".")
    if base not in BASE_TYPES or (data_type != base and not custom):
        raise InvalidParameterValue(MSG_BAD_TYPE.format(name=name))
    if len(data_type) > MAX_ATTRIBUTE_TYPE_LENGTH:
        raise InvalidParameterValue(MSG_TYPE_TOO_LONG)
    check_value_characters(name, data_type)
    return base


def check_binary_value(name: str, value: Any) -> None:
    """A non-empty ``BinaryValue``."""
    if not value:
        raise InvalidParameterValue(MSG_EMPTY_VALUE.format(name=name, type="Binary"))


def check_string_value(name: str, base: str, value: Any) -> None:
    """A non-empty ``StringValue`` of allowed characters; for numbers, a number in range."""
    if not value:
        raise InvalidParameterValue(MSG_EMPTY_VALUE.format(name=name, type=base))
    check_value_characters(name, value)
    if base == "Number":
        check_number(name, value)


def check_value_characters(name: str, text: str) -> None:
    """An attribute's type or value holds only characters SQS allows."""
    bad = first_invalid_character(text)
    if bad is not None:
        message = MSG_INVALID_VALUE_CHARACTER.format(character=character_code(bad), name=name)
        raise InvalidParameterValue(message)


def check_number(name: str, value: str) -> None:
    """A decimal number: up to 38 significant digits, 0 or between 10^-128 and 10^+126 in size.

    Developer Guide, "Message metadata": "A number can have up to 38 digits of precision, and it
    can be between 10^-128 and 10^+126." Leading and trailing zeros do not count as precision.
    """
    if not NUMBER.fullmatch(value):
        raise InvalidParameterValue(MSG_NOT_A_NUMBER.format(name=name))
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise InvalidParameterValue(MSG_NOT_A_NUMBER.format(name=name)) from None
    if number.is_zero():
        return
    magnitude = abs(number)
    digits = len("".join(map(str, number.as_tuple().digits)).strip("0"))
    if digits > NUMBER_MAX_DIGITS or not NUMBER_MIN_MAGNITUDE <= magnitude <= NUMBER_MAX_MAGNITUDE:
        raise InvalidParameterValue(MSG_NUMBER_RANGE.format(value=value, name=name))


# --- message system attributes --------------------------------------------------------------

SYSTEM_ATTRIBUTES = frozenset({"AWSTraceHeader"})
MSG_SYSTEM_NAME = "Message system attribute name '{name}' is invalid."
MSG_SYSTEM_TYPE = (  # ours
    "The message system attribute '{name}' must be of type 'String' with a non-empty StringValue."
)


def check_message_system_attributes(attrs: Mapping[str, Mapping[str, Any]] | None) -> None:
    """``MessageSystemAttributes``: only ``AWSTraceHeader``, a non-empty String.

    API Reference, SendMessage: "Currently, the only supported message system attribute is
    AWSTraceHeader. Its type must be String and its value must be a correctly formatted X-Ray
    trace header string." The header's format is not checked.
    """
    for name in sorted(attrs or {}):
        attribute = (attrs or {})[name]
        if name not in SYSTEM_ATTRIBUTES:
            raise InvalidParameterValue(MSG_SYSTEM_NAME.format(name=name))
        if attribute.get("StringListValues") or attribute.get("BinaryListValues"):
            raise UnsupportedOperation(MSG_LIST_VALUES.format(operation="SendMessage"))
        if attribute.get("DataType") != "String" or not attribute.get("StringValue"):
            raise InvalidParameterValue(MSG_SYSTEM_TYPE.format(name=name))
        check_string_value(name, "String", attribute["StringValue"])


# --- batches --------------------------------------------------------------------------------

BATCH_ENTRY_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
MSG_ENTRY_ID_MISSING = "The request must contain the parameter {entry}.{index}.Id."


def check_batch_entries(
    entries: Sequence[Mapping[str, Any]], *, entry: str = "SendMessageBatchRequestEntry"
) -> None:
    """1-10 entries whose ``Id`` s are distinct and valid (``[A-Za-z0-9_-]{1,80}``).

    ``entry`` names the entry shape in AWS's messages: ``SendMessageBatchRequestEntry``,
    ``DeleteMessageBatchRequestEntry`` or ``ChangeMessageVisibilityBatchRequestEntry``.
    """
    check_batch_ids([item.get("Id") for item in entries], entry=entry)


def check_batch_ids(
    ids: Sequence[str | None], *, entry: str = "SendMessageBatchRequestEntry"
) -> None:
    """:func:`check_batch_entries` on the entries' ``Id`` s (``None`` where one is missing)."""
    if not ids:
        raise EmptyBatchRequest(entry)
    if len(ids) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest(MAX_BATCH_ENTRIES, len(ids))
    seen: set[str] = set()
    for index, entry_id in enumerate(ids, start=1):
        if entry_id is None:
            raise MissingParameter(MSG_ENTRY_ID_MISSING.format(entry=entry, index=index))
        if not BATCH_ENTRY_ID.fullmatch(entry_id):
            raise InvalidBatchEntryId()
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(entry_id)
        seen.add(entry_id)


# --- per-request parameters -----------------------------------------------------------------

REASON_DELAY = "DelaySeconds must be >= 0 and <= 900."
REASON_MAX_MESSAGES = "Must be between 1 and 10, if provided."
REASON_WAIT = "Must be >= 0 and <= 20, if provided."
REASON_VISIBILITY = "Must be >= 0 and <= 43200, if provided."
FIFO_ID = re.compile(r"[A-Za-z0-9!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~]{1,128}")
REASON_FIFO_ID = (
    "{name} can only include alphanumeric and punctuation characters. 1 to 128 in length."
)


def check_delay_seconds(value: int | None) -> None:
    """A message's ``DelaySeconds``: 0-900 (API Reference, SendMessage)."""
    if value is not None and not 0 <= value <= 900:
        raise parameter_invalid("DelaySeconds", value, REASON_DELAY)


def check_receive_parameters(
    max_messages: int | None, wait_seconds: int | None, visibility_timeout: int | None
) -> None:
    """``ReceiveMessage``'s ``MaxNumberOfMessages`` 1-10, ``WaitTimeSeconds`` 0-20 and
    ``VisibilityTimeout`` 0-43200, each optional."""
    if max_messages is not None and not 1 <= max_messages <= 10:
        raise parameter_invalid("MaxNumberOfMessages", max_messages, REASON_MAX_MESSAGES)
    if wait_seconds is not None and not 0 <= wait_seconds <= 20:
        raise parameter_invalid("WaitTimeSeconds", wait_seconds, REASON_WAIT)
    if visibility_timeout is not None and not 0 <= visibility_timeout <= 43_200:
        raise parameter_invalid("VisibilityTimeout", visibility_timeout, REASON_VISIBILITY)


def check_fifo_id(name: str, value: str) -> None:
    """``MessageGroupId`` / ``MessageDeduplicationId``: 1-128 alphanumerics and punctuation."""
    if not FIFO_ID.fullmatch(value):
        raise parameter_invalid(name, value, REASON_FIFO_ID.format(name=name))
