"""SQS operations: one small handler per operation, collected in ``sqs_operations``.

Handlers read the JSON-shaped ``params`` the dispatcher built (the same for AWS JSON and the query
protocol), call the backend, and return the output document. Nothing here knows the wire format.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from emulator.api.context import OperationTable, Params, RequestContext, Result
from emulator.core.clock import millis
from emulator.core.errors import DomainError
from emulator.core.sqs.backend import Outgoing, Page, Scope, SqsBackend
from emulator.core.sqs.checksums import md5_of_attributes
from emulator.core.sqs.errors import QueueDoesNotExist
from emulator.core.sqs.message import Message
from emulator.core.sqs.queue import Queue

QUERY_NO_QUEUE = "The specified queue does not exist for this wsdl version."
SYSTEM_ATTRIBUTE_NAMES = frozenset(
    {
        "SenderId",
        "SentTimestamp",
        "ApproximateReceiveCount",
        "ApproximateFirstReceiveTimestamp",
        "SequenceNumber",
        "MessageDeduplicationId",
        "MessageGroupId",
        "AWSTraceHeader",
        "DeadLetterQueueSourceArn",
    }
)


def queue_url(ctx: RequestContext, queue: Queue) -> str:
    """``http://<Host header>/<account>/<name>``."""
    return f"{ctx.base_url}/{queue.account}/{queue.name}"


def parse_queue_url(ctx: RequestContext, url: str) -> tuple[Scope, str]:
    """The (account, region) scope and queue name a URL names.

    Accepts our own URLs and AWS's (``https://sqs.<region>.amazonaws.com/<account>/<name>``,
    ``https://queue.amazonaws.com/<account>/<name>``); the region of an AWS URL wins over the
    request's. A bare queue name is accepted too, as AWS accepts it.
    """
    parts = split_queue_url(url)
    if parts is None:
        raise QueueDoesNotExist()
    region, account, name = parts
    return (account or ctx.account, region or ctx.region), name


@functools.lru_cache(maxsize=4096)
def split_queue_url(url: str) -> tuple[str | None, str | None, str] | None:
    """``(region or None, account or None, name)`` of a queue URL; ``None`` if it is not one.

    Cached: clients send the same few URLs on every call.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not parts.scheme and len(segments) == 1:
        return None, None, segments[0]
    if len(segments) != 2:
        return None
    host = parts.hostname or ""
    region = None
    if host.startswith("sqs.") and host.endswith(".amazonaws.com"):
        region = host.split(".")[1]
    return region, segments[0], segments[1]


class AttributeFilter:
    """``MessageAttributeNames``: ``All`` or ``.*`` for every one, ``prefix.*``, exact names."""

    def __init__(self, names: Sequence[str] | None) -> None:
        names = names or ()
        self.everything = any(name in ("All", ".*") for name in names)
        self.exact = frozenset(n for n in names if not n.endswith(".*"))
        self.prefixes = tuple(n[:-1] for n in names if n.endswith(".*") and n != ".*")
        self.nothing = not names

    def select(self, attributes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The attributes the filter lets through."""
        if self.everything:
            return attributes
        return {
            name: value
            for name, value in attributes.items()
            if name in self.exact or name.startswith(self.prefixes)
        }


def system_names(params: Params) -> frozenset[str]:
    """The system attributes asked for by ``AttributeNames`` and ``MessageSystemAttributeNames``."""
    names = {*params.get("AttributeNames", ()), *params.get("MessageSystemAttributeNames", ())}
    if "All" in names:
        return SYSTEM_ATTRIBUTE_NAMES
    return frozenset(names) & SYSTEM_ATTRIBUTE_NAMES


def system_attributes(message: Message, names: frozenset[str]) -> dict[str, str]:
    """A received message's ``Attributes``: the asked-for system attributes it has."""
    values: dict[str, str] = {}
    if "SenderId" in names:
        values["SenderId"] = message.sender_id
    if "SentTimestamp" in names:
        values["SentTimestamp"] = str(millis(message.sent_at))
    if "ApproximateReceiveCount" in names:
        values["ApproximateReceiveCount"] = str(message.receive_count)
    if "ApproximateFirstReceiveTimestamp" in names:
        first = message.first_received_at or message.sent_at
        values["ApproximateFirstReceiveTimestamp"] = str(millis(first))
    trace = message.system_attributes.get("AWSTraceHeader")
    if trace is not None and "AWSTraceHeader" in names:
        values["AWSTraceHeader"] = str(trace.get("StringValue"))
    optional = (
        ("SequenceNumber", message.sequence_number),
        ("MessageDeduplicationId", message.dedup_id),
        ("MessageGroupId", message.group_id),
        ("DeadLetterQueueSourceArn", message.dead_letter_source_arn),
    )
    for name, value in optional:
        if value is not None and name in names:
            values[name] = value
    return values


def render_message(
    queue: Queue, message: Message, names: frozenset[str], wanted: AttributeFilter
) -> dict[str, Any]:
    """One ``Message`` of a ``ReceiveMessage`` result."""
    out: dict[str, Any] = {
        "MessageId": message.message_id,
        "ReceiptHandle": queue.handle_of(message),
        "MD5OfBody": message.md5_body,
        "Body": message.body,
    }
    if names:
        out["Attributes"] = system_attributes(message, names)
    if message.attributes and not wanted.nothing:
        _add_message_attributes(out, message, wanted)
    return out


def _add_message_attributes(out: dict[str, Any], message: Message, wanted: AttributeFilter) -> None:
    """``MessageAttributes`` and the MD5 of exactly those returned (what SDKs verify)."""
    selected = wanted.select(message.attributes)
    if not selected:
        return
    out["MessageAttributes"] = selected
    if selected is message.attributes:
        out["MD5OfMessageAttributes"] = message.md5_attributes
    else:
        out["MD5OfMessageAttributes"] = md5_of_attributes(selected)


def outgoing(params: Params) -> Outgoing:
    """The message a ``SendMessage`` request or a batch entry describes."""
    return Outgoing(
        params["MessageBody"],
        params.get("DelaySeconds"),
        params.get("MessageAttributes"),
        params.get("MessageSystemAttributes"),
        params.get("MessageGroupId"),
        params.get("MessageDeduplicationId"),
    )


def sent(message: Message) -> Result:
    """What ``SendMessage`` answers."""
    return _sent_fields(
        {"MessageId": message.message_id, "MD5OfMessageBody": message.md5_body}, message
    )


def sent_entry(entry_id: str, message: Message) -> Result:
    """A ``SendMessageBatchResultEntry``: :func:`sent`'s fields after the entry's ``Id``."""
    out: Result = {
        "Id": entry_id,
        "MessageId": message.message_id,
        "MD5OfMessageBody": message.md5_body,
    }
    return _sent_fields(out, message)


def _sent_fields(out: Result, message: Message) -> Result:
    """``out`` with the optional fields of a sent message: attribute MD5s, sequence number."""
    if message.md5_attributes is not None:
        out["MD5OfMessageAttributes"] = message.md5_attributes
    if message.md5_system_attributes is not None:
        out["MD5OfMessageSystemAttributes"] = message.md5_system_attributes
    if message.sequence_number is not None:
        out["SequenceNumber"] = message.sequence_number
    return out


def failure(entry_id: str, error: DomainError) -> Result:
    """A ``BatchResultErrorEntry``."""
    return {
        "Id": entry_id,
        "SenderFault": error.sender_fault,
        "Code": error.code,
        "Message": error.message,
    }


def batch_result(
    results: Iterable[tuple[str, Any]], success: Callable[[str, Any], Result]
) -> Result:
    """``Successful`` and ``Failed`` lists from per-entry outcomes (errors fail)."""
    ok: list[Result] = []
    failed: list[Result] = []
    for entry_id, outcome in results:
        if isinstance(outcome, DomainError):
            failed.append(failure(entry_id, outcome))
        else:
            ok.append(success(entry_id, outcome))
    return {"Successful": ok, "Failed": failed}


class SqsHandlers:
    """The handlers, bound to one backend."""

    def __init__(self, backend: SqsBackend) -> None:
        self.backend = backend

    def queue(self, ctx: RequestContext, url: str) -> Queue:
        """The queue a ``QueueUrl`` names; query clients get the legacy wording when missing."""
        try:
            return self.backend.get_queue(*parse_queue_url(ctx, url))
        except QueueDoesNotExist:
            if ctx.protocol == "query":
                raise QueueDoesNotExist(QUERY_NO_QUEUE) from None
            raise

    def urls(self, ctx: RequestContext, page: Page) -> list[str]:
        """The URLs of a page of queues."""
        return [queue_url(ctx, queue) for queue in page.queues]

    # ------------------------------------------------------------------ queues

    async def create_queue(self, ctx: RequestContext, p: Params) -> Result:
        scope = (ctx.account, ctx.region)
        attributes = p.get("Attributes", {})
        queue = self.backend.create_queue(scope, p["QueueName"], attributes, p.get("tags", {}))
        return {"QueueUrl": queue_url(ctx, queue)}

    async def get_queue_url(self, ctx: RequestContext, p: Params) -> Result:
        account = p.get("QueueOwnerAWSAccountId", ctx.account)
        queue = self.queue(ctx, f"{ctx.base_url}/{account}/{p['QueueName']}")
        return {"QueueUrl": queue_url(ctx, queue)}

    async def list_queues(self, ctx: RequestContext, p: Params) -> Result:
        page = self.backend.list_queues(
            (ctx.account, ctx.region),
            p.get("QueueNamePrefix", ""),
            p.get("MaxResults"),
            p.get("NextToken"),
        )
        out: Result = {"QueueUrls": self.urls(ctx, page)} if page.queues else {}
        if page.next_token:
            out["NextToken"] = page.next_token
        return out

    async def delete_queue(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.delete_queue(self.queue(ctx, p["QueueUrl"]))
        return {}

    async def purge_queue(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.purge_queue(self.queue(ctx, p["QueueUrl"]))
        return {}

    async def get_queue_attributes(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        attributes = self.backend.get_attributes(queue, p.get("AttributeNames", []))
        return {"Attributes": attributes} if attributes else {}

    async def set_queue_attributes(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.set_attributes(self.queue(ctx, p["QueueUrl"]), p.get("Attributes", {}))
        return {}

    async def list_dead_letter_source_queues(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        page = self.backend.dead_letter_sources(queue, p.get("MaxResults"), p.get("NextToken"))
        out: Result = {"queueUrls": self.urls(ctx, page)}
        if page.next_token:
            out["NextToken"] = page.next_token
        return out

    # ------------------------------------------------------------------ tags and permissions

    async def tag_queue(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.tag_queue(self.queue(ctx, p["QueueUrl"]), p["Tags"])
        return {}

    async def untag_queue(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.untag_queue(self.queue(ctx, p["QueueUrl"]), p["TagKeys"])
        return {}

    async def list_queue_tags(self, ctx: RequestContext, p: Params) -> Result:
        tags = self.queue(ctx, p["QueueUrl"]).tags
        return {"Tags": dict(tags)} if tags else {}

    async def add_permission(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        self.backend.add_permission(queue, p["Label"], p["AWSAccountIds"], p["Actions"])
        return {}

    async def remove_permission(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.remove_permission(self.queue(ctx, p["QueueUrl"]), p["Label"])
        return {}

    # ------------------------------------------------------------------ messages

    async def send_message(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        return sent(self.backend.send_message(queue, outgoing(p), ctx.account))

    async def send_message_batch(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        entries = [(entry["Id"], outgoing(entry)) for entry in p["Entries"]]
        results = self.backend.send_batch(queue, entries, ctx.account)
        return batch_result(results, sent_entry)

    async def receive_message(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        messages = await self.backend.receive_messages(
            queue,
            max_messages=p.get("MaxNumberOfMessages"),
            visibility_timeout=p.get("VisibilityTimeout"),
            wait_seconds=p.get("WaitTimeSeconds"),
            attempt_id=p.get("ReceiveRequestAttemptId"),
        )
        if not messages:
            return {}
        names = system_names(p)
        wanted = AttributeFilter(p.get("MessageAttributeNames"))
        return {"Messages": [render_message(queue, m, names, wanted) for m in messages]}

    async def delete_message(self, ctx: RequestContext, p: Params) -> Result:
        self.backend.delete_message(self.queue(ctx, p["QueueUrl"]), p["ReceiptHandle"])
        return {}

    async def delete_message_batch(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        entries = [(entry["Id"], entry["ReceiptHandle"]) for entry in p["Entries"]]
        results = self.backend.delete_batch(queue, entries)
        return batch_result(results, lambda entry_id, _: {"Id": entry_id})

    async def change_message_visibility(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        self.backend.change_visibility(queue, p["ReceiptHandle"], p["VisibilityTimeout"])
        return {}

    async def change_message_visibility_batch(self, ctx: RequestContext, p: Params) -> Result:
        queue = self.queue(ctx, p["QueueUrl"])
        entries = [
            (entry["Id"], entry["ReceiptHandle"], entry.get("VisibilityTimeout", 0))
            for entry in p["Entries"]
        ]
        results = self.backend.change_visibility_batch(queue, entries)
        return batch_result(results, lambda entry_id, _: {"Id": entry_id})

    # ------------------------------------------------------------------ move tasks

    async def start_message_move_task(self, ctx: RequestContext, p: Params) -> Result:
        task = self.backend.start_move_task(
            p["SourceArn"], p.get("DestinationArn"), p.get("MaxNumberOfMessagesPerSecond")
        )
        return {"TaskHandle": task.handle}

    async def list_message_move_tasks(self, ctx: RequestContext, p: Params) -> Result:
        tasks = self.backend.list_move_tasks(p["SourceArn"], p.get("MaxResults"))
        return {"Results": [task.describe() for task in tasks]}

    async def cancel_message_move_task(self, ctx: RequestContext, p: Params) -> Result:
        task = self.backend.cancel_move_task(p["TaskHandle"])
        return {"ApproximateNumberOfMessagesMoved": task.moved}


def sqs_operations(backend: SqsBackend) -> OperationTable:
    """The table of SQS handlers over ``backend``."""
    h = SqsHandlers(backend)
    return {
        "AddPermission": h.add_permission,
        "CancelMessageMoveTask": h.cancel_message_move_task,
        "ChangeMessageVisibility": h.change_message_visibility,
        "ChangeMessageVisibilityBatch": h.change_message_visibility_batch,
        "CreateQueue": h.create_queue,
        "DeleteMessage": h.delete_message,
        "DeleteMessageBatch": h.delete_message_batch,
        "DeleteQueue": h.delete_queue,
        "GetQueueAttributes": h.get_queue_attributes,
        "GetQueueUrl": h.get_queue_url,
        "ListDeadLetterSourceQueues": h.list_dead_letter_source_queues,
        "ListMessageMoveTasks": h.list_message_move_tasks,
        "ListQueueTags": h.list_queue_tags,
        "ListQueues": h.list_queues,
        "PurgeQueue": h.purge_queue,
        "ReceiveMessage": h.receive_message,
        "RemovePermission": h.remove_permission,
        "SendMessage": h.send_message,
        "SendMessageBatch": h.send_message_batch,
        "SetQueueAttributes": h.set_queue_attributes,
        "StartMessageMoveTask": h.start_message_move_task,
        "TagQueue": h.tag_queue,
        "UntagQueue": h.untag_queue,
    }
