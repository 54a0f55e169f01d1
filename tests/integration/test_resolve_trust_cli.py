"""``mpli resolve --policy FILE --credentials FILE...``: verified-level resolution from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mpli_graph.cli import main
from mpli_graph.resources import EXAMPLES_DIR
from tests.integration.conftest import (
    CONSUMER_REQUIREMENT,
    CONSUMER_TURTLE,
    PROVIDER_TURTLE,
    CertificationBody,
    policy_json,
    write_json,
)

TRUST_EXAMPLES = EXAMPLES_DIR / "trust"


def _files(tmp_path: Path, body: CertificationBody, credential: dict | str) -> dict[str, Path]:
    """Write the provider, consumer, policy and credentials that one run needs."""
    provider = tmp_path / "provider.ttl"
    provider.write_text(PROVIDER_TURTLE, encoding="utf-8")
    consumer = tmp_path / "consumer.ttl"
    consumer.write_text(CONSUMER_TURTLE, encoding="utf-8")
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    if isinstance(credential, str):
        (credentials / "iso-27001.jwt").write_text(credential, encoding="utf-8")
    else:
        write_json(credentials / "iso-27001.json", credential)
    write_json(credentials / "status-list.json", body.status_list())
    policy = write_json(tmp_path / "policy.json", policy_json(body.did))
    return {"provider": provider, "consumer": consumer, "credentials": credentials, "policy": policy}


def _run(capsys, files: dict[str, Path], *extra: str) -> tuple[int, dict | None, str]:
    code = main(
        [
            "resolve", str(files["consumer"]), "--providers", str(files["provider"]), "--format", "json",
            "--policy", str(files["policy"]), "--credentials", str(files["credentials"]), *extra,
        ]
    )
    captured = capsys.readouterr()
    body = json.loads(captured.out) if captured.out.strip() else None
    return code, body, captured.err


def _verdict(body: dict) -> dict:
    return {item["requirement"]: item for item in body["results"][0]["requirements"]}[CONSUMER_REQUIREMENT]


def test_valid_credential_exit_zero(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.credential())

    code, output, _ = _run(capsys, files)

    assert code == 0
    assert _verdict(output)["verdict"] == "satisfied"


def test_jwt_credential_file_accepted(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.jwt_credential())

    code, output, _ = _run(capsys, files)

    assert code == 0
    assert _verdict(output)["verdict"] == "satisfied"


def test_revoked_credential_exit_one(tmp_path, capsys, body):
    credential = body.credential(status_index=9)
    body.revoked.set(9)
    files = _files(tmp_path, body, credential)

    code, output, _ = _run(capsys, files)

    assert code == 1
    verdict = _verdict(output)
    assert verdict["verdict"] == "violated"
    assert "not revoked failed" in verdict["note"]


def test_turtle_policy_file(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.credential())
    files["policy"] = tmp_path / "policy.ttl"
    files["policy"].write_text(
        f"""@prefix mpli: <https://w3id.org/mpli#> .
@prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
<https://example.org/policy#iso> a mpli:TrustPolicy ; mpli:trustsIssuer <{body.did}> ;
    mpli:forClaimKind mpli:Certification ; mpli:scheme mcert:iso-iec-27001 .
""",
        encoding="utf-8",
    )

    code, output, _ = _run(capsys, files)

    assert code == 0
    assert _verdict(output)["verdict"] == "satisfied"


def test_policy_without_credentials_exit_two(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.credential())

    code = main(["resolve", str(files["consumer"]), "--providers", str(files["provider"]), "--policy", str(files["policy"])])

    assert code == 2
    assert "--policy needs --credentials" in capsys.readouterr().err


def test_credentials_without_policy_exit_two(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.credential())

    code = main(
        ["resolve", str(files["consumer"]), "--providers", str(files["provider"]), "--credentials", str(files["credentials"])]
    )

    assert code == 2
    assert "--credentials needs --policy" in capsys.readouterr().err


def test_missing_credential_path_exit_two(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.credential())
    files["credentials"] = tmp_path / "no-such-folder"

    code, output, error = _run(capsys, files)

    assert code == 2
    assert output is None
    assert "no-such-folder" in error


def test_unreadable_credential_file_exit_two(tmp_path, capsys, body):
    files = _files(tmp_path, body, body.credential())
    (files["credentials"] / "broken.json").write_text("{not json", encoding="utf-8")

    code, _, error = _run(capsys, files)

    assert code == 2
    assert "broken.json" in error


def test_bundled_trust_example(capsys):
    code = main(
        [
            "resolve", str(TRUST_EXAMPLES / "example-consumer-verified.ttl"),
            "--providers", str(TRUST_EXAMPLES / "example-provider.ttl"),
            "--policy", str(TRUST_EXAMPLES / "example-policy.ttl"),
            "--credentials", str(TRUST_EXAMPLES / "credentials"),
            "--format", "json",
        ]
    )
    output = json.loads(capsys.readouterr().out)

    assert code == 0
    best = output["results"][0]
    verdicts = {item["label"]: item for item in best["requirements"]}
    assert best["offering"] == "https://example.org/provider/example-cloud/large"
    assert verdicts["ISO/IEC 27001, verified"]["verdict"] == "satisfied"
    assert verdicts["ISO/IEC 27017, verified"]["verdict"] == "violated"
    assert "not revoked failed" in verdicts["ISO/IEC 27017, verified"]["note"]


def test_example_key_marked_as_example():
    key_file = json.loads((TRUST_EXAMPLES / "example-certification-body.key.json").read_text(encoding="utf-8"))
    policy = (TRUST_EXAMPLES / "example-policy.ttl").read_text(encoding="utf-8")

    assert "EXAMPLE KEY" in key_file["note"]
    assert "never use" in key_file["note"]
    assert key_file["controller"].startswith("did:key:")
    assert key_file["controller"] in policy
    assert "example" in policy.lower()


def test_installed_command_end_to_end(tmp_path, body):
    files = _files(tmp_path, body, body.credential())
    command = Path(sys.executable).with_name("mpli")

    completed = subprocess.run(
        [
            str(command), "resolve", str(files["consumer"]), "--providers", str(files["provider"]),
            "--policy", str(files["policy"]), "--credentials", str(files["credentials"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert "Test Cloud VM (example)" in completed.stdout
