"""Render a resolution as a plain-text table for the terminal.

The table lists the best compatible offerings with their provider, the values
that the requirements looked at, and the price per hour. Below it, the best
incompatible offerings ("near misses") show which requirement failed and why,
as expected against actual.
"""

from __future__ import annotations

from mpli_graph.resolution.verdicts import SATISFIED, UNKNOWN, Verdict
from mpli_graph.resolution.ranking import OfferingResult
from mpli_graph.resolution.result import Resolution

__all__ = ["render_table"]

_MARKS = {"satisfied": "ok", "violated": "NO", "unknown": "??"}
_KEY_KINDS = ("minimum", "maximum", "set")


def render_table(resolution: Resolution, *, top: int = 10, near_misses: int = 5) -> str:
    """Return the top compatible offerings and the closest near misses as text."""
    compatible = resolution.compatible
    lines = [
        f"Consumer {resolution.consumer.consumer}",
        f"{len(resolution.consumer.requirements)} requirements, {resolution.offering_count} offerings, "
        f"{resolution.compatible_total} compatible",
        "",
    ]
    lines += [f"  {_requirement_line(r)}" for r in resolution.consumer.requirements]
    lines.append("")

    if compatible:
        lines.append(f"Best compatible offerings (top {min(top, len(compatible))} of {resolution.compatible_total}):")
        lines += _offering_table(resolution, compatible[:top])
    else:
        lines.append("No offering satisfies every must requirement.")

    misses = [r for r in resolution.results if not r.compatible][:near_misses]
    if misses:
        lines.append("")
        lines.append("Near misses (closest incompatible offerings) and why:")
        for result in misses:
            lines.append(f"  #{result.rank} {_name(result)}  ({_provider(result)})")
            for verdict in result.verdicts:
                if verdict.verdict != SATISFIED:
                    lines.append(f"      {_explain(verdict)}")
    return "\n".join(lines)


def _offering_table(resolution: Resolution, results: list[OfferingResult]) -> list[str]:
    header = ("rank", "offering", "provider", "score", "price/h", "key values")
    rows = [header]
    for result in results:
        price = resolution.price_text(result) or "-"
        rows.append(
            (
                str(result.rank),
                _name(result),
                _provider(result),
                f"{result.score:.2f}",
                price,
                _key_values(result),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(len(widths))] + [row[-1]]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _key_values(result: OfferingResult) -> str:
    values = []
    for verdict in result.verdicts:
        if verdict.requirement.kind in _KEY_KINDS and verdict.actual:
            name = verdict.requirement.label or verdict.requirement.kind
            values.append(f"{name}: {verdict.actual}")
    return "; ".join(values)


def _explain(verdict: Verdict) -> str:
    requirement = verdict.requirement
    name = requirement.label or requirement.key
    mark = _MARKS[verdict.verdict]
    found = verdict.actual if verdict.actual is not None else "nothing stated"
    text = f"{mark} {requirement.strength} {name}: expected {verdict.expected}, found {found}"
    if verdict.note:
        text += f" ({verdict.note})"
    if verdict.verdict == UNKNOWN and requirement.is_must:
        text += "; an unknown value does not count as satisfied"
    return text


def _requirement_line(requirement) -> str:
    strength = requirement.strength if requirement.is_must else f"should (weight {requirement.weight:g})"
    return f"- {requirement.label or requirement.key} [{requirement.kind}, {strength}]"


def _name(result: OfferingResult) -> str:
    return result.label or result.offering_id or result.offering


def _provider(result: OfferingResult) -> str:
    return result.provider_label or result.provider
