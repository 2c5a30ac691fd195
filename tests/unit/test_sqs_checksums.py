"""MD5 digests of SQS messages against published vectors and an independent implementation.

Vectors marked ``aws`` were recorded against real SQS (LocalStack's snapshot tests, which record
live AWS responses); ``npm`` ones are the examples of the ``aws-md5-of-message-attributes`` package;
``local-aws`` ones come from Inqnuam/local-aws-sqs's test suite, which checks them with the v3 SDK.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.sqs.checksums import encode_attribute, md5_of_attributes, md5_of_body


def s(value: str, data_type: str = "String") -> dict[str, Any]:
    """A String-family attribute."""
    return {"DataType": data_type, "StringValue": value}


def b(value: bytes, data_type: str = "Binary") -> dict[str, Any]:
    """A Binary-family attribute."""
    return {"DataType": data_type, "BinaryValue": value}


TRACE = b"traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01"
BIG_FLOAT = "4563442423554324324264524243.32543234"

VECTORS: list[tuple[str, dict[str, dict[str, Any]], str]] = [
    ("aws", {"General": s("Kenobi"), "Hello": s("There"), "Help.Me": s("Me")},
     "4c360f3fdafd970e05fae2f149d997f5"),
    ("aws", {"General": s("Kenobi"), "Hello": s("There")}, "fca026605781cb4126a1e9044df24232"),
    ("aws", {"Hello": s("There")}, "a311262e065454b75da111d535b8dacd"),
    ("aws", {"Hello": s("There"), "Help.Me": s("Me")}, "83fee93c1bcd8b9a5a923ffacdc636c7"),
    ("aws", {"Foo": s("Bar")}, "ae7155c6026991b6d54b11589678bf9c"),
    ("aws", {"attr1": b(TRACE)}, "8cbe4db156db8a94db8b801b7addb984"),
    ("npm", {"attribName1": s("attribValue 1")}, "19e27d4e946b072f3f58da80d94fd778"),
    ("npm", {"customNumberTypeAttrib": s(BIG_FLOAT, "Number.float")},
     "9fe1b90bbd9965bdf77bac517c7d2495"),
    ("npm", {"binaryAttribute": b(b"Hello binary world!")}, "31a92b15d92f8db860eda32aceb656c3"),
    ("npm", {"attribName1": s("attribValue 1"),
             "customNumberTypeAttrib": s(BIG_FLOAT, "Number.float"),
             "binaryAttribute": b(b"Hello binary world!")},
     "c932db14a896c663f83c260297d594ff"),
    ("local-aws", {"UserId": s("1234567890123456789012", "Number.bigint")},
     "797ab158d73dcb5242dedc4412c8e855"),
    ("local-aws", {"Hello": s("World")}, "7db7fb1ba7f41366a8ea5eb18220b26d"),
    ("local-aws", {"AWSTraceHeader": s("some-trace-id")}, "fdce4f2818803f2f73becc09a54792c0"),
    ("local-aws", {"attrib1": s("2345"), "attrib2": s("true")},
     "c92eae09ef2c14cd949cc265ebc9cb50"),
    ("local-aws", {"Dummy1Name": s("dummy 1 value"), "Dummy2Name": s("dummy 2 value"),
                   "Dummy3Name": b(b"dummy 2 value")},
     "c5c0d2c6f195fcbc91083c5465d8955f"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "attributes", "expected"), VECTORS)
def test_md5_of_attributes_matches_published_vector(
    source: str, attributes: dict[str, dict[str, Any]], expected: str
) -> None:
    assert md5_of_attributes(attributes) == expected, source


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("msg", "6e2baaf3b97dbeef01c0043275f9a0e7"),  # aws
        ("test", "098f6bcd4621d373cade4e832627b4f6"),  # aws
        ("Test Message", "d1d4180b7e411c4be86b00fb2ee103eb"),  # local-aws
        ("0", "cfcd208495d565ef66e7dff9f98764da"),  # local-aws
    ],
)
def test_md5_of_body_matches_published_vector(body: str, expected: str) -> None:
    assert md5_of_body(body) == expected


def test_md5_of_body_hashes_utf8_bytes_of_non_ascii_text() -> None:
    body = "héllo \U0001f600 世界"
    assert md5_of_body(body) == hashlib.md5(body.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("attributes", [None, {}])
def test_md5_of_attributes_is_none_without_attributes(attributes: Any) -> None:
    assert md5_of_attributes(attributes) is None


def test_md5_of_attributes_ignores_the_order_attributes_were_given_in() -> None:
    forward = {"a": s("1"), "b": b(b"\x00\xff"), "c": s("2", "Number")}
    backward = dict(reversed(list(forward.items())))
    assert md5_of_attributes(forward) == md5_of_attributes(backward)


@pytest.mark.parametrize(
    ("attribute", "transport"),
    [
        (b(b"\x89PNG", "Binary.png"), 2),
        (b(b"\x89PNG"), 2),
        (s("v", "String.custom"), 1),
        (s("7", "Number.int"), 1),
        (s("v"), 1),
    ],
)
def test_custom_types_travel_as_their_base_type(attribute: dict[str, Any], transport: int) -> None:
    type_bytes = attribute["DataType"].encode()
    encoded = encode_attribute("n", attribute)
    assert encoded[:5] == b"\x00\x00\x00\x01n"
    assert encoded[5 : 9 + len(type_bytes)] == struct.pack(">I", len(type_bytes)) + type_bytes
    assert encoded[9 + len(type_bytes)] == transport


def reference_md5(attributes: dict[str, dict[str, Any]]) -> str:
    """An independent rendering of AWS's algorithm with ``struct``, for comparison."""
    buffer = bytearray()
    for name in sorted(attributes):
        attribute = attributes[name]
        data_type = attribute["DataType"]
        for text in (name, data_type):
            raw = text.encode("utf-8")
            buffer += struct.pack(">I", len(raw)) + raw
        if data_type.split(".")[0] == "Binary":
            raw = attribute["BinaryValue"]
            buffer += struct.pack(">BI", 2, len(raw)) + raw
        else:
            raw = attribute["StringValue"].encode("utf-8")
            buffer += struct.pack(">BI", 1, len(raw)) + raw
    return hashlib.md5(bytes(buffer)).hexdigest()


NAMES = st.from_regex(r"[A-Za-z0-9_\-]{1,12}(\.[A-Za-z0-9_\-]{1,5})?", fullmatch=True)
TEXT = st.text(st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40)
STRING_ATTRS = st.builds(s, TEXT, st.sampled_from(["String", "Number", "String.x", "Number.int"]))
BINARY_ATTRS = st.builds(
    b, st.binary(min_size=1, max_size=40), st.sampled_from(["Binary", "Binary.png"])
)
ATTRIBUTES = st.dictionaries(NAMES, STRING_ATTRS | BINARY_ATTRS, min_size=1, max_size=10)


@given(ATTRIBUTES)
def test_md5_of_attributes_agrees_with_independent_implementation(
    attributes: dict[str, dict[str, Any]],
) -> None:
    assert md5_of_attributes(attributes) == reference_md5(attributes)
