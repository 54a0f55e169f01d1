"""Shared fixtures of the trust tests: the canonicalization worker and a did:web HTTPS server on 127.0.0.1."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mpli_graph.trust.canonicalize import stop_worker

@pytest.fixture(scope="session", autouse=True)
def _stop_canonicalization_worker():
    yield
    stop_worker()


def _self_signed_certificate(tmp_path: Path) -> tuple[Path, Path, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certificate_pem = certificate.public_bytes(serialization.Encoding.PEM)
    certificate_path = tmp_path / "did-web-cert.pem"
    key_path = tmp_path / "did-web-key.pem"
    certificate_path.write_bytes(certificate_pem)
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certificate_path, key_path, certificate_pem


class DidWebServer:
    """An HTTPS server on 127.0.0.1 that serves DID documents from a dict of paths."""

    def __init__(self, tmp_path: Path) -> None:
        self.documents: dict[str, object] = {}
        self.requests: list[str] = []
        self.certificate_path, key_path, certificate_pem = _self_signed_certificate(tmp_path)
        documents, requests = self.documents, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - name fixed by BaseHTTPRequestHandler
                requests.append(self.path)
                if self.path not in documents:
                    self.send_error(404)
                    return
                body = json.dumps(documents[self.path]).encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "application/did+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(self.certificate_path, key_path)
        self.server.socket = server_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self.did = f"did:web:127.0.0.1%3A{self.port}"
        self.client_context = ssl.create_default_context(cadata=certificate_pem.decode("ascii"))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def did_web_server(tmp_path):
    """Start a did:web HTTPS server on 127.0.0.1 with a self-signed certificate; stop it afterwards."""
    server = DidWebServer(tmp_path)
    yield server
    server.stop()
