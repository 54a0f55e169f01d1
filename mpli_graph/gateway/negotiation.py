"""Choose a response media type from an HTTP ``Accept`` header (RFC 9110, section 12.5.1).

The header lists media ranges with optional quality values (``q``). A server
offers a list of media types in its own order of preference; the best match
is the offered type with the highest quality, where a more specific range
(``text/turtle`` over ``text/*`` over ``*/*``) sets the quality of a type,
and ties go to the server's order. A quality of 0 means "not acceptable".
"""

from __future__ import annotations

from dataclasses import dataclass

from mpli_graph.errors import NotAcceptableError


@dataclass(frozen=True)
class MediaRange:
    """One entry of an ``Accept`` header: a type, a subtype and a quality."""

    type: str
    subtype: str
    quality: float
    parameters: tuple[tuple[str, str], ...] = ()

    def specificity(self) -> int:
        """Return 0 for ``*/*``, 1 for ``type/*``, 2 for a full type, 3 with parameters."""
        if self.type == "*":
            return 0
        if self.subtype == "*":
            return 1
        return 3 if self.parameters else 2

    def matches(self, media_type: str) -> bool:
        """Tell whether this range covers ``media_type`` (parameters of the offer are ignored)."""
        offered_type, _, offered_subtype = media_type.split(";")[0].strip().lower().partition("/")
        if self.type == "*":
            return True
        if self.type != offered_type:
            return False
        return self.subtype in ("*", offered_subtype)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an ``Accept`` header into media ranges; a missing or empty header accepts anything.

    Malformed entries (no ``/``, or a quality that is not a number between 0 and 1) are
    skipped, as RFC 9110 lets a server ignore what it cannot parse.
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]

    ranges: list[MediaRange] = []
    for entry in header.split(","):
        parts = [part.strip() for part in entry.split(";")]
        media_type = parts[0].lower()
        if "/" not in media_type:
            continue
        main_type, _, subtype = media_type.partition("/")
        if not main_type or not subtype or (main_type == "*" and subtype != "*"):
            continue

        quality = 1.0
        parameters: list[tuple[str, str]] = []
        valid = True
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            name = name.strip().lower()
            value = value.strip().strip('"')
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    valid = False
                    break
                if not 0.0 <= quality <= 1.0:
                    valid = False
                    break
            elif name:
                parameters.append((name, value))
        if valid:
            ranges.append(MediaRange(main_type, subtype, quality, tuple(parameters)))
    return ranges


def quality_of(media_type: str, ranges: list[MediaRange]) -> float:
    """Return the quality that ``ranges`` give ``media_type``: the most specific matching range wins."""
    best: MediaRange | None = None
    for media_range in ranges:
        if not media_range.matches(media_type):
            continue
        if best is None or media_range.specificity() > best.specificity():
            best = media_range
    return best.quality if best is not None else 0.0


def best_match(header: str | None, offers: list[str]) -> str | None:
    """Return the offered media type that ``header`` prefers, or ``None`` when none is acceptable.

    ``offers`` is in the server's order of preference, which breaks ties.
    """
    ranges = parse_accept(header)
    best_offer: str | None = None
    best_quality = 0.0
    for offer in offers:
        quality = quality_of(offer, ranges)
        if quality > best_quality:
            best_offer = offer
            best_quality = quality
    return best_offer


def negotiate(header: str | None, offers: list[str]) -> str:
    """Return the media type to send for ``header``; raise :class:`NotAcceptableError` if none fits."""
    chosen = best_match(header, offers)
    if chosen is None:
        raise NotAcceptableError(
            f"none of the media types in Accept: {header!r} is available here; "
            f"send Accept with one of: {', '.join(offers)}"
        )
    return chosen
