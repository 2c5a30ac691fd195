"""An order-processing consumer, naive and idempotent, for chaos-testing with eventbus-emulator."""
