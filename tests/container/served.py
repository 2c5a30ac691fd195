"""Print what an emulator build serves, one per line: ``service:Operation``, ``cli:--flag`` and
``admin:METHOD_/path``.

It needs only the installed ``emulator`` package, so it runs in the image too
(``docker exec -i CONTAINER python - < tests/container/served.py``): the smoke test asks the
image it probes, not the source tree beside it.
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import APIRoute

from emulator.app import create_app
from emulator.cli import _parser


def served() -> set[str]:
    """Every operation of every service endpoint, command-line flag and admin route."""
    app = create_app()
    ops = {f"{s.name}:{op}" for s in app.aws.by_prefix.values() for op in s.operations}
    flags = {f"cli:{o}" for a in _parser()._actions for o in a.option_strings}
    admin_app: Any = app.admin  # FastAPI, built on first use
    admin = {
        f"admin:{method}_{route.path}"
        for route in admin_app.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    return ops | flags | admin


if __name__ == "__main__":
    print("\n".join(sorted(served())))
