"""Adapters for targets outside the emulator's own services: HTTP endpoints (API destinations),
Lambda, Step Functions and CloudWatch Logs. :func:`target_sinks` wires them into a dispatcher."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.events.arns import API_DESTINATION
from emulator.core.events.connections import Connections
from emulator.core.events.delivery import Dispatcher, Sink
from emulator.targets.runner import HttpRunner
from emulator.targets.sinks import (
    ApiDestinationSink,
    LambdaSink,
    LogsSink,
    StepFunctionsSink,
    lambda_endpoints,
)

__all__ = ["HttpRunner", "TargetSettings", "target_sinks"]


@dataclass(frozen=True, slots=True)
class TargetSettings:
    """Where the targets are: the Lambda and Step Functions endpoints and the logs folder
    (None: that kind of target is not delivered), and the HTTP bounds. ``lambda_endpoint`` is
    one URL for every function, or comma-separated ``name=URL`` entries per function (an entry
    without a name is the default)."""

    lambda_endpoint: str | None = None
    stepfunctions_endpoint: str | None = None
    logs_dir: str | None = None
    timeout: float = 5.0
    concurrency: int = 10


def target_sinks(
    settings: TargetSettings, dispatcher: Dispatcher, connections: Connections
) -> tuple[HttpRunner, dict[str, Sink]]:
    """The runner (a runtime backend to start, stop and reset) and the sinks by target kind."""
    runner = HttpRunner(dispatcher, settings.timeout, settings.concurrency)
    sinks: dict[str, Sink] = {API_DESTINATION: ApiDestinationSink(runner, connections)}
    if settings.lambda_endpoint:
        sinks["lambda"] = LambdaSink(runner, lambda_endpoints(settings.lambda_endpoint))
    if settings.stepfunctions_endpoint:
        sinks["states"] = StepFunctionsSink(runner, settings.stepfunctions_endpoint)
    if settings.logs_dir:
        sinks["logs"] = LogsSink(settings.logs_dir)
    return runner, sinks
