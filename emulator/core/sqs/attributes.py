"""Queue attributes: typed settings for the hot paths, and the names ``GetQueueAttributes`` knows.

A queue stores its settable attributes as AWS shows them (strings); :class:`QueueConfig` is the
same settings parsed once per change, so sending and receiving never parse strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Names GetQueueAttributes accepts (botocore's QueueAttributeName enum, less "All").
READ_ONLY = (
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "QueueArn",
)
SETTABLE = (
    "Policy",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "DeduplicationScope",
    "FifoThroughputLimit",
    "RedriveAllowPolicy",
    "SqsManagedSseEnabled",
)
ALL_NAMES = frozenset(READ_ONLY + SETTABLE)

MAX_VISIBILITY_TIMEOUT = 43_200  # 12 hours (Developer Guide, "Visibility timeout")
MAX_DELAY_SECONDS = 900  # 15 minutes (SendMessage DelaySeconds)
MAX_WAIT_TIME_SECONDS = 20  # ReceiveMessage WaitTimeSeconds
DEDUPLICATION_WINDOW = 300.0  # 5 minutes (Developer Guide, "Exactly-once processing")


@dataclass(frozen=True, slots=True)
class Redrive:
    """A parsed ``RedrivePolicy``: where messages go after ``max_receive_count`` receives."""

    dead_letter_arn: str
    max_receive_count: int


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """A queue's settings as numbers and flags, parsed from its attribute strings."""

    visibility_timeout: int = 30
    delay_seconds: int = 0
    retention_seconds: int = 345_600
    maximum_message_size: int = 1_048_576
    wait_seconds: int = 0
    redrive: Redrive | None = None
    content_based_deduplication: bool = False
    deduplicate_per_group: bool = False

    @classmethod
    def of(cls, attributes: Mapping[str, str]) -> QueueConfig:
        """The settings of a queue with these (already validated) attributes."""
        defaults = cls()
        return cls(
            visibility_timeout=_int(attributes, "VisibilityTimeout", defaults.visibility_timeout),
            delay_seconds=_int(attributes, "DelaySeconds", defaults.delay_seconds),
            retention_seconds=_int(
                attributes, "MessageRetentionPeriod", defaults.retention_seconds
            ),
            maximum_message_size=_int(
                attributes, "MaximumMessageSize", defaults.maximum_message_size
            ),
            wait_seconds=_int(attributes, "ReceiveMessageWaitTimeSeconds", defaults.wait_seconds),
            redrive=parse_redrive(attributes.get("RedrivePolicy")),
            content_based_deduplication=_flag(attributes, "ContentBasedDeduplication"),
            deduplicate_per_group=attributes.get("DeduplicationScope") == "messageGroup",
        )


def _int(attributes: Mapping[str, str], name: str, default: int) -> int:
    raw = attributes.get(name)
    return default if raw is None or raw == "" else int(raw)


def _flag(attributes: Mapping[str, str], name: str) -> bool:
    return attributes.get(name, "false").lower() == "true"


def parse_redrive(raw: str | None) -> Redrive | None:
    """The ``RedrivePolicy`` JSON as a :class:`Redrive`, or ``None`` when unset or empty."""
    if not raw:
        return None
    policy: dict[str, Any] = json.loads(raw)
    return Redrive(str(policy["deadLetterTargetArn"]), int(policy["maxReceiveCount"]))


def redrive_allows(allow_policy: str | None, source_arn: str) -> bool:
    """Whether a dead-letter queue's ``RedriveAllowPolicy`` lets ``source_arn`` use it.

    ``allowAll`` (the default when unset), ``denyAll``, or ``byQueue`` with ``sourceQueueArns``
    (Developer Guide, "Configuring queue permissions for dead-letter queue redrive").
    """
    if not allow_policy:
        return True
    policy: dict[str, Any] = json.loads(allow_policy)
    permission = policy.get("redrivePermission", "allowAll")
    if permission == "denyAll":
        return False
    if permission == "byQueue":
        return source_arn in policy.get("sourceQueueArns", [])
    return True
