"""A clip's derivative is 1 only where clip passes its argument through, so beside it the
argument is the clip: clip'(u) ∘ u = clip'(u) ∘ clip(u).  The Huber loss's gradient
Xᵀ (clip'(u) ∘ u + clip(u) − clip(u) ∘ clip'(u)) is then Xᵀ clip(u), as a textbook
prints it."""

from __future__ import annotations

from collections import Counter

from ..expressions import expr as E
from ..expressions.kept import is_kept_prime
from ..language.composites import KEPT
from .rule_types import on


def _swapped(g: E.Expr, u: E.Expr, whole: E.Expr):
    """g with u (a term of it, or all of a sum's terms, or their negatives) written as
    whole; or None."""
    if g == u:
        return whole
    if not isinstance(g, E.Add):
        return None
    inner = list(u.terms) if isinstance(u, E.Add) else [u]
    have = Counter(g.terms)
    for sign, want in ((1, Counter(inner)), (-1, Counter(E.neg(t) for t in inner))):
        if not want - have:
            rest = list((have - want).elements())
            return E.add(*rest, whole if sign > 0 else E.neg(whole))
    return None


def _passes(m: E.Expr) -> bool:
    return is_kept_prime(m) and KEPT[m.name].passes


@on(E.Had)
def argument_beside_derivative(e: E.Expr):
    """f'(u) ∘ (u + v) = f'(u) ∘ (f(u) + v) for a kept f that passes u where f' ≠ 0; there
    f' is 1 (f is u on an open set), so f' is 0 or 1 and f'(u) ∘ f'(u) = f'(u)."""
    if not isinstance(e, E.Had):
        return None
    for i, m in enumerate(e.factors):
        if not _passes(m):
            continue
        whole = E.func(m.name, m.arg, 0, None, m.bounds)
        for k, g in enumerate(e.factors):
            if k == i:
                continue
            if g == m:
                return E.hadamard(*(f for j, f in enumerate(e.factors) if j != k))
            swapped = _swapped(g, m.arg, whole)
            if swapped is not None:
                factors = list(e.factors)
                factors[k] = swapped
                return E.hadamard(*factors)
    return None


def _cofactor(t: E.Expr, m: E.Expr):
    """t = c m ∘ r: c r, or None where m is no factor of t."""
    c, mono = E.split_coeff(t)
    if mono == m:
        return E.scale(c, E.ONE_SCALAR if m.is_scalar else E.ones(m.shape))
    if not isinstance(mono, E.Had) or m not in mono.factors:
        return None
    rest = list(mono.factors)
    rest.remove(m)
    return E.scale(c, E.hadamard(*rest))


@on(E.Add)
def argument_across_terms(e: E.Expr):
    """f'(u) ∘ a − f'(u) ∘ b + … = f'(u) ∘ (f(u) + …) where a − b + … holds u (the
    definition method multiplies u = X w − y out): the rule above, across terms."""
    if not isinstance(e, E.Add):
        return None
    masks = {f for t in e.terms for f in (E.split_coeff(t)[1].factors
                                          if isinstance(E.split_coeff(t)[1], E.Had) else ())
             if _passes(f)}
    for m in sorted(masks, key=lambda f: f.order):
        cofactors = [(i, c) for i, t in enumerate(e.terms) if (c := _cofactor(t, m)) is not None]
        if len(cofactors) < 2:
            continue
        whole = E.func(m.name, m.arg, 0, None, m.bounds)
        swapped = _swapped(E.add(*(c for _, c in cofactors)), m.arg, whole)
        if swapped is not None:
            taken = {i for i, _ in cofactors}
            return E.add(E.hadamard(m, swapped), *(t for i, t in enumerate(e.terms) if i not in taken))
    return None


@on(E.EPow)
def indicator_power(e: E.Expr):
    """f'(u).^k = f'(u) for k > 0, f' being 0 or 1 (above)."""
    if not isinstance(e, E.EPow) or not (_passes(e.base) and e.k > 0):
        return None
    return e.base


RULES = (argument_beside_derivative, argument_across_terms, indicator_power)
