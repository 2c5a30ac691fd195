"""EventBridge domain errors, with AWS's messages kept verbatim as constants.

Codes are the error shape names of botocore's ``events`` model; the API layer maps them to the
wire. Message sources: AWS responses recorded in LocalStack's AWS-validated snapshots
(``tests/aws/services/events/*.snapshot.json``) and user reports of real responses; the few
whose exact AWS wording could not be confirmed are marked ``unverified``.

:class:`DeliveryFailure` is not an API error: it is why one delivery attempt to a target failed,
with the ``ERROR_CODE`` EventBridge puts on dead-lettered messages (EventBridge user guide,
"Using dead-letter queues to process undelivered events").
"""

from __future__ import annotations

from emulator.core.errors import DomainError, ResourceNotFound, ValidationError

# --------------------------------------------------------------------------- API messages
BUS_NOT_FOUND = "Event bus {name} does not exist."
BUS_EXISTS = "Event bus {name} already exists."
DEFAULT_BUS_UNDELETABLE = "Cannot delete event bus default."
RULE_NOT_FOUND = "Rule {rule} does not exist on EventBus {bus}."
RULE_HAS_TARGETS = "Rule can't be deleted since it has targets."
TOO_MANY_TARGETS = "The requested resource exceeds the maximum number allowed."
SCHEDULE_INVALID = "Parameter ScheduleExpression is not valid."
STATEMENT_NOT_FOUND = "Statement with the provided id does not exist."
REQUEST_TOO_LARGE = "Total size of the entries in the request is over the limit."
SQS_PARAMETERS_REQUIRED = "Parameter(s) SqsParameters must be specified for target: {id}."
INPUT_ON_BUS_TARGET = "Modifying the input for target {id} is not supported."
INPUT_NOT_JSON = "Input for target {id} is not a valid JSON text."
EVENT_NOT_VALID = "Parameter Event is not valid."
# unverified wordings (AWS documents the rule, not the text):
PATTERN_OR_SCHEDULE = "Parameter(s) EventPattern or ScheduleExpression must be specified."
SCHEDULE_ON_CUSTOM_BUS = "ScheduleExpression is supported only on the default event bus."
INPUT_EXCLUSIVE = (
    "Only one of Input, InputPath, or InputTransformer can be specified for target {id}."
)
INPUT_PATH_INVALID = "Parameter {name} for target {id} is not a valid JSON path: {path}"
PERMISSION_PARAMETERS = "Parameter(s) Action, Principal, StatementId must be specified."
POLICY_NOT_JSON = "Parameter Policy is not a valid JSON document."
RESOURCE_ARN_INVALID = "Parameter ResourceARN is not valid."
NEXT_TOKEN_INVALID = "The NextToken provided is invalid."

# --------------------------------------------------------------------------- PutEvents entries
MALFORMED_DETAIL = "Detail is malformed."
REQUIRED_ARGUMENT = "Parameter {name} is not valid. Reason: {name} is a required argument."


class EventBusNotFound(ResourceNotFound):
    """No event bus of that name in the account and region."""

    def __init__(self, name: str) -> None:
        super().__init__(BUS_NOT_FOUND.format(name=name))


class RuleNotFound(ResourceNotFound):
    """No rule of that name on the bus."""

    def __init__(self, rule: str, bus: str) -> None:
        super().__init__(RULE_NOT_FOUND.format(rule=rule, bus=bus))


class ResourceAlreadyExists(DomainError):
    """``CreateEventBus`` for a name already in use."""

    code = "ResourceAlreadyExistsException"


class LimitExceeded(DomainError):
    """A quota would be exceeded (targets per rule)."""

    code = "LimitExceededException"


class EventsValidationError(ValidationError):
    """EventBridge's ``ValidationException``."""


class DeliveryFailure(Exception):
    """One delivery attempt failed.

    ``code`` is the dead-letter ``ERROR_CODE``; ``retryable`` says whether EventBridge would try
    again under the target's RetryPolicy. AWS sends failures caused by a target that no longer
    exists, by missing permissions or by invalid input straight to the DLQ without retrying
    (user guide, "Event retry policy and using dead-letter queues").
    """

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable


NO_RESOURCE = "NO_RESOURCE"
INVALID_PARAMETER = "INVALID_PARAMETER"
INTERNAL_ERROR = "INTERNAL_ERROR"
THROTTLING = "THROTTLING"
THIRD_ACCOUNT_HOP = "THIRD_ACCOUNT_HOP_DETECTED"
THIRD_REGION_HOP = "THIRD_REGION_HOP_DETECTED"
HOP_MESSAGE = "Events received from another event bus cannot be forwarded to event bus {arn}."
