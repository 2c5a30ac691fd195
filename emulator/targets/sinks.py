"""The sinks of targets outside the emulator: API destinations, Lambda functions, Step Functions
state machines (over HTTP, through :class:`~emulator.targets.runner.HttpRunner`) and CloudWatch
Logs log groups (JSON lines in files)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import quote

from emulator.core.events.arns import split_arn
from emulator.core.events.connections import DEAUTHORIZED, OAUTH, Connection, Connections
from emulator.core.events.delivery import Delivery
from emulator.core.events.errors import INVALID_PARAMETER, NO_RESOURCE, DeliveryFailure
from emulator.core.events.http_targets import (
    DEAUTHORIZED_MESSAGE,
    NO_CONNECTION,
    NO_DESTINATION,
    SDK_CLIENT_ERROR,
    HttpRequest,
    OAuthToken,
    answer_failure,
    destination_request,
    function_name,
    lambda_request,
    parse_token,
    start_execution_request,
    token_request,
)
from emulator.targets.runner import Call, HttpRunner

# EventBridge refreshes an OAuth token when the endpoint answers 401 or 407, and the retry
# uses the new one (user guide, "Authorization methods for connections").
REFRESH_STATUSES = frozenset({401, 407})
NO_LAMBDA_ENDPOINT = "No Lambda endpoint is configured for function {name}."
TOKEN_REFUSED = "The endpoint refused the OAuth token; a new one is fetched for the retry."


def _body(delivery: Delivery) -> str:
    return delivery.target.shaper.render(delivery.event, delivery.rule_name, delivery.rule_arn)


class RateLimiter:
    """Spaces the requests of each API destination by ``1 / InvocationRateLimitPerSecond``
    seconds of loop time; a request waits for its slot instead of being refused."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}

    async def wait(self, key: str, rate: int) -> None:
        """Sleep until this request's slot."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next.get(key, now))
        self._next[key] = slot + 1.0 / max(rate, 1)
        if slot > now:
            await asyncio.sleep(slot - now)


class ApiDestinationSink:
    """API destinations: the connection's authorization, the target's HttpParameters."""

    def __init__(self, runner: HttpRunner, connections: Connections) -> None:
        self.runner = runner
        self.connections = connections
        self.limiter = RateLimiter()
        self.tokens: dict[str, OAuthToken] = {}

    def deliver(self, delivery: Delivery) -> str | None:
        """Start the call (raises ``Pending``), or fail at once when nothing can be sent."""
        arn = delivery.target.arn
        destination = self.connections.find_destination(arn)
        if destination is None:
            raise DeliveryFailure(NO_RESOURCE, NO_DESTINATION.format(arn=arn), retryable=False)
        connection = self.connections.find_connection(destination.connection_arn)
        if connection is None:
            message = NO_CONNECTION.format(arn=destination.connection_arn)
            raise DeliveryFailure(NO_RESOURCE, message, retryable=False)
        if connection.state == DEAUTHORIZED:
            message = DEAUTHORIZED_MESSAGE.format(arn=connection.arn)
            raise DeliveryFailure(INVALID_PARAMETER, message, retryable=False)
        params = delivery.target.config.get("HttpParameters")
        body = _body(delivery)

        async def call(runner: HttpRunner) -> str | None:
            token = await self._token(runner, connection)
            await self.limiter.wait(destination.arn, destination.rate)
            request = destination_request(destination, connection, params, body, token)
            answer = await runner.send(request)
            if connection.authorization_type == OAUTH and answer.status in REFRESH_STATUSES:
                self.tokens.pop(connection.arn, None)
                raise DeliveryFailure(SDK_CLIENT_ERROR, TOKEN_REFUSED, retryable=True)
            failure = answer_failure(answer.status, answer.body)
            if failure is not None:
                raise failure
            return None

        self.runner.launch(delivery, call)
        return None

    async def _token(self, runner: HttpRunner, connection: Connection) -> str | None:
        """The connection's OAuth access token, fetched when missing or expired."""
        if connection.authorization_type != OAUTH:
            return None
        now = asyncio.get_running_loop().time()
        cached = self.tokens.get(connection.arn)
        if cached is not None and cached.expires_at > now:
            return cached.value
        answer = await runner.send(token_request(connection))
        if not 200 <= answer.status < 300:
            message = f"The OAuth endpoint answered {answer.status}."
            raise DeliveryFailure(SDK_CLIENT_ERROR, message, retryable=True)
        token = parse_token(answer.body, now)
        self.tokens[connection.arn] = token
        return token.value


class LambdaSink:
    """Lambda functions, invoked asynchronously through the Invoke API of a local runtime
    (``sam local start-lambda``, the runtime interface emulator, …). ``endpoints`` maps function
    names to endpoints, ``""`` to the default one. A function error (``X-Amz-Function-Error``)
    counts as a failed, retried attempt; a function without an endpoint is ``NO_RESOURCE``."""

    def __init__(self, runner: HttpRunner, endpoints: dict[str, str]) -> None:
        self.runner = runner
        self.endpoints = endpoints

    def deliver(self, delivery: Delivery) -> str | None:
        """Start the Invoke (raises ``Pending``)."""
        arn = delivery.target.arn
        name, _ = function_name(arn)
        endpoint = self.endpoints.get(name) or self.endpoints.get("")
        if endpoint is None:
            message = NO_LAMBDA_ENDPOINT.format(name=name)
            raise DeliveryFailure(NO_RESOURCE, message, retryable=False)
        request = lambda_request(endpoint, arn, _body(delivery), delivery.bus.region)
        self.runner.launch(delivery, _invoke(request, "x-amzn-requestid"))
        return None


def lambda_endpoints(setting: str) -> dict[str, str]:
    """``URL`` or ``name=URL`` entries, comma-separated, as a map (``""``: the default)."""
    endpoints: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in setting.split(","))):
        name, sep, url = entry.partition("=")
        if sep and ":" not in name:
            endpoints[name] = url
        else:
            endpoints[""] = entry
    return endpoints


class StepFunctionsSink:
    """Step Functions state machines: ``StartExecution`` at ``endpoint`` (Step Functions
    Local, …); the execution ARN is the attempt's message id."""

    def __init__(self, runner: HttpRunner, endpoint: str) -> None:
        self.runner = runner
        self.endpoint = endpoint

    def deliver(self, delivery: Delivery) -> str | None:
        """Start the execution (raises ``Pending``)."""
        request = start_execution_request(
            self.endpoint, delivery.target.arn, _body(delivery), delivery.bus.region
        )

        async def call(runner: HttpRunner) -> str | None:
            answer = await runner.send(request)
            failure = answer_failure(answer.status, answer.body)
            if failure is not None:
                raise failure
            try:
                arn = json.loads(answer.body).get("executionArn")
            except (ValueError, AttributeError):
                arn = None
            return str(arn) if arn else None

        self.runner.launch(delivery, call)
        return None


def _invoke(request: HttpRequest, id_header: str) -> Call:
    async def call(runner: HttpRunner) -> str | None:
        answer = await runner.send(request)
        failure = answer_failure(answer.status, answer.body)
        if failure is None and "x-amz-function-error" in answer.headers:
            message = "The function failed: " + answer.body[:256].decode("utf-8", "replace")
            failure = DeliveryFailure(SDK_CLIENT_ERROR, message, retryable=True)
        if failure is not None:
            raise failure
        request_id = answer.headers.get(id_header)
        return str(request_id) if request_id is not None else None

    return call


class LogsSink:
    """CloudWatch Logs log groups: each event one JSON line appended to
    ``<folder>/<account>/<region>/<log group, URL-escaped>.jsonl``."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def deliver(self, delivery: Delivery) -> str | None:
        """Append the event; a write error is a retried failure."""
        path = self.path(delivery.target.arn)
        line = _one_line(_body(delivery))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            raise DeliveryFailure(SDK_CLIENT_ERROR, str(exc), retryable=True) from exc
        return None

    def path(self, arn: str) -> Path:
        """The file of a log-group ARN (``…:log-group:<name>[:*]``)."""
        parsed = split_arn(arn)
        if parsed is None:
            raise DeliveryFailure(NO_RESOURCE, f"Not a log group: {arn}", retryable=False)
        _, region, account, resource = parsed
        group = resource.removeprefix("log-group:").removesuffix(":*")
        return self.folder / account / region / (quote(group, safe="") + ".jsonl")


def _one_line(body: str) -> str:
    try:
        return json.dumps(json.loads(body), separators=(",", ":"))
    except ValueError:
        return json.dumps(body)
