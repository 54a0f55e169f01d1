"""Public and private keys as Multikey and JWK, with signing and verification.

Supported: Ed25519 (EdDSA), P-256 (ES256), P-384 (ES384) and RSA (PS256, RS256).
ECDSA signatures are in the fixed-size ``r || s`` form that both Data Integrity
and JOSE use, not DER.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from mpli_graph.trust.errors import MalformedCredentialError
from mpli_graph.trust.multibase import (
    base64url_decode,
    base64url_encode,
    multibase_decode,
    multibase_encode,
    varint_decode,
    varint_encode,
)

logger = logging.getLogger(__name__)

PublicKeyType = Union[ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey, rsa.RSAPublicKey]
PrivateKeyType = Union[ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey]

# Multicodec codes of the key types, from the multiformats table.
ED25519_PUB = 0xED
P256_PUB = 0x1200
P384_PUB = 0x1201
ED25519_PRIV = 0x1300
P256_PRIV = 0x1306
P384_PRIV = 0x1307

_CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1()}
_CURVE_SIZES = {"P-256": 32, "P-384": 48}
_PUBLIC_CODECS = {ED25519_PUB: "Ed25519", P256_PUB: "P-256", P384_PUB: "P-384"}
_PRIVATE_CODECS = {ED25519_PRIV: "Ed25519", P256_PRIV: "P-256", P384_PRIV: "P-384"}

# JOSE algorithm names each key type may be used with.
ALGORITHMS_BY_CURVE = {
    "Ed25519": {"EdDSA", "Ed25519"},
    "P-256": {"ES256"},
    "P-384": {"ES384"},
    "RSA": {"PS256", "RS256"},
}


def _curve_name(key: PublicKeyType | PrivateKeyType) -> str:
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return "Ed25519"
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        names = {"secp256r1": "P-256", "secp384r1": "P-384"}
        if key.curve.name not in names:
            raise MalformedCredentialError(f"unsupported elliptic curve {key.curve.name}: use P-256 or P-384")
        return names[key.curve.name]
    if isinstance(key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return "RSA"
    raise MalformedCredentialError(f"unsupported key type {type(key).__name__}")


def _hash_for(algorithm: str) -> hashes.HashAlgorithm:
    return hashes.SHA384() if algorithm.endswith("384") else hashes.SHA256()


@dataclass(frozen=True)
class PublicKey:
    """A public key that verifies signatures, with the id and controller it was found under."""

    key: PublicKeyType
    id: str | None = None
    controller: str | None = None

    @property
    def curve(self) -> str:
        """Name the key type: ``Ed25519``, ``P-256``, ``P-384`` or ``RSA``."""
        return _curve_name(self.key)

    def verify(self, signature: bytes, data: bytes, algorithm: str) -> bool:
        """Check a signature over data with the JOSE algorithm name; return False if it fails."""
        if algorithm not in ALGORITHMS_BY_CURVE[self.curve]:
            logger.debug("algorithm %s does not fit a %s key", algorithm, self.curve)
            return False
        try:
            if isinstance(self.key, ed25519.Ed25519PublicKey):
                self.key.verify(signature, data)
            elif isinstance(self.key, ec.EllipticCurvePublicKey):
                size = _CURVE_SIZES[self.curve]
                if len(signature) != 2 * size:
                    return False
                r = int.from_bytes(signature[:size], "big")
                s = int.from_bytes(signature[size:], "big")
                self.key.verify(encode_dss_signature(r, s), data, ec.ECDSA(_hash_for(algorithm)))
            elif algorithm == "PS256":
                pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
                self.key.verify(signature, data, pss, hashes.SHA256())
            else:
                self.key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return False
        return True

    def to_multibase(self) -> str:
        """Encode the key as a Multikey ``publicKeyMultibase`` value (not for RSA)."""
        curve = self.curve
        if curve == "Ed25519":
            raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return multibase_encode(varint_encode(ED25519_PUB) + raw)
        if curve in ("P-256", "P-384"):
            raw = self.key.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
            codec = P256_PUB if curve == "P-256" else P384_PUB
            return multibase_encode(varint_encode(codec) + raw)
        raise MalformedCredentialError("RSA keys have no Multikey form: use publicKeyJwk")

    def to_jwk(self) -> dict:
        """Encode the key as a public JWK."""
        curve = self.curve
        if curve == "Ed25519":
            raw = self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            return {"kty": "OKP", "crv": "Ed25519", "x": base64url_encode(raw)}
        if curve in ("P-256", "P-384"):
            numbers = self.key.public_numbers()
            size = _CURVE_SIZES[curve]
            return {
                "kty": "EC",
                "crv": curve,
                "x": base64url_encode(numbers.x.to_bytes(size, "big")),
                "y": base64url_encode(numbers.y.to_bytes(size, "big")),
            }
        numbers = self.key.public_numbers()
        return {
            "kty": "RSA",
            "n": base64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
            "e": base64url_encode(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        }


@dataclass(frozen=True)
class PrivateKey:
    """A private key that signs, with the verification method id it signs for."""

    key: PrivateKeyType
    id: str | None = None
    controller: str | None = None

    @property
    def curve(self) -> str:
        """Name the key type: ``Ed25519``, ``P-256``, ``P-384`` or ``RSA``."""
        return _curve_name(self.key)

    def public_key(self) -> PublicKey:
        """Return the matching public key, with the same id and controller."""
        return PublicKey(self.key.public_key(), id=self.id, controller=self.controller)

    def sign(self, data: bytes, algorithm: str) -> bytes:
        """Sign data with the JOSE algorithm name; ECDSA signatures come as ``r || s``."""
        if algorithm not in ALGORITHMS_BY_CURVE[self.curve]:
            raise MalformedCredentialError(f"algorithm {algorithm} does not fit a {self.curve} key")
        if isinstance(self.key, ed25519.Ed25519PrivateKey):
            return self.key.sign(data)
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            der = self.key.sign(data, ec.ECDSA(_hash_for(algorithm)))
            r, s = decode_dss_signature(der)
            size = _CURVE_SIZES[self.curve]
            return r.to_bytes(size, "big") + s.to_bytes(size, "big")
        if algorithm == "PS256":
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            return self.key.sign(data, pss, hashes.SHA256())
        return self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def to_secret_multibase(self) -> str:
        """Encode the private key as a Multikey ``secretKeyMultibase`` value (not for RSA)."""
        curve = self.curve
        if curve == "Ed25519":
            raw = self.key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            return multibase_encode(varint_encode(ED25519_PRIV) + raw)
        if curve in ("P-256", "P-384"):
            raw = self.key.private_numbers().private_value.to_bytes(_CURVE_SIZES[curve], "big")
            codec = P256_PRIV if curve == "P-256" else P384_PRIV
            return multibase_encode(varint_encode(codec) + raw)
        raise MalformedCredentialError("RSA keys have no Multikey form: use a JWK with d")


def public_key_from_multibase(value: str) -> PublicKey:
    """Decode a Multikey ``publicKeyMultibase`` value (Ed25519, P-256 or P-384)."""
    data = multibase_decode(value)
    codec, offset = varint_decode(data)
    raw = data[offset:]
    curve = _PUBLIC_CODECS.get(codec)
    if curve is None:
        raise MalformedCredentialError(
            f"unsupported Multikey type 0x{codec:x} in {value[:40]!r}: use Ed25519, P-256 or P-384"
        )
    try:
        if curve == "Ed25519":
            return PublicKey(ed25519.Ed25519PublicKey.from_public_bytes(raw))
        return PublicKey(ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[curve], raw))
    except ValueError as error:
        raise MalformedCredentialError(f"invalid {curve} public key {value[:40]!r}: {error}") from None


def private_key_from_multibase(value: str) -> PrivateKey:
    """Decode a Multikey ``secretKeyMultibase`` value (Ed25519, P-256 or P-384)."""
    data = multibase_decode(value)
    codec, offset = varint_decode(data)
    raw = data[offset:]
    curve = _PRIVATE_CODECS.get(codec)
    if curve is None:
        raise MalformedCredentialError(f"unsupported Multikey secret key type 0x{codec:x}")
    try:
        if curve == "Ed25519":
            return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(raw))
        return PrivateKey(ec.derive_private_key(int.from_bytes(raw, "big"), _CURVES[curve]))
    except ValueError as error:
        raise MalformedCredentialError(f"invalid {curve} secret key: {error}") from None


def _jwk_int(jwk: dict, name: str) -> int:
    if not isinstance(jwk.get(name), str):
        raise MalformedCredentialError(f"JWK is missing the member {name!r}")
    return int.from_bytes(base64url_decode(jwk[name]), "big")


def public_key_from_jwk(jwk: dict) -> PublicKey:
    """Decode a public JWK: OKP Ed25519, EC P-256 or P-384, or RSA."""
    if not isinstance(jwk, dict):
        raise MalformedCredentialError(f"invalid JWK {jwk!r}: expected a JSON object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            raw = base64url_decode(jwk.get("x", ""))
            return PublicKey(ed25519.Ed25519PublicKey.from_public_bytes(raw))
        if kty == "EC" and crv in _CURVES:
            numbers = ec.EllipticCurvePublicNumbers(_jwk_int(jwk, "x"), _jwk_int(jwk, "y"), _CURVES[crv])
            return PublicKey(numbers.public_key())
        if kty == "RSA":
            return PublicKey(rsa.RSAPublicNumbers(_jwk_int(jwk, "e"), _jwk_int(jwk, "n")).public_key())
    except ValueError as error:
        raise MalformedCredentialError(f"invalid {kty} JWK: {error}") from None
    raise MalformedCredentialError(
        f"unsupported JWK kty={kty!r} crv={crv!r}: use OKP/Ed25519, EC/P-256, EC/P-384 or RSA"
    )


def private_key_from_jwk(jwk: dict) -> PrivateKey:
    """Decode a private JWK (with ``d``): OKP Ed25519, EC P-256 or P-384, or RSA."""
    public = public_key_from_jwk(jwk)
    curve = public.curve
    try:
        if curve == "Ed25519":
            return PrivateKey(ed25519.Ed25519PrivateKey.from_private_bytes(base64url_decode(jwk["d"])))
        if curve in _CURVES:
            return PrivateKey(ec.derive_private_key(_jwk_int(jwk, "d"), _CURVES[curve]))
        public_numbers = public.key.public_numbers()
        p, q = _jwk_int(jwk, "p"), _jwk_int(jwk, "q")
        d = _jwk_int(jwk, "d")
        numbers = rsa.RSAPrivateNumbers(
            p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), public_numbers
        )
        return PrivateKey(numbers.private_key())
    except (KeyError, ValueError) as error:
        raise MalformedCredentialError(f"invalid private {curve} JWK: {error}") from None


def private_jwk(key: PrivateKey) -> dict:
    """Encode a private key as a JWK with ``d`` (and the RSA CRT members)."""
    jwk = key.public_key().to_jwk()
    if key.curve == "Ed25519":
        raw = key.key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        jwk["d"] = base64url_encode(raw)
    elif key.curve in _CURVES:
        jwk["d"] = base64url_encode(key.key.private_numbers().private_value.to_bytes(_CURVE_SIZES[key.curve], "big"))
    else:
        numbers = key.key.private_numbers()
        for name in ("d", "p", "q", "dmp1", "dmq1", "iqmp"):
            value = getattr(numbers, name)
            jose_name = {"dmp1": "dp", "dmq1": "dq", "iqmp": "qi"}.get(name, name)
            jwk[jose_name] = base64url_encode(value.to_bytes((value.bit_length() + 7) // 8, "big"))
    return jwk


def public_key_from_method(method: dict) -> PublicKey:
    """Read the public key of a verification method (Multikey, JsonWebKey or the 2020 types)."""
    method_id = method.get("id")
    controller = method.get("controller")
    if "publicKeyMultibase" in method:
        found = public_key_from_multibase(method["publicKeyMultibase"])
    elif "publicKeyJwk" in method:
        found = public_key_from_jwk(method["publicKeyJwk"])
    else:
        raise MalformedCredentialError(
            f"verification method {method_id!r} has neither publicKeyMultibase nor publicKeyJwk"
        )
    return PublicKey(found.key, id=method_id, controller=controller)


def generate_key(curve: str = "Ed25519") -> PrivateKey:
    """Generate a new private key: ``Ed25519``, ``P-256``, ``P-384`` or ``RSA`` (3072 bits)."""
    if curve == "Ed25519":
        return PrivateKey(ed25519.Ed25519PrivateKey.generate())
    if curve in _CURVES:
        return PrivateKey(ec.generate_private_key(_CURVES[curve]))
    if curve == "RSA":
        return PrivateKey(rsa.generate_private_key(public_exponent=65537, key_size=3072))
    raise MalformedCredentialError(f"unknown key type {curve!r}: use Ed25519, P-256, P-384 or RSA")


def load_key_file(path: Path) -> PrivateKey:
    """Read a private key file: a Multikey pair (``secretKeyMultibase``) or a private JWK.

    The file may carry ``id`` (the verification method IRI) and ``controller``
    (the issuer DID). A file written by ``mpli credential keygen`` has both.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise MalformedCredentialError(f"cannot read key file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise MalformedCredentialError(f"key file {path} is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise MalformedCredentialError(f"key file {path} must hold a JSON object")

    secret = document.get("secretKeyMultibase") or document.get("privateKeyMultibase")
    if secret:
        key = private_key_from_multibase(secret)
    elif "d" in document:
        key = private_key_from_jwk(document)
    elif isinstance(document.get("privateKeyJwk"), dict):
        key = private_key_from_jwk(document["privateKeyJwk"])
    else:
        raise MalformedCredentialError(
            f"key file {path} contains no private key: expected secretKeyMultibase or a JWK with d"
        )
    return PrivateKey(key.key, id=document.get("id"), controller=document.get("controller"))
