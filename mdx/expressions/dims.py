"""Dimensions of typed expressions: names such as "n", numbers such as "3", "1" for
a unit dimension, and products "m*n" (vec and Kronecker forms), kept canonical
(factors sorted, ones dropped) so that equal sizes compare equal."""

from __future__ import annotations

ONE = "1"


def dim_mul(*dims: str) -> str:
    factors = []
    number = 1
    for d in dims:
        for f in d.split("*"):
            if f.isdigit():
                number *= int(f)
            else:
                factors.append(f)
    factors.sort()
    if number != 1 or not factors:
        factors.insert(0, str(number))
    return "*".join(factors)


def is_one(d: str) -> bool:
    return d == ONE


def concrete_shape(shape, sizes: dict) -> tuple:
    """A shape in numbers, each size name given by `sizes` (a name it does not give is 1)."""
    out = []
    for d in shape:
        n = 1
        for part in d.split("*"):
            n *= int(part) if part.isdigit() else sizes.get(part, 1)
        out.append(n)
    return tuple(out)
