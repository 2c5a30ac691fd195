"""Rules files -> one validated :class:`RulesState`, or every problem, each located.

Order of work: read every file; replace ``${AWS::…}`` placeholders; check each file against the
spec (:data:`emulator.config.schema.RULES_FILE`, which also runs the per-item checks); then check
what spans items and files: names declared twice, references (target, dead-letter and
redrive ARNs, ``EventBusName``, an API destination's ``ConnectionArn``) to queues, buses,
connections and API destinations that no file declares, and endpoints set differently by two
files. Targets outside the emulator (Lambda, Step Functions, Logs) need only a well-formed
ARN. Nothing is applied unless there is no problem at all.

A problem reads ``rules/orders.yaml:12: rules[0] (order-created).Targets[1].Arn: <reason>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from emulator.config.apply import dry_run
from emulator.config.checks import attribute_text, bus_name, is_fifo, pattern_text
from emulator.config.errors import InvalidRules, Problem
from emulator.config.loader import Document, FieldPath, LoadError, load_file, rules_files
from emulator.config.model import (
    BusSpec,
    ConnectionSpec,
    DestinationSpec,
    Origin,
    QueueSpec,
    RuleSpec,
    RulesState,
    Scope,
    TargetSpec,
    describe,
)
from emulator.config.schema import RULES_FILE
from emulator.config.spec import scalar_text, suggest
from emulator.core.events.arns import DEFAULT_BUS
from emulator.core.events.errors import INPUT_ON_BUS_TARGET, SQS_PARAMETERS_REQUIRED
from emulator.core.sqs.validation import normalize_queue_attributes

PLACEHOLDER = re.compile(r"\$\{AWS::([A-Za-z]+)\}")
MSG_NOT_A_MAPPING = (
    "must be a mapping with queues, buses, connections, api_destinations, rules, chaos or endpoints"
)
TARGET_SERVICES = ("sqs", "events", "lambda", "states", "logs")
EVENTS_KINDS = {
    "event-bus": "an event bus",
    "api-destination": "an API destination",
    "connection": "a connection",
}
RESOURCE_PREFIXES = {"lambda": "function:", "states": "stateMachine:", "logs": "log-group:"}
ENDPOINT_SETTINGS = {
    "lambda": "lambda_endpoint",
    "stepfunctions": "stepfunctions_endpoint",
    "logs_dir": "logs_dir",
}
MSG_DEFAULT_BUS = "the default bus always exists; do not declare it"
MSG_FIFO_DLQ = "SQS FIFO is not supported by Dead Letter Queues."  # AWS, PutTargets
MSG_FIFO_TARGET_DEDUP = (
    'the FIFO queue "{name}" needs Attributes.ContentBasedDeduplication: true to be a target '
    "(EventBridge API Reference, SqsParameters)"
)


def load_rules(paths: Iterable[str | Path], scope: Scope) -> RulesState:
    """Read and validate the rules files at ``paths``; raises :class:`InvalidRules`.

    Last, the state is applied to throwaway backends (:func:`dry_run`), so that what the
    backends themselves would refuse is reported too, before anything runs.
    """
    problems: list[Problem] = []
    documents: list[Document] = []
    try:
        files = rules_files(paths)
    except LoadError as exc:
        raise InvalidRules([_load_problem(exc)]) from None
    for path in files:
        try:
            documents.append(load_file(path))
        except LoadError as exc:
            problems.append(_load_problem(exc))
    state = validate_documents(documents, scope, problems)
    refused = dry_run(state, scope)
    if refused:
        raise InvalidRules(refused)
    return state


def _load_problem(exc: LoadError) -> Problem:
    return Problem(exc.file, exc.line, "", exc.reason)


def validate_documents(
    documents: list[Document], scope: Scope, problems: list[Problem] | None = None
) -> RulesState:
    """The merged state of parsed rules files; raises :class:`InvalidRules` listing problems."""
    checker = _Checker(scope, list(problems or []))
    for document in documents:
        checker.check_file(document)
    state = checker.finish()
    if state is None:
        order = {document.file: index for index, document in enumerate(documents)}
        problems = sorted(checker.problems, key=lambda p: (order.get(p.file, -1), p.line))
        raise InvalidRules(problems)
    return state


@dataclass(frozen=True)
class _Item:
    """A declared item: its raw mapping and where it is written."""

    raw: dict[str, Any]
    origin: Origin


@dataclass
class _Checker:
    scope: Scope
    problems: list[Problem]
    documents: list[Document] = field(default_factory=list)
    items: dict[str, list[_Item]] = field(default_factory=dict)
    chaos: list[tuple[dict[str, Any], Origin]] = field(default_factory=list)
    endpoints: dict[str, tuple[str, Origin]] = field(default_factory=dict)
    destinations: dict[Any, _Item] = field(default_factory=dict)

    # --- one file ---------------------------------------------------------------------------

    def check_file(self, document: Document) -> None:
        found: list[FieldPath] = []

        def report(path: FieldPath, reason: str) -> None:
            found.append(path)
            self.add(document, path, reason)

        data = self._substitute(document.data, (), report)
        document = replace(document, data=data)
        self.documents.append(document)
        if data is None:
            return
        if not isinstance(data, dict):
            report((), MSG_NOT_A_MAPPING)
            return
        RULES_FILE.check(data, (), report)
        self._collect(document, found)

    def add(self, document: Document, path: FieldPath, reason: str) -> None:
        where = describe(document.data, path) if path else ""
        self.problems.append(Problem(document.file, document.line(path), where, reason))

    def _substitute(self, value: Any, path: FieldPath, report: Any) -> Any:
        if isinstance(value, dict):
            return {k: self._substitute(v, (*path, k), report) for k, v in value.items()}
        if isinstance(value, list):
            return [self._substitute(v, (*path, i), report) for i, v in enumerate(value)]
        if isinstance(value, str) and "${" in value:
            return PLACEHOLDER.sub(lambda m: self._placeholder(m, path, report), value)
        return value

    def _placeholder(self, match: re.Match[str], path: FieldPath, report: Any) -> str:
        value = self.scope.placeholder(match.group(1))
        if value is None:
            known = "${AWS::AccountId}, ${AWS::Region}, ${AWS::Partition}"
            report(path, f"unknown placeholder {match.group(0)} (known: {known})")
            return match.group(0)
        return value

    def _collect(self, document: Document, found: list[FieldPath]) -> None:
        data = document.data
        for section in ("queues", "buses", "connections", "api_destinations", "rules"):
            entries = data.get(section)
            if not isinstance(entries, list):
                continue
            for index, raw in enumerate(entries):
                if isinstance(raw, dict):
                    item = _Item(raw, Origin(document, (section, index)))
                    self.items.setdefault(section, []).append(item)
        chaos = data.get("chaos")
        if isinstance(chaos, dict) and not any(p[:1] == ("chaos",) for p in found):
            self.chaos.append((chaos, Origin(document, ("chaos",))))
        endpoints = data.get("endpoints")
        if isinstance(endpoints, dict) and not any(p[:1] == ("endpoints",) for p in found):
            self._merge_endpoints(endpoints, document)

    def _merge_endpoints(self, endpoints: dict[str, Any], document: Document) -> None:
        """Each endpoint setting once across files (the same value again is no conflict)."""
        for key, value in endpoints.items():
            text = _endpoint_text(value)
            origin = Origin(document, ("endpoints",))
            first = self.endpoints.setdefault(ENDPOINT_SETTINGS[key], (text, origin))
            if first[0] != text:
                at = f"{first[1].document.file}:{first[1].line(key)}"
                self._at(origin, (key,), f"conflicts with the value set at {at}")

    # --- across files -----------------------------------------------------------------------

    def finish(self) -> RulesState | None:
        """Check across items; the merged state, or ``None`` when there is any problem."""
        queues = self._unique("queues", "QueueName", lambda raw: _text(raw, "QueueName"))
        buses = self._unique("buses", "Name", lambda raw: _text(raw, "Name"))
        rules = self._unique("rules", "Name", _rule_key)
        connections = self._unique("connections", "Name", lambda raw: _text(raw, "Name"))
        destinations = self._unique("api_destinations", "Name", lambda raw: _text(raw, "Name"))
        self._default_bus(buses)
        for item in destinations.values():
            self._connection_reference(item, connections)
        self.destinations = destinations
        for item in rules.values():
            self._rule_references(item, queues, buses)
        for item in queues.values():
            self._redrive_reference(item, queues)
        chaos = self._merged_chaos()
        if self.problems:
            return None
        return RulesState(
            queues={name: _queue(item) for name, item in queues.items()},
            buses={name: _bus(item) for name, item in buses.items()},
            rules={key: _rule(item) for key, item in rules.items()},
            connections={name: _connection(item) for name, item in connections.items()},
            api_destinations={name: _destination(item) for name, item in destinations.items()},
            chaos=chaos,
            endpoints={key: value for key, (value, _) in self.endpoints.items()},
            files=tuple(document.file for document in self.documents),
        )

    def _unique(self, section: str, field_name: str, key: Any) -> dict[Any, _Item]:
        """Items by name; a name declared again is a problem at the second declaration."""
        seen: dict[Any, _Item] = {}
        for item in self.items.get(section, []):
            name = key(item.raw)
            if name is None:
                continue
            first = seen.get(name)
            if first is None:
                seen[name] = item
                continue
            display = name[1] if isinstance(name, tuple) else name
            at = f"{first.origin.document.file}:{first.origin.line(field_name)}"
            self._at(item.origin, (field_name,), f'"{display}" is already declared at {at}')
        return seen

    def _at(self, origin: Origin, fields: tuple[str | int, ...], reason: str) -> None:
        self.problems.append(
            Problem(origin.document.file, origin.line(*fields), origin.label(*fields), reason)
        )

    def _default_bus(self, buses: dict[Any, _Item]) -> None:
        item = buses.pop(DEFAULT_BUS, None)
        if item is not None:
            self._at(item.origin, ("Name",), MSG_DEFAULT_BUS)

    # Reference checks read raw items defensively: an item with a malformed field has had its
    # problem reported already, and its well-formed fields are still checked.

    def _rule_references(
        self, item: _Item, queues: dict[Any, _Item], buses: dict[Any, _Item]
    ) -> None:
        bus = _text(item.raw, "EventBusName")
        reason = self._bus_reference(bus, buses) if bus is not None else None
        if reason:
            self._at(item.origin, ("EventBusName",), reason)
        for index, target in enumerate(_items(item.raw.get("Targets"))):
            self._target_references(item.origin, index, target, queues, buses)

    def _bus_reference(self, value: str, buses: dict[Any, _Item]) -> str | None:
        """Why ``EventBusName`` (a name or an ARN) names no declared bus, or ``None``."""
        name = value
        if value.startswith("arn:"):
            resolved = self._resolve(value, ("events",))
            if isinstance(resolved, str):
                return resolved
            name = resolved[1]
        return None if name in buses or name == DEFAULT_BUS else _missing("bus", name, buses)

    def _target_references(
        self,
        origin: Origin,
        index: int,
        target: dict[str, Any],
        queues: dict[Any, _Item],
        buses: dict[Any, _Item],
    ) -> None:
        at = ("Targets", index)
        arn = _text(target, "Arn")
        reason = self._target_arn(arn, target, queues, buses) if arn is not None else None
        if reason:
            self._at(origin, (*at, "Arn"), reason)
        dead_letter = _text(target.get("DeadLetterConfig"), "Arn")
        reason = self._dead_letter_arn(dead_letter, queues) if dead_letter is not None else None
        if reason:
            self._at(origin, (*at, "DeadLetterConfig", "Arn"), reason)

    def _target_arn(
        self, arn: str, target: dict[str, Any], queues: dict[Any, _Item], buses: dict[Any, _Item]
    ) -> str | None:
        resolved = self._resolve(arn, TARGET_SERVICES, ("event-bus", "api-destination"))
        if isinstance(resolved, str):
            return resolved
        service, name = resolved
        if service == "api-destination":
            found = name in self.destinations
            return None if found else _missing("API destination", name, self.destinations)
        if service in RESOURCE_PREFIXES:
            return None  # outside the emulator: delivered to the endpoints configured
        if service == "events":
            missing = self._bus_reference(arn, buses)
            if missing:
                return missing
            given = [key for key in ("Input", "InputPath", "InputTransformer") if key in target]
            return INPUT_ON_BUS_TARGET.format(id=target.get("Id")) if given else None
        queue = queues.get(name)
        if queue is None:
            return _missing("queue", name, queues)
        return _fifo_target(queue.raw, target)

    def _dead_letter_arn(self, arn: str, queues: dict[Any, _Item]) -> str | None:
        resolved = self._resolve(arn, ("sqs",))
        if isinstance(resolved, str):
            return resolved
        queue = queues.get(resolved[1])
        if queue is None:
            return _missing("queue", resolved[1], queues)
        return MSG_FIFO_DLQ if is_fifo(queue.raw) else None

    def _redrive_reference(self, item: _Item, queues: dict[Any, _Item]) -> None:
        arn = _redrive_target(item.raw)
        if arn is None:
            return
        resolved = self._resolve(arn, ("sqs",))
        if not isinstance(resolved, str) and resolved[1] not in queues:
            resolved = _missing("queue", resolved[1], queues)
        if isinstance(resolved, str):
            where = ("Attributes", "RedrivePolicy")
            self._at(item.origin, where, f"deadLetterTargetArn: {resolved}")

    def _connection_reference(self, item: _Item, connections: dict[Any, _Item]) -> None:
        """An API destination's ``ConnectionArn``: a declared connection's name or ARN."""
        value = _text(item.raw, "ConnectionArn")
        if value is None:
            return
        name = value
        if value.startswith("arn:"):
            resolved = self._resolve(value, ("events",), ("connection",))
            if isinstance(resolved, str):
                self._at(item.origin, ("ConnectionArn",), resolved)
                return
            name = resolved[1]
        if name not in connections:
            self._at(item.origin, ("ConnectionArn",), _missing("connection", name, connections))

    def _resolve(
        self, arn: str, services: tuple[str, ...], kinds: tuple[str, ...] = ("event-bus",)
    ) -> tuple[str, str] | str:
        """(service, name) of an ARN naming a resource of our scope, or why it does not.

        The service of an EventBridge resource other than a bus is its kind (``api-destination``,
        ``connection``), and its name leaves out the id AWS adds after the name (which rules files
        cannot know, and may leave out)."""
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return f"must be an ARN, such as {_example(services[0])}"
        _, _, service, region, account, resource = parts
        if service not in services:
            what = _one_of([text for s in services for text in _kind_texts(s, kinds)])
            return f"must be the ARN of {what} (not of {service or 'nothing'})"
        if (account, region) != (self.scope.account, self.scope.region):
            return (
                f"names account {account} in {region}; rules files declare account "
                f"{self.scope.account} in {self.scope.region} (write ${{AWS::AccountId}} and "
                "${AWS::Region})"
            )
        if service == "events":
            return _events_resource(resource, kinds)
        prefix = RESOURCE_PREFIXES.get(service)
        if prefix is not None:
            if not resource.startswith(prefix) or len(resource) == len(prefix):
                return f"must be the ARN of {_KIND[service]}, such as {_example(service)}"
            return service, resource[len(prefix) :]
        return service, resource

    def _merged_chaos(self) -> dict[str, Any] | None:
        if not self.chaos:
            return None
        merged: dict[str, Any] = {"faults": []}
        seed_origin: Origin | None = None
        for document, origin in self.chaos:
            merged["faults"].extend(document.get("faults") or [])
            seed = document.get("seed")
            if seed is None:
                continue
            if seed_origin is not None and merged["seed"] != seed:
                at = f"{seed_origin.document.file}:{seed_origin.line('seed')}"
                self._at(origin, ("seed",), f"conflicts with seed {merged['seed']} set at {at}")
                continue
            merged["seed"], seed_origin = seed, origin
        return merged


_KIND = {
    "sqs": "an SQS queue",
    "lambda": "a Lambda function",
    "states": "a Step Functions state machine",
    "logs": "a CloudWatch Logs log group",
}
_EXAMPLES = {
    "sqs": "<queue>",
    "event-bus": "event-bus/<name>",
    "api-destination": "api-destination/<name>",
    "connection": "connection/<name>",
    "lambda": "function:<name>",
    "states": "stateMachine:<name>",
    "logs": "log-group:<name>",
}


def _kind_texts(service: str, kinds: tuple[str, ...]) -> list[str]:
    if service == "events":
        return [EVENTS_KINDS[k] for k in kinds]
    return [_KIND[service]]


def _one_of(texts: list[str]) -> str:
    """``a, b or c``."""
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} or {texts[-1]}"


def _connection_of(value: str) -> str:
    """The name of the connection a valid ``ConnectionArn`` (a name or an ARN) names."""
    if not value.startswith("arn:"):
        return value
    return value.split(":", 5)[5].split("/")[1]


def _destination_of(arn: str) -> str | None:
    """The name of the API destination a target ``Arn`` names, if it names one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "events" or not parts[5].startswith("api-destination/"):
        return None
    return parts[5].split("/")[1]


def _example(kind: str) -> str:
    service = "events" if kind in EVENTS_KINDS else kind
    return f"arn:aws:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{_EXAMPLES[kind]}"


def _events_resource(resource: str, kinds: tuple[str, ...]) -> tuple[str, str] | str:
    """(kind, name) of an EventBridge resource of one of ``kinds``, or why it is not one."""
    kind, _, rest = resource.partition("/")
    name = rest if kind == "event-bus" else rest.split("/")[0]
    if kind not in kinds or not name:
        what = " or ".join(EVENTS_KINDS[k] for k in kinds)
        return f"must be the ARN of {what}, such as {_example(kinds[0])}"
    return ("events" if kind == "event-bus" else kind), name


def _endpoint_text(value: Any) -> str:
    """An endpoint as its setting takes it: a mapping of functions as ``name=URL,…``."""
    if isinstance(value, dict):
        return ",".join(f"{name}={url}" for name, url in value.items())
    return str(value)


def _missing(kind: str, name: str, declared: dict[Any, _Item]) -> str:
    names = [key for key in declared if isinstance(key, str)]
    return f'no {kind} named "{name}" exists in any rules file{suggest(name, names)}'


def _fifo_target(queue: dict[str, Any], target: dict[str, Any]) -> str | None:
    """EventBridge's conditions on a FIFO queue target (API Reference, Target.SqsParameters)."""
    if not is_fifo(queue):
        return None
    if not _text(target.get("SqsParameters"), "MessageGroupId"):
        return SQS_PARAMETERS_REQUIRED.format(id=target.get("Id"))
    attributes = queue.get("Attributes")
    deduplication = attributes.get("ContentBasedDeduplication", "") if attributes else ""
    if attribute_text(deduplication).lower() != "true":
        return MSG_FIFO_TARGET_DEDUP.format(name=queue["QueueName"])
    return None


def _rule_key(raw: dict[str, Any]) -> tuple[str, str] | None:
    name, bus = raw.get("Name"), raw.get("EventBusName")
    if not isinstance(name, str) or not isinstance(bus, str | None):
        return None
    return (bus_name(bus), name)


def _text(mapping: Any, key: str) -> str | None:
    """``mapping[key]`` when ``mapping`` is a mapping and the value a string, else ``None``."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, str) else None


def _items(value: Any) -> list[dict[str, Any]]:
    """The mappings of a list (nothing when it is not a list)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _redrive_target(queue: dict[str, Any]) -> str | None:
    """The ``deadLetterTargetArn`` of a queue item's ``RedrivePolicy``, if one is readable."""
    attributes = queue.get("Attributes")
    policy = attributes.get("RedrivePolicy") if isinstance(attributes, dict) else None
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return None
    return _text(policy, "deadLetterTargetArn")


# --- building the state -------------------------------------------------------------------------


def _queue(item: _Item) -> QueueSpec:
    raw = item.raw
    texts = {key: attribute_text(value) for key, value in (raw.get("Attributes") or {}).items()}
    attributes = normalize_queue_attributes(texts, fifo=is_fifo(raw), creating=True)
    tags = {key: scalar_text(value) for key, value in (raw.get("tags") or {}).items()}
    return QueueSpec(raw["QueueName"], attributes, tags, item.origin)


def _bus(item: _Item) -> BusSpec:
    raw = item.raw
    tags = tuple((tag["Key"], tag["Value"]) for tag in raw.get("Tags") or [])
    return BusSpec(raw["Name"], raw.get("Description"), tags, item.origin)


def _rule(item: _Item) -> RuleSpec:
    raw = item.raw
    params = {key: value for key, value in raw.items() if key != "Targets"}
    if "EventPattern" in params:
        params["EventPattern"] = pattern_text(params["EventPattern"])
    targets = tuple(_target(target) for target in raw.get("Targets") or [])
    return RuleSpec(raw["Name"], bus_name(raw.get("EventBusName")), params, targets, item.origin)


def _target(raw: dict[str, Any]) -> TargetSpec:
    params = dict(raw)
    if isinstance(params.get("Input"), dict):
        params["Input"] = json.dumps(params["Input"], separators=(",", ":"))
    return TargetSpec(params, _destination_of(params["Arn"]))


def _destination(item: _Item) -> DestinationSpec:
    raw = item.raw
    params = {key: value for key, value in raw.items() if key != "ConnectionArn"}
    return DestinationSpec(raw["Name"], _connection_of(raw["ConnectionArn"]), params, item.origin)


def _connection(item: _Item) -> ConnectionSpec:
    return ConnectionSpec(item.raw["Name"], dict(item.raw), item.origin)
