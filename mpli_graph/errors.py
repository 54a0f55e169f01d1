"""The MPLI Graph exception tree.

Every error that a user can cause derives from :class:`MpliError`. Each class
carries the CLI exit code and the HTTP status it maps to, so the CLI and the
gateway translate errors in one place each::

    MpliError                      exit 2, HTTP 500
    ├── InputError                 exit 2, HTTP 400  bad value or unreadable input
    │   ├── RdfSyntaxError         exit 2, HTTP 400  keeps file, line and column
    │   ├── QuerySyntaxError       exit 2, HTTP 400  keeps line and column
    │   ├── UnknownTermError       exit 2, HTTP 400  an IRI the vocabulary does not define
    │   ├── ContextNotAllowedError exit 2, HTTP 400  JSON-LD context outside the allowlist
    │   └── UnsupportedFormatError exit 2, HTTP 415  media type or file format not supported
    ├── NotConformingError         exit 1, HTTP 422  SHACL validation failed
    ├── NotFoundError              exit 2, HTTP 404
    ├── ConflictError              exit 2, HTTP 409
    ├── PayloadTooLargeError       exit 2, HTTP 413
    ├── NotAcceptableError         exit 2, HTTP 406
    ├── AuthenticationError        exit 2, HTTP 401
    ├── ForbiddenError             exit 2, HTTP 403
    └── LimitExceededError         exit 2, HTTP 503  query time or result size limit
"""

from __future__ import annotations


class MpliError(Exception):
    """Base of every error that MPLI Graph reports to a user."""

    exit_code = 2
    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict:
        """Return the error as the JSON body the gateway sends."""
        return {"error": type(self).__name__, "message": self.message}


class InputError(MpliError):
    """An input value or document is invalid."""

    http_status = 400


class RdfSyntaxError(InputError):
    """An RDF document does not parse; names the source, line and column."""

    def __init__(
        self,
        source: str,
        detail: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        position = ""
        if line is not None:
            position = f" at line {line}" + (f", column {column}" if column is not None else "")
        super().__init__(f"{source}: invalid RDF{position}: {detail}")
        self.source = source
        self.line = line
        self.column = column

    def to_json(self) -> dict:
        body = super().to_json()
        body.update({"source": self.source, "line": self.line, "column": self.column})
        return body


class QuerySyntaxError(InputError):
    """A SPARQL query or update does not parse; keeps line and column."""

    def __init__(self, detail: str, line: int | None = None, column: int | None = None) -> None:
        position = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"invalid SPARQL{position}: {detail}")
        self.line = line
        self.column = column

    def to_json(self) -> dict:
        body = super().to_json()
        body.update({"line": self.line, "column": self.column})
        return body


class UnknownTermError(InputError):
    """An IRI is used as a property, unit or concept but the vocabulary does not define it."""


class ContextNotAllowedError(InputError):
    """A JSON-LD document names a context that is not in the local allowlist."""


class UnsupportedFormatError(InputError):
    """A file format or media type is not supported."""

    http_status = 415


class NotConformingError(MpliError):
    """A document does not conform to the SHACL shapes."""

    exit_code = 1
    http_status = 422


class NotFoundError(MpliError):
    """A requested resource does not exist."""

    http_status = 404


class ConflictError(MpliError):
    """The request conflicts with stored data, such as a duplicate provider IRI."""

    http_status = 409


class PayloadTooLargeError(MpliError):
    """A request body or document exceeds the configured size limit."""

    http_status = 413


class NotAcceptableError(MpliError):
    """No representation matches the Accept header."""

    http_status = 406


class AuthenticationError(MpliError):
    """A write request carries no valid bearer token."""

    http_status = 401


class ForbiddenError(MpliError):
    """The operation is not allowed on this endpoint, such as SPARQL Update or SERVICE."""

    http_status = 403


class LimitExceededError(MpliError):
    """A query ran past its time limit or produced more results than allowed."""

    http_status = 503
