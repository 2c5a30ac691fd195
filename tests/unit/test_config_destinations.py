"""Rules files' connections, API destinations, targets outside the emulator and endpoints:
validated with file, line, item and field, and applied to real backends on a manual clock."""

from __future__ import annotations

import textwrap

import pytest

from emulator.config.apply import Applier
from emulator.config.endpoints import MSG_RESTART, with_file_endpoints
from emulator.config.errors import InvalidRules
from emulator.config.loader import load_text
from emulator.config.model import Origin, RulesState, Scope
from emulator.config.reload import RulesFiles
from emulator.config.validate import validate_documents
from emulator.core.clock import ManualClock
from emulator.core.events import EventsBackend
from emulator.core.events.arns import BusRef
from emulator.core.ids import IdFactory
from emulator.core.sqs.backend import SqsBackend
from emulator.core.sqs.timers import ManualTimers
from emulator.settings import Settings

SCOPE = Scope("000000000000", "us-east-1")
EVENTS = "arn:aws:events:${AWS::Region}:${AWS::AccountId}"
DEFAULT = BusRef("000000000000", "us-east-1", "default")
ACCOUNT = ("000000000000", "us-east-1")

HOOKS = f"""\
connections:
  - Name: hooks
    AuthorizationType: API_KEY
    AuthParameters:
      ApiKeyAuthParameters: {{ApiKeyName: x-api-key, ApiKeyValue: secret}}
api_destinations:
  - Name: orders-hook
    ConnectionArn: hooks
    InvocationEndpoint: http://127.0.0.1:9/orders
    HttpMethod: POST
rules:
  - Name: to-hook
    EventPattern: {{source: [shop]}}
    Targets:
      - {{Id: hook, Arn: "{EVENTS}:api-destination/orders-hook"}}
"""


def documents(**files: str) -> list[str] | RulesState:
    """The state of the files, or the problems found, as text."""
    docs = [
        load_text(textwrap.dedent(text), f"rules/{name.replace('_', '.')}")
        for name, text in files.items()
    ]
    try:
        return validate_documents(docs, SCOPE)
    except InvalidRules as exc:
        return [str(problem) for problem in exc.problems]


def problems(**files: str) -> list[str]:
    found = documents(**files)
    assert isinstance(found, list), "the files were valid"
    return found


def state(**files: str) -> RulesState:
    found = documents(**files)
    assert isinstance(found, RulesState), found
    return found


# --- validation ---------------------------------------------------------------------------------


def test_connection_destination_and_target_by_name_are_valid() -> None:
    built = state(a_yaml=HOOKS)
    assert built.connections["hooks"].params["AuthorizationType"] == "API_KEY"
    assert built.api_destinations["orders-hook"].connection == "hooks"
    assert built.rules[("default", "to-hook")].targets[0].destination == "orders-hook"


def test_connection_may_be_named_by_an_arn_with_placeholders() -> None:
    text = HOOKS.replace("ConnectionArn: hooks", f'ConnectionArn: "{EVENTS}:connection/hooks"')
    assert state(a_yaml=text).api_destinations["orders-hook"].connection == "hooks"


def test_connection_without_the_auth_its_type_needs_is_refused() -> None:
    text = HOOKS.replace("AuthorizationType: API_KEY", "AuthorizationType: BASIC")
    assert problems(a_yaml=text) == [
        "rules/a.yaml:4: connections[0] (hooks).AuthParameters.BasicAuthParameters: is "
        "required: The AuthParameters for AuthorizationType BASIC must be specified."
    ]


def test_connection_auth_fields_are_checked_against_botocore() -> None:
    text = HOOKS.replace("ApiKeyName: x-api-key, ", "")
    assert problems(a_yaml=text) == [
        "rules/a.yaml:5: connections[0] (hooks).AuthParameters.ApiKeyAuthParameters.ApiKeyName: "
        "is required"
    ]


def test_destination_naming_an_undeclared_connection_is_refused() -> None:
    text = HOOKS.replace("ConnectionArn: hooks", "ConnectionArn: hook")
    assert problems(a_yaml=text) == [
        "rules/a.yaml:8: api_destinations[0] (orders-hook).ConnectionArn: no connection named "
        '"hook" exists in any rules file (did you mean "hooks"?)'
    ]


def test_destination_connection_arn_must_name_a_connection() -> None:
    text = HOOKS.replace("ConnectionArn: hooks", f'ConnectionArn: "{EVENTS}:event-bus/hooks"')
    assert problems(a_yaml=text) == [
        "rules/a.yaml:8: api_destinations[0] (orders-hook).ConnectionArn: must be the ARN of a "
        "connection, such as arn:aws:events:${AWS::Region}:${AWS::AccountId}:connection/<name>"
    ]


def test_destination_http_method_must_be_one_aws_knows() -> None:
    text = HOOKS.replace("HttpMethod: POST", "HttpMethod: FETCH")
    assert problems(a_yaml=text) == [
        "rules/a.yaml:10: api_destinations[0] (orders-hook).HttpMethod: must be one of POST, "
        'GET, HEAD, OPTIONS, PUT, PATCH, DELETE (did you mean "PATCH"?)'
    ]


def test_duplicate_api_destination_across_files_names_both() -> None:
    again = "api_destinations:\n  - {Name: orders-hook, ConnectionArn: hooks, "
    again += "InvocationEndpoint: 'http://h/x', HttpMethod: GET}\n"
    assert problems(a_yaml=HOOKS, b_yaml=again) == [
        'rules/b.yaml:2: api_destinations[0] (orders-hook).Name: "orders-hook" is already '
        "declared at rules/a.yaml:7"
    ]


def test_target_http_parameters_are_checked_against_botocore() -> None:
    text = HOOKS.replace(
        '/orders-hook"}',
        '/orders-hook", HttpParameters: {HeaderParameters: {"x shop": a}}}',
    )
    assert problems(a_yaml=text) == [
        "rules/a.yaml:15: rules[0] (to-hook).Targets[0].HttpParameters.HeaderParameters.x shop: "
        "must match ^[!#$%&'*+-.^_`|~0-9a-zA-Z]+$"
    ]


def test_target_naming_an_undeclared_api_destination_is_refused() -> None:
    text = HOOKS.replace("api-destination/orders-hook", "api-destination/order-hook")
    assert problems(a_yaml=text) == [
        "rules/a.yaml:15: rules[0] (to-hook).Targets[0].Arn: no API destination named "
        '"order-hook" exists in any rules file (did you mean "orders-hook"?)'
    ]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:process-order",
        "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:process-order:live",
        "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:fulfil",
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/shop/orders",
        "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:/shop/orders:*",
    ],
)
def test_lambda_step_functions_and_logs_targets_are_accepted(arn: str) -> None:
    text = HOOKS.replace(f"{EVENTS}:api-destination/orders-hook", arn)
    target = state(a_yaml=text).rules[("default", "to-hook")].targets[0]
    assert target.params["Arn"].startswith("arn:aws:")
    assert "${" not in target.params["Arn"]


@pytest.mark.parametrize(
    ("arn", "reason"),
    [
        (
            "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:process-order",
            "must be the ARN of a Lambda function, such as "
            "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:<name>",
        ),
        (
            "arn:aws:states:${AWS::Region}:${AWS::AccountId}:execution:fulfil",
            "must be the ARN of a Step Functions state machine, such as "
            "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:<name>",
        ),
        (
            "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:",
            "must be the ARN of a CloudWatch Logs log group, such as "
            "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:log-group:<name>",
        ),
        (
            "arn:aws:events:${AWS::Region}:${AWS::AccountId}:connection/hooks",
            "must be the ARN of an event bus or an API destination, such as "
            "arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/<name>",
        ),
    ],
)
def test_malformed_target_arns_of_each_kind_are_refused(arn: str, reason: str) -> None:
    text = HOOKS.replace(f"{EVENTS}:api-destination/orders-hook", arn)
    assert problems(a_yaml=text) == [
        f"rules/a.yaml:15: rules[0] (to-hook).Targets[0].Arn: {reason}"
    ]


# --- endpoints ----------------------------------------------------------------------------------


def test_endpoints_become_the_settings_they_name() -> None:
    text = """\
    endpoints:
      lambda: {process-order: "http://127.0.0.1:3001", refund: "http://127.0.0.1:3002"}
      stepfunctions: http://127.0.0.1:8083
      logs_dir: out/logs
    """
    assert state(a_yaml=text).endpoints == {
        "lambda_endpoint": "process-order=http://127.0.0.1:3001,refund=http://127.0.0.1:3002",
        "stepfunctions_endpoint": "http://127.0.0.1:8083",
        "logs_dir": "out/logs",
    }


def test_endpoint_urls_must_be_http() -> None:
    text = "endpoints:\n  lambda: {f: 'ftp://host/x'}\n  stepfunctions: localhost:8083\n"
    reason = "must be an http:// or https:// URL, such as http://127.0.0.1:3001"
    assert problems(a_yaml=text) == [
        f"rules/a.yaml:2: endpoints.lambda.f: {reason}",
        f"rules/a.yaml:3: endpoints.stepfunctions: {reason}",
    ]


def test_unknown_endpoint_is_refused_with_a_suggestion() -> None:
    assert problems(a_yaml="endpoints:\n  logsdir: out\n") == [
        'rules/a.yaml:2: endpoints.logsdir: is not a known field (did you mean "logs_dir"?)'
    ]


def test_two_files_setting_an_endpoint_differently_conflict() -> None:
    a = "endpoints:\n  lambda: http://127.0.0.1:3001\n"
    b = "queues: []\nendpoints:\n  lambda: http://127.0.0.1:3002\n"
    assert problems(a_yaml=a, b_yaml=b) == [
        "rules/b.yaml:3: endpoints.lambda: conflicts with the value set at rules/a.yaml:2"
    ]


def test_a_flag_or_variable_wins_over_the_files_endpoints() -> None:
    text = "endpoints:\n  lambda: http://127.0.0.1:3001\n  logs_dir: out\n"
    flagged = Settings(lambda_endpoint="http://127.0.0.1:9999")
    merged = with_file_endpoints(flagged, state(a_yaml=text))
    assert (merged.lambda_endpoint, merged.logs_dir) == ("http://127.0.0.1:9999", "out")
    assert with_file_endpoints(flagged, RulesState()) == flagged


def test_changed_endpoints_on_reload_say_a_restart_is_needed() -> None:
    world = World()
    files = RulesFiles((), world.applier, lambda chaos: None)
    files.apply(state(a_yaml="endpoints:\n  logs_dir: out\n"))
    assert MSG_RESTART not in files.last_changes
    files.apply(state(a_yaml="endpoints:\n  logs_dir: elsewhere\n"))
    assert MSG_RESTART in files.last_changes


# --- applying -----------------------------------------------------------------------------------


class World:
    """Backends on a manual clock, and the errors ``apply`` reported."""

    def __init__(self) -> None:
        clock = ManualClock()
        ids = IdFactory(1)
        sqs = SqsBackend(clock, ids, ManualTimers(clock))
        self.events = EventsBackend(clock, ids, sqs)
        self.applier = Applier(sqs, self.events, SCOPE)
        self.errors: list[str] = []
        self.state = RulesState()

    def apply(self, text: str) -> list[str]:
        def error(origin: Origin | None, message: str) -> None:
            self.errors.append(message)

        new = state(a_yaml=text)
        changes = self.applier.apply(self.state, new, error)
        self.state = new
        return changes

    def target_arn(self) -> str:
        return self.events.registry.rule(DEFAULT, "to-hook").targets["hook"].arn


def test_apply_creates_connection_then_destination_then_targets_with_live_arns() -> None:
    world = World()
    changes = world.apply(HOOKS)
    assert changes[:2] == ["+connection hooks", "+api-destination orders-hook"]
    store = world.events.connections
    destination = store.destination(*ACCOUNT, "orders-hook")
    assert destination.connection_arn == store.connection(*ACCOUNT, "hooks").arn
    assert world.target_arn() == destination.arn
    assert world.errors == []


def test_reload_updates_in_place_and_keeps_the_ids() -> None:
    world = World()
    world.apply(HOOKS)
    before = world.target_arn()
    changed = HOOKS.replace("ApiKeyValue: secret", "ApiKeyValue: other").replace(
        "HttpMethod: POST", "HttpMethod: PUT"
    )
    assert world.apply(changed) == ["~connection hooks", "~api-destination orders-hook"]
    store = world.events.connections
    assert store.connection(*ACCOUNT, "hooks").auth["ApiKeyAuthParameters"]["ApiKeyValue"] == (
        "other"
    )
    assert store.destination(*ACCOUNT, "orders-hook").method == "PUT"
    assert world.target_arn() == before


def test_destination_deleted_through_the_api_is_created_again_and_targets_follow() -> None:
    world = World()
    world.apply(HOOKS)
    world.events.connections.delete_destination(*ACCOUNT, "orders-hook")
    world.apply(HOOKS)
    live = world.events.connections.destination(*ACCOUNT, "orders-hook").arn
    assert world.target_arn() == live


def test_removed_from_the_files_they_are_removed() -> None:
    world = World()
    world.apply(HOOKS)
    assert world.apply("queues: []\n") == [
        "-rule default/to-hook",
        "-api-destination orders-hook",
        "-connection hooks",
    ]
    assert world.events.connections.list_connections(*ACCOUNT) == []
    assert world.events.connections.list_destinations(*ACCOUNT) == []
