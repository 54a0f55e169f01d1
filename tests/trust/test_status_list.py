"""Bitstring Status List: bit order, encoding round trip, the spec example, revocation and suspension."""

from __future__ import annotations

import gzip

import pytest

from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.keys import generate_key
from mpli_graph.trust.multibase import base64url_decode
from mpli_graph.trust.status_list import MINIMUM_BITS, Bitstring, check_status, status_entries, status_list_credential
from mpli_graph.trust.verify import verify_credential

from .trust_fixtures import load_json


def test_spec_example_list_is_16_kib_of_zeros():
    example = load_json("vc-bitstring-status-list/example-BitstringStatusListCredential.json")

    bitstring = Bitstring.decode(example["credentialSubject"]["encodedList"])

    assert len(bitstring) == MINIMUM_BITS
    assert not any(bitstring.to_bytes())


def test_bit_zero_is_high_bit_of_first_byte():
    bitstring = Bitstring(16)
    bitstring.set(0)
    bitstring.set(9)

    assert bitstring.to_bytes() == bytes([0b1000_0000, 0b0100_0000])


def test_encoded_list_is_multibase_gzip():
    bitstring = Bitstring()
    bitstring.set(94567)
    encoded = bitstring.encode()

    raw = gzip.decompress(base64url_decode(encoded[1:]))

    assert encoded.startswith("u")
    assert raw[94567 // 8] == 1 << (7 - 94567 % 8)


def test_round_trip_keeps_every_set_bit():
    bitstring = Bitstring()
    indexes = {0, 1, 7, 8, 1000, 94567, MINIMUM_BITS - 1}
    for index in indexes:
        bitstring.set(index)

    decoded = Bitstring.decode(bitstring.encode())

    assert {index for index in range(len(decoded)) if decoded.get(index)} == indexes


def test_clear_bit():
    bitstring = Bitstring()
    bitstring.set(5)
    bitstring.set(5, False)

    assert not bitstring.get(5)


def test_index_outside_list_rejected():
    with pytest.raises(MalformedCredentialError, match="outside the list"):
        Bitstring(16).get(16)


def test_spec_example_entries_read():
    credential = load_json("vc-bitstring-status-list/example-vc-with-revocation-and-suspension-entries.json")

    entries = status_entries(credential)

    assert [(entry.purpose, entry.index) for entry in entries] == [("revocation", 94567), ("suspension", 23452)]


def _issuer_with_lists(revoked: set[int] = frozenset(), suspended: set[int] = frozenset()):
    key = generate_key("Ed25519")
    multibase_value = key.public_key().to_multibase()
    did = f"did:key:{multibase_value}"
    lists = {}
    for purpose, indexes in (("revocation", revoked), ("suspension", suspended)):
        bitstring = Bitstring()
        for index in indexes:
            bitstring.set(index)
        list_id = f"https://issuer.example.com/status/{purpose}"
        lists[list_id] = sign_document(status_list_credential(list_id, did, bitstring, purpose), key)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "credentialSubject": {"id": "https://provider.example.com/", "name": "Example Cloud (example)"},
        "credentialStatus": [
            {
                "id": "https://issuer.example.com/status/revocation#42",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "42",
                "statusListCredential": "https://issuer.example.com/status/revocation",
            },
            {
                "id": "https://issuer.example.com/status/suspension#42",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "suspension",
                "statusListIndex": "42",
                "statusListCredential": "https://issuer.example.com/status/suspension",
            },
        ],
    }
    return sign_document(credential, key), lists


def _verify_list(document: dict) -> str:
    return verify_credential(document).issuer


def test_credential_not_revoked_passes():
    credential, lists = _issuer_with_lists(revoked={41, 43})

    check_status(credential, lists, _verify_list)


def test_revoked_credential_rejected():
    credential, lists = _issuer_with_lists(revoked={42})

    with pytest.raises(VerificationError, match="revoked") as raised:
        check_status(credential, lists, _verify_list)

    assert raised.value.check == "not revoked"


def test_suspended_credential_rejected():
    credential, lists = _issuer_with_lists(suspended={42})

    with pytest.raises(VerificationError, match="suspended"):
        check_status(credential, lists, _verify_list)


def test_status_list_missing_rejected():
    credential, _ = _issuer_with_lists()

    with pytest.raises(VerificationError, match="not available"):
        check_status(credential, {}, _verify_list)


def test_status_list_from_other_issuer_rejected():
    credential, _ = _issuer_with_lists()
    _, other_lists = _issuer_with_lists()

    with pytest.raises(VerificationError, match="is issued by"):
        check_status(credential, other_lists, _verify_list)


def test_tampered_status_list_rejected():
    credential, lists = _issuer_with_lists(revoked={42})
    clean = Bitstring().encode()
    lists["https://issuer.example.com/status/revocation"]["credentialSubject"]["encodedList"] = clean

    with pytest.raises(VerificationError, match="does not verify"):
        check_status(credential, lists, _verify_list)


def test_purpose_mismatch_rejected():
    credential, lists = _issuer_with_lists()
    swapped = {
        "https://issuer.example.com/status/revocation": lists["https://issuer.example.com/status/suspension"],
        "https://issuer.example.com/status/suspension": lists["https://issuer.example.com/status/revocation"],
    }

    with pytest.raises(VerificationError, match="has purpose"):
        check_status(credential, swapped, _verify_list)
