"""Long polling on manual time: waits end when a message can be received, not on a schedule."""

from __future__ import annotations

import asyncio

from emulator.core.sqs.message import Message
from emulator.core.sqs.queue import Queue
from tests.unit.test_sqs_core_support import Harness, harness, run


async def poll(h: Harness, queue: Queue, wait: int = 20) -> asyncio.Task[list[Message]]:
    """Start a long poll and let it reach its wait."""
    task = asyncio.ensure_future(h.backend.receive_messages(queue, wait_seconds=wait))
    await asyncio.sleep(0)
    return task


def test_long_poll_answers_as_soon_as_a_message_is_sent() -> None:
    async def scenario() -> list[str]:
        h = harness()
        q = h.queue()
        task = await poll(h, q)
        assert not task.done()
        h.send(q, "late")
        return [m.body for m in await task]

    assert run(scenario()) == ["late"]


def test_long_poll_answers_empty_at_its_deadline() -> None:
    async def scenario() -> tuple[bool, list[Message]]:
        h = harness()
        q = h.queue()
        task = await poll(h, q, wait=5)
        h.advance(4.9)
        await asyncio.sleep(0)
        early = task.done()
        h.advance(0.1)
        return early, await task

    assert run(scenario()) == (False, [])


def test_long_poll_wakes_when_a_delay_ends() -> None:
    async def scenario() -> list[str]:
        h = harness()
        q = h.queue()
        h.send(q, "delayed", delay=3)
        task = await poll(h, q)
        h.advance(3)
        return [m.body for m in await task]

    assert run(scenario()) == ["delayed"]


def test_long_poll_wakes_when_a_visibility_timeout_ends() -> None:
    async def scenario() -> list[int]:
        h = harness()
        q = h.queue(VisibilityTimeout="2")
        h.send(q)
        h.receive(q)
        task = await poll(h, q)
        h.advance(2)
        return [m.receive_count for m in await task]

    assert run(scenario()) == [2]


def test_long_poll_wakes_when_visibility_is_changed_to_zero() -> None:
    async def scenario() -> int:
        h = harness()
        q = h.queue()
        h.send(q)
        [m] = h.receive(q)
        task = await poll(h, q)
        h.backend.change_visibility(q, q.handle_of(m), 0)
        return len(await task)

    assert run(scenario()) == 1


def test_fifo_long_poll_wakes_when_the_group_is_released() -> None:
    async def scenario() -> list[str]:
        h = harness()
        q = h.queue("q.fifo")
        h.send(q, "a", group_id="g", dedup_id="a")
        h.send(q, "b", group_id="g", dedup_id="b")
        [first] = h.receive(q)
        task = await poll(h, q)
        await asyncio.sleep(0)
        assert not task.done()
        h.backend.delete_message(q, q.handle_of(first))
        return [m.body for m in await task]

    assert run(scenario()) == ["b"]


def test_stop_answers_every_waiting_poll_at_once() -> None:
    async def scenario() -> list[list[Message]]:
        h = harness()
        queues = [h.queue("a"), h.queue("b")]
        tasks = [await poll(h, q) for q in queues]
        await h.backend.stop()
        results = [await task for task in tasks]
        results.append(await h.backend.receive_messages(queues[0], wait_seconds=20))
        return results

    assert run(scenario()) == [[], [], []]


def test_deleting_the_queue_answers_its_polls() -> None:
    async def scenario() -> list[Message]:
        h = harness()
        q = h.queue()
        task = await poll(h, q)
        h.backend.delete_queue(q)
        return await task

    assert run(scenario()) == []


def test_one_message_wakes_one_of_several_pollers() -> None:
    async def scenario() -> list[int]:
        h = harness()
        q = h.queue()
        tasks = [await poll(h, q, wait=5) for _ in range(3)]
        h.send(q)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        done = sum(task.done() for task in tasks)
        h.advance(5)
        sizes = [len(await task) for task in tasks]
        return [done, *sorted(sizes)]

    assert run(scenario()) == [1, 0, 0, 1]


def test_finished_polls_leave_no_waiters_behind() -> None:
    async def scenario() -> int:
        h = harness()
        q = h.queue()
        for _ in range(5):
            task = await poll(h, q, wait=1)
            h.advance(1)
            await task
        return len(q._waiters) + h.timers.pending()

    assert run(scenario()) == 0


async def poll_for(
    h: Harness, queue: Queue, count: int, wait: int = 5
) -> asyncio.Task[list[Message]]:
    """A long poll for up to ``count`` messages, waiting."""
    task = asyncio.ensure_future(
        h.backend.receive_messages(queue, max_messages=count, wait_seconds=wait)
    )
    await asyncio.sleep(0)
    return task


def test_a_burst_wakes_only_the_polls_it_needs() -> None:
    async def scenario() -> tuple[int, int, list[int]]:
        h = harness()
        q = h.queue()
        tasks = [await poll_for(h, q, 10) for _ in range(3)]
        for _ in range(4):
            h.send(q)
        woken = sum(1 for waiter, _ in q._waiters if waiter.done())
        waiting = len(q._waiters)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        h.advance(5)
        return woken, waiting, sorted([len(await task) for task in tasks])

    # Four messages for polls taking ten each: the first poll is woken and takes all four;
    # the other two are not woken to find nothing, and end empty at their deadline.
    assert run(scenario()) == (0, 2, [0, 0, 4])


def test_polls_taking_one_message_each_are_woken_one_per_message() -> None:
    async def scenario() -> list[int]:
        h = harness()
        q = h.queue()
        tasks = [await poll_for(h, q, 1) for _ in range(3)]
        h.send(q)
        h.send(q)
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        done = [task.done() for task in tasks]
        h.advance(5)
        return [sum(done), *sorted([len(await task) for task in tasks])]

    assert run(scenario()) == [2, 0, 1, 1]


def test_a_poll_that_leaves_messages_behind_wakes_the_next() -> None:
    async def scenario() -> list[int]:
        h = harness()
        q = h.queue()
        tasks = [await poll_for(h, q, 2) for _ in range(2)]
        for _ in range(3):
            h.send(q)  # the first poll is woken once; it takes two, then wakes the second
        return [len(await asyncio.wait_for(task, 2)) for task in tasks]

    assert run(scenario()) == [2, 1]


def test_a_woken_poll_cancelled_before_it_runs_passes_the_message_on() -> None:
    async def scenario() -> list[str]:
        h = harness()
        q = h.queue()
        first = await poll_for(h, q, 10)
        second = await poll_for(h, q, 10)
        h.send(q, "m")
        first.cancel()  # woken, but it will never receive
        await asyncio.sleep(0)
        return [m.body for m in await asyncio.wait_for(second, 2)]

    assert run(scenario()) == ["m"]
