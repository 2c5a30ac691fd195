"""Reading rules files: values, the line of every field, and located read errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.config.loader import LoadError, load_text, parse_field_path, rules_files


def test_yaml_fields_know_their_lines() -> None:
    document = load_text("queues:\n  - QueueName: a\n    tags:\n      team: x\n", "f.yaml")
    assert document.data == {"queues": [{"QueueName": "a", "tags": {"team": "x"}}]}
    assert document.line(("queues", 0, "QueueName")) == 2
    assert document.line(("queues", 0, "tags", "team")) == 4


def test_line_of_a_missing_field_is_its_nearest_ancestors() -> None:
    document = load_text("rules:\n  - Name: r\n", "f.yaml")
    assert document.line(("rules", 0, "Targets", 3, "Arn")) == 2


def test_yaml_plain_scalars_follow_yaml_1_2_core_schema() -> None:
    text = "a: NO\nb: on\nc: 12:30\nd: 012\ne: 1e5\nf: 2024-01-01\ng: true\nh: 0x1F\n"
    assert load_text(text, "f.yaml").data == {
        "a": "NO",
        "b": "on",
        "c": "12:30",
        "d": 12,
        "e": 100000.0,
        "f": "2024-01-01",
        "g": True,
        "h": 31,
    }


def test_yaml_keys_stay_as_written() -> None:
    assert load_text("detail:\n  on: [1]\n  1: [2]\n", "f.yaml").data == {
        "detail": {"on": [1], "1": [2]}
    }


def test_yaml_merge_keys_and_anchors_are_resolved() -> None:
    text = "d: &d {a: 1}\ne:\n  <<: *d\n  b: 2\n"
    assert load_text(text, "f.yaml").data["e"] == {"a": 1, "b": 2}


def test_yaml_syntax_error_names_file_and_line() -> None:
    with pytest.raises(LoadError) as caught:
        load_text("queues:\n  - QueueName: [a\n", "rules/x.yaml")
    assert str(caught.value).startswith("rules/x.yaml:3: invalid YAML: ")


def test_yaml_duplicate_key_is_refused_at_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        load_text("queues: []\nbuses: []\nqueues: []\n", "f.yaml")
    assert str(caught.value) == "f.yaml:3: duplicate key 'queues'"


def test_yaml_custom_tags_are_refused() -> None:
    with pytest.raises(LoadError) as caught:
        load_text("rules:\n  - Name: !Ref Foo\n", "f.yaml")
    assert str(caught.value) == "f.yaml:2: unsupported tag !Ref (rules files hold plain values)"


def test_json_with_tabs_is_read_with_lines() -> None:
    text = '{\n\t"queues": [\n\t\t{"QueueName": "a", "Attributes": {"DelaySeconds": 1e1}}\n\t]\n}'
    document = load_text(text, "f.json", json_format=True)
    assert document.data["queues"][0]["Attributes"]["DelaySeconds"] == 10.0
    assert document.line(("queues", 0, "QueueName")) == 3


def test_json_syntax_error_names_file_and_line() -> None:
    with pytest.raises(LoadError) as caught:
        load_text('{"queues": [\n  {"QueueName": "a",}\n]}', "f.json", json_format=True)
    assert str(caught.value).startswith("f.json:2: invalid JSON: ")


def test_json_duplicate_key_is_refused_at_its_line() -> None:
    with pytest.raises(LoadError) as caught:
        load_text('{"queues": [],\n "queues": []}', "f.json", json_format=True)
    assert str(caught.value) == "f.json:2: invalid JSON: duplicate key 'queues'"


def test_folders_give_their_rules_files_in_name_order(tmp_path: Path) -> None:
    for name in ("b.yaml", "a.json", "c.yml", ".hidden.yaml", "notes.txt"):
        (tmp_path / name).write_text("{}")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.yaml").write_text("{}")
    assert [p.name for p in rules_files([tmp_path])] == ["a.json", "b.yaml", "c.yml"]


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file or folder"):
        rules_files([tmp_path / "nope"])


def test_field_paths_parse_from_text() -> None:
    assert parse_field_path("faults[1].delay.ms") == ("faults", 1, "delay", "ms")
    assert parse_field_path("detail.x[0].numeric") == ("detail", "x", 0, "numeric")
    assert parse_field_path("") == ()
