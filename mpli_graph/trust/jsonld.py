"""JSON-LD expansion for credentials: an offline context allowlist and the dropped-term check.

Contexts are served by :class:`mpli_graph.jsonld.AllowlistDocumentLoader` from
the files listed in ``mpli_graph/contexts/*.index.json``; a document that names
any other context raises :class:`~mpli_graph.errors.ContextNotAllowedError` and
nothing is fetched.

JSON-LD processors silently drop properties and types that no context defines,
so a signature over the expanded data would not cover them. :func:`to_nquads`
expands with a sentinel ``@vocab`` placed before the document's own contexts:
any term that would have been dropped expands into the sentinel namespace
instead, and the document is rejected naming those terms. An embedded
``"@vocab": null`` is replaced by the sentinel for the same reason. When no
sentinel IRI appears, the result equals the expansion without the sentinel.
NOTE: a ``"@context": null`` inside the document still clears the sentinel, so
terms after it are dropped without an error.
"""

from __future__ import annotations

import copy
import json
import logging
import threading

from pyld import jsonld
from pyld.jsonld import JsonLdError

from mpli_graph.errors import ContextNotAllowedError
from mpli_graph.jsonld import AllowlistDocumentLoader, find_context_error, normalize_context_url
from mpli_graph.trust.errors import DroppedTermsError, MalformedCredentialError

logger = logging.getLogger(__name__)

UNDEFINED_TERM_NAMESPACE = "urn:mpli:undefined-term:"

_loader_lock = threading.Lock()
_loader: AllowlistDocumentLoader | None = None


def _shared_loader() -> AllowlistDocumentLoader:
    global _loader
    with _loader_lock:
        if _loader is None:
            _loader = AllowlistDocumentLoader()
        return _loader


def load_context_document(url: str, options: dict | None = None) -> dict:
    """Serve an allowlisted context to pyld; raise ContextNotAllowedError for any other URL."""
    remote_document = dict(_shared_loader()(url, options))
    # pyld keeps contexts tagged "static" in its shared cache instead of re-processing them.
    remote_document["tag"] = "static"
    return remote_document


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
    allowlist = _shared_loader().allowlist
    for url in _named_contexts(document):
        if normalize_context_url(url) not in allowlist:
            raise ContextNotAllowedError(
                f"JSON-LD context {url!r} is not in the local allowlist: MPLI Graph never fetches "
                "contexts, so add the file and an entry to an index file in mpli_graph/contexts"
            )


def _replace_null_vocab(value: object) -> object:
    """Copy a document, turning every embedded ``"@vocab": null`` into the sentinel vocabulary."""
    if isinstance(value, list):
        return [_replace_null_vocab(item) for item in value]
    if not isinstance(value, dict):
        return value
    copied = {}
    for key, item in value.items():
        if key == "@vocab" and item is None:
            copied[key] = UNDEFINED_TERM_NAMESPACE
        else:
            copied[key] = _replace_null_vocab(item)
    return copied


def _with_sentinel_vocab(document: dict) -> dict:
    guarded = copy.copy(document)
    contexts = document.get("@context", [])
    if not isinstance(contexts, list):
        contexts = [contexts]
    if '"@vocab": null' in json.dumps(document):
        guarded = _replace_null_vocab(guarded)
        contexts = _replace_null_vocab(contexts)
    guarded["@context"] = [{"@vocab": UNDEFINED_TERM_NAMESPACE}, *contexts]
    return guarded


def _unwrap_jsonld_error(error: JsonLdError) -> Exception:
    context_error = find_context_error(error)
    if context_error is not None:
        return context_error
    deepest: BaseException = error
    while isinstance(getattr(deepest, "cause", None) or deepest.__cause__, JsonLdError):
        deepest = getattr(deepest, "cause", None) or deepest.__cause__
    message = deepest.args[0] if deepest.args else type(deepest).__name__
    code = getattr(deepest, "code", None)
    details = getattr(deepest, "details", None) or {}
    term = details.get("term") if isinstance(details, dict) else None
    where = f" (term {term!r})" if term else ""
    return MalformedCredentialError(f"invalid JSON-LD{where}: {message}" + (f" [{code}]" if code else ""))


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
