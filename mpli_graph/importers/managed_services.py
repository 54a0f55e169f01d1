"""Map recorded API responses and Terraform documentation to managed-service offerings.

Sources: Scaleway API responses (Kubernetes Kapsule versions, managed database
engines), UpCloud API fixtures (managed database plans, object storage
regions, load balancer plans) and the IONOS Terraform provider documentation
(which managed service runs in which location).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from mpli_graph.importers.catalog import ManifestBuilder
from mpli_graph.importers.sources import CsvRow, member
from mpli_graph.importers.terms import MAPI, MDB, MPLI, MTOOL

logger = logging.getLogger(__name__)

SCALEWAY_FILE = "scaleway_misc_api_responses.json"
UPCLOUD_FILE = "upcloud_go_api_fixtures.json"
IONOS_FILE = "ionos_terraform_locations_by_resource.csv"
IONOS_COLUMNS = ["kind", "resource", "locations", "doc_path"]

MIB_PER_GIB = Decimal(1024)


def recorded(entry: dict[str, Any], file: str, name: str) -> str:
    """Return the source text of one recorded API response: file, entry, URL and recording."""
    url = entry.get("url", "")
    recording = entry.get("cassette_commit") or entry.get("last_commit") or ""
    text = f"{file} entry {name}: GET {url}"
    if recording:
        text += f" (recorded {recording.split()[0]})"
    return text


# Scaleway --------------------------------------------------------------------

SCALEWAY_ENGINES = {"postgresql": MDB.postgresql, "mysql": MDB.mysql}


def add_scaleway_services(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add Kapsule, managed relational databases, Redis and MongoDB offerings of Scaleway."""
    add_scaleway_kapsule(builder, document)
    add_scaleway_rdb(builder, document)
    add_scaleway_redis(builder, document)
    add_scaleway_mongodb(builder, document)


def add_scaleway_kapsule(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add one Kubernetes offering per region of the Kapsule version list."""
    entry = member(document, "k8s-versions", file=SCALEWAY_FILE)
    versions = member(entry, "body", "versions", file=SCALEWAY_FILE)
    by_region: dict[str, list[str]] = {}
    for version in versions:
        by_region.setdefault(version["region"], []).append(version["name"])

    for region, names in sorted(by_region.items()):
        offering = builder.add_offering(
            MPLI.KubernetesOffering,
            (region, "kapsule"),
            "kapsule",
            f"Scaleway Kubernetes Kapsule in {region}",
            recorded(entry, SCALEWAY_FILE, "k8s-versions"),
            (SCALEWAY_FILE,),
        )
        graph = builder.graph
        graph.add((offering, MPLI.apiCompatibility, MAPI.kubernetes))
        graph.add((offering, MPLI.location, builder.location_iri(region)))
        for name in sorted(names):
            graph.add((offering, MPLI.kubernetesVersion, Literal(name)))


def add_scaleway_rdb(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add one managed relational database offering per engine and region."""
    entry = member(document, "rdb-database-engines", file=SCALEWAY_FILE)
    for engine in member(entry, "engines_slim", file=SCALEWAY_FILE):
        name = engine["name"]
        term = SCALEWAY_ENGINES.get(name.lower())
        if term is None:
            logger.warning("%s: managed database engine %r skipped: no engine term", SCALEWAY_FILE, name)
            continue

        region = engine["region"]
        offering = builder.add_offering(
            MPLI.DatabaseOffering,
            (region, f"rdb-{name}"),
            f"rdb-{name.lower()}",
            f"Scaleway Managed Database for {name} in {region}",
            recorded(entry, SCALEWAY_FILE, "rdb-database-engines"),
            (SCALEWAY_FILE,),
        )
        graph = builder.graph
        graph.add((offering, MPLI.databaseEngine, term))
        graph.add((offering, MPLI.location, builder.location_iri(region)))
        for version in engine["versions"]:
            if version.get("disabled"):
                logger.info("%s: %s left out because it is disabled", SCALEWAY_FILE, version["name"])
                continue
            graph.add((offering, MPLI.databaseEngineVersion, Literal(version["version"])))


def add_scaleway_redis(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add the managed Redis offering of the zone that the recorded request names."""
    entry = member(document, "redis-versions", file=SCALEWAY_FILE)
    zone = segment_after(entry.get("url", ""), "zones")
    if not zone:
        logger.warning("%s: redis-versions skipped: the request URL names no zone", SCALEWAY_FILE)
        return

    offering = builder.add_offering(
        MPLI.DatabaseOffering,
        (zone, "redis"),
        "redis",
        f"Scaleway Managed Database for Redis in {zone}",
        recorded(entry, SCALEWAY_FILE, "redis-versions"),
        (SCALEWAY_FILE,),
    )
    builder.location(zone).kind = MPLI.AvailabilityZone
    graph = builder.graph
    graph.add((offering, MPLI.databaseEngine, MDB.redis))
    graph.add((offering, MPLI.location, builder.location_iri(zone)))
    for version in member(entry, "body", "versions", file=SCALEWAY_FILE):
        graph.add((offering, MPLI.databaseEngineVersion, Literal(version["version"])))


def add_scaleway_mongodb(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add the managed MongoDB offering of the region that the recorded request names."""
    entry = member(document, "mongodb-versions", file=SCALEWAY_FILE)
    region = segment_after(entry.get("url", ""), "regions")
    if not region:
        logger.warning("%s: mongodb-versions skipped: the request URL names no region", SCALEWAY_FILE)
        return

    offering = builder.add_offering(
        MPLI.DatabaseOffering,
        (region, "mongodb"),
        "mongodb",
        f"Scaleway Managed MongoDB in {region}",
        recorded(entry, SCALEWAY_FILE, "mongodb-versions"),
        (SCALEWAY_FILE,),
    )
    graph = builder.graph
    graph.add((offering, MPLI.databaseEngine, MDB.mongodb))
    graph.add((offering, MPLI.location, builder.location_iri(region)))
    for version in member(entry, "body", "versions", file=SCALEWAY_FILE):
        graph.add((offering, MPLI.databaseEngineVersion, Literal(version["version"])))


# UpCloud ---------------------------------------------------------------------

UPCLOUD_ENGINES = {
    "mysql": MDB.mysql,
    "pg": MDB.postgresql,
    "opensearch": MDB.opensearch,
    "redis": MDB.redis,
    "valkey": MDB.valkey,
}


def add_upcloud_services(
    builder: ManifestBuilder, document: dict[str, Any], s3_evidence: str
) -> None:
    """Add managed database plans, object storage regions and load balancer plans of UpCloud."""
    add_upcloud_databases(builder, document)
    add_upcloud_object_storage(builder, document, s3_evidence)
    add_upcloud_load_balancers(builder, document)


def add_upcloud_databases(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add one database offering per service type, plan and zone of the plan."""
    name = "getmanageddatabaseservicetypes_slim"
    entry = member(document, name, file=UPCLOUD_FILE)
    for service, description in sorted(member(entry, "body", file=UPCLOUD_FILE).items()):
        engine = UPCLOUD_ENGINES.get(service)
        if engine is None:
            logger.warning("%s: database service type %r skipped: no engine term", UPCLOUD_FILE, service)
            continue
        for plan in sorted(description["service_plans"], key=lambda item: item["plan"]):
            for zone in sorted(item["name"] for item in plan["zones"]["zone"]):
                source = recorded(entry, UPCLOUD_FILE, f"{name} {service} plan {plan['plan']}")
                add_upcloud_database_plan(builder, source, service, engine, description, plan, zone)


def add_upcloud_database_plan(
    builder: ManifestBuilder,
    source: str,
    service: str,
    engine: URIRef,
    description: dict[str, Any],
    plan: dict[str, Any],
    zone: str,
) -> None:
    """Add one managed database plan in one zone: nodes, vCPU and RAM per node, storage."""
    plan_id = plan["plan"]
    offering = builder.add_offering(
        MPLI.DatabaseOffering,
        (zone, "database", service, plan_id),
        f"{service}/{plan_id}",
        f"UpCloud Managed Database {service} {plan_id} in {zone}",
        source,
        (UPCLOUD_FILE,),
    )
    graph = builder.graph
    graph.add((offering, MPLI.databaseEngine, engine))
    version = description.get("latest_available_version")
    if version:
        graph.add((offering, MPLI.databaseEngineVersion, Literal(version)))

    builder.add_quantity(offering, MPLI.vcpuCount, Decimal(plan["core_number"]))
    builder.add_quantity(offering, MPLI.memorySize, Decimal(plan["memory_amount"]) / MIB_PER_GIB)
    builder.add_quantity(offering, MPLI.storageCapacity, Decimal(plan["storage_size"]) / MIB_PER_GIB)
    graph.add(
        (
            offering,
            RDFS.comment,
            Literal(
                f"{plan['node_count']} node(s). vCPU count and memory size are per node "
                "(core_number, and memory_amount in MiB); storage capacity is the plan's "
                "storage_size, given in MiB."
            ),
        )
    )

    builder.location(zone).kind = MPLI.AvailabilityZone
    graph.add((offering, MPLI.location, builder.location_iri(zone)))


def add_upcloud_object_storage(
    builder: ManifestBuilder, document: dict[str, Any], s3_evidence: str
) -> None:
    """Add one object storage offering per managed object storage region.

    The offering is located in the region, and the region's zones are
    ``mpli:partOf`` it. The region itself states no country because its zones
    lie in several countries.

    ``s3_evidence`` is the source record that evidences an S3 API, or empty.
    """
    name = "getmanagedobjectstorageregions"
    entry = member(document, name, file=UPCLOUD_FILE)
    for region in member(entry, "body", file=UPCLOUD_FILE):
        code = region["name"]
        offering = builder.add_offering(
            MPLI.ObjectStorageOffering,
            ("object-storage", code),
            code,
            f"UpCloud Managed Object Storage {code}",
            recorded(entry, UPCLOUD_FILE, f"{name} {code}"),
            (UPCLOUD_FILE,),
        )
        graph = builder.graph
        builder.location(code).kind = MPLI.Region
        graph.add((offering, MPLI.location, builder.location_iri(code)))
        graph.add(
            (offering, RDFS.comment, Literal(f"primary zone {region['primary_zone']}"))
        )
        for zone in sorted(item["name"] for item in region["zones"]):
            builder.location(zone).kind = MPLI.AvailabilityZone
            graph.add((builder.location_iri(zone), MPLI.partOf, builder.location_iri(code)))
        if s3_evidence:
            graph.add((offering, MPLI.apiCompatibility, MAPI.s3))
            graph.add((offering, DCTERMS.source, Literal(f"S3 compatibility: {s3_evidence}")))


def add_upcloud_load_balancers(builder: ManifestBuilder, document: dict[str, Any]) -> None:
    """Add one network offering per load balancer plan."""
    name = "getloadbalancerplans"
    entry = member(document, name, file=UPCLOUD_FILE)
    for plan in sorted(member(entry, "body", file=UPCLOUD_FILE), key=lambda item: item["name"]):
        plan_id = plan["name"]
        offering = builder.add_offering(
            MPLI.NetworkOffering,
            ("load-balancer", plan_id),
            f"load-balancer/{plan_id}",
            f"UpCloud Managed Load Balancer {plan_id}",
            recorded(entry, UPCLOUD_FILE, f"{name} {plan_id}"),
            (UPCLOUD_FILE,),
        )
        builder.graph.add(
            (
                offering,
                RDFS.comment,
                Literal(
                    f"{plan['server_number']} load balancer node(s), at most "
                    f"{plan['per_server_max_sessions']} sessions per node"
                ),
            )
        )


# IONOS -----------------------------------------------------------------------


@dataclass(frozen=True)
class IonosService:
    """A managed IONOS service and the offering class and engine it maps to."""

    slug: str
    label: str
    kind: URIRef
    engine: URIRef | None = None


# The In-Memory DB is a plain mpli:Offering: a database offering needs an
# engine, and the sources do not name the engine of this service.
IONOS_SERVICES = {
    "dbaas_pgsql_cluster": IonosService("postgresql", "PostgreSQL", MPLI.DatabaseOffering, MDB.postgresql),
    "pg_cluster_v2": IonosService("postgresql", "PostgreSQL", MPLI.DatabaseOffering, MDB.postgresql),
    "dbaas_mariadb_cluster": IonosService("mariadb", "MariaDB", MPLI.DatabaseOffering, MDB.mariadb),
    "dbaas_mongo_cluster": IonosService("mongodb", "MongoDB", MPLI.DatabaseOffering, MDB.mongodb),
    "dbaas_inmemorydb_replica_set": IonosService("in-memory-db", "In-Memory DB", MPLI.Offering),
    "inmemorydb_cluster_v2": IonosService("in-memory-db", "In-Memory DB", MPLI.Offering),
    "kafka_cluster": IonosService("kafka", "Event Streams for Apache Kafka", MPLI.DatabaseOffering, MDB.kafka),
    "kafka_topic": IonosService("kafka", "Event Streams for Apache Kafka", MPLI.DatabaseOffering, MDB.kafka),
    "nfs_cluster": IonosService("nfs", "Network File Storage", MPLI.FileStorageOffering),
    "nfs_share": IonosService("nfs", "Network File Storage", MPLI.FileStorageOffering),
    "vpn_ipsec_gateway": IonosService("vpn-ipsec", "IPSec VPN Gateway", MPLI.NetworkOffering),
    "vpn_ipsec_tunnel": IonosService("vpn-ipsec", "IPSec VPN Gateway", MPLI.NetworkOffering),
    "vpn_wireguard_gateway": IonosService("vpn-wireguard", "WireGuard VPN Gateway", MPLI.NetworkOffering),
    "vpn_wireguard_peer": IonosService("vpn-wireguard", "WireGuard VPN Gateway", MPLI.NetworkOffering),
}  # fmt: skip
IONOS_TERRAFORM_SOURCE = "ionos-cloud/ionoscloud"
IONOS_RESOURCE_PREFIX = "ionoscloud_"


def add_ionos_services(builder: ManifestBuilder, rows: list[CsvRow]) -> None:
    """Add the IONOS managed services in each location where their Terraform resources run."""
    locations: dict[str, set[str]] = {}
    resources: dict[str, set[str]] = {}
    records: dict[str, list[str]] = {}
    services: dict[str, IonosService] = {}

    for row in rows:
        if row["kind"] != "resources":
            logger.warning(
                "%s skipped: %s %s is a data source; the resource rows give the locations",
                row.record(),
                row["kind"],
                row["resource"],
            )
            continue
        service = IONOS_SERVICES.get(row["resource"])
        if service is None:
            logger.warning(
                "%s skipped: resource %s matches no offering class of the vocabulary",
                row.record(),
                row["resource"],
            )
            continue
        services[service.slug] = service
        locations.setdefault(service.slug, set()).update(row["locations"].split())
        resources.setdefault(service.slug, set()).add(IONOS_RESOURCE_PREFIX + row["resource"])
        records.setdefault(service.slug, []).append(f"{row.record()} ({row['doc_path']})")

    for slug in sorted(services):
        add_ionos_service(builder, services[slug], locations[slug], resources[slug], records[slug])


def add_ionos_service(
    builder: ManifestBuilder,
    service: IonosService,
    locations: set[str],
    resources: set[str],
    records: list[str],
) -> None:
    """Add one offering of an IONOS managed service per location, with its Terraform resources."""
    for code in sorted(locations):
        offering = builder.add_offering(
            service.kind,
            (code, service.slug),
            service.slug,
            f"IONOS Cloud {service.label} in {code}",
            "; ".join(records),
            (IONOS_FILE,),
        )
        graph = builder.graph
        if service.engine is not None:
            graph.add((offering, MPLI.databaseEngine, service.engine))
        graph.add((offering, MPLI.location, builder.location_iri(code)))

        delivery = URIRef(f"{offering}/terraform")
        graph.add((offering, MPLI.delivery, delivery))
        graph.add((delivery, RDF.type, MPLI.TerraformDelivery))
        graph.add((delivery, MPLI.terraformProviderSource, Literal(IONOS_TERRAFORM_SOURCE)))
        graph.add((delivery, MPLI.deliveryTool, MTOOL.opentofu))
        graph.add((delivery, MPLI.deliveryTool, MTOOL.terraform))
        for resource in sorted(resources):
            graph.add((delivery, MPLI.terraformResourceType, Literal(resource)))
        graph.add((delivery, DCTERMS.source, Literal("; ".join(records))))


def segment_after(url: str, name: str) -> str:
    """Return the URL path segment after ``/NAME/``, such as the zone of ``.../zones/fr-par-1/...``, or ``""``."""
    marker = f"/{name}/"
    if marker not in url:
        return ""
    return url.split(marker)[1].split("/")[0]
