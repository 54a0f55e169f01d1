"""JOSE-secured credentials: VC-JOSE-COSE ``vc+jwt``, Gaia-X 22.10 JsonWebSignature2020,
and the VC-JWTs of the Gaia-X Loire notaries.

* ``vc+jwt`` (VC-JOSE-COSE): a compact JWS whose payload is the credential itself,
  with ``alg`` EdDSA, ES256, ES384 or PS256 and ``kid`` a DID URL of the issuer.
* Gaia-X 22.10 JsonWebSignature2020: a detached JWS with ``b64: false`` whose
  payload is the hex SHA-256 of the RDFC-1.0 canonical credential without its proof.
* Loire notary VC-JWTs differ from VC-JOSE-COSE in their header: ``typ`` is
  ``vc+ld+jwt``, ``cty`` is ``vc+ld``, ``iss`` and ``kid`` sit in the header, and
  ``iat``/``exp`` are in milliseconds. Their ``evidence`` also has no ``type``,
  which VCDM 2.0 requires. They are accepted only with the named compatibility
  mode :data:`LOIRE_NOTARY`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from mpli_graph.trust.canonicalize import canonicalize_nquads
from mpli_graph.trust.did import DidResolver
from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.jsonld import to_nquads
from mpli_graph.trust.keys import PrivateKey, PublicKey
from mpli_graph.trust.multibase import base64url_decode, base64url_encode

logger = logging.getLogger(__name__)

STRICT = "strict"
LOIRE_NOTARY = "gaiax-loire-notary"
COMPATIBILITY_MODES = (STRICT, LOIRE_NOTARY)

VC_JWT_TYPES = {STRICT: {"vc+jwt"}, LOIRE_NOTARY: {"vc+jwt", "vc+ld+jwt"}}
VC_JWT_CONTENT_TYPES = {STRICT: {None, "vc"}, LOIRE_NOTARY: {None, "vc", "vc+ld"}}
SUPPORTED_ALGORITHMS = {"EdDSA", "ES256", "ES384", "PS256"}
LOIRE_UNTYPED_MEMBERS = ("evidence",)

# A NumericDate above this is taken to be in milliseconds (10**11 seconds is the year 5138).
_MILLISECONDS_THRESHOLD = 10**11


@dataclass(frozen=True)
class JwtResult:
    """A verified VC-JWT: its header, the credential and the signer."""

    header: dict
    credential: dict
    issuer: str
    verification_method: str
    not_before: datetime | None
    not_after: datetime | None


def _json_part(text: str, part: str) -> dict:
    try:
        value = json.loads(base64url_decode(text))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MalformedCredentialError(f"the JWS {part} is not JSON: {error}") from None
    if not isinstance(value, dict):
        raise MalformedCredentialError(f"the JWS {part} must be a JSON object")
    return value


def split_compact(token: str) -> tuple[dict, bytes, bytes, bytes]:
    """Split a compact JWS into (header, payload bytes, signing input, signature)."""
    if not isinstance(token, str):
        raise MalformedCredentialError("a JWT must be a string")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise MalformedCredentialError(
            f"invalid compact JWS: expected 3 parts separated by '.', found {len(parts)}"
        )
    header = _json_part(parts[0], "header")
    payload = base64url_decode(parts[1])
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    return header, payload, signing_input, base64url_decode(parts[2])


def _issuer_id(credential: dict) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str):
        raise MalformedCredentialError("the credential has no issuer id")
    return issuer


def _numeric_date(header: dict, name: str, mode: str, claims: dict | None = None) -> datetime | None:
    """Read a NumericDate from the header (Loire notaries) or else from the payload claims."""
    value = header.get(name)
    if value is None and claims is not None:
        value = claims.get(name)
    if value is None:
        return None
    if not isinstance(value, (int, float)):
        raise MalformedCredentialError(f"JWT {name} {value!r} is not a NumericDate")
    if value > _MILLISECONDS_THRESHOLD:
        if mode != LOIRE_NOTARY:
            raise VerificationError(
                "verifies",
                f"JWT header {name} {value} is in milliseconds: use compatibility mode {LOIRE_NOTARY!r} "
                "for Gaia-X Loire notary credentials",
            )
        value = value / 1000
    return datetime.fromtimestamp(value, tz=timezone.utc)


def _check_header(header: dict, mode: str) -> None:
    if mode not in COMPATIBILITY_MODES:
        raise MalformedCredentialError(f"unknown compatibility mode {mode!r}: use {' or '.join(COMPATIBILITY_MODES)}")
    if header.get("alg") not in SUPPORTED_ALGORITHMS:
        raise VerificationError(
            "verifies", f"JWS alg {header.get('alg')!r} is not supported: use {', '.join(sorted(SUPPORTED_ALGORITHMS))}"
        )
    if header.get("typ") not in VC_JWT_TYPES[mode]:
        hint = f" (compatibility mode {LOIRE_NOTARY!r} accepts vc+ld+jwt)" if header.get("typ") == "vc+ld+jwt" else ""
        raise VerificationError("verifies", f"JWT typ {header.get('typ')!r} is not vc+jwt{hint}")
    if header.get("cty") not in VC_JWT_CONTENT_TYPES[mode]:
        raise VerificationError("verifies", f"JWT cty {header.get('cty')!r} is not allowed in mode {mode!r}")
    if "crit" in header:
        raise VerificationError("verifies", f"JWT header names critical extensions {header['crit']!r}, none are supported")


def verify_vc_jwt(
    token: str,
    resolver: DidResolver | None = None,
    key: PublicKey | None = None,
    mode: str = STRICT,
) -> JwtResult:
    """Verify a VC-JOSE-COSE ``vc+jwt`` (or, with ``mode=LOIRE_NOTARY``, a Loire notary VC-JWT)."""
    header, payload, signing_input, signature = split_compact(token)
    _check_header(header, mode)
    try:
        credential = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise MalformedCredentialError(f"the JWT payload is not JSON: {error}") from None
    if not isinstance(credential, dict):
        raise MalformedCredentialError("the JWT payload must be a credential (a JSON object)")

    issuer = _issuer_id(credential)
    header_issuer = header.get("iss")
    if header_issuer is not None and mode != LOIRE_NOTARY:
        raise VerificationError("verifies", f"JWT header carries iss, allowed only in mode {LOIRE_NOTARY!r}")
    claimed_issuer = header_issuer or credential.get("iss")
    if claimed_issuer is not None and claimed_issuer != issuer:
        raise VerificationError("verifies", f"JWT iss {claimed_issuer!r} differs from the credential issuer {issuer!r}")

    kid = header.get("kid")
    if not isinstance(kid, str):
        raise VerificationError("verifies", "the JWT header has no kid naming the verification method")
    if kid.startswith("#"):
        kid = issuer + kid
    if key is None:
        if kid.split("#")[0] != issuer:
            raise VerificationError("verifies", f"JWT kid {kid} does not belong to the issuer {issuer}")
        key = (resolver or DidResolver()).verification_key(kid, "assertionMethod")

    if not key.verify(signature, signing_input, header["alg"]):
        raise VerificationError("verifies", f"the {header['alg']} JWT signature by {kid} does not verify")
    logger.debug("verified %s VC-JWT by %s", header["alg"], kid)
    return JwtResult(
        header=header,
        credential=credential,
        issuer=issuer,
        verification_method=kid,
        not_before=_numeric_date(header, "nbf", mode, credential),
        not_after=_numeric_date(header, "exp", mode, credential),
    )


def sign_vc_jwt(credential: dict, key: PrivateKey, algorithm: str, kid: str, extra_header: dict | None = None) -> str:
    """Sign a credential as a compact ``vc+jwt`` with the given algorithm and kid."""
    header = {"alg": algorithm, "kid": kid, "typ": "vc+jwt", "cty": "vc"}
    header.update(extra_header or {})
    header_part = base64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    payload_part = base64url_encode(json.dumps(credential, separators=(",", ":")).encode("utf-8"))
    signing_input = f"{header_part}.{payload_part}".encode("ascii")
    return f"{header_part}.{payload_part}.{base64url_encode(key.sign(signing_input, algorithm))}"


def json_web_signature_2020_payload(document: dict) -> bytes:
    """Return what a Gaia-X 22.10 JsonWebSignature2020 proof signs: hex SHA-256 of the canonical credential."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    canonical = canonicalize_nquads(to_nquads(unsecured))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest().encode("ascii")


def verify_json_web_signature_2020(
    document: dict, resolver: DidResolver | None = None, key: PublicKey | None = None
) -> str:
    """Verify a Gaia-X 22.10 JsonWebSignature2020 proof; return its verification method."""
    proof = document.get("proof")
    if not isinstance(proof, dict) or proof.get("type") != "JsonWebSignature2020":
        raise VerificationError("verifies", "the credential has no JsonWebSignature2020 proof")
    jws = proof.get("jws")
    method = proof.get("verificationMethod")
    if not isinstance(jws, str) or jws.count(".") != 2 or jws.split(".")[1] != "":
        raise MalformedCredentialError("the JsonWebSignature2020 jws must be a detached compact JWS (header..signature)")
    if not isinstance(method, str):
        raise MalformedCredentialError("the JsonWebSignature2020 proof has no verificationMethod")

    header_part, _, signature_part = jws.split(".")
    header = _json_part(header_part, "header")
    if header.get("b64") is not False or "b64" not in header.get("crit", []):
        raise VerificationError("verifies", "the JsonWebSignature2020 header must set b64 false and list it in crit")
    if header.get("alg") not in SUPPORTED_ALGORITHMS:
        raise VerificationError("verifies", f"JWS alg {header.get('alg')!r} is not supported")

    signing_input = header_part.encode("ascii") + b"." + json_web_signature_2020_payload(document)
    key = key or (resolver or DidResolver()).verification_key(method, proof.get("proofPurpose", "assertionMethod"))
    if not key.verify(base64url_decode(signature_part), signing_input, header["alg"]):
        raise VerificationError("verifies", f"the JsonWebSignature2020 signature by {method} does not verify")
    return method


def sign_json_web_signature_2020(
    document: dict, key: PrivateKey, verification_method: str, algorithm: str = "PS256", created: str | None = None
) -> dict:
    """Return a copy of the document with a Gaia-X 22.10 style JsonWebSignature2020 proof."""
    header = {"alg": algorithm, "b64": False, "crit": ["b64"]}
    header_part = base64url_encode(json.dumps(header, separators=(",", ":")).encode("utf-8"))
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    signing_input = header_part.encode("ascii") + b"." + json_web_signature_2020_payload(unsecured)
    signature = key.sign(signing_input, algorithm)
    unsecured["proof"] = {
        "type": "JsonWebSignature2020",
        "created": created or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "proofPurpose": "assertionMethod",
        "jws": f"{header_part}..{base64url_encode(signature)}",
        "verificationMethod": verification_method,
    }
    return unsecured
