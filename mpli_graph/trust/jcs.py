"""JSON Canonicalization Scheme (RFC 8785).

Used by eddsa-jcs-2022 and by Gaia-X ``gx:integrity`` hashes. Object members
are sorted by their UTF-16 code units, strings use the minimal JSON escapes,
and numbers use the ECMAScript shortest round-trip form.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal

from mpli_graph.trust.errors import MalformedCredentialError


def canonicalize_json(value: object) -> bytes:
    """Serialize a JSON value in RFC 8785 canonical form, as UTF-8 bytes."""
    return _serialize(value).encode("utf-8")


def _serialize(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _serialize_string(value)
    if isinstance(value, int):
        return _serialize_number(float(value)) if abs(value) >= 2**53 else str(value)
    if isinstance(value, float):
        return _serialize_number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_serialize(item) for item in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise MalformedCredentialError(f"invalid JSON object key {key!r}: keys must be strings")
        members = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(_serialize_string(k) + ":" + _serialize(v) for k, v in members) + "}"
    raise MalformedCredentialError(f"value of type {type(value).__name__} is not JSON")


def _serialize_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _serialize_number(number: float) -> str:
    if math.isnan(number) or math.isinf(number):
        raise MalformedCredentialError(f"{number} is not a valid JSON number")
    if number == 0:
        return "0"
    # Python's repr gives the shortest round-trip digits; reshape them into the ECMAScript form.
    sign = "-" if number < 0 else ""
    decimal_digits = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(str(digit) for digit in decimal_digits.digits)
    point = len(digits) + int(decimal_digits.exponent)

    if 0 < point <= 21:
        if len(digits) <= point:
            return sign + digits + "0" * (point - len(digits))
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * (-point) + digits
    exponent_value = point - 1
    exponent_sign = "+" if exponent_value >= 0 else "-"
    body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return sign + body + "e" + exponent_sign + str(abs(exponent_value))
