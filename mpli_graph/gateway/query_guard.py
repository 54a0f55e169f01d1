"""Inspect a SPARQL request before it runs: is it an update, does it contain SERVICE?

A provider endpoint must never run ``SERVICE``, because it would let any
client make the server fetch URLs of the client's choice, and pyoxigraph's
Python API has no switch to turn ``SERVICE`` off. A regular expression over the
text would be fooled by the word in a string, an IRI or a comment, or would miss
it in odd spacing and case, so this module reads the query as SPARQL tokens.

The tokenizer follows the SPARQL 1.1 grammar's terminals closely enough to
tell keywords from strings, IRIs, comments, variables, prefixed names and
language tags. Where it is unsure, it errs towards seeing more keywords, never
fewer. SPARQL lets ``\\uXXXX`` escapes stand anywhere in a query, so the check
also runs on the text with those escapes decoded.

pyoxigraph 0.5's query parser overflows the stack of the server process on
deeply nested text: 20000 nested parentheses gave a segmentation fault. So the
guard also rejects a query whose ``(``, ``{`` or ``[`` nesting is deeper than a
limit, before the parser reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from mpli_graph.errors import ForbiddenError, InputError

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
UPDATE_OPERATIONS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)

IRI_EXCLUDED = set('<>"{}|^`\\')
DEFAULT_MAX_NESTING_DEPTH = 200
OPENING_BRACKETS = frozenset("({[")
CLOSING_BRACKETS = frozenset(")}]")
LINE_ENDS = set("\n\r\x0b\x0c\x85\u2028\u2029")
CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    """A SPARQL token: its kind (``word``, ``pname``, ``var``, ``iri``, ``string``, ...) and text."""

    kind: str
    text: str
    offset: int


def _is_name_start(character: str) -> bool:
    return character.isalpha() or character == "_"


def _is_name_char(character: str) -> bool:
    return character.isalnum() or character in "_-.·" or ord(character) > 0x7F


def _scan_string(text: str, start: int) -> int:
    """Return the offset after the string literal that starts at ``start``."""
    quote = text[start]
    long_quote = quote * 3
    length = len(text)

    if text.startswith(long_quote, start):
        position = start + 3
        while position < length:
            if text[position] == "\\":
                position += 2
                continue
            if text.startswith(long_quote, position):
                return position + 3
            position += 1
        return length

    position = start + 1
    while position < length:
        character = text[position]
        if character == "\\":
            position += 2
            continue
        if character == quote:
            return position + 1
        if character in "\n\r":
            return position
        position += 1
    return length


def _scan_iri(text: str, start: int) -> int | None:
    """Return the offset after an IRI reference at ``start``, or ``None`` if ``<`` is an operator."""
    position = start + 1
    length = len(text)
    while position < length:
        character = text[position]
        if character == ">":
            return position + 1
        if character in IRI_EXCLUDED or ord(character) <= 0x20:
            return None
        position += 1
    return None


def _scan_name(text: str, start: int) -> int:
    """Return the offset after a bare word or prefixed name (letters, digits, ``_-.:%\\``)."""
    position = start
    length = len(text)
    while position < length:
        character = text[position]
        if character == "\\" and position + 1 < length:
            position += 2
            continue
        if _is_name_char(character) or character in ":%":
            position += 1
            continue
        break
    while position > start + 1 and text[position - 1] == ".":
        position -= 1
    return position


def tokenize(text: str) -> Iterator[Token]:
    """Yield the SPARQL tokens of ``text``, skipping white space and comments."""
    position = 0
    length = len(text)
    while position < length:
        character = text[position]

        if character.isspace():
            position += 1
            continue

        if character == "#":
            while position < length and text[position] not in LINE_ENDS:
                position += 1
            continue

        if character in "'\"":
            end = _scan_string(text, position)
            yield Token("string", text[position:end], position)
            position = end
            continue

        if character == "<":
            end = _scan_iri(text, position)
            if end is not None:
                yield Token("iri", text[position:end], position)
                position = end
                continue
            yield Token("punctuation", character, position)
            position += 1
            continue

        if character in "?$":
            end = position + 1
            while end < length and (_is_name_char(text[end]) and text[end] not in "-."):
                end += 1
            yield Token("var", text[position:end], position)
            position = end
            continue

        if character == "@":
            end = position + 1
            while end < length and (text[end].isalnum() or text[end] == "-"):
                end += 1
            yield Token("langtag", text[position:end], position)
            position = end
            continue

        if character == "_" and text.startswith("_:", position):
            end = _scan_name(text, position + 2)
            yield Token("bnode", text[position:end], position)
            position = end
            continue

        if _is_name_start(character) or character == ":":
            end = _scan_name(text, position)
            word = text[position:end]
            yield Token("pname" if ":" in word else "word", word, position)
            position = end
            continue

        if character.isdigit():
            end = position + 1
            while end < length and (text[end].isalnum() or text[end] in ".+-"):
                end += 1
            yield Token("number", text[position:end], position)
            position = end
            continue

        yield Token("punctuation", character, position)
        position += 1


def decode_codepoint_escapes(text: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes, as SPARQL 1.1 does before parsing."""

    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return match.group(0)
        return chr(code)

    return CODEPOINT_ESCAPE.sub(replace, text)


def _readings(text: str) -> list[str]:
    """Return the query as written and, if it differs, with codepoint escapes decoded."""
    decoded = decode_codepoint_escapes(text)
    return [text] if decoded == text else [text, decoded]


def operation_keyword(text: str) -> str | None:
    """Return the first keyword after the prologue (``SELECT``, ``INSERT``, ...), upper-cased."""
    for token in tokenize(text):
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        if keyword in ("BASE", "PREFIX"):
            continue
        return keyword
    return None


def is_update(text: str) -> bool:
    """Tell whether ``text`` is a SPARQL Update request rather than a query."""
    for reading in _readings(text):
        keyword = operation_keyword(reading)
        if keyword in UPDATE_OPERATIONS:
            return True
    return False


def find_service(text: str) -> tuple[str, Token] | None:
    """Return the reading of ``text`` and its first ``SERVICE`` keyword token, or ``None``."""
    for reading in _readings(text):
        for token in tokenize(reading):
            if token.kind == "word" and token.text.upper() == "SERVICE":
                return reading, token
    return None


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def update_rejected() -> ForbiddenError:
    """Return the error for a SPARQL Update request, which this read-only endpoint rejects."""
    return ForbiddenError(
        "SPARQL Update is not accepted at this endpoint because it is read-only. "
        "Replace a manifest through the Graph Store Protocol at /rdf-graphs with an admin token."
    )


def reject_update(text: str) -> None:
    """Raise :class:`ForbiddenError` if ``text`` is a SPARQL Update request."""
    if is_update(text):
        raise update_rejected()


def reject_service(text: str) -> None:
    """Raise :class:`ForbiddenError` if ``text`` contains a ``SERVICE`` clause."""
    found = find_service(text)
    if found is not None:
        reading, token = found
        line, column = line_and_column(reading, token.offset)
        raise ForbiddenError(
            f"SERVICE (federated query) is not allowed at this endpoint, found at line {line}, "
            f"column {column}: it would make this server fetch other URLs. "
            "Send the query to the endpoints directly, or use a marketplace's federation."
        )


def nesting_depth(text: str) -> int:
    """Return the deepest nesting of ``(``, ``{`` and ``[`` in ``text``, outside strings, IRIs and comments."""
    deepest = 0
    for reading in _readings(text):
        depth = 0
        for token in tokenize(reading):
            if token.kind != "punctuation":
                continue
            if token.text in OPENING_BRACKETS:
                depth += 1
                deepest = max(deepest, depth)
            elif token.text in CLOSING_BRACKETS:
                depth = max(0, depth - 1)
    return deepest


def reject_deep_nesting(text: str, limit: int = DEFAULT_MAX_NESTING_DEPTH) -> None:
    """Raise :class:`InputError` if the brackets of ``text`` nest deeper than ``limit``."""
    depth = nesting_depth(text)
    if depth > limit:
        raise InputError(
            f"the query nests brackets {depth} levels deep, more than the limit of {limit}; "
            "flatten the nested expressions or groups and try again"
        )
