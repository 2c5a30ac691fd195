"""The one table that turns domain and protocol errors into AWS's wire errors.

For each service it says the JSON ``__type``, the legacy query code (sent to JSON clients in the
``x-amzn-query-error`` header, which boto3 and the v3 JS SDK read to raise the modelled exception),
the HTTP status, and whether the sender is at fault. Query codes and statuses are the ones the SQS
query model (botocore 1.31) gives; the rest are AWS's common errors.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.errors import DomainError
from emulator.protocol.errors import ProtocolError


@dataclass(frozen=True, slots=True)
class WireError:
    """An error as it goes on the wire."""

    code: str  # the error shape name, e.g. QueueDoesNotExist
    query_code: str  # the legacy query code, e.g. AWS.SimpleQueueService.NonExistentQueue
    message: str
    status: int
    sender: bool = True


# code -> (legacy query code, HTTP status); a code absent here is its own query code, status 400.
SQS_ERRORS: dict[str, tuple[str, int]] = {
    "BatchEntryIdsNotDistinct": ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
    "BatchRequestTooLong": ("AWS.SimpleQueueService.BatchRequestTooLong", 400),
    "EmptyBatchRequest": ("AWS.SimpleQueueService.EmptyBatchRequest", 400),
    "InvalidBatchEntryId": ("AWS.SimpleQueueService.InvalidBatchEntryId", 400),
    "MessageNotInflight": ("AWS.SimpleQueueService.MessageNotInflight", 400),
    "OverLimit": ("OverLimit", 403),
    "PurgeQueueInProgress": ("AWS.SimpleQueueService.PurgeQueueInProgress", 403),
    "QueueDeletedRecently": ("AWS.SimpleQueueService.QueueDeletedRecently", 400),
    "QueueDoesNotExist": ("AWS.SimpleQueueService.NonExistentQueue", 400),
    "QueueNameExists": ("QueueAlreadyExists", 400),
    "ResourceNotFoundException": ("ResourceNotFoundException", 404),
    "TooManyEntriesInBatchRequest": ("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
    "UnsupportedOperation": ("AWS.SimpleQueueService.UnsupportedOperation", 400),
    "RequestThrottled": ("RequestThrottled", 400),
    "ThrottlingException": ("ThrottlingException", 400),
    "InternalFailure": ("InternalFailure", 500),
    "ServiceUnavailable": ("ServiceUnavailable", 503),
    "AccessDenied": ("AccessDenied", 403),
}

EVENTS_STATUS: dict[str, int] = {
    "ResourceNotFoundException": 400,
    "InternalException": 500,
    "InternalFailure": 500,
    "ServiceUnavailable": 503,
    "ThrottlingException": 400,
    "AccessDeniedException": 400,
}


def sqs_wire_error(code: str, message: str, status: int | None = None) -> WireError:
    """An SQS error by shape or common-error code."""
    query_code, default_status = SQS_ERRORS.get(code, (code, 400))
    final = status or default_status
    return WireError(code, query_code, message, final, final < 500)


def events_wire_error(code: str, message: str, status: int | None = None) -> WireError:
    """An EventBridge error by shape or common-error code."""
    final = status or EVENTS_STATUS.get(code, 400)
    return WireError(code, code, message, final, final < 500)


def from_domain(service: str, error: DomainError) -> WireError:
    """The wire form of a domain error raised by ``service``'s core."""
    make = sqs_wire_error if service == "sqs" else events_wire_error
    return make(error.code, error.message, error.status)


def from_protocol(service: str, error: ProtocolError) -> WireError:
    """The wire form of a request the protocol layer could not read."""
    if error.code:
        code = error.code
    elif service == "events":
        code = "ValidationException" if error.kind == "missing" else "SerializationException"
    else:
        code = {"missing": "MissingParameter", "type": "InvalidParameterValue"}.get(
            error.kind, "SerializationException"
        )
    message = error.message
    if service == "events" and error.kind == "missing":
        message = (
            f"1 validation error detected: Value null at '{error.member}' failed to satisfy "
            "constraint: Member must not be null"
        )
    if service == "sqs":
        return sqs_wire_error(code, message)
    return events_wire_error(code, message)


def internal(service: str) -> WireError:
    """An unexpected failure: AWS's ``InternalFailure``, never a traceback."""
    if service == "sqs":
        return sqs_wire_error("InternalFailure", "The request processing has failed.")
    return events_wire_error("InternalException", "An internal error occurred.")
