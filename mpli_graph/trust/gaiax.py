"""Gaia-X compliance credentials: check ``gx:integrity`` hashes against the credentials they cover.

A Gaia-X 22.10 compliance credential has one ``gx:compliance`` subject per
credential it covers. Each subject names the covered credential by ``id`` and
contains ``gx:integrity``: ``sha256-`` followed by the hex SHA-256 of that
credential in RFC 8785 (JCS) form, as ``gx:integrityNormalization``
``RFC8785:JCS`` states.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.jcs import canonicalize_json

logger = logging.getLogger(__name__)

JCS_NORMALIZATION = "RFC8785:JCS"
_INTEGRITY = re.compile(r"^sha256-([0-9a-f]{64})$")


@dataclass(frozen=True)
class IntegrityEntry:
    """One ``gx:compliance`` subject: the covered credential and its expected hash."""

    credential_id: str
    integrity: str
    normalization: str
    gx_type: str | None
    version: str | None


def integrity_entries(compliance_credential: dict) -> list[IntegrityEntry]:
    """Read the ``gx:compliance`` subjects of a compliance credential."""
    subjects = compliance_credential.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    entries = []
    for subject in subjects:
        if not isinstance(subject, dict) or subject.get("type") != "gx:compliance":
            continue
        integrity = subject.get("gx:integrity")
        if not isinstance(integrity, str) or not _INTEGRITY.match(integrity):
            raise MalformedCredentialError(
                f"gx:integrity {integrity!r} of {subject.get('id')} is not sha256- followed by 64 hex digits"
            )
        entries.append(
            IntegrityEntry(
                credential_id=subject.get("id"),
                integrity=integrity,
                normalization=subject.get("gx:integrityNormalization", JCS_NORMALIZATION),
                gx_type=subject.get("gx:type"),
                version=subject.get("gx:version"),
            )
        )
    if not entries:
        raise MalformedCredentialError("the credential has no gx:compliance subjects")
    return entries


def integrity_of(credential: dict) -> str:
    """Compute the ``gx:integrity`` value of a credential: sha256- and the hex hash of its JCS form."""
    return "sha256-" + hashlib.sha256(canonicalize_json(credential)).hexdigest()


def check_integrity(compliance_credential: dict, covered: dict[str, dict]) -> dict[str, str]:
    """Compare each ``gx:integrity`` with the covered credential; return id → match, mismatch or missing.

    Raises VerificationError("verifies") if a covered credential that is present does not match.
    """
    report: dict[str, str] = {}
    for entry in integrity_entries(compliance_credential):
        if entry.normalization != JCS_NORMALIZATION:
            raise MalformedCredentialError(
                f"unsupported gx:integrityNormalization {entry.normalization!r} for {entry.credential_id}"
            )
        document = covered.get(entry.credential_id)
        if document is None:
            report[entry.credential_id] = "missing"
            continue
        report[entry.credential_id] = "match" if integrity_of(document) == entry.integrity else "mismatch"

    mismatched = [credential_id for credential_id, state in report.items() if state == "mismatch"]
    if mismatched:
        raise VerificationError(
            "verifies",
            f"gx:integrity does not match the covered credential {', '.join(mismatched)}: it changed after compliance",
        )
    logger.debug("gx:integrity report %s", report)
    return report
