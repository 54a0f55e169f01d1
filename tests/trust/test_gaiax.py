"""Gaia-X gx:integrity hashes of the real compliance credentials, and RFC 8785 (JCS) serialization."""

from __future__ import annotations

import copy

import pytest

from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.gaiax import check_integrity, integrity_entries, integrity_of
from mpli_graph.trust.jcs import canonicalize_json

from .trust_fixtures import load_json

SEPTEMBER = "gaia-x/tagus-compliance-vc_2023-09-19_delta-dao.json"
OCTOBER = "gaia-x/tagus-compliance-vc_2023-10-17_delta-dao.json"


@pytest.mark.parametrize("path", [SEPTEMBER, OCTOBER])
def test_real_compliance_entries_read(path):
    entries = integrity_entries(load_json(path))

    assert len(entries) == 4
    assert {entry.normalization for entry in entries} == {"RFC8785:JCS"}
    assert {entry.version for entry in entries} == {"22.10"}
    assert {entry.gx_type for entry in entries} == {
        "gx:ServiceOffering",
        "gx:LegalParticipant",
        "gx:legalRegistrationNumber",
        "gx:GaiaXTermsAndConditions",
    }


def test_same_covered_credential_has_same_hash_in_both():
    september = {entry.credential_id: entry.integrity for entry in integrity_entries(load_json(SEPTEMBER))}
    october = {entry.credential_id: entry.integrity for entry in integrity_entries(load_json(OCTOBER))}
    shared = set(september) & set(october)

    assert len(shared) == 3
    for credential_id in shared:
        assert september[credential_id] == october[credential_id]


def test_covered_credentials_not_available_are_missing():
    report = check_integrity(load_json(SEPTEMBER), {})

    assert set(report.values()) == {"missing"}
    assert len(report) == 4


def _example_compliance() -> tuple[dict, dict]:
    covered = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "https://provider.example.com/participant.json",
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "https://provider.example.com/", "gx:legalName": "Example Cloud GmbH (example)"},
    }
    compliance = {
        "credentialSubject": [
            {
                "type": "gx:compliance",
                "id": covered["id"],
                "gx:integrity": integrity_of(covered),
                "gx:integrityNormalization": "RFC8785:JCS",
                "gx:version": "22.10",
                "gx:type": "gx:LegalParticipant",
            }
        ]
    }
    return compliance, covered


def test_integrity_matches_covered_credential():
    compliance, covered = _example_compliance()

    assert check_integrity(compliance, {covered["id"]: covered}) == {covered["id"]: "match"}


def test_integrity_ignores_member_order():
    compliance, covered = _example_compliance()
    reordered = {key: covered[key] for key in reversed(list(covered))}

    assert check_integrity(compliance, {covered["id"]: reordered}) == {covered["id"]: "match"}


def test_changed_covered_credential_fails():
    compliance, covered = _example_compliance()
    changed = copy.deepcopy(covered)
    changed["credentialSubject"]["gx:legalName"] = "Other Cloud GmbH (example)"

    with pytest.raises(VerificationError, match="does not match"):
        check_integrity(compliance, {covered["id"]: changed})


def test_malformed_integrity_rejected():
    compliance, _ = _example_compliance()
    compliance["credentialSubject"][0]["gx:integrity"] = "md5-abc"

    with pytest.raises(MalformedCredentialError, match="md5-abc"):
        integrity_entries(compliance)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (123456789012345680000.0, "123456789012345680000"),
        (4.5, "4.5"),
        (2e-3, "0.002"),
        (1e23, "1e+23"),
        (5e-324, "5e-324"),
        (-1.7976931348623157e308, "-1.7976931348623157e+308"),
        (333333333.3333333, "333333333.3333333"),
    ],
)
def test_jcs_numbers(value, expected):
    assert canonicalize_json(value).decode("ascii") == expected


def test_jcs_sorts_members_by_utf16_code_units():
    document = {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\U0001f600": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}

    keys = list(__import__("json").loads(canonicalize_json(document)))

    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_jcs_escapes_only_required_characters():
    assert canonicalize_json("\u2028\x1f\"\\/é") == '"\u2028\\u001f\\"\\\\/é"'.encode("utf-8")
