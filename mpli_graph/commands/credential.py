"""``mpli credential`` and ``mpli manifest sign``: create keys, issue, verify and sign manifests.

``mpli credential verify`` exits 0 when the credential is valid, 1 when a check
fails (signature, validity period, revocation, trusted issuer) and 2 when the
file cannot be read or is not a credential.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import ssl
import sys
from datetime import datetime
from pathlib import Path

from mpli_graph.errors import InputError
from mpli_graph.trust.data_integrity import sign_document
from mpli_graph.trust.did import DidResolver, did_web_url
from mpli_graph.trust.errors import VerificationError
from mpli_graph.trust.jose import COMPATIBILITY_MODES, STRICT
from mpli_graph.trust.keys import PrivateKey, generate_key, load_key_file, private_jwk
from mpli_graph.trust.policy import CLAIM_KINDS, expand_name, load_policy
from mpli_graph.trust.status_list import check_status
from mpli_graph.trust.validity import check_data_model, check_validity_period, parse_date_time_stamp
from mpli_graph.trust.verify import verify_credential

logger = logging.getLogger(__name__)

SUITE_CHOICES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def _read_credential(path: Path) -> dict | str:
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the file: {error}") from None
    if text.startswith("ey") and text.count(".") == 2 and not text.startswith("{"):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not JSON and not a compact JWT: {error}") from None


def _write_json(document: object, output: Path | None) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        Path(output).write_text(text, encoding="utf-8")


def _write_private_json(document: object, output: Path, force: bool) -> None:
    """Write ``document`` to a new file that only its owner can read (mode 0600).

    Refuses an existing file unless ``force`` is true; a forced write replaces
    the file, so the new one also gets mode 0600.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    output = Path(output)
    if force and output.is_file():
        output.unlink()
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{output} already exists: choose another file, or pass --force to replace it") from None
    except OSError as error:
        raise InputError(f"{output}: cannot create the key file: {error.strerror or error}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _key_and_method(key: PrivateKey) -> tuple[str, str]:
    """Return the verification method and controller of a key file (did:key when it names none)."""
    if key.id:
        return key.id, key.controller or key.id.split("#")[0]
    public_multibase = key.public_key().to_multibase()
    did = f"did:key:{public_multibase}"
    return f"{did}#{public_multibase}", did


def issue(args: argparse.Namespace) -> int:
    """Sign an unsigned credential with a key file and write the signed credential."""
    credential = _read_credential(args.file)
    if not isinstance(credential, dict):
        raise InputError(f"{args.file}: expected an unsigned JSON-LD credential")
    key = load_key_file(args.key)
    method, controller = _key_and_method(key)

    credential = dict(credential)
    if "issuer" not in credential:
        credential["issuer"] = controller
    issuer = credential["issuer"]
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer != controller:
        raise InputError(
            f"{args.file}: the issuer {issuer!r} differs from the key's controller {controller}: "
            "remove issuer to use the key's DID, or use the issuer's key"
        )
    check_data_model(credential)

    signed = sign_document(credential, key, args.suite, verification_method=method)
    _write_json(signed, args.output)
    return 0


def _resolver(args: argparse.Namespace) -> DidResolver:
    context = None
    if args.ca_file:
        context = ssl.create_default_context(cafile=str(args.ca_file))
    return DidResolver(web_allow_hosts=set(args.did_web_allow or ()), ssl_context=context, timeout=args.timeout)


def verify(args: argparse.Namespace) -> int:
    """Verify a credential and print which checks it passed; exit 1 on the first failed check."""
    document = _read_credential(args.file)
    policy = load_policy(args.policy) if args.policy else None
    status_lists = {}
    for path in args.status_list or ():
        status_document = _read_credential(path)
        if isinstance(status_document, dict) and isinstance(status_document.get("id"), str):
            status_lists[status_document["id"]] = status_document
    now = parse_date_time_stamp(args.now, "--now") if args.now else None
    resolver = _resolver(args)

    try:
        verified = verify_credential(document, resolver, args.compatibility)
        check_validity_period(verified.credential, now, verified.not_before, verified.not_after)
        check_status(verified.credential, status_lists, lambda item: verify_credential(item, resolver).issuer)
        if policy is not None:
            kind = expand_name(args.claim_kind)
            scheme = expand_name(args.scheme) if args.scheme else None
            if not policy.trusts(verified.issuer, kind, scheme):
                scope = f"scheme {scheme}" if scheme else f"claim kind {kind}"
                raise VerificationError(
                    "issuer trusted", f"the trust policy {args.policy} does not trust {verified.issuer} for {scope}"
                )
    except VerificationError as error:
        print(f"invalid: {error.check} failed: {error.message}")
        return 1

    checks = ["verifies", "valid now", "not revoked"] + (["issuer trusted"] if policy else [])
    print(f"valid: {verified.securing} credential from {verified.issuer} ({', '.join(checks)})")
    return 0


def keygen(args: argparse.Namespace) -> int:
    """Generate a key and write it as a key file (did:key, or a did:web with its DID document)."""
    key = generate_key(args.type)
    public = key.public_key()
    if args.did_web:
        did_web_url(args.did_web)
        controller = args.did_web
        method = f"{controller}#key-1"
    elif args.type == "RSA":
        raise InputError("an RSA key has no did:key form: pass --did-web DID")
    else:
        public_multibase = public.to_multibase()
        controller = f"did:key:{public_multibase}"
        method = f"{controller}#{public_multibase}"

    key_file: dict = {"id": method, "controller": controller}
    if args.type == "RSA":
        key_file.update(type="JsonWebKey", publicKeyJwk=public.to_jwk(), privateKeyJwk=private_jwk(key))
    else:
        key_file.update(
            type="Multikey",
            publicKeyMultibase=public.to_multibase(),
            secretKeyMultibase=key.to_secret_multibase(),
        )
    if args.output is None:
        _write_json(key_file, None)
    else:
        _write_private_json(key_file, args.output, args.force)
        print(f"wrote {args.output} for {method}", file=sys.stderr)

    if args.did_document:
        public_method = {name: value for name, value in key_file.items() if "private" not in name and "secret" not in name}
        did_document = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": controller,
            "verificationMethod": [public_method],
            "assertionMethod": [method],
            "authentication": [method],
        }
        _write_json(did_document, args.did_document)
    return 0


def sign_manifest(args: argparse.Namespace) -> int:
    """Sign a provider manifest as a credential whose subject is the manifest's RDF.

    The manifest must have one mpli:ProviderManifest node (exit 2 otherwise) and
    conform to the shapes: a manifest with violations is not signed, and its
    report is printed (exit 1).
    """
    from mpli_graph.manifest.parse import parse_file
    from mpli_graph.manifest.validate import validate
    from mpli_graph.trust.manifest_credential import manifest_credential, manifest_iri

    graph = parse_file(args.manifest)
    manifest_iri(graph)

    report = validate(graph)
    if not report.conforms:
        print(f"{args.manifest}: not signed, because it does not conform to the shapes:", file=sys.stderr)
        print(report.to_text(), file=sys.stderr)
        return 1

    key = load_key_file(args.key)
    method, controller = _key_and_method(key)
    credential = manifest_credential(graph, controller)
    signed = sign_document(credential, key, args.suite, verification_method=method)
    _write_json(signed, args.output)
    return 0


def _add_resolver_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--did-web-allow", metavar="HOST", nargs="+", action="extend",
        help="allow resolving did:web documents over HTTPS from this host (repeatable; host or host:port)",
    )
    parser.add_argument("--ca-file", type=Path, help="CA certificates (PEM) to trust for did:web HTTPS, instead of the system ones")
    parser.add_argument("--timeout", type=float, default=5.0, help="time limit for each did:web request, in seconds (default 5)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``credential`` and ``manifest`` sub-commands."""
    credential = subparsers.add_parser("credential", help="issue, verify and create keys for verifiable credentials")
    actions = credential.add_subparsers(dest="credential_command", metavar="ACTION")

    issue_parser = actions.add_parser("issue", help="sign an unsigned credential with a Data Integrity proof")
    issue_parser.add_argument("file", type=Path, help="unsigned credential (JSON-LD)")
    issue_parser.add_argument("--key", type=Path, required=True, help="key file from 'mpli credential keygen'")
    issue_parser.add_argument("--suite", choices=SUITE_CHOICES, default="eddsa-rdfc-2022", help="cryptosuite (default eddsa-rdfc-2022)")
    issue_parser.add_argument("-o", "--output", type=Path, help="write the signed credential here instead of stdout")
    issue_parser.set_defaults(handler=issue)

    verify_parser = actions.add_parser("verify", help="verify a credential: exit 0 valid, 1 invalid, 2 unreadable")
    verify_parser.add_argument("file", type=Path, help="credential: JSON-LD with a proof, or a compact vc+jwt")
    verify_parser.add_argument("--policy", type=Path, help="trust policy (Turtle or JSON) that must trust the issuer")
    verify_parser.add_argument(
        "--claim-kind", default="mpli:Certification", choices=[*CLAIM_KINDS, "mpli:Certification", "mpli:ServiceLevel", "mpli:Provider"],
        help="kind of claim the policy must trust the issuer for (default mpli:Certification)",
    )
    verify_parser.add_argument("--scheme", help="certification scheme the policy must trust the issuer for, e.g. mcert:iso-iec-27001")
    verify_parser.add_argument("--status-list", type=Path, nargs="+", action="extend", help="status list credential files to check revocation against")
    verify_parser.add_argument("--now", help="check validity at this xsd:dateTimeStamp instead of the current time")
    verify_parser.add_argument(
        "--compatibility", choices=COMPATIBILITY_MODES, default=STRICT,
        help="accept the header quirks of Gaia-X Loire notary VC-JWTs with gaiax-loire-notary (default strict)",
    )
    _add_resolver_options(verify_parser)
    verify_parser.set_defaults(handler=verify)

    keygen_parser = actions.add_parser("keygen", help="generate a key file (did:key by default)")
    keygen_parser.add_argument("--type", choices=("Ed25519", "P-256", "P-384", "RSA"), default="Ed25519", help="key type (default Ed25519)")
    keygen_parser.add_argument("--did-web", metavar="DID", help="use this did:web as controller instead of a did:key")
    keygen_parser.add_argument("--did-document", type=Path, help="also write the DID document to publish for --did-web")
    keygen_parser.add_argument("-o", "--output", type=Path, help="write the key file here (mode 0600) instead of stdout")
    keygen_parser.add_argument("--force", action="store_true", help="replace the --output file if it exists")
    keygen_parser.set_defaults(handler=keygen)

    manifest = subparsers.add_parser("manifest", help="work with provider manifests")
    manifest_actions = manifest.add_subparsers(dest="manifest_command", metavar="ACTION")
    sign_parser = manifest_actions.add_parser("sign", help="sign a conforming provider manifest as a verifiable credential")
    sign_parser.add_argument("manifest", type=Path, help="provider manifest (Turtle, JSON-LD, N-Triples or RDF/XML)")
    sign_parser.add_argument("--key", type=Path, required=True, help="key file from 'mpli credential keygen'")
    sign_parser.add_argument("--suite", choices=SUITE_CHOICES, default="eddsa-rdfc-2022", help="cryptosuite (default eddsa-rdfc-2022)")
    sign_parser.add_argument("-o", "--output", type=Path, help="write the signed credential here instead of stdout")
    sign_parser.set_defaults(handler=sign_manifest)
