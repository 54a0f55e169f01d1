"""The outcome of a resolution, as JSON or as RDF with the terms of ``ontology/result.ttl``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import rdflib
from rdflib import RDF, XSD, BNode, Literal, URIRef

from mpli_graph.resolution.model import ConsumerRequirements
from mpli_graph.resolution.naming import Namer
from mpli_graph.resolution.ranking import OfferingResult

__all__ = ["Resolution"]

MPLI = rdflib.Namespace("https://w3id.org/mpli#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")

_VERDICT_TERMS = {"satisfied": MPLI.Satisfied, "violated": MPLI.Violated, "unknown": MPLI.Unknown}


@dataclass
class Resolution:
    """Every offering ranked against one consumer manifest, with each requirement's verdict.

    ``timings`` gives the milliseconds spent reading the requirements ("read"),
    evaluating them ("query") and ranking and explaining the kept results ("rank").
    """

    consumer: ConsumerRequirements
    results: list[OfferingResult]
    namer: Namer
    offering_count: int
    compatible_total: int
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def compatible(self) -> list[OfferingResult]:
        """Return the kept offerings that satisfy every must, best first."""
        return [r for r in self.results if r.compatible]

    def to_json(self) -> dict:
        """Return the resolution as a JSON-ready dict: consumer, then results in rank order."""
        return {
            "consumer": self.consumer.consumer,
            "results": [self._result_json(r) for r in self.results],
            "offering_count": self.offering_count,
            "compatible_count": self.compatible_total,
        }

    def _result_json(self, result: OfferingResult) -> dict:
        return {
            "offering": result.offering,
            "provider": result.provider,
            "rank": result.rank,
            "compatible": result.compatible,
            "score": round(result.score, 4),
            "requirements": [
                {
                    "requirement": v.requirement.key,
                    "kind": v.requirement.kind,
                    "strength": v.requirement.strength,
                    "verdict": v.verdict,
                    "expected": v.expected,
                    "actual": v.actual,
                    "label": v.requirement.label,
                    "note": v.note,
                }
                for v in result.verdicts
            ],
            "provider_label": result.provider_label,
            "label": result.label,
            "offering_id": result.offering_id,
            "price_per_hour": self.price_text(result),
        }

    def price_text(self, result: OfferingResult) -> str | None:
        """Return an offering's price per hour with the currency code, or None when it is not known."""
        if result.hourly_price is None:
            return None
        currency = self.namer.currency(self.consumer.currency or "EUR")
        return f"{self.namer.number(str(result.hourly_price), places=4)} {currency}"

    def to_graph(self) -> rdflib.Graph:
        """Return the verdicts as RDF: one mpli:ResolutionResult with an mpli:Match per offering."""
        graph = rdflib.Graph()
        graph.bind("mpli", MPLI)
        graph.bind("prov", PROV)

        resolution = BNode()
        graph.add((resolution, RDF.type, MPLI.ResolutionResult))
        graph.add((resolution, MPLI.forConsumer, URIRef(self.consumer.consumer)))
        generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
        graph.add((resolution, PROV.generatedAtTime, Literal(generated, datatype=XSD.dateTime)))

        for result in self.results:
            match = BNode()
            graph.add((resolution, MPLI.resultMatch, match))
            graph.add((match, RDF.type, MPLI.Match))
            graph.add((match, MPLI.matchedOffering, URIRef(result.offering)))
            graph.add((match, MPLI.rank, Literal(result.rank, datatype=XSD.integer)))
            graph.add((match, MPLI.compatible, Literal(result.compatible)))
            graph.add((match, MPLI.score, Literal(f"{result.score:.4f}", datatype=XSD.decimal)))
            for verdict in result.verdicts:
                node = BNode()
                graph.add((match, MPLI.verdict, node))
                graph.add((node, RDF.type, MPLI.RequirementVerdict))
                graph.add((node, MPLI.forRequirement, URIRef(verdict.requirement.key)))
                graph.add((node, MPLI.verdictValue, _VERDICT_TERMS[verdict.verdict]))
                graph.add((node, MPLI.expectedValue, Literal(verdict.expected)))
                if verdict.actual is not None:
                    graph.add((node, MPLI.actualValue, Literal(verdict.actual)))
                if verdict.note is not None:
                    graph.add((node, MPLI.verdictNote, Literal(verdict.note)))
        return graph

    def to_turtle(self) -> str:
        """Return :meth:`to_graph` serialized as Turtle."""
        return self.to_graph().serialize(format="turtle")
