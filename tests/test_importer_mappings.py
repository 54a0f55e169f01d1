"""Tests of the importer's mapping tables: claim statuses, schemes, evidence, numbers, IRIs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mpli_graph.errors import InputError
from mpli_graph.importers.catalog import decimal_literal, slugify
from mpli_graph.importers.certifications import CLAIM_STATUSES, evidence_urls, schemes_of
from mpli_graph.importers.countries import country_iri
from mpli_graph.importers.sources import CsvRow

STATUS = "https://w3id.org/mpli/claim-status/"


@pytest.mark.parametrize(
    ("source_status", "expected"),
    [
        ("claimed by vendor", "self-declared"),
        ("third-party statement", "third-party"),
        ("listed in label registry", "registry"),
        ("certified", "registry"),
        ("recorded by open dataset", "self-declared"),
        ("in progress (not qualified)", "in-progress"),
        ("referenced (url only)", "referenced"),
        ("documented shared-responsibility for hds", "referenced"),
    ],
)
def test_claim_status_mapping(source_status, expected):
    assert str(CLAIM_STATUSES[source_status]) == STATUS + expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("SOC 1 / SOC 2 / SOC 3 (SSAE18 Type 2)", ("soc-1", "soc-2", "soc-3")),
        ("ISO/IEC 27001:2013", ("iso-iec-27001",)),
        ("ISO/IEC 27018:2019", ("iso-iec-27018",)),
        ("PCI DSS AOC", ("pci-dss",)),
        ("HDS (health data hosting)", ("hds",)),
        ("SecNumCloud 3.2", ("secnumcloud",)),
        ("BSI C5 Type 1", ("bsi-c5-type-1",)),
        ("BSI C5 (ISAE 3000)", ("bsi-c5",)),
        ("CSA STAR Level 2", ("csa-star-level-2",)),
        ("SCS-compatible IaaS + KaaS (certified)", ("scs-compatible-iaas", "scs-compatible-kaas")),
        ("SCS-compatible KaaS (certified)", ("scs-compatible-kaas",)),
        ("TÜV Rheinland TOM audit (Art. 32 GDPR)", ()),
        ("SLA availability 99.9 %", ()),
    ],
)
def test_scheme_of_label(label, expected):
    assert schemes_of(label) == expected


def test_evidence_urls_drop_truncated():
    text = "https://www.clubic.com/actualite-591883-... ; https://fra-vps.com/en/blog/secnumcloud-explained/"

    assert evidence_urls(text) == ["https://fra-vps.com/en/blog/secnumcloud-explained/"]
    assert evidence_urls("SpareCores/sc-crawler src/sc_crawler/vendors/_hcloud.py @4bcc0b18") == []


def test_country_codes():
    assert str(country_iri("de", "test")).endswith("/country/DEU")
    assert str(country_iri("GB", "test")).endswith("/country/GBR")
    with pytest.raises(InputError, match="unknown country code 'XX'"):
        country_iri("XX", "regions_normalized.csv row 2")


def test_decimal_with_thousands_separator():
    row = CsvRow(file="offerings_normalized.csv", line=986, values={"ram_gib": "1,024", "vcpus": ""})

    assert row.decimal("ram_gib") == Decimal(1024)
    assert row.decimal("vcpus") is None


def test_decimal_rejects_text():
    row = CsvRow(file="offerings_normalized.csv", line=7, values={"price": "0,5 EUR"})

    with pytest.raises(InputError, match="line 7: column 'price' has '0,5 EUR'"):
        row.decimal("price")


def test_decimal_literal_has_no_exponent():
    assert str(decimal_literal(Decimal("1E+3"))) == "1000"
    assert str(decimal_literal(Decimal("0.5"))) == "0.5"


@pytest.mark.parametrize(
    ("identifier", "segment"),
    [
        ("GP1-XS", "gp1-xs"),
        ("S.mem+", "s.mem-plus"),
        ("de/fra/2", "de-fra-2"),
        ("cpu-d3_4vcpu-16gb", "cpu-d3_4vcpu-16gb"),
        ("Cloud&Heat IaaS", "cloud-and-heat-iaas"),
    ],
)
def test_slugify(identifier, segment):
    assert slugify(identifier) == segment
