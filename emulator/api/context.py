"""What a handler knows about the request it serves, independent of the wire format."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Params = dict[str, Any]
Result = dict[str, Any]


@dataclass(slots=True)
class RequestContext:
    """One AWS call: who (account), where (region), how it is addressed (host, path), which call.

    ``host`` is the request's ``Host`` header: SQS queue URLs are built from it, so a client that
    reached us as ``localhost:4566`` gets URLs it can call back. ``path`` is the URL path, which the
    query protocol may use to name the queue.
    """

    service: str
    operation: str
    account: str
    region: str
    host: str
    request_id: str
    protocol: str
    path: str = "/"

    @property
    def base_url(self) -> str:
        """``http://<host>``: the root of queue URLs handed out in this request."""
        return f"http://{self.host}"


Handler = Callable[[RequestContext, Params], Awaitable[Result]]
OperationTable = dict[str, Handler]
