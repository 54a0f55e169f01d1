"""A verdict: how one offering fares against one requirement, and the names shared by the evaluators."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from mpli_graph.resolution.model import Requirement

__all__ = ["SATISFIED", "UNKNOWN", "VIOLATED", "CredentialChecker", "Verdict", "best_verdict"]

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
