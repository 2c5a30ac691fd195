"""The state the rules files describe, validated, in the form the backends are given it.

Items compare by content only (their ``origin``, where they were written, is left out), so the
difference between two states is what hot reload has to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emulator.config.loader import Document, FieldPath

SECTION_NAME_FIELDS = {
    "queues": "QueueName",
    "buses": "Name",
    "connections": "Name",
    "api_destinations": "Name",
    "rules": "Name",
}
PARTITION = "aws"


@dataclass(frozen=True)
class Scope:
    """The account and region rules files describe (the settings' defaults)."""

    account: str
    region: str

    def placeholder(self, name: str) -> str | None:
        """The value of ``${AWS::<name>}``, or ``None`` for an unknown name."""
        return {"AccountId": self.account, "Region": self.region, "Partition": PARTITION}.get(name)


@dataclass(frozen=True)
class Origin:
    """Where an item is written: its file and its path in the file (``("rules", 2)``)."""

    document: Document
    path: FieldPath

    def line(self, *fields: str | int) -> int:
        """The line of a field of the item (or of the item itself)."""
        return self.document.line((*self.path, *fields))

    def label(self, *fields: str | int) -> str:
        """``rules[2] (order-created).Targets[0].Arn``."""
        return describe(self.document.data, (*self.path, *fields))


@dataclass(frozen=True)
class QueueSpec:
    """A queue: ``CreateQueue``'s name, attributes (as strings) and tags."""

    name: str
    attributes: dict[str, str]
    tags: dict[str, str]
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def fifo(self) -> bool:
        """Whether this is a FIFO queue."""
        return self.attributes.get("FifoQueue", "").lower() == "true"


@dataclass(frozen=True)
class BusSpec:
    """A custom event bus: ``CreateEventBus``'s parameters."""

    name: str
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    origin: Origin | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ConnectionSpec:
    """A connection: ``CreateConnection``'s parameters (``Name`` included)."""

    name: str
    params: dict[str, Any]
    origin: Origin | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DestinationSpec:
    """An API destination: ``CreateApiDestination``'s parameters, except that the connection
    is named by ``connection`` (its ARN holds an id known only once it is created)."""

    name: str
    connection: str
    params: dict[str, Any]
    origin: Origin | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class TargetSpec:
    """One of ``PutTargets``' ``Targets`` entries, placeholders replaced, ``Input`` as text."""

    params: dict[str, Any]
    destination: str | None = None
    """The name of the API destination the target's ``Arn`` names (whose id is given when it is
    created: the ``Arn`` is replaced by the live destination's when the target is put)."""

    @property
    def id(self) -> str:
        """The target's ``Id``."""
        return str(self.params["Id"])


@dataclass(frozen=True)
class RuleSpec:
    """A rule: ``PutRule``'s parameters (``EventPattern`` as text) and its targets."""

    name: str
    bus: str
    params: dict[str, Any]
    targets: tuple[TargetSpec, ...] = ()
    origin: Origin | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        """(bus, name): rule names are unique per bus."""
        return (self.bus, self.name)


@dataclass(frozen=True)
class RulesState:
    """Everything the rules files declare, merged; ``chaos`` is the merged ``chaos:`` document."""

    queues: dict[str, QueueSpec] = field(default_factory=dict)
    buses: dict[str, BusSpec] = field(default_factory=dict)
    rules: dict[tuple[str, str], RuleSpec] = field(default_factory=dict)
    connections: dict[str, ConnectionSpec] = field(default_factory=dict)
    api_destinations: dict[str, DestinationSpec] = field(default_factory=dict)
    chaos: dict[str, Any] | None = None
    endpoints: dict[str, str] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def summary(self) -> dict[str, Any]:
        """A JSON-able summary for ``GET /_emulator/state``."""
        return {
            "files": list(self.files),
            "queues": sorted(self.queues),
            "buses": sorted(self.buses),
            "rules": [f"{bus}/{name}" for bus, name in sorted(self.rules)],
            "connections": sorted(self.connections),
            "api_destinations": sorted(self.api_destinations),
            "endpoints": dict(self.endpoints),
            "chaos_faults": len((self.chaos or {}).get("faults") or []),
        }


def describe(data: Any, path: FieldPath) -> str:
    """A field path as users read it: ``rules[0] (order-created).Targets[1].Arn``.

    An item of ``queues``, ``buses`` or ``rules`` is followed by its name, when it has one.
    """
    if not path:
        return "(file)"
    text = str(path[0])
    rest = path[1:]
    if path[0] in SECTION_NAME_FIELDS and rest and isinstance(rest[0], int):
        text += f"[{rest[0]}]"
        name = _item_name(data, str(path[0]), rest[0])
        if name:
            text += f" ({name})"
        rest = rest[1:]
    for key in rest:
        text += f"[{key}]" if isinstance(key, int) else f".{key}"
    return text


def _item_name(data: Any, section: str, index: int) -> str | None:
    try:
        name = data[section][index][SECTION_NAME_FIELDS[section]]
    except (KeyError, IndexError, TypeError):
        return None
    return name if isinstance(name, str) else None
