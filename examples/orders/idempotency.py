"""A Powertools idempotency persistence layer on SQLite, for running outside Lambda.

Powertools for AWS Lambda's idempotency utility stores, per idempotency key, the status and the
result of the first execution; a repeat with the same key returns the stored result instead of
running again. It ships a DynamoDB layer; this one keeps the same records in SQLite.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from aws_lambda_powertools.utilities.idempotency import BasePersistenceLayer
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord

_COLUMNS = "key, status, expiry, in_progress_expiry, response, payload_hash"


class SqlitePersistenceLayer(BasePersistenceLayer):
    """Idempotency records in one SQLite table; ``put`` is atomic (INSERT … primary key)."""

    def __init__(self, path: str = ":memory:") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS idempotency (key TEXT PRIMARY KEY, status TEXT, "
                "expiry INT, in_progress_expiry INT, response TEXT, payload_hash TEXT)"
            )

    def _get_record(self, idempotency_key: str) -> DataRecord:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM idempotency WHERE key = ?", (idempotency_key,)
            ).fetchone()
        if row is None:
            raise IdempotencyItemNotFoundError
        return DataRecord(row[0], row[1], row[2], row[3], row[4] or "", row[5] or "")

    def _put_record(self, data_record: DataRecord) -> None:
        now = int(time.time())
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM idempotency WHERE key = ? AND expiry < ?",
                (data_record.idempotency_key, now),
            )
            try:
                self._db.execute(
                    f"INSERT INTO idempotency ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                    _row(data_record),
                )
            except sqlite3.IntegrityError:
                raise IdempotencyItemAlreadyExistsError from None

    def _update_record(self, data_record: DataRecord) -> None:
        with self._lock, self._db:
            self._db.execute(
                f"REPLACE INTO idempotency ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                _row(data_record),
            )

    def _delete_record(self, data_record: DataRecord) -> None:
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM idempotency WHERE key = ?", (data_record.idempotency_key,)
            )


def _row(record: DataRecord) -> tuple[object, ...]:
    return (
        record.idempotency_key,
        record.status,
        record.expiry_timestamp,
        record.in_progress_expiry_timestamp,
        record.response_data,
        record.payload_hash,
    )
