"""Problems found in rules files, and the error that carries them all."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.errors import DomainError


@dataclass(frozen=True)
class Problem:
    """One thing wrong, located: file, 1-based line (0: none), the item and field, the reason.

    Reads ``rules/orders.yaml:12: rules[0] (order-created).Targets[1].Arn: <reason>``.
    """

    file: str
    line: int
    where: str
    reason: str

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{location}:{where} {self.reason}"


class InvalidRules(DomainError):
    """Rules files that cannot be applied; ``problems`` lists every fault found."""

    code = "InvalidRulesFiles"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
