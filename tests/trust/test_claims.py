"""The credential checker: a certification backed by a credential counts only if all checks pass."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pyoxigraph
import pytest

from mpli_graph.errors import InputError
from mpli_graph.trust.claims import ClaimInfo, CredentialChecker, load_credentials
from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.jose import sign_vc_jwt
from mpli_graph.trust.keys import generate_key
from mpli_graph.trust.policy import CERTIFICATION, MCERT, policy_from_json, policy_from_turtle, scheme_hierarchy
from mpli_graph.trust.status_list import Bitstring, status_list_credential

PROVIDER = "https://provider.example.com/"
CLAIM = "https://provider.example.com/claims/iso-27001"
CREDENTIAL_IRI = "https://auditor.example.com/credentials/iso-27001-provider"
STATUS_LIST = "https://auditor.example.com/status/1"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _manifest_store(scheme: str = "iso-iec-27001", backed: bool = True) -> pyoxigraph.Store:
    backed_by = f"; mpli:backedBy <{CREDENTIAL_IRI}>" if backed else ""
    turtle = f"""
    @prefix mpli: <https://w3id.org/mpli#> .
    @prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
    @prefix mstatus: <https://w3id.org/mpli/claim-status/> .
    <{PROVIDER}> a mpli:Provider ; mpli:certification <{CLAIM}> .
    <{CLAIM}> a mpli:Certification ; mpli:scheme mcert:{scheme} ;
        mpli:claimStatus mstatus:verified-credential {backed_by} .
    """
    store = pyoxigraph.Store()
    store.load(turtle.encode("utf-8"), pyoxigraph.RdfFormat.TURTLE)
    return store


class Auditor:
    """An example certification body with a did:key, a status list, and credentials it issues."""

    def __init__(self) -> None:
        self.key = generate_key("Ed25519")
        multibase_value = self.key.public_key().to_multibase()
        self.did = f"did:key:{multibase_value}"
        self.method = f"{self.did}#{multibase_value}"
        self.revoked = Bitstring()

    def credential(self, subject: str = PROVIDER, valid_from="2026-01-01T00:00:00Z", valid_until="2027-01-01T00:00:00Z") -> dict:
        return sign_document(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
                "id": CREDENTIAL_IRI,
                "type": ["VerifiableCredential"],
                "issuer": self.did,
                "validFrom": valid_from,
                "validUntil": valid_until,
                "credentialSubject": {"id": subject, "certifiedFor": "ISO/IEC 27001 (example)"},
                "credentialStatus": {
                    "id": f"{STATUS_LIST}#7",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": "7",
                    "statusListCredential": STATUS_LIST,
                },
            },
            self.key,
        )

    def status_list(self) -> dict:
        return sign_document(status_list_credential(STATUS_LIST, self.did, self.revoked), self.key)


def _policy_for(issuer: str, scheme: str = "iso-iec-27001"):
    policy = policy_from_json(
        {"trustPolicies": [{"trustsIssuer": [issuer], "forClaimKind": ["mpli:Certification"], "scheme": [f"mcert:{scheme}"]}]}
    )
    policy.broader = scheme_hierarchy()
    return policy


def _checker(auditor: Auditor, credential: dict | str | None = None, policy=None, store=None) -> CredentialChecker:
    credentials = {CREDENTIAL_IRI: credential or auditor.credential(), STATUS_LIST: auditor.status_list()}
    return CredentialChecker(
        policy or _policy_for(auditor.did), credentials, now=NOW, store=store or _manifest_store()
    )


def test_backed_claim_counts():
    auditor = Auditor()

    ok, reason = _checker(auditor)(CLAIM)

    assert ok, reason
    assert auditor.did in reason


def test_tampered_credential_fails_verifies():
    auditor = Auditor()
    credential = auditor.credential()
    credential["credentialSubject"]["certifiedFor"] = "SecNumCloud (example)"

    ok, reason = _checker(auditor, credential)(CLAIM)

    assert not ok
    assert "verifies failed" in reason


def test_expired_credential_fails_valid_now():
    auditor = Auditor()

    ok, reason = _checker(auditor, auditor.credential(valid_until="2026-03-01T00:00:00Z"))(CLAIM)

    assert not ok
    assert "valid now failed" in reason
    assert "expired" in reason


def test_future_credential_fails_valid_now():
    auditor = Auditor()

    ok, reason = _checker(auditor, auditor.credential(valid_from="2026-09-01T00:00:00Z"))(CLAIM)

    assert not ok
    assert "valid now failed" in reason
    assert "not valid before" in reason


def test_revoked_credential_fails_not_revoked():
    auditor = Auditor()
    auditor.revoked.set(7)

    ok, reason = _checker(auditor)(CLAIM)

    assert not ok
    assert "not revoked failed" in reason


def test_untrusted_issuer_fails_issuer_trusted():
    auditor = Auditor()

    ok, reason = _checker(auditor, policy=_policy_for("did:web:other-auditor.example.com"))(CLAIM)

    assert not ok
    assert "issuer trusted failed" in reason


def test_issuer_trusted_for_other_scheme_only():
    auditor = Auditor()

    ok, reason = _checker(auditor, policy=_policy_for(auditor.did, scheme="hds"))(CLAIM)

    assert not ok
    assert "issuer trusted failed" in reason
    assert MCERT + "iso-iec-27001" in reason


def test_rule_for_broader_scheme_covers_narrower():
    auditor = Auditor()
    store = _manifest_store(scheme="bsi-c5-type-2")

    ok, reason = _checker(auditor, policy=_policy_for(auditor.did, scheme="bsi-c5"), store=store)(CLAIM)

    assert ok, reason


def test_credential_about_someone_else_fails():
    auditor = Auditor()

    ok, reason = _checker(auditor, auditor.credential(subject="https://other-provider.example.com/"))(CLAIM)

    assert not ok
    assert "about the claim failed" in reason


def test_claim_without_backing_credential():
    auditor = Auditor()

    ok, reason = _checker(auditor, store=_manifest_store(backed=False))(CLAIM)

    assert not ok
    assert "no mpli:backedBy" in reason


def test_missing_credential_document():
    auditor = Auditor()
    checker = CredentialChecker(_policy_for(auditor.did), {}, now=NOW, store=_manifest_store())

    ok, reason = checker(CLAIM)

    assert not ok
    assert "not available" in reason


def test_claim_information_without_store():
    auditor = Auditor()
    checker = CredentialChecker(
        _policy_for(auditor.did),
        {CREDENTIAL_IRI: auditor.credential(), STATUS_LIST: auditor.status_list()},
        now=NOW,
    )

    ok, reason = checker(
        {"claim": CLAIM, "kind": CERTIFICATION, "scheme": MCERT + "iso-iec-27001", "backedBy": CREDENTIAL_IRI, "holders": [PROVIDER]}
    )

    assert ok, reason


def test_bare_claim_without_store_reports_reason():
    auditor = Auditor()
    checker = CredentialChecker(_policy_for(auditor.did), {}, now=NOW)

    ok, reason = checker(CLAIM)

    assert not ok
    assert "no store" in reason


def test_vc_jwt_backing_credential():
    auditor = Auditor()
    unsigned = {name: value for name, value in auditor.credential().items() if name != "proof"}
    token = sign_vc_jwt(unsigned, auditor.key, "EdDSA", auditor.method)

    ok, reason = _checker(auditor, token)(CLAIM)

    assert ok, reason


def test_turtle_and_json_policies_agree():
    auditor = Auditor()
    turtle = policy_from_turtle(
        f"""
        @prefix mpli: <https://w3id.org/mpli#> .
        @prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
        <#auditors> a mpli:TrustPolicy ;
            mpli:trustsIssuer <{auditor.did}> ;
            mpli:forClaimKind mpli:Certification ;
            mpli:scheme mcert:iso-iec-27001 .
        """
    )
    as_json = _policy_for(auditor.did)

    for scheme in ("iso-iec-27001", "hds"):
        assert turtle.trusts(auditor.did, CERTIFICATION, MCERT + scheme) == as_json.trusts(auditor.did, CERTIFICATION, MCERT + scheme)
    assert _checker(auditor, policy=turtle)(CLAIM)[0]


def test_policy_unknown_claim_kind_rejected():
    with pytest.raises(Exception, match="unknown claim kind"):
        policy_from_json({"trustPolicies": [{"trustsIssuer": ["did:web:a.example.com"], "forClaimKind": ["mpli:Offering"]}]})


def test_policy_without_rules_rejected():
    with pytest.raises(Exception, match="no mpli:TrustPolicy"):
        policy_from_turtle("@prefix mpli: <https://w3id.org/mpli#> . <#x> mpli:trustsIssuer <did:web:a.example.com> .")


def test_checker_result_is_json_serialisable():
    auditor = Auditor()

    assert json.dumps(_checker(auditor)(ClaimInfo(CLAIM, backed_by=[CREDENTIAL_IRI], holders={PROVIDER}, scheme=MCERT + "iso-iec-27001")))


def _identity_and_sla_store() -> pyoxigraph.Store:
    turtle = f"""
    @prefix mpli: <https://w3id.org/mpli#> .
    <{PROVIDER}> a mpli:Provider ; mpli:backedBy <{CREDENTIAL_IRI}> ;
        mpli:serviceLevel <https://provider.example.com/sla> .
    <https://provider.example.com/sla> a mpli:ServiceLevel ; mpli:backedBy <{CREDENTIAL_IRI}> .
    """
    store = pyoxigraph.Store()
    store.load(turtle.encode("utf-8"), pyoxigraph.RdfFormat.TURTLE)
    return store


@pytest.mark.parametrize(("claim", "kind"), [(PROVIDER, "mpli:Provider"), ("https://provider.example.com/sla", "mpli:ServiceLevel")])
def test_identity_and_service_level_claims(claim, kind):
    auditor = Auditor()
    credentials = {CREDENTIAL_IRI: auditor.credential(), STATUS_LIST: auditor.status_list()}
    trusted = policy_from_json({"trustPolicies": [{"trustsIssuer": [auditor.did], "forClaimKind": [kind]}]})
    certification_only = _policy_for(auditor.did)

    ok, reason = CredentialChecker(trusted, credentials, now=NOW, store=_identity_and_sla_store())(claim)
    rejected, rejection = CredentialChecker(certification_only, credentials, now=NOW, store=_identity_and_sla_store())(claim)

    assert ok, reason
    assert not rejected
    assert "issuer trusted failed" in rejection


def test_load_credentials_from_files(tmp_path):
    auditor = Auditor()
    credential = auditor.credential()
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    token = sign_vc_jwt(dict(unsigned, id="https://auditor.example.com/credentials/jwt-1"), auditor.key, "EdDSA", auditor.method)
    (tmp_path / "credential.json").write_text(json.dumps(credential))
    (tmp_path / "credential.jwt").write_text(token + "\n")
    (tmp_path / "status.json").write_text(json.dumps(auditor.status_list()))

    credentials = load_credentials(sorted(tmp_path.iterdir()))

    assert set(credentials) == {CREDENTIAL_IRI, "https://auditor.example.com/credentials/jwt-1", STATUS_LIST}
    assert credentials["https://auditor.example.com/credentials/jwt-1"] == token


def test_load_credentials_without_id_rejected(tmp_path):
    (tmp_path / "anonymous.json").write_text(json.dumps({"type": ["VerifiableCredential"]}))

    with pytest.raises(InputError, match="has no id"):
        load_credentials([tmp_path / "anonymous.json"])
