"""Multibase strings and multicodec prefixes, as used by Multikey and did:key.

Data Integrity writes keys and signatures as multibase strings: a one-letter
prefix names the base (``z`` is base58btc, ``u`` is base64url without
padding). A Multikey adds a varint multicodec header before the raw key bytes.
"""

from __future__ import annotations

import base64
import binascii

from mpli_graph.trust.errors import MalformedCredentialError

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_INDEX = {character: index for index, character in enumerate(BASE58_ALPHABET)}


def base58_encode(data: bytes) -> str:
    """Encode bytes as base58 (Bitcoin alphabet), keeping leading zero bytes as ``1``."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(BASE58_ALPHABET[remainder])
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading_zeros + "".join(reversed(digits))


def base58_decode(text: str) -> bytes:
    """Decode a base58 (Bitcoin alphabet) string."""
    number = 0
    for character in text:
        if character not in _BASE58_INDEX:
            raise MalformedCredentialError(
                f"invalid base58 character {character!r} in {text[:40]!r}"
            )
        number = number * 58 + _BASE58_INDEX[character]
    leading_zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_zeros + body


def base64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def base64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise MalformedCredentialError(f"invalid base64url value {text[:40]!r}: {error}") from None


def multibase_decode(text: str) -> bytes:
    """Decode a multibase string in base58btc (``z``) or base64url (``u``)."""
    if not isinstance(text, str) or not text:
        raise MalformedCredentialError(f"invalid multibase value {text!r}: expected a string")
    prefix, body = text[0], text[1:]
    if prefix == "z":
        return base58_decode(body)
    if prefix == "u":
        return base64url_decode(body)
    raise MalformedCredentialError(
        f"unsupported multibase prefix {prefix!r} in {text[:40]!r}: use z (base58btc) or u (base64url)"
    )


def multibase_encode(data: bytes) -> str:
    """Encode bytes as a base58btc multibase string (prefix ``z``)."""
    return "z" + base58_encode(data)


def varint_encode(value: int) -> bytes:
    """Encode an unsigned integer as an unsigned LEB128 varint (multicodec header)."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def varint_decode(data: bytes) -> tuple[int, int]:
    """Decode an unsigned varint at the start of data; return (value, bytes read)."""
    value = 0
    for index, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, index + 1
    raise MalformedCredentialError("invalid multicodec header: the varint does not end")
