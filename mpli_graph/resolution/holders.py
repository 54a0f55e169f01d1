"""The holders of an offering's statements: the offering itself, its provider, and the parts of either.

Provider-level statements (certifications, delivery, API compatibility, operated
regions) apply to every offering of that provider, and a statement on a service
level, delivery method or switching terms describes its owner. Queries that
return facts per holder stay small, because a provider's facts appear once and
not once per offering; :class:`Holders` maps them back to offerings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mpli_graph.resolution.queries import run_values
from mpli_graph.store import ManifestStore

__all__ = ["Holders"]


@dataclass
class Holders:
    """Each offering's provider, and the parts (service level, delivery, switching terms) of each owner.

    ``offerings`` lists every offering in a stable order.
    """

    provider_of: dict[str, str]
    parts: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, store: ManifestStore, provider_of: dict[str, str]) -> "Holders":
        """Read the parts of every owner from the store."""
        parts: dict[str, list[str]] = {}
        for owner, part in run_values(store, "parts", [], ("owner", "part")):
            parts.setdefault(owner, []).append(part)
        return cls(provider_of, parts)

    def of(self, offering: str) -> list[str]:
        """Return the holders whose statements count for ``offering``: itself, its provider, their parts."""
        owners = [offering, self.provider_of[offering]]
        return owners + [part for owner in owners for part in self.parts.get(owner, ())]

    offerings: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.offerings = sorted(self.provider_of)
