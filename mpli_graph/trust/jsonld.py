"""JSON-LD expansion for credentials: an offline context allowlist and the dropped-term check.

Every ``mpli_graph/contexts/*.index.json`` maps context URLs to files in that
folder; a document that names any other context raises
:class:`~mpli_graph.errors.ContextNotAllowedError` and nothing is fetched.

JSON-LD processors silently drop properties and types that no context defines,
so a signature over the expanded data would not cover them. :func:`to_nquads`
expands with a sentinel ``@vocab`` placed before the document's own contexts:
any term that would have been dropped expands into the sentinel namespace
instead, and the document is rejected naming those terms. When no sentinel
IRI appears, the result equals the expansion without the sentinel.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
from pathlib import Path

from pyld import jsonld
from pyld.jsonld import JsonLdError

from mpli_graph.errors import ContextNotAllowedError
from mpli_graph.resources import CONTEXTS_DIR
from mpli_graph.trust.errors import DroppedTermsError, MalformedCredentialError

logger = logging.getLogger(__name__)

UNDEFINED_TERM_NAMESPACE = "urn:mpli:undefined-term:"

_allowlist_lock = threading.Lock()
_allowlist: dict[str, Path] | None = None
_documents: dict[str, dict] = {}


def context_allowlist(contexts_dir: Path = CONTEXTS_DIR) -> dict[str, Path]:
    """Read every ``*.index.json`` in the contexts folder into one map of URL to file."""
    global _allowlist
    with _allowlist_lock:
        if _allowlist is not None and contexts_dir == CONTEXTS_DIR:
            return _allowlist
        allowlist: dict[str, Path] = {}
        for index_file in sorted(contexts_dir.glob("*.index.json")):
            entries = json.loads(index_file.read_text(encoding="utf-8"))
            for url, file_name in entries.items():
                allowlist[url] = contexts_dir / file_name
        if contexts_dir == CONTEXTS_DIR:
            _allowlist = allowlist
        return allowlist


def load_context_document(url: str, options: dict | None = None) -> dict:
    """Serve an allowlisted context to pyld as a remote document; raise for any other URL."""
    allowlist = context_allowlist()
    if url not in allowlist:
        raise ContextNotAllowedError(
            f"JSON-LD context {url} is not in the local allowlist: add its file and an entry "
            f"to an index file in {CONTEXTS_DIR}"
        )
    if url not in _documents:
        _documents[url] = json.loads(allowlist[url].read_text(encoding="utf-8"))
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": _documents[url],
    }


def _named_contexts(value: object) -> list[str]:
    """List the context URLs that a document names anywhere in its ``@context`` values."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                contexts = item if isinstance(item, list) else [item]
                found.extend(context for context in contexts if isinstance(context, str))
                found.extend(_named_contexts([c for c in contexts if isinstance(c, dict)]))
            else:
                found.extend(_named_contexts(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_named_contexts(item))
    return found


def check_contexts(document: object) -> None:
    """Raise ContextNotAllowedError if the document names a context outside the allowlist."""
    allowlist = context_allowlist()
    for url in _named_contexts(document):
        if url not in allowlist:
            raise ContextNotAllowedError(
                f"JSON-LD context {url!r} is not in the local allowlist: MPLI Graph never fetches "
                "contexts, so add the file and an entry to an index file in mpli_graph/contexts"
            )


def _with_sentinel_vocab(document: dict) -> dict:
    guarded = copy.copy(document)
    contexts = document.get("@context", [])
    if not isinstance(contexts, list):
        contexts = [contexts]
    guarded["@context"] = [{"@vocab": UNDEFINED_TERM_NAMESPACE}, *contexts]
    return guarded


def _unwrap_jsonld_error(error: JsonLdError) -> Exception:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ContextNotAllowedError):
            return cause
        cause = cause.__cause__ or getattr(cause, "cause", None)
    detail = str(error).splitlines()[0]
    return MalformedCredentialError(f"invalid JSON-LD: {detail}")


def _undefined_terms(nquads: str) -> list[str]:
    terms = set()
    position = nquads.find(UNDEFINED_TERM_NAMESPACE)
    while position != -1:
        end = position + len(UNDEFINED_TERM_NAMESPACE)
        stop = nquads.find(">", end)
        terms.add(nquads[end:stop])
        position = nquads.find(UNDEFINED_TERM_NAMESPACE, stop)
    return sorted(terms)


def to_nquads(document: dict) -> str:
    """Convert a JSON-LD document to N-Quads offline, rejecting terms its contexts do not define."""
    if not isinstance(document, dict):
        raise MalformedCredentialError("a JSON-LD credential must be a JSON object")
    check_contexts(document)
    options = {
        "format": "application/n-quads",
        "documentLoader": load_context_document,
        "base": None,
    }
    try:
        nquads = jsonld.to_rdf(_with_sentinel_vocab(document), options)
    except JsonLdError as error:
        raise _unwrap_jsonld_error(error) from None

    undefined = _undefined_terms(nquads)
    if undefined:
        raise DroppedTermsError(undefined)
    return nquads


def expand(document: dict) -> list:
    """Expand a JSON-LD document offline, rejecting terms its contexts do not define."""
    if not isinstance(document, dict):
        raise MalformedCredentialError("a JSON-LD credential must be a JSON object")
    check_contexts(document)
    options = {"documentLoader": load_context_document, "base": None}
    try:
        expanded = jsonld.expand(_with_sentinel_vocab(document), options)
    except JsonLdError as error:
        raise _unwrap_jsonld_error(error) from None

    undefined = _undefined_terms(json.dumps(expanded).replace('"', ">"))
    if undefined:
        raise DroppedTermsError(undefined)
    return expanded
