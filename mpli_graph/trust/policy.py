"""Trust policies: which credential issuers a consumer or marketplace trusts, per kind of claim.

A policy is a list of rules, each an ``mpli:TrustPolicy`` node in Turtle::

    @prefix mpli: <https://w3id.org/mpli#> .
    @prefix mcert: <https://w3id.org/mpli/certification-scheme/> .

    <#iso-auditors> a mpli:TrustPolicy ;
        mpli:trustsIssuer <did:web:auditor.example.com> ;
        mpli:forClaimKind mpli:Certification ;
        mpli:scheme mcert:iso-iec-27001 .

or the same in JSON::

    {"trustPolicies": [{"trustsIssuer": ["did:web:auditor.example.com"],
                        "forClaimKind": ["mpli:Certification"],
                        "scheme": ["mcert:iso-iec-27001"]}]}

A rule without ``mpli:forClaimKind`` applies to every kind of claim, and one
without ``mpli:scheme`` to every scheme. Claim kinds are the classes
``mpli:Certification`` and ``mpli:ServiceLevel``, and ``mpli:Provider`` for the
legal identity of a provider. A rule for a scheme also covers its narrower
schemes (``skos:broader``), as a requirement for a scheme does.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

from mpli_graph.errors import InputError, RdfSyntaxError
from mpli_graph.resources import VOCAB_DIR

logger = logging.getLogger(__name__)

MPLI = "https://w3id.org/mpli#"
MCERT = "https://w3id.org/mpli/certification-scheme/"
SKOS_BROADER = "http://www.w3.org/2004/02/skos/core#broader"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

CERTIFICATION = MPLI + "Certification"
SERVICE_LEVEL = MPLI + "ServiceLevel"
LEGAL_IDENTITY = MPLI + "Provider"
CLAIM_KINDS = (CERTIFICATION, SERVICE_LEVEL, LEGAL_IDENTITY)

_PREFIXES = {"mpli:": MPLI, "mcert:": MCERT}


def expand_name(value: str) -> str:
    """Expand the ``mpli:`` and ``mcert:`` prefixes of a name; leave full IRIs unchanged."""
    for prefix, namespace in _PREFIXES.items():
        if value.startswith(prefix):
            return namespace + value[len(prefix):]
    return value


@dataclass(frozen=True)
class TrustRule:
    """Issuers trusted for some claim kinds and schemes (empty sets mean all)."""

    issuers: frozenset[str]
    claim_kinds: frozenset[str] = frozenset()
    schemes: frozenset[str] = frozenset()
    name: str | None = None


@dataclass
class TrustPolicy:
    """A set of trust rules and the scheme hierarchy used to match narrower schemes."""

    rules: list[TrustRule] = field(default_factory=list)
    broader: dict[str, set[str]] = field(default_factory=dict)

    def scheme_and_broader(self, scheme: str) -> set[str]:
        """Return the scheme with every scheme it is transitively narrower than."""
        found, pending = set(), [scheme]
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self.broader.get(current, ()))
        return found

    def trusts(self, issuer: str, claim_kind: str, scheme: str | None = None) -> bool:
        """Return whether some rule trusts the issuer for this claim kind (and scheme)."""
        schemes = self.scheme_and_broader(scheme) if scheme else set()
        for rule in self.rules:
            if issuer not in rule.issuers:
                continue
            if rule.claim_kinds and claim_kind not in rule.claim_kinds:
                continue
            if rule.schemes and not (rule.schemes & schemes):
                continue
            return True
        return False

    def trusted_issuers(self) -> set[str]:
        """Return every issuer that some rule names."""
        return {issuer for rule in self.rules for issuer in rule.issuers}


def scheme_hierarchy(vocab_dir: Path = VOCAB_DIR) -> dict[str, set[str]]:
    """Read ``skos:broader`` links of the certification schemes from the bundled concept scheme."""
    path = vocab_dir / "certification-schemes.ttl"
    broader: dict[str, set[str]] = {}
    if not path.is_file():
        logger.warning("no certification scheme file at %s: narrower schemes will not match broader rules", path)
        return broader
    for triple in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        if triple.predicate.value == SKOS_BROADER:
            broader.setdefault(triple.subject.value, set()).add(triple.object.value)
    return broader


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _strings(rule: dict, name: str, source: str) -> frozenset[str]:
    values = _as_list(rule.get(name, []))
    for value in values:
        if not isinstance(value, str):
            raise InputError(f"{source}: {name} must hold IRIs as strings, found {value!r}")
    return frozenset(expand_name(value) for value in values)


def policy_from_json(document: object, source: str = "trust policy") -> TrustPolicy:
    """Read a trust policy from its JSON form (``{"trustPolicies": [...]}``)."""
    if not isinstance(document, dict) or not isinstance(document.get("trustPolicies"), list):
        raise InputError(f"{source}: expected a JSON object with a list trustPolicies")
    rules = []
    for index, rule in enumerate(document["trustPolicies"]):
        if not isinstance(rule, dict):
            raise InputError(f"{source}: trustPolicies[{index}] must be an object")
        issuers = _strings(rule, "trustsIssuer", source)
        if not issuers:
            raise InputError(f"{source}: trustPolicies[{index}] names no trustsIssuer")
        kinds = _strings(rule, "forClaimKind", source)
        _check_kinds(kinds, source)
        rules.append(TrustRule(issuers, kinds, _strings(rule, "scheme", source), rule.get("id")))
    return TrustPolicy(rules)


def _check_kinds(kinds: frozenset[str], source: str) -> None:
    unknown = kinds - set(CLAIM_KINDS)
    if unknown:
        raise InputError(
            f"{source}: unknown claim kind {', '.join(sorted(unknown))}: use mpli:Certification, "
            "mpli:ServiceLevel or mpli:Provider (legal identity)"
        )


def policy_from_turtle(text: str, source: str = "trust policy") -> TrustPolicy:
    """Read a trust policy from Turtle: one rule per ``mpli:TrustPolicy`` node."""
    try:
        triples = list(pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, base_iri="urn:mpli:policy"))
    except SyntaxError as error:
        raise RdfSyntaxError(source, str(error)) from None

    nodes: dict[object, dict[str, set[str]]] = {}
    for triple in triples:
        values = nodes.setdefault(triple.subject, {})
        values.setdefault(triple.predicate.value, set()).add(triple.object.value)

    rules = []
    for node, values in nodes.items():
        if MPLI + "TrustPolicy" not in values.get(RDF_TYPE, set()):
            continue
        issuers = frozenset(values.get(MPLI + "trustsIssuer", set()))
        if not issuers:
            raise InputError(f"{source}: trust policy {node} names no mpli:trustsIssuer")
        kinds = frozenset(values.get(MPLI + "forClaimKind", set()))
        _check_kinds(kinds, source)
        rules.append(TrustRule(issuers, kinds, frozenset(values.get(MPLI + "scheme", set())), str(node)))
    if not rules:
        raise InputError(f"{source}: no mpli:TrustPolicy node found")
    return TrustPolicy(rules)


def load_policy(path: Path) -> TrustPolicy:
    """Read a trust policy file (``.json`` or Turtle) and attach the scheme hierarchy."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read trust policy {path}: {error.strerror}") from None
    if path.suffix.lower() in (".json", ".jsonld"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(f"trust policy {path} is not JSON: {error}") from None
        policy = policy_from_json(document, str(path))
    else:
        policy = policy_from_turtle(text, str(path))
    policy.broader = scheme_hierarchy()
    return policy
