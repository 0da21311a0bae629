"""The printed forms of a function kept whole with its parameters (f(u, lo, hi),
mdx.language.composites.Kept) that every printer shares: its derivative f'(u) is a node
of its own, so that the simplifier can use what f' means (f'(u) ∘ u = f'(u) ∘ f(u)),
and it prints as the expression the table gives for it."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from . import construct, nodes as N, operators
from ..language.composites import KEPT

# the constructors a table's derivative is written with (mdx.expressions.expr's, without
# the printers, which print it: this module is below them)
_E = SimpleNamespace(**{k: v for m in (N, construct, operators) for k, v in vars(m).items()
                        if not k.startswith("_")})


@lru_cache(maxsize=256)
def kept_prime(e: N.Func) -> N.Expr:
    """f'(u) of a kept function written in the language's terms (steps and Heavisides)."""
    return KEPT[e.name].derivative(_E, e.arg, *e.bounds)


def is_kept_prime(e: N.Expr) -> bool:
    return isinstance(e, N.Func) and bool(e.bounds) and e.primes > 0
