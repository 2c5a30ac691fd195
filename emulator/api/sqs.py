"""SQS operations: one small handler per operation, collected in ``sqs_operations``."""

from __future__ import annotations

from urllib.parse import urlsplit

from emulator.api.context import OperationTable, Params, RequestContext, Result
from emulator.core.sqs.backend import Queue, Scope, SqsBackend
from emulator.core.sqs.errors import QueueDoesNotExist


def queue_url(ctx: RequestContext, queue: Queue) -> str:
    """``http://<Host header>/<account>/<name>``."""
    return f"{ctx.base_url}/{queue.account}/{queue.name}"


def parse_queue_url(ctx: RequestContext, url: str) -> tuple[Scope, str]:
    """The (account, region) scope and queue name a URL names.

    Accepts our own URLs and AWS's (``https://sqs.<region>.amazonaws.com/<account>/<name>``,
    ``https://queue.amazonaws.com/<account>/<name>``); the region of an AWS URL wins over the
    request's. A bare queue name is accepted too, as AWS accepts it.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not parts.scheme and len(segments) == 1:
        return (ctx.account, ctx.region), segments[0]
    if len(segments) != 2:
        raise QueueDoesNotExist()
    region = ctx.region
    host = parts.hostname or ""
    if host.startswith("sqs.") and host.endswith(".amazonaws.com"):
        region = host.split(".")[1]
    return (segments[0], region), segments[1]


def sqs_operations(backend: SqsBackend) -> OperationTable:
    """The table of SQS handlers over ``backend``."""

    def scope(ctx: RequestContext) -> Scope:
        return (ctx.account, ctx.region)

    async def create_queue(ctx: RequestContext, p: Params) -> Result:
        queue = backend.create_queue(
            scope(ctx), p["QueueName"], p.get("Attributes", {}), p.get("tags", {})
        )
        return {"QueueUrl": queue_url(ctx, queue)}

    async def get_queue_url(ctx: RequestContext, p: Params) -> Result:
        account = p.get("QueueOwnerAWSAccountId", ctx.account)
        queue = backend.get_queue((account, ctx.region), p["QueueName"])
        return {"QueueUrl": queue_url(ctx, queue)}

    async def list_queues(ctx: RequestContext, p: Params) -> Result:
        queues = backend.list_queues(scope(ctx), p.get("QueueNamePrefix", ""))
        return {"QueueUrls": [queue_url(ctx, q) for q in queues]} if queues else {}

    async def delete_queue(ctx: RequestContext, p: Params) -> Result:
        backend.delete_queue(*parse_queue_url(ctx, p["QueueUrl"]))
        return {}

    return {
        "CreateQueue": create_queue,
        "GetQueueUrl": get_queue_url,
        "ListQueues": list_queues,
        "DeleteQueue": delete_queue,
    }
