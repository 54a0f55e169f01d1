"""Locate the project's bundled files: ontology, shapes, queries and examples.

MPLI Graph runs from a checkout (installed with ``pip install -e .``), so the
folders sit beside the package.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
VOCAB_DIR = ONTOLOGY_DIR / "vocab"
SHAPES_DIR = PROJECT_ROOT / "shapes"
QUERIES_DIR = PROJECT_ROOT / "queries"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
CONTEXTS_DIR = PROJECT_ROOT / "mpli_graph" / "contexts"


def ontology_files() -> list[Path]:
    """List every Turtle file of the ontology and its concept schemes, sorted."""
    return sorted(ONTOLOGY_DIR.glob("*.ttl")) + sorted(VOCAB_DIR.glob("*.ttl"))


def shape_files() -> list[Path]:
    """List every Turtle file of the SHACL shapes, sorted."""
    return sorted(SHAPES_DIR.glob("*.ttl"))


def query_text(relative_path: str) -> str:
    """Read one SPARQL file under ``queries/``, for example ``resolve/minimum.rq``."""
    return (QUERIES_DIR / relative_path).read_text(encoding="utf-8")
