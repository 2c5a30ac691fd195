"""The operation-coverage table, generated from the ``OPERATIONS`` tables and botocore's models.

``python -m emulator.coverage`` prints it; ``--write README.md`` replaces the table between the
``<!-- coverage:start -->`` and ``<!-- coverage:end -->`` markers. A test keeps README.md current.
"""

from __future__ import annotations

import sys
from pathlib import Path

from emulator.app import create_app

START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"


def coverage_table() -> str:
    """A Markdown table: each service's model operations and whether the emulator serves them."""
    app = create_app()
    lines = []
    for prefix, service in sorted(app.aws.by_prefix.items()):
        names = service.model.operation_names
        served = [n for n in names if n in service.operations]
        lines.append(
            f"**{service.model.metadata['serviceFullName']}** ({prefix}): "
            f"{len(served)} of {len(names)} operations\n"
        )
        lines.append("| operation | supported |\n|---|---|")
        lines.extend(f"| {n} | {'yes' if n in service.operations else 'not yet'} |" for n in names)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def with_table(text: str) -> str:
    """``text`` with the part between the coverage markers replaced by the current table."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{coverage_table()}{END}{tail}"


def main(argv: list[str]) -> int:
    """Print the table, or rewrite the file given with ``--write``."""
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(with_table(path.read_text()))
        return 0
    sys.stdout.write(coverage_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
