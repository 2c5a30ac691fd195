"""The MD5 digests SQS returns with every message, computed exactly as AWS computes them.

``MD5OfMessageBody`` is the MD5 of the body's UTF-8 bytes. ``MD5OfMessageAttributes`` and
``MD5OfMessageSystemAttributes`` hash one buffer built from the attributes sorted by name, each
encoded as (AWS Developer Guide, "Message metadata", section "Calculating the MD5 message digest for
message attributes"):

- the name: 4-byte big-endian length, then its UTF-8 bytes;
- the data type (``String``, ``Number.int``, ``Binary.png`` …): length, then its UTF-8 bytes;
- one transport byte: 1 for the String and Number families, 2 for Binary (a custom type is
  transported as its base type, the part before the first ``.``);
- the value: length, then the UTF-8 bytes of ``StringValue`` or the raw bytes of ``BinaryValue``.

``StringListValues`` and ``BinaryListValues`` are "not implemented, reserved for future use"
(API Reference, ``MessageAttributeValue``); SQS rejects them on send, so they never reach here.
The Java, JavaScript, Go, .NET and Ruby SDKs recompute these digests and fail on a mismatch.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Mapping
from typing import Any

STRING_TRANSPORT = b"\x01"
BINARY_TRANSPORT = b"\x02"

pack_length = struct.Struct(">I").pack
"""A length as a 4-byte big-endian unsigned integer."""


def md5_of_body(body: str) -> str:
    """``MD5OfMessageBody``: the hex MD5 of the body's UTF-8 bytes."""
    return hashlib.md5(body.encode("utf-8")).hexdigest()


def md5_of_attributes(attributes: Mapping[str, Mapping[str, Any]] | None) -> str | None:
    """``MD5OfMessageAttributes`` (or ``…SystemAttributes``); ``None`` when there are none.

    ``attributes`` is API-shaped: ``{"DataType": "String", "StringValue": "x"}`` or
    ``{"DataType": "Binary", "BinaryValue": b"…"}`` (binary values already decoded to bytes).
    Names sort by code point, as Java's ``String.compareTo`` in AWS's reference code does for
    the ASCII names SQS allows.
    """
    if not attributes:
        return None
    digest = hashlib.md5()
    for name in sorted(attributes):
        digest.update(encode_attribute(name, attributes[name]))
    return digest.hexdigest()


def encode_attribute(name: str, attribute: Mapping[str, Any]) -> bytes:
    """One attribute's length-prefixed encoding: name, type, transport byte, value."""
    data_type: str = attribute["DataType"]
    if is_binary_type(data_type):
        transport, value = BINARY_TRANSPORT, bytes(attribute["BinaryValue"])
    else:
        transport, value = STRING_TRANSPORT, str(attribute["StringValue"]).encode("utf-8")
    raw_name, raw_type = name.encode("utf-8"), data_type.encode("utf-8")
    return b"".join(
        (
            pack_length(len(raw_name)),
            raw_name,
            pack_length(len(raw_type)),
            raw_type,
            transport,
            pack_length(len(value)),
            value,
        )
    )


def is_binary_type(data_type: str) -> bool:
    """Whether a data type (``Binary`` or a custom ``Binary.<anything>``) carries bytes."""
    return data_type == "Binary" or data_type.startswith("Binary.")
