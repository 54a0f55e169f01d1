"""Fixtures that start real SPARQL endpoints on 127.0.0.1 and stop them afterwards."""

from __future__ import annotations

import pytest

from tests.federation.endpoints import ConnectionCounter, SparqlEndpoint, store_from_turtle

PREFIXES = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

MEMBER_A = PREFIXES + """
ex:vm1 a ex:Offering ; ex:provider ex:alpha ; ex:vcpu 2 ; ex:label "small" .
ex:vm2 a ex:Offering ; ex:provider ex:alpha ; ex:vcpu 8 ; ex:label "large" ; ex:gpu 1 .
ex:vm3 a ex:Offering ; ex:provider ex:alpha ; ex:vcpu 4 .
"""

MEMBER_B = PREFIXES + """
ex:vm4 a ex:Offering ; ex:provider ex:beta ; ex:vcpu 16 ; ex:label "xl" .
ex:vm5 a ex:Offering ; ex:provider ex:beta ; ex:vcpu 1 ; ex:label "tiny" .
"""

MEMBER_C = PREFIXES + """
ex:alpha ex:country "DEU" ; ex:certified ex:iso27001 .
ex:beta ex:country "FRA" .
ex:vm2 ex:price 0.5 .
ex:vm4 ex:price 1.25 .
"""


@pytest.fixture
def start_endpoint():
    """Return a function that starts an endpoint over Turtle and stops it after the test."""
    started = []

    def start(turtle: str = PREFIXES, delay: float = 0.0, mode: str = "normal") -> SparqlEndpoint:
        endpoint = SparqlEndpoint(store_from_turtle(turtle), delay=delay, mode=mode).start()
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.stop()


@pytest.fixture
def members(start_endpoint):
    """Start the three example members A, B and C."""
    return start_endpoint(MEMBER_A), start_endpoint(MEMBER_B), start_endpoint(MEMBER_C)


@pytest.fixture
def counter():
    """Start a listener that counts connections, standing for a non-member host."""
    listener = ConnectionCounter().start()
    yield listener
    listener.stop()
