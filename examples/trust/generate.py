"""Issue the example credentials of examples/trust/ with the example certification body key.

Run from the repository root: ``.venv/bin/python examples/trust/generate.py``.
It reads ``example-certification-body.key.json`` (made with ``mpli credential
keygen``), and writes two signed certification credentials about the example
provider plus the status list credential that revokes one of them. Everything
here is an example: the key's private part is published, so never use it.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from mpli_graph.trust.canonicalize import stop_worker
from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.keys import load_key_file
from mpli_graph.trust.status_list import Bitstring, status_list_credential

HERE = Path(__file__).resolve().parent
KEY_FILE = HERE / "example-certification-body.key.json"
OUTPUT = HERE / "credentials"

PROVIDER = "https://example.org/provider/example-cloud/provider"
STATUS_LIST = "https://example.org/status/example-certification-body/1"
VALID_FROM = "2026-01-01T00:00:00Z"
VALID_UNTIL = "2031-01-01T00:00:00Z"
SIGNED_AT_TEXT = "2026-12-04T00:00:00+00:00"

CERTIFICATES = [
    {"name": "example-cloud-iso-27001", "scheme": "ISO/IEC 27001", "index": 10, "revoked": False},
    {"name": "example-cloud-iso-27017", "scheme": "ISO/IEC 27017", "index": 11, "revoked": True},
]


def certification_credential(issuer: str, certificate: dict) -> dict:
    """Build the unsigned credential that certifies the example provider for one scheme."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": f"https://example.org/credentials/{certificate['name']}",
        "type": ["VerifiableCredential", "ExampleCertificationCredential"],
        "name": f"{certificate['scheme']} certificate of Example Cloud (example)",
        "issuer": issuer,
        "validFrom": VALID_FROM,
        "validUntil": VALID_UNTIL,
        "credentialSubject": {
            "id": PROVIDER,
            "certifiedFor": f"{certificate['scheme']} (example certificate, not a real audit)",
        },
        "credentialStatus": {
            "id": f"{STATUS_LIST}#{certificate['index']}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate["index"]),
            "statusListCredential": STATUS_LIST,
        },
    }


def write_json(path: Path, document: dict) -> None:
    """Write a JSON document with two-space indentation and a final newline."""
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    """Sign every example credential and the status list, and write them under credentials/."""
    key = load_key_file(KEY_FILE)
    issuer = key.controller
    signed_at = datetime.fromisoformat(SIGNED_AT_TEXT)
    OUTPUT.mkdir(exist_ok=True)

    revoked = Bitstring()
    for certificate in CERTIFICATES:
        credential = certification_credential(issuer, certificate)
        write_json(OUTPUT / f"{certificate['name']}.json", sign_document(credential, key, created=signed_at))
        if certificate["revoked"]:
            revoked.set(certificate["index"])

    status_list = status_list_credential(STATUS_LIST, issuer, revoked, valid_from=VALID_FROM)
    write_json(OUTPUT / "status-list-1.json", sign_document(status_list, key, created=signed_at))
    stop_worker()


if __name__ == "__main__":
    main()
