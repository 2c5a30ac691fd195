"""Identifiers: message ids, event ids, receipt handles.

With a seed, ids come from a seeded generator, so the same sequence of calls yields the same ids
(and therefore the same chaos decisions, which are keyed by id). Without one, they are uuid4.
"""

from __future__ import annotations

import random
import uuid


class IdFactory:
    """Makes AWS-looking identifiers, reproducibly when seeded."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else None

    def uuid(self) -> str:
        """A UUID4 string (``MessageId``, event ``id``)."""
        if self._rng is None:
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def token(self, nbytes: int = 32) -> str:
        """An opaque hex token (receipt-handle entropy, task handles)."""
        if self._rng is None:
            return uuid.uuid4().hex + uuid.uuid4().hex[: max(0, nbytes * 2 - 32)]
        return f"{self._rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"
