"""Errors of the trust package, derived from the project's error tree.

A credential that is well formed but fails a check (bad signature, expired,
revoked, untrusted issuer) raises :class:`VerificationError`, which maps to
exit code 1, like a document that does not conform. Unreadable or malformed
input raises an :class:`~mpli_graph.errors.InputError` subclass (exit code 2).
"""

from __future__ import annotations

from mpli_graph.errors import InputError, LimitExceededError, MpliError


class VerificationError(MpliError):
    """A credential or proof failed a check; ``check`` names which one."""

    exit_code = 1
    http_status = 422

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check

    def to_json(self) -> dict:
        body = super().to_json()
        body["check"] = self.check
        return body


class DroppedTermsError(InputError):
    """A JSON-LD document uses terms that its contexts do not define."""

    def __init__(self, terms: list[str]) -> None:
        names = ", ".join(sorted(terms))
        super().__init__(
            f"JSON-LD expansion would drop the undefined terms {names}: "
            "define them in a context or use full IRIs"
        )
        self.terms = sorted(terms)


class MalformedCredentialError(InputError):
    """A credential, proof, key or DID document is not in the expected form."""


class DidResolutionError(InputError):
    """A DID cannot be resolved, or its DID document is invalid."""


class CanonicalizationLimitError(LimitExceededError):
    """RDF canonicalization exceeded its blank-node or time limit."""
