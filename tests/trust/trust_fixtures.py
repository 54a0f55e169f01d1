"""Paths and readers for the credential fixtures, shared by the trust tests."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "credentials"


def load_json(relative_path: str) -> dict:
    """Read a JSON fixture under tests/fixtures/credentials."""
    return json.loads((FIXTURES / relative_path).read_text(encoding="utf-8"))


def read_text(relative_path: str) -> str:
    """Read a text fixture under tests/fixtures/credentials."""
    return (FIXTURES / relative_path).read_text(encoding="utf-8")
