"""Namespaces and fixed terms that the provider importers write.

The IRIs follow docs/vocabulary.md. Importers mint their own node IRIs under
:data:`CATALOG`, one folder per provider slug.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, XSD

MPLI = Namespace("https://w3id.org/mpli#")
MCERT = Namespace("https://w3id.org/mpli/certification-scheme/")
MSTATUS = Namespace("https://w3id.org/mpli/claim-status/")
MFORMAT = Namespace("https://w3id.org/mpli/format/")
MAPI = Namespace("https://w3id.org/mpli/api/")
MPLATFORM = Namespace("https://w3id.org/mpli/platform/")
MARCH = Namespace("https://w3id.org/mpli/cpu-architecture/")
MTOOL = Namespace("https://w3id.org/mpli/delivery-tool/")
MDB = Namespace("https://w3id.org/mpli/database-engine/")
COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
CRED = Namespace("https://www.w3.org/2018/credentials#")
SCHEMA = Namespace("https://schema.org/")
CATALOG = "https://w3id.org/mpli/catalog/"

PREFIXES: dict[str, Namespace] = {
    "mpli": MPLI,
    "mcert": MCERT,
    "mstatus": MSTATUS,
    "mformat": MFORMAT,
    "mapi": MAPI,
    "mplatform": MPLATFORM,
    "march": MARCH,
    "mtool": MTOOL,
    "mdb": MDB,
    "country": COUNTRY,
    "currency": CURRENCY,
    "cred": CRED,
    "schema": SCHEMA,
    "dcterms": Namespace(str(DCTERMS)),
    "dcat": Namespace(str(DCAT)),
    "skos": Namespace(str(SKOS)),
    "rdfs": Namespace(str(RDFS)),
    "rdf": Namespace(str(RDF)),
    "xsd": Namespace(str(XSD)),
}

CC_BY_SA_4 = "https://creativecommons.org/licenses/by-sa/4.0/"

__all__ = [
    "CATALOG",
    "CC_BY_SA_4",
    "COUNTRY",
    "CRED",
    "CURRENCY",
    "MAPI",
    "MARCH",
    "MCERT",
    "MDB",
    "MFORMAT",
    "MPLATFORM",
    "MPLI",
    "MSTATUS",
    "MTOOL",
    "PREFIXES",
    "SCHEMA",
]
