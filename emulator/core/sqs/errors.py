"""SQS domain errors; codes are the error shape names of botocore's ``sqs`` model."""

from __future__ import annotations

from emulator.core.errors import DomainError


class QueueDoesNotExist(DomainError):
    """The queue named by a URL or name does not exist in this account and region."""

    code = "QueueDoesNotExist"

    def __init__(self, message: str = "The specified queue does not exist.") -> None:
        super().__init__(message)


class QueueNameExists(DomainError):
    """``CreateQueue`` with an existing name but different attributes or tags."""

    code = "QueueNameExists"


class QueueDeletedRecently(DomainError):
    """``CreateQueue`` within 60 seconds of deleting a queue of the same name (AWS CreateQueue)."""

    code = "QueueDeletedRecently"

    def __init__(
        self,
        message: str = (
            "You must wait 60 seconds after deleting a queue before you can create another "
            "with the same name."
        ),
    ) -> None:
        super().__init__(message)


class ReceiptHandleIsInvalid(DomainError):
    """A receipt handle that this queue never issued (malformed, or of another queue)."""

    code = "ReceiptHandleIsInvalid"

    def __init__(self, handle: str) -> None:
        super().__init__(f'The input receipt handle "{handle}" is not a valid receipt handle.')


class MessageNotInflight(DomainError):
    """The message named by a receipt handle is not in flight (modelled by AWS; see queue.py)."""

    code = "MessageNotInflight"

    def __init__(self, message: str = "The message referred to isn't in flight.") -> None:
        super().__init__(message)


class PurgeQueueInProgress(DomainError):
    """A second ``PurgeQueue`` on one queue within 60 seconds (AWS PurgeQueue)."""

    code = "PurgeQueueInProgress"

    def __init__(self, queue_name: str) -> None:
        super().__init__(
            f"Only one PurgeQueue operation on {queue_name} is allowed every 60 seconds."
        )


class BatchRequestTooLong(DomainError):
    """The entries of a ``SendMessageBatch`` add up to more than the batch size limit."""

    code = "BatchRequestTooLong"

    def __init__(self, limit: int, size: int) -> None:
        super().__init__(
            f"Batch requests cannot be longer than {limit} bytes. You have sent {size} bytes."
        )


class OverLimit(DomainError):
    """A per-queue limit was reached (for example the number of AddPermission statements)."""

    code = "OverLimit"


class InvalidAttributeName(DomainError):
    """A queue attribute name that does not exist or cannot be set (CreateQueue, Set/Get…)."""

    code = "InvalidAttributeName"


class InvalidAttributeValue(DomainError):
    """A queue attribute value out of its documented range or form."""

    code = "InvalidAttributeValue"


class InvalidMessageContents(DomainError):
    """A message body with characters outside the allowed set (API Reference, SendMessage)."""

    code = "InvalidMessageContents"


class UnsupportedOperation(DomainError):
    """A request SQS understands but does not support (e.g. list-valued message attributes)."""

    code = "UnsupportedOperation"


class EmptyBatchRequest(DomainError):
    """A batch request without entries."""

    code = "EmptyBatchRequest"

    def __init__(self, entry: str) -> None:
        super().__init__(f"There should be at least one {entry} in the request.")


class TooManyEntriesInBatchRequest(DomainError):
    """A batch request with more than 10 entries."""

    code = "TooManyEntriesInBatchRequest"

    def __init__(self, limit: int, count: int) -> None:
        super().__init__(
            f"Maximum number of entries per request are {limit}. You have sent {count}."
        )


class BatchEntryIdsNotDistinct(DomainError):
    """Two entries of one batch request share an ``Id``."""

    code = "BatchEntryIdsNotDistinct"

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"Id {entry_id} repeated.")


class InvalidBatchEntryId(DomainError):
    """A batch entry ``Id`` that is not 1-80 alphanumerics, hyphens and underscores."""

    code = "InvalidBatchEntryId"

    def __init__(
        self,
        message: str = (
            "A batch entry id can only contain alphanumeric characters, hyphens and "
            "underscores. It can be at most 80 letters long."
        ),
    ) -> None:
        super().__init__(message)
