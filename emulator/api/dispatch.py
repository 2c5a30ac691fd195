"""The catch-all AWS endpoint: a bare ASGI callable, because every microsecond here is per request.

It detects the protocol (``X-Amz-Target`` → AWS JSON; ``Action=`` in a form → query), reads the
request into the operation's input document through botocore's shapes, calls the handler from the
service's ``OPERATIONS`` table, and writes the reply or an AWS-shaped error. Handlers never see
``Action=`` or ``X-Amz-Target``. Nothing a client sends can produce a traceback: an unexpected
exception is logged and answered as ``InternalFailure`` (HTTP 500).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.types import Receive, Scope, Send

from emulator.api.context import OperationTable, RequestContext
from emulator.api.errors import WireError, from_domain, from_protocol, internal
from emulator.api.faults import ApiFaults
from emulator.core.errors import DomainError
from emulator.core.ids import IdFactory
from emulator.protocol import awsjson, query
from emulator.protocol.coerce import JsonReader, QueryNames, QueryReader, json_reader, query_reader
from emulator.protocol.errors import ProtocolError
from emulator.protocol.model import service_model

log = logging.getLogger("emulator.api")

ASGIScope = Scope

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")
_QUEUE_PATH = re.compile(r"^/(\d{12})/([^/]+)/?$")
_REQUEST_IDS = IdFactory()  # never seeded: request ids must not shift the seeded message ids
_new_request_id = _REQUEST_IDS.uuid
"""A fresh ``x-amzn-RequestId`` (a UUID4, as AWS sends); cheaper than ``str(uuid.uuid4())``."""


@dataclass
class QuerySupport:
    """What a service needs to speak the query protocol: element names and an XML namespace."""

    names: QueryNames
    namespace: str
    readers: dict[str, QueryReader] = field(default_factory=dict)
    writer: query.XmlWriter | None = None

    def __post_init__(self) -> None:
        self.writer = query.XmlWriter(self.namespace, self.names)


@dataclass
class ServiceEndpoint:
    """One AWS service behind the endpoint: its model, its operation table, its error style."""

    name: str
    operations: OperationTable
    json_type_prefix: str = ""
    query: QuerySupport | None = None
    model: Any = None
    readers: dict[str, JsonReader] = field(default_factory=dict)
    content_type: bytes = b""
    target_prefix: str = ""

    def __post_init__(self) -> None:
        self.model = service_model(self.name)
        meta = self.model.metadata
        self.target_prefix = meta["targetPrefix"]
        self.content_type = f"application/x-amz-json-{meta['jsonVersion']}".encode()
        for op in self.model.operation_names:
            shape = self.model.operation_model(op).input_shape
            if shape is not None:
                self.readers[op] = json_reader(shape)
                if self.query is not None:
                    self.query.readers[op] = query_reader(shape, self.query.names)


class AwsEndpoint:
    """The ASGI app that serves every AWS call."""

    def __init__(
        self, services: list[ServiceEndpoint], account: str, region: str, faults: ApiFaults
    ) -> None:
        self.by_prefix = {s.target_prefix: s for s in services}
        self.faults = faults
        self.query_service = next((s for s in services if s.query is not None), None)
        self.account = account
        self.region = region

    async def __call__(self, scope: ASGIScope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request."""
        body = await _read_body(receive)
        headers = _read_headers(scope["headers"])
        target = headers.get("x-amz-target")
        if target:
            await self._json(scope, headers, target, body, send)
        else:
            await self._query(scope, headers, body, send)

    # ----------------------------------------------------------------------- AWS JSON

    async def _json(
        self, scope: ASGIScope, headers: dict[str, str], target: str, body: bytes, send: Send
    ) -> None:
        prefix, _, operation = target.partition(".")
        service = self.by_prefix.get(prefix)
        if service is None:
            return await _send_unknown_target(send, target)
        ctx = self._context(service.name, operation, headers, "json", scope["path"])
        try:
            result = await self._invoke_json(service, ctx, body)
        except Exception as exc:  # every failure becomes an AWS error
            error = _wire(service.name, exc, ctx)
            return await self._send_json_error(send, service, ctx, error)
        payload = awsjson.encode_result(result)
        await _send(send, 200, service.content_type, payload, ctx.request_id)
        return None

    async def _invoke_json(self, service: ServiceEndpoint, ctx: RequestContext, body: bytes) -> Any:
        reader = service.readers.get(ctx.operation)
        if reader is None:
            raise ProtocolError(
                "unknown-operation",
                f"Operation {ctx.operation} is not supported.",
                code="UnknownOperationException",
            )
        params = reader(awsjson.decode_body(body), "")
        return await self.faults.call(_handler(service, ctx.operation), ctx, params)

    async def _send_json_error(
        self, send: Send, service: ServiceEndpoint, ctx: RequestContext, error: WireError
    ) -> None:
        extra = []
        if service.query is not None:
            fault = "Sender" if error.sender else "Receiver"
            extra.append((b"x-amzn-query-error", f"{error.query_code};{fault}".encode()))
        payload = awsjson.encode_error(service.json_type_prefix + error.code, error.message)
        await _send(send, error.status, service.content_type, payload, ctx.request_id, extra)

    # ----------------------------------------------------------------------- query

    async def _query(
        self, scope: ASGIScope, headers: dict[str, str], body: bytes, send: Send
    ) -> None:
        service = self.query_service
        request_id = _new_request_id()
        if service is None or service.query is None:
            return await _send_unknown_target(send, "")
        try:
            form = query.parse_form(scope.get("query_string", b""), body)
        except ProtocolError as exc:
            error = from_protocol(service.name, exc)
            return await _send_xml_error(send, service.query, error, request_id)
        operation = form.get("Action", "")
        ctx = self._context(service.name, operation, headers, "query", scope["path"], form)
        ctx.request_id = request_id
        try:
            result = await self._invoke_query(service, service.query, ctx, form)
        except Exception as exc:  # every failure becomes an AWS error
            return await _send_xml_error(
                send, service.query, _wire(service.name, exc, ctx), request_id
            )
        shape = service.model.operation_model(operation).output_shape
        assert service.query.writer is not None
        payload = service.query.writer.response(operation, shape, result, request_id)
        await _send(send, 200, b"text/xml", payload, request_id)
        return None

    async def _invoke_query(
        self,
        service: ServiceEndpoint,
        support: QuerySupport,
        ctx: RequestContext,
        form: dict[str, str],
    ) -> Any:
        reader = support.readers.get(ctx.operation)
        if reader is None:
            raise ProtocolError(
                "unknown-operation",
                f"The action {ctx.operation or '(none)'} is not valid for this web service.",
                code="InvalidAction",
            )
        if "QueueUrl" not in form and (match := _QUEUE_PATH.match(ctx.path)):
            form["QueueUrl"] = f"{ctx.base_url}/{match.group(1)}/{match.group(2)}"
        params = reader(form, "")
        return await self.faults.call(_handler(service, ctx.operation), ctx, params)

    # ----------------------------------------------------------------------- shared

    def _context(
        self,
        service: str,
        operation: str,
        headers: dict[str, str],
        protocol: str,
        path: str,
        form: dict[str, str] | None = None,
    ) -> RequestContext:
        auth = headers.get("authorization", "")
        if not auth and form is not None:
            auth = "Credential=" + form.get("X-Amz-Credential", "")
        match = _CREDENTIAL.search(auth)
        account, region = self.account, self.region
        if match:
            key, region = match.group(1), match.group(2)
            if len(key) == 12 and key.isdigit():
                account = key
        host = headers.get("host", "localhost")
        return RequestContext(
            service, operation, account, region, host, _new_request_id(), protocol, path
        )


_READ_HEADERS = {name.encode(): name for name in ("x-amz-target", "authorization", "host")}


def _read_headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """The request headers the endpoint reads, by lower-case name (the last one of a repeated
    name wins); the others are not decoded at all."""
    headers: dict[str, str] = {}
    for key, value in raw:
        name = _READ_HEADERS.get(key.lower())  # ASGI lower-cases names; lower() in case not
        if name is not None:
            headers[name] = value.decode("latin-1")
    return headers


def _handler(service: ServiceEndpoint, operation: str) -> Any:
    handler = service.operations.get(operation)
    if handler is None:
        raise DomainError(
            f"Operation {operation} is not supported by eventbus-emulator yet.",
            code="UnsupportedOperation",
        )
    return handler


def _wire(service: str, exc: Exception, ctx: RequestContext) -> WireError:
    if isinstance(exc, DomainError):
        return from_domain(service, exc)
    if isinstance(exc, ProtocolError):
        return from_protocol(service, exc)
    log.exception("internal error in %s.%s (request %s)", service, ctx.operation, ctx.request_id)
    return internal(service)


async def _read_body(receive: Receive) -> bytes:
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        return body
    chunks = [body]
    while message.get("more_body", False):
        message = await receive()
        chunks.append(message.get("body", b""))
    return b"".join(chunks)


async def _send(
    send: Send,
    status: int,
    content_type: bytes,
    payload: bytes,
    request_id: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(payload)).encode()),
        (b"x-amzn-requestid", request_id.encode()),
    ]
    if extra:
        headers.extend(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _send_xml_error(
    send: Send, support: QuerySupport, error: WireError, request_id: str
) -> None:
    assert support.writer is not None
    payload = support.writer.error(error.query_code, error.message, error.sender, request_id)
    await _send(send, error.status, b"text/xml", payload, request_id)


async def _send_unknown_target(send: Send, target: str) -> None:
    payload = awsjson.encode_error(
        "UnknownOperationException", f"Unknown operation target {target or '(none)'}."
    )
    await _send(send, 400, b"application/x-amz-json-1.1", payload, _new_request_id())
