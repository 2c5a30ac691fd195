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
