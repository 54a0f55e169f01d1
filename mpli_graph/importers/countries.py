"""Convert ISO 3166-1 alpha-2 country codes to EU Publications Office country IRIs.

The EU country authority names countries by their alpha-3 code
(``country:DEU``). The table covers the EU and EEA members, Switzerland, the
United Kingdom and the other countries where the imported providers run
locations. An unknown code raises :class:`InputError` rather than guessing.
"""

from __future__ import annotations

from rdflib import URIRef

from mpli_graph.errors import InputError
from mpli_graph.importers.terms import COUNTRY

ALPHA3_BY_ALPHA2: dict[str, str] = {
    "AT": "AUT", "AU": "AUS", "BE": "BEL", "BG": "BGR", "CA": "CAN", "CH": "CHE",
    "CY": "CYP", "CZ": "CZE", "DE": "DEU", "DK": "DNK", "EE": "EST", "ES": "ESP",
    "FI": "FIN", "FR": "FRA", "GB": "GBR", "GR": "GRC", "HR": "HRV", "HU": "HUN",
    "IE": "IRL", "IN": "IND", "IS": "ISL", "IT": "ITA", "JP": "JPN", "LI": "LIE",
    "LT": "LTU", "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "NO": "NOR",
    "PL": "POL", "PT": "PRT", "RO": "ROU", "SE": "SWE", "SG": "SGP", "SI": "SVN",
    "SK": "SVK", "US": "USA",
}  # fmt: skip


def country_iri(alpha2: str, context: str) -> URIRef:
    """Return the ``country:`` IRI for an alpha-2 code; ``context`` names the value's source."""
    code = alpha2.strip().upper()
    try:
        return COUNTRY[ALPHA3_BY_ALPHA2[code]]
    except KeyError:
        raise InputError(
            f"{context}: unknown country code {alpha2!r}; use an ISO 3166-1 alpha-2 code "
            "or add it to ALPHA3_BY_ALPHA2 in mpli_graph/importers/countries.py"
        ) from None
