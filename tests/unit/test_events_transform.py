"""Input, InputPath and InputTransformer, with the user guide's examples."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.core.events.envelope import Event
from emulator.core.events.transform import (
    ConstantInput,
    InvalidPath,
    PathInput,
    compile_path,
    compile_template,
)

RULE = "example"
RULE_ARN = "arn:aws:events:us-east-2:123456789012:rule/example"

# The EC2 event of the user guide's "Amazon EventBridge input transformation" page.
EC2 = {
    "version": "0",
    "id": "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "123456789012",
    "time": "2015-11-11T21:29:54Z",
    "region": "us-east-1",
    "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    "detail": {"instance-id": "i-0123456789", "state": "RUNNING"},
}
PATHS = {"timestamp": "$.time", "instance": "$.detail.instance-id", "state": "$.detail.state"}


def render_with(paths: dict[str, str], template: str, payload: dict[str, Any] = EC2) -> str:
    event = Event(str(payload["id"]), payload, 1_447_277_400.0)
    return compile_template(paths, template).render(event, RULE, RULE_ARN)


def render(template: str) -> str:
    return render_with(PATHS, template)


def test_string_template_keeps_its_quotes_and_inserts_text() -> None:
    assert render('"instance <instance> is in <state>"') == '"instance i-0123456789 is in RUNNING"'


def test_string_template_without_quotes_is_plain_text() -> None:
    assert render("<instance> is in state <state>") == "i-0123456789 is in state RUNNING"


def test_string_with_escaped_quotes_is_left_as_written() -> None:
    template = '"instance \\"<instance>\\" is in <state>"'
    assert render(template) == '"instance \\"i-0123456789\\" is in RUNNING"'


def test_json_template_quotes_values_in_value_positions() -> None:
    out = render('{\n  "instance" : <instance>,\n  "state": <state>\n}')
    assert out == '{"instance":"i-0123456789","state":"RUNNING"}'


def test_json_template_inserts_text_inside_strings() -> None:
    template = (
        '{"instance": <instance>, "state": "<state>",'
        ' "instanceStatus": "instance \\"<instance>\\" is in <state>"}'
    )
    assert json.loads(render(template)) == {
        "instance": "i-0123456789",
        "state": "RUNNING",
        "instanceStatus": 'instance "i-0123456789" is in RUNNING',
    }


def test_json_template_mixes_variables_and_static_values() -> None:
    out = render('{"instance": <instance>, "state": [9, <state>, true], "Transformed": "Yes"}')
    assert json.loads(out) == {
        "instance": "i-0123456789",
        "state": [9, "RUNNING", True],
        "Transformed": "Yes",
    }


def test_reserved_variables_in_json() -> None:
    template = (
        '{"ruleArn": <aws.events.rule-arn>, "ruleName": <aws.events.rule-name>,'
        ' "original": <aws.events.event>, "whole": <aws.events.event.json>,'
        ' "at": <aws.events.event.ingestion-time>}'
    )
    out = json.loads(render(template))
    assert out["ruleArn"] == RULE_ARN
    assert out["ruleName"] == RULE
    assert "detail" not in out["original"]
    assert out["original"]["id"] == EC2["id"]
    assert out["whole"] == EC2
    assert out["at"] == "2015-11-11T21:30:00Z"


def test_reserved_variable_in_a_string() -> None:
    assert render('"<aws.events.rule-name> triggered"') == '"example triggered"'


def test_whole_event_in_a_string_template_is_its_json() -> None:
    assert json.loads(render("<aws.events.event.json>")) == EC2


def test_missing_variable_is_empty_inside_a_string() -> None:
    paths = {**PATHS, "command": "$.detail.notinmessage"}
    assert render_with(paths, '"info <command>"') == '"info "'


def test_missing_variable_is_null_in_a_json_value_position() -> None:
    paths = {**PATHS, "command": "$.detail.notinmessage"}
    assert json.loads(render_with(paths, '{"c": <command>, "s": "<command>"}')) == {
        "c": None,
        "s": "",
    }


def test_object_values_are_inserted_as_json() -> None:
    out = render_with({"d": "$.detail"}, '{"d": <d>}')
    assert json.loads(out) == {"d": EC2["detail"]}


def test_wildcard_paths_give_arrays() -> None:
    payload = {**EC2, "detail": {"items": [{"sku": "a"}, {"sku": "b"}]}}
    out = render_with({"skus": "$.detail.items[*].sku"}, '{"skus": <skus>}', payload)
    assert json.loads(out) == {"skus": ["a", "b"]}


def test_array_index_path() -> None:
    payload = {**EC2, "detail": {"items": [{"sku": "a"}, {"sku": "b"}]}}
    assert render_with({"s": "$.detail.items[1].sku"}, "<s>", payload) == "b"


def test_unknown_placeholders_are_left_alone() -> None:
    assert render("<b><instance></b>") == "<b>i-0123456789</b>"


def test_values_are_not_escaped_inside_strings() -> None:
    payload = {**EC2, "detail": {"msg": 'say "hi"'}}
    assert render_with({"m": "$.detail.msg"}, '"<m>"', payload) == '"say "hi""'


def test_numbers_and_booleans_keep_their_json_form() -> None:
    payload = {**EC2, "detail": {"n": 3, "ok": False}}
    out = render_with(
        {"n": "$.detail.n", "ok": "$.detail.ok"}, '{"n": <n>, "t": "<n>-<ok>"}', payload
    )
    assert json.loads(out) == {"n": 3, "t": "3-false"}


def _event(payload: dict[str, Any]) -> Event:
    return Event("id", payload, 0.0)


def test_input_path_sends_the_selected_value_as_json() -> None:
    shaper = PathInput(compile_path("$.detail"))
    assert json.loads(shaper.render(_event(EC2), RULE, RULE_ARN)) == EC2["detail"]


def test_input_path_to_a_string_sends_a_quoted_string() -> None:
    shaper = PathInput(compile_path("$.detail.state"))
    assert shaper.render(_event(EC2), RULE, RULE_ARN) == '"RUNNING"'


def test_constant_input_is_sent_as_written() -> None:
    assert ConstantInput('{"a": 1}').render(_event(EC2), RULE, RULE_ARN) == '{"a": 1}'


@pytest.mark.parametrize("path", ["$.detail[", "detail..", "$.[[", "$..*]"])
def test_bad_json_paths_are_refused(path: str) -> None:
    with pytest.raises(InvalidPath):
        compile_path(path)
