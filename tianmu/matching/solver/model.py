"""Typed, validated view of a matching instance.

Everything here is plain data; :mod:`.validate` builds it from JSON and guarantees the
invariants documented on each class (unique ids, non-negative capacities, known references).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Scores are floats in the instance but the optimisers work on integers: every (member,
#: village) score is quantised once to ``round(score * SCALE)`` "micro-points" and all sums,
#: bounds and comparisons are exact integer arithmetic.  Reported figures are
#: ``micro / SCALE`` rounded to :data:`DECIMALS` places, so they are reproducible bit for bit.
SCALE = 1_000_000
DECIMALS = 6

POOLS = ("enterprise", "chamber", "partner")


@dataclass(frozen=True)
class Rules:
    core: int = 5
    chamber: int = 1
    partners: tuple[int, int] = (0, 3)
    core_roles: dict[str, int] = field(default_factory=dict)
    max_same_industry: int | None = None


@dataclass(frozen=True)
class Village:
    id: str
    town: str
    lat: float | None = None
    lon: float | None = None
    priority: float = 0.0
    needs: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    surplus_labour: int = 0


@dataclass(frozen=True)
class Enterprise:
    id: str
    town: str | None = None
    lat: float | None = None
    lon: float | None = None
    core_eligible: bool = True
    roles: tuple[str, ...] = ()
    industry: str | None = None
    capabilities: tuple[str, ...] = ()
    employees: int = 0
    openings: int = 0
    capacity: int = 1


@dataclass(frozen=True)
class Chamber:
    id: str
    town: str
    capacity: int = 1


@dataclass(frozen=True)
class Partner:
    id: str
    kind: str | None = None
    towns: tuple[str, ...] | None = None  # None: may serve a village anywhere
    capacity: int = 1


@dataclass
class Instance:
    rules: Rules
    villages: list[Village]
    enterprises: list[Enterprise]
    chambers: list[Chamber]
    partners: list[Partner]
    weights: dict[str, float]
    #: pool -> {(member_id, village_id): score}; a pool absent here is scored by the model.
    scores: dict[str, dict[tuple[str, str], float]]
    fixed: list[tuple[str, str]]
    current: set[tuple[str, str]]

    def pool_of(self) -> dict[str, str]:
        """Map every member id to its pool name."""
        out: dict[str, str] = {}
        for e in self.enterprises:
            out[e.id] = "enterprise"
        for c in self.chambers:
            out[c.id] = "chamber"
        for p in self.partners:
            out[p.id] = "partner"
        return out
