"""The command line and rules files: ``validate``, ``schema``, and ``serve`` refusing bad files.

``validate`` and ``schema`` run in-process through :func:`emulator.cli.main`; ``serve`` runs as
the real entry point (``python -m emulator``) in a child process.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from emulator.cli import main
from tests.conftest import REPO, make_sqs_client
from tests.servers import free_port

BAD = """\
queues:
  - QueueName: billing
rules:
  - Name: order-created
    EventPattern: {source: [shop]}
    Targets:
      - Id: billing
        Arn: arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:billng
"""
BAD_MESSAGE = (
    'rules/bad.yaml:8: rules[0] (order-created).Targets[0].Arn: no queue named "billng" '
    'exists in any rules file (did you mean "billing"?)'
)


def _run(*args: str, cwd: Path = REPO, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _bad_folder(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.yaml").write_text(BAD)
    return tmp_path


def test_validate_accepts_the_example_rules(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate", "rules"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("ok: 2 file(s), 4 queue(s), 1 bus(es), 1 rule(s), 2 chaos fault(s)\n", "")


def test_validate_refuses_with_status_2_and_located_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_bad_folder(tmp_path))
    assert main(["validate", "rules"]) == 2
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", [BAD_MESSAGE])


def test_validate_uses_the_given_account_and_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["validate", "rules", "--account-id", "123456789012", "--region", "eu-west-1"]) == 0
    (tmp_path / "q.yaml").write_text(
        "queues:\n  - QueueName: q\n    Attributes:\n      RedrivePolicy:\n"
        "        deadLetterTargetArn: arn:aws:sqs:us-east-1:000000000000:q\n"
        "        maxReceiveCount: 1\n"
    )
    capsys.readouterr()
    assert main(["validate", str(tmp_path / "q.yaml"), "--region", "eu-west-1"]) == 2
    assert "rules files declare account 000000000000 in eu-west-1" in capsys.readouterr().err


def test_serve_refuses_invalid_rules_with_the_same_messages(tmp_path: Path) -> None:
    port = str(free_port())
    result = _run("serve", "--port", port, "--rules", "rules", cwd=_bad_folder(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [BAD_MESSAGE]


def test_serve_reads_environment_rules_paths(tmp_path: Path) -> None:
    folder = _bad_folder(tmp_path)
    env_run = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--port", str(free_port())],
        cwd=tmp_path / "rules",
        env={"EVENTBUS_RULES": str(folder / "rules"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert env_run.returncode == 2
    assert "Targets[0].Arn: no queue named" in env_run.stderr


def test_serve_uses_the_rules_folder_of_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "q.yaml").write_text("queues: [{QueueName: from-cwd}]\n")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "emulator", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_healthy(proc, url)
        sqs = make_sqs_client(url, "json", region_name="us-east-1")
        assert sqs.get_queue_url(QueueName="from-cwd")["QueueUrl"].endswith("/from-cwd")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_schema_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "eventbus-emulator rules file"
    assert set(schema["properties"]) >= {"queues", "buses", "rules", "chaos"}


def _wait_healthy(proc: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited before it became healthy"
        try:
            if httpx.get(f"{url}/_emulator/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise AssertionError("the server did not become healthy within 20 s")


def test_schema_piped_into_a_reader_that_stops_early_exits_cleanly() -> None:
    # `true` reads nothing and exits before the schema is written: the write meets a closed pipe.
    command = f"{sys.executable} -m emulator schema | true"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
