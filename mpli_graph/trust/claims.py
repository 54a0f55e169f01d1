"""The credential checker that the resolver calls for claims required at the verified level.

A provider manifest links a claim (for example an ``mpli:Certification`` with
``mpli:scheme``) to the credential that backs it with ``mpli:backedBy``. The
checker counts the claim only if one backing credential passes every check, in
this order:

1. verifies: the signature verifies and the issuer controls the signing key;
2. valid now: the current time is within validFrom / validUntil (and the JWT exp);
3. not revoked: no Bitstring Status List bit of the credential is set;
4. issuer trusted: the consumer's policy trusts the issuer for this claim kind and scheme;
5. about the claim: a credentialSubject is the claim, or the provider or offering making it.

The reason returned names the first check that failed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from mpli_graph.errors import InputError, MpliError
from mpli_graph.trust.did import DidResolver
from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.jose import STRICT, split_compact
from mpli_graph.trust.policy import CERTIFICATION, LEGAL_IDENTITY, MPLI, SERVICE_LEVEL, TrustPolicy
from mpli_graph.trust.status_list import check_status
from mpli_graph.trust.validity import check_validity_period
from mpli_graph.trust.verify import VerifiedCredential, verify_credential

logger = logging.getLogger(__name__)

_CLAIM_QUERY = """
PREFIX mpli: <https://w3id.org/mpli#>
SELECT ?type ?scheme ?credential ?holder WHERE {
  { <%(claim)s> a ?type } UNION { <%(claim)s> mpli:scheme ?scheme }
  UNION { <%(claim)s> mpli:backedBy ?credential }
  UNION { ?holder mpli:certification|mpli:serviceLevel <%(claim)s> }
}
"""


@dataclass
class ClaimInfo:
    """The facts about one claim that the checker uses: kind, scheme, backing credentials, holders."""

    claim: str
    kind: str = CERTIFICATION
    scheme: str | None = None
    backed_by: list[str] = field(default_factory=list)
    holders: set[str] = field(default_factory=set)


def claim_info_from_mapping(value: Mapping) -> ClaimInfo:
    """Build a ClaimInfo from a mapping with ``claim`` and optional ``kind``, ``scheme``, ``backedBy``, ``holders``."""
    if "claim" not in value:
        raise MalformedCredentialError("claim information needs the claim IRI under 'claim'")
    backed_by = value.get("backedBy", [])
    return ClaimInfo(
        claim=value["claim"],
        kind=value.get("kind", CERTIFICATION),
        scheme=value.get("scheme"),
        backed_by=[backed_by] if isinstance(backed_by, str) else list(backed_by),
        holders=set(value.get("holders", ())),
    )


def claim_info_from_store(store, claim: str) -> ClaimInfo:
    """Read a claim's kind, scheme, backing credentials and holders from a pyoxigraph store."""
    if "<" in claim or ">" in claim or " " in claim:
        raise MalformedCredentialError(f"invalid claim IRI {claim!r}")
    info = ClaimInfo(claim=claim)
    types = set()
    for solution in store.query(_CLAIM_QUERY % {"claim": claim}):
        if solution["type"] is not None:
            types.add(solution["type"].value)
        if solution["scheme"] is not None:
            info.scheme = solution["scheme"].value
        if solution["credential"] is not None and solution["credential"].value not in info.backed_by:
            info.backed_by.append(solution["credential"].value)
        if solution["holder"] is not None:
            info.holders.add(solution["holder"].value)

    if SERVICE_LEVEL in types:
        info.kind = SERVICE_LEVEL
    elif CERTIFICATION in types or info.scheme:
        info.kind = CERTIFICATION
    elif MPLI + "Provider" in types:
        info.kind = LEGAL_IDENTITY
        info.holders.add(claim)
    return info


def credential_iri(document: dict | str) -> str:
    """Return the IRI a credential is known by: its ``id``, or for a JWT its payload ``id`` or ``jti``."""
    if isinstance(document, str):
        _, payload, _, _ = split_compact(document)
        try:
            claims = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise MalformedCredentialError(f"the JWT payload is not JSON: {error}") from None
        identifier = None
        if isinstance(claims, dict):
            identifier = claims.get("id") or claims.get("jti")
    else:
        identifier = document.get("id") if isinstance(document, dict) else None
    if not isinstance(identifier, str):
        raise MalformedCredentialError("the credential has no id, so no claim can name it with mpli:backedBy")
    return identifier


def load_credentials(paths: Iterable[Path]) -> dict[str, dict | str]:
    """Read credential files (JSON-LD, or compact JWT text) into a map from credential IRI to document."""
    credentials: dict[str, dict | str] = {}
    for path in paths:
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read the credential file: {error}") from None
        if text.startswith("{"):
            try:
                document: dict | str = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(f"{path}: not JSON: {error}") from None
        else:
            document = text
        try:
            credentials[credential_iri(document)] = document
        except MalformedCredentialError as error:
            raise InputError(f"{path}: {error.message}") from None
    return credentials


def _subject_ids(credential: dict) -> set[str]:
    subjects = credential.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    return {subject["id"] for subject in subjects if isinstance(subject, dict) and isinstance(subject.get("id"), str)}


class CredentialChecker:
    """Check claims against their backing credentials and a consumer's trust policy.

    ``credentials`` maps IRIs to documents (JSON objects, or compact JWT strings):
    the credentials that claims name with ``mpli:backedBy`` and the status list
    credentials they point at. Nothing is fetched except did:web documents of
    hosts on the resolver's allowlist. ``store`` is the pyoxigraph store holding
    the manifests, used when the checker is called with a bare claim IRI.
    """

    def __init__(
        self,
        policy: TrustPolicy,
        credentials: Mapping[str, dict | str],
        now: datetime | None = None,
        *,
        store=None,
        resolver: DidResolver | None = None,
        mode: str = STRICT,
    ) -> None:
        self.policy = policy
        self.credentials = dict(credentials)
        self.now = now
        self.store = store
        self.resolver = resolver or DidResolver()
        self.mode = mode
        self._verified: dict[str, VerifiedCredential] = {}

    def __call__(self, claim: str | Mapping | ClaimInfo) -> tuple[bool, str]:
        """Return (True, what verified) or (False, which check failed and why) for one claim."""
        try:
            info = self._claim_info(claim)
        except MpliError as error:
            return False, f"claim not readable: {error.message}"
        if not info.backed_by:
            return False, f"no credential backs the claim {info.claim} (no mpli:backedBy)"

        reasons = []
        for credential_iri in info.backed_by:
            try:
                issuer = self.check_credential(credential_iri, info)
            except VerificationError as error:
                reasons.append(f"{credential_iri}: {error.check} failed: {error.message}")
                continue
            except MpliError as error:
                reasons.append(f"{credential_iri}: verifies failed: {error.message}")
                continue
            return True, f"backed by {credential_iri} from trusted issuer {issuer}"
        return False, "; ".join(reasons)

    def _claim_info(self, claim: str | Mapping | ClaimInfo) -> ClaimInfo:
        if isinstance(claim, ClaimInfo):
            return claim
        if isinstance(claim, Mapping):
            return claim_info_from_mapping(claim)
        if self.store is None:
            raise MalformedCredentialError(
                f"the checker has no store to look up claim {claim}: pass store= or claim information"
            )
        return claim_info_from_store(self.store, claim)

    def _verify(self, credential_iri: str) -> VerifiedCredential:
        if credential_iri not in self._verified:
            document = self.credentials.get(credential_iri)
            if document is None:
                raise VerificationError(
                    "verifies", f"credential {credential_iri} is not available: add it to the checker's credentials"
                )
            self._verified[credential_iri] = verify_credential(document, self.resolver, self.mode)
        return self._verified[credential_iri]

    def _verify_status_list(self, document: dict) -> str:
        """Verify a status list credential; a failure counts against "not revoked", not the credential."""
        try:
            return verify_credential(document, self.resolver, self.mode).issuer
        except VerificationError as error:
            raise VerificationError(
                "not revoked",
                f"the status list {document.get('id', '(no id)')} does not verify, "
                f"so revocation cannot be checked: {error.message}",
            ) from None

    def check_credential(self, credential_iri: str, info: ClaimInfo) -> str:
        """Run the five checks on one backing credential; return its issuer or raise VerificationError."""
        verified = self._verify(credential_iri)
        credential = verified.credential

        now = self.now or datetime.now(timezone.utc)
        check_validity_period(credential, now, verified.not_before, verified.not_after)

        check_status(credential, self.credentials, self._verify_status_list)

        if not self.policy.trusts(verified.issuer, info.kind, info.scheme):
            scope = f"scheme {info.scheme}" if info.scheme else f"claim kind {info.kind}"
            raise VerificationError(
                "issuer trusted", f"the trust policy does not trust the issuer {verified.issuer} for {scope}"
            )

        subjects = _subject_ids(credential)
        expected = {info.claim} | info.holders
        if not subjects & expected:
            raise VerificationError(
                "about the claim",
                f"the credential is about {', '.join(sorted(subjects)) or 'no identified subject'}, "
                f"not about {', '.join(sorted(expected))}",
            )
        return verified.issuer
