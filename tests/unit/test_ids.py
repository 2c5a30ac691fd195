"""Identifiers: the hand-formatted UUID4 is exactly what the ``uuid`` module would make."""

from __future__ import annotations

import random
import uuid

from emulator.core.ids import IdFactory


def test_seeded_uuids_are_uuid4_of_the_seeded_generator() -> None:
    ids = IdFactory(42)
    rng = random.Random(42)
    for _ in range(200):
        assert ids.uuid() == str(uuid.UUID(int=rng.getrandbits(128), version=4))


def test_seeded_sequence_is_reproducible_and_shared_with_tokens() -> None:
    first, second = IdFactory(7), IdFactory(7)
    sequence = [first.uuid(), first.token(), first.uuid()]
    assert sequence == [second.uuid(), second.token(), second.uuid()]


def test_unseeded_uuids_are_valid_version_4() -> None:
    value = uuid.UUID(IdFactory().uuid())
    assert value.version == 4
    assert value.variant == uuid.RFC_4122
