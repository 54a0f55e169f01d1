"""Data Integrity proofs: the W3C vectors stage by stage, tampered copies, and issue/verify round trips."""

from __future__ import annotations

import copy
import hashlib
from datetime import datetime, timezone

import pytest

from mpli_graph.errors import ContextNotAllowedError
from mpli_graph.trust.data_integrity import proof_stages, sign_document, verify_proof
from mpli_graph.trust.errors import DroppedTermsError, MalformedCredentialError, VerificationError
from mpli_graph.trust.keys import generate_key, private_key_from_multibase
from mpli_graph.trust.multibase import base58_encode, multibase_decode

from .trust_fixtures import load_json, read_text

# (folder, file suffix, hash) of each W3C vector: signed<suffix>.json, canonDoc<suffix>.txt, ...
VECTORS = [
    ("vc-di-eddsa/TestVectors/eddsa-rdfc-2022", "DataInt", "sha256"),
    ("vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ", "DataInt", "sha256"),
    ("vc-di-eddsa/TestVectors/eddsa-jcs-2022", "JCS", "sha256"),
    ("vc-di-eddsa/TestVectors/Ed25519Signature2020", "EdSig", "sha256"),
    ("vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256", "ECDSAP256", "sha256"),
    ("vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256/employ", "ECDSAP256", "sha256"),
    ("vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384", "ECDSAP384", "sha384"),
    ("vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384/employ", "ECDSAP384", "sha384"),
]
VECTOR_IDS = [folder.split("TestVectors/")[1] for folder, _, _ in VECTORS]


def _vector(folder: str, suffix: str) -> dict:
    return load_json(f"{folder}/signed{suffix}.json")


def _text(folder: str, name: str) -> str:
    return read_text(f"{folder}/{name}")


@pytest.mark.parametrize(("folder", "suffix", "hash_name"), VECTORS, ids=VECTOR_IDS)
def test_vector_canonical_document(folder, suffix, hash_name):
    signed = _vector(folder, suffix)
    stages = proof_stages(signed, signed["proof"], hash_name)

    assert stages.canonical_document == _text(folder, f"canonDoc{suffix}.txt")


@pytest.mark.parametrize(("folder", "suffix", "hash_name"), VECTORS, ids=VECTOR_IDS)
def test_vector_canonical_proof(folder, suffix, hash_name):
    signed = _vector(folder, suffix)
    stages = proof_stages(signed, signed["proof"], hash_name)

    assert stages.canonical_proof_configuration == _text(folder, f"proofCanon{suffix}.txt")


@pytest.mark.parametrize(("folder", "suffix", "hash_name"), VECTORS, ids=VECTOR_IDS)
def test_vector_hashes(folder, suffix, hash_name):
    signed = _vector(folder, suffix)
    stages = proof_stages(signed, signed["proof"], hash_name)

    assert stages.document_hash.hex() == _text(folder, f"docHash{suffix}.txt").strip()
    assert stages.proof_hash.hex() == _text(folder, f"proofHash{suffix}.txt").strip()
    assert stages.hash_data.hex() == _text(folder, f"combinedHash{suffix}.txt").strip()


@pytest.mark.parametrize(("folder", "suffix", "hash_name"), VECTORS, ids=VECTOR_IDS)
def test_vector_signature_value(folder, suffix, hash_name):
    signed = _vector(folder, suffix)
    signature = multibase_decode(signed["proof"]["proofValue"])

    assert signature.hex() == _text(folder, f"sigHex{suffix}.txt").strip()
    assert base58_encode(signature) == _text(folder, f"sigBTC58{suffix}.txt").strip().removeprefix("z")


@pytest.mark.parametrize(("folder", "suffix", "hash_name"), VECTORS, ids=VECTOR_IDS)
def test_vector_verifies(folder, suffix, hash_name):
    signed = _vector(folder, suffix)

    [result] = verify_proof(signed)

    assert result.verification_method == signed["proof"]["verificationMethod"]


TAMPERINGS = {
    "subject value": lambda doc: doc["credentialSubject"].__setitem__("id", "did:example:someone-else"),
    "added claim": lambda doc: doc.__setitem__("validUntil", "2099-01-01T00:00:00Z"),
    "proof created": lambda doc: doc["proof"].__setitem__("created", "2023-02-24T23:36:39Z"),
    "proof purpose": lambda doc: doc["proof"].__setitem__("proofPurpose", "authentication"),
    "signature byte": lambda doc: doc["proof"].__setitem__(
        "proofValue", "z" + base58_encode(bytes([multibase_decode(doc["proof"]["proofValue"])[0] ^ 1]) + multibase_decode(doc["proof"]["proofValue"])[1:])
    ),
}


@pytest.mark.parametrize(("folder", "suffix", "hash_name"), VECTORS, ids=VECTOR_IDS)
@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_tampered_vector_fails(folder, suffix, hash_name, tampering):
    signed = copy.deepcopy(_vector(folder, suffix))
    TAMPERINGS[tampering](signed)

    with pytest.raises((VerificationError, MalformedCredentialError)):
        verify_proof(signed)


def test_vector_with_other_key_fails():
    signed = _vector(*VECTORS[0][:2])

    with pytest.raises(VerificationError, match="does not verify"):
        verify_proof(signed, key=generate_key("Ed25519").public_key())


@pytest.mark.parametrize(
    ("folder", "suffix", "unsigned"),
    [
        ("vc-di-eddsa/TestVectors/eddsa-rdfc-2022", "DataInt", "vc-di-eddsa/TestVectors/unsigned.json"),
        ("vc-di-eddsa/TestVectors/eddsa-jcs-2022", "JCS", "vc-di-eddsa/TestVectors/unsigned.json"),
        ("vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ", "DataInt", "vc-di-eddsa/TestVectors/employmentAuth.json"),
    ],
)
def test_signing_reproduces_vector(folder, suffix, unsigned):
    key_pair = load_json("vc-di-eddsa/TestVectors/keyPair.json")
    key = private_key_from_multibase(key_pair["privateKeyMultibase"])
    signed = _vector(folder, suffix)
    created = datetime(2023, 2, 24, 23, 36, 38, tzinfo=timezone.utc)

    reissued = sign_document(
        load_json(unsigned),
        key,
        signed["proof"]["cryptosuite"],
        verification_method=signed["proof"]["verificationMethod"],
        created=created,
    )

    assert reissued["proof"]["proofValue"] == signed["proof"]["proofValue"]


UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "id": "https://provider.example.com/credentials/1",
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "validFrom": "2025-01-01T00:00:00Z",
    "credentialSubject": {"id": "https://provider.example.com/", "certifiedFor": "ISO/IEC 27001 (example)"},
}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issue_verify_round_trip(suite):
    key = generate_key("Ed25519")

    signed = sign_document(UNSIGNED, key, suite)
    [result] = verify_proof(signed)

    assert result.cryptosuite == suite
    assert result.controller == signed["proof"]["verificationMethod"].split("#")[0]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_round_trip_tampered_fails(suite):
    signed = sign_document(UNSIGNED, generate_key("Ed25519"), suite)
    signed["credentialSubject"]["certifiedFor"] = "SecNumCloud (example)"

    with pytest.raises(VerificationError, match="does not verify"):
        verify_proof(signed)


def test_rdfc_ignores_json_key_order():
    signed = sign_document(UNSIGNED, generate_key("Ed25519"), "eddsa-rdfc-2022")
    reordered = {key: signed[key] for key in reversed(list(signed))}

    assert verify_proof(reordered)


def test_issue_rejects_other_suites():
    with pytest.raises(MalformedCredentialError, match="cannot issue"):
        sign_document(UNSIGNED, generate_key("Ed25519"), "ecdsa-rdfc-2019")


def test_context_outside_allowlist_raises():
    document = dict(UNSIGNED, **{"@context": ["https://www.w3.org/ns/credentials/v2", "https://contexts.example.com/v1"]})

    with pytest.raises(ContextNotAllowedError, match="https://contexts.example.com/v1"):
        sign_document(document, generate_key("Ed25519"))


def test_undefined_terms_rejected_by_name():
    document = dict(UNSIGNED, **{"@context": ["https://www.w3.org/ns/credentials/v2"]})

    with pytest.raises(DroppedTermsError, match="certifiedFor"):
        sign_document(document, generate_key("Ed25519"))


def test_null_vocab_does_not_hide_undefined_terms():
    document = dict(UNSIGNED, **{"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": None}]})

    with pytest.raises(DroppedTermsError, match="certifiedFor"):
        sign_document(document, generate_key("Ed25519"))


def test_document_hash_is_sha256_of_canonical_form():
    signed = _vector(*VECTORS[0][:2])
    stages = proof_stages(signed, signed["proof"])

    assert stages.document_hash == hashlib.sha256(stages.canonical_document.encode("utf-8")).digest()
