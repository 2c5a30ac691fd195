"""Fault decisions: a pure function of (seed, fault, subject, attempt), never a shared stream.

Because no random stream is consumed, the order in which concurrent deliveries ask does not change
which of them are hit: the same seed and the same calls give the same faults however they
interleave. A subject is what a fault is about: an event id with a target, a message id, or the
n-th call of an API operation.
"""

from __future__ import annotations

import hashlib
import random
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from emulator.core.chaos.config import ChaosConfig, Fault

_SCALE = float(1 << 64)
_MEMO_LIMIT = 4096


@dataclass(slots=True)
class Subject:
    """What a decision is about: ``key`` (event id, message id, call number), ``attempt``, and
    the selector values (``bus``, ``rule``, ``target``, ``queue``, ``operation``, ``source``,
    ``detail-type``) that a fault's ``match`` is checked against."""

    key: str
    context: Mapping[str, str | None] = field(default_factory=dict)
    attempt: int = 0


class Chaos:
    """The active configuration and its decisions. Replacing the configuration is atomic."""

    def __init__(self, config: ChaosConfig | None = None, *, fallback_seed: int | None = None):
        self._fallback_seed = (
            fallback_seed if fallback_seed is not None else random.SystemRandom().getrandbits(32)
        )
        self._fired: dict[int, int] = {}
        self._calls: dict[str, int] = {}
        self.config = ChaosConfig()
        self.seed = self._fallback_seed
        self.configure(config or ChaosConfig())

    def configure(self, config: ChaosConfig) -> None:
        """Replace the whole configuration; fire counts and call counters start again."""
        self.config = config
        self.seed = config.seed if config.seed is not None else self._fallback_seed
        self._fired = {}
        self._calls = {}
        self._may_hit: dict[tuple[object, ...], bool] = {}
        self._named: dict[tuple[object, ...], frozenset[str] | None] = {}
        self._by_kind: dict[str, tuple[Fault, ...]] = {}
        for fault in config.faults:
            self._by_kind[fault.kind] = (*self._by_kind.get(fault.kind, ()), fault)

    @property
    def active(self) -> bool:
        """Whether any fault is configured (the fast path skips everything when not)."""
        return bool(self.config.faults)

    def has(self, kind: str) -> bool:
        """Whether any fault of ``kind`` is configured."""
        return kind in self._by_kind

    def named(self, kinds: tuple[str, ...], selector: str) -> frozenset[str] | None:
        """The values that faults of these kinds name for ``selector``; ``None`` when one of
        them has no such selector (it may then hit anything). Memoised per configuration."""
        key = (kinds, selector)
        if key not in self._named:
            values: set[str] = set()
            for kind in kinds:
                for fault in self._by_kind.get(kind, ()):
                    allowed = fault.match.get(selector)
                    if allowed is None:
                        self._named[key] = None
                        return None
                    values.update(allowed)
            self._named[key] = frozenset(values)
        return self._named[key]

    def may_hit(self, kinds: tuple[str, ...], context: Mapping[str, str | None]) -> bool:
        """Whether any fault of these kinds has selectors that hold for ``context``.

        A cheap pre-check (no subject, no hashing) that keeps unmatched chaos nearly free: the
        answer depends only on the configuration and the context, so it is memoised until the
        configuration changes (the memo is bounded; contexts are few in practice).
        """
        key = (kinds, tuple(context.items()))
        known = self._may_hit.get(key)
        if known is not None:
            return known
        by_kind = self._by_kind
        answer = any(f.applies(context) for kind in kinds for f in by_kind.get(kind, ()))
        if len(self._may_hit) >= _MEMO_LIMIT:
            self._may_hit.clear()
        self._may_hit[key] = answer
        return answer

    def next_call(self, operation: str) -> str:
        """A subject key for the next call of ``operation`` (``sqs:SendMessage#7``)."""
        count = self._calls.get(operation, 0) + 1
        self._calls[operation] = count
        return f"{operation}#{count}"

    def decide(
        self,
        kind: str,
        subject: Subject,
        salt: str = "",
        accept: Callable[[Fault], bool] | None = None,
    ) -> Fault | None:
        """The first fault of ``kind`` that matches the subject (and ``accept``, if given) and
        whose roll hits, if any."""
        for fault in self._by_kind.get(kind, ()):
            if not fault.applies(subject.context) or (accept is not None and not accept(fault)):
                continue
            if self.roll(fault, subject, salt) < fault.probability and self._may_fire(fault):
                return fault
        return None

    def roll(self, fault: Fault, subject: Subject, salt: str = "") -> float:
        """A number in [0, 1) determined by the seed, the fault, the subject and the attempt."""
        text = f"{self.seed}|{fault.index}|{fault.kind}|{subject.key}|{subject.attempt}|{salt}"
        digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
        value: int = struct.unpack(">Q", digest)[0]
        return value / _SCALE

    def pick_ms(self, fault: Fault, subject: Subject, bounds: list[int], salt: str) -> int:
        """A whole number of milliseconds within ``bounds``, determined like :meth:`roll`."""
        low, high = bounds
        return low + int(self.roll(fault, subject, salt) * (high - low + 1))

    def _may_fire(self, fault: Fault) -> bool:
        if fault.times is None:
            return True
        fired = self._fired.get(fault.index, 0)
        if fired >= fault.times:
            return False
        self._fired[fault.index] = fired + 1
        return True
