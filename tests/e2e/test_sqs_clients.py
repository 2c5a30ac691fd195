"""Other SDKs against the real server: @aws-sdk/client-sqs v3 on Node, and botocore 1.31.80's
query-protocol client in its own environment. Each runs a script in a subprocess.

When a toolchain is missing these tests skip and say why (``-ra`` prints the reason); they never
pass without having run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.servers import RunningServer

REPO = Path(__file__).resolve().parents[2]
NODE_DIR = REPO / "tests" / "clients" / "node"
QUERY_SCRIPT = REPO / "tests" / "clients" / "query_client.py"
QUERY_PYTHON = REPO / ".venv-query" / "bin" / "python"


def run_client(command: list[str], url: str, cwd: Path) -> dict[str, Any]:
    """Run a client script against ``url``; fail with its output unless it exits 0."""
    env = {**os.environ, "EMULATOR_URL": url, "AWS_EC2_METADATA_DISABLED": "true"}
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return summary


def node_or_skip() -> str:
    """The ``node`` executable, with the SDK installed; otherwise skip saying why."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: @aws-sdk/client-sqs v3 test not run")
    if not (NODE_DIR / "node_modules" / "@aws-sdk" / "client-sqs").is_dir():
        pytest.skip(
            "tests/clients/node/node_modules missing: run `npm ci` there (tests/run.sh does)"
        )
    return node


def test_aws_sdk_v3_for_javascript_sends_and_receives_every_attribute_type(
    emulator: RunningServer,
) -> None:
    node = node_or_skip()
    summary = run_client([node, "sqs_client.mjs"], emulator.url, NODE_DIR)
    assert summary["ok"] is True
    assert summary["sent"] == summary["received"] == 4
    assert summary["checks"] >= 60


def test_query_protocol_client_botocore_1_31_walks_the_queue_lifecycle(
    emulator: RunningServer,
) -> None:
    if not QUERY_PYTHON.exists():
        pytest.skip(".venv-query missing: tests/run.sh installs botocore 1.31.80 there")
    summary = run_client([str(QUERY_PYTHON), str(QUERY_SCRIPT), emulator.url], emulator.url, REPO)
    assert summary == {
        "ok": True,
        "botocore": "1.31.80",
        "protocol": "query",
        "sent": 4,
        "checks": summary["checks"],
    }
    assert summary["checks"] >= 35
