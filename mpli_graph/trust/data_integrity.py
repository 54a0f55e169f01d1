"""Data Integrity proofs: create and verify eddsa-rdfc-2022 and eddsa-jcs-2022, verify
ecdsa-rdfc-2019 (P-256, P-384) and the older Ed25519Signature2020.

Each suite transforms the document and the proof configuration (RDFC-1.0 canonical
N-Quads or RFC 8785 JSON), hashes both, and signs ``hash(proof configuration) ||
hash(document)``. :func:`proof_stages` exposes the intermediate values so they can
be compared with the W3C test vectors one stage at a time.
"""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph

from mpli_graph.trust.canonicalize import canonicalize_nquads, canonicalize_quads, parse_nquads
from mpli_graph.trust.did import DidResolver
from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.jcs import canonicalize_json
from mpli_graph.trust.jsonld import to_nquads
from mpli_graph.trust.keys import PrivateKey, PublicKey
from mpli_graph.trust.multibase import multibase_decode, multibase_encode

logger = logging.getLogger(__name__)

SEC_PROOF = "https://w3id.org/security#proof"
SEC_PROOF_VALUE = "https://w3id.org/security#proofValue"


@dataclass(frozen=True)
class Suite:
    """A cryptosuite: its transformation (RDFC-1.0 or JCS), its JOSE algorithm, and whether MPLI issues with it."""

    name: str
    transform: str
    algorithm: str
    can_issue: bool


SUITES = {
    "eddsa-rdfc-2022": Suite("eddsa-rdfc-2022", "rdfc", "EdDSA", True),
    "eddsa-jcs-2022": Suite("eddsa-jcs-2022", "jcs", "EdDSA", True),
    "ecdsa-rdfc-2019": Suite("ecdsa-rdfc-2019", "rdfc", "ES256", False),
    "Ed25519Signature2020": Suite("Ed25519Signature2020", "rdfc", "EdDSA", False),
}


@dataclass(frozen=True)
class ProofStages:
    """The intermediate values of one proof: canonical forms, their hashes, and the data signed."""

    canonical_document: str
    canonical_proof_configuration: str
    document_hash: bytes
    proof_hash: bytes

    @property
    def hash_data(self) -> bytes:
        """Return the bytes that are signed: the proof hash followed by the document hash."""
        return self.proof_hash + self.document_hash


@dataclass(frozen=True)
class ProofResult:
    """A verified proof: which suite, which key and who controls that key."""

    cryptosuite: str
    verification_method: str
    controller: str | None
    proof_purpose: str
    created: str | None


def suite_name(proof: dict) -> str:
    """Return the cryptosuite name of a proof (its ``cryptosuite`` or its legacy ``type``)."""
    if proof.get("type") == "DataIntegrityProof":
        name = proof.get("cryptosuite")
    else:
        name = proof.get("type")
    if name not in SUITES:
        raise VerificationError(
            "verifies",
            f"unsupported proof type {proof.get('type')!r} with cryptosuite {proof.get('cryptosuite')!r}: "
            f"supported are {', '.join(sorted(SUITES))}",
        )
    return name


def _suite_for_key(name: str, key_curve: str) -> tuple[str, str]:
    """Return the JOSE algorithm and the hash name for a suite and key type."""
    if name == "ecdsa-rdfc-2019":
        if key_curve == "P-384":
            return "ES384", "sha384"
        if key_curve == "P-256":
            return "ES256", "sha256"
        raise VerificationError("verifies", f"ecdsa-rdfc-2019 needs a P-256 or P-384 key, not {key_curve}")
    if key_curve != "Ed25519":
        raise VerificationError("verifies", f"{name} needs an Ed25519 key, not {key_curve}")
    return "EdDSA", "sha256"


def _unsecured(document: dict) -> dict:
    unsecured = dict(document)
    unsecured.pop("proof", None)
    return unsecured


def _proof_configuration(document: dict, proof: dict, name: str) -> dict:
    configuration = {key: value for key, value in proof.items() if key != "proofValue"}
    if SUITES[name].transform == "rdfc":
        configuration["@context"] = document.get("@context")
    return configuration


def proof_stages(document: dict, proof: dict, hash_name: str = "sha256") -> ProofStages:
    """Compute the canonical forms and hashes that a proof signs, for document and proof."""
    name = suite_name(proof)
    unsecured = _unsecured(document)
    configuration = _proof_configuration(document, proof, name)
    digest = hashlib.sha384 if hash_name == "sha384" else hashlib.sha256

    if SUITES[name].transform == "jcs":
        if "@context" in proof:
            contexts = document.get("@context")
            if contexts != proof["@context"]:
                raise VerificationError("verifies", "the proof's @context differs from the document's @context")
            unsecured["@context"] = proof["@context"]
        canonical_document = canonicalize_json(unsecured).decode("utf-8")
        canonical_configuration = canonicalize_json(configuration).decode("utf-8")
    else:
        canonical_document, canonical_configuration = _canonical_rdf(unsecured, proof, configuration, hash_name)

    return ProofStages(
        canonical_document=canonical_document,
        canonical_proof_configuration=canonical_configuration,
        document_hash=digest(canonical_document.encode("utf-8")).digest(),
        proof_hash=digest(canonical_configuration.encode("utf-8")).digest(),
    )


def _split_proof_graph(quads: list[pyoxigraph.Quad]) -> tuple[list, list] | None:
    """Split a secured document's quads into (document quads, proof configuration quads).

    JSON-LD puts a proof in its own named graph, linked by ``sec:proof`` from the
    document. That graph's quads, moved to the default graph and without
    ``sec:proofValue``, are the quads of the proof configuration expanded on its
    own. The other quads, without the link, are the unsecured document. Returns
    None unless exactly one such graph exists.
    """
    links = [
        quad
        for quad in quads
        if quad.predicate.value == SEC_PROOF
        and isinstance(quad.graph_name, pyoxigraph.DefaultGraph)
        and isinstance(quad.object, pyoxigraph.BlankNode)
    ]
    if len(links) != 1:
        return None
    proof_graph = links[0].object
    document_quads, proof_quads = [], []
    for quad in quads:
        if quad.graph_name == proof_graph:
            if quad.predicate.value != SEC_PROOF_VALUE:
                proof_quads.append(pyoxigraph.Quad(quad.subject, quad.predicate, quad.object))
        elif quad != links[0]:
            document_quads.append(quad)
    if not proof_quads:
        return None
    return document_quads, proof_quads


def _canonical_rdf(unsecured: dict, proof: dict, configuration: dict, hash_name: str) -> tuple[str, str]:
    """Return the canonical N-Quads of the document and of the proof configuration.

    One JSON-LD expansion of the document with its proof serves both when the
    proof graph can be split off. Otherwise each is expanded on its own.
    """
    secured = dict(unsecured)
    secured["proof"] = {name: value for name, value in proof.items() if name != "@context"}
    split = _split_proof_graph(parse_nquads(to_nquads(secured)))
    if split is not None:
        document_quads, proof_quads = split
        return canonicalize_quads(document_quads, hash_name), canonicalize_quads(proof_quads, hash_name)
    return (
        canonicalize_nquads(to_nquads(unsecured), hash_name),
        canonicalize_nquads(to_nquads(configuration), hash_name),
    )


def _check_proof_fields(proof: object) -> dict:
    if not isinstance(proof, dict):
        raise MalformedCredentialError(f"invalid proof {proof!r}: expected a JSON object")
    for required in ("type", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(required), str):
            raise MalformedCredentialError(f"proof is missing {required!r} (a string)")
    return proof


def verify_proof(
    document: dict,
    resolver: DidResolver | None = None,
    key: PublicKey | None = None,
    expected_purpose: str = "assertionMethod",
) -> list[ProofResult]:
    """Verify every Data Integrity proof on a document; raise VerificationError("verifies") on failure.

    The key comes from ``key`` when given (for test vectors), otherwise from
    resolving the proof's verification method with ``resolver``.
    """
    if not isinstance(document, dict) or "proof" not in document:
        raise VerificationError("verifies", "the credential has no proof")
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    resolver = resolver or DidResolver()
    results = []

    for proof in proofs:
        proof = _check_proof_fields(proof)
        name = suite_name(proof)
        if proof["proofPurpose"] != expected_purpose:
            raise VerificationError(
                "verifies", f"proof purpose is {proof['proofPurpose']!r}, expected {expected_purpose!r}"
            )
        public_key = key or resolver.verification_key(proof["verificationMethod"], expected_purpose)
        algorithm, hash_name = _suite_for_key(name, public_key.curve)
        signature = multibase_decode(proof["proofValue"])

        single = dict(document)
        single["proof"] = proof
        stages = proof_stages(single, proof, hash_name)
        if not public_key.verify(signature, stages.hash_data, algorithm):
            raise VerificationError(
                "verifies", f"the {name} signature by {proof['verificationMethod']} does not verify"
            )
        logger.debug("verified %s proof by %s", name, proof["verificationMethod"])
        results.append(
            ProofResult(
                cryptosuite=name,
                verification_method=proof["verificationMethod"],
                controller=public_key.controller or proof["verificationMethod"].split("#")[0],
                proof_purpose=proof["proofPurpose"],
                created=proof.get("created"),
            )
        )
    return results


def sign_document(
    document: dict,
    key: PrivateKey,
    cryptosuite: str = "eddsa-rdfc-2022",
    verification_method: str | None = None,
    created: datetime | None = None,
) -> dict:
    """Return a copy of the document with a new Data Integrity proof (eddsa-rdfc-2022 or eddsa-jcs-2022)."""
    if cryptosuite not in SUITES or not SUITES[cryptosuite].can_issue:
        raise MalformedCredentialError(
            f"cannot issue with cryptosuite {cryptosuite!r}: use eddsa-rdfc-2022 or eddsa-jcs-2022"
        )
    if key.curve != "Ed25519":
        raise MalformedCredentialError(f"{cryptosuite} needs an Ed25519 key, not {key.curve}")
    method = verification_method or key.id
    if not method:
        public_multibase = key.public_key().to_multibase()
        method = f"did:key:{public_multibase}#{public_multibase}"

    moment = (created or datetime.now(timezone.utc)).astimezone(timezone.utc)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": method,
        "proofPurpose": "assertionMethod",
    }
    unsecured = _unsecured(copy.deepcopy(document))
    if SUITES[cryptosuite].transform == "jcs":
        proof["@context"] = unsecured.get("@context")

    stages = proof_stages(unsecured, proof)
    proof["proofValue"] = multibase_encode(key.sign(stages.hash_data, "EdDSA"))
    signed = dict(unsecured)
    signed["proof"] = proof
    return signed
