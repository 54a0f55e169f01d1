"""Map rows of ``offerings_normalized.csv`` to compute offerings with prices.

One row is one instance type in one region or zone, and becomes one offering.
Quantities keep the canonical units of the ontology (vCPU count, RAM in GiB,
local disk in GB). The GPU column is split into a model name and a count
(see :mod:`.gpus`). A price is written only where the row has one; its
currency only where the source states it.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mpli_graph.errors import InputError
from mpli_graph.importers.catalog import ManifestBuilder, decimal_literal
from mpli_graph.importers.gpus import parse_gpu
from mpli_graph.importers.locations import place_offering_row
from mpli_graph.importers.sources import CsvRow
from mpli_graph.importers.terms import CURRENCY, MARCH, MPLI

logger = logging.getLogger(__name__)

OFFERINGS_FILE = "offerings_normalized.csv"
OFFERING_COLUMNS = [
    "provider", "service_type", "offering_id", "region", "zone", "country_iso2",
    "country_basis", "vcpus", "ram_gib", "local_disk_gb", "gpu_count", "gpu_model",
    "cpu_arch", "cpu_allocation", "price", "currency", "price_unit", "price_basis", "status",
    "source_file", "price_per_hour_normalized",
]  # fmt: skip

SERVICE_CLASSES = {
    "compute": MPLI.ComputeOffering,
    "block storage": MPLI.BlockStorageOffering,
    "object storage": MPLI.ObjectStorageOffering,
    "kubernetes": MPLI.KubernetesOffering,
    "database": MPLI.DatabaseOffering,
}
ARCHITECTURES = {
    "x64": MARCH["x86-64"],
    "x86_64": MARCH["x86-64"],
    "x86-64": MARCH["x86-64"],
    "arm64": MARCH.arm64,
    "aarch64": MARCH.arm64,
}
ALLOCATIONS = {"shared": MPLI.SharedCpu, "dedicated": MPLI.DedicatedCpu}
PRICE_UNITS = {"hour": MPLI.PerHour, "minute": MPLI.PerMinute, "month": MPLI.PerMonth}

# Currency column values that state a currency. Every other non-empty value
# ("USD? (SkyPilot convention, not stated)", UpCloud account credits) states none.
STATED_CURRENCIES = {"EUR": "EUR", "USD": "USD", "CHF": "CHF", "GBP": "GBP"}
HISTORIC_MARKERS = ("stale", "historic")


def add_offering_row(builder: ManifestBuilder, row: CsvRow) -> URIRef | None:
    """Add the offering of one CSV row; return ``None`` (with a warning) for a skipped row."""
    kind = SERVICE_CLASSES.get(row["service_type"].lower())
    if kind is None:
        logger.warning(
            "%s skipped: service type %r has no offering class", row.record(), row["service_type"]
        )
        return None
    if not row["offering_id"]:
        logger.warning("%s skipped: the row has no offering_id", row.record())
        return None

    location_code = row["zone"] or row["region"]
    path = (location_code, row["offering_id"]) if location_code else (row["offering_id"],)
    where = f" in {location_code}" if location_code else ""
    origin = row["source_file"]
    offering = builder.add_offering(
        kind,
        path,
        row["offering_id"],
        f"{builder.entry.label} {row['offering_id']}{where}",
        f"{row.record()} from {origin}",
        (OFFERINGS_FILE, origin),
    )

    add_specification(builder, offering, row)

    location = place_offering_row(builder, row)
    if location is not None:
        builder.graph.add((offering, MPLI.location, location))

    if row["status"]:
        builder.graph.add((offering, MPLI.status, Literal(row["status"])))

    add_price(builder, offering, row)
    return offering


def add_specification(builder: ManifestBuilder, offering: URIRef, row: CsvRow) -> None:
    """Add vCPU, memory, disk, GPU, architecture and CPU allocation where the row states them."""
    graph = builder.graph
    builder.add_quantity(offering, MPLI.vcpuCount, row.decimal("vcpus"))
    builder.add_quantity(offering, MPLI.memorySize, row.decimal("ram_gib"))
    builder.add_quantity(offering, MPLI.localDiskSize, row.decimal("local_disk_gb"))
    add_gpu(builder, offering, row)

    arch = row["cpu_arch"]
    if arch:
        term = ARCHITECTURES.get(arch.lower())
        if term is None:
            raise InputError(
                f"{row.record()}: unknown cpu_arch {arch!r}; use one of "
                f"{', '.join(sorted(ARCHITECTURES))} or leave it empty"
            )
        graph.add((offering, MPLI.cpuArchitecture, term))

    allocation = row["cpu_allocation"]
    if allocation:
        term = ALLOCATIONS.get(allocation.lower())
        if term is None:
            raise InputError(
                f"{row.record()}: unknown cpu_allocation {allocation!r}; "
                "use SHARED, DEDICATED or leave it empty"
            )
        graph.add((offering, MPLI.cpuAllocation, term))


def add_gpu(builder: ManifestBuilder, offering: URIRef, row: CsvRow) -> None:
    """Add the GPU count and model name, taking the count from the model cell where it names one.

    Raises :class:`~mpli_graph.errors.InputError` when the model cell and the
    ``gpu_count`` column give different counts.
    """
    count = row.decimal("gpu_count")
    text = row["gpu_model"]
    if text:
        gpu = parse_gpu(text)
        if gpu.count is not None:
            if count is not None and count != gpu.count:
                raise InputError(
                    f"{row.record()}: gpu_model {text!r} names {gpu.count} GPU(s) but gpu_count "
                    f"is {row['gpu_count']}; correct one of the two columns"
                )
            count = Decimal(gpu.count)

        graph = builder.graph
        graph.add((offering, MPLI.gpuModel, Literal(gpu.model)))
        if gpu.model != text:
            graph.add((offering, RDFS.comment, Literal(f"GPU as the source writes it: {text}")))

    builder.add_quantity(offering, MPLI.gpuCount, count)


def add_price(builder: ManifestBuilder, offering: URIRef, row: CsvRow) -> None:
    """Add the row's price specification, if the row has a price."""
    amount = row.decimal("price")
    if amount is None:
        return

    unit = PRICE_UNITS.get(row["price_unit"].lower())
    if unit is None:
        raise InputError(
            f"{row.record()}: price {amount} has unknown price_unit {row['price_unit']!r}; "
            f"use one of {', '.join(sorted(PRICE_UNITS))}"
        )

    graph = builder.graph
    price = URIRef(f"{offering}/price")
    graph.add((offering, MPLI.price, price))
    graph.add((price, RDF.type, MPLI.PriceSpecification))
    graph.add((price, MPLI.amount, decimal_literal(amount)))
    graph.add((price, MPLI.priceUnit, unit))
    graph.add((price, DCTERMS.source, Literal(f"{row.record()} from {row['source_file']}")))

    currency_text = row["currency"]
    currency = STATED_CURRENCIES.get(currency_text)
    if currency:
        graph.add((price, MPLI.currency, CURRENCY[currency]))

    basis = row["price_basis"]
    if currency_text and not currency:
        basis = f"{basis}; the source states no currency ({currency_text})"
    graph.add((price, MPLI.priceBasis, Literal(basis)))

    if any(marker in row["price_basis"].lower() for marker in HISTORIC_MARKERS):
        graph.add((price, MPLI.historic, Literal(True, datatype=XSD.boolean)))
