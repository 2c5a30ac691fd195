"""The ledger: every accepted event, match, delivery attempt, retry, DLQ hop, drop, duplicate,
delay, message enqueue/receive/delete and injected API fault, in order.

Bounded in memory (oldest records fall off; ``seq`` keeps counting so a reader can tell), and
optionally appended to a JSONL file as it is written.
"""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Iterable, Mapping
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


class Ledger:
    """An append-only, bounded log of records."""

    def __init__(self, clock: Clock, capacity: int = 100_000, path: str | None = None) -> None:
        self.clock = clock
        self.records: deque[LedgerRecord] = deque(maxlen=capacity)
        self.seq = 0
        self._file: TextIO | None = Path(path).open("a") if path else None  # noqa: SIM115

    def record(self, kind: str, **fields: Any) -> LedgerRecord:
        """Append a record of ``kind`` with the given fields."""
        self.seq += 1
        entry = LedgerRecord(self.seq, self.clock.now(), kind, **fields)
        self.records.append(entry)
        if self._file is not None:
            self._file.write(json.dumps(entry.to_json(), default=str) + "\n")
            self._file.flush()
        return entry

    def query(self, since: int = 0, **filters: str | None) -> list[LedgerRecord]:
        """Records after ``seq`` ``since`` whose fields equal every given filter."""
        wanted = {k: v for k, v in filters.items() if v is not None}
        return [r for r in self.records if r.seq > since and _matches(r, wanted)]

    def summary(self, records: Iterable[LedgerRecord] | None = None) -> dict[str, int]:
        """Counts per kind."""
        return dict(Counter(r.kind for r in (self.records if records is None else records)))

    def clear(self) -> None:
        """Forget every record (``seq`` starts again)."""
        self.records.clear()
        self.seq = 0

    def close(self) -> None:
        """Close the JSONL file, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _matches(record: LedgerRecord, wanted: Mapping[str, str]) -> bool:
    return all(str(getattr(record, key)) == value for key, value in wanted.items())
