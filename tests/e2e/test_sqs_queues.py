"""Queue lifecycle over real HTTP, JSON and query: create, find, list, delete, purge, attributes,
tags, permissions, addressing."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.e2e.test_sqs_support import ACCOUNT, arn, attributes, fails_with, queue
from tests.servers import RunningServer


def test_create_queue_returns_a_url_built_from_the_host(sqs: Any, emulator: RunningServer) -> None:
    url = sqs.create_queue(QueueName="orders")["QueueUrl"]
    assert url == f"{emulator.url}/{ACCOUNT}/orders"


def test_create_queue_again_with_same_attributes_returns_the_same_url(sqs: Any) -> None:
    first = queue(sqs, "same", VisibilityTimeout="45")
    assert queue(sqs, "same", VisibilityTimeout="45") == first
    assert sqs.create_queue(QueueName="same")["QueueUrl"] == first


def test_create_queue_with_a_different_attribute_is_queue_name_exists(sqs: Any) -> None:
    queue(sqs, "same", VisibilityTimeout="45")
    with fails_with("QueueNameExists", "VisibilityTimeout"):
        queue(sqs, "same", VisibilityTimeout="60")


def test_create_queue_refuses_bad_names(sqs: Any) -> None:
    with fails_with("InvalidParameterValue", "alphanumeric"):
        sqs.create_queue(QueueName="bad name!")
    with fails_with("InvalidParameterValue"):
        sqs.create_queue(QueueName="x" * 81)
    with fails_with("InvalidParameterValue"):
        sqs.create_queue(QueueName="needs-attribute.fifo")


def test_create_queue_refuses_unknown_and_invalid_attributes(sqs: Any) -> None:
    with fails_with("InvalidAttributeName", "Unknown Attribute Colour"):
        sqs.create_queue(QueueName="q", Attributes={"Colour": "blue"})
    with fails_with("InvalidAttributeValue", "VisibilityTimeout"):
        sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "43201"})
    with fails_with("InvalidAttributeName", "ContentBasedDeduplication"):
        sqs.create_queue(QueueName="q", Attributes={"ContentBasedDeduplication": "true"})


def test_recreating_a_deleted_queue_at_once_is_queue_deleted_recently(sqs: Any) -> None:
    url = queue(sqs, "short-lived")
    sqs.delete_queue(QueueUrl=url)
    with fails_with("QueueDeletedRecently", "60 seconds"):
        queue(sqs, "short-lived")


def test_deleted_queue_no_longer_exists(sqs: Any) -> None:
    url = queue(sqs, "doomed")
    sqs.delete_queue(QueueUrl=url)
    with fails_with("QueueDoesNotExist"):
        sqs.get_queue_url(QueueName="doomed")
    with fails_with("QueueDoesNotExist"):
        sqs.send_message(QueueUrl=url, MessageBody="x")


def test_get_queue_url_finds_queues_of_an_owner_account(sqs: Any, emulator: RunningServer) -> None:
    from tests.conftest import make_sqs_client

    owner = make_sqs_client(
        emulator.url, "json", aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    url = owner.create_queue(QueueName="theirs")["QueueUrl"]
    found = sqs.get_queue_url(QueueName="theirs", QueueOwnerAWSAccountId="111122223333")
    assert found["QueueUrl"] == url
    with fails_with("QueueDoesNotExist"):
        sqs.get_queue_url(QueueName="theirs")


def test_list_queues_filters_by_prefix(sqs: Any) -> None:
    for name in ("app-a", "app-b", "other"):
        queue(sqs, name)
    urls = sqs.list_queues(QueueNamePrefix="app-")["QueueUrls"]
    assert [u.rsplit("/", 1)[1] for u in urls] == ["app-a", "app-b"]


def test_list_queues_pages_with_max_results_and_next_token(sqs: Any) -> None:
    for i in range(5):
        queue(sqs, f"page-{i}")
    seen: list[str] = []
    kwargs: dict[str, Any] = {"MaxResults": 2}
    while True:
        page = sqs.list_queues(**kwargs)
        seen += page["QueueUrls"]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert [u.rsplit("/", 1)[1] for u in seen] == [f"page-{i}" for i in range(5)]
    assert "NextToken" not in sqs.list_queues()


def test_list_queues_refuses_max_results_out_of_range(sqs: Any) -> None:
    with fails_with("InvalidParameterValue", "MaxResults"):
        sqs.list_queues(MaxResults=1001)


def test_get_queue_attributes_all_of_a_standard_queue(sqs: Any) -> None:
    url = queue(sqs, "plain")
    sqs.send_message(QueueUrl=url, MessageBody="x")
    found = attributes(sqs, url)
    assert found["QueueArn"] == arn("plain")
    assert found["ApproximateNumberOfMessages"] == "1"
    assert found["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert found["ApproximateNumberOfMessagesDelayed"] == "0"
    assert found["VisibilityTimeout"] == "30"
    assert found["MaximumMessageSize"] == "1048576"
    assert found["MessageRetentionPeriod"] == "345600"
    assert int(found["CreatedTimestamp"]) <= int(found["LastModifiedTimestamp"]) + 1
    assert "FifoQueue" not in found


def test_get_queue_attributes_of_a_fifo_queue_include_fifo_settings(sqs: Any) -> None:
    url = queue(sqs, "f.fifo")
    found = attributes(sqs, url)
    assert found["FifoQueue"] == "true"
    assert found["ContentBasedDeduplication"] == "false"
    assert found["DeduplicationScope"] == "queue"
    assert found["FifoThroughputLimit"] == "perQueue"


def test_get_queue_attributes_returns_only_the_named_ones(sqs: Any) -> None:
    url = queue(sqs, "some")
    assert set(attributes(sqs, url, "QueueArn", "DelaySeconds")) == {"QueueArn", "DelaySeconds"}


def test_get_queue_attributes_refuses_unknown_names(sqs: Any) -> None:
    url = queue(sqs, "some")
    with fails_with("InvalidAttributeName"):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Nope"])


def test_set_queue_attributes_changes_only_the_given_ones(sqs: Any) -> None:
    url = queue(sqs, "tune", DelaySeconds="5")
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "90"})
    found = attributes(sqs, url, "VisibilityTimeout", "DelaySeconds")
    assert found == {"VisibilityTimeout": "90", "DelaySeconds": "5"}


def test_set_queue_attributes_refuses_invalid_values(sqs: Any) -> None:
    url = queue(sqs, "tune")
    with fails_with("InvalidAttributeValue"):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"MessageRetentionPeriod": "59"})
    with fails_with("InvalidAttributeName"):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"QueueArn": "x"})


def test_purge_queue_empties_it_once_a_minute(sqs: Any) -> None:
    url = queue(sqs, "purged")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.purge_queue(QueueUrl=url)
    assert attributes(sqs, url, "ApproximateNumberOfMessages") == {
        "ApproximateNumberOfMessages": "0"
    }
    with fails_with("PurgeQueueInProgress", "every 60 seconds"):
        sqs.purge_queue(QueueUrl=url)


def test_tags_from_create_tag_and_untag(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="tagged", tags={"team": "a", "env": "dev"})["QueueUrl"]
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "cost": "1"})
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod", "cost": "1"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["env", "cost"])
    assert "Tags" not in sqs.list_queue_tags(QueueUrl=url)


def test_add_and_remove_permission_maintain_the_policy(sqs: Any) -> None:
    url = queue(sqs, "shared")
    sqs.add_permission(
        QueueUrl=url, Label="senders", AWSAccountIds=["111122223333"], Actions=["SendMessage"]
    )
    policy = json.loads(attributes(sqs, url, "Policy")["Policy"])
    [statement] = policy["Statement"]
    assert statement == {
        "Sid": "senders",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "SQS:SendMessage",
        "Resource": arn("shared"),
    }
    sqs.remove_permission(QueueUrl=url, Label="senders")
    assert "Policy" not in attributes(sqs, url)


def test_permission_errors(sqs: Any) -> None:
    url = queue(sqs, "shared")
    grant = {"AWSAccountIds": ["111122223333"], "Actions": ["ReceiveMessage"]}
    sqs.add_permission(QueueUrl=url, Label="x", **grant)
    with fails_with("InvalidParameterValue", "Already exists"):
        sqs.add_permission(QueueUrl=url, Label="x", **grant)
    with fails_with("InvalidParameterValue", "ActionName"):
        sqs.add_permission(
            QueueUrl=url, Label="y", AWSAccountIds=["111122223333"], Actions=["CreateQueue"]
        )
    with fails_with("InvalidParameterValue", "can't find label"):
        sqs.remove_permission(QueueUrl=url, Label="nope")


def test_aws_form_queue_urls_are_accepted(sqs: Any) -> None:
    queue(sqs, "aws-style")
    aws_url = f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT}/aws-style"
    sqs.send_message(QueueUrl=aws_url, MessageBody="hi")
    legacy_url = f"https://queue.amazonaws.com/{ACCOUNT}/aws-style"
    assert attributes(sqs, legacy_url, "ApproximateNumberOfMessages") == {
        "ApproximateNumberOfMessages": "1"
    }


def test_query_request_may_name_the_queue_by_its_path(
    emulator: RunningServer, sqs_json: Any
) -> None:
    queue(sqs_json, "by-path")
    reply = httpx.post(
        f"{emulator.url}/{ACCOUNT}/by-path",
        data={"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "hi"},
    )
    assert reply.status_code == 200
    assert "<MessageId>" in reply.text
    assert attributes(sqs_json, "by-path", "ApproximateNumberOfMessages") == {
        "ApproximateNumberOfMessages": "1"
    }


def test_query_client_gets_the_legacy_nonexistent_queue_error(emulator: RunningServer) -> None:
    reply = httpx.post(
        emulator.url,
        data={"Action": "GetQueueUrl", "Version": "2012-11-05", "QueueName": "missing"},
    )
    assert reply.status_code == 400
    assert "<Code>AWS.SimpleQueueService.NonExistentQueue</Code>" in reply.text


def test_state_lists_queues_with_message_counts(sqs: Any, emulator: RunningServer) -> None:
    url = queue(sqs, "counted")
    sqs.send_message(QueueUrl=url, MessageBody="a")
    sqs.send_message(QueueUrl=url, MessageBody="b", DelaySeconds=60)
    [entry] = httpx.get(f"{emulator.url}/_emulator/state").json()["sqs"]["queues"]
    assert (entry["name"], entry["visible"], entry["delayed"], entry["inflight"]) == (
        "counted",
        1,
        1,
        0,
    )


MISSING_QUEUE_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("delete_queue", {}),
    ("purge_queue", {}),
    ("get_queue_attributes", {"AttributeNames": ["All"]}),
    ("set_queue_attributes", {"Attributes": {"DelaySeconds": "1"}}),
    ("list_queue_tags", {}),
    ("tag_queue", {"Tags": {"a": "b"}}),
    ("untag_queue", {"TagKeys": ["a"]}),
    ("list_dead_letter_source_queues", {}),
    ("add_permission", {"Label": "l", "AWSAccountIds": ["1"], "Actions": ["SendMessage"]}),
    ("remove_permission", {"Label": "l"}),
    ("send_message", {"MessageBody": "x"}),
    ("send_message_batch", {"Entries": [{"Id": "1", "MessageBody": "x"}]}),
    ("receive_message", {}),
    ("delete_message", {"ReceiptHandle": "h"}),
    ("delete_message_batch", {"Entries": [{"Id": "1", "ReceiptHandle": "h"}]}),
    ("change_message_visibility", {"ReceiptHandle": "h", "VisibilityTimeout": 1}),
    (
        "change_message_visibility_batch",
        {"Entries": [{"Id": "1", "ReceiptHandle": "h", "VisibilityTimeout": 1}]},
    ),
]


def test_every_queue_operation_on_a_missing_queue_is_queue_does_not_exist(sqs: Any) -> None:
    url = f"http://localhost:4566/{ACCOUNT}/missing"
    for method, params in MISSING_QUEUE_CALLS:
        with fails_with("QueueDoesNotExist"):
            getattr(sqs, method)(QueueUrl=url, **params)
