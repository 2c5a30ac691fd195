"""Wildcard operands: parsing (with event-ruler's escapes) and the complexity measure.

``*`` matches zero or more characters; ``\\*`` is a literal star and ``\\\\`` a literal
backslash; a backslash before anything else, and two stars in a row, are refused
(event-ruler ``WildcardParser``; positions count UTF-8 bytes of the quoted value, as theirs do).
"""

from __future__ import annotations

from collections.abc import Iterable

from emulator.core.patterns import errors
from emulator.core.patterns.model import Wildcard

STAR = None  # the wildcard token in a token list; every other token is one character


def parse_wildcard(text: str) -> Wildcard:
    """The operand as literal parts between stars; raises ``ValueError`` with AWS's reason."""
    parts: list[str] = []
    current: list[str] = []
    pos = 1  # event-ruler parses the quoted value, so the first character is at byte 1
    i = 0
    while i < len(text):
        char = text[i]
        if char == "*":
            if i + 1 < len(text) and text[i + 1] == "*":
                raise ValueError(errors.WILDCARD_CONSECUTIVE.format(pos=pos))
            parts.append("".join(current))
            current = []
        elif char == "\\":
            if i + 1 >= len(text) or text[i + 1] not in "*\\":
                raise ValueError(errors.WILDCARD_BAD_ESCAPE.format(pos=pos))
            current.append(text[i + 1])
            pos += 1
            i += 1
        else:
            current.append(char)
        pos += len(char.encode("utf-8", "surrogatepass"))
        i += 1
    parts.append("".join(current))
    return Wildcard(source=text, parts=tuple(parts))


def tokens(wildcard: Wildcard) -> tuple[str | None, ...]:
    """The operand as a token list: one token per literal character, ``STAR`` per star."""
    out: list[str | None] = list(wildcard.parts[0])
    for part in wildcard.parts[1:]:
        out.append(STAR)
        out.extend(part)
    return tuple(out)


State = tuple[int, int]  # (which operand, position in its tokens)


def complexity(wildcards: Iterable[Wildcard], cap: int, max_subsets: int = 4096) -> int:
    """How many wildcard states one worst-case value can keep alive at once (at most ``cap``).

    This is our reading of event-ruler's ``MachineComplexityEvaluator``: the operands of one
    field run as one nondeterministic automaton, and we search the reachable sets of live
    states (over the operands' own characters plus one other character) for the largest.
    A live star loop counts, and so does a literal run part-way matched after a star; the
    exact text before the first star is deterministic and costs nothing. Calibrated on a case
    reported against AWS: three ``"*:stack/<name>/*"`` operands on one field are accepted and
    four are refused as too complex.
    """
    toks = [tokens(w) for w in wildcards if len(w.parts) > 1]
    if not toks:
        return 0
    alphabet = [*sorted({t for tk in toks for t in tk if t is not STAR}), "\x00"]
    start = _closure(toks, {(i, 0) for i in range(len(toks))})
    seen = {start}
    frontier = [start]
    worst = _cost(toks, start)
    while frontier and worst < cap and len(seen) < max_subsets:
        nxt: list[frozenset[State]] = []
        for states in frontier:
            for char in alphabet:
                moved = _step(toks, states, char)
                if moved and moved not in seen:
                    seen.add(moved)
                    nxt.append(moved)
                    worst = max(worst, _cost(toks, moved))
        frontier = nxt
    return min(worst, cap)


def _closure(toks: list[tuple[str | None, ...]], states: set[State]) -> frozenset[State]:
    out = set(states)
    todo = list(states)
    while todo:
        i, pos = todo.pop()
        if pos < len(toks[i]) and toks[i][pos] is STAR and (i, pos + 1) not in out:
            out.add((i, pos + 1))
            todo.append((i, pos + 1))
    return frozenset(out)


def _step(
    toks: list[tuple[str | None, ...]], states: frozenset[State], char: str
) -> frozenset[State]:
    moved: set[State] = set()
    for i, pos in states:
        if pos >= len(toks[i]):
            continue
        token = toks[i][pos]
        if token is STAR:
            moved.add((i, pos))
        elif token == char:
            moved.add((i, pos + 1))
    return _closure(toks, moved)


def _cost(toks: list[tuple[str | None, ...]], states: frozenset[State]) -> int:
    """Star loops that are live, plus literal runs part-way matched after a star."""
    return sum(1 for i, pos in states if _counts(toks[i], pos))


def _counts(tok: tuple[str | None, ...], pos: int) -> bool:
    if pos >= len(tok):
        return False
    if tok[pos] is STAR:
        return True
    return pos > 0 and tok[pos - 1] is not STAR and STAR in tok[:pos]
