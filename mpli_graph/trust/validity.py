"""VC Data Model 2.0 structure and the validity period of a credential.

:func:`check_data_model` applies the normative structure rules of VCDM 2.0 to a
credential or presentation (base context first, required types, URLs where
identifiers are required, typed status, schema, evidence and other objects,
language value objects) and then expands it through the context allowlist, so
undefined terms and redefined protected terms are rejected too.
:func:`check_validity_period` compares ``validFrom`` and ``validUntil`` (or the
VCDM 1.1 ``issuanceDate`` and ``expirationDate``) with a moment.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

from mpli_graph.trust.errors import MalformedCredentialError, VerificationError
from mpli_graph.trust.jsonld import to_nquads

VCDM2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VCDM1_CONTEXT = "https://www.w3.org/2018/credentials/v1"

# xsd:dateTimeStamp: a date-time with a required time zone.
_DATE_TIME_STAMP = re.compile(
    r"^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d)(\.\d+)?"
    r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$"
)
_TYPED_MEMBERS = ("credentialStatus", "credentialSchema", "evidence", "refreshService", "termsOfUse", "proof")
_LANGUAGE_VALUE_KEYS = {"@value", "@language", "@direction"}


def _invalid(message: str) -> MalformedCredentialError:
    return MalformedCredentialError(f"not a valid VC Data Model 2.0 document: {message}")


def is_url(value: object) -> bool:
    """Return True for an absolute IRI with a scheme and no spaces (a URL in VCDM terms)."""
    if not isinstance(value, str) or not value or any(character.isspace() for character in value):
        return False
    scheme = urlsplit(value).scheme
    return bool(scheme) and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", scheme) is not None and ":" in value


def parse_date_time_stamp(value: object, name: str) -> datetime:
    """Parse an xsd:dateTimeStamp (time zone required), naming the member in errors."""
    if not isinstance(value, str) or not _DATE_TIME_STAMP.match(value):
        raise _invalid(f"{name} {value!r} is not an xsd:dateTimeStamp such as 2025-01-31T12:00:00Z")
    text = value.replace("Z", "+00:00")
    main, _, zone = text.rpartition("+") if "+" in text[10:] else text.rpartition("-")
    if "." in main:
        seconds, fraction = main.split(".")
        main = f"{seconds}.{fraction[:6].ljust(6, '0')}"
    sign = "+" if "+" in text[10:] else "-"
    try:
        return datetime.fromisoformat(f"{main}{sign}{zone}")
    except ValueError as error:
        raise _invalid(f"{name} {value!r}: {error}") from None


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _types(document: dict) -> list:
    return _as_list(document.get("type", []))


def _check_contexts(document: dict, where: str) -> None:
    contexts = document.get("@context")
    if contexts is None:
        raise _invalid(f"{where} has no @context")
    contexts = _as_list(contexts)
    if contexts[0] != VCDM2_CONTEXT:
        raise _invalid(f"the first @context of {where} must be {VCDM2_CONTEXT}")
    for context in contexts[1:]:
        if isinstance(context, str):
            if not is_url(context):
                raise _invalid(f"@context entry {context!r} of {where} is not a URL")
        elif not isinstance(context, dict):
            raise _invalid(f"@context entry {context!r} of {where} must be a URL or an object")


def _check_identifier(node: dict, where: str) -> None:
    if "id" in node and not is_url(node["id"]):
        raise _invalid(f"the id {node['id']!r} of {where} must be a single URL")


def _check_language_values(document: dict, where: str) -> None:
    for member in ("name", "description"):
        if member not in document:
            continue
        for value in _as_list(document[member]):
            if isinstance(value, str):
                continue
            if not isinstance(value, dict) or "@value" not in value:
                raise _invalid(f"{member} of {where} must be a string or a language value object")
            extra = set(value) - _LANGUAGE_VALUE_KEYS
            if extra:
                raise _invalid(f"{member} of {where} has members {sorted(extra)} besides @value, @language, @direction")


def _check_typed_objects(document: dict, where: str, untyped_allowed: tuple[str, ...] = ()) -> None:
    for member in _TYPED_MEMBERS:
        if member not in document:
            continue
        for item in _as_list(document[member]):
            if not isinstance(item, dict):
                raise _invalid(f"{member} of {where} must be an object")
            type_value = item.get("type")
            if type_value is None and member in untyped_allowed:
                continue
            if not type_value or not all(isinstance(name, str) for name in _as_list(type_value)):
                raise _invalid(f"every {member} of {where} needs a type (a term or URL)")
            _check_identifier(item, f"{member} of {where}")
            if member == "credentialSchema" and "id" not in item:
                raise _invalid(f"every credentialSchema of {where} needs an id")


def check_credential_structure(
    credential: object, where: str = "the credential", untyped_allowed: tuple[str, ...] = ()
) -> None:
    """Check the VCDM 2.0 structure rules of a credential (JSON only, no expansion).

    ``untyped_allowed`` names members (such as ``evidence``) whose objects may lack a type.
    """
    if not isinstance(credential, dict):
        raise _invalid(f"{where} must be a JSON object")
    _check_contexts(credential, where)
    if "VerifiableCredential" not in _types(credential):
        raise _invalid(f"the type of {where} must include VerifiableCredential")
    _check_identifier(credential, where)

    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not is_url(issuer_id):
        raise _invalid(f"the issuer {issuer_id!r} of {where} must be a URL or an object whose id is a URL")
    if isinstance(issuer, dict):
        _check_language_values(issuer, f"the issuer of {where}")

    subjects = credential.get("credentialSubject")
    if subjects is None:
        raise _invalid(f"{where} has no credentialSubject")
    for subject in _as_list(subjects):
        if not isinstance(subject, dict) or not subject:
            raise _invalid(f"every credentialSubject of {where} must be an object with at least one claim")
        _check_identifier(subject, f"a credentialSubject of {where}")

    valid_from = credential.get("validFrom")
    valid_until = credential.get("validUntil")
    start = parse_date_time_stamp(valid_from, "validFrom") if valid_from is not None else None
    end = parse_date_time_stamp(valid_until, "validUntil") if valid_until is not None else None
    if start and end and end < start:
        raise _invalid(f"validUntil {valid_until} of {where} is before its validFrom {valid_from}")

    _check_language_values(credential, where)
    _check_typed_objects(credential, where, untyped_allowed)


def check_presentation_structure(presentation: object) -> None:
    """Check the VCDM 2.0 structure rules of a presentation and of the credentials it carries."""
    if not isinstance(presentation, dict):
        raise _invalid("the presentation must be a JSON object")
    _check_contexts(presentation, "the presentation")
    if "VerifiablePresentation" not in _types(presentation):
        raise _invalid("the type of the presentation must include VerifiablePresentation")
    _check_identifier(presentation, "the presentation")

    holder = presentation.get("holder")
    holder_id = holder.get("id") if isinstance(holder, dict) else holder
    if "holder" in presentation and not is_url(holder_id):
        raise _invalid(f"the holder {holder_id!r} must be a URL or an object whose id is a URL")

    for credential in _as_list(presentation.get("verifiableCredential", [])):
        if not isinstance(credential, dict):
            raise _invalid("every verifiableCredential must be an object")
        if "EnvelopedVerifiableCredential" in _types(credential):
            _check_contexts(credential, "an enveloped credential")
            if not str(credential.get("id", "")).startswith("data:"):
                raise _invalid("an EnvelopedVerifiableCredential needs an id that is a data: URL")
            continue
        if credential.get("type") is None or "VerifiableCredential" not in _types(credential):
            raise _invalid(
                "every verifiableCredential must have type VerifiableCredential "
                "(or EnvelopedVerifiableCredential)"
            )
        check_credential_structure(credential, "a credential of the presentation")
    _check_typed_objects(presentation, "the presentation")


def check_data_model(document: object, untyped_allowed: tuple[str, ...] = ()) -> str:
    """Check a credential or presentation against VCDM 2.0, then expand it; return its N-Quads.

    The proof is left out of the expansion: each proof's own terms are expanded
    and checked when its cryptosuite verifies it.
    """
    is_presentation = isinstance(document, dict) and (
        "VerifiablePresentation" in _types(document) or "verifiableCredential" in document or "holder" in document
    )
    if is_presentation:
        check_presentation_structure(document)
    else:
        check_credential_structure(document, untyped_allowed=untyped_allowed)
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    return to_nquads(unsecured)


def _moment(credential: dict, names: tuple[str, str]) -> tuple[datetime | None, datetime | None]:
    start_name, end_name = names
    start = credential.get(start_name)
    end = credential.get(end_name)
    return (
        parse_date_time_stamp(start, start_name) if start is not None else None,
        parse_date_time_stamp(end, end_name) if end is not None else None,
    )


def validity_period(credential: dict) -> tuple[datetime | None, datetime | None]:
    """Return (not before, not after) from validFrom/validUntil or VCDM 1.1 issuanceDate/expirationDate."""
    contexts = _as_list(credential.get("@context", []))
    if contexts and contexts[0] == VCDM1_CONTEXT:
        return _moment(credential, ("issuanceDate", "expirationDate"))
    return _moment(credential, ("validFrom", "validUntil"))


def check_validity_period(
    credential: dict,
    now: datetime | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> None:
    """Raise VerificationError("valid now") unless now lies within the credential's validity period.

    ``not_before`` and ``not_after`` add bounds from the envelope, such as a JWT's nbf and exp.
    """
    now = now or datetime.now(timezone.utc)
    start, end = validity_period(credential)
    starts = [moment for moment in (start, not_before) if moment is not None]
    ends = [moment for moment in (end, not_after) if moment is not None]
    if starts and now < max(starts):
        raise VerificationError("valid now", f"the credential is not valid before {max(starts).isoformat()}")
    if ends and now > min(ends):
        raise VerificationError("valid now", f"the credential expired at {min(ends).isoformat()}")
