"""Resolve the example consumer manifests against the real provider manifests.

Each consumer gets hand-checked offerings that must be compatible and offerings
that must not be, with the requirement that fails. Where a consumer's needs can
be read off the normalised CSV files in examples/data/providers/, the set of
compatible compute offerings is also computed here in plain Python from those
files and compared with the resolver's set. Offerings map to CSV rows through
their dcterms:source ("offerings_normalized.csv row N", N the line number).

The CSV computation follows the data model. An offering's country is its row's
country, else that of its zone or region in regions_normalized.csv. A row
without either takes all its provider's regions: it is compatible only when all
of them are allowed. Open Telekom Cloud's regions carry no country in the CSV;
their codes (eu-de, eu-nl, eu-ch2) name it, and its Swiss region counts as its own.
A GPU cell such as "8 x H100 PCIe" gives the GPU count, and whether a GPU is an
H100 or A100 is read from the source text, not from the importer's model table.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
import pytest

from mpli_graph.manifest import parse_file
from mpli_graph.resolution import Resolution, resolve
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore

DATA = EXAMPLES_DIR / "data" / "providers"
CONSUMERS = EXAMPLES_DIR / "consumers"
CATALOG = "https://w3id.org/mpli/catalog/"

EU = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}


@lru_cache(maxsize=1)
def example_store() -> ManifestStore:
    store = ManifestStore()
    for path in sorted((EXAMPLES_DIR / "providers").glob("*.ttl")):
        store.load_source(path.resolve().as_uri(), path)
    return store


@pytest.fixture
def store() -> ManifestStore:
    return example_store()


@lru_cache(maxsize=None)
def resolution_of(name: str) -> Resolution:
    return resolve(example_store(), parse_file(CONSUMERS / f"{name}.ttl"))


def result(resolution: Resolution, offering: str):
    iri = CATALOG + offering
    return next(r for r in resolution.results if r.offering == iri)


def verdict(resolution: Resolution, offering: str, label: str) -> str:
    return next(v.verdict for v in result(resolution, offering).verdicts if v.requirement.label == label)


def failing(resolution: Resolution, offering: str) -> set[str]:
    return {
        v.requirement.label
        for v in result(resolution, offering).verdicts
        if v.requirement.is_must and v.verdict != "satisfied"
    }


# Independent reading of the CSV files.


@lru_cache(maxsize=None)
def offering_rows() -> dict[int, dict[str, str]]:
    with open(DATA / "offerings_normalized.csv", encoding="utf-8") as handle:
        return {line: row for line, row in enumerate(csv.DictReader(handle), start=2)}


@lru_cache(maxsize=None)
def region_countries() -> dict[tuple[str, str], str]:
    """Return the country of each (provider, region or zone id) in regions_normalized.csv."""
    countries: dict[tuple[str, str], str] = {}
    with open(DATA / "regions_normalized.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            provider = row["provider"].removesuffix(" (Swiss)")
            country = row["country_iso2"]
            if not country and provider == "Open Telekom Cloud":
                country = row["region_id"].split("-")[1].upper()[:2]
            if country:
                countries[(provider, row["region_id"].lower())] = country
    return countries


def provider_countries(provider: str) -> set[str]:
    return {country for (name, _), country in region_countries().items() if name == provider}


def row_countries(row: dict[str, str]) -> set[str]:
    """Return the countries an offering row may run in: its own, its zone's or region's, else its provider's."""
    if row["country_iso2"]:
        return {row["country_iso2"]}
    for place in (row["zone"], row["region"]):
        country = region_countries().get((row["provider"], place.lower()))
        if place and country:
            return {country}
    return provider_countries(row["provider"])


@lru_cache(maxsize=None)
def claims() -> list[dict[str, str]]:
    with open(DATA / "certification_claims.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def providers_claiming(pattern: str) -> set[str]:
    names = {row["provider"] for row in claims() if re.search(pattern, row["certification_or_label"])}
    # The claims file names Hetzner's company, the offerings file its cloud.
    return {"Hetzner Cloud" if name == "Hetzner Online" else name for name in names}


def located_in(row: dict[str, str], allowed: set[str]) -> bool:
    countries = row_countries(row)
    return bool(countries) and countries <= allowed


def number(text: str) -> float:
    return float(text.replace(",", "")) if text else float("nan")


def csv_compatible(predicate) -> set[int]:
    return {line for line, row in offering_rows().items() if predicate(row)}


def csv_lines(store: ManifestStore) -> dict[str, int]:
    """Return the CSV line of each offering that comes from offerings_normalized.csv."""
    rows = store.select(
        """SELECT ?offering ?source WHERE {
             ?offering <https://w3id.org/mpli#offeredBy> ?p ; <http://purl.org/dc/terms/source> ?source .
             FILTER(STRSTARTS(STR(?source), "offerings_normalized.csv row "))
           }"""
    )
    return {r["offering"].value: int(r["source"].value.split()[2]) for r in rows}


def resolver_compatible_rows(store: ManifestStore, resolution: Resolution) -> set[int]:
    """Return the CSV lines of the compatible offerings that come from offerings_normalized.csv."""
    line_of = csv_lines(store)
    return {line_of[r.offering] for r in resolution.results if r.compatible and r.offering in line_of}


# German public sector: BSI C5 at least third-party, data in Germany, 8 vCPU, 32 GiB.


def test_german_public_sector_none_compatible():
    resolution = resolution_of("german-public-sector")
    assert resolution.compatible_total == 0


def test_german_public_sector_telekom_location_unknown():
    resolution = resolution_of("german-public-sector")
    offering = "open-telekom-cloud/offering/c3.15xlarge.2"
    assert verdict(resolution, offering, "BSI C5") == "satisfied"
    assert verdict(resolution, offering, "vCPU") == "satisfied"
    assert failing(resolution, offering) == {"data in Germany"}
    assert verdict(resolution, offering, "data in Germany") == "unknown"


def test_german_public_sector_scaleway_fails_c5_and_germany():
    resolution = resolution_of("german-public-sector")
    assert failing(resolution, "scaleway/offering/fr-par-1/pop2-8c-32g") == {"BSI C5", "data in Germany"}


def test_german_public_sector_csv_agrees(store):
    c5 = providers_claiming(r"C5")
    expected = csv_compatible(
        lambda row: row["provider"] in c5
        and located_in(row, {"DE"})
        and number(row["vcpus"]) >= 8
        and number(row["ram_gib"]) >= 32
    )
    assert expected == resolver_compatible_rows(store, resolution_of("german-public-sector")) == set()


# Health data in France: HDS and France must; a confirmed claim, 4 vCPU and 8 GiB should.


def test_health_data_scaleway_paris_compatible():
    resolution = resolution_of("health-data-france")
    assert result(resolution, "scaleway/offering/fr-par-1/dev1-l").compatible
    assert verdict(resolution, "scaleway/offering/fr-par-1/dev1-l", "HDS confirmed by a third party") == "violated"


def test_health_data_scaleway_amsterdam_not_in_france():
    resolution = resolution_of("health-data-france")
    assert failing(resolution, "scaleway/offering/nl-ams-2/dev1-l") == {"data in France"}


def test_health_data_hetzner_lacks_hds():
    resolution = resolution_of("health-data-france")
    assert "HDS" in failing(resolution, "hetzner-cloud/offering/cx22")


def test_health_data_csv_agrees(store):
    hds = providers_claiming(r"HDS")
    expected = csv_compatible(lambda row: row["provider"] in hds and located_in(row, {"FR"}))
    assert expected
    assert resolver_compatible_rows(store, resolution_of("health-data-france")) == expected


# GPU training in the EU: H100 or A100, at least one GPU, EU, at most 4 EUR per hour.


def csv_gpu(row: dict[str, str]) -> tuple[str, float]:
    """Return the GPU text of a row without a leading "N x ", and the GPU count (from that prefix if any)."""
    match = re.fullmatch(r"(\d+) x (.+)", row["gpu_model"])
    if match:
        return match[2], float(match[1])
    return row["gpu_model"], number(row["gpu_count"])


def is_h100_or_a100(text: str) -> bool:
    """Return whether a GPU text, as the source writes it, names an H100 or A100 (not H200, A10 or A40)."""
    return re.search(r"\b[HA]100\b", text) is not None


def gpu_in_eu(row: dict[str, str]) -> bool:
    model, count = csv_gpu(row)
    return is_h100_or_a100(model) and count >= 1 and located_in(row, EU)


def resolver_rows_where(store: ManifestStore, resolution: Resolution, label: str) -> set[int]:
    """Return the CSV lines of the offerings whose verdict on requirement ``label`` is satisfied."""
    line_of = csv_lines(store)
    return {
        line_of[r.offering]
        for r in resolution.results
        if r.offering in line_of
        and any(v.requirement.label == label and v.verdict == "satisfied" for v in r.verdicts)
    }


def test_gpu_model_found_in_every_catalogue(store):
    expected = csv_compatible(lambda row: is_h100_or_a100(csv_gpu(row)[0]))
    providers = {offering_rows()[line]["provider"] for line in expected}
    assert providers == {"Nebius", "Open Telekom Cloud", "OVHcloud", "Seeweb"}
    assert resolver_rows_where(store, resolution_of("gpu-training-eu"), "H100 or A100 GPU") == expected


def test_gpu_count_from_model_cell(store):
    expected = csv_compatible(lambda row: csv_gpu(row)[1] >= 1)
    assert resolver_rows_where(store, resolution_of("gpu-training-eu"), "GPUs") == expected


def test_gpu_otc_h100_fails_only_location():
    resolution = resolution_of("gpu-training-eu-flexible")
    offering = "open-telekom-cloud/offering/p5s.5xlarge.12"
    assert verdict(resolution, offering, "H100 or A100 GPU") == "satisfied"
    assert verdict(resolution, offering, "GPUs") == "satisfied"
    assert failing(resolution, offering) == {"in the EU"}
    assert verdict(resolution, offering, "in the EU") == "unknown"


def test_gpu_price_without_currency_blocks_ovh():
    resolution = resolution_of("gpu-training-eu")
    offering = "ovhcloud/offering/gra11/a100-180"
    assert failing(resolution, offering) == {"at most 4 EUR per hour"}
    assert verdict(resolution, offering, "at most 4 EUR per hour") == "unknown"


def test_gpu_nebius_location_unknown():
    resolution = resolution_of("gpu-training-eu-flexible")
    assert failing(resolution, "nebius/offering/eu-north1/gpu-h100-sxm_1gpu-16vcpu-200gb") == {"in the EU"}


def test_gpu_csv_agrees(store):
    expected = csv_compatible(
        lambda row: gpu_in_eu(row)
        and row["currency"] == "EUR"
        and "stale" not in row["price_basis"]
        and number(row["price_per_hour_normalized"]) <= 4
    )
    assert resolver_compatible_rows(store, resolution_of("gpu-training-eu")) == expected


def test_gpu_flexible_ovh_compatible():
    resolution = resolution_of("gpu-training-eu-flexible")
    assert result(resolution, "ovhcloud/offering/gra11/a100-180").compatible


def test_gpu_flexible_csv_agrees(store):
    expected = csv_compatible(gpu_in_eu)
    assert expected
    assert resolver_compatible_rows(store, resolution_of("gpu-training-eu-flexible")) == expected


# SCS-4V-16: exactly 4 vCPU and 16 GiB, EU, ISO/IEC 27001.


def test_scs_hetzner_location_unknown():
    resolution = resolution_of("scs-4v-16")
    assert failing(resolution, "hetzner-cloud/offering/cx41") == {"in the EU"}


def test_scs_scaleway_lacks_iso():
    resolution = resolution_of("scs-4v-16")
    assert failing(resolution, "scaleway/offering/fr-par-1/pop2-4c-16g") == {"ISO/IEC 27001"}


def test_scs_csv_agrees(store):
    iso = providers_claiming(r"^ISO/IEC 27001")
    expected = csv_compatible(
        lambda row: row["provider"] in iso
        and number(row["vcpus"]) == 4
        and number(row["ram_gib"]) == 16
        and located_in(row, EU)
    )
    assert resolver_compatible_rows(store, resolution_of("scs-4v-16")) == expected


# Small start-up: 2 vCPU, 4 GiB, EU; cheap and S3 are preferences.


def test_startup_cheapest_first():
    resolution = resolution_of("startup-small")
    compatible = resolution.compatible
    prices = [r.hourly_price for r in compatible if r.score == compatible[0].score and r.hourly_price is not None]
    assert prices == sorted(prices)
    assert compatible[0].offering == CATALOG + "scaleway/offering/fr-par-1/dev1-m"


def test_startup_small_memory_fails():
    resolution = resolution_of("startup-small")
    assert failing(resolution, "scaleway/offering/fr-par-1/dev1-s") == {"memory"}


def test_startup_upcloud_has_s3():
    resolution = resolution_of("startup-small")
    upcloud = "upcloud/offering/de-fra1/2xcpu-4gb"
    assert result(resolution, upcloud).compatible
    assert verdict(resolution, upcloud, "S3-compatible object storage") == "satisfied"
    assert verdict(resolution, "scaleway/offering/fr-par-1/dev1-m", "S3-compatible object storage") == "violated"


def test_startup_s3_csv_agrees(store):
    with open(DATA / "providers_overview.csv", encoding="utf-8") as handle:
        s3 = {
            row["provider"]
            for row in csv.DictReader(handle)
            if re.search(r"\bS3\b", row["api_compatibility_evidenced"]) and "?" not in row["api_compatibility_evidenced"]
        }
    assert s3 == {"UpCloud", "Exoscale"}
    expected = csv_compatible(lambda row: row["provider"] in s3)
    assert resolver_rows_where(store, resolution_of("startup-small"), "S3-compatible object storage") == expected


def test_startup_csv_agrees(store):
    expected = csv_compatible(
        lambda row: number(row["vcpus"]) >= 2 and number(row["ram_gib"]) >= 4 and located_in(row, EU)
    )
    assert resolver_compatible_rows(store, resolution_of("startup-small")) == expected


# Kubernetes with OpenTofu in the EU or EEA.


def test_kubernetes_only_kapsule_compatible():
    resolution = resolution_of("kubernetes-opentofu")
    assert [r.offering for r in resolution.compatible] == [CATALOG + "scaleway/offering/fr-par/kapsule"]
    assert verdict(resolution, "scaleway/offering/fr-par/kapsule", "Kubernetes 1.30 or newer") == "satisfied"


def test_kubernetes_compute_offering_not_kubernetes():
    resolution = resolution_of("kubernetes-opentofu")
    assert failing(resolution, "scaleway/offering/fr-par-1/dev1-m") == {"managed Kubernetes"}


def test_every_example_consumer_covered():
    names = {path.stem for path in CONSUMERS.glob("*.ttl")}
    assert names == {
        "german-public-sector", "health-data-france", "gpu-training-eu", "gpu-training-eu-flexible",
        "scs-4v-16", "startup-small", "kubernetes-opentofu",
    }
