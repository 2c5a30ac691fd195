"""Identifiers: message ids, event ids, receipt handles.

With a seed, ids come from a seeded generator, so the same sequence of calls yields the same ids
(and therefore the same chaos decisions, which are keyed by id). Without one, they are uuid4.
"""

from __future__ import annotations

import random
import uuid

# RFC 4122 version 4: version nibble 4, variant bits 10 (what uuid.UUID(version=4) sets).
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


class IdFactory:
    """Makes AWS-looking identifiers, reproducibly when seeded."""

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed) if seed is not None else None
        self._unseeded = random.Random()  # seeded from os.urandom; ids need not be secret
        self._bits = (self._rng or self._unseeded).getrandbits

    def uuid(self) -> str:
        """A UUID4 string (``MessageId``, event ``id``), as ``str(uuid.UUID(int=…, version=4))``.

        Formatted by hand: ``uuid.uuid4()`` costs more than the rest of a SendMessage.
        ``bytes.hex`` writes the 32 digits in dash-separated groups of 4 (``xxxx-xxxx-...``), and
        dropping three of its seven dashes leaves the 8-4-4-4-12 groups of a UUID.
        """
        value = (self._bits(128) & _UUID4_CLEAR) | _UUID4_SET
        text = value.to_bytes(16, "big").hex("-", 2)
        return f"{text[:4]}{text[5:29]}{text[30:34]}{text[35:]}"

    def token(self, nbytes: int = 32) -> str:
        """An opaque hex token (receipt-handle entropy, task handles)."""
        if self._rng is None:
            return uuid.uuid4().hex + uuid.uuid4().hex[: max(0, nbytes * 2 - 32)]
        return f"{self._rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"
