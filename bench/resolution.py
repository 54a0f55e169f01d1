"""Benchmark compatibility resolution on the real example providers and on a synthetic catalogue.

Real set: the provider manifests in examples/providers/ (parsed, validated with
the SHACL shapes, loaded) and every consumer manifest in examples/consumers/.
Synthetic set: PROVIDERS providers with OFFERINGS offerings each, written as
N-Triples with example.org IRIs. Each offering's values (vCPU, memory, GPU,
price) come from a random row of examples/data/providers/offerings_normalized.csv,
and each provider gets random regions, certification claims and delivery tools
drawn from the real files, so the value distributions match the real set.

Per consumer it reports wall-clock and CPU milliseconds for parsing and
validating the consumer manifest, and for the resolver's steps: reading the
requirements, evaluating them ("query"), ranking and explaining ("rank"). It
times a full resolution (every offering explained) and one with ``top=10``
(what a UI shows). The resolver keeps the consumer-independent facts of a store until it
changes, so the first resolution after loading is timed on its own ("first
resolution") and the per-consumer medians are taken after it. Run:

    .venv/bin/python bench/resolution.py [--providers 100] [--offerings 1000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import statistics
import time
from pathlib import Path

import pyoxigraph as ox

from mpli_graph.importers.gpus import parse_gpu
from mpli_graph.manifest import parse_file
from mpli_graph.manifest.validate import validate
from mpli_graph.resolution import resolve
from mpli_graph.resources import EXAMPLES_DIR
from mpli_graph.store import ManifestStore

MPLI = "https://w3id.org/mpli#"
XSD = "http://www.w3.org/2001/XMLSchema#"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
CURRENCY = "http://publications.europa.eu/resource/authority/currency/"
MCERT = "https://w3id.org/mpli/certification-scheme/"
MSTATUS = "https://w3id.org/mpli/claim-status/"
MTOOL = "https://w3id.org/mpli/delivery-tool/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

ISO2_TO_ISO3 = {
    "AT": "AUT", "AU": "AUS", "BG": "BGR", "CA": "CAN", "CH": "CHE", "DE": "DEU", "DK": "DNK", "ES": "ESP",
    "FI": "FIN", "FR": "FRA", "GB": "GBR", "IN": "IND", "IT": "ITA", "NL": "NLD", "NO": "NOR", "PL": "POL",
    "SE": "SWE", "SG": "SGP", "US": "USA",
}
SCHEMES = ["iso-iec-27001", "iso-iec-27017", "iso-iec-27018", "bsi-c5-type-1", "bsi-c5", "hds", "secnumcloud", "soc-2"]
STATUSES = ["self-declared", "third-party", "registry", "referenced"]


def timed(function, *args, **kwargs):
    """Call ``function`` and return its result with wall-clock and CPU milliseconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def literal(value: str, datatype: str = "decimal") -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def synthetic_provider(index: int, offerings: int, rows: list[dict], countries: list[str], rng: random.Random) -> str:
    """Return one synthetic provider manifest as N-Triples."""
    base = f"https://example.org/synthetic/p{index}"
    provider = f"<{base}>"
    lines = [
        f"{provider} <{RDF_TYPE}> <{MPLI}Provider> .",
        f'{provider} <http://www.w3.org/2000/01/rdf-schema#label> "Synthetic provider {index} (example)" .',
    ]
    for region_index, country in enumerate(rng.sample(countries, rng.randint(1, 4))):
        region = f"<{base}/region/{region_index}>"
        lines += [
            f"{provider} <{MPLI}operatesLocation> {region} .",
            f"{region} <{RDF_TYPE}> <{MPLI}Region> .",
            f"{region} <{MPLI}country> <{COUNTRY}{country}> .",
        ]
    for claim_index, scheme in enumerate(rng.sample(SCHEMES, rng.randint(0, 3))):
        claim = f"<{base}/claim/{claim_index}>"
        lines += [
            f"{provider} <{MPLI}certification> {claim} .",
            f"{claim} <{RDF_TYPE}> <{MPLI}Certification> .",
            f"{claim} <{MPLI}scheme> <{MCERT}{scheme}> .",
            f"{claim} <{MPLI}claimStatus> <{MSTATUS}{rng.choice(STATUSES)}> .",
        ]
    if rng.random() < 0.7:
        lines += [
            f"{provider} <{MPLI}delivery> <{base}/delivery> .",
            f"<{base}/delivery> <{RDF_TYPE}> <{MPLI}TerraformDelivery> .",
            f"<{base}/delivery> <{MPLI}deliveryTool> <{MTOOL}opentofu> .",
        ]

    for offering_index in range(offerings):
        row = rng.choice(rows)
        offering = f"<{base}/offering/{offering_index}>"
        lines += [
            f"{offering} <{RDF_TYPE}> <{MPLI}ComputeOffering> .",
            f"{offering} <{MPLI}offeredBy> {provider} .",
            f'{offering} <{MPLI}offeringId> "{row["offering_id"]}" .',
        ]
        if row["vcpus"]:
            lines.append(f"{offering} <{MPLI}vcpuCount> {literal(row['vcpus'].replace(',', ''))} .")
        if row["ram_gib"]:
            lines.append(f"{offering} <{MPLI}memorySize> {literal(row['ram_gib'].replace(',', ''))} .")
        if row["gpu_model"]:
            gpu = parse_gpu(row["gpu_model"])
            lines.append(f'{offering} <{MPLI}gpuModel> "{gpu.model}" .')
            lines.append(f"{offering} <{MPLI}gpuCount> {literal(row['gpu_count'] or str(gpu.count or 0))} .")
        if row["country_iso2"] in ISO2_TO_ISO3 and rng.random() < 0.5:
            region = f"<{base}/region/own-{offering_index}>"
            lines += [
                f"{offering} <{MPLI}location> {region} .",
                f"{region} <{RDF_TYPE}> <{MPLI}Region> .",
                f"{region} <{MPLI}country> <{COUNTRY}{ISO2_TO_ISO3[row['country_iso2']]}> .",
            ]
        if row["price_per_hour_normalized"]:
            price = f"<{base}/offering/{offering_index}/price>"
            lines += [
                f"{offering} <{MPLI}price> {price} .",
                f"{price} <{RDF_TYPE}> <{MPLI}PriceSpecification> .",
                f"{price} <{MPLI}amount> {literal(row['price_per_hour_normalized'])} .",
                f"{price} <{MPLI}priceUnit> <{MPLI}PerHour> .",
            ]
            if row["currency"] == "EUR":
                lines.append(f"{price} <{MPLI}currency> <{CURRENCY}EUR> .")
    return "\n".join(lines) + "\n"


def bench_consumers(store: ManifestStore, repeats: int) -> list[dict]:
    """Resolve every example consumer ``repeats`` times, in full and with top=10, and return median timings."""
    results = []
    for path in sorted((EXAMPLES_DIR / "consumers").glob("*.ttl")):
        samples: dict[str, list[float]] = {}
        for _ in range(repeats):
            graph, parse_ms, parse_cpu = timed(parse_file, path)
            _, validate_ms, validate_cpu = timed(validate, graph)
            resolution, resolve_ms, resolve_cpu = timed(resolve, store, graph)
            _, top_ms, top_cpu = timed(resolve, store, graph, top=10)
            for key, value in (
                ("parse", parse_ms), ("validate", validate_ms), ("resolve", resolve_ms), ("resolve_cpu", resolve_cpu),
                ("top", top_ms), ("top_cpu", top_cpu), *resolution.timings.items(),
            ):
                samples.setdefault(key, []).append(value)
        medians = {key: statistics.median(values) for key, values in samples.items()}
        medians["consumer"] = path.stem
        medians["compatible"] = resolution.compatible_total
        medians["offerings"] = resolution.offering_count
        results.append(medians)
    return results


def first_resolution(store: ManifestStore) -> str:
    """Time the first resolution after loading, which reads the store's facts, and describe it."""
    path = EXAMPLES_DIR / "consumers" / "startup-small.ttl"
    _, wall, cpu = timed(resolve, store, parse_file(path), top=10)
    return f"first resolution ({path.stem}, top=10, reads the store's facts): {wall:,.0f} ms wall, {cpu:,.0f} ms CPU"


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print("| consumer | offerings | compatible | parse | validate | read | query | rank | all wall | all CPU "
          "| top 10 wall | top 10 CPU |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['consumer']} | {row['offerings']:,} | {row['compatible']:,} | {row['parse']:.0f} | "
            f"{row['validate']:.0f} | {row['read']:.1f} | {row['query']:,.0f} | {row['rank']:,.0f} | "
            f"{row['resolve']:,.0f} | {row['resolve_cpu']:,.0f} | {row['top']:,.0f} | {row['top_cpu']:,.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=100, help="synthetic providers (default 100)")
    parser.add_argument("--offerings", type=int, default=1000, help="offerings per synthetic provider (default 1000)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per consumer; the median is reported (default 5)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the synthetic catalogue (default 7)")
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, {platform.machine()}, "
          f"{platform.processor() or 'unknown CPU'}")

    # Real set: parse, validate and load every example provider.
    store = ManifestStore()
    provider_files = sorted((EXAMPLES_DIR / "providers").glob("*.ttl"))
    wall, cpu = time.perf_counter(), time.process_time()
    validate_ms = 0.0
    for path in provider_files:
        graph = parse_file(path)
        _, milliseconds, _ = timed(validate, graph)
        validate_ms += milliseconds
        store.load_source(path.resolve().as_uri(), path)
    print(f"Real set: {len(provider_files)} provider files, parse + validate + load "
          f"{(time.perf_counter() - wall):.1f} s wall ({time.process_time() - cpu:.1f} s CPU), "
          f"of which validation {validate_ms / 1000:.1f} s")
    print(first_resolution(store))
    print_table("Real set, median milliseconds per consumer", bench_consumers(store, args.repeats))

    # Synthetic set.
    with open(EXAMPLES_DIR / "data" / "providers" / "offerings_normalized.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(args.seed)
    countries = sorted(ISO2_TO_ISO3.values())
    documents = [synthetic_provider(i, args.offerings, rows, countries, rng) for i in range(args.providers)]

    synthetic = ManifestStore()
    wall, cpu = time.perf_counter(), time.process_time()
    for index, document in enumerate(documents):
        synthetic.load_source(
            f"https://example.org/synthetic/source/{index}", document.encode(), format=ox.RdfFormat.N_TRIPLES
        )
    triples = sum(record.triple_count for record in synthetic.sources())
    print(f"\nSynthetic set: {args.providers} providers x {args.offerings} offerings, {triples:,} triples, "
          f"load {(time.perf_counter() - wall):.1f} s wall ({time.process_time() - cpu:.1f} s CPU)")
    print(first_resolution(synthetic))
    print_table("Synthetic set, median milliseconds per consumer", bench_consumers(synthetic, args.repeats))


if __name__ == "__main__":
    main()
