"""``AddPermission`` / ``RemovePermission``: statements in the queue's ``Policy`` attribute.

AWS keeps these permissions as statements of the queue's access policy, one per label (the
statement's ``Sid``), and shows that policy as the ``Policy`` attribute (API Reference,
AddPermission). The document's shape (``Version`` 2008-10-17, ``Id`` ``<arn>/SQSDefaultPolicy``,
a lone principal or action as a string) follows what SQS returns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from emulator.core.errors import InvalidParameterValue, MissingParameter
from emulator.core.sqs.errors import OverLimit

SHAREABLE_ACTIONS = frozenset(
    {
        "*",
        "SendMessage",
        "ReceiveMessage",
        "DeleteMessage",
        "ChangeMessageVisibility",
        "GetQueueAttributes",
        "GetQueueUrl",
        "ListDeadLetterSourceQueues",
        "PurgeQueue",
        "ListQueueTags",
        "StartMessageMoveTask",
        "CancelMessageMoveTask",
        "ListMessageMoveTasks",
    }
)
"""Actions a queue may grant (API Reference, AddPermission: not CreateQueue, DeleteQueue,
ListQueues, SetQueueAttributes, AddPermission, RemovePermission, TagQueue, UntagQueue)."""

LABEL = re.compile(r"[A-Za-z0-9_-]{1,80}")
MAX_STATEMENTS = 20  # ours: the size of the policy-statement quota validation.py applies

MSG_LABEL = (
    "Value {label} for parameter Label is invalid. Reason: Can only include alphanumeric "
    "characters, hyphens, or underscores. 1 to 80 in length"
)
MSG_LABEL_EXISTS = "Value {label} for parameter Label is invalid. Reason: Already exists."
MSG_LABEL_MISSING = "Value {label} for parameter Label is invalid. Reason: can't find label."
MSG_ACTION = (
    "Value SQS:{action} for parameter ActionName is invalid. Reason: Please refer to the "
    "appropriate WSDL for a list of valid actions. "
)
MSG_OVER_LIMIT = "{count} statements were found in the submitted policy, max allowed is {limit}"


def add_statement(
    policy: str | None,
    queue_arn: str,
    label: str,
    accounts: Sequence[str],
    actions: Sequence[str],
) -> str:
    """The ``Policy`` JSON with a statement for ``label`` added."""
    check_grant(label, accounts, actions)
    document = _document(policy, queue_arn)
    statements = document["Statement"]
    if any(statement.get("Sid") == label for statement in statements):
        raise InvalidParameterValue(MSG_LABEL_EXISTS.format(label=label))
    if len(statements) >= MAX_STATEMENTS:
        raise OverLimit(MSG_OVER_LIMIT.format(count=len(statements) + 1, limit=MAX_STATEMENTS))
    statements.append(_statement(queue_arn, label, accounts, actions))
    return json.dumps(document, separators=(",", ":"))


def remove_statement(policy: str | None, queue_arn: str, label: str) -> str | None:
    """The ``Policy`` JSON without ``label``'s statement; ``None`` once no statement is left."""
    document = _document(policy, queue_arn)
    kept = [s for s in document["Statement"] if s.get("Sid") != label]
    if len(kept) == len(document["Statement"]):
        raise InvalidParameterValue(MSG_LABEL_MISSING.format(label=label))
    if not kept:
        return None
    document["Statement"] = kept
    return json.dumps(document, separators=(",", ":"))


def check_grant(label: str, accounts: Sequence[str], actions: Sequence[str]) -> None:
    """A valid label, at least one account and one action, every action shareable."""
    if not LABEL.fullmatch(label):
        raise InvalidParameterValue(MSG_LABEL.format(label=label))
    if not accounts:
        raise MissingParameter("The request must contain the parameter AWSAccountIds.")
    if not actions:
        raise MissingParameter("The request must contain the parameter Actions.")
    for action in actions:
        if action not in SHAREABLE_ACTIONS:
            raise InvalidParameterValue(MSG_ACTION.format(action=action))


def _document(policy: str | None, queue_arn: str) -> dict[str, Any]:
    if policy:
        document: dict[str, Any] = json.loads(policy)
        statements = document.get("Statement", [])
        document["Statement"] = statements if isinstance(statements, list) else [statements]
        return document
    return {"Version": "2008-10-17", "Id": f"{queue_arn}/SQSDefaultPolicy", "Statement": []}


def _statement(
    queue_arn: str, label: str, accounts: Sequence[str], actions: Sequence[str]
) -> dict[str, Any]:
    partition = queue_arn.split(":")[1]
    principals = [f"arn:{partition}:iam::{account}:root" for account in accounts]
    names = [f"SQS:{action}" for action in actions]
    return {
        "Sid": label,
        "Effect": "Allow",
        "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
        "Action": names[0] if len(names) == 1 else names,
        "Resource": queue_arn,
    }
