"""The 120 VC Data Model 2.0 test-suite fixtures: accepted when named *-ok, rejected when named *-fail.

The fixtures are the inputs that the W3C suite sends to an issuer, which fills in
its own issuer and dates. :func:`_prepare` does the same: it sets ``issuer`` when
the fixture has none (or an issuer object without ``id``) and replaces the
``PAST DATE`` / ``FUTURE DATE`` placeholders. ``*-fail-or-inject`` fixtures
count as ``*-fail``: MPLI never injects a missing base context.
Accepted credentials are then signed and verified once more.
"""

from __future__ import annotations

import json

import pytest

from mpli_graph.errors import InputError
from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.keys import generate_key
from mpli_graph.trust.validity import check_data_model
from mpli_graph.trust.verify import verify_credential

from .trust_fixtures import FIXTURES

INPUT = FIXTURES / "vc-data-model-2.0-test-suite" / "tests" / "input"
FIXTURE_PATHS = sorted(INPUT.glob("*.json")) + sorted((INPUT / "names-and-descriptions").glob("*.json"))

# Holder-binding fixtures whose names end in neither -ok nor -fail. MPLI checks only
# their structure, which is valid, so they are accepted. Binding an unsigned credential
# to the holder is a presentation-verification rule that MPLI does not apply.
UNCLASSIFIED = {
    "presentation-self-asserted-vc-holder-mismatch",
    "presentation-self-asserted-vc-issuer-mismatch",
    "presentation-self-asserted-vc-no-holder",
}

# Fixtures that cannot pass, with the reason. Empty: every named fixture passes.
ALLOWED_FAILURES: dict[str, str] = {}

ISSUER = "did:example:issuer"
DATES = {"PAST DATE": "2020-01-01T00:00:00Z", "FUTURE DATE": "2040-01-01T00:00:00Z"}


def _prepare(document: object) -> object:
    if not isinstance(document, dict) or "VerifiableCredential" not in (document.get("type") or []):
        return document
    prepared = dict(document)
    if "issuer" not in prepared:
        prepared["issuer"] = ISSUER
    elif isinstance(prepared["issuer"], dict) and "id" not in prepared["issuer"]:
        prepared["issuer"] = dict(prepared["issuer"], id=ISSUER)
    for member in ("validFrom", "validUntil"):
        if prepared.get(member) in DATES:
            prepared[member] = DATES[prepared[member]]
    return prepared


def test_suite_has_120_fixtures():
    assert len(FIXTURE_PATHS) == 120


def _name(path) -> str:
    return path.name.removesuffix(".json")


@pytest.mark.parametrize("path", FIXTURE_PATHS, ids=_name)
def test_fixture(path):
    name = _name(path)
    if name in ALLOWED_FAILURES:
        pytest.xfail(ALLOWED_FAILURES[name])
    document = _prepare(json.loads(path.read_text(encoding="utf-8")))

    if name.endswith("-ok") or name in UNCLASSIFIED:
        check_data_model(document)
    else:
        assert "-fail" in name
        with pytest.raises(InputError):
            check_data_model(document)


OK_CREDENTIALS = [
    path
    for path in FIXTURE_PATHS
    if _name(path).endswith("-ok") and _name(path).startswith(("credential-", "issuer-"))
]


@pytest.mark.parametrize("path", OK_CREDENTIALS, ids=_name)
def test_ok_credential_signs_and_verifies(path):
    key = generate_key("Ed25519")
    did = "did:key:" + key.public_key().to_multibase()
    document = _prepare(json.loads(path.read_text(encoding="utf-8")))
    if isinstance(document["issuer"], dict):
        document["issuer"] = dict(document["issuer"], id=did)
    else:
        document["issuer"] = did

    verified = verify_credential(sign_document(document, key))

    assert verified.issuer == did
