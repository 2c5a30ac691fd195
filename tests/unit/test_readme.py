"""README.md stays true to the code."""

from __future__ import annotations

from emulator.coverage import with_table
from tests.conftest import REPO


def test_readme_coverage_table_is_current() -> None:
    text = (REPO / "README.md").read_text()
    assert text == with_table(text), "run: python -m emulator.coverage --write README.md"


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    assert "bash tests/run.sh" in readme
    assert "bash tests/run.sh" in ci
