"""Verifiable credentials for MPLI claims: proofs, keys, DIDs, status lists and trust policies.

The modules follow the standards one concept each: :mod:`canonicalize` (RDFC-1.0),
:mod:`jcs` (RFC 8785), :mod:`jsonld` (expansion through the context allowlist),
:mod:`multibase` and :mod:`keys` (Multikey, JWK), :mod:`did` (did:key, did:web),
:mod:`data_integrity` (Data Integrity proofs), :mod:`jose` (VC-JOSE-COSE and the
Gaia-X variants), :mod:`gaiax` (``gx:integrity`` hashes), :mod:`status_list`
(Bitstring Status List), :mod:`validity` (VCDM 2.0 structure and validity period),
:mod:`policy` (trusted issuers per claim kind), :mod:`verify` (one entry point for
any secured credential), :mod:`claims` (the checker that the resolver calls),
:mod:`manifest_credential` (a provider manifest as a credential) and :mod:`errors`.
"""
