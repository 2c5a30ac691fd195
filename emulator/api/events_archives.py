"""The archive and replay operations of EventBridge, one small handler each.

``archive_operations`` returns raw handlers; :func:`emulator.api.events.events_operations`
puts them behind the model's constraint checks with the other EventBridge operations.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from emulator.api.context import Handler, Params, RequestContext, Result
from emulator.core.events import EventsBackend
from emulator.core.events.archives import Archive, Replay, ReplaySpec
from emulator.core.events.errors import NEXT_TOKEN_INVALID, EventsValidationError

T = TypeVar("T")
DEFAULT_PAGE = 100


def _time(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _present(**fields: Any) -> Result:
    return {k: v for k, v in fields.items() if v is not None}


def _page(items: Sequence[T], p: Params) -> tuple[Sequence[T], str | None]:
    """One page per ``Limit``/``NextToken``, the token being the next offset (as the other
    EventBridge list operations page)."""
    token = p.get("NextToken")
    try:
        start = int(base64.urlsafe_b64decode(token.encode()).decode()) if token else 0
    except (ValueError, binascii.Error):
        raise EventsValidationError(NEXT_TOKEN_INVALID) from None
    end = start + p.get("Limit", DEFAULT_PAGE)
    following = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], following


def _archive_summary(archive: Archive) -> Result:
    return _present(
        ArchiveName=archive.name,
        EventSourceArn=archive.source.arn,
        State=archive.state,
        RetentionDays=archive.retention_days,
        SizeBytes=archive.size_bytes,
        EventCount=len(archive.events),
        CreationTime=_time(archive.created),
    )


def _archive_result(archive: Archive) -> Result:
    return {
        **_archive_summary(archive),
        **_present(
            ArchiveArn=archive.arn,
            Description=archive.description,
            EventPattern=archive.event_pattern,
        ),
    }


def _replay_summary(replay: Replay) -> Result:
    return _present(
        ReplayName=replay.name,
        EventSourceArn=replay.archive_arn,
        State=replay.state,
        StateReason=replay.state_reason,
        EventStartTime=_time(replay.start),
        EventEndTime=_time(replay.end),
        EventLastReplayedTime=_time(replay.last_replayed),
        ReplayStartTime=_time(replay.started),
        ReplayEndTime=_time(replay.ended),
    )


def _replay_result(replay: Replay) -> Result:
    return {
        **_replay_summary(replay),
        **_present(
            ReplayArn=replay.arn, Description=replay.description, Destination=replay.destination
        ),
    }


def archive_operations(backend: EventsBackend) -> dict[str, Handler]:
    """CreateArchive … CancelReplay over ``backend``'s archives."""
    archives = backend.archives

    def scope(ctx: RequestContext) -> tuple[str, str]:
        return ctx.account, ctx.region

    async def create_archive(ctx: RequestContext, p: Params) -> Result:
        archive = archives.create(
            scope(ctx),
            p["ArchiveName"],
            p["EventSourceArn"],
            description=p.get("Description"),
            event_pattern=p.get("EventPattern"),
            retention_days=p.get("RetentionDays", 0),
        )
        return _present(
            ArchiveArn=archive.arn, State=archive.state, CreationTime=_time(archive.created)
        )

    async def describe_archive(ctx: RequestContext, p: Params) -> Result:
        return _archive_result(archives.archive(scope(ctx), p["ArchiveName"]))

    async def list_archives(ctx: RequestContext, p: Params) -> Result:
        found = archives.list_archives(
            scope(ctx), p.get("NamePrefix"), p.get("EventSourceArn"), p.get("State")
        )
        page, token = _page(found, p)
        return {"Archives": [_archive_summary(a) for a in page], **_present(NextToken=token)}

    async def update_archive(ctx: RequestContext, p: Params) -> Result:
        archive = archives.update(
            scope(ctx),
            p["ArchiveName"],
            description=p.get("Description"),
            event_pattern=p.get("EventPattern"),
            retention_days=p.get("RetentionDays"),
        )
        return _present(
            ArchiveArn=archive.arn, State=archive.state, CreationTime=_time(archive.created)
        )

    async def delete_archive(ctx: RequestContext, p: Params) -> Result:
        archives.delete(scope(ctx), p["ArchiveName"])
        return {}

    async def start_replay(ctx: RequestContext, p: Params) -> Result:
        spec = ReplaySpec(
            name=p["ReplayName"],
            archive_arn=p["EventSourceArn"],
            start=_seconds(p["EventStartTime"]),
            end=_seconds(p["EventEndTime"]),
            destination=p["Destination"],
            description=p.get("Description"),
        )
        replay = archives.start_replay(scope(ctx), spec)
        return _present(
            ReplayArn=replay.arn, State=replay.state, ReplayStartTime=_time(replay.started)
        )

    async def describe_replay(ctx: RequestContext, p: Params) -> Result:
        return _replay_result(archives.replay(scope(ctx), p["ReplayName"]))

    async def list_replays(ctx: RequestContext, p: Params) -> Result:
        found = archives.list_replays(
            scope(ctx), p.get("NamePrefix"), p.get("EventSourceArn"), p.get("State")
        )
        page, token = _page(found, p)
        return {"Replays": [_replay_summary(r) for r in page], **_present(NextToken=token)}

    async def cancel_replay(ctx: RequestContext, p: Params) -> Result:
        replay = archives.cancel_replay(scope(ctx), p["ReplayName"])
        return _present(ReplayArn=replay.arn, State=replay.state)

    return {
        "CreateArchive": create_archive,
        "DescribeArchive": describe_archive,
        "ListArchives": list_archives,
        "UpdateArchive": update_archive,
        "DeleteArchive": delete_archive,
        "StartReplay": start_replay,
        "DescribeReplay": describe_replay,
        "ListReplays": list_replays,
        "CancelReplay": cancel_replay,
    }


def _seconds(value: Any) -> float:
    """A request timestamp (epoch seconds, or a datetime) as epoch seconds."""
    return value.timestamp() if isinstance(value, datetime) else float(value)
