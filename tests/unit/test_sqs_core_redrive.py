"""Dead-letter queues and message move tasks on a manual clock."""

from __future__ import annotations

import json

import pytest

from emulator.core.errors import InvalidParameterValue, ResourceNotFound
from emulator.core.sqs.queue import Queue
from tests.unit.test_sqs_core_support import Harness, harness


def redrive(dlq: Queue, count: int = 2) -> str:
    return json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": count})


def with_dlq(h: Harness, count: int = 2) -> tuple[Queue, Queue]:
    dlq = h.queue("dlq")
    source = h.queue("source", VisibilityTimeout="1", RedrivePolicy=redrive(dlq, count))
    return source, dlq


def fail_receives(h: Harness, queue: Queue, times: int) -> None:
    for _ in range(times):
        assert len(h.receive(queue)) == 1
        h.advance(1)


def test_message_moves_on_the_receive_after_max_receive_count() -> None:
    h = harness()
    source, dlq = with_dlq(h, 2)
    sent = h.send(source)
    fail_receives(h, source, 2)
    assert h.receive(source) == []
    [dead] = h.receive(dlq)
    assert dead.message_id == sent.message_id
    assert dead.dead_letter_source_arn == source.arn
    assert dead.receive_count == 3


def test_dead_letter_target_must_exist() -> None:
    h = harness()
    policy = json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:none"})
    policy = policy[:-1] + ', "maxReceiveCount": 1}'
    with pytest.raises(InvalidParameterValue, match="Dead letter target does not exist"):
        h.queue("source", RedrivePolicy=policy)


def test_redrive_allow_policy_deny_all_refuses_sources() -> None:
    h = harness()
    dlq = h.queue("dlq", RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))
    with pytest.raises(InvalidParameterValue, match="RedriveAllowPolicy"):
        h.queue("source", RedrivePolicy=redrive(dlq))


def test_redrive_allow_policy_by_queue_admits_listed_sources_only() -> None:
    h = harness()
    allowed = "arn:aws:sqs:us-east-1:000000000000:good"
    allow = json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [allowed]})
    dlq = h.queue("dlq", RedriveAllowPolicy=allow)
    h.queue("good", RedrivePolicy=redrive(dlq))
    with pytest.raises(InvalidParameterValue):
        h.queue("bad", RedrivePolicy=redrive(dlq))


def test_dead_letter_sources_lists_queues_pointing_at_the_dlq() -> None:
    h = harness()
    dlq = h.queue("dlq")
    for name in ("s1", "s2", "s3"):
        h.queue(name, RedrivePolicy=redrive(dlq))
    h.queue("other")
    page = h.backend.dead_letter_sources(dlq, max_results=2)
    assert [q.name for q in page.queues] == ["s1", "s2"]
    rest = h.backend.dead_letter_sources(dlq, max_results=2, next_token=page.next_token)
    assert [q.name for q in rest.queues] == ["s3"]


def test_move_task_returns_messages_to_their_source() -> None:
    h = harness()
    source, dlq = with_dlq(h, 1)
    for i in range(3):
        h.send(source, f"m{i}")
    for _ in range(3):
        fail_receives(h, source, 1)
    h.receive(source, max_messages=10)
    assert dlq.counts().visible == 3
    task = h.backend.start_move_task(dlq.arn, None, None)
    assert task.to_move == 3
    h.advance(0)
    assert task.status == "COMPLETED"
    assert task.moved == 3
    assert sorted(h.bodies(source)) == ["m0", "m1", "m2"]


def test_move_task_respects_the_rate_and_can_be_cancelled() -> None:
    h = harness()
    _, dlq = with_dlq(h, 1)
    other = h.queue("other")
    for i in range(50):
        h.send(dlq, f"m{i}")
    task = h.backend.start_move_task(dlq.arn, other.arn, 10)
    h.advance(1.0)
    assert 9 <= task.moved <= 11
    [listed] = h.backend.list_move_tasks(dlq.arn, None)
    assert listed.describe()["Status"] == "RUNNING"
    assert "TaskHandle" in listed.describe()
    h.backend.cancel_move_task(task.handle)
    assert task.status == "CANCELLING"
    h.advance(1.0)
    assert task.status == "CANCELLED"
    assert other.counts().visible == task.moved


def test_move_task_source_must_be_a_dead_letter_queue() -> None:
    h = harness()
    plain = h.queue("plain")
    with pytest.raises(InvalidParameterValue, match="Dead Letter Queue"):
        h.backend.start_move_task(plain.arn, None, None)
    with pytest.raises(ResourceNotFound):
        h.backend.start_move_task("arn:aws:sqs:us-east-1:000000000000:none", None, None)


def test_only_one_active_move_task_per_source() -> None:
    h = harness()
    _, dlq = with_dlq(h)
    for i in range(20):
        h.send(dlq, f"m{i}")
    h.backend.start_move_task(dlq.arn, None, 1)
    with pytest.raises(InvalidParameterValue, match="already a task running"):
        h.backend.start_move_task(dlq.arn, None, 1)


def test_move_task_without_known_source_fails() -> None:
    h = harness()
    _, dlq = with_dlq(h)
    h.send(dlq, "sent straight to the dlq")
    task = h.backend.start_move_task(dlq.arn, None, None)
    h.advance(0)
    assert task.status == "FAILED"
    assert dlq.counts().visible == 1


def test_cancel_with_a_bad_handle_is_invalid() -> None:
    h = harness()
    with pytest.raises(InvalidParameterValue, match="TaskHandle"):
        h.backend.cancel_move_task("garbage!")


def test_move_task_destination_must_be_of_the_source_type() -> None:
    h = harness()
    _, dlq = with_dlq(h)
    fifo = h.queue("other.fifo")
    with pytest.raises(InvalidParameterValue, match="same type"):
        h.backend.start_move_task(dlq.arn, fifo.arn, None)


def test_fifo_dead_letter_keeps_the_group_and_releases_the_next_message() -> None:
    h = harness()
    dlq = h.queue("dlq.fifo")
    source = h.queue("source.fifo", RedrivePolicy=redrive(dlq, 1))
    h.send(source, "poison", group_id="g", dedup_id="1")
    h.send(source, "next", group_id="g", dedup_id="2")
    assert h.bodies(source, 1, visibility_timeout=0) == ["poison"]
    assert h.bodies(source, 10) == ["next"]
    [dead] = h.receive(dlq)
    assert (dead.body, dead.group_id, dead.dead_letter_source_arn) == ("poison", "g", source.arn)
    assert dead.sequence_number is not None


def test_allow_name_reuse_lifts_the_sixty_second_rule() -> None:
    h = harness()
    queue = h.queue("reloaded")
    h.backend.delete_queue(queue)
    h.backend.allow_name_reuse(queue.arn)
    assert h.queue("reloaded").arn == queue.arn
