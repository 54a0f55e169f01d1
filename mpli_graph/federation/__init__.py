"""Live federated queries across the SPARQL endpoints of federation members.

``members`` loads and checks the member list, ``parse`` finds SERVICE blocks,
``executor`` runs them in parallel and joins locally, ``live`` resolves a
consumer manifest against live members, and ``fallback`` substitutes a
member's last harvested copy when it does not respond.
"""
