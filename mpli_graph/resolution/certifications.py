"""Certification requirements: claims for schemes, any-of or all-of, claim status and verified trust.

The query lists every certification claim with its owner (an offering or a
provider) and the required schemes it matches through skos:broader. Here a
provider's claims are applied to each of its offerings, the minimum claim
status is checked by mpli:claimStatusRank, and for a requirement at
mpli:VerifiedLevel the claim counts only when the credential checker accepts it.
"""

from __future__ import annotations

import pyoxigraph as ox

from mpli_graph.resolution.holders import Holders
from mpli_graph.resolution.model import Requirement
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.queries import Table, run_query
from mpli_graph.resolution.verdicts import (
    SATISFIED,
    UNKNOWN,
    VIOLATED,
    CredentialChecker,
    RequirementOutcome,
    Verdict,
)
from mpli_graph.store import ManifestStore

__all__ = ["NO_CHECKER_REASON", "evaluate_certifications"]

NO_CHECKER_REASON = "no credential verification configured"


def evaluate_certifications(
    store: ManifestStore,
    requirements: list[Requirement],
    namer: Namer,
    holders: Holders,
    checker: CredentialChecker | None,
) -> list[RequirementOutcome]:
    """Return the outcomes of certification requirements for every offering."""
    table = Table(("requirement", "scheme"))
    for requirement in requirements:
        for scheme in requirement.schemes:
            table.rows.append({"requirement": ox.NamedNode(requirement.key), "scheme": ox.NamedNode(scheme)})

    owners_with_claims: set[str] = set()
    matches: dict[tuple[str, str, str], list[tuple]] = {}
    for row in run_query(store, "certification", [table]):
        owner = row["owner"].value
        owners_with_claims.add(owner)
        if "requirement" not in row:
            continue
        rank = int(row["rank"].value) if "rank" in row else None
        status = row["claimStatus"].value if "claimStatus" in row else None
        key = (row["requirement"].value, owner, row["scheme"].value)
        matches.setdefault(key, []).append((row["claim"], row["heldScheme"].value, status, rank))

    checked: dict[str, tuple[bool, str]] = {}
    outcomes = []
    for requirement in requirements:
        # Offerings whose claims come from the same owners (usually only their provider) share
        # one outcome, so each group of owners is checked once.
        shared: dict[tuple[str, ...], Verdict] = {}
        owners_of: dict[str, tuple[str, ...]] = {}
        for offering in holders.offerings:
            owners = tuple(o for o in (offering, holders.provider_of[offering]) if o in owners_with_claims)
            owners_of[offering] = owners
            if owners not in shared:
                entry = {
                    "has_claims": bool(owners),
                    "schemes": {
                        scheme: [m for owner in owners for m in matches.get((requirement.key, owner, scheme), ())]
                        for scheme in requirement.schemes
                    },
                }
                shared[owners] = _certification_verdict(requirement, offering, entry, namer, checker, checked)
        codes = {offering: shared[owners].verdict for offering, owners in owners_of.items()}
        outcomes.append(RequirementOutcome(requirement, codes, _explainer(requirement, shared, owners_of)))
    return outcomes


def _explainer(requirement: Requirement, shared: dict[tuple[str, ...], Verdict], owners_of: dict[str, tuple[str, ...]]):
    """Return ``explain(offering)`` for the verdict of the offering's group of claim owners."""

    def explain(offering: str) -> Verdict:
        verdict = shared[owners_of[offering]]
        return Verdict(requirement, offering, verdict.verdict, verdict.expected, verdict.actual, verdict.note)

    return explain


def _certification_verdict(requirement, offering, entry, namer, checker, checked) -> Verdict:
    minimum_rank = namer.rank(requirement.minimum_claim_status)
    joiner = " or " if requirement.match == "any" else " and "
    expected = joiner.join(namer.compact(s) for s in requirement.schemes)
    if requirement.minimum_claim_status:
        expected += f", status at least {namer.compact(requirement.minimum_claim_status)}"
    if requirement.needs_verified_claims:
        expected += ", backed by a verified credential"

    states: list[str] = []
    claimed: list[str] = []
    reasons: list[str] = []
    for scheme in requirement.schemes:
        state = "absent"
        for claim, held_scheme, status, rank in entry["schemes"].get(scheme, []):
            claimed.append(namer.compact(held_scheme) + (f" ({namer.compact(status)})" if status else ""))
            if minimum_rank is not None and (rank is None or rank < minimum_rank):
                state = "low status" if state == "absent" else state
                continue
            if not requirement.needs_verified_claims:
                state = "met"
                break
            ok, reason = _check_claim(claim, checker, checked)
            if ok:
                state = "met"
                break
            reasons.append(reason)
            if checker is None:
                state = "unverified"
            elif state != "unverified":
                state = "failed"
        states.append(state)

    actual = ", ".join(dict.fromkeys(claimed)) or ("no matching claim" if entry["has_claims"] else None)
    note = "; ".join(dict.fromkeys(reasons)) or None
    verdict = _combine_states(states, requirement.match, entry["has_claims"])
    if verdict != SATISFIED and "low status" in states and note is None:
        note = "a matching claim exists, but its status is below the minimum"
    if verdict == UNKNOWN and not entry["has_claims"]:
        note = "neither the offering nor its provider states any certification"
    return Verdict(requirement, offering, verdict, expected, actual, note)


def _check_claim(claim, checker, checked) -> tuple[bool, str]:
    if checker is None or not isinstance(claim, ox.NamedNode):
        reason = NO_CHECKER_REASON if checker is None else "the claim is a blank node, so no credential can name it"
        return False, reason
    if claim.value not in checked:
        checked[claim.value] = checker(claim.value)
    return checked[claim.value]


def _combine_states(states: list[str], match: str, has_claims: bool) -> str:
    if match == "any":
        if "met" in states:
            return SATISFIED
        if "unverified" in states or not has_claims:
            return UNKNOWN
        return VIOLATED
    if all(state == "met" for state in states):
        return SATISFIED
    if has_claims and any(state in ("absent", "low status", "failed") for state in states):
        return VIOLATED
    return UNKNOWN
