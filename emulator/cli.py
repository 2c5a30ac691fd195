"""The ``eventbus-emulator`` command: ``serve`` (the default), ``validate``, ``schema``,
``test-pattern``."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import uvicorn

from emulator import __version__
from emulator.app import EmulatorApp, create_app
from emulator.config import InvalidRules, Scope, json_schema, load_rules
from emulator.core.errors import DomainError
from emulator.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eventbus-emulator",
        description="A local Amazon EventBridge and Amazon SQS with seeded chaos.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the emulator (the default)")
    _add_serve_flags(serve)
    _add_serve_flags(parser)
    validate = commands.add_parser("validate", help="check rules files without starting")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="rules files or folders")
    validate.add_argument(
        "--account-id", help="account of ${AWS::AccountId} (default 000000000000)"
    )
    validate.add_argument("--region", help="region of ${AWS::Region} (default us-east-1)")
    commands.add_parser("schema", help="print the JSON Schema of rules files")
    pattern = commands.add_parser("test-pattern", help="match an event against a pattern")
    pattern.add_argument("--pattern", required=True, help="pattern JSON, or a file holding it")
    pattern.add_argument("--event", required=True, help="event JSON, or a file holding it")
    return parser


def _add_serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 in containers)")
    parser.add_argument("--port", type=int, help="port to listen on (default 4566)")
    parser.add_argument("--account-id", help="account of requests (default 000000000000)")
    parser.add_argument("--region", help="region when a request names none (default us-east-1)")
    parser.add_argument("--log-level", help="debug, info, warning, error (default info)")
    parser.add_argument("--seed", type=int, help="seed for ids and chaos decisions")
    parser.add_argument(
        "--duplicate-rate",
        type=float,
        help="chaos: duplicate every delivery with this probability (0-1)",
    )
    parser.add_argument("--delay-ms", help="chaos: delay every delivery by MS or MIN-MAX ms")
    parser.add_argument("--ledger-file", help="also append the ledger to this JSONL file")
    parser.add_argument(
        "--lambda-endpoint",
        metavar="URL",
        help="Lambda Invoke API for Lambda targets: URL, or name=URL,... per function (none)",
    )
    parser.add_argument(
        "--stepfunctions-endpoint", metavar="URL", help="Step Functions API for targets (none)"
    )
    parser.add_argument("--logs-dir", help="folder of CloudWatch Logs targets' files (none)")
    parser.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="rules file or folder, repeatable (default ./rules when it exists)",
    )


class _Server(uvicorn.Server):
    """uvicorn's server, answering long polls as soon as a shutdown signal arrives.

    uvicorn waits for in-flight requests before it runs the lifespan shutdown, so a 20-second
    long poll would hold the exit; waking the backends at the signal answers them at once.

    uvicorn re-raises the signals it caught once it has shut down, so the process would die of
    SIGTERM (status 143). SIGTERM is how ``docker stop`` and Kubernetes ask for a clean stop, so
    it is not re-raised: a clean shutdown exits 0. SIGINT still ends with the usual 130.
    """

    def __init__(self, config: uvicorn.Config, app: EmulatorApp) -> None:
        super().__init__(config)
        self.emulator_app = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if sig == signal.SIGTERM:
            self._captured_signals.remove(sig)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        loop.call_soon_threadsafe(lambda: loop.create_task(self.emulator_app.emulator.stop()))


def serve(settings: Settings) -> int:
    """Run the server until SIGINT or SIGTERM; 0 on a clean shutdown."""
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    try:
        app = create_app(settings)
    except InvalidRules as exc:
        return _refuse(exc)
    except DomainError as exc:
        print(f"eventbus-emulator: {exc.message}", file=sys.stderr)
        return 2
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http="httptools",
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )
    server = _Server(config, app)
    print(
        f"eventbus-emulator {__version__} listening on http://{settings.host}:{settings.port}",
        flush=True,
    )
    server.run()
    return 0


def _refuse(exc: InvalidRules) -> int:
    """Print every problem of the rules files (one a line, on stderr); exit status 2."""
    for problem in exc.problems:
        print(problem, file=sys.stderr)
    return 2


def validate(paths: Sequence[str], settings: Settings) -> int:
    """``eventbus-emulator validate``: 0 and a summary, or 2 and every problem."""
    try:
        state = load_rules(paths, Scope(settings.account_id, settings.region))
    except InvalidRules as exc:
        return _refuse(exc)
    summary = state.summary()
    print(
        f"ok: {len(summary['files'])} file(s), {len(summary['queues'])} queue(s), "
        f"{len(summary['buses'])} bus(es), {len(summary['rules'])} rule(s), "
        f"{summary['chaos_faults']} chaos fault(s)"
    )
    return 0


def _default_rules(flags: Sequence[str] | None, settings: Settings) -> tuple[str, ...] | None:
    """``--rules`` flags, else ``EVENTBUS_RULES``, else ``./rules`` when it is a folder."""
    if flags:
        return tuple(flags)
    if settings.rules:
        return None
    return ("rules",) if Path("rules").is_dir() else None


def print_schema() -> int:
    """Print the rules files' JSON Schema; a reader that stops early (``| head``) is fine."""
    try:
        print(json.dumps(json_schema(), indent=2), flush=True)
    except BrokenPipeError:
        # Python would report the closed pipe again at exit; point stdout at /dev/null instead.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    if args.command == "schema":
        return print_schema()
    if args.command == "validate":
        settings = Settings.from_env().with_overrides(
            account_id=args.account_id, region=args.region
        )
        return validate(args.paths, settings)
    if args.command == "test-pattern":
        from emulator.core.patterns.cli import test_pattern_command

        status: int = test_pattern_command(args.pattern, args.event)
        return status
    settings = Settings.from_env().with_overrides(
        host=args.host,
        port=args.port,
        account_id=args.account_id,
        region=args.region,
        log_level=args.log_level,
        seed=args.seed,
        duplicate_rate=args.duplicate_rate,
        delay_ms=args.delay_ms,
        ledger_file=args.ledger_file,
        lambda_endpoint=args.lambda_endpoint,
        stepfunctions_endpoint=args.stepfunctions_endpoint,
        logs_dir=args.logs_dir,
    )
    settings = settings.with_overrides(rules=_default_rules(args.rules, settings))
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
