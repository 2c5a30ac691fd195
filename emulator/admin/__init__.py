"""The admin API under ``/_emulator`` (JSON): health, reset, state; later chaos and the ledger."""
