"""The rule index: its API, its ordering, and that it consults only candidate rules."""

from __future__ import annotations

import json
from typing import Any

from emulator.core.patterns import RuleIndex, compile_pattern


def index_of(patterns: dict[str, Any]) -> RuleIndex[str]:
    index: RuleIndex[str] = RuleIndex()
    for rule_id, pattern in patterns.items():
        index.add(rule_id, compile_pattern(json.dumps(pattern)))
    return index


def test_matched_rules_come_back_in_the_order_they_were_added() -> None:
    index = index_of({"z": {"a": ["1"]}, "m": {"a": [{"prefix": ""}]}, "a": {"b": ["2"]}})
    assert index.match({"a": "1", "b": "2"}) == ["z", "m", "a"]


def test_re_adding_a_rule_replaces_it_and_moves_it_last() -> None:
    index = index_of({"r1": {"a": ["1"]}, "r2": {"a": ["1"]}})
    index.add("r1", compile_pattern('{"a": ["1", "2"]}'))
    assert index.match({"a": "1"}) == ["r2", "r1"]
    assert index.match({"a": "2"}) == ["r1"]
    assert len(index) == 2


def test_removed_rule_no_longer_matches() -> None:
    index = index_of({"r1": {"a": ["1"]}, "r2": {"a": [{"numeric": [">", 0]}]}})
    assert index.remove("r1") is True
    assert index.remove("r1") is False
    assert index.match({"a": "1"}) == []
    assert "r1" not in index
    assert "r2" in index


def test_removing_every_rule_leaves_no_bucket_behind() -> None:
    index = index_of(
        {"r1": {"a": ["1"]}, "r2": {"b": [{"prefix": "x"}]}, "r3": {"c": [{"exists": True}]}}
    )
    for rule_id in ("r1", "r2", "r3"):
        index.remove(rule_id)
    assert index._paths == {}
    assert index._fallback == {}


def test_or_rule_is_returned_once_when_both_branches_match() -> None:
    index = index_of({"r": {"$or": [{"a": ["1"]}, {"b": ["2"]}]}})
    assert index.match({"a": "1", "b": "2"}) == ["r"]


def test_rule_without_an_exact_or_prefix_field_goes_to_the_fallback_list() -> None:
    index = index_of({"r": {"a": [{"numeric": [">", 1]}]}})
    assert len(index._fallback) == 1
    assert index.match({"a": 2}) == ["r"]


def test_prefix_rules_are_filed_by_prefix() -> None:
    index = index_of({"p": {"a": [{"prefix": "ord-"}]}, "q": {"a": [{"prefix": "or"}]}})
    assert index._fallback == {}
    assert index.match({"a": "ord-1"}) == ["p", "q"]
    assert index.match({"a": "or"}) == ["q"]
    assert index.match({"a": ["x", "ord-"]}) == ["p", "q"]


def test_exact_anchor_finds_numbers_written_differently() -> None:
    index = index_of({"r": {"a": [300]}})
    assert index.match({"a": 3.0e2}) == ["r"]
    assert index.match({"a": "300"}) == []
    assert index.match({"a": True}) == []


def test_true_and_one_are_different_anchors() -> None:
    index = index_of({"t": {"a": [True]}, "one": {"a": [1]}})
    assert index.match({"a": True}) == ["t"]
    assert index.match({"a": 1}) == ["one"]


def test_anchor_prefers_the_field_that_spreads_rules_out() -> None:
    patterns = {f"r{i}": {"source": ["svc"], "detail": {"id": [i]}} for i in range(50)}
    index = index_of(patterns)
    assert set(index._paths) == {"detail.id"}
    assert index.match({"source": "svc", "detail": {"id": 7}}) == ["r7"]


def test_first_rules_are_not_filed_under_the_envelope_fields_every_rule_shares() -> None:
    # With no statistics yet, every path costs the same for the first rule; "detail-type" sorts
    # before "detail.shard", and was chosen, so every later event ran that rule's test too.
    patterns = {
        f"r{i}": {"source": ["svc"], "detail-type": ["Placed"], "detail": {"shard": [i]}}
        for i in range(20)
    }
    index = index_of(patterns)
    assert set(index._paths) == {"detail.shard"}
    event = {"source": "svc", "detail-type": "Placed", "detail": {"shard": 0}}
    assert len(index._candidates(event)) == 1
    assert index.match(event) == ["r0"]


def test_event_with_dotted_keys_reaches_anchored_rules() -> None:
    index = index_of({"r": {"detail": {"x": ["1"]}}})
    assert index.match({"detail.x": "1"}) == ["r"]


def test_index_works_with_any_hashable_rule_id() -> None:
    index: RuleIndex[tuple[str, int]] = RuleIndex()
    index.add(("bus", 1), compile_pattern('{"a": ["1"]}'))
    assert index.match({"a": "1"}) == [("bus", 1)]


def test_build_and_matching_are_the_matchbench_protocol() -> None:
    index = RuleIndex.build(['{"a": ["1"]}', '{"a": ["2"]}', '{"a": ["1", "2"]}'])
    assert RuleIndex.matching(index, {"a": "2"}) == [1, 2]


def test_index_with_many_anchor_paths_reads_the_event_once_and_agrees() -> None:
    patterns = {f"r{i}": {"detail": {f"f{i}": [i]}, "source": ["s"]} for i in range(60)}
    patterns["arr"] = {"detail": {"f1": [1], "tags": ["x"]}}
    patterns["dotted"] = {"detail": {"f2": [2]}}
    index = index_of(patterns)
    assert len(index._paths) > 48
    assert index.match({"source": "s", "detail": {"f1": 1, "tags": ["y", "x"]}}) == ["r1", "arr"]
    assert index.match({"source": "s", "detail.f2": 2}) == ["r2", "dotted"]
    assert index.match({"source": "s", "detail": {"f3": [0, 3]}}) == ["r3"]
    assert index.match({"source": "t", "detail": {"f4": 4}}) == []
