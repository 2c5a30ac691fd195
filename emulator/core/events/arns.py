"""EventBridge ARNs: building them, and reading bus references given by name or ARN.

Formats (EventBridge API reference): a bus is
``arn:aws:events:<region>:<account>:event-bus/<name>``; a rule on the default bus is
``...:rule/<name>``, on a custom bus ``...:rule/<bus>/<name>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.events.errors import RESOURCE_ARN_INVALID, EventsValidationError

DEFAULT_BUS = "default"


@dataclass(frozen=True, slots=True)
class BusRef:
    """Where a bus lives and its name."""

    account: str
    region: str
    name: str

    @property
    def arn(self) -> str:
        """The bus's ARN."""
        return bus_arn(self.account, self.region, self.name)


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule: its bus and its name."""

    bus: BusRef
    name: str


def bus_arn(account: str, region: str, name: str) -> str:
    """``arn:aws:events:<region>:<account>:event-bus/<name>``."""
    return f"arn:aws:events:{region}:{account}:event-bus/{name}"


def rule_arn(account: str, region: str, bus: str, name: str) -> str:
    """A rule's ARN; rules on the default bus leave the bus out."""
    path = name if bus == DEFAULT_BUS else f"{bus}/{name}"
    return f"arn:aws:events:{region}:{account}:rule/{path}"


def split_arn(arn: str) -> tuple[str, str, str, str] | None:
    """(service, region, account, resource) of an ``arn:<partition>:...`` string, else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[2], parts[3], parts[4], parts[5]


def bus_ref(value: str | None, account: str, region: str) -> BusRef:
    """The bus named by ``EventBusName``: a name (in the caller's account and region), an ARN,
    or nothing (the default bus)."""
    if not value:
        return BusRef(account, region, DEFAULT_BUS)
    if value.startswith("arn:"):
        parsed = split_arn(value)
        if parsed and parsed[0] == "events" and parsed[3].startswith("event-bus/"):
            return BusRef(parsed[2], parsed[1], parsed[3][len("event-bus/") :])
    return BusRef(account, region, value)


def resource_ref(arn: str) -> BusRef | RuleRef:
    """The bus or rule a tagging ARN names."""
    parsed = split_arn(arn)
    if parsed is None or parsed[0] != "events":
        raise EventsValidationError(RESOURCE_ARN_INVALID)
    _, region, account, resource = parsed
    kind, _, path = resource.partition("/")
    if kind == "event-bus" and path:
        return BusRef(account, region, path)
    if kind == "rule" and path:
        bus, _, name = path.rpartition("/")
        return RuleRef(BusRef(account, region, bus or DEFAULT_BUS), name)
    raise EventsValidationError(RESOURCE_ARN_INVALID)


API_DESTINATION = "api-destination"


def target_service(arn: str) -> str:
    """The service a target ARN points at (``sqs``, ``events``, ``lambda``, ...); an
    EventBridge API destination (``...:api-destination/<name>/<id>``) is ``api-destination``."""
    parsed = split_arn(arn)
    if parsed is None:
        return ""
    if parsed[0] == "events" and parsed[3].startswith(API_DESTINATION + "/"):
        return API_DESTINATION
    return parsed[0]
