"""The image and docker-compose.yml: hadolint, ``docker-compose config``, and the smoke test
(``tests/container/smoke.sh``: build, run, boto3 calls, ``docker stop``, compose up and down).

On a developer's machine a missing tool or engine is a skip that says why. Under CI (``CI=true``,
as ``.ci/run`` sets it) a missing tool or engine is a failure, unless the machine refused to
install or run one for a reason ``tests/container/engine.sh`` recorded
(``EVENTBUS_CONTAINER_SKIP``). The smoke script decides for itself and exits 77 for a skip,
which is reported as a skip, never as a pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCKERFILES = ["Dockerfile", "examples/consumer/Dockerfile"]
SMOKE = REPO / "tests" / "container" / "smoke.sh"
SMOKE_SKIPPED = 77
SMOKE_TIMEOUT_S = 900


def in_ci() -> bool:
    """``.ci/run`` exports ``CI=true``; so do GitHub Actions and GitLab CI."""
    return os.environ.get("CI") == "true"


def tool(name: str) -> str:
    """The path of a command (the test environment's own first); skip or, in CI, fail without."""
    beside_python = Path(sys.executable).parent / name
    found = str(beside_python) if beside_python.exists() else shutil.which(name)
    if found is None:
        reason = f"{name} is not installed"
        refused = os.environ.get("EVENTBUS_CONTAINER_SKIP")
        if refused:
            pytest.skip(f"{reason}: {refused}")
        if in_ci():
            pytest.fail(f"{reason} (CI=true: .ci/run and tests/run.sh install it)")
        pytest.skip(reason)
    return found


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run a command in the repository, capturing its output as text."""
    return subprocess.run(
        args, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_dockerfiles_pass_hadolint() -> None:
    result = run(tool("hadolint"), *DOCKERFILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_is_valid_for_docker_compose_1_29() -> None:
    result = run(tool("docker-compose"), "config", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == "", "docker-compose config warned"


def test_image_builds_runs_answers_boto3_and_stops_cleanly(tmp_path: Path) -> None:
    log = tmp_path / "smoke.log"
    with log.open("w") as out:
        status = subprocess.run(
            ["bash", str(SMOKE)],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=SMOKE_TIMEOUT_S,
            check=False,
        ).returncode
    lines = log.read_text().splitlines()
    print("\n".join(lines))  # shown with -rA, and on failure
    if status == SMOKE_SKIPPED:
        reasons = [line for line in lines if "SKIPPED:" in line]
        pytest.skip(reasons[-1] if reasons else "container smoke test skipped")
    assert status == 0, "\n".join(lines[-40:])
