"""The HTTP requests behind HTTP-speaking targets, built as plain values (no I/O here; the
adapters in :mod:`emulator.targets` send them).

- **API destinations** (user guide, "API destinations" and "Authorization methods for
  connections"): the destination's method and endpoint, each ``*`` of the endpoint replaced in
  order by the target's ``HttpParameters.PathParameterValues``; the target's header and
  query-string parameters, then the connection's ``InvocationHttpParameters`` (which win on a
  clash); the connection's authorization (``Authorization: Basic``, the API key header, or
  ``Authorization: Bearer`` with the OAuth token); the event or transformed input as the body
  (``Content-Type: application/json; charset=utf-8``; no body for GET and HEAD).
- **OAuth client credentials**: a request to the connection's ``AuthorizationEndpoint`` with
  its ``HttpMethod``, the client id and secret as ``Authorization: Basic``, and the
  ``OAuthHttpParameters`` (headers, query string, body parameters as a form).
- **Lambda**: the Invoke API, ``POST /2015-03-31/functions/<name>/invocations`` with
  ``X-Amz-Invocation-Type: Event`` (asynchronous invocation, as EventBridge invokes functions).
- **Step Functions**: ``StartExecution`` in AWS JSON 1.0 with the event as ``input``.

Outcomes: 2xx succeeds; 429 is ``THROTTLING`` and 5xx, time-outs and unreachable endpoints
are retried under the target's RetryPolicy; other 4xx answers are not retried (user guide,
"Event retry policy": client errors go straight to the dead-letter queue).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from emulator.core.events.arns import split_arn
from emulator.core.events.connections import API_KEY, BASIC, OAUTH, ApiDestination, Connection
from emulator.core.events.errors import (
    NO_RESOURCE,
    THROTTLING,
    DeliveryFailure,
)

USER_AGENT = "Amazon/EventBridge/ApiDestinations"
JSON_TYPE = "application/json; charset=utf-8"
SDK_CLIENT_ERROR = "SDK_CLIENT_ERROR"
ENDPOINT_ANSWER = "Received response status {status} from the endpoint: {body}"
UNREACHABLE = "The endpoint could not be reached: {reason}"
DEAUTHORIZED_MESSAGE = "Connection {arn} is not authorized."
NO_DESTINATION = "API destination {arn} does not exist."
NO_CONNECTION = "Connection {arn} of the API destination does not exist."
BODYLESS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request to send."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    query: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class OAuthToken:
    """An access token and the loop time after which it is fetched again."""

    value: str
    expires_at: float


def destination_request(
    destination: ApiDestination,
    connection: Connection,
    http_parameters: dict[str, Any] | None,
    body: str,
    token: str | None = None,
) -> HttpRequest:
    """The request an API-destination target sends for one event."""
    params = http_parameters or {}
    invocation = connection.auth.get("InvocationHttpParameters") or {}
    headers = {"User-Agent": USER_AGENT, "Content-Type": JSON_TYPE}
    headers.update(params.get("HeaderParameters") or {})
    headers.update(_pairs(invocation.get("HeaderParameters")))
    headers.update(auth_headers(connection, token))
    query = list((params.get("QueryStringParameters") or {}).items())
    query += list(_pairs(invocation.get("QueryStringParameters")).items())
    method = destination.method
    payload = None if method in BODYLESS else _with_body_parameters(body, invocation).encode()
    url = fill_path(destination.endpoint, params.get("PathParameterValues") or [])
    return HttpRequest(method, url, headers, query, payload)


def fill_path(endpoint: str, values: list[str]) -> str:
    """The endpoint with its ``*`` wildcards replaced, in order, by the (URL-escaped) values."""
    out: list[str] = []
    remaining = iter(values)
    for char in endpoint:
        value = next(remaining, None) if char == "*" else None
        out.append(quote(value, safe="") if value is not None else char)
    return "".join(out)


def _pairs(items: list[dict[str, Any]] | None) -> dict[str, str]:
    return {item["Key"]: str(item.get("Value", "")) for item in items or ()}


def _with_body_parameters(body: str, invocation: dict[str, Any]) -> str:
    """The connection's body parameters added to a JSON-object body (others are sent as is)."""
    extra = _pairs(invocation.get("BodyParameters"))
    if not extra:
        return body
    try:
        value = json.loads(body)
    except ValueError:
        return body
    if not isinstance(value, dict):
        return body
    return json.dumps({**extra, **value}, separators=(",", ":"))


def auth_headers(connection: Connection, token: str | None) -> dict[str, str]:
    """The authorization header of the connection's type."""
    auth = connection.auth
    if connection.authorization_type == BASIC:
        basic = auth["BasicAuthParameters"]
        return {"Authorization": basic_value(basic["Username"], basic["Password"])}
    if connection.authorization_type == API_KEY:
        key = auth["ApiKeyAuthParameters"]
        return {key["ApiKeyName"]: key["ApiKeyValue"]}
    if connection.authorization_type == OAUTH and token is not None:
        return {"Authorization": f"Bearer {token}"}
    return {}


def basic_value(user: str, password: str) -> str:
    """``Basic base64(user:password)``."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def token_request(connection: Connection) -> HttpRequest:
    """The client-credentials request for an OAuth connection's access token."""
    oauth = connection.auth["OAuthParameters"]
    client = oauth["ClientParameters"]
    extra = oauth.get("OAuthHttpParameters") or {}
    headers = {"Authorization": basic_value(client["ClientID"], client["ClientSecret"])}
    headers.update(_pairs(extra.get("HeaderParameters")))
    query = list(_pairs(extra.get("QueryStringParameters")).items())
    form = _pairs(extra.get("BodyParameters"))
    method = oauth["HttpMethod"]
    body = None
    if method != "GET":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in form.items())
    elif form:
        query += list(form.items())
    encoded = body.encode() if body is not None else None
    return HttpRequest(method, oauth["AuthorizationEndpoint"], headers, query, encoded)


def parse_token(body: bytes, now: float, default_lifetime: float = 3600.0) -> OAuthToken:
    """``access_token`` (and ``expires_in`` seconds) of a token endpoint's JSON answer."""
    try:
        answer = json.loads(body)
        value = answer["access_token"]
    except (ValueError, KeyError, TypeError):
        raise DeliveryFailure(
            SDK_CLIENT_ERROR, "The OAuth endpoint answered without an access_token.", retryable=True
        ) from None
    lifetime = answer.get("expires_in")
    seconds = float(lifetime) if isinstance(lifetime, int | float) else default_lifetime
    return OAuthToken(str(value), now + seconds)


def lambda_request(endpoint: str, function_arn: str, body: str, region: str) -> HttpRequest:
    """An asynchronous Invoke of the function an ARN (with an optional qualifier) names."""
    name, qualifier = function_name(function_arn)
    query = [("Qualifier", qualifier)] if qualifier else []
    url = f"{endpoint.rstrip('/')}/2015-03-31/functions/{quote(name, safe='')}/invocations"
    headers = {
        "X-Amz-Invocation-Type": "Event",
        "Content-Type": "application/json",
        "Authorization": _placeholder_auth(region, "lambda"),
    }
    return HttpRequest("POST", url, headers, query, body.encode())


def function_name(arn: str) -> tuple[str, str | None]:
    """(name, qualifier) of ``arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]``."""
    parsed = split_arn(arn)
    resource = parsed[3] if parsed else arn
    parts = resource.split(":")
    if parts[0] == "function" and len(parts) > 1:
        return parts[1], parts[2] if len(parts) > 2 else None
    return resource, None


def start_execution_request(
    endpoint: str, state_machine_arn: str, body: str, region: str
) -> HttpRequest:
    """Step Functions ``StartExecution`` (AWS JSON 1.0) with the event as input."""
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "AWSStepFunctions.StartExecution",
        "Authorization": _placeholder_auth(region, "states"),
    }
    payload = json.dumps({"stateMachineArn": state_machine_arn, "input": body})
    return HttpRequest("POST", endpoint.rstrip("/") + "/", headers, [], payload.encode())


def _placeholder_auth(region: str, service: str) -> str:
    """A SigV4-shaped header (not a signature): local runtimes read the region from it."""
    scope = f"eventbus-emulator/20240101/{region}/{service}/aws4_request"
    return f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0"


def answer_failure(status: int, body: bytes) -> DeliveryFailure | None:
    """None for a 2xx answer, else the failure it stands for: 429 is ``THROTTLING`` and 5xx
    ``SDK_CLIENT_ERROR``, both retried; other answers are not retried."""
    if 200 <= status < 300:
        return None
    text = body[:256].decode("utf-8", "replace")
    message = ENDPOINT_ANSWER.format(status=status, body=text)
    if status == 429:
        return DeliveryFailure(THROTTLING, message, retryable=True)
    if status == 404:
        return DeliveryFailure(NO_RESOURCE, message, retryable=False)
    return DeliveryFailure(SDK_CLIENT_ERROR, message, retryable=status >= 500)


def unreachable(reason: str) -> DeliveryFailure:
    """An endpoint that did not answer in time, or at all: retried."""
    return DeliveryFailure(SDK_CLIENT_ERROR, UNREACHABLE.format(reason=reason), retryable=True)
