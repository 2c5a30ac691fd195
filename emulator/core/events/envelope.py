"""PutEvents entries and the event envelope EventBridge delivers.

The envelope (user guide, "Amazon EventBridge events") is exactly::

    {"version": "0", "id": ..., "detail-type": ..., "source": ..., "account": ...,
     "time": "YYYY-MM-DDTHH:MM:SSZ", "region": ..., "resources": [...], "detail": {...}}

in that order, serialised minified. ``time`` is the entry's ``Time`` if given, else the ingestion
time, in UTC to the second. An event forwarded to another bus keeps its envelope, id included.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson

from emulator.core.events.errors import MALFORMED_DETAIL, REQUIRED_ARGUMENT

Entry = dict[str, Any]
EntryError = tuple[str, str]  # (ErrorCode, ErrorMessage)

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_TIME_BYTES = 14  # an entry's Time counts as 14 bytes
_SIZED = ("Source", "DetailType", "Detail")


def to_json(value: Any) -> str:
    """Minified JSON, as EventBridge sends it to targets (``json`` takes over what orjson
    refuses, such as integers beyond 64 bits)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return _ENCODER.encode(value)


@lru_cache(maxsize=256)
def format_time(seconds: int) -> str:
    """Epoch seconds as ``2024-01-02T03:04:05Z``."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(eq=False, slots=True)
class Event:
    """One accepted event: its envelope and what EventBridge knows about its ingestion."""

    id: str
    payload: dict[str, Any]
    ingested_at: float
    trace_header: str | None = None
    _json: str | None = None

    @property
    def json(self) -> str:
        """The envelope as minified JSON (serialised once, shared by every target)."""
        text = self._json
        if text is None:
            text = self._json = to_json(self.payload)
        return text

    def forwarded(self, now: float) -> Event:
        """The same event (id and envelope) as ingested again by another bus at ``now``."""
        return Event(self.id, self.payload, now, self.trace_header, self._json)


def request_size_ok(entries: Sequence[Entry], limit: int) -> bool:
    """Whether the entries' total size is within ``limit``; UTF-8 is at most 4 bytes a
    character, so only requests near the limit are encoded to count their bytes."""
    chars = 0
    for entry in entries:
        get = entry.get
        chars += (
            _TIME_BYTES
            + len(get("Source") or "")
            + len(get("DetailType") or "")
            + len(get("Detail") or "")
        )
        resources = get("Resources")
        if resources:
            for resource in resources:
                chars += len(resource)
    return chars * 4 <= limit or sum(entry_size(e) for e in entries) <= limit


def entry_size(entry: Entry) -> int:
    """An entry's size as AWS counts it: Time is 14 bytes, the rest their UTF-8 length."""
    size = _TIME_BYTES if "Time" in entry else 0
    for key in _SIZED:
        value = entry.get(key)
        if value:
            size += _utf8_length(value)
    for resource in entry.get("Resources") or ():
        size += _utf8_length(resource)
    return size


def _utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def check_entry(entry: Entry) -> tuple[dict[str, Any] | None, EntryError | None]:
    """The entry's parsed ``Detail``, or the per-entry error AWS reports for it.

    AWS reports a missing ``Source``, ``DetailType`` or ``Detail`` as ``InvalidArgument`` (in that
    order), and a ``Detail`` that is not a JSON object as ``MalformedDetail``.
    """
    get = entry.get
    if not get("Source"):
        return None, _MISSING_SOURCE
    if not get("DetailType"):
        return None, _MISSING_DETAIL_TYPE
    text = get("Detail")
    if not text:
        return None, _MISSING_DETAIL
    try:
        detail = orjson.loads(text)
    except orjson.JSONDecodeError:
        detail = _json_loads(text)
    if not isinstance(detail, dict):
        return None, _MALFORMED
    return detail, None


def _missing(name: str) -> EntryError:
    return "InvalidArgument", REQUIRED_ARGUMENT.format(name=name)


_MISSING_SOURCE = _missing("Source")
_MISSING_DETAIL_TYPE = _missing("DetailType")
_MISSING_DETAIL = _missing("Detail")
_MALFORMED: EntryError = ("MalformedDetail", MALFORMED_DETAIL)


def _json_loads(text: str) -> Any:
    """What orjson refuses but JSON allows (such as an escaped lone surrogate), read by
    ``json``; None if it is not JSON at all."""
    try:
        return json.loads(text)
    except ValueError:
        return None


def make_event(
    entry: Entry,
    detail: dict[str, Any],
    *,
    event_id: str,
    account: str,
    region: str,
    now: float,
    now_text: str | None = None,
) -> Event:
    """The event for a valid entry, put by ``account`` in ``region`` at ``now``.

    ``now_text`` is ``format_time(int(now))`` when the caller has it already (the entries of one
    request share it).
    """
    get = entry.get
    when = get("Time")
    if when is not None:
        time = format_time(int(when))
    else:
        time = now_text if now_text is not None else format_time(int(now))
    resources = get("Resources")
    payload = {
        "version": "0",
        "id": event_id,
        "detail-type": entry["DetailType"],
        "source": entry["Source"],
        "account": account,
        "time": time,
        "region": region,
        "resources": list(resources) if resources else [],
        "detail": detail,
    }
    return Event(event_id, payload, now, get("TraceHeader"))
