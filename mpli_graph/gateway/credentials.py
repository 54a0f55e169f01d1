"""``POST /credentials/verify``: verify one credential and report every check it passed or failed.

The body is the credential itself, or a request object that wraps it:

- a JSON-LD credential with a Data Integrity or JsonWebSignature2020 proof
  (``application/json``, ``application/ld+json``, ``application/vc``,
  ``application/vc+ld+json``), or an ``EnvelopedVerifiableCredential``;
- a compact ``vc+jwt`` (``application/vc+jwt``, ``application/jwt``, ``text/plain``);
- ``{"credential": ..., "policy": ..., "statusLists": [...], "claimKind": ...,
  "scheme": ..., "now": ...}`` as JSON, where ``credential`` is either of the
  above, ``policy`` a trust policy in its JSON form (or Turtle text),
  ``statusLists`` the status list credentials that revocation is checked
  against, and ``now`` an xsd:dateTimeStamp to check validity at.

The checks run in the same order as for a claim at ``mpli:VerifiedLevel``:
verifies, valid now, not revoked, and, when a policy is given in the request
or configured with ``--trust-policy``, issuer trusted. A credential that fails
one of them returns 200 with ``"verified": false``, the failed check and the
reason. An unreadable body, an invalid policy or an invalid ``now`` returns 400.
Nothing is fetched: did:key issuers are resolved locally, and a did:web issuer
fails the "verifies" check because the gateway allows no did:web host.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, request

from mpli_graph.errors import InputError, UnsupportedFormatError
from mpli_graph.gateway.config import GatewayConfig
from mpli_graph.gateway.limits import BoundedOutput, check_body_size
from mpli_graph.gateway.state import gateway_state
from mpli_graph.trust.did import DidResolver
from mpli_graph.trust.errors import VerificationError
from mpli_graph.trust.policy import (
    CERTIFICATION,
    TrustPolicy,
    expand_name,
    load_policy,
    policy_from_json,
    policy_from_turtle,
    scheme_hierarchy,
)
from mpli_graph.trust.status_list import check_status, status_entries
from mpli_graph.trust.validity import check_validity_period, parse_date_time_stamp
from mpli_graph.trust.verify import verify_credential

logger = logging.getLogger(__name__)

blueprint = Blueprint("credentials", __name__)

JSON_MEDIA_TYPES = ("application/json", "application/ld+json", "application/vc", "application/vc+ld+json")
JWT_MEDIA_TYPES = ("application/vc+jwt", "application/jwt", "text/plain")
POLICY_KEY = "mpli_trust_policy"
REQUEST_MEMBERS = ("credential", "policy", "statusLists", "claimKind", "scheme", "now")


@dataclass
class VerificationRequest:
    """A credential to verify and the options that the request body names."""

    credential: dict | str
    policy: TrustPolicy | None = None
    status_lists: dict[str, dict] = field(default_factory=dict)
    claim_kind: str = CERTIFICATION
    scheme: str | None = None
    now: datetime | None = None


@dataclass
class VerificationOutcome:
    """The checks a credential passed, the one it failed and why, as the JSON body reports them."""

    checks: list[dict] = field(default_factory=list)
    issuer: str | None = None
    securing: str | None = None
    failed_check: str | None = None
    reason: str | None = None

    def passed(self, check: str) -> None:
        """Record that a check passed."""
        self.checks.append({"check": check, "passed": True})

    def failed(self, check: str, reason: str) -> None:
        """Record the check that failed and why. No later check runs."""
        self.checks.append({"check": check, "passed": False, "reason": reason})
        self.failed_check = check
        self.reason = reason

    def to_json(self) -> dict:
        """Return the response body."""
        return {
            "verified": self.failed_check is None,
            "issuer": self.issuer,
            "securing": self.securing,
            "checks": self.checks,
            "failed_check": self.failed_check,
            "reasons": [self.reason] if self.reason else [],
        }


def _compact_jwt(text: str, source: str) -> str:
    token = text.strip()
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]) or any(c.isspace() for c in token):
        raise InputError(f"{source} is not a compact JWT: expected three base64url parts separated by '.'")
    return token


def _read_policy(value: object) -> TrustPolicy:
    if isinstance(value, dict):
        policy = policy_from_json(value, "policy in the request")
    elif isinstance(value, str):
        policy = policy_from_turtle(value, "policy in the request")
    else:
        raise InputError('"policy" must be a trust policy object ({"trustPolicies": [...]}) or Turtle text')
    policy.broader = scheme_hierarchy()
    return policy


def _read_status_lists(value: object) -> dict[str, dict]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InputError('"statusLists" must be a list of status list credentials (JSON objects)')
    lists = {}
    for index, item in enumerate(value):
        if not isinstance(item.get("id"), str):
            raise InputError(f'statusLists[{index}] has no "id": a status list credential is found by its id')
        lists[item["id"]] = item
    return lists


def _optional_string(envelope: dict, name: str) -> str | None:
    value = envelope.get(name)
    if value is not None and not isinstance(value, str):
        raise InputError(f'"{name}" must be a string, found {type(value).__name__}')
    return value


def request_from_envelope(envelope: dict) -> VerificationRequest:
    """Read a request object with ``credential`` and the optional policy, status lists, claim kind, scheme and time."""
    unknown = sorted(set(envelope) - set(REQUEST_MEMBERS))
    if unknown:
        raise InputError(f"unknown request members {', '.join(unknown)}: use {', '.join(REQUEST_MEMBERS)}")

    credential = envelope["credential"]
    if isinstance(credential, str):
        credential = _compact_jwt(credential, '"credential"')
    elif not isinstance(credential, dict):
        raise InputError('"credential" must be a JSON-LD credential object or a compact vc+jwt string')

    verification = VerificationRequest(credential)
    if envelope.get("policy") is not None:
        verification.policy = _read_policy(envelope["policy"])
    if envelope.get("statusLists") is not None:
        verification.status_lists = _read_status_lists(envelope["statusLists"])
    claim_kind = _optional_string(envelope, "claimKind")
    if claim_kind is not None:
        verification.claim_kind = expand_name(claim_kind)
    scheme = _optional_string(envelope, "scheme")
    verification.scheme = expand_name(scheme) if scheme else None
    now = _optional_string(envelope, "now")
    if now is not None:
        verification.now = parse_date_time_stamp(now, '"now"')
    return verification


def read_verification_request(data: bytes, media_type: str) -> VerificationRequest:
    """Parse the request body by its media type, or raise InputError when it cannot be read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"the request body is not UTF-8 text: {error}") from None
    if not text.strip():
        raise InputError("the request body is empty; send a credential")

    if media_type in JWT_MEDIA_TYPES:
        return VerificationRequest(_compact_jwt(text, "the request body"))
    if media_type not in JSON_MEDIA_TYPES:
        raise UnsupportedFormatError(
            f"a credential is accepted as {', '.join(JSON_MEDIA_TYPES + JWT_MEDIA_TYPES)}, not {media_type or 'no Content-Type'}"
        )

    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise InputError(f"the request body is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise InputError("the request body must be a JSON object: a credential or {\"credential\": ...}")
    if "credential" in document and "@context" not in document:
        return request_from_envelope(document)
    return VerificationRequest(document)


def verify_request(verification: VerificationRequest, resolver: DidResolver) -> VerificationOutcome:
    """Run the checks in order and stop at the first that fails."""
    outcome = VerificationOutcome()
    check = "verifies"
    try:
        verified = verify_credential(verification.credential, resolver)
        outcome.issuer, outcome.securing = verified.issuer, verified.securing
        outcome.passed(check)

        check = "valid now"
        check_validity_period(verified.credential, verification.now, verified.not_before, verified.not_after)
        outcome.passed(check)

        check = "not revoked"
        for entry in status_entries(verified.credential):
            if entry.status_list_credential not in verification.status_lists:
                raise VerificationError(
                    check,
                    f"status list credential {entry.status_list_credential} is not in the request, so revocation "
                    'cannot be checked: send it in "statusLists"',
                )
        check_status(
            verified.credential,
            verification.status_lists,
            lambda status_list: verify_credential(status_list, resolver).issuer,
        )
        outcome.passed(check)

        if verification.policy is not None:
            check = "issuer trusted"
            if not verification.policy.trusts(verified.issuer, verification.claim_kind, verification.scheme):
                scope = f"scheme {verification.scheme}" if verification.scheme else f"claim kind {verification.claim_kind}"
                raise VerificationError(check, f"the trust policy does not trust the issuer {verified.issuer} for {scope}")
            outcome.passed(check)
    except VerificationError as error:
        outcome.failed(error.check, error.message)
    except InputError as error:
        outcome.failed(check, error.message)
    return outcome


def install_credentials(app: Flask, config: GatewayConfig) -> None:
    """Register ``POST /credentials/verify`` on ``app`` and load the configured trust policy, if any."""
    app.extensions[POLICY_KEY] = load_policy(config.trust_policy) if config.trust_policy is not None else None
    app.register_blueprint(blueprint)


@blueprint.route("/credentials/verify", methods=["POST"])
def verify_credential_route() -> Response:
    """Verify the credential in the request body and return every check's result as JSON."""
    state = gateway_state()
    data = request.get_data(cache=True)
    check_body_size(len(data), state.config.max_body_bytes)
    verification = read_verification_request(data, request.mimetype)
    if verification.policy is None:
        verification.policy = current_app.extensions.get(POLICY_KEY)

    def work(output: BoundedOutput) -> None:
        outcome = verify_request(verification, DidResolver())
        if outcome.failed_check is None:
            logger.info("credential from %s verified", outcome.issuer)
        else:
            logger.info("credential from %s failed check %r: %s", outcome.issuer, outcome.failed_check, outcome.reason)
        output.write((json.dumps(outcome.to_json(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"))

    body = state.document_runner.run(work, "credential verification", "send a smaller credential")
    return Response(body, status=200, content_type="application/json")
