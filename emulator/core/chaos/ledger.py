"""The ledger: every accepted event, match, delivery attempt, retry, DLQ hop, drop, duplicate,
delay, message enqueue/receive/delete and injected API fault, in order.

Bounded in memory (oldest records fall off; ``seq`` keeps counting so a reader can tell), and
optionally appended to a JSONL file as it is written.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from emulator.core.clock import Clock

FILTERS = ("kind", "event_id", "message_id", "queue", "target", "rule", "bus", "fault")


@dataclass(frozen=True, slots=True)
class LedgerRecord:
    """One thing that happened. ``time`` is epoch seconds on the emulator's clock."""

    seq: int
    time: float
    kind: str
    fault: str | None = None
    bus: str | None = None
    rule: str | None = None
    target: str | None = None
    queue: str | None = None
    event_id: str | None = None
    message_id: str | None = None
    attempt: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON object."""
        return asdict(self)


Build = Callable[..., dict[str, Any]]
# (seq, time, kind, fields, None), or (seq, time, kind, build, args) for a record whose fields
# ``build(*args)`` makes when it is read.
Raw = tuple[int, float, str, Any, tuple[Any, ...] | None]


class Ledger:
    """An append-only, bounded log of records.

    Writing is on the hot path of every message and delivery, so a record is kept as a plain
    tuple ``(seq, time, kind, fields, None)`` and only made a :class:`LedgerRecord` when read.
    The hottest writers go further with :meth:`record_lazy`: they keep the values and a function
    that makes the fields of them, so that no dictionary is built for records nobody reads.
    """

    def __init__(self, clock: Clock, capacity: int = 100_000, path: str | None = None) -> None:
        self.clock = clock
        self._raw: deque[Raw] = deque(maxlen=capacity)
        self.seq = 0
        self._file: TextIO | None = Path(path).open("a") if path else None  # noqa: SIM115

    def record(self, kind: str, **fields: Any) -> None:
        """Append a record of ``kind`` with the given fields."""
        self._append((self.seq + 1, self.clock.now(), kind, fields, None))

    def record_lazy(self, kind: str, build: Build, *args: Any) -> None:
        """Append a record of ``kind`` whose fields are ``build(*args)``, made when read.

        ``args`` must be values that do not change later (strings, numbers, None): they are
        kept instead of the fields. Keep them small too: the ledger holds many records.
        """
        self._append((self.seq + 1, self.clock.now(), kind, build, args))

    def _append(self, raw: Raw) -> None:
        self.seq = raw[0]
        self._raw.append(raw)
        if self._file is not None:
            self._file.write(json.dumps(_materialise(raw).to_json(), default=str) + "\n")
            self._file.flush()

    @property
    def records(self) -> list[LedgerRecord]:
        """Every record still held, oldest first."""
        return [_materialise(raw) for raw in self._raw]

    def query(self, since: int = 0, **filters: str | None) -> list[LedgerRecord]:
        """Records after ``seq`` ``since`` whose fields equal every given filter."""
        wanted = {k: v for k, v in filters.items() if v is not None}
        return [
            record
            for record in (_materialise(raw) for raw in self._raw if raw[0] > since)
            if _matches(record, wanted)
        ]

    def summary(self, records: Iterable[LedgerRecord] | None = None) -> dict[str, int]:
        """Counts per kind."""
        if records is None:
            return dict(Counter(raw[2] for raw in self._raw))
        return dict(Counter(r.kind for r in records))

    def clear(self) -> None:
        """Forget every record (``seq`` starts again)."""
        self._raw.clear()
        self.seq = 0

    def close(self) -> None:
        """Close the JSONL file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _materialise(raw: Raw) -> LedgerRecord:
    seq, time, kind, fields, args = raw
    if args is not None:
        fields = fields(*args)
    return LedgerRecord(seq, time, kind, **fields)


def _matches(record: LedgerRecord, wanted: Mapping[str, str]) -> bool:
    return all(str(getattr(record, key)) == value for key, value in wanted.items())
