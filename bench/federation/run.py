"""Benchmark federated queries: the floor, pyoxigraph, Virtuoso, Comunica 5 and MPLI's executor.

For 10 and 50 loopback endpoints (each serving a real example provider
manifest, see ``servers.py``) and an added response delay of 0 and 100 ms,
one run measures these ways to answer the same federated query:

- floor: one request per endpoint, all in parallel over kept-alive
  connections, carrying the already filtered and projected sub-query, with the
  solutions concatenated locally (the query is a UNION, so that is the join);
- pyoxigraph: ``Store().query`` with its own SERVICE support;
- Comunica 5 on the same query text (SERVICE mode), once with the engine's
  knowledge of the endpoints kept from earlier queries and once cleared
  before each query;
- Comunica 5 in its multi-source mode: the member sub-query with one
  ``sparql`` source per endpoint (by default only at 10 endpoints, see
  ``--multi-source-sizes``);
- Virtuoso 7 (Debian's package) on the same query text, sent to its own
  SPARQL endpoint, which evaluates the SERVICE clauses (see ``virtuoso.py``);
- mpli: :class:`~mpli_graph.federation.executor.FederatedExecutor`.

pyoxigraph and MPLI must return the floor's rows (as a multiset) or the run
fails; a peer that returns other rows is reported in the section. The
multi-source mode does not report which endpoint a row came from, so its rows are
compared without the member column. Times are wall-clock medians over
``--repeat`` rounds after one warm-up run, with the engines interleaved within
each round. Comunica's times are taken inside its Node process (see
``comunica.py``), Virtuoso's from opening a connection to the last byte of the
response. Run ``install-peers.sh`` once first, or pass ``--no-comunica``; pass
``--no-virtuoso`` when Virtuoso is not installed.

    .venv/bin/python bench/federation/run.py [--repeat 5] [--update-docs]
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from comunica import ComunicaRunner, comunica_version, node_version  # noqa: E402
from virtuoso import VirtuosoServer, virtuoso_version  # noqa: E402

from mpli_graph.federation.executor import FederatedExecutor  # noqa: E402
from mpli_graph.federation.members import members_from_urls  # noqa: E402

PREFIX = "PREFIX mpli: <https://w3id.org/mpli#>\n"
MEMBER_PATTERN = "?offering mpli:offeredBy ?provider ; mpli:vcpuCount ?vcpu ; mpli:memorySize ?memory"
MEMBER_FILTER = "FILTER(?vcpu >= 16 && ?memory >= 64)"
SUBQUERY = PREFIX + f"SELECT ?offering ?vcpu ?memory WHERE {{ {MEMBER_PATTERN} {MEMBER_FILTER} }}"

COMUNICA_MODES = ("comunica-service", "comunica-fresh", "comunica-sources")
PEER_LABELS = {
    "comunica-service": "Comunica SERVICE",
    "comunica-fresh": "Comunica SERVICE, cleared",
    "comunica-sources": "Comunica multi-source",
    "virtuoso": "Virtuoso SERVICE",
}

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Federation"


def federated_query(endpoints: list[str]) -> str:
    """Return the benchmark query: large offerings of every member, filter written outside SERVICE."""
    branches = "\n  UNION ".join(
        f"{{ SERVICE <{url}> {{ {MEMBER_PATTERN} }} {MEMBER_FILTER} BIND(<{url}> AS ?member) }}"
        for url in endpoints
    )
    return PREFIX + f"SELECT ?member ?offering ?vcpu ?memory WHERE {{\n  {branches}\n}}"


class Floor:
    """One kept-alive connection and one thread per endpoint; sends the ready sub-query."""

    def __init__(self, endpoints: list[str]) -> None:
        self.endpoints = endpoints
        self.connections = []
        for url in endpoints:
            parts = urlsplit(url)
            self.connections.append((http.client.HTTPConnection(parts.hostname, parts.port, timeout=30), parts.path))
        self.pool = ThreadPoolExecutor(max_workers=len(endpoints))
        self.body = urlencode({"query": SUBQUERY})

    def fetch(self, index: int) -> list[tuple]:
        connection, path = self.connections[index]
        connection.request(
            "POST",
            path,
            body=self.body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        response = connection.getresponse()
        data = response.read()
        member = f"<{self.endpoints[index]}>"
        solutions = ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        return [(member, str(row["offering"]), str(row["vcpu"]), str(row["memory"])) for row in solutions]

    def run(self) -> list[tuple]:
        rows: list[tuple] = []
        for part in self.pool.map(self.fetch, range(len(self.endpoints))):
            rows += part
        return rows

    def close(self) -> None:
        self.pool.shutdown()
        for connection, _ in self.connections:
            connection.close()


def rows_of(solutions) -> list[tuple]:
    """Return solutions as (member, offering, vcpu, memory) tuples of term text."""
    return [(str(row["member"]), str(row["offering"]), str(row["vcpu"]), str(row["memory"])) for row in solutions]


def clocked(function: Callable[[], object]) -> Callable[[], tuple[object, float]]:
    """Return a function that runs ``function`` and returns its output with the wall-clock seconds."""

    def run() -> tuple[object, float]:
        started = time.perf_counter()
        output = function()
        return output, time.perf_counter() - started

    return run


def timed(
    engines: dict[str, Callable[[], tuple[object, float]]], repeat: int
) -> tuple[dict[str, float], dict[str, list[float]], dict[str, object]]:
    """Run each engine once to warm up, then ``repeat`` rounds with the engines interleaved.

    Each engine returns its output and its own time in seconds. Interleaving
    spreads any slow moment of the machine over all engines. Returns the
    warm-up times, the measured times and the last output of each engine.
    """
    first: dict[str, float] = {}
    outputs: dict[str, object] = {}
    for name, engine in engines.items():
        outputs[name], first[name] = engine()

    times: dict[str, list[float]] = {name: [] for name in engines}
    for _ in range(repeat):
        for name, engine in engines.items():
            outputs[name], seconds = engine()
            times[name].append(seconds)
    return first, times, outputs


def request_counts(
    process: subprocess.Popen, engines: dict[str, Callable[[], tuple[object, float]]], count: int
) -> dict[str, float]:
    """Run each engine once more and return the requests it sent per endpoint."""
    requests_since_last(process)
    counts = {}
    for name, engine in engines.items():
        engine()
        counts[name] = sum(requests_since_last(process)) / count
    return counts


def row_difference(rows: list[tuple], reference: list[tuple]) -> str | None:
    """Describe how ``rows`` differ from ``reference`` as multisets, or return None if they are equal."""
    if sorted(rows) == sorted(reference):
        return None
    difference = collections.Counter(reference)
    difference.subtract(collections.Counter(rows))
    missing = [row for row, number in difference.items() if number > 0]
    extra = [row for row, number in difference.items() if number < 0]
    return (
        f"{len(rows)} rows instead of {len(reference)}: {len(missing)} distinct rows missing or too few times "
        f"(first: {missing[:2]}), {len(extra)} extra or too many times (first: {extra[:2]})"
    )


def compare_rows(outputs: dict[str, object]) -> dict[str, str]:
    """Check every engine's rows against the floor's, as multisets.

    Stops the run if pyoxigraph or MPLI differ. Returns how each peer
    (Comunica mode or Virtuoso) differs, because a peer returning wrong rows is a result to report. Comunica's
    multi-source rows have no member column, so they are compared with the
    floor's rows without it.
    """
    floor_rows = outputs["floor"]
    differences = {}
    for name, rows in outputs.items():
        reference = [row[1:] for row in floor_rows] if name == "comunica-sources" else floor_rows
        difference = row_difference(rows, reference)
        if difference is None:
            continue
        if name in ("mpli", "pyoxigraph"):
            raise SystemExit(f"{name} disagrees with the floor: {difference}")
        differences[name] = difference
    return differences


def measure(
    process: subprocess.Popen, endpoints: list[str], repeat: int, comunica: bool, virtuoso: bool, multi_source: bool
) -> dict:
    """Measure every engine on one set of endpoints; check they return the same rows."""
    query = federated_query(endpoints)
    floor = Floor(endpoints)
    executor = FederatedExecutor(members_from_urls(endpoints, timeout=30.0))
    mpli_results = []

    def run_mpli() -> list[tuple]:
        result = executor.query(query)
        mpli_results.append(result)
        return rows_of(result.solutions())

    engines = {
        "floor": clocked(floor.run),
        "mpli": clocked(run_mpli),
        "pyoxigraph": clocked(lambda: rows_of(ox.Store().query(query))),
    }
    variables = ["member", "offering", "vcpu", "memory"]
    runner = None
    server = None
    try:
        if virtuoso:
            server = VirtuosoServer()
            engines["virtuoso"] = lambda: server.query(query, variables)
        if comunica:
            runner = ComunicaRunner()
            engines["comunica-service"] = lambda: runner.query("service", query, [], variables)
            engines["comunica-fresh"] = lambda: runner.query("fresh", query, [], variables, fresh=True)
            if multi_source:
                engines["comunica-sources"] = lambda: runner.query("sources", SUBQUERY, endpoints, variables[1:])
        first, times, outputs = timed(engines, repeat)
        requests = request_counts(process, engines, len(endpoints))
    finally:
        floor.close()
        executor.close()
        if runner is not None:
            runner.close()
        if server is not None:
            server.close()

    differences = compare_rows(outputs)
    if not all(result.complete for result in mpli_results):
        raise SystemExit(f"a member failed: {mpli_results[-1].sources_json()}")

    result = {"rows": len(outputs["floor"]), "requests": requests, "differences": differences}
    result.update({name: statistics.median(values) for name, values in times.items()})
    if runner is not None:
        result["comunica-start"] = runner.start_seconds
        result["comunica-first"] = first["comunica-service"]
    if server is not None:
        result["virtuoso-start"] = server.start_seconds
    return result


def requests_since_last(process: subprocess.Popen) -> list[int]:
    """Return the requests each endpoint received since the previous call."""
    process.stdin.write("requests\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def start_servers(count: int) -> tuple[subprocess.Popen, list[str]]:
    """Start the endpoint process and return it with the endpoint URLs."""
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("servers.py")), str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    endpoints = json.loads(process.stdout.readline())
    return process, endpoints


def set_delay(process: subprocess.Popen, seconds: float) -> None:
    """Set the added response delay of every endpoint of a server process."""
    process.stdin.write(f"delay {seconds}\n")
    process.stdin.flush()
    if process.stdout.readline().strip() != "ok":
        raise SystemExit("the endpoint process did not confirm the delay")


def stop_servers(process: subprocess.Popen) -> None:
    """Stop the endpoint process started by this run."""
    process.stdin.write("quit\n")
    process.stdin.flush()
    process.wait(timeout=30)


def machine() -> str:
    """Return the CPU model, core count and memory of this machine."""
    model = platform.machine()
    memory = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kibibytes = int(meminfo.read_text(encoding="utf-8").split()[1])
        memory = f", {kibibytes / 1024 / 1024:.0f} GiB memory"
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()}"


def milliseconds(result: dict, name: str) -> str:
    """Return an engine's median time in milliseconds, or a dash if it was not run."""
    return f"{result[name] * 1000:.1f}" if name in result else "-"


def fastest_comunica(result: dict) -> tuple[str, float] | None:
    """Return the name and time of the fastest Comunica mode that returned the floor's rows, or None."""
    modes = [(name, result[name]) for name in COMUNICA_MODES if name in result and name not in result["differences"]]
    return min(modes, key=lambda mode: mode[1]) if modes else None


def render(results: list[dict], repeat: int, versions: str, load: float | None = None) -> str:
    """Return the Markdown section with the results tables and the targets check."""
    lines = [
        SECTION_TITLE,
        "",
        f"`bench/federation/run.py --repeat {repeat}`, all numbers below from one run on {machine()}, "
        f"with {versions}. Install Comunica and its Node runtime first with "
        "`bench/federation/install-peers.sh` (about 300 MB in the git-ignored `bench/federation/node/`), "
        "and Virtuoso with `apt-get install -y --no-install-recommends virtuoso-opensource` (Debian 12), "
        "or leave them out with `--no-comunica` and `--no-virtuoso`.",
        "",
        "Each endpoint serves one real example provider manifest (cycling through "
        "`examples/providers/`) from a separate process on 127.0.0.1, with an added delay "
        "before each response. The query asks every member for offerings with at least 16 vCPU "
        "and 64 GiB of memory, with the FILTER written outside the SERVICE blocks, and binds "
        "`?member` to the endpoint. The floor sends the filtered sub-query once per endpoint in "
        "parallel over kept-alive connections and concatenates the rows. Times are medians in "
        "milliseconds over rounds in which all engines take turns, after one warm-up round."
        + (
            f" The machine also ran other work: its 15-minute load average at the end of the run was "
            f"{load:.1f}, so the times are noisier than on an idle machine."
            if load is not None and load > 1.5
            else ""
        ),
        "",
        "Comunica runs in one long-lived Node process per configuration "
        "(`bench/federation/comunica-runner.mjs`), and its times are taken inside that process, "
        "from `queryBindings()` to the last solution, so neither Node's start-up nor the pipe to "
        "Python counts. It runs in three ways:",
        "",
        "- SERVICE: the same federated query text as the other engines, on an engine that has "
        "already answered it, so it keeps each endpoint's service description and cardinality "
        "counts from the earlier queries;",
        "- SERVICE, cleared: the same, with `invalidateHttpCache()` called before each query "
        "(outside the timing), so every query pays for those probes as a first query does;",
        "- multi-source: Comunica's native federation, the member sub-query (no SERVICE) with one "
        "source of type `sparql` per endpoint. This mode does not report which endpoint a row came "
        "from, so its rows are compared without the `?member` column.",
        "",
        "Virtuoso runs as a server on 127.0.0.1 with an empty database, started once per "
        "configuration by `bench/federation/virtuoso.py`. It receives the same federated query "
        "text at its own SPARQL endpoint and evaluates the SERVICE clauses itself. Its times run "
        "from opening a connection to the last byte of the response.",
        "",
        "| endpoints | delay | rows | floor | pyoxigraph SERVICE | Virtuoso SERVICE | Comunica SERVICE "
        "| Comunica SERVICE, cleared | Comunica multi-source | MPLI | MPLI / floor | MPLI - floor "
        "| fastest Comunica / MPLI |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        ratio = result["mpli"] / result["floor"]
        overhead = (result["mpli"] - result["floor"]) * 1000
        fastest = fastest_comunica(result)
        speedup = f"{fastest[1] / result['mpli']:.1f}" if fastest else "-"
        lines.append(
            f"| {result['endpoints']} | {result['delay'] * 1000:.0f} ms | {result['rows']} "
            f"| {milliseconds(result, 'floor')} | {milliseconds(result, 'pyoxigraph')} "
            f"| {milliseconds(result, 'virtuoso')} | {milliseconds(result, 'comunica-service')} "
            f"| {milliseconds(result, 'comunica-fresh')} | {milliseconds(result, 'comunica-sources')} "
            f"| {milliseconds(result, 'mpli')} | {ratio:.2f} | {overhead:.1f} | {speedup} |"
        )

    lines += [
        "",
        "Requests per endpoint for one query (counted by the endpoints after the timed rounds), "
        "and the peers' cold start, which the table above leaves out: starting Node and loading "
        "Comunica until the runner is ready, then Comunica's first query (SERVICE mode, on a new "
        "engine with nothing cached), and starting Virtuoso on an empty database until its SPARQL endpoint responds.",
        "",
        "| endpoints | delay | floor | pyoxigraph | Virtuoso | Comunica SERVICE | Comunica SERVICE, cleared "
        "| Comunica multi-source | MPLI | Comunica start | Comunica first query | Virtuoso start |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        requests = result["requests"]
        counts = " | ".join(
            f"{requests[name]:.1f}" if name in requests else "-"
            for name in ("floor", "pyoxigraph", "virtuoso", *COMUNICA_MODES, "mpli")
        )
        cold = " | ".join(
            f"{result[name] * 1000:.0f} ms" if name in result else "-"
            for name in ("comunica-start", "comunica-first", "virtuoso-start")
        )
        lines.append(f"| {result['endpoints']} | {result['delay'] * 1000:.0f} ms | {counts} | {cold} |")

    lines += [
        "",
        "What the peers sent, as seen by the endpoints (Comunica 5.4.1, Virtuoso 7.2.5): Comunica's "
        "first SERVICE query sends each endpoint a GET without a query (a service-description probe), "
        "a COUNT of the sub-query and then the SELECT, with the FILTER pushed into it. An engine that "
        "has already seen the endpoint sends only the SELECT. In multi-source mode Comunica first "
        "counts each triple pattern, filtered and unfiltered, at every endpoint, then sends one SELECT "
        "per triple pattern to each endpoint and joins the three patterns itself. Once it has the "
        "counts it sends only those SELECTs, and fewer to an endpoint where a count was 0. Virtuoso sends "
        "one GET per endpoint that asks for XML results and carries the three triple patterns without "
        "the FILTER, which it applies itself.",
    ]

    differences = [
        f"- {result['endpoints']} endpoints, {result['delay'] * 1000:.0f} ms, {PEER_LABELS[name]}: {text}"
        for result in results
        for name, text in result["differences"].items()
    ]
    lines.append("")
    if differences:
        lines += ["These peers returned other rows than the floor (as multisets of terms in N-Triples form):", ""]
        lines += [*differences, ""]
    else:
        lines += [
            "All engines returned the same rows as the floor in every configuration, as multisets of "
            "terms in N-Triples form (Comunica's multi-source mode without the member column).",
            "",
        ]

    skipped = [str(result["endpoints"]) for result in results if "comunica-service" in result and "comunica-sources" not in result]
    if skipped or any("comunica-sources" in result["differences"] for result in results):
        lines += [
            "Comunica's multi-source mode answers another question when several endpoints serve the same "
            "data. The endpoints form one dataset in which Comunica keeps a triple once per endpoint that "
            "serves it, so where k endpoints serve the same manifest, each of the three triple patterns "
            "matches k copies and each row comes back k³ times instead of the k times of the other "
            "engines, which keep each endpoint's rows apart. A separate check with every manifest on 2 "
            "endpoints gave 5,520 rows (690 distinct rows, 8 times each) against the floor's 1,380 (each "
            "twice). At 50 endpoints every manifest is on 5 or 6 endpoints; a run that included this mode "
            "there had not finished the 50-endpoint, 0 ms rounds after 14 minutes, with Node busy most "
            "of that time. "
            + (f"This run therefore leaves the mode out at {', '.join(sorted(set(skipped)))} endpoints. " if skipped else "")
            + "At 10 endpoints the only manifest served twice has no offering that matches, so the rows "
            "agree.",
            "",
        ]

    lines += [
        "MPLI sends the same filtered sub-query as the floor (it pushes the FILTER into each "
        "SERVICE block and projects only the variables the query uses) and, because the query "
        "is a UNION of SERVICE blocks, joins the members' solutions as JSON text instead of "
        "evaluating a VALUES query in pyoxigraph. What remains above the floor is client-side "
        "CPU work on a 2-core machine that also runs the endpoint process: parsing and planning "
        "the query, checking its syntax with pyoxigraph, httpx's per-request cost and encoding "
        "the solutions. `bench/federation/breakdown.py` prints these steps for one run.",
        "",
        "Targets: MPLI at most 1.2 times the floor with 100 ms delay, at most 15 ms above it with 0 ms; "
        "MPLI at least 3 times faster than the fastest Comunica 5 mode that returned the floor's rows, "
        "in every configuration. Each Comunica line also gives how much faster the floor is than that "
        "mode: where the floor itself is less than 3 times faster, no client that waits for the same "
        "endpoints can meet the target. The cleared SERVICE mode stands for a Comunica that meets the "
        "endpoints for the first time, as a one-off command-line query does.",
        "",
    ]
    for result in results:
        label = f"{result['endpoints']} endpoints, {result['delay'] * 1000:.0f} ms"
        if result["delay"] > 0:
            met = result["mpli"] <= 1.2 * result["floor"]
            target = "at most 1.2 x floor"
        else:
            met = (result["mpli"] - result["floor"]) * 1000 <= 15
            target = "at most 15 ms over floor"
        lines.append(f"- {label}: {target}: {'met' if met else 'NOT met'}")
        fastest = fastest_comunica(result)
        if fastest:
            name, seconds = fastest
            verdict = "met" if seconds >= 3 * result["mpli"] else "NOT met"
            lines.append(
                f"- {label}: at least 3 x faster than Comunica (fastest: {PEER_LABELS[name]}, "
                f"{seconds / result['mpli']:.1f} x; the floor is {seconds / result['floor']:.1f} x): {verdict}"
                + (
                    f"; MPLI is {result['comunica-fresh'] / result['mpli']:.1f} x faster than Comunica SERVICE, cleared"
                    if "comunica-fresh" in result
                    else ""
                )
            )
    return "\n".join(lines) + "\n"


def update_docs(section: str) -> None:
    """Replace the Federation section of docs/benchmarks.md, or append it, leaving other sections alone."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = text.find(SECTION_TITLE + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(SECTION_TITLE))
        text = text[:start] + section + ("\n" + text[end + 1 :] if end >= 0 else "")
    DOCS.write_text(text, encoding="utf-8")


def main() -> int:
    """Run every configuration and print the Markdown section."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per engine (default 5)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50], help="endpoint counts (default 10 50)")
    parser.add_argument("--delays", type=float, nargs="+", default=[0.0, 0.1], help="delays in seconds (default 0 0.1)")
    parser.add_argument("--update-docs", action="store_true", help="write the section into docs/benchmarks.md")
    parser.add_argument(
        "--no-comunica", action="store_true", help="leave Comunica out (when install-peers.sh has not been run)"
    )
    parser.add_argument("--no-virtuoso", action="store_true", help="leave Virtuoso out (when it is not installed)")
    parser.add_argument(
        "--multi-source-sizes",
        type=int,
        nargs="*",
        default=[10],
        help="endpoint counts at which Comunica's multi-source mode also runs (default 10)",
    )
    parser.add_argument("--save", type=Path, help="also write the measured results to this JSON file")
    parser.add_argument(
        "--from-results", type=Path, help="render the section from a file written by --save instead of measuring"
    )
    args = parser.parse_args()

    if args.from_results:
        saved = json.loads(args.from_results.read_text(encoding="utf-8"))
        section = render(saved["results"], saved["repeat"], saved["versions"], saved.get("load"))
    else:
        versions = f"Python {platform.python_version()}, pyoxigraph {ox.__version__}"
        if not args.no_comunica:
            versions += f", Comunica {comunica_version()} on Node {node_version()}"
        if not args.no_virtuoso:
            versions += f", Virtuoso {virtuoso_version()}"
        results = measure_all(args, not args.no_comunica, not args.no_virtuoso)
        load = os.getloadavg()[2]
        if args.save:
            saved = {"repeat": args.repeat, "versions": versions, "results": results, "load": load}
            args.save.write_text(json.dumps(saved, indent=1), encoding="utf-8")
        section = render(results, args.repeat, versions, load)

    print(section)
    if args.update_docs:
        update_docs(section)
    return 0


def measure_all(args: argparse.Namespace, comunica: bool, virtuoso: bool) -> list[dict]:
    """Measure every combination of endpoint count and delay, printing each result to standard error."""
    results = []
    for size in args.sizes:
        process, endpoints = start_servers(size)
        try:
            for delay in args.delays:
                set_delay(process, delay)
                multi_source = size in args.multi_source_sizes
                result = measure(process, endpoints, args.repeat, comunica, virtuoso, multi_source)
                result.update(endpoints=size, delay=delay)
                print(json.dumps(result), file=sys.stderr, flush=True)
                results.append(result)
        finally:
            stop_servers(process)
    return results


if __name__ == "__main__":
    sys.exit(main())
