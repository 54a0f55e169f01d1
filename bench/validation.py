"""Time SHACL validation of the synthetic 100 x 1,000 offering catalogue, one manifest at a time.

The catalogue is the one ``bench/resolution.py`` builds from the real value
distributions (example.org IRIs). Each provider manifest is parsed into rdflib
and validated with the project's shapes, as ``mpli validate`` and the store's
loaders do, and the total and per-manifest times are printed.

Run: ``.venv/bin/python bench/validation.py [--providers N] [--offerings M]``.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from resolution import ISO2_TO_ISO3, synthetic_provider  # noqa: E402

from mpli_graph.manifest.parse import parse_data  # noqa: E402
from mpli_graph.manifest.validate import validate  # noqa: E402
from mpli_graph.resources import EXAMPLES_DIR  # noqa: E402


def main() -> None:
    """Build the synthetic catalogue, then parse and validate each manifest and print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--providers", type=int, default=100, help="synthetic providers (default 100)")
    parser.add_argument("--offerings", type=int, default=1000, help="offerings per provider (default 1000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args()

    with open(EXAMPLES_DIR / "data" / "providers" / "offerings_normalized.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(args.seed)
    countries = sorted(ISO2_TO_ISO3.values())
    documents = [synthetic_provider(i, args.offerings, rows, countries, rng) for i in range(args.providers)]

    validate(parse_data(documents[0].encode(), "nt", "warm-up"))

    parse_seconds, validate_seconds, violations = [], [], 0
    wall, cpu = time.perf_counter(), time.process_time()
    for index, document in enumerate(documents):
        started = time.perf_counter()
        graph = parse_data(document.encode(), "nt", f"synthetic provider {index}")
        parsed = time.perf_counter()
        report = validate(graph)
        parse_seconds.append(parsed - started)
        validate_seconds.append(time.perf_counter() - parsed)
        violations += len(report.violations)

    print(f"Python {platform.python_version()}, {platform.machine()}")
    print(f"{args.providers} manifests x {args.offerings} offerings: parse + validate "
          f"{time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; "
          f"parse {sum(parse_seconds):.1f} s, validate {sum(validate_seconds):.1f} s; "
          f"median per manifest {statistics.median(validate_seconds) * 1000:.0f} ms validate; "
          f"{violations} violations")


if __name__ == "__main__":
    main()
