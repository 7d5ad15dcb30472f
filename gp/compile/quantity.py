"""Kubernetes resource quantities ("500m", "1.5Gi", "2e3") as exact numbers, to compare a
request with its limit as the API server does (k8s.io/apimachinery/pkg/api/resource)."""

from __future__ import annotations

import re
from fractions import Fraction

_QUANTITY = re.compile(
    r"^([+-]?[0-9.]+)(([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$"
)
_SUFFIX = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    **{s: Fraction(1024 ** (i + 1)) for i, s in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))},
}


class QuantityError(ValueError):
    pass


def parse_quantity(value: object) -> Fraction:
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, (int, float)):
        return Fraction(value)
    text = str(value).strip()
    m = _QUANTITY.match(text)
    if not m or m.group(1).count(".") > 1 or m.group(1).strip("+-") in ("", "."):
        raise QuantityError(f"{value!r} is not a quantity")
    number = Fraction(m.group(1))
    if m.group(3):
        return number * Fraction(10) ** int(m.group(3)[1:])
    return number * _SUFFIX[m.group(4) or ""]
