"""Parse: pattern JSON text -> :class:`Pattern`, or :class:`InvalidPattern` with AWS's reason.

The checks and their order follow event-ruler's ``JsonRuleCompiler`` (the engine EventBridge
runs), so that the first fault reported is the one AWS reports. Operators are chosen from one
table, :data:`OPERATORS`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any, NoReturn

from emulator.core.patterns import errors
from emulator.core.patterns.ip import parse_cidr
from emulator.core.patterns.limits import DEFAULT_LIMITS, PatternLimits
from emulator.core.patterns.model import (
    AnythingBut,
    Cidr,
    EqualsIgnoreCase,
    Exact,
    Exists,
    Field,
    Matcher,
    Member,
    Numeric,
    OrGroup,
    Pattern,
    Prefix,
    Suffix,
    Wildcard,
    expand,
)
from emulator.core.patterns.wildcard import complexity, parse_wildcard

OR_KEY = "$or"
# event-ruler Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP: field names refused inside $or.
RESERVED_IN_OR = frozenset(
    {
        "exactly",
        "equals-ignore-case",
        "prefix",
        "suffix",
        "anything-but",
        "exists",
        "wildcard",
        "numeric",
        "cidr",
        "=",
        "<",
        "<=",
        ">",
        ">=",
        "regex",
        "not-wildcard",
        "not-equals-ignore-case",
        "date-after",
        "date-on-or-after",
        "date-before",
        "date-on-or-before",
        "in-date-range",
        "ip-address-in-range",
        "ip-address-not-in-range",
    }
)


def parse_pattern(text: str, limits: PatternLimits = DEFAULT_LIMITS) -> Pattern:
    """The typed tree of an event pattern; raises :class:`InvalidPattern` if AWS would refuse it."""
    document = _load(text, limits)
    if not isinstance(document, dict):
        _fail(errors.FILTER_NOT_OBJECT)
    pattern = Pattern(members=_object(document, "", "", 1, False, limits), text=text)
    _check_branches(pattern, limits)
    _check_wildcards(pattern, limits)
    return pattern


def _load(text: object, limits: PatternLimits) -> Any:
    if not isinstance(text, str):
        _fail(errors.NOT_TEXT)
    if len(text) > limits.max_chars:
        _fail(errors.TOO_LONG.format(limit=limits.max_chars))
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        _fail(errors.BAD_JSON.format(detail=exc))
    except RecursionError:
        _fail(errors.TOO_DEEP.format(limit=limits.max_depth))


def _refuse_constant(name: str) -> NoReturn:
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


def _fail(reason: str, loc: str = "") -> NoReturn:
    raise errors.InvalidPattern(loc, reason)


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _object(
    obj: dict[str, Any], prefix: str, loc: str, depth: int, in_or: bool, limits: PatternLimits
) -> tuple[Member, ...]:
    """Members of one pattern object, nested objects flattened in document order."""
    if depth > limits.max_depth:
        _fail(errors.TOO_DEEP.format(limit=limits.max_depth), loc)
    if not obj:
        _fail(errors.EMPTY_OBJECT, loc)
    members: list[Member] = []
    for key, value in obj.items():
        here = _join(loc, key)
        if key == OR_KEY:
            members.append(_or_group(value, prefix, here, depth, limits))
            continue
        if in_or and key in RESERVED_IN_OR:
            _fail(errors.OR_RESERVED_NAME.format(name=key), here)
        path = _join(prefix, key)
        if isinstance(value, dict):
            members.extend(_object(value, path, here, depth + 1, in_or, limits))
        elif isinstance(value, list):
            members.append(Field(path, _values(value, here)))
        else:
            _fail(errors.MUST_BE_OBJECT_OR_ARRAY.format(name=key), here)
    return tuple(members)


def _or_group(value: Any, prefix: str, loc: str, depth: int, limits: PatternLimits) -> OrGroup:
    if not isinstance(value, list):
        _fail(errors.OR_NOT_ARRAY, loc)
    branches = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            _fail(errors.OR_NOT_OBJECT, f"{loc}[{i}]")
        branches.append(_object(item, prefix, f"{loc}[{i}]", depth + 1, True, limits))
    if len(branches) < 2:
        _fail(errors.OR_TOO_FEW, loc)
    return OrGroup(tuple(branches))


def _values(items: list[Any], loc: str) -> tuple[Matcher, ...]:
    out: list[Matcher] = []
    for i, item in enumerate(items):
        here = f"{loc}[{i}]"
        if isinstance(item, dict):
            out.append(_operator(item, here))
        elif item is None or isinstance(item, str | int | float):
            out.append(Exact(item))
        else:
            _fail(errors.BAD_MATCH_VALUE, here)
    if not out:
        _fail(errors.EMPTY_ARRAY, loc)
    return tuple(out)


def _operator(obj: dict[str, Any], loc: str) -> Matcher:
    """One ``{"<operator>": operand}`` object; the operand is checked before extra keys."""
    if not obj:
        _fail(errors.NO_MATCH_NAME, loc)
    name, operand = next(iter(obj.items()))
    here = f"{loc}.{name}"
    build = OPERATORS.get(name)
    if build is None:
        _fail(errors.UNKNOWN_MATCH_TYPE.format(name=name), here)
    matcher = build(operand, here)
    if len(obj) > 1:
        _fail(TOO_MANY.get(name, errors.ONE_KEY_ONLY), loc)
    return matcher


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _render(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _finite(value: int | float, op: str, loc: str) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        _fail(errors.NUMERIC_NOT_FINITE.format(op=op), loc)
    return number


def _ignore_case_operand(operand: dict[str, Any], loc: str, kind: str) -> str:
    """The ``{"equals-ignore-case": "..."}`` operand of ``prefix`` or ``suffix``."""
    name_missing, unsupported = (
        (errors.PREFIX_NAME_NOT_FOUND, errors.UNSUPPORTED_PREFIX)
        if kind == "prefix"
        else (errors.SUFFIX_NAME_NOT_FOUND, errors.UNSUPPORTED_SUFFIX)
    )
    if not operand:
        _fail(name_missing, loc)
    name, text = next(iter(operand.items()))
    if name != "equals-ignore-case":
        _fail(unsupported.format(name=name), loc)
    if not isinstance(text, str):
        _fail(errors.EIC_NOT_STRING, f"{loc}.{name}")
    if len(operand) > 1:
        _fail(errors.ONE_KEY_ONLY, loc)
    return text


def _prefix(operand: Any, loc: str) -> Matcher:
    if isinstance(operand, dict):
        return Prefix(_ignore_case_operand(operand, loc, "prefix"), ignore_case=True)
    if not isinstance(operand, str):
        _fail(errors.PREFIX_NOT_STRING, loc)
    return Prefix(operand)


def _suffix(operand: Any, loc: str) -> Matcher:
    if isinstance(operand, dict):
        return Suffix(_ignore_case_operand(operand, loc, "suffix"), ignore_case=True)
    if not isinstance(operand, str):
        _fail(errors.SUFFIX_NOT_STRING, loc)
    return Suffix(operand)


def _equals_ignore_case(operand: Any, loc: str) -> Matcher:
    if not isinstance(operand, str):
        _fail(errors.EIC_NOT_STRING, loc)
    return EqualsIgnoreCase(operand)


def _wildcard_operand(operand: Any, loc: str) -> Wildcard:
    if not isinstance(operand, str):
        _fail(errors.WILDCARD_NOT_STRING, loc)
    try:
        return parse_wildcard(operand)
    except ValueError as exc:
        _fail(str(exc), loc)


def _wildcard(operand: Any, loc: str) -> Matcher:
    return _wildcard_operand(operand, loc)


def _exists(operand: Any, loc: str) -> Matcher:
    if not isinstance(operand, bool):
        _fail(errors.EXISTS_NOT_BOOLEAN, loc)
    return Exists(operand)


def _cidr(operand: Any, loc: str) -> Matcher:
    if not isinstance(operand, str):
        _fail(errors.CIDR_NOT_STRING, loc)
    try:
        version, low, high = parse_cidr(operand)
    except ValueError as exc:
        _fail(str(exc), loc)
    return Cidr(operand, version, low, high)


NUMERIC_OPERATORS = ("=", "<", "<=", ">", ">=")
# event-ruler words an extra key after these operands as a numeric fault (sic).
TOO_MANY = {"numeric": errors.NUMERIC_TOO_MANY, "anything-but": errors.NUMERIC_TOO_MANY}


def _numeric(operand: Any, loc: str) -> Matcher:
    """``[op, n]`` or ``[">"|">=", low, "<"|"<=", high]`` with ``low < high``."""
    if not isinstance(operand, list):
        _fail(errors.NUMERIC_NOT_ARRAY, loc)
    if not operand or not isinstance(operand[0], str):
        _fail(errors.NUMERIC_BAD_MEMBER.format(text=_render(operand[0]) if operand else "]"), loc)
    op = operand[0]
    if op not in NUMERIC_OPERATORS:
        _fail(errors.NUMERIC_BAD_OPERATOR.format(text=op), loc)
    label = "equals" if op == "=" else op
    if len(operand) < 2 or not _is_number(operand[1]):
        _fail(errors.NUMERIC_NOT_NUMBER.format(op=label), loc)
    value = _finite(operand[1], label, loc)
    if op in (">", ">="):
        return _lower_bounded(operand, value, op == ">=", loc)
    if len(operand) > 2:
        _fail(errors.NUMERIC_TOO_MANY, loc)
    if op == "=":
        return Numeric(value, True, value, True)
    return Numeric(None, False, value, op == "<=")


def _lower_bounded(operand: list[Any], low: float, inclusive: bool, loc: str) -> Numeric:
    if len(operand) == 2:
        return Numeric(low, inclusive, None, False)
    op = operand[2]
    if not isinstance(op, str):
        _fail(errors.NUMERIC_RANGE_BAD_VALUE.format(text=_render(op)), loc)
    if op not in ("<", "<="):
        _fail(errors.NUMERIC_RANGE_BAD_OPERATOR.format(text=op), loc)
    if len(operand) < 4 or not _is_number(operand[3]):
        _fail(errors.NUMERIC_NOT_NUMBER.format(op=op), loc)
    if len(operand) > 4:
        _fail(errors.NUMERIC_RANGE_TOO_MANY, loc)
    high = _finite(operand[3], op, loc)
    if low >= high:
        _fail(errors.NUMERIC_BOTTOM_TOP, loc)
    return Numeric(low, inclusive, high, op == "<=")


ANYTHING_BUT_KINDS = ("prefix", "suffix", "equals-ignore-case", "wildcard")


def _anything_but(operand: Any, loc: str) -> Matcher:
    """A value, a list of one type, or ``{prefix|suffix|equals-ignore-case|wildcard: ...}``."""
    if isinstance(operand, dict):
        return _anything_but_object(operand, loc)
    if isinstance(operand, list):
        return _anything_but_list(operand, loc)
    if isinstance(operand, str):
        return AnythingBut("strings", (operand,))
    if _is_number(operand):
        return AnythingBut("numbers", (_finite(operand, "anything-but", loc),))
    _fail(errors.ANYTHING_BUT_BAD_VALUE, loc)


def _anything_but_list(items: list[Any], loc: str) -> Matcher:
    strings = [item for item in items if isinstance(item, str)]
    numbers = [item for item in items if _is_number(item)]
    for item in items:
        if not (isinstance(item, str) or _is_number(item)):
            _fail(errors.ANYTHING_BUT_LIST_BAD_MEMBER, loc)
    if bool(strings) == bool(numbers):
        _fail(errors.ANYTHING_BUT_MIXED, loc)
    if strings:
        return AnythingBut("strings", tuple(strings))
    return AnythingBut("numbers", tuple(_finite(n, "anything-but", loc) for n in numbers))


def _anything_but_object(operand: dict[str, Any], loc: str) -> Matcher:
    if not operand:
        _fail(errors.ANYTHING_BUT_NAME_NOT_FOUND, loc)
    kind, inner = next(iter(operand.items()))
    here = f"{loc}.{kind}"
    if kind not in ANYTHING_BUT_KINDS:
        _fail(errors.ANYTHING_BUT_UNSUPPORTED.format(name=kind), here)
    if not (isinstance(inner, str | list) or _is_number(inner)):
        _fail(errors.ANYTHING_BUT_BAD_VALUE, here)
    texts = inner if isinstance(inner, list) else [inner]
    for text in texts:
        _check_anything_but_operand(kind, text, here)
    if len(operand) > 1:
        _fail(errors.NUMERIC_TOO_MANY, loc)
    wildcards = tuple(parse_wildcard(t) for t in texts) if kind == "wildcard" else ()
    return AnythingBut(kind, tuple(texts), wildcards)


def _check_anything_but_operand(kind: str, text: Any, loc: str) -> None:
    if not isinstance(text, str):
        if kind == "equals-ignore-case":
            _fail(errors.ANYTHING_BUT_EIC_BAD_MEMBER, loc)
        if kind == "wildcard":
            _fail(errors.WILDCARD_NOT_STRING, loc)
        _fail(errors.ANYTHING_BUT_PREFIX_SUFFIX_NOT_STRING, loc)
    if kind in ("prefix", "suffix") and not text:
        _fail(errors.NULL_PREFIX_SUFFIX, loc)
    if kind == "wildcard":
        _wildcard_operand(text, loc)


OPERATORS: dict[str, Callable[[Any, str], Matcher]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "wildcard": _wildcard,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "exists": _exists,
    "cidr": _cidr,
}


def _check_branches(pattern: Pattern, limits: PatternLimits) -> None:
    try:
        rules = expand(pattern, limits.max_branches)
    except OverflowError:
        _fail(errors.TOO_MANY_BRANCHES.format(limit=limits.max_branches))
    if any(len(rule) > limits.max_fields for rule in rules):
        _fail(errors.TOO_MANY_FIELDS.format(limit=limits.max_fields))


def _check_wildcards(pattern: Pattern, limits: PatternLimits) -> None:
    by_path: defaultdict[str, list[Wildcard]] = defaultdict(list)
    for field in _fields(pattern.members):
        by_path[field.path].extend(m for m in field.matchers if isinstance(m, Wildcard))
    cap = limits.max_wildcard_complexity
    for path, wildcards in by_path.items():
        if complexity(wildcards, cap + 1) > cap:
            _fail(errors.WILDCARD_TOO_COMPLEX, path)


def _fields(members: tuple[Member, ...]) -> list[Field]:
    out: list[Field] = []
    for member in members:
        if isinstance(member, Field):
            out.append(member)
        else:
            for branch in member.branches:
                out.extend(_fields(branch))
    return out
