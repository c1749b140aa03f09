"""A person's value for a field, in the contract's form of the value it replaces.

The review queue sends what a person typed; the store keeps it in the form
the contract gives that field, so the exports and the checks read it as they
read the machine's: ``3,369.6`` for an amount is ``"3369.60"``, ``1 026`` for a
count is ``1026``.  A value that is not of the field's kind is refused.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline import normalize

_DECIMAL = re.compile(r"-?\d+\.\d+")
_NUMBER_ONLY = re.compile(r"[\s\d,.+\-%]+")


def corrected_value(current: Any, given: Any) -> Any:
    """``given`` in the form of ``current`` (a decimal string, a whole number
    or text); ``None`` clears the field.  Raises ValueError for a value of
    another kind (letters for an amount)."""
    if given is None:
        return None
    text = str(given).strip()
    if isinstance(current, bool) or current is None or not (isinstance(current, int) or _is_decimal(current)):
        return text  # text, or a field not read before: taken as typed
    if not _NUMBER_ONLY.fullmatch(normalize.fold(text)):
        raise ValueError(f"{given!r} is not a number")
    reading = normalize.count(text) if isinstance(current, int) else normalize.percentage(text)
    if reading.value is None or reading.doubtful:
        kind = "a whole number" if isinstance(current, int) else "a number"
        raise ValueError(f"{given!r} is not {kind}")
    return reading.value


def _is_decimal(value: Any) -> bool:
    return isinstance(value, str) and _DECIMAL.fullmatch(value) is not None
