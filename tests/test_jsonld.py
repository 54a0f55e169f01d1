"""Tests of the JSON-LD context allowlist: local contexts only, and never a network connection."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
import rdflib
from pyld import jsonld as pyld_jsonld

from mpli_graph.errors import ContextNotAllowedError, MpliError
from mpli_graph.jsonld import AllowlistDocumentLoader, read_allowlist, to_nquads
from mpli_graph.manifest.parse import parse_data
from mpli_graph.resources import CONTEXTS_DIR

MPLI_CONTEXT = "https://w3id.org/mpli/context.jsonld"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"

EXAMPLE_CREDENTIAL = {
    "@context": [VC_V2, MPLI_CONTEXT],
    "type": ["VerifiableCredential"],
    "issuer": "did:web:issuer.example.com",
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "id": "https://example.org/provider",
        "type": "Provider",
        "label": "Example Cloud",
        "headquarterCountry": "eucountry:DEU",
    },
}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make every network attempt fail and record it, including pyld's own default loader."""
    attempts: list[str] = []

    def refuse_connection(*args: object, **kwargs: object) -> None:
        attempts.append(f"socket {args!r}")
        raise OSError("network access in a test")

    def refuse_loader(url: str, options: dict | None = None) -> None:
        attempts.append(f"pyld default loader {url}")
        raise OSError("pyld's default loader was used")

    monkeypatch.setattr(socket.socket, "connect", refuse_connection)
    monkeypatch.setattr(socket, "create_connection", refuse_connection)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_connection)
    previous_loader = pyld_jsonld.get_document_loader()
    pyld_jsonld.set_document_loader(refuse_loader)
    yield attempts
    pyld_jsonld.set_document_loader(previous_loader)


def test_allowlist_serves_project_contexts() -> None:
    loader = AllowlistDocumentLoader()

    for url in (MPLI_CONTEXT, VC_V1, VC_V2):
        document = loader(url, {})
        assert document["documentUrl"] == url
        assert "@context" in document["document"]


def test_every_listed_context_is_served() -> None:
    loader = AllowlistDocumentLoader()

    for url in read_allowlist():
        assert "@context" in loader(url, {})["document"], url


def test_context_outside_allowlist_names_url_and_fix() -> None:
    loader = AllowlistDocumentLoader()

    with pytest.raises(ContextNotAllowedError) as caught:
        loader("https://contexts.example.com/unknown.jsonld", {})

    assert "https://contexts.example.com/unknown.jsonld" in caught.value.message
    assert "index.json" in caught.value.message


def test_fragment_is_ignored_in_lookup() -> None:
    loader = AllowlistDocumentLoader()

    assert loader(MPLI_CONTEXT + "#", {})["documentUrl"] == MPLI_CONTEXT + "#"


def test_loader_picks_up_new_index_files(tmp_path: Path) -> None:
    shutil.copy(CONTEXTS_DIR / "mpli-context.jsonld", tmp_path / "mpli-context.jsonld")
    (tmp_path / "manifest.index.json").write_text(json.dumps({MPLI_CONTEXT: "mpli-context.jsonld"}), encoding="utf-8")
    (tmp_path / "extra.jsonld").write_text(json.dumps({"@context": {"ex": "https://example.org/"}}), encoding="utf-8")
    (tmp_path / "credentials.index.json").write_text(
        json.dumps({"https://contexts.example.com/extra": "extra.jsonld"}), encoding="utf-8"
    )

    loader = AllowlistDocumentLoader(tmp_path)

    assert set(loader.allowlist) == {MPLI_CONTEXT, "https://contexts.example.com/extra"}
    assert loader("https://contexts.example.com/extra", {})["document"]["@context"]["ex"] == "https://example.org/"


def test_index_naming_missing_file_is_error(tmp_path: Path) -> None:
    (tmp_path / "broken.index.json").write_text(json.dumps({MPLI_CONTEXT: "absent.jsonld"}), encoding="utf-8")

    with pytest.raises(MpliError, match="absent.jsonld"):
        read_allowlist(tmp_path)


def test_index_that_is_not_an_object_is_error(tmp_path: Path) -> None:
    (tmp_path / "list.index.json").write_text(json.dumps([MPLI_CONTEXT]), encoding="utf-8")

    with pytest.raises(MpliError, match="JSON object"):
        read_allowlist(tmp_path)


def test_credential_parses_without_network(no_network: list[str]) -> None:
    graph = parse_data(json.dumps(EXAMPLE_CREDENTIAL), "json-ld", "credential.jsonld")

    subject = rdflib.URIRef("https://example.org/provider")
    assert (subject, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/mpli#Provider")) in graph
    assert no_network == []


def test_vc_v1_context_parses_without_network(no_network: list[str]) -> None:
    document = {
        "@context": [VC_V1],
        "id": "https://example.org/credentials/1",
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example.com",
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "https://example.org/provider"},
    }

    nquads = to_nquads(document)

    assert "https://www.w3.org/2018/credentials#issuer" in nquads
    assert no_network == []


def test_unknown_context_rejected_without_network(no_network: list[str]) -> None:
    document = {"@context": "https://contexts.example.com/unknown.jsonld", "@id": "https://example.org/a"}

    with pytest.raises(ContextNotAllowedError, match="contexts.example.com/unknown.jsonld"):
        parse_data(json.dumps(document), "json-ld", "unknown.jsonld")

    assert no_network == []


def test_imported_context_also_checked(no_network: list[str]) -> None:
    document = {
        "@context": {"@version": 1.1, "@import": "https://contexts.example.com/imported.jsonld"},
        "@id": "https://example.org/a",
    }

    with pytest.raises(ContextNotAllowedError, match="imported.jsonld"):
        parse_data(json.dumps(document), "json-ld", "import.jsonld")

    assert no_network == []


def test_mpli_context_terms_expand_to_vocabulary() -> None:
    context = json.loads((CONTEXTS_DIR / "mpli-context.jsonld").read_text(encoding="utf-8"))["@context"]

    for term, definition in context.items():
        if isinstance(definition, dict):
            iri = definition.get("@id")
        else:
            iri = definition
        if isinstance(iri, str) and iri.startswith("mpli:"):
            assert iri[len("mpli:"):] == term, term


def test_network_guard_catches_default_loader(no_network: list[str]) -> None:
    document = {"@context": MPLI_CONTEXT, "id": "https://example.org/a", "label": "a"}

    with pytest.raises(pyld_jsonld.JsonLdError):
        pyld_jsonld.to_rdf(document, {"format": "application/n-quads"})

    assert no_network == [f"pyld default loader {MPLI_CONTEXT}"]
