"""Protocol-level failures: the request could not be read as the model says it must be."""

from __future__ import annotations


class ProtocolError(Exception):
    """A request that is malformed on the wire or against the model.

    ``code`` is an AWS error code (``SerializationException``, ``MissingParameter``,
    ``InvalidParameterValue``, ``InvalidAction``, ``UnknownOperationException``); ``kind`` says
    which rule broke (``missing``, ``type``, ``malformed``, ``unknown-operation``) so that each
    service can word the error as AWS does.
    """

    def __init__(self, kind: str, message: str, *, member: str = "", code: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.member = member
        self.code = code
