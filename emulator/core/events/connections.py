"""Connections and API destinations of every account and region (EventBridge API reference,
``CreateConnection`` … ``DeleteApiDestination``; user guide, "API destinations").

A connection keeps its secrets (password, API key value, OAuth client secret, parameters marked
``IsValueSecret``) for the deliveries; the describe operations leave them out, as AWS does, where
they would otherwise live in Secrets Manager (``SecretArn``).

States: the emulator has no asynchronous authorization, so a connection is ``AUTHORIZED`` as soon
as it is created or updated and ``DEAUTHORIZED`` as soon as ``DeauthorizeConnection`` returns;
``DeleteConnection`` answers ``DELETING`` and the connection is gone. An API destination is
``ACTIVE``. Every method runs to completion without awaiting.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from emulator.core.clock import Clock
from emulator.core.errors import ResourceNotFound
from emulator.core.events.arns import split_arn
from emulator.core.events.errors import EventsValidationError, ResourceAlreadyExists
from emulator.core.ids import IdFactory

AUTHORIZED = "AUTHORIZED"
DEAUTHORIZED = "DEAUTHORIZED"
DELETING = "DELETING"
ACTIVE = "ACTIVE"
BASIC = "BASIC"
API_KEY = "API_KEY"
OAUTH = "OAUTH_CLIENT_CREDENTIALS"
DEFAULT_RATE = 300  # InvocationRateLimitPerSecond when not given (user guide, API destinations)

# Which AuthParameters member each AuthorizationType needs.
AUTH_MEMBER = {
    BASIC: "BasicAuthParameters",
    API_KEY: "ApiKeyAuthParameters",
    OAUTH: "OAuthParameters",
}

# Messages as AWS answers them (recorded in LocalStack's AWS-validated snapshots; unverified here).
CONNECTION_EXISTS = "Connection {name} already exists."
CONNECTION_NOT_FOUND = "Failed to describe the connection(s). Connection '{name}' does not exist."
DESTINATION_EXISTS = "An api-destination '{name}' already exists."
DESTINATION_NOT_FOUND = (
    "Failed to describe the api-destination(s). An api-destination '{name}' does not exist."
)
# unverified wording (AWS documents the rule, not the text):
AUTH_PARAMETERS_MISSING = "The AuthParameters for AuthorizationType {type} must be specified."

Scope = tuple[str, str]  # (account, region)


@dataclass(slots=True)
class Connection:
    """One connection; ``auth`` is the AuthParameters structure with its secrets."""

    name: str
    arn: str
    secret_arn: str
    authorization_type: str
    auth: dict[str, Any]
    created: float
    modified: float
    authorized: float
    description: str | None = None
    kms_key: str | None = None
    state: str = AUTHORIZED


@dataclass(slots=True)
class ApiDestination:
    """One API destination."""

    name: str
    arn: str
    connection_arn: str
    endpoint: str
    method: str
    rate: int
    created: float
    modified: float
    description: str | None = None
    state: str = ACTIVE


@dataclass(slots=True)
class _ScopeState:
    connections: dict[str, Connection] = field(default_factory=dict)
    destinations: dict[str, ApiDestination] = field(default_factory=dict)


def check_auth(authorization_type: str, auth: dict[str, Any]) -> None:
    """The AuthParameters hold the member the AuthorizationType needs."""
    if AUTH_MEMBER[authorization_type] not in auth:
        raise EventsValidationError(AUTH_PARAMETERS_MISSING.format(type=authorization_type))


def merge_auth(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """UpdateConnection's AuthParameters over the stored ones: the members given replace
    the stored members field by field; lists of parameters are replaced whole."""
    merged = copy.deepcopy(old)
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_auth(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class Connections:
    """Connections and API destinations, by (account, region)."""

    def __init__(self, clock: Clock, ids: IdFactory) -> None:
        self.clock = clock
        self.ids = ids
        self.scopes: dict[Scope, _ScopeState] = {}

    def clear(self) -> None:
        """Forget everything."""
        self.scopes.clear()

    def _scope(self, account: str, region: str) -> _ScopeState:
        return self.scopes.setdefault((account, region), _ScopeState())

    # ------------------------------------------------------------------ connections
    def create_connection(
        self, account: str, region: str, name: str, authorization_type: str, auth: dict[str, Any]
    ) -> Connection:
        """A new, authorized connection."""
        scope = self._scope(account, region)
        if name in scope.connections:
            raise ResourceAlreadyExists(CONNECTION_EXISTS.format(name=name))
        check_auth(authorization_type, auth)
        uuid = self.ids.uuid()
        now = self.clock.now()
        connection = Connection(
            name=name,
            arn=f"arn:aws:events:{region}:{account}:connection/{name}/{uuid}",
            secret_arn=(
                f"arn:aws:secretsmanager:{region}:{account}:secret:events!connection/{name}/{uuid}"
            ),
            authorization_type=authorization_type,
            auth=copy.deepcopy(auth),
            created=now,
            modified=now,
            authorized=now,
        )
        scope.connections[name] = connection
        return connection

    def connection(self, account: str, region: str, name: str) -> Connection:
        """The connection, or ``ResourceNotFoundException``."""
        found = self._scope(account, region).connections.get(name)
        if found is None:
            raise ResourceNotFound(CONNECTION_NOT_FOUND.format(name=name))
        return found

    def update_connection(
        self,
        account: str,
        region: str,
        name: str,
        authorization_type: str | None,
        auth: dict[str, Any] | None,
    ) -> Connection:
        """Change the authorization; the connection is authorized again."""
        connection = self.connection(account, region, name)
        kind = authorization_type or connection.authorization_type
        merged = connection.auth if auth is None else merge_auth(connection.auth, auth)
        if kind != connection.authorization_type:
            merged = {k: v for k, v in merged.items() if k not in AUTH_MEMBER.values()}
            merged = merge_auth(merged, auth or {})
        check_auth(kind, merged)
        now = self.clock.now()
        connection.authorization_type, connection.auth = kind, merged
        connection.state, connection.modified, connection.authorized = AUTHORIZED, now, now
        return connection

    def deauthorize(self, account: str, region: str, name: str) -> Connection:
        """Forget the authorization: deliveries through the connection fail until an update."""
        connection = self.connection(account, region, name)
        connection.state = DEAUTHORIZED
        connection.modified = self.clock.now()
        return connection

    def delete_connection(self, account: str, region: str, name: str) -> Connection:
        """Remove the connection; what it was, in state ``DELETING``."""
        connection = self.connection(account, region, name)
        del self._scope(account, region).connections[name]
        connection.state = DELETING
        return connection

    def list_connections(
        self, account: str, region: str, prefix: str = "", state: str | None = None
    ) -> list[Connection]:
        """Connections by name, filtered by name prefix and state."""
        items = self._scope(account, region).connections
        return [
            items[n]
            for n in sorted(items)
            if n.startswith(prefix) and (state is None or items[n].state == state)
        ]

    def find_connection(self, arn: str) -> Connection | None:
        """The connection an ARN names (any scope), or None."""
        parsed = split_arn(arn)
        if parsed is None:
            return None
        _, region, account, resource = parsed
        name = resource.split("/")[1] if resource.count("/") == 2 else ""
        found = self.scopes.get((account, region))
        connection = found.connections.get(name) if found else None
        return connection if connection is not None and connection.arn == arn else None

    # ------------------------------------------------------------------ API destinations
    def create_destination(
        self, account: str, region: str, name: str, settings: dict[str, Any]
    ) -> ApiDestination:
        """A new API destination over an existing connection."""
        scope = self._scope(account, region)
        if name in scope.destinations:
            raise ResourceAlreadyExists(DESTINATION_EXISTS.format(name=name))
        self._require_connection(settings["ConnectionArn"])
        now = self.clock.now()
        destination = ApiDestination(
            name=name,
            arn=f"arn:aws:events:{region}:{account}:api-destination/{name}/{self.ids.uuid()}",
            connection_arn=settings["ConnectionArn"],
            endpoint=settings["InvocationEndpoint"],
            method=settings["HttpMethod"],
            rate=settings.get("InvocationRateLimitPerSecond") or DEFAULT_RATE,
            created=now,
            modified=now,
            description=settings.get("Description"),
        )
        scope.destinations[name] = destination
        return destination

    def _require_connection(self, arn: str) -> Connection:
        connection = self.find_connection(arn)
        if connection is None:
            parsed = split_arn(arn)
            name = parsed[3].split("/")[1] if parsed and "/" in parsed[3] else arn
            raise ResourceNotFound(CONNECTION_NOT_FOUND.format(name=name))
        return connection

    def destination(self, account: str, region: str, name: str) -> ApiDestination:
        """The API destination, or ``ResourceNotFoundException``."""
        found = self._scope(account, region).destinations.get(name)
        if found is None:
            raise ResourceNotFound(DESTINATION_NOT_FOUND.format(name=name))
        return found

    def update_destination(
        self, account: str, region: str, name: str, settings: dict[str, Any]
    ) -> ApiDestination:
        """Change the members given."""
        destination = self.destination(account, region, name)
        if "ConnectionArn" in settings:
            self._require_connection(settings["ConnectionArn"])
            destination.connection_arn = settings["ConnectionArn"]
        destination.endpoint = settings.get("InvocationEndpoint", destination.endpoint)
        destination.method = settings.get("HttpMethod", destination.method)
        destination.rate = settings.get("InvocationRateLimitPerSecond", destination.rate)
        destination.description = settings.get("Description", destination.description)
        destination.modified = self.clock.now()
        return destination

    def delete_destination(self, account: str, region: str, name: str) -> None:
        """Remove the API destination."""
        self.destination(account, region, name)
        del self._scope(account, region).destinations[name]

    def list_destinations(
        self, account: str, region: str, prefix: str = "", connection_arn: str | None = None
    ) -> list[ApiDestination]:
        """API destinations by name, filtered by name prefix and connection."""
        items = self._scope(account, region).destinations
        return [
            items[n]
            for n in sorted(items)
            if n.startswith(prefix)
            and (connection_arn is None or items[n].connection_arn == connection_arn)
        ]

    def find_destination(self, arn: str) -> ApiDestination | None:
        """The API destination an ARN names (any scope), or None."""
        parsed = split_arn(arn)
        if parsed is None:
            return None
        _, region, account, resource = parsed
        name = resource.split("/")[1] if resource.count("/") == 2 else ""
        found = self.scopes.get((account, region))
        destination = found.destinations.get(name) if found else None
        return destination if destination is not None and destination.arn == arn else None

    def state(self) -> dict[str, Any]:
        """Connections and API destinations (no secrets), for ``/_emulator/state``."""
        connections: list[dict[str, Any]] = []
        destinations: list[dict[str, Any]] = []
        for (account, region), scope in self.scopes.items():
            where = {"account": account, "region": region}
            connections += [
                {**where, "name": c.name, "arn": c.arn, "state": c.state}
                for c in scope.connections.values()
            ]
            destinations += [
                {**where, "name": d.name, "arn": d.arn, "endpoint": d.endpoint}
                for d in scope.destinations.values()
            ]
        return {"connections": connections, "api_destinations": destinations}
