"""Every case file: the compiled matcher, the reference matcher and the rule index each give the
outcome the file states, and invalid patterns are refused with AWS's reason."""

from __future__ import annotations

import pytest

from emulator.core.patterns import InvalidPattern, RuleIndex, compile_pattern, reference_matches
from tests.patterns.casefiles import CASES_DIR, SHARED_CONFORMANCE, Case, params

OWN_FILES = sorted(CASES_DIR.glob("*.jsonl"))
SHARED_FILE = SHARED_CONFORMANCE / "event-patterns.jsonl"


def outcomes(case: Case) -> set[str]:
    """The outcome of each of the three matchers (one element when they agree).

    An invalid pattern's outcome is ``invalid`` plus its reason when the case names one.
    """
    try:
        compiled = compile_pattern(case.pattern_text)
    except InvalidPattern as exc:
        if case.reason is not None and case.reason not in exc.reason:
            return {f"invalid for another reason: {exc.reason}"}
        return {"invalid"}
    index: RuleIndex[str] = RuleIndex()
    index.add("rule", compiled)
    verdicts = {
        compiled.matches(case.event),
        reference_matches(compiled.pattern, case.event),
        index.match(case.event) == ["rule"],
    }
    return {"match" if v else "no-match" for v in verdicts}


@pytest.mark.parametrize("case", [p for f in OWN_FILES for p in params(f)])
def test_case_file_outcome_is_the_stated_one(case: Case) -> None:
    assert outcomes(case) == {case.expected}


@pytest.mark.skipif(
    not SHARED_FILE.exists(), reason=f"shared conformance cases not found at {SHARED_FILE}"
)
@pytest.mark.parametrize("case", params(SHARED_FILE) if SHARED_FILE.exists() else [])
def test_shared_conformance_case_outcome_is_the_stated_one(case: Case) -> None:
    assert outcomes(case) == {case.expected}


def test_every_user_guide_case_names_its_page() -> None:
    cases = [p.values[0] for p in params(CASES_DIR / "user-guide.jsonl")]
    assert cases
    assert all(c.source and c.source.startswith("eb-") for c in cases)


def test_case_files_cover_every_outcome() -> None:
    expected = {p.values[0].expected for f in OWN_FILES for p in params(f)}
    assert expected == {"match", "no-match", "invalid"}
