"""Reading rules files: YAML or JSON into plain values, remembering the line of every field.

PyYAML's composer gives nodes with marks; walking them ourselves (instead of ``safe_load``) keeps
a line for every key and list item, and lets duplicate keys be refused rather than silently
overwritten. JSON is read by the ``json`` module (YAML 1.1 reads ``1e5`` as a string and refuses
tab indentation, both valid JSON); its lines come from composing the same text as YAML, with tabs
(which valid JSON has only as whitespace) turned into spaces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Key = str | int
FieldPath = tuple[Key, ...]
RULES_SUFFIXES = (".yaml", ".yml", ".json")
_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")
_MAX_DEPTH = 100
_REPLACED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "timestamp")
)
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_STANDARD_TAG = "tag:yaml.org,2002:"
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


class RulesYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2's core schema for plain scalars.

    YAML 1.1 (PyYAML's default) reads ``NO``, ``on`` and ``yes`` as booleans, ``12:30`` as the
    number 750, ``012`` as octal and ``2024-01-01`` as a date; in event patterns and attribute
    values those surprise users. Here only ``true``/``false`` are booleans, numbers are decimal
    (or ``0o``/``0x``), ``1e5`` is a number as in JSON, and dates stay text.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_int(loader: yaml.SafeLoader, node: yaml.Node) -> int:
    text = str(node.value)
    base = {"0o": 8, "0x": 16}.get(text[:2], 10)
    return int(text[2:] if base != 10 else text, base)


def _construct_float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    text = str(node.value).lower().replace(".inf", "inf").replace(".nan", "nan")
    return float(text)


def _construct_bool(loader: yaml.SafeLoader, node: yaml.Node) -> bool:
    return str(node.value).lower() == "true"


RulesYamlLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))
RulesYamlLoader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
RulesYamlLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))
RulesYamlLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
RulesYamlLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
RulesYamlLoader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)


class LoadError(Exception):
    """A file that cannot be read as YAML or JSON; ``line`` is 1-based (0: no line)."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")
        self.file = file
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Document:
    """One file's content and the 1-based line of each field path (``("rules", 0, "Name")``)."""

    file: str
    data: Any
    lines: dict[FieldPath, int] = field(default_factory=dict)

    def line(self, path: FieldPath) -> int:
        """The line of ``path``, or of its nearest located ancestor."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(path[:end])
            if found is not None:
                return found
        return 1


def rules_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the ``*.yaml``/``*.yml``/``*.json`` files of folders named, in order.

    A folder's files are taken in name order, without descending into sub-folders; names
    starting with ``.`` (editor swap files, Kubernetes' ``..data``) are skipped. A path that does
    not exist raises :class:`LoadError`.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if _is_rules_file(p)))
        elif path.is_file():
            out.append(path)
        else:
            raise LoadError(str(raw), 0, "no such file or folder")
    return out


def _is_rules_file(path: Path) -> bool:
    return path.suffix in RULES_SUFFIXES and not path.name.startswith(".") and path.is_file()


def load_file(path: Path, display: str | None = None) -> Document:
    """Read one rules file (JSON when it ends in ``.json``, else YAML)."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(name, 0, f"cannot be read: {exc}") from None
    return load_text(text, name, json_format=path.suffix == ".json")


def load_text(text: str, file: str, *, json_format: bool = False) -> Document:
    """Parse ``text`` as the contents of ``file``."""
    if json_format:
        return _load_json(text, file)
    return _load_yaml(text, file)


def _load_yaml(text: str, file: str) -> Document:
    try:
        node = yaml.compose(text, Loader=RulesYamlLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise LoadError(file, line, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise LoadError(file, 0, f"invalid YAML: {exc}") from None
    if node is None:
        return Document(file, None, {(): 1})
    walker = _Walker(file)
    data = walker.value(node, (), 0)
    return Document(file, data, walker.lines)


def _load_json(text: str, file: str) -> Document:
    try:
        data = json.loads(text, object_pairs_hook=_refuse_duplicates)
    except json.JSONDecodeError as exc:
        raise LoadError(file, exc.lineno, f"invalid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        line = _duplicate_line(text, file)
        raise LoadError(file, line, f"invalid JSON: duplicate key {exc.key!r}") from None
    return Document(file, data, _json_lines(text, file))


def _duplicate_line(text: str, file: str) -> int:
    """The line YAML reports for a duplicate key of a JSON text (0 when it reports none)."""
    try:
        _load_yaml(text.replace("\t", " "), file)
    except LoadError as exc:
        return exc.line
    return 0


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _json_lines(text: str, file: str) -> dict[FieldPath, int]:
    """Lines of a valid JSON text's fields, or just the root's when YAML cannot read it."""
    try:
        document = _load_yaml(text.replace("\t", " "), file)
    except (LoadError, RecursionError):
        return {(): 1}
    return document.lines


class _Walker:
    """Turns composed YAML nodes into plain values, recording where each one starts."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[FieldPath, int] = {}
        self.constructor = RulesYamlLoader("")

    def value(self, node: yaml.Node, path: FieldPath, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            self._fail(node, "nested too deeply")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if not node.tag.startswith(_STANDARD_TAG):
            self._fail(node, f"unsupported tag {node.tag} (rules files hold plain values)")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: FieldPath, depth: int) -> dict[str, Any]:
        self.constructor.flatten_mapping(node)  # YAML merge keys (``<<: *defaults``)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key in out:
                self._fail(key_node, f"duplicate key {key!r}")
            self.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.value(value_node, (*path, key), depth + 1)
        return out

    def key(self, node: yaml.Node) -> str:
        """A key as written: ``on:`` or ``1:`` are the keys ``"on"`` and ``"1"``."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self._fail(node, "a key must be a plain value")
        return str(node.value)

    def scalar(self, node: yaml.Node) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._fail(node, f"invalid YAML: {exc}")

    def _fail(self, node: yaml.Node, reason: str) -> Any:
        raise LoadError(self.file, node.start_mark.line + 1, reason)


def parse_field_path(text: str) -> FieldPath:
    """``"faults[1].delay.ms"`` -> ``("faults", 1, "delay", "ms")``."""
    return tuple(int(index) if index else name for index, name in _TOKEN.findall(text))
