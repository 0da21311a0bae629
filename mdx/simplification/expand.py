"""Products multiplied out where terms then cancel: a Hadamard product over a sum factor
((1 - y) ∘ s - y ∘ (1 - s) = s - y), a scalar factor over a sum (σ (1 - y) - y (1 - σ) =
σ - y); taken only where the result reads shorter."""

from __future__ import annotations

from collections import Counter

from ..expressions import expr as E
from ..expressions.text import printed_length
from .means import is_centred
from .rule_types import on


def _distribute(t: E.Expr):
    """Terms of t with one Hadamard product distributed over a sum factor, or None."""
    coeff, scalars, chain = E.parts(t)
    if len(chain) != 1 or not isinstance(chain[0], E.Had):
        return None
    had = chain[0]
    # a centred factor a − mean(a) 1 stays whole: it is what means.centred_hadamard makes
    sums = [i for i, f in enumerate(had.factors) if isinstance(f, E.Add) and not is_centred(f)]
    if not sums:
        return None
    # the sum of quotients first: s ∘ (1 - s) ∘ (y ./ s - …) cancels over its terms
    i = max(sums, key=lambda k: sum(isinstance(t, E.EDiv) for t in had.factors[k].terms))
    others = had.factors[:i] + had.factors[i + 1:]
    return [E.mul(E.Num(coeff), *scalars, E.hadamard(*others, u)) for u in had.factors[i].terms]


def _expand_once(e: E.Expr):
    """e with every term's (or e's own) Hadamard product distributed over one sum factor."""
    terms, changed = [], False
    for t in (e.terms if isinstance(e, E.Add) else (e,)):
        parts = _distribute(t) or _scaled_sum(t)
        changed |= parts is not None
        terms.extend(parts if parts is not None else [t])
    return E.add(*terms) if changed else None


def _scaled_sum(t: E.Expr):
    """The terms of c (a + b), or None."""
    if isinstance(t, E.Mul) and not t.scalars and len(t.chain) == 1 and isinstance(t.chain[0], E.Add):
        return [E.scale(t.coeff, u) for u in t.chain[0].terms]
    return None


def squares(e: E.Expr, names: bool = False) -> E.Expr:
    """u ∘ u as u.^2 where u is more than a name (or any u, with `names`): 1 - tanh(u).^2
    and 1 ./ (1 + abs(x)).^2 as a textbook prints them.  The rules keep u ∘ u a product, so
    that σ ∘ (1 - σ) and (a ./ σ) ∘ σ find σ as a factor: this is for a finished result, and
    for measuring how long a product will print."""
    if not isinstance(e, E.Had):
        return e
    counts = Counter(e.factors)
    if all(k == 1 or (isinstance(f, E.Sym) and not names) for f, k in counts.items()):
        return e
    factors = []
    for f, k in counts.items():
        factors += [E.epower(f, k)] if k > 1 and (names or not isinstance(f, E.Sym)) else [f] * k
    return factors[0] if len(factors) == 1 else E.Had(tuple(factors))


MAX_EXPANDED_TERMS = 16


@on(E.Add, E.Had)
def expand_if_shorter(e: E.Expr):
    """Distribute Hadamard products over sums when terms then cancel:
    (1 - y) ∘ s - y ∘ (1 - s) = s - y, and s ∘ (y ./ s - (1 - y) ./ (1 - s)) ∘ (1 - s) = y - s."""
    if not isinstance(e, (E.Add, E.Had)):
        return None
    best, size, cand = None, printed_length(squares(e)), e
    for _ in range(3):                 # a sum inside a sum: expand a level at a time
        cand = _expand_once(cand)
        if cand is None or (isinstance(cand, E.Add) and len(cand.terms) > MAX_EXPANDED_TERMS):
            break
        if printed_length(cand) < size:
            best, size = cand, printed_length(cand)
    return best


def _negative_powers(t: E.Expr) -> int:
    return sum(isinstance(g, E.Pow) and g.k < 0 for g in E.parts(t)[1])


def _scalar_level(s: E.Expr):
    """(s with each term's product distributed over one sum factor, whether terms cancelled
    on the way), or None.  The sum with the most quotients first:
    σ ((1 - y)/(1 - σ) - y/σ)(1 - σ) cancels over its terms."""
    terms, changed, quotients = [], False, 0
    for t in (s.terms if isinstance(s, E.Add) else (s,)):
        coeff, scalars, chain = E.parts(t)
        sums = [i for i, f in enumerate(scalars) if isinstance(f, E.Add)]
        if chain or not sums:
            terms.append(t)
            continue
        i = max(sums, key=lambda k: sum(_negative_powers(u) for u in scalars[k].terms))
        rest = scalars[:i] + scalars[i + 1:]
        quotients += sum(_negative_powers(u) for u in scalars[i].terms) + \
            sum(isinstance(g, E.Pow) and g.k < 0 for g in rest)
        terms.extend(E.mul(E.Num(coeff), *rest, u) for u in scalars[i].terms)
        changed = True
    if not changed:
        return None
    out = E.add(*terms)
    kept = out.terms if isinstance(out, E.Add) else (out,)
    cancelled = len(kept) < len(terms) or sum(_negative_powers(t) for t in terms) < quotients
    return out, cancelled


def _expanded_scalar(s: E.Expr, cancelled: bool = False):
    """The shortest of s multiplied out one level, two, three, taken only where terms
    cancel (σ (1 - y) - y (1 - σ) = σ - y; σ (1 - σ) stays), or None."""
    best, size, cand = (s if cancelled else None), printed_length(s), s
    for _ in range(3):
        got = _scalar_level(cand)
        if got is None:
            break
        cand, cancels = got
        if isinstance(cand, E.Add) and len(cand.terms) > MAX_EXPANDED_TERMS:
            break
        if cancels and printed_length(cand) < size:
            best, size = cand, printed_length(cand)
    return best


def expand_scalar_factor(e: E.Expr):
    """The scalar factor of a product, or the scalar factors of the terms of a sum that share
    one matrix product, multiplied out where terms cancel:
    σ (1 - y) x - y (1 - σ) x = (σ - y) x."""
    if isinstance(e, E.Mul):
        if not any(isinstance(f, E.Add) for f in e.scalars):
            return None
        got = _expanded_scalar(E.mul(E.Num(e.coeff), *e.scalars))
        return None if got is None else E.mul(got, *e.chain)
    if not isinstance(e, E.Add):
        return None
    groups: dict = {}
    for t in e.terms:
        coeff, scalars, chain = E.parts(t)
        groups.setdefault(tuple(chain), []).append(E.mul(E.Num(coeff), *scalars))
    for chain, scalars in groups.items():
        if len(scalars) < 2:
            continue
        total = E.add(*scalars)
        merged = len(total.terms) if isinstance(total, E.Add) else 1
        got = _expanded_scalar(total, merged < len(scalars))
        if got is not None:
            rest = [t for t in e.terms if tuple(E.parts(t)[2]) != chain]
            return E.add(E.mul(got, *chain), *rest)
    return None
