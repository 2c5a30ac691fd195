"""EventBridge connections and API destinations: the eleven operations, one small handler each.

``destination_operations(backend)`` is merged into :func:`emulator.api.events.events_operations`'
table; every handler sits behind the same model-constraint checks. Describe and list answers
leave the secrets out (passwords, API key values, client secrets, parameter values marked
``IsValueSecret``), as AWS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.api.context import Handler, OperationTable, Params, RequestContext, Result
from emulator.api.events import _page, _present, _time, _validated
from emulator.core.events import EventsBackend
from emulator.core.events.connections import ApiDestination, Connection

SECRET_FIELDS = {
    "BasicAuthParameters": ("Password",),
    "ApiKeyAuthParameters": ("ApiKeyValue",),
}


# --------------------------------------------------------------------------- shaping
def _public_parameters(params: dict[str, Any] | None) -> dict[str, Any] | None:
    """ConnectionHttpParameters without the values marked secret."""
    if params is None:
        return None
    return {
        kind: [
            {k: v for k, v in item.items() if not (k == "Value" and item.get("IsValueSecret"))}
            for item in items
        ]
        for kind, items in params.items()
    }


def public_auth(auth: dict[str, Any]) -> dict[str, Any]:
    """AuthParameters as DescribeConnection shows them."""
    out: dict[str, Any] = {}
    for member, value in auth.items():
        if member in SECRET_FIELDS:
            out[member] = {k: v for k, v in value.items() if k not in SECRET_FIELDS[member]}
        elif member == "OAuthParameters":
            out[member] = _public_oauth(value)
        elif member == "InvocationHttpParameters":
            out[member] = _public_parameters(value)
        else:
            out[member] = value
    return out


def _public_oauth(oauth: dict[str, Any]) -> dict[str, Any]:
    client = {"ClientID": oauth["ClientParameters"]["ClientID"]}
    return _present(
        ClientParameters=client,
        AuthorizationEndpoint=oauth["AuthorizationEndpoint"],
        HttpMethod=oauth["HttpMethod"],
        OAuthHttpParameters=_public_parameters(oauth.get("OAuthHttpParameters")),
    )


def _connection_summary(c: Connection, *, authorized: bool = True) -> Result:
    return _present(
        ConnectionArn=c.arn,
        ConnectionState=c.state,
        CreationTime=_time(c.created),
        LastModifiedTime=_time(c.modified),
        LastAuthorizedTime=_time(c.authorized) if authorized else None,
    )


def _connection_listed(c: Connection) -> Result:
    return {
        **_connection_summary(c),
        "Name": c.name,
        "AuthorizationType": c.authorization_type,
    }


def _connection_described(c: Connection) -> Result:
    return {
        **_connection_listed(c),
        **_present(
            Description=c.description,
            SecretArn=c.secret_arn,
            KmsKeyIdentifier=c.kms_key,
            AuthParameters=public_auth(c.auth),
        ),
    }


def _destination_summary(d: ApiDestination) -> Result:
    return {
        "ApiDestinationArn": d.arn,
        "ApiDestinationState": d.state,
        "CreationTime": _time(d.created),
        "LastModifiedTime": _time(d.modified),
    }


def _destination_described(d: ApiDestination) -> Result:
    return {
        **_destination_summary(d),
        **_present(
            Name=d.name,
            Description=d.description,
            ConnectionArn=d.connection_arn,
            InvocationEndpoint=d.endpoint,
            HttpMethod=d.method,
            InvocationRateLimitPerSecond=d.rate,
        ),
    }


# --------------------------------------------------------------------------- the table
def destination_operations(backend: EventsBackend) -> OperationTable:
    """Handlers of the connection and API-destination operations over ``backend``."""
    store = backend.connections

    async def create_connection(ctx: RequestContext, p: Params) -> Result:
        c = store.create_connection(
            ctx.account, ctx.region, p["Name"], p["AuthorizationType"], p["AuthParameters"]
        )
        c.description, c.kms_key = p.get("Description"), p.get("KmsKeyIdentifier")
        return _connection_summary(c, authorized=False)

    async def describe_connection(ctx: RequestContext, p: Params) -> Result:
        return _connection_described(store.connection(ctx.account, ctx.region, p["Name"]))

    async def list_connections(ctx: RequestContext, p: Params) -> Result:
        found = store.list_connections(
            ctx.account, ctx.region, p.get("NamePrefix", ""), p.get("ConnectionState")
        )
        page, token = _page(found, p)
        return {"Connections": [_connection_listed(c) for c in page], **_present(NextToken=token)}

    async def update_connection(ctx: RequestContext, p: Params) -> Result:
        c = store.update_connection(
            ctx.account, ctx.region, p["Name"], p.get("AuthorizationType"), p.get("AuthParameters")
        )
        c.description = p.get("Description", c.description)
        c.kms_key = p.get("KmsKeyIdentifier", c.kms_key)
        return _connection_summary(c)

    async def delete_connection(ctx: RequestContext, p: Params) -> Result:
        return _connection_summary(store.delete_connection(ctx.account, ctx.region, p["Name"]))

    async def deauthorize_connection(ctx: RequestContext, p: Params) -> Result:
        return _connection_summary(store.deauthorize(ctx.account, ctx.region, p["Name"]))

    async def create_api_destination(ctx: RequestContext, p: Params) -> Result:
        d = store.create_destination(ctx.account, ctx.region, p["Name"], p)
        return _destination_summary(d)

    async def describe_api_destination(ctx: RequestContext, p: Params) -> Result:
        return _destination_described(store.destination(ctx.account, ctx.region, p["Name"]))

    async def list_api_destinations(ctx: RequestContext, p: Params) -> Result:
        found = store.list_destinations(
            ctx.account, ctx.region, p.get("NamePrefix", ""), p.get("ConnectionArn")
        )
        page, token = _page(found, p)
        listed = [_destination_described(d) for d in page]
        return {"ApiDestinations": listed, **_present(NextToken=token)}

    async def update_api_destination(ctx: RequestContext, p: Params) -> Result:
        settings = {k: v for k, v in p.items() if k != "Name"}
        d = store.update_destination(ctx.account, ctx.region, p["Name"], settings)
        return _destination_summary(d)

    async def delete_api_destination(ctx: RequestContext, p: Params) -> Result:
        store.delete_destination(ctx.account, ctx.region, p["Name"])
        return {}

    handlers: dict[str, Handler] = {
        "CreateConnection": create_connection,
        "DescribeConnection": describe_connection,
        "ListConnections": list_connections,
        "UpdateConnection": update_connection,
        "DeleteConnection": delete_connection,
        "DeauthorizeConnection": deauthorize_connection,
        "CreateApiDestination": create_api_destination,
        "DescribeApiDestination": describe_api_destination,
        "ListApiDestinations": list_api_destinations,
        "UpdateApiDestination": update_api_destination,
        "DeleteApiDestination": delete_api_destination,
    }
    validated: Callable[[str, Handler], Handler] = _validated
    return {name: validated(name, handler) for name, handler in handlers.items()}
