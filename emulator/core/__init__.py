"""The core: AWS semantics with no knowledge of HTTP, wire formats or FastAPI.

Everything here is driven by an injected :class:`~emulator.core.clock.Clock` and seeded
randomness, and runs on one asyncio loop: mutations never ``await``, so no locks are needed.
"""
