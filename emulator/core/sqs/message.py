"""One message in a queue, and the receipt handles that name one of its receives."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from emulator.core.sqs.errors import ReceiptHandleIsInvalid

MessageAttributes = dict[str, dict[str, Any]]

VISIBLE = 0  # can be received now
DELAYED = 1  # sent with a delay that has not passed yet
INFLIGHT = 2  # received, its visibility timeout running
GONE = 3  # deleted, purged, expired or moved to another queue


@dataclass(slots=True, eq=False)
class Message:
    """A stored message: what was sent, plus the queue's bookkeeping of its receives.

    ``seq`` orders messages within their queue and names them in receipt handles. ``due`` is the
    clock time at which a delayed or in-flight message becomes visible. ``receive_count`` is
    ``ApproximateReceiveCount``; a receipt handle is current while the count it carries equals it.
    """

    seq: int
    message_id: str
    body: str
    md5_body: str
    attributes: MessageAttributes
    md5_attributes: str | None
    system_attributes: MessageAttributes
    md5_system_attributes: str | None
    sent_at: float
    sender_id: str
    group_id: str | None = None
    dedup_id: str | None = None
    sequence_number: str | None = None
    dead_letter_source_arn: str | None = None
    state: int = VISIBLE
    due: float = 0.0
    receive_count: int = 0
    first_received_at: float | None = None
    received_at: float = 0.0
    redeliveries: int = 0  # chaos: times a FIFO message comes back after its deletion

    @property
    def alive(self) -> bool:
        """Still in its queue (not deleted, purged, expired or moved)."""
        return self.state != GONE


def make_handle(queue_uid: str, message: Message) -> str:
    """The receipt handle of ``message``'s latest receive: opaque to clients, O(1) to resolve."""
    raw = f"{queue_uid} {message.seq} {message.receive_count}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def parse_handle(queue_uid: str, handle: str) -> tuple[int, int]:
    """``(seq, receive_count)`` of a handle this queue issued, else ``ReceiptHandleIsInvalid``."""
    try:
        uid, seq, count = base64.urlsafe_b64decode(handle.encode("ascii")).decode().split(" ")
        if uid == queue_uid:
            return int(seq), int(count)
    except (ValueError, UnicodeError, binascii.Error):
        pass
    raise ReceiptHandleIsInvalid(handle)
