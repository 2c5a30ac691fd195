"""Domain errors. They speak the domain; ``emulator.api.errors`` alone turns them into AWS codes.

Each error carries ``code``: the name of the AWS error shape it stands for (as in botocore's service
model, e.g. ``QueueDoesNotExist``), and a message worded as AWS words it.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises on purpose.

    ``code`` names the AWS error (shape name or common error code); ``sender_fault`` says whether
    the client is to blame (HTTP 4xx) or the service (5xx). ``status`` overrides the HTTP status
    that the API layer would otherwise take from its table.
    """

    code: str = "InternalFailure"
    sender_fault: bool = True
    status: int | None = None

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


class InvalidParameterValue(DomainError):
    """A parameter's value is out of its allowed range or form (AWS common error)."""

    code = "InvalidParameterValue"


class MissingParameter(DomainError):
    """A required parameter is missing (AWS common error)."""

    code = "MissingParameter"


class ValidationError(DomainError):
    """The request failed the service's input validation (AWS ``ValidationException``)."""

    code = "ValidationException"


class ResourceNotFound(DomainError):
    """A named resource does not exist."""

    code = "ResourceNotFoundException"
