"""Serve JSON-LD contexts from a local allowlist, so that JSON-LD processing never fetches.

pyld's default document loader dereferences every ``@context`` URL over the
network. :class:`AllowlistDocumentLoader` replaces it: it serves only the
contexts listed in ``mpli_graph/contexts/*.index.json``. Each index file is a
JSON object mapping a context URL to a file name in that folder, for example::

    {"https://w3id.org/mpli/context.jsonld": "mpli-context.jsonld"}

Any other URL raises :class:`~mpli_graph.errors.ContextNotAllowedError`.
Index files that other parts of MPLI Graph add to the folder are picked up
automatically.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyld import jsonld

from mpli_graph.errors import ContextNotAllowedError, MpliError
from mpli_graph.resources import CONTEXTS_DIR

logger = logging.getLogger(__name__)

JSONLD_MEDIA_TYPE = "application/ld+json"


def normalize_context_url(url: str) -> str:
    """Return the context URL without a fragment, the form the allowlist is keyed by."""
    return url.split("#", 1)[0]


def read_allowlist(contexts_dir: Path = CONTEXTS_DIR) -> dict[str, Path]:
    """Read every ``*.index.json`` in ``contexts_dir`` and map each allowed URL to its file.

    Index files are read in name order. When two of them list the same URL with
    different files, the first one wins and a warning is logged.
    """
    allowlist: dict[str, Path] = {}

    for index_path in sorted(contexts_dir.glob("*.index.json")):
        try:
            entries = json.loads(index_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise MpliError(f"cannot read the context index {index_path}: {error}") from error
        if not isinstance(entries, dict):
            raise MpliError(
                f"the context index {index_path} must be a JSON object mapping URLs to file names"
            )

        for url, file_name in entries.items():
            context_path = contexts_dir / str(file_name)
            if not context_path.is_file():
                raise MpliError(
                    f"the context index {index_path.name} lists {url} as {file_name}, "
                    f"but {context_path} does not exist"
                )
            key = normalize_context_url(url)
            if key in allowlist and allowlist[key] != context_path:
                logger.warning(
                    "context %s is listed twice; using %s, ignoring %s",
                    key,
                    allowlist[key],
                    context_path,
                )
                continue
            allowlist[key] = context_path

    return allowlist


class AllowlistDocumentLoader:
    """A pyld document loader that serves allowed contexts from local files and never fetches."""

    def __init__(self, contexts_dir: Path = CONTEXTS_DIR) -> None:
        self.contexts_dir = contexts_dir
        self.allowlist = read_allowlist(contexts_dir)
        self._documents: dict[str, Any] = {}

    def __call__(self, url: str, options: dict | None = None) -> dict[str, Any]:
        """Return the remote document for ``url`` in the form pyld expects."""
        key = normalize_context_url(url)
        context_path = self.allowlist.get(key)
        if context_path is None:
            raise ContextNotAllowedError(
                f"the JSON-LD context {url} is not in the local allowlist, and MPLI Graph never "
                f"fetches contexts from the network; to allow it, save the context file in "
                f"{self.contexts_dir} and list it in an index file there, for example "
                f'{{"{key}": "my-context.jsonld"}} in {self.contexts_dir / "local.index.json"}'
            )

        if key not in self._documents:
            try:
                self._documents[key] = json.loads(context_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise MpliError(f"cannot read the allowed context file {context_path}: {error}") from error
            logger.debug("serving JSON-LD context %s from %s", url, context_path)

        return {
            "contentType": JSONLD_MEDIA_TYPE,
            "contextUrl": None,
            "documentUrl": url,
            "document": self._documents[key],
        }


def find_context_error(error: BaseException) -> ContextNotAllowedError | None:
    """Return the :class:`ContextNotAllowedError` that pyld wrapped into ``error``, if any."""
    for cause in _error_chain(error):
        if isinstance(cause, ContextNotAllowedError):
            return cause
    return None


def _error_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current

        for linked in (current.__cause__, current.__context__, getattr(current, "cause", None)):
            if isinstance(linked, BaseException):
                pending.append(linked)
        details = getattr(current, "details", None)
        if isinstance(details, dict):
            pending.extend(value for value in details.values() if isinstance(value, BaseException))


def to_nquads(document: Any, *, base: str | None = None, loader: AllowlistDocumentLoader | None = None) -> str:
    """Convert a parsed JSON-LD document to N-Quads with pyld, loading contexts only from the allowlist.

    Raises :class:`ContextNotAllowedError` when the document names a context
    outside the allowlist; other pyld errors propagate as ``jsonld.JsonLdError``.
    """
    options: dict[str, Any] = {
        "format": "application/n-quads",
        "documentLoader": loader or AllowlistDocumentLoader(),
    }
    if base:
        options["base"] = base

    try:
        return jsonld.to_rdf(document, options)
    except jsonld.JsonLdError as error:
        context_error = find_context_error(error)
        if context_error is not None:
            raise context_error from None
        raise
