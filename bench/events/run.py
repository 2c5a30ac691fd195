"""EventBridge benchmark: ``loadgen.py eb-fanout`` against the emulator, one table of results.

Starts ``.venv/bin/eventbus-emulator`` on a free loopback port in 5100-5199, then runs
``../shared/bench/loadgen.py eb-fanout`` (a bus, N rules of which exactly one matches each event,
SQS queues as targets, consumers checking that every event arrives once and on the right queue)
for 1, 100 and 1,000 rules at full speed, and once at low load (2 PutEvents per second) for the
PutEvents-to-receivable latency. See README.md. Linux only (reads ``/proc``).

    /tmp/benchvenv/bin/python bench/events/run.py --duration 8
"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SHARED_BENCH = REPO.parent / "shared" / "bench"
PORTS = range(5100, 5200)


@dataclass(frozen=True)
class Scenario:
    """One eb-fanout run."""

    label: str
    args: tuple[str, ...]
    duration: float | None = None  # None: the --duration option


SCENARIOS = (
    Scenario("1 rule", ("--rules", "1", "--queues", "1", "-c", "4", "--consumers", "2")),
    Scenario("100 rules", ("--rules", "100", "--queues", "4", "-c", "4", "--consumers", "2")),
    Scenario("1,000 rules", ("--rules", "1000", "--queues", "4", "-c", "4", "--consumers", "2")),
    Scenario("low load: 100 rules, 2 PutEvents/s", ("--rules", "100", "--rate", "2"), 10.0),
)


def free_port() -> int:
    """A loopback port in 5100-5199 that nothing listens on."""
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit("no free port in 5100-5199")


def start_emulator(port: int) -> subprocess.Popen[bytes]:
    """The emulator, answering its health check."""
    command = [str(REPO / ".venv/bin/eventbus-emulator"), "--port", str(port)]
    # From an empty folder: the emulator would otherwise load the repository's ./rules.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir()
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/health", timeout=0.5):
                return process
        except (urllib.error.URLError, OSError):
            if process.poll() is not None:
                raise SystemExit(f"the emulator exited with {process.returncode}") from None
            time.sleep(0.02)
    raise SystemExit("the emulator did not become healthy")


def run(python: str, port: int, pid: int, scenario: Scenario, duration: float) -> dict[str, Any]:
    """One loadgen eb-fanout run; its JSON result."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as out:
        command = [
            python, str(SHARED_BENCH / "loadgen.py"), "eb-fanout", *scenario.args,
            "--endpoint", f"http://127.0.0.1:{port}", "--pid", str(pid),
            "-d", str(scenario.duration or duration), "--label", scenario.label,
            "--json-out", out.name,
        ]  # fmt: skip
        print(f"-- {scenario.label}", file=sys.stderr, flush=True)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        result: dict[str, Any] = json.loads(out.read().strip().splitlines()[-1])
        return result


def row(label: str, r: dict[str, Any]) -> str:
    """One Markdown table row."""
    latency = r.get("delivery_latency") or {}
    server = r.get("server") or {}
    events = r.get("msgs") or 0
    cpu_per_event = server.get("cpu_s", 0) / events * 1e6 if events else 0
    errors = sum((r.get("errors") or {}).values())
    return (
        f"| {label} | {r.get('msgs_per_s', 0):,.0f} | {r.get('put_events_per_s', 0):,.0f} "
        f"| {latency.get('p50_ms', '-')} | {latency.get('p99_ms', '-')} | {cpu_per_event:,.0f} "
        f"| {r.get('lost')} / {r.get('duplicated')} / {r.get('misrouted')} | {errors} |"
    )


def table(results: dict[str, dict[str, Any]]) -> str:
    """The results as Markdown."""
    lines = [
        "| scenario | delivered events/s | accepted events/s | PutEvents→receivable p50 ms "
        "| p99 ms | server CPU µs/event | lost / duplicated / misrouted | errors |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    lines += [row(label, result) for label, result in results.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run every scenario against one emulator and print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--duration", "-d", type=float, default=8.0, help="seconds per scenario")
    p.add_argument("--python", default=sys.executable, help="interpreter with loadgen's deps")
    p.add_argument("--json-out", help="also write every loadgen result to this JSON file")
    a = p.parse_args(argv)
    port = free_port()
    emulator = start_emulator(port)
    results: dict[str, dict[str, Any]] = {}
    try:
        for scenario in SCENARIOS:
            results[scenario.label] = run(a.python, port, emulator.pid, scenario, a.duration)
    finally:
        emulator.send_signal(signal.SIGTERM)
        emulator.wait(timeout=10)
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(results, indent=1))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
