"""Certification requirements: scheme hierarchy, any-of and all-of, claim status, verified trust."""

from __future__ import annotations

from tests.resolution.example_data import EX, verdicts


def certification(*schemes: str, extra: str = "") -> str:
    return f"""
ex:consumer mpli:requirement ex:r .
ex:r a mpli:CertificationRequirement ; rdfs:label "r" ; mpli:strength mpli:Must ;
    mpli:scheme {", ".join(schemes)} {extra} .
"""


def test_narrower_scheme_satisfies_broader(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5"))
    verdict = table["alpha-small"]["r"]
    assert verdict.verdict == "satisfied"
    assert verdict.actual == "mcert:bsi-c5-type-2 (mstatus:third-party)"


def test_provider_claim_applies_to_every_offering(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5"))
    assert table["alpha-nowhere"]["r"].verdict == "satisfied"
    assert table["alpha-large"]["r"].verdict == "satisfied"


def test_broader_scheme_does_not_satisfy_narrower(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5-type-1"))
    assert table["alpha-small"]["r"].verdict == "violated"


def test_other_claims_only_violated(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5"))
    assert table["beta-medium"]["r"].verdict == "violated"
    assert table["beta-medium"]["r"].actual == "no matching claim"


def test_no_claims_at_all_unknown(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5"))
    verdict = table["gamma-tiny"]["r"]
    assert verdict.verdict == "unknown"
    assert "states any certification" in verdict.note


def test_any_of_accepts_either(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5", "mcert:iso-iec-27001"))
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert table["beta-medium"]["r"].verdict == "satisfied"


def test_all_of_needs_each(vocabulary_store):
    table = verdicts(
        vocabulary_store, certification("mcert:bsi-c5", "mcert:iso-iec-27001", extra="; mpli:match mpli:AllOf")
    )
    assert table["alpha-small"]["r"].verdict == "violated"
    assert table["beta-medium"]["r"].verdict == "violated"
    assert table["gamma-tiny"]["r"].verdict == "unknown"


def test_minimum_claim_status_met(vocabulary_store):
    table = verdicts(
        vocabulary_store, certification("mcert:bsi-c5", extra="; mpli:minimumClaimStatus mstatus:third-party")
    )
    assert table["alpha-small"]["r"].verdict == "satisfied"


def test_minimum_claim_status_too_weak(vocabulary_store):
    table = verdicts(
        vocabulary_store, certification("mcert:bsi-c5", extra="; mpli:minimumClaimStatus mstatus:registry")
    )
    verdict = table["alpha-small"]["r"]
    assert verdict.verdict == "violated"
    assert "below the minimum" in verdict.note


def test_self_declared_below_third_party(vocabulary_store):
    table = verdicts(
        vocabulary_store,
        certification("mcert:iso-iec-27001", extra="; mpli:minimumClaimStatus mstatus:third-party"),
    )
    assert table["beta-medium"]["r"].verdict == "violated"


VERIFIED = "; mpli:trustLevel mpli:VerifiedLevel"


def test_verified_without_checker_unknown(vocabulary_store):
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5", extra=VERIFIED))
    verdict = table["alpha-small"]["r"]
    assert verdict.verdict == "unknown"
    assert verdict.note == "no credential verification configured"


def test_verified_checker_accepts(vocabulary_store):
    checked: list[str] = []

    def checker(claim: str) -> tuple[bool, str]:
        checked.append(claim)
        return claim == EX + "alpha-c5", "credential verified"

    table = verdicts(vocabulary_store, certification("mcert:bsi-c5", extra=VERIFIED), checker)
    assert table["alpha-small"]["r"].verdict == "satisfied"
    assert checked == [EX + "alpha-c5"]


def test_verified_checker_rejects(vocabulary_store):
    def checker(claim: str) -> tuple[bool, str]:
        return False, "the credential's proof does not verify"

    table = verdicts(vocabulary_store, certification("mcert:bsi-c5", extra=VERIFIED), checker)
    verdict = table["alpha-small"]["r"]
    assert verdict.verdict == "violated"
    assert verdict.note == "the credential's proof does not verify"


def test_verified_status_checked_before_credential(vocabulary_store):
    def checker(claim: str) -> tuple[bool, str]:
        raise AssertionError("a claim below the minimum status must not reach the checker")

    extra = VERIFIED + "; mpli:minimumClaimStatus mstatus:registry"
    table = verdicts(vocabulary_store, certification("mcert:bsi-c5", extra=extra), checker)
    assert table["alpha-small"]["r"].verdict == "violated"
