"""Run a federated SPARQL query: SERVICE blocks in parallel, the rest locally.

The executor

1. parses the query and rejects any SERVICE IRI that is not a federation
   member before a single byte is sent. ``SERVICE ?var`` ranges over the
   members only, so a variable bound to any other IRI reaches nothing.
   pyoxigraph checks the query's syntax with every block left empty;
2. builds one sub-query per member, with every block for that member, the
   block's pushable FILTERs and only the variables the rest of the query uses;
3. sends the sub-queries concurrently over one pooled HTTP client, each with
   its member's time limit and the response size limit;
4. replaces each SERVICE block by a VALUES block holding exactly the
   solutions the member returned, and runs the rewritten query (which has no
   SERVICE left) in pyoxigraph, over an empty store or the one given; a
   query that is only a UNION of SERVICE blocks gets its result by concatenating
   the solutions instead (see :mod:`mpli_graph.federation.union`).

A member that fails is reported in the result's ``sources``. By default its
blocks contribute no solutions (``SERVICE SILENT`` blocks one empty solution,
as the SPARQL 1.1 Federated Query recommendation says) and the rest of the
result is returned; with ``partial=False`` the failure raises
LimitExceededError instead.

Blocks are fetched unbound in one round, except that a join partner that
returns more than ``bound_join_threshold`` solutions is fetched again in a
second round as a bound join (see :mod:`mpli_graph.federation.boundjoin`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed

import pyoxigraph as ox

from mpli_graph.errors import LimitExceededError, QuerySyntaxError
from mpli_graph.federation import plan as planning
from mpli_graph.federation.members import Federation
from mpli_graph.federation.parse import ParsedQuery, parse_query
from mpli_graph.federation.result import FederatedResult, SourceReport
from mpli_graph.federation.transport import Solutions, Transport
from mpli_graph.federation.union import UnionEncoder, union_plan, validation_query
from mpli_graph.federation.boundjoin import Partner, join_partners, join_values, values_clause

logger = logging.getLogger(__name__)

MAX_PARALLEL_REQUESTS = 64
"""Largest number of members asked at the same time."""

DEFAULT_BOUND_JOIN_THRESHOLD = 10_000
"""Solutions a join partner may return before it is fetched again as a bound join."""


class FederatedExecutor:
    """Run federated queries against the members of one federation."""

    def __init__(
        self,
        federation: Federation,
        transport: Transport | None = None,
        partial: bool = True,
        bound_join_threshold: int | None = DEFAULT_BOUND_JOIN_THRESHOLD,
    ) -> None:
        self.federation = federation
        self.bound_join_threshold = bound_join_threshold
        self.transport = transport or Transport()
        self._owns_transport = transport is None
        self.partial = partial
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, min(MAX_PARALLEL_REQUESTS, len(federation))),
            thread_name_prefix="mpli-federation",
        )

    def close(self) -> None:
        """Stop the worker threads and, if this executor made it, the HTTP client."""
        self._pool.shutdown(wait=True)
        if self._owns_transport:
            self.transport.close()

    def __enter__(self) -> FederatedExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def query(
        self, text: str, store: ox.Store | None = None, union_default_graph: bool = False
    ) -> FederatedResult:
        """Run a federated query and return its result with a report per member.

        The part outside SERVICE runs over ``store`` (an empty store when None),
        with the union of its graphs as default graph if ``union_default_graph``.
        """
        parsed = parse_query(text)
        plans = self.plan(parsed)
        check_syntax(validation_query(parsed))
        union = union_plan(parsed) if parsed.form == "SELECT" else None

        encoder = UnionEncoder(union) if union is not None and store is None else None
        partners = join_partners(parsed) if self.bound_join_threshold is not None else {}
        limited = self.limit_partners(plans, partners)

        started = time.monotonic()
        fetched, reports = self.fetch(parsed.prologue, plans, encoder.add if encoder else None)
        if limited:
            reports = self.fetch_truncated(parsed, plans, partners, limited, fetched, reports)
        logger.info(
            "fetched %d SERVICE blocks from %d members in %.1f ms",
            len(parsed.services),
            len(reports),
            (time.monotonic() - started) * 1000,
        )

        failed = [report for report in reports if report.status != "ok"]
        if failed and not self.partial:
            names = ", ".join(f"{report.endpoint} ({report.error})" for report in failed)
            raise LimitExceededError(f"federation members failed: {names}")

        if encoder is not None:
            return FederatedResult(parsed.form, encoder.finish(), reports)

        local_query = parsed.replace_services(self.replacements(parsed, plans, fetched))
        payload = run_locally(local_query, parsed.form, store or ox.Store(), union_default_graph)
        return FederatedResult(parsed.form, payload, reports)

    def plan(self, parsed: ParsedQuery) -> dict[str, list[planning.BlockPlan]]:
        """Group the blocks by member endpoint; reject blocks for non-members."""
        by_endpoint: dict[str, list[planning.BlockPlan]] = {}
        for block in parsed.services:
            if block.endpoint is not None:
                endpoints: Iterable[str] = [self.federation.member(block.endpoint).endpoint]
            else:
                endpoints = self.federation.endpoints

            projection = planning.projection_for(parsed, block)
            for endpoint in endpoints:
                block_plan = planning.BlockPlan(block, endpoint, projection, list(block.filters))
                by_endpoint.setdefault(endpoint, []).append(block_plan)
        return by_endpoint

    def limit_partners(
        self, plans: dict[str, list[planning.BlockPlan]], partners: dict[int, list[Partner]]
    ) -> set[int]:
        """Put a row limit on each join partner sent alone to its member; return their blocks."""
        limited = set()
        for endpoint_plans in plans.values():
            if len(endpoint_plans) == 1 and endpoint_plans[0].block.index in partners:
                endpoint_plans[0].limit = self.bound_join_threshold + 1
                limited.add(endpoint_plans[0].block.index)
        return limited

    def fetch_truncated(
        self,
        parsed: ParsedQuery,
        plans: dict[str, list[planning.BlockPlan]],
        partners: dict[int, list[Partner]],
        limited: set[int],
        fetched: dict[tuple[int, str], Solutions | None],
        reports: list[SourceReport],
    ) -> list[SourceReport]:
        """Fetch again each limited block that hit its limit, bound to a complete partner if any."""
        threshold = self.bound_join_threshold
        blocks = parsed.services
        truncated = [
            index
            for index in sorted(limited)
            if (solutions := fetched[(index, blocks[index].endpoint)]) is not None and len(solutions.rows) > threshold
        ]
        if not truncated:
            return reports

        second_round: dict[str, list[planning.BlockPlan]] = {}
        for index in truncated:
            bindings = ""
            for partner in partners[index]:
                partner_solutions = fetched.get((partner.index, blocks[partner.index].endpoint))
                if partner.index in truncated or partner_solutions is None:
                    continue
                values = join_values(partner_solutions, partner.variables)
                if values is not None and len(values) <= threshold:
                    bindings = values_clause(partner.variables, values)
                    break

            endpoint = blocks[index].endpoint
            logger.info("fetching block %d from %s again, %s", index, endpoint, "bound" if bindings else "unbound")
            second_round[endpoint] = [replace(plans[endpoint][0], limit=None, bindings=bindings)]

        refetched, second_reports = self.fetch(parsed.prologue, second_round)
        fetched.update(refetched)
        first_elapsed = {report.endpoint: report.elapsed_ms for report in reports}
        for report in second_reports:
            report.elapsed_ms += first_elapsed.get(report.endpoint, 0.0)
        replaced = {report.endpoint: report for report in second_reports}
        return [replaced.get(report.endpoint, report) for report in reports]

    def fetch(
        self,
        prologue: str,
        plans: dict[str, list[planning.BlockPlan]],
        on_block: Callable[[int, str, Solutions | None], None] | None = None,
    ) -> tuple[dict[tuple[int, str], Solutions | None], list[SourceReport]]:
        """Send one sub-query per member concurrently; return solutions per block and reports.

        ``on_block(block_index, endpoint, solutions)`` is called in this thread
        as each member's response arrives, so work on early responses overlaps
        with waiting for later ones.
        """
        futures = {}
        for endpoint, endpoint_plans in plans.items():
            member = self.federation.member(endpoint)
            query = planning.subquery(prologue, endpoint_plans)
            futures[self._pool.submit(self.transport.select, member, query)] = endpoint

        fetched: dict[tuple[int, str], Solutions | None] = {}
        reports: dict[str, SourceReport] = {}
        for future in as_completed(futures):
            endpoint = futures[future]
            solutions, reports[endpoint] = future.result()
            endpoint_plans = plans[endpoint]
            parts: list[Solutions | None] = [None] * len(endpoint_plans)
            if solutions is not None:
                parts = list(planning.split_solutions(solutions, endpoint_plans))
            for block_plan, part in zip(endpoint_plans, parts):
                fetched[(block_plan.block.index, endpoint)] = part
                if on_block is not None:
                    on_block(block_plan.block.index, endpoint, part)
        return fetched, [reports[endpoint] for endpoint in plans]

    def replacements(
        self,
        parsed: ParsedQuery,
        plans: dict[str, list[planning.BlockPlan]],
        fetched: dict[tuple[int, str], Solutions | None],
    ) -> dict[int, str]:
        """Return, per block, the local group pattern that stands for its solutions."""
        replacements = {}
        for block in parsed.services:
            if block.endpoint is not None:
                solutions = fetched[(block.index, block.endpoint)]
                replacements[block.index] = local_pattern(block.silent, solutions, f"{block.index}")
                continue

            branches = []
            for endpoint in self.federation.endpoints:
                solutions = fetched.get((block.index, endpoint))
                if (block.index, endpoint) not in fetched:
                    continue
                pattern = local_pattern(block.silent, solutions, f"{block.index}-{len(branches)}")
                branches.append(f"{{ VALUES ?{block.variable} {{ <{endpoint}> }} {pattern} }}")
            replacements[block.index] = (
                "{ " + " UNION ".join(branches) + " }" if branches else planning.NO_SOLUTIONS
            )
        return replacements


def local_pattern(silent: bool, solutions: Solutions | None, scope: str) -> str:
    """Return the pattern that stands for one block's fetched solutions."""
    if solutions is not None:
        return planning.values_group(solutions, scope)
    return planning.EMPTY_GROUP if silent else planning.NO_SOLUTIONS


def check_syntax(query: str) -> None:
    """Raise QuerySyntaxError if pyoxigraph rejects a query that has no SERVICE left."""
    try:
        result = ox.Store().query(query)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from None


def run_locally(query: str, form: str, store: ox.Store, union_default_graph: bool = False) -> bytes:
    """Run the rewritten query in pyoxigraph and serialize its result.

    The query no longer contains SERVICE, so pyoxigraph sends nothing: the
    tokenizer found every SERVICE keyword outside strings, IRIs and comments,
    each outermost block was replaced whole, and the replacements hold only
    VALUES, UNION, FILTER and terms serialized by pyoxigraph.
    """
    try:
        result = store.query(query, use_default_graph_as_union=union_default_graph)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return result.serialize(format=ox.QueryResultsFormat.JSON)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from None
    except (OSError, ValueError) as error:
        raise LimitExceededError(f"local evaluation of the federated query failed: {error}") from None
