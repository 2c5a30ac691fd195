"""Chaos: seeded, scoped fault injection, and the ledger that records every fault and delivery."""

from emulator.core.chaos.config import ChaosConfig, Fault, InvalidChaosConfig, parse_chaos
from emulator.core.chaos.engine import Chaos, Subject
from emulator.core.chaos.ledger import Ledger, LedgerRecord

__all__ = [
    "Chaos",
    "ChaosConfig",
    "Fault",
    "InvalidChaosConfig",
    "Ledger",
    "LedgerRecord",
    "Subject",
    "parse_chaos",
]
