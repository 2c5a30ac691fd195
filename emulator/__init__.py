"""eventbus-emulator: a local Amazon EventBridge and Amazon SQS with seeded chaos."""

__version__ = "0.1.0"
