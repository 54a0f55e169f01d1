"""Split the executor's time on the benchmark query into its steps, next to the floor.

    .venv/bin/python bench/federation/breakdown.py [--endpoints 50] [--delay 0] [--rounds 3]

Prints, per round, the milliseconds spent parsing and planning, checking the
syntax, fetching (requests and parsing the members' results) and encoding the
UNION's JSON result, then the floor's time for the same endpoints.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as benchmark  # noqa: E402

from mpli_graph.federation.executor import FederatedExecutor, check_syntax  # noqa: E402
from mpli_graph.federation.members import members_from_urls  # noqa: E402
from mpli_graph.federation.parse import parse_query  # noqa: E402
from mpli_graph.federation.union import UnionEncoder, union_plan, validation_query  # noqa: E402


def main() -> int:
    """Measure the steps for one endpoint count and delay."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--endpoints", type=int, default=50, help="number of endpoints (default 50)")
    parser.add_argument("--delay", type=float, default=0.0, help="added delay in seconds (default 0)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds after one warm-up (default 3)")
    args = parser.parse_args()

    process, endpoints = benchmark.start_servers(args.endpoints)
    benchmark.set_delay(process, args.delay)
    query = benchmark.federated_query(endpoints)
    executor = FederatedExecutor(members_from_urls(endpoints, timeout=30.0))
    floor = benchmark.Floor(endpoints)
    try:
        for round_number in range(args.rounds + 1):
            started = time.perf_counter()
            parsed = parse_query(query)
            plans = executor.plan(parsed)
            planned = time.perf_counter()
            check_syntax(validation_query(parsed))
            union = union_plan(parsed)
            checked = time.perf_counter()
            fetched, _ = executor.fetch(parsed.prologue, plans)
            received = time.perf_counter()
            encoder = UnionEncoder(union)
            for branch in union.branches:
                encoder.add(branch.block.index, branch.block.endpoint, fetched[(branch.block.index, branch.block.endpoint)])
            encoder.finish()
            encoded = time.perf_counter()
            floor.run()
            floor_done = time.perf_counter()

            if round_number == 0:
                continue
            print(
                f"parse+plan {1000 * (planned - started):.1f} ms, syntax check {1000 * (checked - planned):.1f} ms, "
                f"fetch {1000 * (received - checked):.1f} ms, encode {1000 * (encoded - received):.1f} ms "
                f"| floor {1000 * (floor_done - encoded):.1f} ms"
            )
    finally:
        floor.close()
        executor.close()
        benchmark.stop_servers(process)
    return 0


if __name__ == "__main__":
    sys.exit(main())
