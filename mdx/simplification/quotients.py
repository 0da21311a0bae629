"""Elementwise quotients brought over one denominator where that makes the sum shorter.

Softsign's derivative reaches 1 ./ h - abs(x) ./ (h ∘ h) with h = 1 + abs(x); over the one
denominator h ∘ h its numerator h - abs(x) is 1, the textbook's 1 ./ (1 + abs(x)).^2.  The
rule tries a ./ d1 + b ./ d2 where d1's factors are among d2's (h and h ∘ h, h and h.^2, h and
h) and keeps the result only when it prints shorter: most pairs of quotients do not cancel."""

from __future__ import annotations

from collections import Counter

from ..expressions import expr as E
from ..expressions.text import printed_length
from .expand import squares
from .rule_types import on


def _factors(den: E.Expr) -> Counter:
    """The denominator's factors with their integer powers spelled out (h.^2 is h, h)."""
    out: Counter = Counter()
    for f in den.factors if isinstance(den, E.Had) else (den,):
        if isinstance(f, E.EPow) and f.k.denominator == 1 and f.k > 0:
            out[f.base] += int(f.k)
        else:
            out[f] += 1
    return out


def _quotient(t: E.Expr):
    """(scale, numerator, denominator) of a term c s (a ./ d), or None."""
    coeff, scalars, chain = E.parts(t)
    if len(chain) != 1 or not isinstance(chain[0], E.EDiv):
        return None
    q = chain[0]
    return E.mul(E.Num(coeff), *scalars), q.num, q.den


def _hadamard_of(counts: Counter, shape) -> E.Expr:
    factors = [f for f, k in counts.items() for _ in range(k)]
    return E.hadamard(*factors) if factors else E.Ones(shape)


def _powers(t: E.Expr) -> E.Expr:
    """t's terms with x ∘ x written x.^2, so that 1 + x.^2 - 2 (x ∘ x) collects to 1 - x.^2."""
    return E.add(*(_term_powers(u) for u in (t.terms if isinstance(t, E.Add) else (t,))))


def _term_powers(u: E.Expr) -> E.Expr:
    coeff, scalars, chain = E.parts(u)
    return E.mul(E.Num(coeff), *scalars, *(squares(f, names=True) for f in chain))


@on(E.Add)
def common_denominator(e: E.Expr):
    """a ./ d1 + b ./ d2 = (a ∘ (d2 / d1) + b) ./ d2 for the first pair of terms where d2
    holds d1's factors and that prints shorter; else None."""
    if not isinstance(e, E.Add):
        return None
    terms = list(e.terms)
    quotients = [(i, _quotient(t)) for i, t in enumerate(terms)]
    quotients = [(i, q) for i, q in quotients if q is not None]
    for i, (s1, a, d1) in quotients:
        f1 = _factors(d1)
        for j, (s2, b, d2) in quotients:
            f2 = _factors(d2)
            if i == j or (f1 == f2 and j < i) or not f1 <= f2:
                continue
            extra = _hadamard_of(f2 - f1, d2.shape)
            top = E.add(*map(_powers, (E.mul(s1, E.hadamard(a, extra)), E.mul(s2, b))))
            merged = E.ediv(top, d2)
            before = E.add(terms[i], terms[j])
            if printed_length(merged) < printed_length(before):
                rest = [t for k, t in enumerate(terms) if k not in (i, j)]
                return E.add(merged, *rest)
    return None
