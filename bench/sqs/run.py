"""SQS benchmark: the emulator against the ``minisqs`` ceiling, measured side by side in one run.

Starts ``eventbus-emulator`` and ``../shared/bench/ceiling_server.py minisqs`` on free loopback
ports in 5100-5199, runs ``../shared/bench/loadgen.py`` scenarios against both, and prints one
table with the emulator's figures as ratios to the ceiling, plus idle RSS and start-to-healthy
time. See README.md. Linux only (reads ``/proc``).

    /tmp/benchvenv/bin/python bench/sqs/run.py --duration 8
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SHARED_BENCH = REPO.parent / "shared" / "bench"
PORTS = range(5100, 5200)


@dataclass(frozen=True)
class Scenario:
    """One loadgen run: its label, arguments, and whether the ceiling can serve it."""

    label: str
    args: tuple[str, ...]
    on_ceiling: bool = True


SCENARIOS = (
    Scenario("SendMessage (JSON)", ("sqs-send",)),
    Scenario("SendMessageBatch 10x1KiB (JSON)", ("sqs-send-batch",)),
    Scenario("SendMessage (query)", ("sqs-send", "--sqs-protocol", "query"), on_ceiling=False),
    Scenario(
        "send-receive-delete roundtrip",
        ("sqs-roundtrip", "--producers", "8", "--consumers", "8"),
    ),
)


@dataclass
class Server:
    """A server process under test."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    healthy_after_s: float
    idle_rss_mb: float = 0.0
    results: dict[str, dict[str, Any]] = field(default_factory=dict)


def free_port(taken: set[int]) -> int:
    """A loopback port in 5100-5199 that nothing listens on."""
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        taken.add(port)
        return port
    raise SystemExit("no free port in 5100-5199")


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> float:
    """Seconds until ``url`` answers HTTP at all (any status) after the process started."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=0.5):
                return time.monotonic() - started
        except urllib.error.HTTPError:
            return time.monotonic() - started
        except OSError:
            time.sleep(0.005)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def start(name: str, command: list[str], port: int, health_path: str) -> Server:
    """Start a server, time it to its first answer, then let it idle and read its RSS."""
    started = time.monotonic()
    # From an empty folder: the emulator would otherwise load the repository's ./rules.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tempfile.gettempdir()
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url + health_path, process)
    server = Server(name, process, url, time.monotonic() - started)
    time.sleep(1.0)
    server.idle_rss_mb = rss_mb(process.pid)
    return server


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB, from ``/proc``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def run_loadgen(python: str, server: Server, scenario: Scenario, a: argparse.Namespace) -> None:
    """One loadgen run against ``server``; its JSON result is kept under the scenario's label."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl") as out:
        command = [
            python, str(a.shared / "loadgen.py"), *scenario.args,
            "--endpoint", server.url, "--pid", str(server.process.pid),
            "-d", str(a.duration), "--label", f"{server.name}: {scenario.label}",
            "--json-out", out.name,
        ]  # fmt: skip
        if scenario.args[0] != "sqs-roundtrip":
            command += ["-c", str(a.concurrency)]
        print(f"-- {server.name}: {scenario.label}", file=sys.stderr, flush=True)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        server.results[scenario.label] = json.loads(out.read().strip().splitlines()[-1])


def stop(server: Server) -> None:
    """SIGTERM the server and wait for it."""
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def cpu_us(result: dict[str, Any] | None) -> float | None:
    """Server CPU microseconds per request of a loadgen result."""
    return (result or {}).get("server", {}).get("cpu_us_per_req")


def ratio(ours: float | None, ceiling: float | None) -> str:
    """``ours / ceiling`` as ``1.23x``, or ``-`` when either is missing."""
    if not ours or not ceiling:
        return "-"
    return f"{ours / ceiling:.2f}x"


def fmt(value: float | None, digits: int = 0) -> str:
    """A number for the table, ``-`` when missing."""
    return "-" if value is None else f"{value:,.{digits}f}"


def integrity(result: dict[str, Any]) -> str:
    """Lost/duplicated/MD5 and error counts of a loadgen result."""
    errors = result.get("errors", 0)
    parts = [f"errors={sum(errors.values()) if isinstance(errors, dict) else errors}"]
    for key in ("lost", "duplicated", "md5_mismatch", "md5_mismatch_on_receive", "failed_entries"):
        if key in result:
            parts.append(f"{key}={result[key]}")
    return " ".join(parts)


def table(emulator: Server, ceiling: Server) -> str:
    """The results as a Markdown table."""
    lines = [
        "| scenario | emulator msgs/s | ceiling msgs/s | ratio | emulator CPU us/req "
        "| ceiling CPU us/req | ratio | emulator integrity |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scenario in SCENARIOS:
        ours = emulator.results.get(scenario.label, {})
        theirs = ceiling.results.get(scenario.label)
        lines.append(
            f"| {scenario.label} | {fmt(ours.get('msgs_per_s'))} "
            f"| {fmt((theirs or {}).get('msgs_per_s'))} "
            f"| {ratio(ours.get('msgs_per_s'), (theirs or {}).get('msgs_per_s'))} "
            f"| {fmt(cpu_us(ours), 1)} | {fmt(cpu_us(theirs), 1)} "
            f"| {ratio(cpu_us(ours), cpu_us(theirs))} | {integrity(ours)} |"
        )
    lines += [
        "",
        "| server | idle RSS MB | start to healthy s |",
        "|---|---:|---:|",
        f"| emulator | {emulator.idle_rss_mb} | {emulator.healthy_after_s:.2f} |",
        f"| ceiling (minisqs) | {ceiling.idle_rss_mb} | {ceiling.healthy_after_s:.2f} |",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--duration", "-d", type=float, default=8.0, help="seconds per scenario")
    p.add_argument("--concurrency", "-c", type=int, default=16, help="connections (send scenarios)")
    p.add_argument("--python", default=sys.executable, help="python with loadgen's dependencies")
    p.add_argument("--emulator", default=str(REPO / ".venv" / "bin" / "eventbus-emulator"))
    p.add_argument("--shared", type=Path, default=SHARED_BENCH, help="folder of loadgen.py")
    p.add_argument("--json-out", type=Path, help="also write all raw results to this JSON file")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Start both servers, run every scenario against each, print the table."""
    a = parse_args(argv)
    taken: set[int] = set()
    emulator_port, ceiling_port = free_port(taken), free_port(taken)
    emulator = start(
        "emulator",
        [a.emulator, "--port", str(emulator_port)],
        emulator_port,
        "/_emulator/health",
    )
    ceiling = start(
        "ceiling",
        [a.python, str(a.shared / "ceiling_server.py"), "minisqs", "--port", str(ceiling_port),
         "--loop", "uvloop", "--http", "httptools"],
        ceiling_port,
        "/",
    )  # fmt: skip
    try:
        for scenario in SCENARIOS:
            run_loadgen(a.python, emulator, scenario, a)
            if scenario.on_ceiling:
                run_loadgen(a.python, ceiling, scenario, a)
    finally:
        stop(emulator)
        stop(ceiling)
    print(table(emulator, ceiling))
    if a.json_out:
        raw = {"emulator": emulator.results, "ceiling": ceiling.results}
        a.json_out.write_text(json.dumps(raw, indent=1))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
