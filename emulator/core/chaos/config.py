"""The chaos configuration: parsed and validated whole before anything of it is applied.

The format is DESIGN.md's ``chaos:`` section (also the body of ``PUT /_emulator/chaos``)::

    seed: 42
    faults:
      - name: dup-orders
        match: {queue: orders}
        duplicate: {probability: 0.3, copies: 1, spread_ms: [0, 500]}

Every error names the field (``faults[1].delay.ms``) so that a user can fix the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from emulator.core.errors import DomainError

SELECTORS = ("bus", "rule", "target", "queue", "operation", "source", "detail-type")
KINDS = ("duplicate", "delay", "fail", "drop", "error", "lost_ack", "partial_batch")
DELIVERY_KINDS = frozenset({"duplicate", "delay", "fail", "drop"})
API_KINDS = frozenset({"error", "lost_ack", "partial_batch"})
BATCH_OPERATIONS = frozenset(
    {
        "events:PutEvents",
        "sqs:SendMessageBatch",
        "sqs:DeleteMessageBatch",
        "sqs:ChangeMessageVisibilityBatch",
    }
)
_COMMON_KEYS = frozenset({"probability", "times"})
_KIND_KEYS: dict[str, frozenset[str]] = {
    "duplicate": _COMMON_KEYS | {"copies", "spread_ms"},
    "delay": _COMMON_KEYS | {"ms"},
    "fail": _COMMON_KEYS,
    "drop": _COMMON_KEYS,
    "error": _COMMON_KEYS | {"code", "status", "message"},
    "lost_ack": _COMMON_KEYS,
    "partial_batch": _COMMON_KEYS,
}


class InvalidChaosConfig(DomainError):
    """A chaos configuration that cannot be applied; ``field`` names where it is wrong."""

    code = "InvalidChaosConfig"

    def __init__(self, field_path: str, reason: str) -> None:
        super().__init__(f"{field_path}: {reason}")
        self.field = field_path
        self.reason = reason


@dataclass(frozen=True)
class Fault:
    """One fault: what it hits (``match``), what it does (``kind`` with ``params``), how often.

    ``times`` (optional, our extension) caps how often the fault fires in all: ``lost_ack`` with
    ``times: 1`` loses exactly one acknowledgement, so the SDK's retry then succeeds.
    """

    index: int
    name: str
    kind: str
    probability: float
    match: Mapping[str, tuple[str, ...]]
    params: Mapping[str, Any] = field(default_factory=dict)
    times: int | None = None

    def applies(self, context: Mapping[str, str | None]) -> bool:
        """Whether every selector of the fault holds for ``context`` (none: everything)."""
        for key, allowed in self.match.items():  # noqa: SIM110  (a loop beats all() + genexpr here)
            if context.get(key) not in allowed:
                return False
        return True

    @property
    def label(self) -> str:
        """The fault's name, or ``<kind>#<index>`` when it has none."""
        return self.name or f"{self.kind}#{self.index}"


@dataclass(frozen=True)
class ChaosConfig:
    """A validated configuration. ``seed`` None means a seed drawn once at start."""

    seed: int | None = None
    faults: tuple[Fault, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The configuration in its input form (as ``GET /_emulator/chaos`` returns it)."""
        return {"seed": self.seed, "faults": [_fault_json(f) for f in self.faults]}


def _fault_json(fault: Fault) -> dict[str, Any]:
    body: dict[str, Any] = {"probability": fault.probability, **fault.params}
    if fault.times is not None:
        body["times"] = fault.times
    out: dict[str, Any] = {}
    if fault.name:
        out["name"] = fault.name
    if fault.match:
        out["match"] = {k: v[0] if len(v) == 1 else list(v) for k, v in fault.match.items()}
    out[fault.kind] = body
    return out


def parse_chaos(raw: Any, where: str = "chaos") -> ChaosConfig:
    """Validate a chaos document; raises :class:`InvalidChaosConfig` naming the field."""
    if raw is None:
        return ChaosConfig()
    _require(isinstance(raw, dict), where, "must be a mapping with 'seed' and 'faults'")
    _unknown_keys(raw, {"seed", "faults"}, where)
    seed = raw.get("seed")
    _require(seed is None or _is_int(seed), f"{where}.seed", "must be an integer")
    faults_raw = raw.get("faults")
    faults_raw = [] if faults_raw is None else faults_raw
    _require(isinstance(faults_raw, list), f"{where}.faults", "must be a list")
    faults = tuple(_parse_fault(i, f, f"{where}.faults[{i}]") for i, f in enumerate(faults_raw))
    return ChaosConfig(seed=seed, faults=faults)


def _parse_fault(index: int, raw: Any, where: str) -> Fault:
    _require(isinstance(raw, dict), where, "must be a mapping")
    kinds = [k for k in KINDS if k in raw]
    _require(len(kinds) == 1, where, f"must have exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    _unknown_keys(raw, {"name", "match", kind}, where)
    name = raw.get("name", "")
    _require(isinstance(name, str), f"{where}.name", "must be a string")
    match = _parse_match(raw.get("match"), f"{where}.match")
    body = raw[kind] if raw[kind] is not None else {}
    _require(isinstance(body, dict), f"{where}.{kind}", "must be a mapping")
    _unknown_keys(body, _KIND_KEYS[kind], f"{where}.{kind}")
    probability = _probability(body.get("probability", 1.0), f"{where}.{kind}.probability")
    params = _PARAMS[kind](body, f"{where}.{kind}")
    times = body.get("times")
    _require(
        times is None or (_is_int(times) and times >= 1),
        f"{where}.{kind}.times",
        "must be a whole number of at least 1",
    )
    _check_scope(kind, match, where)
    return Fault(index, name, kind, probability, match, params, times)


def _parse_match(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    _require(isinstance(raw, dict), where, "must be a mapping of selectors")
    _unknown_keys(raw, set(SELECTORS), where)
    out: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        ok = bool(values) and all(isinstance(v, str) and v for v in values)
        _require(ok, f"{where}.{key}", "must be a non-empty string or a list of them")
        out[key] = tuple(values)
    return out


def _check_scope(kind: str, match: Mapping[str, tuple[str, ...]], where: str) -> None:
    operations = match.get("operation", ())
    for op in operations:
        service, _, name = op.partition(":")
        _require(
            service in ("sqs", "events") and bool(name),
            f"{where}.match.operation",
            f"'{op}' is not of the form sqs:<Operation> or events:<Operation>",
        )
    if kind == "partial_batch" and operations:
        bad = [op for op in operations if op not in BATCH_OPERATIONS]
        _require(
            not bad,
            f"{where}.match.operation",
            f"partial_batch applies only to {', '.join(sorted(BATCH_OPERATIONS))}",
        )


def _no_params(body: Mapping[str, Any], where: str) -> dict[str, Any]:
    return {}


def _duplicate_params(body: Mapping[str, Any], where: str) -> dict[str, Any]:
    copies = body.get("copies", 1)
    _require(_is_int(copies) and 1 <= copies <= 10, f"{where}.copies", "must be 1 to 10")
    spread = _range_ms(body.get("spread_ms", [0, 0]), f"{where}.spread_ms")
    return {"copies": copies, "spread_ms": list(spread)}


def _delay_params(body: Mapping[str, Any], where: str) -> dict[str, Any]:
    _require("ms" in body, f"{where}.ms", "is required (a number or [min, max])")
    return {"ms": list(_range_ms(body["ms"], f"{where}.ms"))}


def _error_params(body: Mapping[str, Any], where: str) -> dict[str, Any]:
    code = body.get("code", "ThrottlingException")
    _require(isinstance(code, str) and bool(code), f"{where}.code", "must be an error code")
    status = body.get("status")
    _require(
        status is None or (_is_int(status) and 400 <= status <= 599),
        f"{where}.status",
        "must be an HTTP status from 400 to 599",
    )
    message = body.get("message")
    _require(message is None or isinstance(message, str), f"{where}.message", "must be a string")
    out: dict[str, Any] = {"code": code}
    if status is not None:
        out["status"] = status
    if message is not None:
        out["message"] = message
    return out


_PARAMS = {
    "duplicate": _duplicate_params,
    "delay": _delay_params,
    "fail": _no_params,
    "drop": _no_params,
    "error": _error_params,
    "lost_ack": _no_params,
    "partial_batch": _no_params,
}


def _range_ms(raw: Any, where: str) -> tuple[int, int]:
    if _is_number(raw):
        raw = [raw, raw]
    ok = isinstance(raw, list) and len(raw) == 2 and all(_is_number(v) for v in raw)
    _require(ok, where, "must be milliseconds: a number or [min, max]")
    low, high = int(raw[0]), int(raw[1])
    _require(0 <= low <= high <= 900_000, where, "must satisfy 0 <= min <= max <= 900000")
    return low, high


def _probability(raw: Any, where: str) -> float:
    _require(_is_number(raw) and 0.0 <= float(raw) <= 1.0, where, "must be a number from 0 to 1")
    return float(raw)


def _unknown_keys(raw: Mapping[str, Any], allowed: set[str] | frozenset[str], where: str) -> None:
    for key in raw:
        _require(key in allowed, f"{where}.{key}", "is not a known field")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _require(condition: bool, where: str, reason: str) -> None:
    if not condition:
        raise InvalidChaosConfig(where, reason)
