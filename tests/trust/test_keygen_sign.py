"""``mpli credential keygen -o`` file safety and ``mpli manifest sign`` input checks."""

from __future__ import annotations

import json
import stat

from mpli_graph.cli import main


def test_keygen_owner_only_file(tmp_path, capsys):
    key_file = tmp_path / "key.json"

    assert main(["credential", "keygen", "-o", str(key_file)]) == 0

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_id = json.loads(key_file.read_text())["id"]
    captured = capsys.readouterr()
    assert key_id in captured.err + captured.out
    assert "secretKeyMultibase" not in captured.err + captured.out


def test_keygen_refuses_an_existing_file(tmp_path, capsys):
    key_file = tmp_path / "key.json"
    key_file.write_text("keep me", encoding="utf-8")

    assert main(["credential", "keygen", "-o", str(key_file)]) == 2

    assert key_file.read_text() == "keep me"
    assert "--force" in capsys.readouterr().err


def test_keygen_force_replaces_the_file_with_mode_0600(tmp_path):
    key_file = tmp_path / "key.json"
    key_file.write_text("old", encoding="utf-8")
    key_file.chmod(0o644)

    assert main(["credential", "keygen", "-o", str(key_file), "--force"]) == 0

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert json.loads(key_file.read_text())["type"] == "Multikey"


PROVIDER_MANIFEST = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://provider.example.com/manifest> a mpli:ProviderManifest ;
    dcterms:publisher <https://provider.example.com/> ;
    mpli:describes <https://provider.example.com/>, <https://provider.example.com/offerings/small> .
<https://provider.example.com/> a mpli:Provider ;
    rdfs:label "Example Provider (example)"@en .
<https://provider.example.com/offerings/small> a mpli:ComputeOffering ;
    mpli:offeredBy <https://provider.example.com/> ;
    rdfs:label "Small example instance"@en ;
    mpli:vcpuCount {vcpus} .
"""
CONSUMER_MANIFEST = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
<https://consumer.example.com/manifest> a mpli:ConsumerManifest ;
    mpli:requirement <https://consumer.example.com/manifest#cpus> .
<https://consumer.example.com/manifest#cpus> a mpli:MinimumRequirement ;
    mpli:strength mpli:Must ; mpli:onProperty mpli:vcpuCount ; mpli:value 2.0 ; mpli:unit unit:NUM .
"""


def _key(tmp_path):
    key_file = tmp_path / "key.json"
    assert main(["credential", "keygen", "-o", str(key_file)]) == 0
    return key_file


def test_sign_a_conforming_provider_manifest(tmp_path):
    key_file = _key(tmp_path)
    manifest = tmp_path / "provider.ttl"
    manifest.write_text(PROVIDER_MANIFEST.replace("{vcpus}", "2.0"))
    signed = tmp_path / "signed.json"

    assert main(["manifest", "sign", str(manifest), "--key", str(key_file), "-o", str(signed)]) == 0
    assert json.loads(signed.read_text())["credentialSubject"]["id"] == "https://provider.example.com/manifest"


def test_sign_refuses_a_provider_manifest_with_violations(tmp_path, capsys):
    key_file = _key(tmp_path)
    manifest = tmp_path / "provider.ttl"
    manifest.write_text(PROVIDER_MANIFEST.replace("{vcpus}", '"two"'))
    signed = tmp_path / "signed.json"

    assert main(["manifest", "sign", str(manifest), "--key", str(key_file), "-o", str(signed)]) == 1
    assert not signed.exists()
    assert "vcpuCount" in capsys.readouterr().err


def test_sign_refuses_a_consumer_manifest(tmp_path, capsys):
    key_file = _key(tmp_path)
    manifest = tmp_path / "consumer.ttl"
    manifest.write_text(CONSUMER_MANIFEST)

    assert main(["manifest", "sign", str(manifest), "--key", str(key_file)]) == 2
    error = capsys.readouterr().err
    assert "mpli:ProviderManifest" in error
    assert "ConsumerManifest" in error
