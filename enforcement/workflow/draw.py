"""双随机 draw: random enterprises by risk-class quota, each with a random inspector pair.

Reproducible: inputs are sorted first (their order does not matter) and the generator is
``random.Random(int(sha256(seed).hexdigest(), 16))``, so the same roster, enterprises, quotas
and seed give the same draw on any machine and Python version.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Hashable, Mapping, Sequence


@dataclass(frozen=True)
class Assignment:
    enterprise_id: Hashable
    risk_class: str
    inspectors: tuple[str, str]


@dataclass(frozen=True)
class DrawResult:
    seed: str
    assignments: tuple[Assignment, ...]
    shortfall: Mapping[str, int]  # risk class -> how many fewer enterprises than the quota existed


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))


def draw(
    enterprises: Sequence[tuple[Hashable, str]],
    inspectors: Sequence[str],
    quotas: Mapping[str, int],
    seed: str,
) -> DrawResult:
    roster = sorted(set(inspectors))
    if len(roster) < 2:
        # Enforcement visits need at least two officers with credentials.
        raise ValueError(f"the draw needs at least 2 distinct inspectors, got {len(roster)}")
    ids = [e[0] for e in enterprises]
    if len(set(ids)) != len(ids):
        raise ValueError("an enterprise appears twice in the draw")
    for cls, quota in quotas.items():
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            raise ValueError(f"quota for risk class {cls!r} must be a non-negative integer")
    rng = _rng(seed)
    by_class: dict[str, list[Hashable]] = {}
    for eid, cls in sorted(enterprises, key=lambda e: (str(e[1]), str(e[0]))):
        by_class.setdefault(cls, []).append(eid)
    chosen: list[tuple[Hashable, str]] = []
    shortfall: dict[str, int] = {}
    for cls in sorted(quotas):
        pool = by_class.get(cls, [])
        quota = quotas[cls]
        if quota > len(pool):
            shortfall[cls] = quota - len(pool)
        chosen += [(eid, cls) for eid in rng.sample(pool, min(quota, len(pool)))]
    pairs = _pairs(rng, roster, len(chosen))
    assignments = tuple(Assignment(eid, cls, pair) for (eid, cls), pair in zip(chosen, pairs))
    return DrawResult(seed, assignments, shortfall)


def _pairs(rng: random.Random, roster: list[str], count: int) -> list[tuple[str, str]]:
    """count pairs of distinct inspectors; every inspector's load differs by at most one.

    Seats are filled round by round from a fresh shuffle of the whole roster (so loads stay
    level); a pair that would straddle two rounds with the same person is avoided by swapping
    that person further into the new round.
    """
    seats: list[str] = []
    while len(seats) < 2 * count:
        round_ = roster[:]
        rng.shuffle(round_)
        if len(seats) % 2 == 1 and round_[0] == seats[-1]:
            j = rng.randrange(1, len(round_))
            round_[0], round_[j] = round_[j], round_[0]
        seats += round_
    seats = seats[: 2 * count]
    return [tuple(sorted((seats[2 * i], seats[2 * i + 1]))) for i in range(count)]  # type: ignore[misc]
