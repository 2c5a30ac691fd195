"""The AWS query protocol: form-encoded ``Action=...`` in, XML out (SQS's legacy protocol).

Parameters come from the URL's query string and from a form body (GET or POST). Replies are
``<{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata>…`` and errors
``<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>…``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from emulator.protocol.coerce import QueryNames
from emulator.protocol.errors import ProtocolError
from emulator.protocol.model import Shape


def parse_form(query_string: bytes, body: bytes) -> dict[str, str]:
    """The parameters of a query-protocol request; body values win over URL values."""
    try:
        form = dict(parse_qsl(query_string.decode("utf-8"), keep_blank_values=True))
        if body:
            form.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise ProtocolError("malformed", "The request body is not valid UTF-8.") from None
    return form


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    return escape(str(value), {'"': "&quot;", "\r": "&#xD;"})


class XmlWriter:
    """Serialises result documents as query-protocol XML, guided by the output shape."""

    def __init__(self, namespace: str, names: QueryNames) -> None:
        self.namespace = namespace
        self.names = names

    def response(
        self, operation: str, shape: Shape | None, result: Mapping[str, Any], request_id: str
    ) -> bytes:
        """The full ``<{operation}Response>`` document."""
        parts = [f'<?xml version="1.0"?><{operation}Response xmlns="{self.namespace}">']
        if shape is not None:
            parts.append(f"<{operation}Result>")
            self._structure(parts, shape, result)
            parts.append(f"</{operation}Result>")
        parts.append(
            f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
            f"</{operation}Response>"
        )
        return "".join(parts).encode("utf-8")

    def error(self, code: str, message: str, sender: bool, request_id: str) -> bytes:
        """An ``<ErrorResponse>`` document."""
        fault = "Sender" if sender else "Receiver"
        return (
            f'<?xml version="1.0"?><ErrorResponse xmlns="{self.namespace}"><Error>'
            f"<Type>{fault}</Type><Code>{_text(code)}</Code><Message>{_text(message)}</Message>"
            f"<Detail/></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()

    def _structure(self, parts: list[str], shape: Shape, value: Mapping[str, Any]) -> None:
        for name, ref in shape.members.items():
            item = value.get(name)
            if item is not None:
                self._member(parts, self.names.member(shape.name, name), ref, item)

    def _member(self, parts: list[str], tag: str, shape: Shape, value: Any) -> None:
        kind = shape.type_name
        flattened = shape.name in self.names.flattened
        if kind == "list":
            self._list(parts, tag, shape, value, flattened)
        elif kind == "map":
            self._map(parts, tag, shape, value, flattened)
        elif kind == "structure":
            parts.append(f"<{tag}>")
            self._structure(parts, shape, value)
            parts.append(f"</{tag}>")
        else:
            parts.append(f"<{tag}>{_text(value)}</{tag}>")

    def _list(self, parts: list[str], tag: str, shape: Shape, value: Any, flat: bool) -> None:
        element = self.names.list_members.get(shape.name, "member")
        if flat:
            for item in value:
                self._member(parts, element if element != "member" else tag, shape.member, item)
            return
        parts.append(f"<{tag}>")
        for item in value:
            self._member(parts, element, shape.member, item)
        parts.append(f"</{tag}>")

    def _map(self, parts: list[str], tag: str, shape: Shape, value: Any, flat: bool) -> None:
        key_name, value_name = self.names.entry(shape.name)
        if not flat:
            parts.append(f"<{tag}>")
        for key, item in value.items():
            parts.append(f"<{tag}>" if flat else "<entry>")
            parts.append(f"<{key_name}>{_text(key)}</{key_name}>")
            self._member(parts, value_name, shape.value, item)
            parts.append(f"</{tag}>" if flat else "</entry>")
        if not flat:
            parts.append(f"</{tag}>")
