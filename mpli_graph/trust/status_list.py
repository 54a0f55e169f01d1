"""Bitstring Status List: publish revocation and suspension bits and check them.

A status list is a bitstring, GZIP-compressed and written as a multibase
base64url string (prefix ``u``) in the ``encodedList`` of a
``BitstringStatusListCredential``. Bit 0 is the most significant bit of the
first byte. A credential points at one bit through a ``BitstringStatusListEntry``
(``statusListCredential``, ``statusListIndex``, ``statusPurpose``); a set bit
means revoked (or suspended, for the ``suspension`` purpose).
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.multibase import base64url_decode, base64url_encode

logger = logging.getLogger(__name__)

MINIMUM_BITS = 16 * 1024 * 8
MAXIMUM_ENCODED_BYTES = 8 * 1024 * 1024
STATUS_PURPOSES = ("revocation", "suspension")


class Bitstring:
    """A fixed-length bitstring in status-list bit order (bit 0 = high bit of byte 0)."""

    def __init__(self, length: int = MINIMUM_BITS) -> None:
        if length <= 0 or length % 8:
            raise MalformedCredentialError(f"status list length {length} must be a positive multiple of 8")
        self._bytes = bytearray(length // 8)

    def __len__(self) -> int:
        return len(self._bytes) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < len(self):
            raise MalformedCredentialError(f"status list index {index} is outside the list of {len(self)} bits")
        return index // 8, 7 - index % 8

    def get(self, index: int) -> bool:
        """Return the bit at index."""
        byte, shift = self._locate(index)
        return bool(self._bytes[byte] >> shift & 1)

    def set(self, index: int, value: bool = True) -> None:
        """Set or clear the bit at index."""
        byte, shift = self._locate(index)
        if value:
            self._bytes[byte] |= 1 << shift
        else:
            self._bytes[byte] &= ~(1 << shift) & 0xFF

    def to_bytes(self) -> bytes:
        """Return the raw bitstring bytes."""
        return bytes(self._bytes)

    def encode(self) -> str:
        """Return the ``encodedList`` value: multibase base64url of the GZIP-compressed bits."""
        return "u" + base64url_encode(gzip.compress(self.to_bytes(), mtime=0))

    @classmethod
    def decode(cls, encoded_list: str) -> Bitstring:
        """Read an ``encodedList`` value (multibase ``u`` prefix; bare base64url is also read)."""
        if not isinstance(encoded_list, str) or not encoded_list:
            raise MalformedCredentialError("encodedList must be a non-empty string")
        body = encoded_list[1:] if encoded_list.startswith("u") else encoded_list
        compressed = base64url_decode(body)
        try:
            decompressor = zlib.decompressobj(wbits=31)
            raw = decompressor.decompress(compressed, MAXIMUM_ENCODED_BYTES + 1)
        except zlib.error as error:
            raise MalformedCredentialError(f"encodedList is not GZIP data: {error}") from None
        if len(raw) > MAXIMUM_ENCODED_BYTES:
            raise MalformedCredentialError(f"encodedList expands past {MAXIMUM_ENCODED_BYTES} bytes")
        bitstring = cls(max(len(raw) * 8, 8))
        bitstring._bytes[: len(raw)] = raw
        return bitstring


def status_list_credential(
    credential_id: str,
    issuer: str,
    bitstring: Bitstring,
    status_purpose: str = "revocation",
    valid_from: str | None = None,
) -> dict:
    """Build an unsigned BitstringStatusListCredential for the bits."""
    if status_purpose not in STATUS_PURPOSES:
        raise MalformedCredentialError(f"unknown statusPurpose {status_purpose!r}: use {' or '.join(STATUS_PURPOSES)}")
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "credentialSubject": {
            "id": f"{credential_id}#list",
            "type": "BitstringStatusList",
            "statusPurpose": status_purpose,
            "encodedList": bitstring.encode(),
        },
    }
    if valid_from:
        credential["validFrom"] = valid_from
    return credential


@dataclass(frozen=True)
class StatusEntry:
    """One ``BitstringStatusListEntry`` of a credential."""

    status_list_credential: str
    index: int
    purpose: str


def status_entries(credential: dict) -> list[StatusEntry]:
    """Read the BitstringStatusListEntry items of a credential's ``credentialStatus``."""
    value = credential.get("credentialStatus")
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    entries = []
    for item in items:
        if not isinstance(item, dict) or item.get("type") != "BitstringStatusListEntry":
            continue
        index_text = item.get("statusListIndex")
        if not isinstance(index_text, str) or not index_text.isdigit():
            raise MalformedCredentialError(f"statusListIndex {index_text!r} must be a string of digits")
        if item.get("statusPurpose") not in STATUS_PURPOSES:
            raise MalformedCredentialError(f"unsupported statusPurpose {item.get('statusPurpose')!r}")
        if not isinstance(item.get("statusListCredential"), str):
            raise MalformedCredentialError("a BitstringStatusListEntry needs statusListCredential (a URL)")
        entries.append(StatusEntry(item["statusListCredential"], int(index_text), item["statusPurpose"]))
    return entries


def check_status(
    credential: dict,
    status_lists: dict[str, dict],
    verify_list: Callable[[dict], str] | None = None,
) -> None:
    """Raise VerificationError("not revoked") if a status bit of the credential is set.

    ``status_lists`` maps each status list credential URL to its document (nothing
    is fetched). ``verify_list`` verifies a status list credential and returns its
    issuer; the list must come from the credential's own issuer.
    """
    for entry in status_entries(credential):
        document = status_lists.get(entry.status_list_credential)
        if document is None:
            raise VerificationError(
                "not revoked",
                f"status list credential {entry.status_list_credential} is not available, so revocation "
                "cannot be checked: add it to the credentials given to the checker",
            )
        if verify_list is not None:
            list_issuer = verify_list(document)
            issuer = credential.get("issuer")
            issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
            if list_issuer != issuer:
                raise VerificationError(
                    "not revoked",
                    f"status list {entry.status_list_credential} is issued by {list_issuer}, not by {issuer}",
                )

        subject = document.get("credentialSubject", {})
        if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
            raise MalformedCredentialError(f"{entry.status_list_credential} is not a BitstringStatusList credential")
        if subject.get("statusPurpose") != entry.purpose:
            raise VerificationError(
                "not revoked",
                f"status list {entry.status_list_credential} has purpose {subject.get('statusPurpose')!r}, "
                f"the credential expects {entry.purpose!r}",
            )
        bitstring = Bitstring.decode(subject.get("encodedList"))
        if len(bitstring) < MINIMUM_BITS:
            raise MalformedCredentialError(
                f"status list {entry.status_list_credential} has {len(bitstring)} bits, fewer than {MINIMUM_BITS}"
            )
        if bitstring.get(entry.index):
            state = "revoked" if entry.purpose == "revocation" else "suspended"
            raise VerificationError(
                "not revoked",
                f"the credential is {state}: bit {entry.index} of {entry.status_list_credential} is set",
            )
        logger.debug("status %s bit %s of %s is clear", entry.purpose, entry.index, entry.status_list_credential)
