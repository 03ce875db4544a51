"""Decoding a request body into its msgspec type: strict, except that 31.0 is the integer 31.

JSON has one number type. JSON Schema's `integer` is any number whose fraction is zero, so
`31.0` is a valid `"limit"` under the published document; and a client that computes a limit
(`total / 2` in Python, any number in JavaScript) can send it. msgspec's strict mode refuses
every float where an int is declared, and its lax mode would also take the string "31", which
the API refuses on purpose (docs/api.md, "Errors"). So a body is decoded strictly first (every
well-typed request takes only that path), and only a body refused by it is read again with its
integral floats turned into ints. `31.5` stays a float and is refused as before.
"""

from __future__ import annotations

from typing import Any

import msgspec

# Integral floats beyond this are not read as ints: no integer field takes such values, and
# int(1e308) would be a 308-digit number in the error message.
_LARGEST = 2.0**63


def integral_floats_to_ints(value: Any) -> Any:
    """The decoded JSON value with every float that has no fraction (31.0) as an int (31)."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _LARGEST else value
    if isinstance(value, list):
        return [integral_floats_to_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: integral_floats_to_ints(item) for key, item in value.items()}
    return value


def decode_request(decoder: msgspec.json.Decoder, request_type: type, body: bytes) -> Any:
    """The body as request_type, strictly typed but for integral floats where ints belong.

    Raises msgspec.ValidationError or msgspec.DecodeError as the strict decoder does.
    """
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as exc:
        if "got `float`" not in str(exc):
            raise
        # A float where an int belongs: read again with integral floats as ints. A float
        # with a fraction is refused by the conversion with the same message as above.
        return msgspec.convert(
            integral_floats_to_ints(msgspec.json.decode(body)), request_type, strict=True
        )
