"""Small made-up providers and helpers that build consumer manifests for the resolution tests."""

from __future__ import annotations

import rdflib

from mpli_graph.resolution import CredentialChecker, Verdict, resolve
from mpli_graph.store import ManifestStore

EX = "https://example.org/"

PREFIXES = """
@prefix mpli: <https://w3id.org/mpli#> .
@prefix unit: <http://qudt.org/vocab/unit/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
@prefix currency: <http://publications.europa.eu/resource/authority/currency/> .
@prefix mgroup: <https://w3id.org/mpli/country-group/> .
@prefix mcert: <https://w3id.org/mpli/certification-scheme/> .
@prefix mstatus: <https://w3id.org/mpli/claim-status/> .
@prefix mapi: <https://w3id.org/mpli/api/> .
@prefix mdb: <https://w3id.org/mpli/database-engine/> .
@prefix march: <https://w3id.org/mpli/cpu-architecture/> .
@prefix mtool: <https://w3id.org/mpli/delivery-tool/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""

# Three made-up providers. Alpha runs in Germany and France, states prices in EUR, has a
# BSI C5 Type 2 claim and delivers through OpenTofu. Beta runs in Switzerland and states
# prices in USD, in EUR but historic, or without a currency. Gamma states no location, no
# certification and prices per minute.
PROVIDERS = PREFIXES + """
ex:alpha a mpli:Provider ; rdfs:label "Alpha Cloud (example)" ;
    mpli:operatesLocation ex:alpha-fra, ex:alpha-par ;
    mpli:apiCompatibility mapi:s3 ;
    mpli:certification ex:alpha-c5 ;
    mpli:delivery [ a mpli:TerraformDelivery ; mpli:deliveryTool mtool:opentofu ] ;
    mpli:serviceLevel [ a mpli:ServiceLevel ; mpli:availability 99.9 ] .
ex:alpha-fra a mpli:Region ; mpli:country country:DEU .
ex:alpha-fra-1 a mpli:AvailabilityZone ; mpli:partOf ex:alpha-fra .
ex:alpha-par a mpli:Region ; mpli:country country:FRA .
ex:alpha-c5 a mpli:Certification ; mpli:scheme mcert:bsi-c5-type-2 ; mpli:claimStatus mstatus:third-party .

ex:alpha-small a mpli:ComputeOffering ; mpli:offeredBy ex:alpha ; mpli:offeringId "small" ;
    mpli:vcpuCount 2 ; mpli:memorySize 4 ; mpli:location ex:alpha-fra-1 ; mpli:cpuArchitecture march:x86-64 ;
    mpli:price [ a mpli:PriceSpecification ; mpli:amount 0.05 ; mpli:currency currency:EUR ; mpli:priceUnit mpli:PerHour ] .
ex:alpha-large a mpli:ComputeOffering ; mpli:offeredBy ex:alpha ; mpli:offeringId "large" ;
    mpli:vcpuCount 8 ; mpli:memorySize 32 ; mpli:location ex:alpha-par ; mpli:cpuArchitecture march:arm64 ;
    mpli:price [ a mpli:PriceSpecification ; mpli:amount 146 ; mpli:currency currency:EUR ; mpli:priceUnit mpli:PerMonth ] .
ex:alpha-nowhere a mpli:ComputeOffering ; mpli:offeredBy ex:alpha ; mpli:offeringId "nowhere" ;
    mpli:vcpuCount 16 ; mpli:memorySize 64 .

ex:beta a mpli:Provider ; rdfs:label "Beta Cloud (example)" ;
    mpli:apiCompatibility mapi:openstack ;
    mpli:certification ex:beta-iso .
ex:beta-iso a mpli:Certification ; mpli:scheme mcert:iso-iec-27001 ; mpli:claimStatus mstatus:self-declared .
ex:beta-gva a mpli:Region ; mpli:country country:CHE .
ex:beta-medium a mpli:ComputeOffering ; mpli:offeredBy ex:beta ; mpli:offeringId "medium" ;
    mpli:vcpuCount 4 ; mpli:memorySize 16 ; mpli:location ex:beta-gva ;
    mpli:price [ a mpli:PriceSpecification ; mpli:amount 0.10 ; mpli:currency currency:USD ; mpli:priceUnit mpli:PerHour ] .
ex:beta-old a mpli:ComputeOffering ; mpli:offeredBy ex:beta ; mpli:offeringId "old" ;
    mpli:vcpuCount 4 ; mpli:location ex:beta-gva ;
    mpli:price [ a mpli:PriceSpecification ; mpli:amount 0.01 ; mpli:currency currency:EUR ;
                 mpli:priceUnit mpli:PerHour ; mpli:historic true ] .
ex:beta-k8s a mpli:KubernetesOffering ; mpli:offeredBy ex:beta ; mpli:offeringId "k8s" ;
    mpli:kubernetesVersion "1.29", "1.31" ; mpli:location ex:beta-gva ;
    mpli:price [ a mpli:PriceSpecification ; mpli:amount 0.2 ; mpli:priceUnit mpli:PerHour ] .

ex:gamma a mpli:Provider ; rdfs:label "Gamma Cloud (example)" .
ex:gamma-tiny a mpli:ComputeOffering ; mpli:offeredBy ex:gamma ; mpli:offeringId "tiny" ;
    mpli:vcpuCount 1 ; mpli:memorySize 0.5 ;
    mpli:price [ a mpli:PriceSpecification ; mpli:amount 0.0005 ; mpli:currency currency:EUR ; mpli:priceUnit mpli:PerMinute ] .
"""

OFFERINGS = {"alpha-small", "alpha-large", "alpha-nowhere", "beta-medium", "beta-old", "beta-k8s", "gamma-tiny"}


def verdicts(
    store: ManifestStore, body: str, checker: CredentialChecker | None = None
) -> dict[str, dict[str, Verdict]]:
    """Resolve a consumer built from ``body`` and return verdicts by offering and requirement local name."""
    resolution = resolve(store, consumer(body), credential_checker=checker)
    table: dict[str, dict[str, Verdict]] = {}
    for result in resolution.results:
        offering = result.offering.removeprefix(EX)
        table[offering] = {v.requirement.key.removeprefix(EX): v for v in result.verdicts}
    return table


def consumer(body: str) -> rdflib.Graph:
    """Return a consumer manifest graph: ``body`` contains the requirement nodes of ex:consumer."""
    text = PREFIXES + "ex:consumer a mpli:ConsumerManifest .\n" + body
    return rdflib.Graph().parse(data=text, format="turtle")
