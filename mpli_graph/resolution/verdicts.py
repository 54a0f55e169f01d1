"""A verdict: how one offering fares against one requirement, and the names shared by the evaluators.

Evaluators return one :class:`RequirementOutcome` per requirement: the verdict
code of every offering, which ranking needs, and a function that builds the
full :class:`Verdict` with its explanation, which only the returned offerings need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mpli_graph.resolution.model import Requirement

__all__ = [
    "SATISFIED",
    "UNKNOWN",
    "VIOLATED",
    "CredentialChecker",
    "RequirementOutcome",
    "Verdict",
    "best_verdict",
]

SATISFIED = "satisfied"
VIOLATED = "violated"
UNKNOWN = "unknown"

CredentialChecker = Callable[[str], tuple[bool, str]]

_VERDICT_ORDER = {UNKNOWN: 0, VIOLATED: 1, SATISFIED: 2}


@dataclass(slots=True)
class Verdict:
    """The outcome of one requirement for one offering, with what was expected and what was found."""

    requirement: Requirement
    offering: str
    verdict: str
    expected: str
    actual: str | None
    note: str | None = None


def best_verdict(verdict: str) -> int:
    """Return a sort key that orders verdicts unknown < violated < satisfied."""
    return _VERDICT_ORDER[verdict]


@dataclass(slots=True)
class RequirementOutcome:
    """One requirement's verdict code per offering, and ``explain(offering)`` for the full verdict.

    An offering missing from ``verdicts`` gets no verdict for this requirement, as when
    the store states nothing that the requirement's query could compare.
    """

    requirement: Requirement
    verdicts: dict[str, str]
    explain: Callable[[str], Verdict]
