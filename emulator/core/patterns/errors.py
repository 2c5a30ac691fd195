"""The one error the pattern engine raises on purpose, and AWS's reasons, kept verbatim.

EventBridge answers ``PutRule`` and ``TestEventPattern`` with ``InvalidEventPatternException`` and
the message ``Event pattern is not valid. Reason: <reason>``; the reasons are event-ruler's
(``JsonRuleCompiler``, ``CIDR``, ``Range``, ``WildcardParser``). They are kept here as constants
so that tests and the API layer can compare against them.
"""

from __future__ import annotations

from emulator.core.errors import DomainError

MESSAGE_PREFIX = "Event pattern is not valid. Reason: "

FILTER_NOT_OBJECT = "Filter is not an object"
EMPTY_OBJECT = "Empty objects are not allowed"
EMPTY_ARRAY = "Empty arrays are not allowed"
MUST_BE_OBJECT_OR_ARRAY = '"{name}" must be an object or an array'
BAD_MATCH_VALUE = "Match value must be String, number, true, false, or null"
NO_MATCH_NAME = "Match expression name not found"
ONE_KEY_ONLY = "Only one key allowed in match expression"
UNKNOWN_MATCH_TYPE = "Unrecognized match type {name}"
PREFIX_NOT_STRING = "prefix match pattern must be a string"
SUFFIX_NOT_STRING = "suffix match pattern must be a string"
EIC_NOT_STRING = "equals-ignore-case match pattern must be a string"
WILDCARD_NOT_STRING = "wildcard match pattern must be a string"
CIDR_NOT_STRING = "cidr match pattern must be a string"
PREFIX_NAME_NOT_FOUND = "Prefix expression name not found"
SUFFIX_NAME_NOT_FOUND = "Suffix expression name not found"
UNSUPPORTED_PREFIX = "Unsupported prefix pattern: {name}"
UNSUPPORTED_SUFFIX = "Unsupported suffix pattern: {name}"
EXISTS_NOT_BOOLEAN = "exists match pattern must be either true or false."
NUMERIC_NOT_ARRAY = "Value of numeric must be an array."
NUMERIC_BAD_MEMBER = "Invalid member in numeric match: {text}"
NUMERIC_BAD_OPERATOR = "Unrecognized numeric range operator: {text}"
NUMERIC_NOT_NUMBER = "Value of {op} must be numeric"
NUMERIC_TOO_MANY = "Too many elements in numeric expression"
NUMERIC_RANGE_BAD_VALUE = "Bad value in numeric range: {text}"
NUMERIC_RANGE_BAD_OPERATOR = "Bad numeric range operator: {text}"
NUMERIC_RANGE_TOO_MANY = "Too many terms in numeric range expression"
NUMERIC_BOTTOM_TOP = "Bottom must be less than top"
NUMERIC_NOT_FINITE = "Value of {op} must be a finite number"
ANYTHING_BUT_NAME_NOT_FOUND = "Anything-But expression name not found"
ANYTHING_BUT_UNSUPPORTED = "Unsupported anything-but pattern: {name}"
ANYTHING_BUT_BAD_VALUE = "Value of anything-but must be an array or single string/number value."
ANYTHING_BUT_LIST_BAD_MEMBER = "Inside anything but list, start|null|boolean is not supported."
ANYTHING_BUT_SINGLE_BAD = "Inside anything-but list, start|null|boolean is not supported."
ANYTHING_BUT_MIXED = (
    "Inside anything but list, either all values are number or string, mixed type is not supported"
)
ANYTHING_BUT_EIC_BAD_MEMBER = (
    "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
)
ANYTHING_BUT_PREFIX_SUFFIX_NOT_STRING = "prefix/suffix match pattern must be a string"
NULL_PREFIX_SUFFIX = "Null prefix/suffix not allowed"
WILDCARD_CONSECUTIVE = "Consecutive wildcard characters at pos {pos}"
WILDCARD_BAD_ESCAPE = "Invalid escape character at pos {pos}"
WILDCARD_TOO_COMPLEX = (
    "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
    "sequences after a wildcard character"
)
OR_NOT_ARRAY = "It must be an Array followed with $or."
OR_NOT_OBJECT = "Only JSON object is allowed in array of $or relationship."
OR_TOO_FEW = "There must have at least 2 Objects in $or relationship."
OR_RESERVED_NAME = "{name} is Ruler reserved fieldName which cannot be used inside $or."
CIDR_ONE_SLASH = "Malformed CIDR, one '/' required"
CIDR_MASK_NOT_INT = "Malformed CIDR, mask bits must be an integer"
CIDR_MASK_NEGATIVE = "Malformed CIDR, mask bits must not be negative"
CIDR_IPV4_MASK = "IPv4 mask bits must be < 32"
CIDR_IPV6_MASK = "IPv6 mask bits must be < 128"
CIDR_BAD_IP = "Invalid IP address: {ip}"
TOO_LONG = "Member must have length less than or equal to {limit}"
TOO_MANY_FIELDS = "Size of rule exceeds max value of {limit}"
TOO_DEEP = "Event pattern is nested deeper than {limit} levels"
TOO_MANY_BRANCHES = "Event pattern expands to more than {limit} $or combinations"
NOT_TEXT = "Event pattern must be a JSON string"
BAD_JSON = "Invalid JSON: {detail}"


class InvalidPattern(DomainError):
    """An event pattern EventBridge would refuse (``InvalidEventPatternException``).

    Built as ``InvalidPattern(path, reason)`` (DESIGN.md's signature).

    ``path`` locates the fault in the pattern (``detail.x[0].numeric``; empty for the whole
    pattern) and ``reason`` is event-ruler's wording; ``message`` is what AWS puts in the
    exception's message.
    """

    code = "InvalidEventPatternException"

    def __init__(self, path: str, reason: str) -> None:
        where = f" at {path}" if path else ""
        super().__init__(f"{MESSAGE_PREFIX}{reason}{where}")
        self.reason = reason
        self.path = path
