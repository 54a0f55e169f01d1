"""Resolve did:key and did:web identifiers to DID documents and verification keys.

did:key is resolved locally from the key bytes in the identifier. did:web is
fetched over HTTPS only from hosts on an allowlist, with a timeout and a size
limit; the DID document's ``id`` must equal the DID.
"""

from __future__ import annotations

import json
import logging
import ssl
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from mpli_graph.errors import PayloadTooLargeError
from mpli_graph.trust.errors import DidResolutionError, MalformedCredentialError
from mpli_graph.trust.keys import PublicKey, public_key_from_method, public_key_from_multibase

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 5.0
MAX_DID_DOCUMENT_BYTES = 256 * 1024


def did_key_document(did: str) -> dict:
    """Build the DID document of a did:key (Ed25519, P-256 or P-384) with one Multikey method."""
    if not did.startswith("did:key:z"):
        raise DidResolutionError(f"invalid did:key {did!r}: expected did:key:z followed by a base58btc Multikey")
    multibase_value = did.removeprefix("did:key:").split("#")[0]
    try:
        public_key_from_multibase(multibase_value)
    except MalformedCredentialError as error:
        raise DidResolutionError(f"invalid did:key {did!r}: {error.message}") from None
    method_id = f"{did}#{multibase_value}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": multibase_value,
            }
        ],
        "authentication": [method_id],
        "assertionMethod": [method_id],
        "capabilityInvocation": [method_id],
        "capabilityDelegation": [method_id],
    }


def did_web_url(did: str) -> tuple[str, str]:
    """Return the HTTPS URL of a did:web's DID document and the host (with port) it names."""
    parts = did.split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web" or not parts[2]:
        raise DidResolutionError(f"invalid did:web {did!r}: expected did:web:HOST[:PATH...]")
    host = urllib.parse.unquote(parts[2])
    if "/" in host or "@" in host:
        raise DidResolutionError(f"invalid did:web {did!r}: the host {host!r} is not a host name")
    path_segments = [urllib.parse.unquote(segment) for segment in parts[3:]]
    if path_segments:
        path = "/" + "/".join(path_segments) + "/did.json"
    else:
        path = "/.well-known/did.json"
    return f"https://{host}{path}", host


@dataclass
class DidResolver:
    """Resolve DIDs; did:web only for hosts in ``web_allow_hosts`` (``host`` or ``host:port``)."""

    web_allow_hosts: set[str] = field(default_factory=set)
    ssl_context: ssl.SSLContext | None = None
    timeout: float = DEFAULT_TIMEOUT
    documents: dict[str, dict] = field(default_factory=dict)

    def resolve(self, did: str) -> dict:
        """Return the DID document of a did:key or did:web (cached per resolver)."""
        did = did.split("#")[0]
        if did in self.documents:
            return self.documents[did]
        if did.startswith("did:key:"):
            document = did_key_document(did)
        elif did.startswith("did:web:"):
            document = self._fetch_did_web(did)
        else:
            method = did.split(":")[1] if did.count(":") >= 2 else did
            raise DidResolutionError(f"unsupported DID method {method!r} in {did!r}: use did:key or did:web")
        self.documents[did] = document
        return document

    def _fetch_did_web(self, did: str) -> dict:
        url, host = did_web_url(did)
        host_name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        if host not in self.web_allow_hosts and host_name not in self.web_allow_hosts:
            raise DidResolutionError(
                f"did:web host {host!r} of {did} is not allowed: add it with --did-web-allow {host_name}"
            )

        logger.info("fetching DID document %s", url)
        request = urllib.request.Request(url, headers={"Accept": "application/did+json, application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.ssl_context) as response:
                body = response.read(MAX_DID_DOCUMENT_BYTES + 1)
        except urllib.error.HTTPError as error:
            logger.warning("DID document %s: HTTP %s", url, error.code)
            raise DidResolutionError(f"DID document {url} for {did} not found: HTTP {error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            logger.warning("DID document %s failed: %s", url, reason)
            raise DidResolutionError(f"cannot fetch DID document {url} for {did}: {reason}") from None

        if len(body) > MAX_DID_DOCUMENT_BYTES:
            raise PayloadTooLargeError(
                f"DID document {url} is larger than {MAX_DID_DOCUMENT_BYTES} bytes"
            )
        try:
            document = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise DidResolutionError(f"DID document {url} is not JSON: {error}") from None
        if not isinstance(document, dict) or document.get("id") != did:
            found = document.get("id") if isinstance(document, dict) else None
            raise DidResolutionError(f"DID document {url} has id {found!r}, expected {did!r}")
        return document

    def verification_key(self, method_id: str, relationship: str = "assertionMethod") -> PublicKey:
        """Return the key of a verification method that the DID lists under ``relationship``."""
        if not isinstance(method_id, str) or not method_id.startswith("did:"):
            raise DidResolutionError(
                f"verification method {method_id!r} is not a DID URL: only did:key and did:web are resolved"
            )
        did = method_id.split("#")[0]
        document = self.resolve(did)
        methods = {
            _absolute(did, method["id"]): method
            for method in document.get("verificationMethod", [])
            if isinstance(method, dict) and "id" in method
        }

        allowed = set()
        for entry in document.get(relationship, []):
            if isinstance(entry, str):
                allowed.add(_absolute(did, entry))
            elif isinstance(entry, dict) and "id" in entry:
                methods[_absolute(did, entry["id"])] = entry
                allowed.add(_absolute(did, entry["id"]))

        if method_id not in methods:
            raise DidResolutionError(f"verification method {method_id} not found in the DID document of {did}")
        if method_id not in allowed:
            raise DidResolutionError(
                f"verification method {method_id} is not listed under {relationship} in the DID document of {did}"
            )

        method = dict(methods[method_id])
        method["id"] = method_id
        method.setdefault("controller", did)
        if method["controller"] != did:
            raise DidResolutionError(
                f"verification method {method_id} names controller {method['controller']!r}, expected {did}"
            )
        return public_key_from_method(method)


def _absolute(did: str, reference: str) -> str:
    return did + reference if reference.startswith("#") else reference
