"""did:key and did:web resolution, with did:web served over HTTPS by a local test server."""

from __future__ import annotations

import pytest

from mpli_graph.trust.data_integrity import sign_document, verify_proof
from mpli_graph.trust.did import DidResolver, did_key_document, did_web_url
from mpli_graph.trust.errors import DidResolutionError, VerificationError
from mpli_graph.trust.jose import LOIRE_NOTARY, sign_vc_jwt
from mpli_graph.trust.keys import PrivateKey, generate_key
from mpli_graph.trust.verify import verify_credential

from .trust_fixtures import load_json


def test_did_key_of_vector_resolves_to_multikey():
    key_pair = load_json("vc-di-eddsa/TestVectors/keyPair.json")
    did = "did:key:" + key_pair["publicKeyMultibase"]

    document = did_key_document(did)

    assert document["verificationMethod"][0]["publicKeyMultibase"] == key_pair["publicKeyMultibase"]
    assert document["assertionMethod"] == [f"{did}#{key_pair['publicKeyMultibase']}"]


@pytest.mark.parametrize("curve", ["Ed25519", "P-256", "P-384"])
def test_did_key_round_trip(curve):
    public = generate_key(curve).public_key()
    did = "did:key:" + public.to_multibase()

    key = DidResolver().verification_key(f"{did}#{public.to_multibase()}")

    assert key.curve == curve
    assert key.to_multibase() == public.to_multibase()


def test_did_key_invalid_rejected():
    with pytest.raises(DidResolutionError, match="invalid did:key"):
        did_key_document("did:key:zNotAKey")


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
    ],
)
def test_did_web_url(did, url):
    assert did_web_url(did)[0] == url


def _publish(server, key: PrivateKey, path: str = "/.well-known/did.json", **overrides) -> str:
    method = f"{server.did}#key-1"
    document = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": server.did,
        "verificationMethod": [
            {"id": method, "type": "Multikey", "controller": server.did, "publicKeyMultibase": key.public_key().to_multibase()}
        ],
        "assertionMethod": [method],
    }
    document.update(overrides)
    server.documents[path] = document
    return method


CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "https://provider.example.com/", "certifiedFor": "ISO/IEC 27001 (example)"},
}


def test_did_web_credential_verifies(did_web_server):
    key = generate_key("Ed25519")
    method = _publish(did_web_server, key)
    signed = sign_document(dict(CREDENTIAL, issuer=did_web_server.did), key, verification_method=method)
    resolver = DidResolver({did_web_server.host}, ssl_context=did_web_server.client_context)

    verified = verify_credential(signed, resolver)

    assert verified.issuer == did_web_server.did
    assert did_web_server.requests == ["/.well-known/did.json"]


def test_did_web_json_web_key(did_web_server):
    key = generate_key("P-256")
    method = f"{did_web_server.did}#jwk"
    did_web_server.documents["/.well-known/did.json"] = {
        "id": did_web_server.did,
        "verificationMethod": [{"id": "#jwk", "type": "JsonWebKey", "publicKeyJwk": key.public_key().to_jwk()}],
        "assertionMethod": ["#jwk"],
    }
    resolver = DidResolver({"127.0.0.1"}, ssl_context=did_web_server.client_context)

    found = resolver.verification_key(method)

    assert found.to_jwk() == key.public_key().to_jwk()


def test_did_web_host_not_allowed(did_web_server):
    resolver = DidResolver({"other.example.com"}, ssl_context=did_web_server.client_context)

    with pytest.raises(DidResolutionError, match="is not allowed"):
        resolver.resolve(did_web_server.did)
    assert did_web_server.requests == []


def test_did_web_untrusted_certificate(did_web_server):
    _publish(did_web_server, generate_key("Ed25519"))
    resolver = DidResolver({did_web_server.host})

    with pytest.raises(DidResolutionError, match="cannot fetch"):
        resolver.resolve(did_web_server.did)


def test_did_web_not_found(did_web_server):
    resolver = DidResolver({did_web_server.host}, ssl_context=did_web_server.client_context)

    with pytest.raises(DidResolutionError, match="HTTP 404"):
        resolver.resolve(did_web_server.did)


def test_did_web_document_for_other_did_rejected(did_web_server):
    _publish(did_web_server, generate_key("Ed25519"), id="did:web:issuer.example.com")
    resolver = DidResolver({did_web_server.host}, ssl_context=did_web_server.client_context)

    with pytest.raises(DidResolutionError, match="expected"):
        resolver.resolve(did_web_server.did)


def test_did_web_method_not_for_assertion(did_web_server):
    key = generate_key("Ed25519")
    method = _publish(did_web_server, key, assertionMethod=[])
    signed = sign_document(dict(CREDENTIAL, issuer=did_web_server.did), key, verification_method=method)
    resolver = DidResolver({did_web_server.host}, ssl_context=did_web_server.client_context)

    with pytest.raises(DidResolutionError, match="not listed under assertionMethod"):
        verify_proof(signed, resolver)


def test_did_web_path_document(did_web_server):
    key = generate_key("Ed25519")
    did = f"{did_web_server.did}:issuers:one"
    did_web_server.documents["/issuers/one/did.json"] = {
        "id": did,
        "verificationMethod": [{"id": f"{did}#k", "type": "Multikey", "publicKeyMultibase": key.public_key().to_multibase()}],
        "assertionMethod": [f"{did}#k"],
    }
    resolver = DidResolver({did_web_server.host}, ssl_context=did_web_server.client_context)

    assert resolver.verification_key(f"{did}#k").to_multibase() == key.public_key().to_multibase()


def test_signer_must_be_controlled_by_issuer():
    key = generate_key("Ed25519")
    signed = sign_document(dict(CREDENTIAL, issuer="did:web:issuer.example.com"), key)

    with pytest.raises(VerificationError, match="does not control"):
        verify_credential(signed)


def test_loire_style_jwt_from_did_web_issuer(did_web_server):
    key = generate_key("RSA")
    kid = f"{did_web_server.did}#X509-JWK"
    did_web_server.documents["/.well-known/did.json"] = {
        "id": did_web_server.did,
        "verificationMethod": [{"id": kid, "type": "JsonWebKey2020", "controller": did_web_server.did, "publicKeyJwk": key.public_key().to_jwk()}],
        "assertionMethod": [kid],
    }
    payload = load_json("gaia-x/loire-notary-lei-vc-jwt_gx-notary.gxdch.dih.telekom.com_v2.payload.json")
    payload["issuer"] = did_web_server.did
    quirks = {"iss": did_web_server.did, "iat": 1741271611206, "exp": 1749047611207, "typ": "vc+ld+jwt", "cty": "vc+ld"}
    token = sign_vc_jwt(payload, key, "PS256", kid, extra_header=quirks)
    resolver = DidResolver({did_web_server.host}, ssl_context=did_web_server.client_context)

    verified = verify_credential(token, resolver, LOIRE_NOTARY)

    assert verified.issuer == did_web_server.did
    assert verified.not_after.year == 2025
    with pytest.raises(VerificationError, match="gaiax-loire-notary"):
        verify_credential(token, resolver)
