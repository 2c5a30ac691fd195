"""The side effect that must happen once: charging a customer, recorded in SQLite."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Charge:
    """One charge of an order."""

    order_id: str
    amount_cents: int
    event_id: str


class Payments:
    """A payment ledger; ``charge`` is the non-idempotent operation the consumers protect."""

    def __init__(self, path: str = ":memory:") -> None:
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS charges "
                "(order_id TEXT, amount_cents INT, event_id TEXT)"
            )

    def charge(self, order_id: str, amount_cents: int, event_id: str) -> Charge:
        """Charge the customer (every call charges again: that is the danger)."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO charges VALUES (?, ?, ?)", (order_id, amount_cents, event_id)
            )
        return Charge(order_id, amount_cents, event_id)

    def charges(self, order_id: str | None = None) -> list[Charge]:
        """All charges, or those of one order."""
        query = "SELECT order_id, amount_cents, event_id FROM charges"
        args: tuple[str, ...] = ()
        if order_id is not None:
            query, args = query + " WHERE order_id = ?", (order_id,)
        with self._lock:
            return [Charge(*row) for row in self._db.execute(query, args)]
