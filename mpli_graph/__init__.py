"""MPLI Graph: describe, match, trust and hand off cloud offerings with W3C standards."""

__version__ = "0.1.0"

MPLI = "https://w3id.org/mpli#"
