"""A bus's rule index: which rules match an event, at a cost nearly flat in the rule count.

Every sub-rule of every rule is filed under one *anchor*: a field that can only be satisfied by
one of a few exact values (filed under each value's key) or, failing that, by strings starting
with one of a few prefixes (filed under each prefix). Routing an event reads the event's values
at the anchor paths only, collects the sub-rules filed under them, and runs just those
(plus the few sub-rules with no anchor, kept in a fallback list). The anchor chosen for a new
sub-rule is the one expected to bring the fewest candidates per event given the rules filed so
far (:meth:`RuleIndex._cost`), so that rules sharing a ``source`` but differing in a ``detail``
field spread out. Adding or removing a rule touches only its own buckets.

Matched rules come back in the order they were added (re-adding a rule moves it to the end).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from emulator.core.patterns.access import (
    COMPLEX,
    MISSING,
    FastGetter,
    Getter,
    leaves_by_path,
    scalars_of,
    value_key,
)
from emulator.core.patterns.compiler import (
    CompiledField,
    CompiledPattern,
    CompiledSubRule,
    Event,
    Plan,
    compile_pattern,
    run_plan,
    shared_fast_getter,
    shared_getter,
)

K = TypeVar("K", bound=Hashable)
# Past this many anchor paths, reading the whole event once is cheaper than one getter per path.
MANY_PATHS = 48
# Envelope fields most rules of a bus share: at equal cost, an anchor elsewhere is preferred,
# since the first rules filed have no statistics to tell (every new path costs the same).
SHARED_FIELDS = frozenset({"source", "detail-type", "account", "region", "version"})
SubKey = tuple[Any, int]  # (rule id, sub-rule number)


Test = Plan  # what the index runs per candidate: run_plan(plan, event)


@dataclass(slots=True)
class _PathBuckets:
    """Everything filed under one path: exact-value buckets and prefix buckets.

    ``exact`` holds each sub-rule's full test; ``exact_rest`` the same sub-rules' tests without
    this path, used when the event's value here is one plain value (then this path is already
    satisfied by the key lookup, see :meth:`CompiledSubRule.plan_without`).
    """

    get: Getter
    fast_get: FastGetter
    exact: dict[Any, dict[SubKey, Test]] = field(default_factory=dict)
    exact_rest: dict[Any, dict[SubKey, Test]] = field(default_factory=dict)
    prefix: dict[str, dict[SubKey, Test]] = field(default_factory=dict)
    prefix_lengths: Counter[int] = field(default_factory=Counter)
    lengths: tuple[int, ...] = ()

    def empty(self) -> bool:
        return not self.exact and not self.prefix


@dataclass(frozen=True, slots=True)
class _Placement:
    path: str | None  # None: the fallback list
    kind: str  # "exact", "prefix" or "fallback"
    keys: tuple[Any, ...]


@dataclass(slots=True)
class _Entry:
    seq: int
    compiled: CompiledPattern
    placements: list[_Placement]


class RuleIndex(Generic[K]):
    """Rules of one bus, compiled once, indexed for routing (see the module docstring).

    ``build``/``matching`` are the benchmark protocol of ``shared/bench/matchbench.py``.
    """

    def __init__(self) -> None:
        self._entries: dict[K, _Entry] = {}
        self._paths: dict[str, _PathBuckets] = {}
        self._fallback: dict[SubKey, Test] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._entries

    def add(self, rule_id: K, compiled: CompiledPattern) -> None:
        """File a compiled rule under ``rule_id``, replacing any rule of that id."""
        if rule_id in self._entries:
            self.remove(rule_id)
        self._seq += 1
        placements = [self._place((rule_id, n), sub) for n, sub in enumerate(compiled.subrules)]
        self._entries[rule_id] = _Entry(self._seq, compiled, placements)

    def remove(self, rule_id: K) -> bool:
        """Forget a rule; returns whether it was there."""
        entry = self._entries.pop(rule_id, None)
        if entry is None:
            return False
        for n, placement in enumerate(entry.placements):
            self._unplace((rule_id, n), placement)
        return True

    def match(self, event: Event) -> list[K]:
        """Ids of the rules the event matches, in the order the rules were added."""
        matched: set[Any] = set()
        for key, plan in self._candidates(event).items():
            if key[0] not in matched and run_plan(plan, event):
                matched.add(key[0])
        if len(matched) < 2:
            return list(matched)
        entries = self._entries
        return sorted(matched, key=lambda rule_id: entries[rule_id].seq)

    # ------------------------------------------------------------------ matchbench protocol

    @staticmethod
    def build(patterns: Iterable[str]) -> RuleIndex[int]:
        """An index of pattern texts, ids 0, 1, 2, ... in order."""
        index: RuleIndex[int] = RuleIndex()
        for n, text in enumerate(patterns):
            index.add(n, compile_pattern(text))
        return index

    @staticmethod
    def matching(index: RuleIndex[Any], event: Event) -> list[Any]:
        """The rules of ``index`` that ``event`` matches."""
        return index.match(event)

    # ------------------------------------------------------------------ internals

    def _candidates(self, event: Event) -> dict[SubKey, Test]:
        """The tests to run: sub-rules filed under the event's values, and the fallback list."""
        found: dict[SubKey, Test] = dict(self._fallback) if self._fallback else {}
        if len(self._paths) > MANY_PATHS:
            return self._candidates_by_leaves(event, found)
        for buckets in self._paths.values():
            value = buckets.fast_get(event)
            if value is MISSING:
                continue
            if value is COMPLEX or (value.__class__ is list and not scalars_of(value)):
                for leaf, _ in buckets.get(event):
                    _collect(buckets, buckets.exact, leaf, found)
            elif value.__class__ is list:
                for leaf in value:
                    _collect(buckets, buckets.exact, leaf, found)
            else:
                _collect(buckets, buckets.exact_rest, value, found)
        return found

    def _candidates_by_leaves(self, event: Event, found: dict[SubKey, Test]) -> dict[SubKey, Test]:
        """As :meth:`_candidates`, walking the event's leaves instead of the anchor paths.

        A path's only leaf, outside any array, proves an exact anchor like the fast getter's
        plain value does; anything else runs the full test.
        """
        paths = self._paths
        for path, leaves in leaves_by_path(event).items():
            buckets = paths.get(path)
            if buckets is None:
                continue
            if len(leaves) == 1 and not leaves[0][1]:
                _collect(buckets, buckets.exact_rest, leaves[0][0], found)
                continue
            for value, _ in leaves:
                _collect(buckets, buckets.exact, value, found)
        return found

    def _place(self, key: SubKey, sub: CompiledSubRule) -> _Placement:
        placement = self._best_anchor(sub.fields)
        if placement is None or placement.path is None:
            self._fallback[key] = sub.plan()
            return _Placement(None, "fallback", ())
        buckets = self._buckets(placement.path)
        if placement.kind == "exact":
            rest, full = sub.plan_without(placement.path), sub.plan()
            for k in placement.keys:
                buckets.exact.setdefault(k, {})[key] = full
                buckets.exact_rest.setdefault(k, {})[key] = rest
            return placement
        for k in placement.keys:
            bucket = buckets.prefix.setdefault(k, {})
            bucket[key] = sub.plan()
            if len(bucket) == 1:
                buckets.prefix_lengths[len(k)] += 1
        buckets.lengths = tuple(sorted(buckets.prefix_lengths))
        return placement

    def _unplace(self, key: SubKey, placement: _Placement) -> None:
        if placement.path is None:
            self._fallback.pop(key, None)
            return
        buckets = self._paths[placement.path]
        tables = (
            (buckets.exact, buckets.exact_rest) if placement.kind == "exact" else (buckets.prefix,)
        )
        for table in tables:
            self._unfile(buckets, table, key, placement)
        buckets.lengths = tuple(sorted(buckets.prefix_lengths))
        if buckets.empty():
            del self._paths[placement.path]

    def _unfile(
        self,
        buckets: _PathBuckets,
        table: dict[Any, dict[SubKey, Test]],
        key: SubKey,
        placement: _Placement,
    ) -> None:
        for k in placement.keys:
            bucket = table[k]
            bucket.pop(key, None)
            if not bucket:
                del table[k]
                if placement.kind == "prefix":
                    buckets.prefix_lengths[len(k)] -= 1
                    if not buckets.prefix_lengths[len(k)]:
                        del buckets.prefix_lengths[len(k)]

    def _buckets(self, path: str) -> _PathBuckets:
        buckets = self._paths.get(path)
        if buckets is None:
            buckets = _PathBuckets(shared_getter(path), shared_fast_getter(path))
            self._paths[path] = buckets
        return buckets

    def _best_anchor(self, fields: tuple[CompiledField, ...]) -> _Placement | None:
        """The anchor expected to bring the fewest candidates per event (exact before prefix)."""
        best: tuple[tuple[float, bool, bool, int, str], _Placement] | None = None
        for f in fields:
            for kind, keys in (("exact", f.exact_keys), ("prefix", f.prefixes)):
                if not keys or (kind == "prefix" and "" in keys):
                    continue
                ordered = tuple(sorted(keys, key=repr))
                cost = self._cost(f.path, kind, ordered)
                rank = (cost, f.path in SHARED_FIELDS, kind != "exact", len(keys), f.path)
                if best is None or rank < best[0]:
                    best = (rank, _Placement(f.path, kind, ordered))
        return None if best is None else best[1]

    def _cost(self, path: str, kind: str, keys: tuple[Any, ...]) -> float:
        """Sub-rules an event would pull from these buckets, if it were filed there.

        Each key is assumed as likely as any other value seen at the path, so a key shared by
        many sub-rules on a path with few distinct values (``detail-type``) costs much more
        than a fresh key on a path with many (``detail.orderId``).
        """
        buckets = self._paths.get(path)
        if buckets is None:
            return float(len(keys))
        table = buckets.exact if kind == "exact" else buckets.prefix
        return sum(len(table.get(k, ())) + 1 for k in keys) / (len(table) + 1)


def _collect(
    buckets: _PathBuckets,
    exact: dict[Any, dict[SubKey, Test]],
    value: Any,
    found: dict[SubKey, Test],
) -> None:
    """Add the tests filed under this event value (its exact key, its prefixes)."""
    if exact:
        hit = exact.get(value_key(value))
        if hit:
            found.update(hit)
    if buckets.lengths and isinstance(value, str):
        prefix = buckets.prefix
        for n in buckets.lengths:
            if n > len(value):
                break
            hit = prefix.get(value[:n])
            if hit:
                found.update(hit)
