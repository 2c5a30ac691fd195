"""EventBridge benchmark: ``loadgen.py eb-fanout`` against the emulator, one table of results.

Starts ``.venv/bin/eventbus-emulator`` on a free loopback port in 5100-5199, then runs
``../shared/bench/loadgen.py eb-fanout`` (a bus, N rules of which exactly one matches each event,
SQS queues as targets, consumers checking that every event arrives once and on the right queue)
for 1, 100 and 1,000 rules at full speed, then at low load (2 PutEvents per second) for the
PutEvents-to-receivable latency, alternating with the same scenario against ``floor.py`` (the least
work such a server can do) so that the latency is quoted as a ratio to the floor measured in the
same minutes. See README.md. Linux only (reads ``/proc``).

    /tmp/benchvenv/bin/python bench/events/run.py --duration 8
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
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
)
LOW_LOAD = Scenario("low load: 100 rules, 2 PutEvents/s", ("--rules", "100", "--rate", "2"), 10.0)


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

    def healthy() -> None:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_emulator/health", timeout=0.5):
            pass

    return wait_until(healthy, process, "the emulator")


def start_floor(python: str, port: int) -> subprocess.Popen[bytes]:
    """``floor.py``, accepting connections."""
    command = [python, str(Path(__file__).with_name("floor.py")), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return wait_until(
        lambda: socket.create_connection(("127.0.0.1", port), timeout=0.5).close(),
        process,
        "floor.py",
    )


def wait_until(
    probe: Callable[[], None], process: subprocess.Popen[bytes], name: str
) -> subprocess.Popen[bytes]:
    """``process`` once ``probe`` stops raising ``OSError`` (20 s at most)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            probe()
            return process
        except OSError:  # urllib's URLError is one too
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode}") from None
            time.sleep(0.02)
    raise SystemExit(f"{name} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)


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


def p50(result: dict[str, Any]) -> float:
    """A run's PutEvents→receivable p50 in ms (NaN without deliveries)."""
    latency = result.get("delivery_latency") or {}
    return float(latency.get("p50_ms", math.nan))


def latency_rounds(python: str, rounds: int) -> tuple[list[float], list[float], dict[str, Any]]:
    """The low-load scenario against a fresh emulator and against the floor, alternately, in
    ``rounds`` rounds; both p50 lists and the emulator's last result."""
    ours: list[float] = []
    floor: list[float] = []
    last: dict[str, Any] = {}
    for n in range(rounds):
        for kind in ("emulator", "floor") if n % 2 == 0 else ("floor", "emulator"):
            port = free_port()
            process = start_emulator(port) if kind == "emulator" else start_floor(python, port)
            try:
                label = LOW_LOAD.label + ("" if kind == "emulator" else " (floor.py)")
                result = run(python, port, process.pid, Scenario(label, LOW_LOAD.args), 10.0)
            finally:
                stop(process)
            if kind == "emulator":
                ours.append(p50(result))
                last = result
            else:
                floor.append(p50(result))
    return ours, floor, last


def main(argv: list[str] | None = None) -> int:
    """Run every scenario against one emulator, then the latency rounds; print the table."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--duration", "-d", type=float, default=8.0, help="seconds per scenario")
    p.add_argument("--python", default=sys.executable, help="interpreter with loadgen's deps")
    p.add_argument("--json-out", help="also write every loadgen result to this JSON file")
    p.add_argument(
        "--latency-rounds", type=int, default=2, help="low-load runs per server (0: none)"
    )
    p.add_argument("--latency-only", action="store_true", help="skip the full-speed scenarios")
    a = p.parse_args(argv)
    results: dict[str, dict[str, Any]] = {}
    if not a.latency_only:
        port = free_port()
        emulator = start_emulator(port)
        try:
            for scenario in SCENARIOS:
                results[scenario.label] = run(a.python, port, emulator.pid, scenario, a.duration)
        finally:
            stop(emulator)
    ours: list[float] = []
    floor: list[float] = []
    if a.latency_rounds > 0:
        ours, floor, results[LOW_LOAD.label] = latency_rounds(a.python, a.latency_rounds)
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(results, indent=1))
    print(table(results))
    if not ours:
        return 0
    ratio = statistics.median(ours) / statistics.median(floor)
    print(
        f"\nlow-load PutEvents→receivable p50, ms: emulator {fmt(ours)}, floor.py {fmt(floor)}; "
        f"median ratio {ratio:.2f} times the floor (target ≤ 3 ms)"
    )
    return 0


def fmt(values: list[float]) -> str:
    """``4.1 / 4.3 (median 4.2)``."""
    runs = " / ".join(f"{v:.2f}" for v in values)
    return f"{runs} (median {statistics.median(values):.2f})"


if __name__ == "__main__":
    raise SystemExit(main())
