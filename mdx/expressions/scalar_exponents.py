"""How the product of scalars cancels what a base-by-base count of exponents cannot see
(mdx.expressions.construct keeps {base: exponent} for a product's scalar factors):
a product raised to a power against its own factors, and a beside sqrt(a)."""

from __future__ import annotations

from fractions import Fraction

from .nodes import Func, Mul, Pow

F0, F1 = Fraction(0), Fraction(1)


def cancel_inside_products(exps: dict, order: list) -> None:
    """p q / (p q) = 1, p q / (p q)^2 = 1 / (p q), p / (p q) = 1 / q: whole copies of a
    product raised to an integer power cancel against its factors outside it; where only
    some factors are outside, the product is split into its factors (integer powers only:
    sqrt(a b) / a is not sqrt(b) / sqrt(a) for negative a and b)."""
    for b in [b for b in order if isinstance(b, Mul) and not b.chain]:
        k = exps[b]
        if k == 0 or k.denominator != 1 or b.coeff != 1:
            continue
        factors = [(f.base, f.k) if isinstance(f, Pow) else (f, F1) for f in b.scalars]
        if not all(fk.denominator == 1 for _, fk in factors) or \
                not any(exps.get(fb, F0) * k < 0 for fb, _ in factors):
            continue
        sign = 1 if k > 0 else -1
        outside = [exps.get(fb, F0) for fb, _ in factors]
        if all(fk == 1 for _, fk in factors) and all(o * sign < 0 and o.denominator == 1
                                                     for o in outside):
            t = min(min(abs(o) for o in outside), abs(k))     # whole copies of the product cancel
            exps[b] -= sign * t
            for fb, _ in factors:
                exps[fb] += sign * t
            continue
        del exps[b]
        order.remove(b)
        for fb, fk in factors:
            if fb not in exps:
                order.append(fb)
                exps[fb] = F0
            exps[fb] += fk * k


def fold_square_roots(exps: dict, order: list) -> None:
    """a / sqrt(a) = sqrt(a), sqrt(a) sqrt(a) = a: a beside sqrt(a) is sqrt(a)^2 (a ≥ 0 where
    sqrt(a) is real), and an even power of sqrt(a) a power of a."""
    for r in [r for r in order if isinstance(r, Func) and r.name == "sqrt" and not r.primes
              and r.defn is None]:
        k = exps.get(r.arg)
        if k and exps[r] and k.denominator == 1:
            exps[r] += 2 * k
            exps[r.arg] = F0
        if exps[r] and exps[r].denominator == 1 and exps[r].numerator % 2 == 0:
            if r.arg not in exps:
                order.append(r.arg)
                exps[r.arg] = F0
            exps[r.arg] += exps[r] / 2
            exps[r] = F0
