"""JOSE: vc+jwt round trips, Gaia-X 22.10 JsonWebSignature2020, and the Loire notary VC-JWTs."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timezone

import pytest

from mpli_graph.trust.canonicalize import canonicalize_nquads
from mpli_graph.trust.errors import DidResolutionError, MalformedCredentialError, VerificationError
from mpli_graph.trust.jose import (
    LOIRE_NOTARY,
    LOIRE_UNTYPED_MEMBERS,
    json_web_signature_2020_payload,
    sign_json_web_signature_2020,
    sign_vc_jwt,
    split_compact,
    verify_json_web_signature_2020,
    verify_vc_jwt,
)
from mpli_graph.trust.jsonld import to_nquads
from mpli_graph.trust.keys import generate_key
from mpli_graph.trust.multibase import base64url_decode, base64url_encode
from mpli_graph.trust.validity import check_data_model

from .trust_fixtures import load_json, read_text

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "type": ["VerifiableCredential"],
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {"id": "https://provider.example.com/", "certifiedFor": "ISO/IEC 27001 (example)"},
}
LOIRE_NOTARIES = [
    "gx-notary.gxdch.dih.telekom.com_v2",
    "registrationnumber.notary.lab.gaia-x.eu_main",
    "www.delta-dao.com_notary_v2",
]


def _did_key_credential(curve: str):
    key = generate_key(curve)
    multibase_value = key.public_key().to_multibase()
    did = f"did:key:{multibase_value}"
    return key, did, f"{did}#{multibase_value}", dict(CREDENTIAL, issuer=did)


@pytest.mark.parametrize(("curve", "algorithm"), [("Ed25519", "EdDSA"), ("P-256", "ES256"), ("P-384", "ES384")])
def test_vc_jwt_round_trip_with_did_key(curve, algorithm):
    key, did, kid, credential = _did_key_credential(curve)

    token = sign_vc_jwt(credential, key, algorithm, kid)
    result = verify_vc_jwt(token)

    assert result.issuer == did
    assert result.credential == credential
    assert result.header["typ"] == "vc+jwt"


def test_vc_jwt_ps256_round_trip():
    key = generate_key("RSA")
    credential = dict(CREDENTIAL, issuer="did:web:issuer.example.com")

    token = sign_vc_jwt(credential, key, "PS256", "did:web:issuer.example.com#key-1")
    result = verify_vc_jwt(token, key=key.public_key())

    assert result.verification_method == "did:web:issuer.example.com#key-1"


def test_vc_jwt_tampered_payload_fails():
    key, _, kid, credential = _did_key_credential("Ed25519")
    header, _, signature = sign_vc_jwt(credential, key, "EdDSA", kid).split(".")
    changed = dict(credential, validFrom="2020-01-01T00:00:00Z")
    payload = base64url_encode(json.dumps(changed).encode("utf-8"))

    with pytest.raises(VerificationError, match="does not verify"):
        verify_vc_jwt(f"{header}.{payload}.{signature}")


def test_vc_jwt_algorithm_must_fit_key():
    key, _, kid, credential = _did_key_credential("P-256")
    token = sign_vc_jwt(credential, key, "ES256", kid)
    header_part, payload_part, signature = token.split(".")
    header = json.loads(base64url_decode(header_part))
    header["alg"] = "EdDSA"
    forged = base64url_encode(json.dumps(header).encode("utf-8"))

    with pytest.raises(VerificationError, match="does not verify"):
        verify_vc_jwt(f"{forged}.{payload_part}.{signature}")


def test_vc_jwt_kid_of_other_did_rejected():
    key, _, _, credential = _did_key_credential("Ed25519")
    _, _, other_kid, _ = _did_key_credential("Ed25519")

    with pytest.raises(VerificationError, match="does not belong to the issuer"):
        verify_vc_jwt(sign_vc_jwt(credential, key, "EdDSA", other_kid))


def test_vc_jwt_unknown_algorithm_rejected():
    key, _, kid, credential = _did_key_credential("Ed25519")
    token = sign_vc_jwt(credential, key, "EdDSA", kid, extra_header={"alg": "none"})

    with pytest.raises(VerificationError, match="not supported"):
        verify_vc_jwt(token)


@pytest.mark.parametrize("notary", LOIRE_NOTARIES)
def test_loire_token_payload_matches_decoded_copy(notary):
    token = read_text(f"gaia-x/loire-notary-lei-vc-jwt_{notary}.jwt")
    header, payload, _, signature = split_compact(token)

    assert json.loads(payload) == load_json(f"gaia-x/loire-notary-lei-vc-jwt_{notary}.payload.json")
    assert header["alg"] == "PS256"
    assert header["typ"] == "vc+ld+jwt"
    assert header["kid"].startswith(header["iss"] + "#")
    assert len(signature) in (256, 512)  # RSA 2048 or 4096 bits


@pytest.mark.parametrize("notary", LOIRE_NOTARIES)
def test_loire_token_rejected_in_strict_mode(notary):
    token = read_text(f"gaia-x/loire-notary-lei-vc-jwt_{notary}.jwt")

    with pytest.raises(VerificationError, match="gaiax-loire-notary"):
        verify_vc_jwt(token, key=generate_key("RSA").public_key())


@pytest.mark.parametrize("notary", LOIRE_NOTARIES)
def test_loire_token_needs_allowed_did_web_host(notary):
    token = read_text(f"gaia-x/loire-notary-lei-vc-jwt_{notary}.jwt")

    with pytest.raises(DidResolutionError, match="is not allowed"):
        verify_vc_jwt(token, mode=LOIRE_NOTARY)


@pytest.mark.parametrize("notary", LOIRE_NOTARIES)
def test_loire_token_with_other_key_fails(notary):
    token = read_text(f"gaia-x/loire-notary-lei-vc-jwt_{notary}.jwt")

    with pytest.raises(VerificationError, match="does not verify"):
        verify_vc_jwt(token, key=generate_key("RSA").public_key(), mode=LOIRE_NOTARY)


def test_loire_header_quirks_accepted_in_compatibility_mode():
    token = read_text("gaia-x/loire-notary-lei-vc-jwt_gx-notary.gxdch.dih.telekom.com_v2.jwt")
    header, payload, _, _ = split_compact(token)
    key = generate_key("RSA")
    quirks = {name: header[name] for name in ("iss", "iat", "exp", "cty", "typ")}

    resigned = sign_vc_jwt(json.loads(payload), key, "PS256", header["kid"], extra_header=quirks)
    result = verify_vc_jwt(resigned, key=key.public_key(), mode=LOIRE_NOTARY)

    assert result.issuer == "did:web:gx-notary.gxdch.dih.telekom.com:v2"
    assert result.not_after == datetime.fromtimestamp(header["exp"] / 1000, tz=timezone.utc)
    with pytest.raises(VerificationError, match="vc\\+ld\\+jwt"):
        verify_vc_jwt(resigned, key=key.public_key())


def test_loire_header_issuer_must_match_payload():
    token = read_text("gaia-x/loire-notary-lei-vc-jwt_www.delta-dao.com_notary_v2.jwt")
    header, payload, _, _ = split_compact(token)
    key = generate_key("RSA")
    quirks = {"iss": "did:web:notary.example.com", "typ": "vc+ld+jwt", "cty": "vc+ld"}

    token = sign_vc_jwt(json.loads(payload), key, "PS256", header["kid"], extra_header=quirks)
    with pytest.raises(VerificationError, match="differs from the credential issuer"):
        verify_vc_jwt(token, key=key.public_key(), mode=LOIRE_NOTARY)


TAGUS = "gaia-x/tagus-compliance-vc_2023-09-19_delta-dao.json"


def test_gaiax_compliance_canonical_form_matches_go_implementation():
    credential = load_json(TAGUS)
    unsecured = {name: value for name, value in credential.items() if name != "proof"}

    canonical = canonicalize_nquads(to_nquads(unsecured))

    assert canonical == read_text("gaia-x/tagus-compliance-vc_2023-09-19_delta-dao.canon-urdna2015.nq")


def test_gaiax_signed_payload_hash():
    canonical = read_text("gaia-x/tagus-compliance-vc_2023-09-19_delta-dao.canon-urdna2015.nq")

    payload = json_web_signature_2020_payload(load_json(TAGUS))

    assert payload == hashlib.sha256(canonical.encode("utf-8")).hexdigest().encode("ascii")


def test_gaiax_real_proof_header_is_detached_ps256():
    jws = load_json(TAGUS)["proof"]["jws"]
    header = json.loads(base64url_decode(jws.split(".")[0]))

    assert header == {"alg": "PS256", "b64": False, "crit": ["b64"]}
    assert jws.split(".")[1] == ""


def test_gaiax_real_proof_fails_with_other_key():
    with pytest.raises(VerificationError, match="does not verify"):
        verify_json_web_signature_2020(load_json(TAGUS), key=generate_key("RSA").public_key())


def test_json_web_signature_2020_round_trip():
    key = generate_key("RSA")
    credential = load_json(TAGUS)

    signed = sign_json_web_signature_2020(credential, key, "did:web:compliance.example.com#key-1")
    method = verify_json_web_signature_2020(signed, key=key.public_key())

    assert method == "did:web:compliance.example.com#key-1"


def test_json_web_signature_2020_tampered_fails():
    key = generate_key("RSA")
    signed = sign_json_web_signature_2020(load_json(TAGUS), key, "did:web:compliance.example.com#key-1")
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"][0]["gx:integrity"] = "sha256-" + "0" * 64

    with pytest.raises(VerificationError, match="does not verify"):
        verify_json_web_signature_2020(tampered, key=key.public_key())


@pytest.mark.parametrize("notary", LOIRE_NOTARIES)
def test_loire_payload_untyped_evidence(notary):
    payload = load_json(f"gaia-x/loire-notary-lei-vc-jwt_{notary}.payload.json")

    with pytest.raises(MalformedCredentialError, match="evidence of the credential needs a type"):
        check_data_model(payload)
    nquads = check_data_model(payload, untyped_allowed=LOIRE_UNTYPED_MEMBERS)

    assert "<https://w3id.org/gaia-x/development#countryCode>" in nquads


def test_vc_jwt_exp_claim_in_payload():
    key, _, kid, credential = _did_key_credential("Ed25519")

    result = verify_vc_jwt(sign_vc_jwt(dict(credential, exp=1767225600), key, "EdDSA", kid))

    assert result.not_after == datetime(2026, 1, 1, tzinfo=timezone.utc)
