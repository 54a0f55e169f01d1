"""Map the Gaia-X credentials of Cloud&Heat and the SCS register to a provider manifest.

Sources: the Gaia-X LegalPerson and registration number credentials (legal
name, VAT ID, headquarters), the ``gx:VirtualMachineServiceOffering``
credential (server flavours, VM images, terms) and the register of
SCS-compatible clouds. That register is the evidence that the IaaS runs on
OpenStack, because the SCS IaaS standards are OpenStack standards.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from mpli_graph.errors import InputError
from mpli_graph.importers.catalog import ManifestBuilder
from mpli_graph.importers.countries import country_iri
from mpli_graph.importers.sources import member
from mpli_graph.importers.terms import CRED, MFORMAT, MPLATFORM, MPLI, SCHEMA

logger = logging.getLogger(__name__)

VMO_FILE = "gxcredgen_cloudandheat_vmo.json"
LEGAL_PERSON_FILE = "gxcredgen_cloudandheat-legel_person.json"
REGISTRATION_FILE = "gxcredgen_cloudandheat-registration_number.json"
SCS_FILE = "scs_compatible_clouds.json"

QUDT_MEGABYTE = "https://qudt.org/vocab/unit/MegaBYTE"
QUDT_GIGABYTE = "https://qudt.org/vocab/unit/GigaBYTE"
IMAGE_FORMATS = {"raw": MFORMAT.raw, "qcow2": MFORMAT.qcow2, "vmdk": MFORMAT.vmdk, "vhd": MFORMAT.vhd}

# gx-credential-generator (server_flavor_discovery.py) copies OpenStack's
# flavor RAM, which OpenStack reports in MiB, into a MemorySize labelled
# MegaBYTE. The flavour RAM is therefore read as MiB.
FLAVOR_RAM_NOTE = (
    "The credential states {value} MegaBYTE of RAM. Its generator copies the OpenStack "
    "flavor RAM, which OpenStack gives in MiB, so the value is read as {value} MiB."
)


def add_credential(builder: ManifestBuilder, document: dict[str, Any], file: str) -> URIRef:
    """Describe one verifiable credential (id, issuer, issuance date) and return its IRI."""
    identifier = member(document, "id", file=file)
    credential = URIRef(identifier)
    graph = builder.graph
    graph.add((credential, RDF.type, CRED.VerifiableCredential))
    graph.add((credential, CRED.issuer, URIRef(member(document, "issuer", file=file))))
    issued = document.get("issuanceDate")
    if issued:
        graph.add((credential, CRED.issuanceDate, Literal(issued, datatype=XSD.dateTime)))
    graph.add((credential, DCTERMS.source, Literal(file)))
    builder.use_source(file)
    return credential


def add_legal_person(
    builder: ManifestBuilder, legal_person: dict[str, Any], registration: dict[str, Any]
) -> None:
    """Add legal name, VAT ID and headquarters of the provider, backed by their credentials."""
    graph = builder.graph
    provider = builder.provider
    subject = member(legal_person, "credentialSubject", file=LEGAL_PERSON_FILE)

    legal_name = member(subject, "gx:legalName", file=LEGAL_PERSON_FILE)
    graph.add((provider, MPLI.legalName, Literal(legal_name)))
    graph.add((provider, MPLI.backedBy, add_credential(builder, legal_person, LEGAL_PERSON_FILE)))

    subdivision = member(
        subject, "gx:headquarterAddress", "gx:countrySubdivisionCode", file=LEGAL_PERSON_FILE
    )
    country = subdivision.split("-")[0]
    context = f"{LEGAL_PERSON_FILE} gx:headquarterAddress"
    graph.add((provider, MPLI.headquarterCountry, country_iri(country, context)))
    address = builder.iri("headquarters-address")
    graph.add((provider, SCHEMA.address, address))
    graph.add((address, RDF.type, SCHEMA.PostalAddress))
    graph.add((address, SCHEMA.addressCountry, Literal(country)))
    graph.add((address, SCHEMA.addressRegion, Literal(subdivision)))
    graph.add((address, DCTERMS.source, Literal(f"{LEGAL_PERSON_FILE} gx:headquarterAddress")))

    registration_subject = member(registration, "credentialSubject", file=REGISTRATION_FILE)
    vat_id = registration_subject.get("gx:vatID")
    if vat_id:
        graph.add((provider, MPLI.registrationNumber, Literal(vat_id)))
        credential = add_credential(builder, registration, REGISTRATION_FILE)
        graph.add((provider, MPLI.backedBy, credential))
    graph.add((provider, DCTERMS.source, Literal(f"{LEGAL_PERSON_FILE}; {REGISTRATION_FILE}")))


def megabytes_as_gib(size: dict[str, Any], context: str) -> Decimal:
    """Read a flavour RAM size in (mislabelled) MegaBYTE as MiB and return it in GiB."""
    unit = member(size, "qudt:unit", file=context)
    if unit != QUDT_MEGABYTE:
        raise InputError(f"{context}: RAM unit {unit!r} is not {QUDT_MEGABYTE}")
    return Decimal(str(member(size, "qudt:value", "@value", file=context))) / Decimal(1024)


def disk_gigabytes(size: dict[str, Any], context: str) -> Decimal:
    """Return a disk size stated in GigaBYTE."""
    unit = member(size, "qudt:unit", file=context)
    if unit != QUDT_GIGABYTE:
        raise InputError(f"{context}: disk unit {unit!r} is not {QUDT_GIGABYTE}")
    return Decimal(str(member(size, "qudt:value", "@value", file=context)))


def add_vm_offering(builder: ManifestBuilder, vmo: dict[str, Any], openstack_evidence: str) -> None:
    """Add one compute offering per ``gx:ServerFlavor`` of the VM service offering credential."""
    credential = add_credential(builder, vmo, VMO_FILE)
    subject = member(vmo, "credentialSubject", file=VMO_FILE)
    flavors = member(subject, "gx:instantiationReq", file=VMO_FILE)
    images = subject.get("gx:codeArtifact", [])

    formats = sorted({image.get("gx:vmImageDiskFormat", "").lower() for image in images} - {""})
    terms = [
        item["gx:url"]["@value"]
        for item in subject.get("gx:serviceOfferingTermsAndConditions", [])
        if isinstance(item.get("gx:url"), dict)
    ]

    graph = builder.graph
    for index, flavor in enumerate(flavors):
        if flavor.get("type") != "gx:ServerFlavor":
            logger.warning("%s gx:instantiationReq[%d] skipped: not a gx:ServerFlavor", VMO_FILE, index)
            continue
        name = member(flavor, "gx:name", file=VMO_FILE)
        context = f"{VMO_FILE} gx:instantiationReq[{index}]"
        offering = builder.add_offering(
            MPLI.ComputeOffering,
            (name,),
            name,
            f"Cloud&Heat virtual machine flavour {name}",
            f"{context} (gx:ServerFlavor {name})",
            (VMO_FILE,),
        )
        graph.add((offering, MPLI.backedBy, credential))

        cores = member(flavor, "gx:cpu", "gx:numberOfCores", file=context)
        builder.add_quantity(offering, MPLI.vcpuCount, Decimal(cores))
        ram = member(flavor, "gx:ram", "gx:memorySize", file=context)
        builder.add_quantity(offering, MPLI.memorySize, megabytes_as_gib(ram, context))
        ram_value = format(Decimal(str(ram["qudt:value"]["@value"])).normalize(), "f")
        graph.add((offering, RDFS.comment, Literal(FLAVOR_RAM_NOTE.format(value=ram_value))))
        disk = member(flavor, "gx:bootVolume", "gx:diskSize", file=context)
        builder.add_quantity(offering, MPLI.localDiskSize, disk_gigabytes(disk, context))

        for image_format in formats:
            term = IMAGE_FORMATS.get(image_format)
            if term is None:
                logger.warning("%s: image disk format %r has no format term", VMO_FILE, image_format)
                continue
            graph.add((offering, MPLI.importsImageFormat, term))
        if images:
            statement = (
                f"Image format: all {len(images)} gx:VMImage entries of the credential have "
                f"gx:vmImageDiskFormat {'/'.join(f.upper() for f in formats)}"
            )
            graph.add((offering, RDFS.comment, Literal(statement)))
        for url in terms:
            graph.add((offering, MPLI.termsAndConditions, URIRef(url)))
        if openstack_evidence:
            graph.add((offering, MPLI.hypervisorPlatform, MPLATFORM.openstack))
            graph.add((offering, DCTERMS.source, Literal(f"OpenStack platform: {openstack_evidence}")))


def scs_register_entry(document: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return the certified entry of the SCS register with this name, or ``None``."""
    for entry in member(document, "certified", file=SCS_FILE):
        if entry.get("name") == name:
            return entry
    return None


def add_scs_evidence(builder: ManifestBuilder, document: dict[str, Any], name: str) -> str:
    """Add the register URL to the provider's SCS claims; return the OpenStack evidence text."""
    entry = scs_register_entry(document, name)
    if entry is None:
        logger.warning("%s: %r is not in the certified list", SCS_FILE, name)
        return ""

    builder.use_source(SCS_FILE)
    graph = builder.graph
    for claim in sorted(graph.objects(builder.provider, MPLI.certification)):
        scheme = graph.value(claim, MPLI.scheme)
        if scheme is not None and str(scheme).endswith("/scs-compatible-iaas") and entry.get("url"):
            graph.add((claim, MPLI.evidence, URIRef(entry["url"])))
    if entry.get("scope") != "SCS-compatible IaaS":
        return ""
    return f"{SCS_FILE}: {name} ({entry.get('operator', '')}) is a certified SCS-compatible IaaS"
