"""AWS JSON 1.0 / 1.1: ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>``.

Results are dicts shaped like the output shape, with ``bytes`` for blobs (sent as base64) and
``datetime`` for timestamps (sent as epoch seconds).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from emulator.protocol.errors import ProtocolError


def decode_body(body: bytes) -> Any:
    """The JSON document of a request; an empty body reads as ``{}``."""
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("malformed", "Malformed JSON request body.") from None


def _default(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    raise TypeError(f"cannot serialise {type(value).__name__}")


_ENCODER = json.JSONEncoder(default=_default, separators=(",", ":"), ensure_ascii=False)


def encode_result(result: Any) -> bytes:
    """A result document as JSON bytes."""
    return _ENCODER.encode(result).encode("utf-8")


def encode_error(error_type: str, message: str) -> bytes:
    """The error body: ``{"__type": ..., "message": ...}`` as AWS JSON services send it."""
    return encode_result({"__type": error_type, "message": message})
