"""Find the SERVICE blocks of a SPARQL query and split it into sub-queries.

A real tokenizer reads the query, so that the word SERVICE inside a string,
an IRI or a comment is not taken for the keyword. The parser then records for
every outermost ``SERVICE [SILENT] (IRI | ?var) { ... }`` block its character
span, its endpoint, its body, the variables it certainly binds and the FILTERs
of the enclosing group that may be evaluated inside it. Nothing here sends a
request: :mod:`mpli_graph.federation.executor` does that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urljoin

from mpli_graph.errors import QuerySyntaxError

PN_CHAR = r"[A-Za-z0-9_\u00B7\u00C0-\uFFFF-]"
PN_LOCAL_CHAR = r"(?:[A-Za-z0-9_:%\u00B7\u00C0-\uFFFF-]|\\[_~.!$&'()*+,;=/?#@%-])"
PNAME_PATTERN = (
    rf"(?:[A-Za-z\u00C0-\uFFFF](?:[A-Za-z0-9_.\u00B7\u00C0-\uFFFF-]*{PN_CHAR})?)?:"
    rf"(?:{PN_LOCAL_CHAR}(?:(?:{PN_LOCAL_CHAR}|\.)*{PN_LOCAL_CHAR})?)?"
)
"""A prefixed name; like the SPARQL grammar, neither part may end with a dot."""

TOKEN_PATTERNS = [
    ("WS", r"\s+"),
    ("COMMENT", r"#[^\n\r]*"),
    ("IRI", r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>"),
    ("STRING", r"'''(?:[^'\\]|\\.|'(?!''))*'''"),
    ("STRING", r'"""(?:[^"\\]|\\.|"(?!""))*"""'),
    ("STRING", r"'(?:[^'\\\n\r]|\\.)*'"),
    ("STRING", r'"(?:[^"\\\n\r]|\\.)*"'),
    ("VAR", r"[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+"),
    ("BNODE", r"_:[A-Za-z0-9_\u00B7\u00C0-\uFFFF](?:[A-Za-z0-9_.\u00B7\u00C0-\uFFFF-]*[A-Za-z0-9_\u00B7\u00C0-\uFFFF-])?"),
    ("PNAME", PNAME_PATTERN),
    ("LANGTAG", r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*"),
    ("NUMBER", r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"),
    ("NAME", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("PUNCT", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;*+\-/!=<>^|]"),
]
TOKEN_RE = re.compile("|".join(f"(?P<{kind}{i}>{rx})" for i, (kind, rx) in enumerate(TOKEN_PATTERNS)))
GROUP_KINDS = {f"{kind}{i}": kind for i, (kind, _) in enumerate(TOKEN_PATTERNS)}
UCHAR_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

UNSAFE_FILTER_NAMES = frozenset({"EXISTS", "RAND", "NOW", "BNODE", "UUID", "STRUUID"})
"""Filter functions whose value depends on local data or on where they run."""

GROUP_KEYWORDS = frozenset({"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "UNION", "FILTER", "BIND", "VALUES"})


class Token(NamedTuple):
    """One lexical token: its kind, its text and its character span."""

    kind: str
    text: str
    start: int
    end: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a NAME token, or '' for other kinds."""
        return self.text.upper() if self.kind == "NAME" else ""


@dataclass
class ServiceBlock:
    """One outermost SERVICE block of a query."""

    index: int
    start: int
    end: int
    body: str
    silent: bool
    endpoint: str | None
    variable: str | None
    variables: list[str]
    certain_variables: set[str]
    filters: list[str] = field(default_factory=list)
    path: tuple[tuple[int, int], ...] = ()
    """The block's position: for each enclosing group, its (chain, branch) in
    its parent group. Group patterns joined by UNION share a chain and differ
    in branch."""


@dataclass
class ParsedQuery:
    """A tokenized query with its prologue, its form and its SERVICE blocks."""

    text: str
    tokens: list[Token]
    prologue: str
    prefixes: dict[str, str]
    base: str | None
    form: str
    select_star: bool
    services: list[ServiceBlock]
    body_index: int = 0

    @cached_property
    def variables_outside_services(self) -> frozenset[str]:
        """The variable names used outside every SERVICE block."""
        names = set()
        blocks = iter(self.services)
        block = next(blocks, None)
        for token in self.tokens:
            while block is not None and token.start >= block.end:
                block = next(blocks, None)
            inside = block is not None and block.start <= token.start
            if token.kind == "VAR" and not inside:
                names.add(token.text[1:])
        return frozenset(names)

    def variables_outside(self, block: ServiceBlock) -> set[str]:
        """Return the variable names used anywhere in the query outside a block."""
        return {
            token.text[1:]
            for token in self.tokens
            if token.kind == "VAR" and not block.start <= token.start < block.end
        }

    def variables_joined(self, block: ServiceBlock) -> set[str]:
        """Return the variables whose values outside a block can affect the result.

        These are the variables used outside every SERVICE block, and those
        of other blocks that may be joined with this one. A block in another
        branch of the same UNION is never joined with it, so its variables do
        not count.
        """
        found = set(self.variables_outside_services)
        for other in self.services:
            if other is not block and not in_other_branch(block.path, other.path):
                found.update(other.variables)
        return found

    def replace_services(self, replacements: dict[int, str]) -> str:
        """Return the query text with each SERVICE block replaced by its new text."""
        parts = []
        position = 0
        for block in self.services:
            parts.append(self.text[position : block.start])
            parts.append(replacements[block.index])
            position = block.end
        parts.append(self.text[position:])
        return "".join(parts)


def in_other_branch(first: tuple[tuple[int, int], ...], second: tuple[tuple[int, int], ...]) -> bool:
    """Return True if two blocks lie in different branches of one UNION."""
    for (first_chain, first_branch), (second_chain, second_branch) in zip(first, second):
        if (first_chain, first_branch) != (second_chain, second_branch):
            return first_chain == second_chain
    return False


@dataclass
class GroupFrame:
    """Parser state for one open group: its current element chain and branch."""

    chain: int = 0
    branch: int = 0
    after_union: bool = False

    def enter_group(self) -> tuple[int, int]:
        """Return the (chain, branch) of a nested group that starts here."""
        if self.after_union:
            self.branch += 1
        else:
            self.chain += 1
            self.branch = 0
        self.after_union = False
        return self.chain, self.branch

    def enter_element(self) -> tuple[int, int]:
        """Return the (chain, branch) of an element that is not a group, such as SERVICE."""
        self.chain += 1
        self.branch = 0
        self.after_union = False
        return self.chain, self.branch


def tokenize(text: str) -> list[Token]:
    """Split SPARQL text into tokens, dropping white space and comments."""
    tokens = []
    position = 0
    for match in TOKEN_RE.finditer(text):
        if match.start() != position:
            break
        kind = GROUP_KINDS[match.lastgroup]
        position = match.end()
        if kind != "WS" and kind != "COMMENT":
            tokens.append(Token(kind, match.group(), match.start(), position))

    if position < len(text):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise QuerySyntaxError(f"unexpected character {text[position]!r}", line, column)
    return tokens


def decode_iri(token_text: str) -> str:
    """Return the IRI inside an IRIREF token, with \\u and \\U escapes decoded."""
    inner = token_text[1:-1]
    return UCHAR_RE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), inner)


def matching_close(tokens: list[Token], open_index: int) -> int:
    """Return the index of the token that closes the bracket at open_index."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    opener = tokens[open_index].text
    closer = pairs[opener]
    depth = 0
    for index in range(open_index, len(tokens)):
        text = tokens[index].text if tokens[index].kind == "PUNCT" else ""
        if text == opener:
            depth += 1
        elif text == closer:
            depth -= 1
            if depth == 0:
                return index
    token = tokens[open_index]
    raise QuerySyntaxError(f"'{opener}' at offset {token.start} is never closed")


def read_prologue(tokens: list[Token], text: str) -> tuple[str, dict[str, str], str | None, int]:
    """Read BASE and PREFIX declarations; return text, prefixes, base and next index."""
    prefixes: dict[str, str] = {}
    base = None
    index = 0
    end = 0
    while index < len(tokens):
        keyword = tokens[index].keyword
        if keyword == "BASE" and index + 1 < len(tokens) and tokens[index + 1].kind == "IRI":
            base = decode_iri(tokens[index + 1].text)
            end = tokens[index + 1].end
            index += 2
        elif (
            keyword == "PREFIX"
            and index + 2 < len(tokens)
            and tokens[index + 1].kind == "PNAME"
            and tokens[index + 2].kind == "IRI"
        ):
            prefixes[tokens[index + 1].text.rstrip(":")] = decode_iri(tokens[index + 2].text)
            end = tokens[index + 2].end
            index += 3
        else:
            break
    return text[:end], prefixes, base, index


def resolve_term(token: Token, prefixes: dict[str, str], base: str | None) -> str:
    """Return the full IRI of an IRIREF or prefixed-name token."""
    if token.kind == "IRI":
        iri = decode_iri(token.text)
        return urljoin(base, iri) if base else iri

    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise QuerySyntaxError(f"prefix '{prefix}:' of {token.text} is not declared")
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


def certain_variables(tokens: list[Token]) -> set[str]:
    """Return the variables that every solution of a group body binds.

    Only triple patterns at the top level of the group count: variables in
    OPTIONAL, UNION, MINUS, GRAPH, nested groups, BIND, VALUES and FILTER may
    stay unbound, so they are left out. A body that is a sub-SELECT binds
    nothing certainly as far as this check can tell.
    """
    if tokens and tokens[0].keyword == "SELECT":
        return set()

    found = set()
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.keyword in GROUP_KEYWORDS:
            index = skip_element(tokens, index)
            continue
        if token.kind == "PUNCT" and token.text in "{(":
            index = matching_close(tokens, index) + 1
            continue
        if token.kind == "VAR":
            found.add(token.text[1:])
        index += 1
    return found


def skip_element(tokens: list[Token], index: int) -> int:
    """Return the index after a keyword-led element such as OPTIONAL {...} or FILTER (...)."""
    keyword = tokens[index].keyword
    if keyword == "UNION":
        return index + 1

    openers = "(" + "{" if keyword in ("FILTER", "BIND") else "{"
    position = index + 1
    while position < len(tokens):
        token = tokens[position]
        if token.kind == "PUNCT" and token.text in openers:
            return matching_close(tokens, position) + 1
        position += 1
    return position


def filter_expression(tokens: list[Token], index: int) -> tuple[int, int] | None:
    """Return the token range of the constraint after FILTER at index, or None."""
    start = index + 1
    if start >= len(tokens):
        return None
    if tokens[start].kind == "PUNCT" and tokens[start].text == "(":
        return start, matching_close(tokens, start)
    if tokens[start].kind in ("NAME", "PNAME", "IRI"):
        following = start + 1
        if following < len(tokens) and tokens[following].text == "(":
            return start, matching_close(tokens, following)
        if tokens[start].keyword in ("NOT", "EXISTS"):
            return None
    return None


def is_pushable(tokens: list[Token], certain: set[str]) -> bool:
    """Return True if a filter reads only certain variables and only built-in functions."""
    for position, token in enumerate(tokens):
        if token.kind == "VAR" and token.text[1:] not in certain:
            return False
        if token.keyword in UNSAFE_FILTER_NAMES:
            return False
        if token.kind == "PUNCT" and token.text == "{":
            return False
        next_is_call = position + 1 < len(tokens) and tokens[position + 1].text == "("
        if token.kind in ("PNAME", "IRI") and next_is_call:
            return False
    return True


def group_filters(tokens: list[Token], open_index: int) -> list[tuple[int, int]]:
    """Return the token ranges of the FILTER constraints directly inside a group."""
    close = matching_close(tokens, open_index)
    ranges = []
    index = open_index + 1
    while index < close:
        token = tokens[index]
        if token.keyword == "FILTER":
            expression = filter_expression(tokens, index)
            if expression is not None:
                ranges.append(expression)
                index = expression[1] + 1
                continue
        if token.kind == "PUNCT" and token.text in "{([":
            index = matching_close(tokens, index) + 1
            continue
        index += 1
    return ranges


def parse_query(text: str) -> ParsedQuery:
    """Tokenize a query and find its outermost SERVICE blocks."""
    tokens = tokenize(text)
    prologue, prefixes, base, body_index = read_prologue(tokens, text)

    form = ""
    select_star = False
    for index in range(body_index, len(tokens)):
        keyword = tokens[index].keyword
        if not form and keyword in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            form = keyword
        if keyword in ("SELECT", "DESCRIBE", "DISTINCT", "REDUCED"):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if following is not None and following.text == "*":
                select_star = True
    if not form:
        raise QuerySyntaxError("no query form found: the query must be a SELECT, CONSTRUCT, ASK or DESCRIBE")

    enclosing: list[int] = []
    frames: list[GroupFrame] = []
    path: list[tuple[int, int]] = []
    services: list[ServiceBlock] = []
    index = body_index
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "PUNCT" and token.text == "{":
            path.append(frames[-1].enter_group() if frames else (0, 0))
            frames.append(GroupFrame())
            enclosing.append(index)
        elif token.kind == "PUNCT" and token.text == "}":
            if enclosing:
                enclosing.pop()
                frames.pop()
                path.pop()
        elif token.keyword == "UNION" and frames:
            frames[-1].after_union = True
        elif token.keyword == "SERVICE":
            block, index = read_service(tokens, index, text, prefixes, base, len(services))
            if frames:
                block.path = (*path, frames[-1].enter_element())
            if enclosing:
                block.filters = pushable_filters(tokens, enclosing[-1], block, text)
            services.append(block)
            continue
        elif frames:
            frames[-1].after_union = False
        index += 1

    return ParsedQuery(text, tokens, prologue, prefixes, base, form, select_star, services, body_index)


def read_service(
    tokens: list[Token],
    index: int,
    text: str,
    prefixes: dict[str, str],
    base: str | None,
    number: int,
) -> tuple[ServiceBlock, int]:
    """Read one SERVICE block starting at index; return it and the index after it."""
    start_token = tokens[index]
    position = index + 1
    silent = position < len(tokens) and tokens[position].keyword == "SILENT"
    if silent:
        position += 1
    if position >= len(tokens):
        raise QuerySyntaxError(f"SERVICE at offset {start_token.start} has no endpoint")

    target = tokens[position]
    endpoint = variable = None
    if target.kind == "VAR":
        variable = target.text[1:]
    elif target.kind in ("IRI", "PNAME"):
        endpoint = resolve_term(target, prefixes, base)
    else:
        raise QuerySyntaxError(f"SERVICE needs an IRI or a variable, found {target.text!r}")

    open_index = position + 1
    if open_index >= len(tokens) or tokens[open_index].text != "{":
        raise QuerySyntaxError(f"SERVICE {target.text} must be followed by '{{'")
    close_index = matching_close(tokens, open_index)

    body_tokens = tokens[open_index + 1 : close_index]
    variables = sorted({t.text[1:] for t in body_tokens if t.kind == "VAR"})
    block = ServiceBlock(
        index=number,
        start=start_token.start,
        end=tokens[close_index].end,
        body=text[tokens[open_index].end : tokens[close_index].start],
        silent=silent,
        endpoint=endpoint,
        variable=variable,
        variables=variables,
        certain_variables=certain_variables(body_tokens),
    )
    return block, close_index + 1


def pushable_filters(tokens: list[Token], group_open: int, block: ServiceBlock, text: str) -> list[str]:
    """Return the text of the enclosing group's FILTERs that may run inside the block.

    A FILTER in a group applies to every solution of the group, and every
    solution contains one solution of the SERVICE block. When the filter reads
    only variables that the block certainly binds, it has the same value on
    the block's solution as on the joined one, so the endpoint may apply it.
    The executor still keeps the filter in the local query.
    """
    if block.variable is not None:
        return []
    pushed = []
    for first, last in group_filters(tokens, group_open):
        expression = tokens[first : last + 1]
        if is_pushable(expression, block.certain_variables):
            pushed.append(text[tokens[first].start : tokens[last].end])
    return pushed
