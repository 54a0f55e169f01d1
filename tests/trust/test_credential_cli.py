"""``mpli credential`` and ``mpli manifest sign``: outputs and exit codes (0 valid, 1 invalid, 2 unreadable)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mpli_graph.cli import main

from .trust_fixtures import FIXTURES

UNSIGNED = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "type": ["VerifiableCredential"],
    "validFrom": "2025-01-01T00:00:00Z",
    "validUntil": "2027-01-01T00:00:00Z",
    "credentialSubject": {"id": "https://provider.example.com/", "certifiedFor": "ISO/IEC 27001 (example)"},
}
MANIFEST = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://provider.example.com/manifest> a mpli:ProviderManifest ;
    dcterms:publisher <https://provider.example.com/> ;
    mpli:describes <https://provider.example.com/>, <https://provider.example.com/offerings/small> .
<https://provider.example.com/> a mpli:Provider ;
    rdfs:label "Example Provider (example)"@en .
<https://provider.example.com/offerings/small> a mpli:ComputeOffering ;
    mpli:offeredBy <https://provider.example.com/> ;
    rdfs:label "Small example instance"@en ;
    mpli:vcpuCount 2.0 .
"""


@pytest.fixture
def issued(tmp_path):
    """Generate a key, issue the example credential, and return (key file, signed credential file)."""
    key_file = tmp_path / "key.json"
    unsigned_file = tmp_path / "unsigned.json"
    signed_file = tmp_path / "signed.json"
    unsigned_file.write_text(json.dumps(UNSIGNED), encoding="utf-8")

    assert main(["credential", "keygen", "-o", str(key_file)]) == 0
    assert main(["credential", "issue", str(unsigned_file), "--key", str(key_file), "-o", str(signed_file)]) == 0
    return key_file, signed_file


def test_issue_then_verify_exits_0(issued, capsys):
    _, signed_file = issued

    assert main(["credential", "verify", str(signed_file), "--now", "2026-01-01T00:00:00Z"]) == 0
    assert "valid: eddsa-rdfc-2022" in capsys.readouterr().out


def test_jcs_suite(tmp_path, issued):
    key_file, _ = issued
    unsigned_file = tmp_path / "unsigned-jcs.json"
    unsigned_file.write_text(json.dumps(UNSIGNED), encoding="utf-8")
    signed_file = tmp_path / "signed-jcs.json"

    assert main(["credential", "issue", str(unsigned_file), "--key", str(key_file), "--suite", "eddsa-jcs-2022", "-o", str(signed_file)]) == 0
    assert json.loads(signed_file.read_text())["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert main(["credential", "verify", str(signed_file), "--now", "2026-01-01T00:00:00Z"]) == 0


def test_tampered_credential_exits_1(issued, capsys):
    _, signed_file = issued
    signed = json.loads(signed_file.read_text())
    signed["credentialSubject"]["certifiedFor"] = "SecNumCloud (example)"
    signed_file.write_text(json.dumps(signed))

    assert main(["credential", "verify", str(signed_file), "--now", "2026-01-01T00:00:00Z"]) == 1
    assert "verifies failed" in capsys.readouterr().out


def test_expired_credential_exits_1(issued, capsys):
    _, signed_file = issued

    assert main(["credential", "verify", str(signed_file), "--now", "2028-01-01T00:00:00Z"]) == 1
    assert "valid now failed" in capsys.readouterr().out


def test_untrusted_issuer_exits_1(issued, tmp_path, capsys):
    _, signed_file = issued
    policy_file = tmp_path / "policy.ttl"
    policy_file.write_text(
        "@prefix mpli: <https://w3id.org/mpli#> .\n"
        "<#p> a mpli:TrustPolicy ; mpli:trustsIssuer <did:web:auditor.example.com> .\n"
    )

    assert main(["credential", "verify", str(signed_file), "--policy", str(policy_file), "--now", "2026-01-01T00:00:00Z"]) == 1
    assert "issuer trusted failed" in capsys.readouterr().out


def test_trusted_issuer_exits_0(issued, tmp_path):
    key_file, signed_file = issued
    issuer = json.loads(key_file.read_text())["controller"]
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(json.dumps({"trustPolicies": [{"trustsIssuer": [issuer], "scheme": ["mcert:iso-iec-27001"]}]}))

    args = ["credential", "verify", str(signed_file), "--policy", str(policy_file), "--scheme", "mcert:iso-iec-27001"]
    assert main([*args, "--now", "2026-01-01T00:00:00Z"]) == 0


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["credential", "verify", str(tmp_path / "missing.json")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_not_json_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")

    assert main(["credential", "verify", str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_context_outside_allowlist_exits_2(tmp_path, issued, capsys):
    key_file, _ = issued
    unsigned_file = tmp_path / "other-context.json"
    unsigned_file.write_text(json.dumps(dict(UNSIGNED, **{"@context": ["https://www.w3.org/ns/credentials/v2", "https://contexts.example.com/v9"]})))

    assert main(["credential", "issue", str(unsigned_file), "--key", str(key_file)]) == 2
    assert "not in the local allowlist" in capsys.readouterr().err


def test_issuer_other_than_key_controller_exits_2(tmp_path, issued, capsys):
    key_file, _ = issued
    unsigned_file = tmp_path / "other-issuer.json"
    unsigned_file.write_text(json.dumps(dict(UNSIGNED, issuer="did:web:auditor.example.com")))

    assert main(["credential", "issue", str(unsigned_file), "--key", str(key_file)]) == 2
    assert "differs from the key's controller" in capsys.readouterr().err


def test_w3c_vector_verifies_only_with_bound_issuer(capsys):
    vector = FIXTURES / "vc-di-eddsa/TestVectors/eddsa-rdfc-2022/employ/signedDataInt.json"

    assert main(["credential", "verify", str(vector), "--now", "2025-01-01T00:00:00Z"]) == 1
    assert "does not control" in capsys.readouterr().out


def test_loire_notary_jwt_strict_exits_1(capsys):
    token = FIXTURES / "gaia-x/loire-notary-lei-vc-jwt_www.delta-dao.com_notary_v2.jwt"

    assert main(["credential", "verify", str(token)]) == 1
    assert "gaiax-loire-notary" in capsys.readouterr().out


def test_loire_notary_jwt_compatibility_needs_allowed_host(capsys):
    token = FIXTURES / "gaia-x/loire-notary-lei-vc-jwt_www.delta-dao.com_notary_v2.jwt"

    assert main(["credential", "verify", str(token), "--compatibility", "gaiax-loire-notary"]) == 2
    assert "--did-web-allow www.delta-dao.com" in capsys.readouterr().err


def test_did_web_issuer_over_https(tmp_path, did_web_server, capsys):
    key_file = tmp_path / "web-key.json"
    did_document = tmp_path / "did.json"
    unsigned_file = tmp_path / "unsigned.json"
    signed_file = tmp_path / "signed.json"
    unsigned_file.write_text(json.dumps(UNSIGNED))

    assert main(["credential", "keygen", "--did-web", did_web_server.did, "-o", str(key_file), "--did-document", str(did_document)]) == 0
    did_web_server.documents["/.well-known/did.json"] = json.loads(did_document.read_text())
    assert main(["credential", "issue", str(unsigned_file), "--key", str(key_file), "-o", str(signed_file)]) == 0

    args = ["credential", "verify", str(signed_file), "--now", "2026-01-01T00:00:00Z"]
    assert main([*args, "--did-web-allow", did_web_server.host, "--ca-file", str(did_web_server.certificate_path)]) == 0
    assert f"from {did_web_server.did}" in capsys.readouterr().out
    assert main(args) == 2


def test_manifest_sign_then_verify(tmp_path, issued, capsys):
    key_file, _ = issued
    manifest_file = tmp_path / "manifest.ttl"
    manifest_file.write_text(MANIFEST)
    signed_file = tmp_path / "manifest.vc.json"

    assert main(["manifest", "sign", str(manifest_file), "--key", str(key_file), "-o", str(signed_file)]) == 0
    signed = json.loads(signed_file.read_text())
    assert signed["credentialSubject"]["id"] == "https://provider.example.com/manifest"
    assert main(["credential", "verify", str(signed_file)]) == 0

    offering = next(node for node in signed["credentialSubject"]["@included"] if "https://w3id.org/mpli#vcpuCount" in node)
    offering["https://w3id.org/mpli#vcpuCount"][0]["@value"] = "64"
    signed_file.write_text(json.dumps(signed))
    assert main(["credential", "verify", str(signed_file)]) == 1


def test_manifest_without_manifest_node_exits_2(tmp_path, issued, capsys):
    key_file, _ = issued
    manifest_file = tmp_path / "no-manifest.ttl"
    manifest_file.write_text("<https://provider.example.com/o> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" .")

    assert main(["manifest", "sign", str(manifest_file), "--key", str(key_file)]) == 2
    assert "mpli:ProviderManifest" in capsys.readouterr().err


def test_installed_command_exit_codes(issued, tmp_path):
    _, signed_file = issued
    command = [sys.executable, "-m", "mpli_graph.cli", "credential", "verify"]

    valid = subprocess.run([*command, str(signed_file), "--now", "2026-01-01T00:00:00Z"], capture_output=True, text=True, timeout=60)
    unreadable = subprocess.run([*command, str(tmp_path / "missing.json")], capture_output=True, text=True, timeout=60)

    assert valid.returncode == 0, valid.stderr
    assert unreadable.returncode == 2
