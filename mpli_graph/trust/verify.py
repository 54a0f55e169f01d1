"""Verify any secured credential MPLI accepts and bind its signer to its issuer.

Accepted forms: a JSON-LD credential with a Data Integrity proof
(eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, Ed25519Signature2020) or a
Gaia-X 22.10 JsonWebSignature2020 proof; a compact ``vc+jwt``; and an
``EnvelopedVerifiableCredential`` whose ``data:`` URL contains a ``vc+jwt``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from mpli_graph.trust.data_integrity import suite_name, verify_proof
from mpli_graph.trust.did import DidResolver
from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.jose import (
    LOIRE_NOTARY,
    LOIRE_UNTYPED_MEMBERS,
    STRICT,
    verify_json_web_signature_2020,
    verify_vc_jwt,
)
from mpli_graph.trust.validity import VCDM1_CONTEXT, check_credential_structure, check_data_model

logger = logging.getLogger(__name__)

_ENVELOPE_PREFIXES = ("data:application/vc+jwt,", "data:application/vc-ld+jwt,", "data:application/vc-ld+jwt;base64url,")


@dataclass(frozen=True)
class VerifiedCredential:
    """A credential whose signature verified, with its issuer and the envelope's validity bounds."""

    credential: dict
    issuer: str
    securing: str
    verification_method: str
    not_before: datetime | None = None
    not_after: datetime | None = None


def issuer_id(credential: dict) -> str:
    """Return the issuer IRI of a credential (``issuer`` or ``issuer.id``)."""
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str):
        raise MalformedCredentialError("the credential has no issuer IRI")
    return issuer


def _check_signer(issuer: str, verification_method: str) -> None:
    controller = verification_method.split("#")[0]
    if controller != issuer:
        raise VerificationError(
            "verifies",
            f"the credential is signed with {verification_method}, which the issuer {issuer} does not control",
        )


def _unwrap_envelope(document: dict) -> str | None:
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "EnvelopedVerifiableCredential" not in types:
        return None
    url = document.get("id", "")
    for prefix in _ENVELOPE_PREFIXES:
        if isinstance(url, str) and url.startswith(prefix):
            return url[len(prefix):]
    raise MalformedCredentialError("the EnvelopedVerifiableCredential id is not a data: URL that contains a vc+jwt")


def verify_credential(
    document: dict | str,
    resolver: DidResolver | None = None,
    mode: str = STRICT,
) -> VerifiedCredential:
    """Verify a credential's signature, its data model and that its issuer controls the signing key.

    Raises VerificationError (check "verifies") for a bad signature or signer, and
    an InputError subclass for a malformed credential.
    """
    resolver = resolver or DidResolver()
    if isinstance(document, dict):
        token = _unwrap_envelope(document)
        if token is not None:
            document = token

    if isinstance(document, str):
        result = verify_vc_jwt(document, resolver, mode=mode)
        check_data_model(result.credential, untyped_allowed=LOIRE_UNTYPED_MEMBERS if mode == LOIRE_NOTARY else ())
        _check_signer(result.issuer, result.verification_method)
        return VerifiedCredential(
            result.credential, result.issuer, "vc+jwt", result.verification_method, result.not_before, result.not_after
        )

    if not isinstance(document, dict):
        raise MalformedCredentialError("a credential must be a JSON object or a compact JWT")
    proof = document.get("proof")
    first_proof = proof[0] if isinstance(proof, list) and proof else proof
    if not isinstance(first_proof, dict):
        raise VerificationError("verifies", "the credential has no proof")

    contexts = document.get("@context")
    first_context = contexts[0] if isinstance(contexts, list) and contexts else contexts
    issuer = issuer_id(document)

    if first_proof.get("type") == "JsonWebSignature2020":
        method = verify_json_web_signature_2020(document, resolver)
        _check_signer(issuer, method)
        return VerifiedCredential(document, issuer, "JsonWebSignature2020", method)

    # Verifying an RDFC proof expands the whole document and rejects undefined terms,
    # so only the JSON structure is checked here. A JCS proof never expands the document.
    proofs = proof if isinstance(proof, list) else [proof]
    uses_rdf = all(isinstance(item, dict) and suite_name(item) != "eddsa-jcs-2022" for item in proofs)
    if first_context != VCDM1_CONTEXT:
        if uses_rdf:
            check_credential_structure(document)
        else:
            check_data_model(document)
    results = verify_proof(document, resolver)
    for result in results:
        _check_signer(issuer, result.verification_method)
    return VerifiedCredential(document, issuer, results[0].cryptosuite, results[0].verification_method)
