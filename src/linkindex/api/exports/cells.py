"""How one value of an API result is written in a CSV cell: as the page's JavaScript wrote it
(String(value)), with text a spreadsheet would run as a formula escaped.
"""

from __future__ import annotations

import math
from decimal import Decimal

# A text cell starting with one of these is taken for a formula by spreadsheets; anchors and
# titles are whatever crawled pages say, so one could run when the file is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """The text with an apostrophe first when a spreadsheet would take it for a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def js_number(value: float) -> str:
    """A float as JavaScript's Number#toString writes it (0.5, 1 for 1.0, 1e-7, 1e+21): the
    exports wrote numbers so before they moved to the server, and their files stay the same."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    # repr gives the shortest digits that read back as the same float, as JavaScript does;
    # only where the decimal point and exponent go differs (ECMA-262, Number::toString).
    shortest = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, shortest.digits))
    k = len(digits)
    n = int(shortest.exponent) + k  # value = 0.<digits> x 10^n
    sign = "-" if value < 0 else ""
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{sign}{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return f"{sign}0.{'0' * -n}{digits}"
    mantissa = digits[0] + (f".{digits[1:]}" if k > 1 else "")
    return f"{sign}{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def cell(value: object) -> str:
    """One result value as its cell's text (before CSV quoting); a missing value is empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return spreadsheet_safe(value)
    if isinstance(value, float):
        return js_number(value)
    return str(value)  # an integer, negative ones included, as it is
