"""AWS JSON 1.0 / 1.1: ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>``.

Results are dicts shaped like the output shape, with ``bytes`` for blobs (sent as base64) and
``datetime`` for timestamps (sent as epoch seconds).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import orjson

from emulator.protocol.errors import ProtocolError

_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME


def decode_body(body: bytes) -> Any:
    """The JSON document of a request; an empty body reads as ``{}``.

    orjson reads it (several times faster than ``json``); what orjson refuses but JSON allows,
    such as an escaped lone surrogate (which SQS must answer with ``InvalidMessageContents``, not
    a parse error), is read again by ``json``.
    """
    if not body or body.isspace():  # not ``body.strip()``: that copies the whole body
        return {}
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
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


_ENCODER = json.JSONEncoder(default=_default, separators=(",", ":"))


def encode_result(result: Any) -> bytes:
    """A result document as JSON bytes (``json`` takes over what orjson refuses)."""
    try:
        return orjson.dumps(result, default=_default, option=_ORJSON_OPTIONS)
    except TypeError:
        return _ENCODER.encode(result).encode("ascii")


def encode_error(error_type: str, message: str) -> bytes:
    """The error body: ``{"__type": ..., "message": ...}`` as AWS JSON services send it."""
    return encode_result({"__type": error_type, "message": message})
