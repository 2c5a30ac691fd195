"""Message move tasks: StartMessageMoveTask, ListMessageMoveTasks, CancelMessageMoveTask.

A task moves the messages that were visible in a dead-letter queue when it started, either back to
the queues they were dead-lettered from or to ``DestinationArn``, at most
``MaxNumberOfMessagesPerSecond`` a second (API Reference, StartMessageMoveTask). It runs as a chain
of timer callbacks on the loop that owns all state: each step moves what the rate allows for the
time since the last step, then schedules the next. Statuses: RUNNING → COMPLETED, or
CANCELLING → CANCELLED after ``CancelMessageMoveTask``, or FAILED (a queue disappeared).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Protocol

from emulator.core.clock import Clock, millis
from emulator.core.errors import InvalidParameterValue, ResourceNotFound
from emulator.core.ids import IdFactory
from emulator.core.sqs.message import Message
from emulator.core.sqs.queue import Queue
from emulator.core.sqs.timers import TimerHandle, Timers

RUNNING = "RUNNING"
COMPLETED = "COMPLETED"
CANCELLING = "CANCELLING"
CANCELLED = "CANCELLED"
FAILED = "FAILED"

MAX_RATE = 500  # MaxNumberOfMessagesPerSecond (API Reference, StartMessageMoveTask)
STEP_SECONDS = 0.1  # a rate-limited task moves messages ten times a second
UNLIMITED_BATCH = 500  # a task without a rate moves this many per step, steps back to back

MSG_SOURCE_MISSING = "The resource that you specified for the SourceArn parameter doesn't exist."
MSG_DESTINATION_MISSING = (
    "The resource that you specified for the DestinationArn parameter doesn't exist."
)
MSG_DESTINATION_TYPE = "The destination queue must be the same type as the source queue."  # ours
MSG_NOT_A_DLQ = "Source queue must be configured as a Dead Letter Queue."
MSG_ALREADY_RUNNING = (
    "There is already a task running. Only one active task is allowed for a source queue arn at "
    "a given time."
)
MSG_BAD_ARN = (
    "You must use this format to specify the SourceArn: "
    "arn:<partition>:<service>:<region>:<account-id>:<resource-id>"
)
MSG_BAD_HANDLE = "Value for parameter TaskHandle is invalid."
MSG_NO_TASK = "Task does not exist."
MSG_NOT_RUNNING = "Only active tasks can be cancelled."  # ours
MSG_RATE = (
    "Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between "
    "1 and 500."
)
MSG_MAX_RESULTS = (
    "Value {value} for parameter MaxResults is invalid. Reason: Must be between 1 and 10."
)
NO_SOURCE_REASON = "AWS.SimpleQueueService.NonExistentQueue"


class QueueLookup(Protocol):
    """The backend as move tasks see it."""

    def queue_by_arn(self, arn: str) -> Queue | None:
        """The live queue with this ARN, if any."""
        ...

    def is_dead_letter_queue(self, arn: str) -> bool:
        """Whether some queue's ``RedrivePolicy`` names ``arn``."""
        ...


@dataclass(slots=True)
class MoveTask:
    """One task and its progress."""

    task_id: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    started_at: float
    to_move: int
    status: str = RUNNING
    moved: int = 0
    failure_reason: str | None = None
    credit: float = 0.0
    last_step: float = 0.0
    timer: TimerHandle | None = None

    @property
    def handle(self) -> str:
        """The ``TaskHandle``: the task id and source ARN, base64-encoded JSON (as AWS's)."""
        raw = json.dumps({"taskId": self.task_id, "sourceArn": self.source_arn})
        return base64.b64encode(raw.encode()).decode("ascii")

    def describe(self) -> dict[str, Any]:
        """A ``ListMessageMoveTasksResultEntry``."""
        entry: dict[str, Any] = {
            "Status": self.status,
            "SourceArn": self.source_arn,
            "ApproximateNumberOfMessagesMoved": self.moved,
            "ApproximateNumberOfMessagesToMove": self.to_move,
            "StartedTimestamp": millis(self.started_at),
        }
        if self.status == RUNNING:
            entry["TaskHandle"] = self.handle
        if self.destination_arn is not None:
            entry["DestinationArn"] = self.destination_arn
        if self.rate is not None:
            entry["MaxNumberOfMessagesPerSecond"] = self.rate
        if self.failure_reason is not None:
            entry["FailureReason"] = self.failure_reason
        return entry


class MoveTasks:
    """Every move task of the backend."""

    def __init__(self, clock: Clock, timers: Timers, ids: IdFactory, queues: QueueLookup) -> None:
        self.clock = clock
        self.timers = timers
        self.ids = ids
        self.queues = queues
        self.tasks: dict[str, MoveTask] = {}

    def start(self, source_arn: str, destination_arn: str | None, rate: int | None) -> MoveTask:
        """Validate and start a task; it makes its first move on the next loop iteration."""
        source = self._source(source_arn)
        if not self.queues.is_dead_letter_queue(source_arn):
            raise InvalidParameterValue(MSG_NOT_A_DLQ)
        if destination_arn is not None:
            self._check_destination(source, destination_arn)
        if rate is not None and not 1 <= rate <= MAX_RATE:
            raise InvalidParameterValue(MSG_RATE.format(rate=rate))
        if any(t.source_arn == source_arn and t.status in (RUNNING, CANCELLING) for t in self):
            raise InvalidParameterValue(MSG_ALREADY_RUNNING)
        now = self.clock.now()
        task = MoveTask(
            self.ids.uuid(), source_arn, destination_arn, rate, now, source.counts().visible
        )
        task.last_step = now
        self.tasks[task.task_id] = task
        self._schedule(task, now)
        return task

    def recent(self, source_arn: str, max_results: int | None) -> list[MoveTask]:
        """The most recent tasks of a source queue, newest first (default 1, at most 10)."""
        if len(source_arn.split(":")) != 6 or not source_arn.startswith("arn:"):
            raise InvalidParameterValue(MSG_BAD_ARN)
        self._source(source_arn)
        limit = 1 if max_results is None else max_results
        if not 1 <= limit <= 10:
            raise InvalidParameterValue(MSG_MAX_RESULTS.format(value=limit))
        tasks = [t for t in self if t.source_arn == source_arn]
        tasks.sort(key=lambda t: t.started_at, reverse=True)
        return tasks[:limit]

    def cancel(self, handle: str) -> MoveTask:
        """Ask a running task to stop; it is CANCELLED at its next step."""
        task = self.tasks.get(_task_id(handle))
        if task is None:
            raise ResourceNotFound(MSG_NO_TASK)
        if task.status != RUNNING:
            raise InvalidParameterValue(MSG_NOT_RUNNING)
        task.status = CANCELLING
        return task

    def reset(self) -> None:
        """Stop and forget every task."""
        for task in self.tasks.values():
            if task.timer is not None:
                task.timer.cancel()
        self.tasks.clear()

    def __iter__(self) -> Any:
        return iter(list(self.tasks.values()))

    def _source(self, arn: str) -> Queue:
        queue = self.queues.queue_by_arn(arn)
        if queue is None:
            raise ResourceNotFound(MSG_SOURCE_MISSING)
        return queue

    def _check_destination(self, source: Queue, destination_arn: str) -> None:
        destination = self.queues.queue_by_arn(destination_arn)
        if destination is None:
            raise ResourceNotFound(MSG_DESTINATION_MISSING)
        if destination.fifo != source.fifo:
            raise InvalidParameterValue(MSG_DESTINATION_TYPE)

    def _schedule(self, task: MoveTask, when: float) -> None:
        task.timer = self.timers.call_at(when, lambda: self._step(task))

    def _step(self, task: MoveTask) -> None:
        task.timer = None
        if task.status == CANCELLING:
            task.status = CANCELLED
            return
        if task.status != RUNNING:
            return
        source = self.queues.queue_by_arn(task.source_arn)
        if source is None:
            self._fail(task, NO_SOURCE_REASON)
            return
        now = self.clock.now()
        budget = min(self._budget(task, now), task.to_move - task.moved)
        moved = self._move(task, source, source.take_for_move(budget, now), now)
        if task.status != RUNNING:
            return
        if task.moved >= task.to_move or (budget > 0 and moved < budget):
            task.status = COMPLETED
            return
        self._schedule(task, now if task.rate is None else now + STEP_SECONDS)

    def _budget(self, task: MoveTask, now: float) -> int:
        if task.rate is None:
            return UNLIMITED_BATCH
        task.credit += (now - task.last_step) * task.rate
        task.last_step = now
        budget = int(task.credit)
        task.credit -= budget
        return budget

    def _move(self, task: MoveTask, source: Queue, messages: list[Message], now: float) -> int:
        for index, message in enumerate(messages):
            target_arn = task.destination_arn or message.dead_letter_source_arn
            target = self.queues.queue_by_arn(target_arn) if target_arn else None
            if target is None:
                for unmoved in messages[index:]:
                    source.adopt(unmoved, unmoved.dead_letter_source_arn, now)
                self._fail(task, NO_SOURCE_REASON)
                return index
            target.adopt(message, None, now)
            task.moved += 1
        return len(messages)

    def _fail(self, task: MoveTask, reason: str) -> None:
        task.status = FAILED
        task.failure_reason = reason


def _task_id(handle: str) -> str:
    """The task id inside a ``TaskHandle``; ``InvalidParameterValue`` when it is not one."""
    try:
        document = json.loads(base64.b64decode(handle.encode("ascii"), validate=True))
        task_id = document["taskId"]
    except (ValueError, UnicodeError, binascii.Error, KeyError, TypeError):
        raise InvalidParameterValue(MSG_BAD_HANDLE) from None
    if not isinstance(task_id, str):
        raise InvalidParameterValue(MSG_BAD_HANDLE)
    return task_id
