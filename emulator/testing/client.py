"""``EventBus``: what a test holds to drive the emulator — clients, chaos, the ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

DELIVERED = "delivery.succeeded"


class EventBus:
    """A handle on one emulator by URL (in-process or a running container)."""

    def __init__(self, url: str, region: str = "us-east-1") -> None:
        self.url = url.rstrip("/")
        self.region = region
        self._http = httpx.Client(base_url=self.url, timeout=30)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` pointed at the emulator, with dummy credentials."""
        import boto3

        options: dict[str, Any] = {
            "endpoint_url": self.url,
            "region_name": self.region,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        options.update(kwargs)
        return boto3.client(service, **options)

    @property
    def sqs(self) -> Any:
        """A boto3 SQS client."""
        return self.client("sqs")

    @property
    def events(self) -> Any:
        """A boto3 EventBridge client."""
        return self.client("events")

    def set_chaos(self, *faults: dict[str, Any], seed: int | None = None) -> dict[str, Any]:
        """Replace the chaos configuration (``PUT /_emulator/chaos``); returns it as applied."""
        reply = self._http.put("/_emulator/chaos", json={"seed": seed, "faults": list(faults)})
        if reply.status_code == 400:
            raise ValueError(reply.json()["error"])
        reply.raise_for_status()
        result: dict[str, Any] = reply.json()
        return result

    @contextmanager
    def chaos(self, *faults: dict[str, Any], seed: int | None = None) -> Iterator[EventBus]:
        """Faults for the ``with`` block; cleared when it ends."""
        self.set_chaos(*faults, seed=seed)
        try:
            yield self
        finally:
            self.clear_chaos()

    def clear_chaos(self) -> None:
        """No faults (``DELETE /_emulator/chaos``)."""
        self._http.delete("/_emulator/chaos").raise_for_status()

    def ledger(self, **filters: Any) -> list[dict[str, Any]]:
        """Ledger records matching ``kind``, ``event_id``, ``message_id``, ``queue``, ``target``,
        ``rule`` or ``since``."""
        params = {k: v for k, v in filters.items() if v is not None}
        records: list[dict[str, Any]] = self._http.get("/_emulator/ledger", params=params).json()[
            "records"
        ]
        return records

    def summary(self) -> dict[str, int]:
        """Ledger counts per kind."""
        counts: dict[str, int] = self._http.get("/_emulator/ledger/summary").json()["counts"]
        return counts

    def deliveries(self, event_id: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Successful deliveries of events to targets (duplicates included)."""
        return self.ledger(kind=DELIVERED, event_id=event_id, **filters)

    def reset(self) -> None:
        """Clear all state, chaos and the ledger (back to the rules files' state)."""
        self._http.post("/_emulator/reset").raise_for_status()

    def close(self) -> None:
        """Close the admin HTTP client."""
        self._http.close()
