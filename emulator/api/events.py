"""EventBridge operations (AWS JSON 1.1, ``X-Amz-Target: AWSEvents.*``), one small handler each.

Every handler first checks the request against the model's constraints
(:mod:`emulator.api.events_validation`), then calls the core and shapes its answer as the
operation's output shape. Operations missing from the table are answered by the dispatcher as
``UnsupportedOperation``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from emulator.api.context import Handler, OperationTable, Params, RequestContext, Result
from emulator.api.events_archives import archive_operations
from emulator.api.events_validation import request_checker
from emulator.core.events import EventsBackend
from emulator.core.events.arns import BusRef, bus_ref
from emulator.core.events.buses import EventBus, permission_statement
from emulator.core.events.errors import (
    NEXT_TOKEN_INVALID,
    PERMISSION_PARAMETERS,
    POLICY_NOT_JSON,
    EventsValidationError,
)
from emulator.core.events.registry import RuleSpec
from emulator.core.events.rules import DISABLED, ENABLED, Rule
from emulator.protocol.model import service_model

T = TypeVar("T")
DEFAULT_PAGE = 100


# --------------------------------------------------------------------------- shaping helpers
def _time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _present(**fields: Any) -> Result:
    """The fields that have a value (AWS leaves absent members out)."""
    return {k: v for k, v in fields.items() if v is not None}


def _tags_in(tags: Sequence[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags or ()}


def _tags_out(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _page(items: Sequence[T], p: Params) -> tuple[Sequence[T], str | None]:
    """One page of ``items`` per ``Limit``/``NextToken``; the token is the next offset."""
    start = _offset(p.get("NextToken"))
    end = start + p.get("Limit", DEFAULT_PAGE)
    token = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(items) else None
    return items[start:end], token


def _offset(token: str | None) -> int:
    if token is None:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()).decode())
    except (ValueError, binascii.Error):
        raise EventsValidationError(NEXT_TOKEN_INVALID) from None


def _bus_result(bus: EventBus, *keys: str) -> Result:
    fields = {
        "Name": bus.name,
        "Arn": bus.arn,
        "Description": bus.description,
        "KmsKeyIdentifier": bus.kms_key,
        "DeadLetterConfig": bus.dead_letter,
        "LogConfig": bus.log_config,
        "Policy": bus.policy_text(),
        "CreationTime": _time(bus.created),
        "LastModifiedTime": _time(bus.modified),
    }
    return _present(**{k: fields[k] for k in keys})


def _rule_result(rule: Rule) -> Result:
    return _present(
        Name=rule.name,
        Arn=rule.arn,
        EventPattern=rule.event_pattern,
        ScheduleExpression=rule.schedule,
        State=rule.state,
        Description=rule.description,
        RoleArn=rule.role_arn,
        EventBusName=rule.bus.name,
    )


BUS_SETTINGS = {
    "Description": "description",
    "KmsKeyIdentifier": "kms_key",
    "DeadLetterConfig": "dead_letter",
    "LogConfig": "log_config",
}


def _bus_settings(p: Params) -> dict[str, Any]:
    return {attr: p.get(member) for member, attr in BUS_SETTINGS.items()}


# --------------------------------------------------------------------------- the table
def events_operations(backend: EventsBackend) -> OperationTable:
    """The table of EventBridge handlers over ``backend``."""
    registry = backend.registry

    def ref(ctx: RequestContext, p: Params, key: str = "EventBusName") -> BusRef:
        return bus_ref(p.get(key), ctx.account, ctx.region)

    # ---------------------------------------------------------------- buses
    async def create_event_bus(ctx: RequestContext, p: Params) -> Result:
        bus = registry.create_bus(
            BusRef(ctx.account, ctx.region, p["Name"]), _tags_in(p.get("Tags")), **_bus_settings(p)
        )
        return {"EventBusArn": bus.arn, **_bus_result(bus, *BUS_SETTINGS)}

    async def delete_event_bus(ctx: RequestContext, p: Params) -> Result:
        registry.delete_bus(BusRef(ctx.account, ctx.region, p["Name"]))
        return {}

    async def describe_event_bus(ctx: RequestContext, p: Params) -> Result:
        bus = registry.bus(ref(ctx, p, "Name"))
        return _bus_result(bus, *DESCRIBE_BUS)

    async def update_event_bus(ctx: RequestContext, p: Params) -> Result:
        bus = registry.update_bus(ref(ctx, p, "Name"), **_bus_settings(p))
        return _bus_result(bus, "Arn", "Name", *BUS_SETTINGS)

    async def list_event_buses(ctx: RequestContext, p: Params) -> Result:
        buses = registry.list_buses(ctx.account, ctx.region, p.get("NamePrefix", ""))
        page, token = _page(buses, p)
        listed = [_bus_result(b, *LIST_BUS) for b in page]
        return {"EventBuses": listed, **_present(NextToken=token)}

    # ---------------------------------------------------------------- rules
    async def put_rule(ctx: RequestContext, p: Params) -> Result:
        spec = RuleSpec(
            name=p["Name"],
            event_pattern=p.get("EventPattern"),
            schedule=p.get("ScheduleExpression"),
            state=p.get("State"),
            description=p.get("Description"),
            role_arn=p.get("RoleArn"),
            tags=_tags_in(p.get("Tags")),
        )
        rule = registry.put_rule(ref(ctx, p), spec, ctx.account)
        return {"RuleArn": rule.arn}

    async def delete_rule(ctx: RequestContext, p: Params) -> Result:
        registry.delete_rule(ref(ctx, p), p["Name"])
        return {}

    async def describe_rule(ctx: RequestContext, p: Params) -> Result:
        rule = registry.rule(ref(ctx, p), p["Name"])
        return {**_rule_result(rule), "CreatedBy": rule.created_by}

    async def list_rules(ctx: RequestContext, p: Params) -> Result:
        rules = registry.list_rules(ref(ctx, p), p.get("NamePrefix", ""))
        page, token = _page(rules, p)
        return {"Rules": [_rule_result(r) for r in page], **_present(NextToken=token)}

    async def enable_rule(ctx: RequestContext, p: Params) -> Result:
        registry.set_state(ref(ctx, p), p["Name"], ENABLED)
        return {}

    async def disable_rule(ctx: RequestContext, p: Params) -> Result:
        registry.set_state(ref(ctx, p), p["Name"], DISABLED)
        return {}

    async def list_rule_names_by_target(ctx: RequestContext, p: Params) -> Result:
        names = registry.rule_names_by_target(ref(ctx, p), p["TargetArn"])
        page, token = _page(names, p)
        return {"RuleNames": list(page), **_present(NextToken=token)}

    # ---------------------------------------------------------------- targets
    async def put_targets(ctx: RequestContext, p: Params) -> Result:
        registry.put_targets(ref(ctx, p), p["Rule"], p["Targets"])
        return {"FailedEntryCount": 0, "FailedEntries": []}

    async def remove_targets(ctx: RequestContext, p: Params) -> Result:
        registry.remove_targets(ref(ctx, p), p["Rule"], p["Ids"])
        return {"FailedEntryCount": 0, "FailedEntries": []}

    async def list_targets_by_rule(ctx: RequestContext, p: Params) -> Result:
        rule = registry.rule(ref(ctx, p), p["Rule"])
        page, token = _page(list(rule.targets.values()), p)
        return {"Targets": [t.config for t in page], **_present(NextToken=token)}

    # ---------------------------------------------------------------- events
    async def put_events(ctx: RequestContext, p: Params) -> Result:
        results = backend.put_events(ctx.account, ctx.region, p["Entries"])
        entries: list[Result] = []
        failed = 0
        for event_id, error in results:
            if error is None:
                entries.append({"EventId": event_id})
            else:
                failed += 1
                entries.append({"ErrorCode": error[0], "ErrorMessage": error[1]})
        return {"FailedEntryCount": failed, "Entries": entries}

    async def test_event_pattern(ctx: RequestContext, p: Params) -> Result:
        return {"Result": backend.test_event_pattern(p["EventPattern"], p["Event"])}

    # ---------------------------------------------------------------- tags
    async def tag_resource(ctx: RequestContext, p: Params) -> Result:
        registry.tags(p["ResourceARN"]).update(_tags_in(p["Tags"]))
        return {}

    async def untag_resource(ctx: RequestContext, p: Params) -> Result:
        tags = registry.tags(p["ResourceARN"])
        for key in p["TagKeys"]:
            tags.pop(key, None)
        return {}

    async def list_tags_for_resource(ctx: RequestContext, p: Params) -> Result:
        return {"Tags": _tags_out(registry.tags(p["ResourceARN"]))}

    # ---------------------------------------------------------------- permissions
    async def put_permission(ctx: RequestContext, p: Params) -> Result:
        target = ref(ctx, p)
        if "Policy" in p:
            registry.set_policy(target, _policy(p["Policy"]))
            return {}
        if not all(k in p for k in ("Action", "Principal", "StatementId")):
            raise EventsValidationError(PERMISSION_PARAMETERS)
        statement = permission_statement(
            target.arn, p["StatementId"], p["Action"], p["Principal"], p.get("Condition")
        )
        registry.put_statement(target, statement)
        return {}

    async def remove_permission(ctx: RequestContext, p: Params) -> Result:
        target = ref(ctx, p)
        if p.get("RemoveAllPermissions"):
            registry.set_policy(target, None)
        else:
            registry.remove_statement(target, p.get("StatementId", ""))
        return {}

    handlers: dict[str, Handler] = {
        "CreateEventBus": create_event_bus,
        "DeleteEventBus": delete_event_bus,
        "DescribeEventBus": describe_event_bus,
        "UpdateEventBus": update_event_bus,
        "ListEventBuses": list_event_buses,
        "PutRule": put_rule,
        "DeleteRule": delete_rule,
        "DescribeRule": describe_rule,
        "ListRules": list_rules,
        "EnableRule": enable_rule,
        "DisableRule": disable_rule,
        "ListRuleNamesByTarget": list_rule_names_by_target,
        "PutTargets": put_targets,
        "RemoveTargets": remove_targets,
        "ListTargetsByRule": list_targets_by_rule,
        "PutEvents": put_events,
        "TestEventPattern": test_event_pattern,
        "TagResource": tag_resource,
        "UntagResource": untag_resource,
        "ListTagsForResource": list_tags_for_resource,
        "PutPermission": put_permission,
        "RemovePermission": remove_permission,
    }
    handlers.update(archive_operations(backend))
    return {name: _validated(name, handler) for name, handler in handlers.items()}


DESCRIBE_BUS = (
    "Name",
    "Arn",
    "Description",
    "KmsKeyIdentifier",
    "DeadLetterConfig",
    "Policy",
    "LogConfig",
    "CreationTime",
    "LastModifiedTime",
)
LIST_BUS = ("Name", "Arn", "Description", "Policy", "CreationTime", "LastModifiedTime")


def _policy(text: str) -> dict[str, Any]:
    try:
        policy = json.loads(text)
    except ValueError:
        raise EventsValidationError(POLICY_NOT_JSON) from None
    if not isinstance(policy, dict):
        raise EventsValidationError(POLICY_NOT_JSON)
    return policy


def _validated(operation: str, handler: Handler) -> Handler:
    """``handler`` behind the model's constraint checks for ``operation``."""
    validate: Callable[[dict[str, Any]], None] = request_checker(
        service_model("events").operation_model(operation).input_shape
    )

    async def checked(ctx: RequestContext, p: Params) -> Result:
        validate(p)
        return await handler(ctx, p)

    return checked
