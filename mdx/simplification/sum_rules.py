"""The rules of mdx.simplification.simplify that look at a whole sum or product: factoring common
factors out of a sum, Hadamard products distributed where terms then cancel, quotients
cancelled against their denominators, diagonals read as Hadamard products.  Each is a
plain function `expr -> expr or None` (None: the rule does not apply)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from math import gcd

from ..expressions import expr as E
from ..expressions.text import printed_length
from .rule_types import on


def _without(items, common) -> list:
    """items less one occurrence of each common factor."""
    rest = list(items)
    for f in common:
        rest.remove(f)
    return rest


def _common_scalars(parts):
    common = list(parts[0][1])
    for _, s, _ in parts[1:]:
        rest = list(s)
        keep = []
        for f in common:
            if f in rest:
                rest.remove(f)
                keep.append(f)
        common = keep
    return common


def _common_run(chains, from_end: bool) -> int:
    n = 0
    shortest = min(len(c) for c in chains)
    while n < shortest:
        idx = -1 - n if from_end else n
        f = chains[0][idx]
        if all(c[idx] == f for c in chains[1:]):
            n += 1
        else:
            break
    return n


@on(E.Add)
def factor_sum(e: E.Expr):
    """Pull common factors out of a sum: A X + A^T X = (A + A^T) X, 2 a + 2 b = 2 (a + b)."""
    if not isinstance(e, E.Add):
        return None
    return _factored(e, one_denominator=False)


@on(E.Add)
def factor_denominator(e: E.Expr):
    """One denominator out of a sum: A/2 + A^T/2 = (A + A^T)/2.  A rule of its own, tried
    after the others: taken first, the /2 outside hides the terms' own coefficients from
    the rules that merge them (a/2 ∘ (1 - s) + a/2 ∘ (1 + s) ...)."""
    if not isinstance(e, E.Add):
        return None
    dens = {E.split_coeff(t)[0].denominator for t in e.terms}
    if len(dens) != 1 or dens == {1}:
        return None                     # no denominator every term shares (most sums)
    out = _factored(e, one_denominator=True)
    if out is None or E.split_coeff(out)[0].denominator == 1:
        return None
    return out


def _factored(e: E.Expr, one_denominator: bool):
    if not isinstance(e, E.Add):
        return None
    parts = [E.parts(t) for t in e.terms]
    common = _common_scalars(parts)
    chains = [p[2] for p in parts]
    pre = _common_run(chains, False) if all(chains) else 0
    suf = _common_run(chains, True) if all(chains) else 0
    if pre and suf:
        # both ends: keep a factor of each end inside every term, A (B - B C B) Aᵀ
        shortest = min(len(c) for c in chains)
        while pre + suf >= shortest and (pre > 1 or suf > 1):
            if pre >= suf:
                pre -= 1
            else:
                suf -= 1
        if pre + suf >= shortest:
            suf = 0 if pre >= suf else suf
            pre = 0 if suf else pre
    g = _coeff_gcd([p[0] for p in parts], one_denominator)
    if not common and not pre and not suf and g == 1:
        return None
    if (pre or suf) and any(len(c) == pre + suf for c in chains):
        pre = suf = 0                 # A x + x = (A + I) x is no shorter: keep the sum
        if not common and g == 1:
            return None
    inner_terms = []
    for coeff, scalars, chain in parts:
        body = chain[pre:len(chain) - suf]
        inner_terms.append(E.mul(E.Num(coeff / g), *_without(scalars, common), *body))
    inner = E.add(*inner_terms)
    head = chains[0][:pre]
    tail = chains[0][len(chains[0]) - suf:] if suf else []
    out = E.mul(E.Num(g), *common, *head, inner, *tail)
    if g.denominator != 1 and not (common or pre or suf) and printed_length(out) > printed_length(e):
        return None                   # (a + b)/2 unless it reads longer than a/2 + b/2
    return out if out != e else None


def _coeff_gcd(coeffs, one_denominator: bool = False) -> Fraction:
    """The common factor of the coefficients, negative when all of them are; with
    `one_denominator`, a denominator all of them share is part of it (A/2 + Aᵀ/2)."""
    dens = {c.denominator for c in coeffs}
    if one_denominator and len(dens) == 1 and dens != {1}:
        d = dens.pop()
        return _coeff_gcd([c * d for c in coeffs]) / d
    sign = -1 if all(c < 0 for c in coeffs) else 1
    if len(dens) > 1:
        return Fraction(sign)
    g = 0
    for c in coeffs:
        g = gcd(g, int(abs(c)))
    return Fraction(sign * max(g, 1))


# Factoring part of a sum nests: the k terms of d tr(A1 X … Ak X) become a Horner form
# k levels deep, each level rebuilding the products below it (time k³, and k⁴ once the
# nest outgrew the main thread's stack), a form no shorter to read than the sum.
MAX_PARTIAL_TERMS = 12


@on(E.Add)
def factor_partial(e: E.Expr):
    """Factor the largest group of terms sharing a first or last factor:
    X^T a - X^T b + c = X^T (a - b) + c."""
    if not isinstance(e, E.Add) or not 3 <= len(e.terms) <= MAX_PARTIAL_TERMS:
        return None
    chains = [E.parts(t)[2] for t in e.terms]
    best = []
    for end in (0, -1):
        groups: dict = {}               # by first (last) factor, in order of appearance
        for i, c in enumerate(chains):
            if len(c) > 1:
                groups.setdefault(c[end], []).append(i)
        for group in groups.values():
            if len(best) < len(group) < len(e.terms):
                best = group
    if len(best) < 2:
        return None
    grouped = factor_sum(E.Add(tuple(e.terms[i] for i in best)))
    if grouped is None:
        return None
    rest = [t for i, t in enumerate(e.terms) if i not in best]
    return E.add(grouped, *rest)


@on(E.Add)
def factor_common_scalar(e: E.Expr):
    """s A − s B + C = s (A − B) + C for a scalar s (not a number) of some of the terms,
    where that prints shorter: (G − mean(G) 1 1ᵀ) / σ beside another term.  Last of the
    rules: the identities that need the terms apart (σ (1 − y) − y (1 − σ)) go first."""
    if not isinstance(e, E.Add) or not 3 <= len(e.terms) <= MAX_PARTIAL_TERMS:
        return None
    groups: dict = {}
    for i, t in enumerate(e.terms):
        for f in dict.fromkeys(E.parts(t)[1]):      # in order: a set's order varies by run
            groups.setdefault(f, []).append(i)
    before = printed_length(e)
    for f, group in sorted(groups.items(), key=lambda g: -len(g[1])):
        if not 2 <= len(group) < len(e.terms):
            continue
        grouped = factor_sum(E.Add(tuple(e.terms[i] for i in group)))
        if grouped is None:
            continue
        out = E.add(grouped, *(t for i, t in enumerate(e.terms) if i not in group))
        if printed_length(out) < before:
            return out
    return None


def ones_inner(e: E.Expr):
    """1^T v = v^T 1 = sum(v)."""
    if isinstance(e, E.Mul) and len(e.chain) == 2 and e.is_scalar:
        a, b = e.chain
        if isinstance(a, E.Ones):
            return E.mul(E.Num(e.coeff), *e.scalars, E.apply("sum", b))
        if isinstance(b, E.Ones):
            return E.mul(E.Num(e.coeff), *e.scalars, E.apply("sum", a))
    return None


def trace_of_outer(e: E.Expr):
    """tr(a b^T) = b^T a: no trace left around a scalar product; so also
    tr(A 1 1^T B) = 1^T B A 1 = sum(B A)."""
    if isinstance(e, E.Apply) and e.name == "tr" and isinstance(e.arg, E.Mul):
        ch = e.arg.chain
        if len(ch) >= 2 and ch[0].cols == "1":
            return E.mul(E.Num(e.arg.coeff), *e.arg.scalars, *ch[1:], ch[0])
        for i, f in enumerate(ch):
            if isinstance(f, E.Ones) and f.rows != "1" and f.cols != "1" and len(ch) >= 2:
                rest = ch[i + 1:] + ch[:i]
                return E.mul(E.Num(e.arg.coeff), *e.arg.scalars, E.apply("sum", E.mul(*rest)))
    return None


def _had_parts(t: E.Expr):
    """(coeff, scalars, Hadamard factors) of a term that is one vector or matrix."""
    coeff, scalars, chain = E.parts(t)
    if len(chain) != 1:
        return None
    body = chain[0]
    factors = []
    for f in (body.factors if isinstance(body, E.Had) else (body,)):
        if isinstance(f, E.EPow) and f.k.denominator == 1 and 1 < f.k <= 8:
            factors += [f.base] * int(f.k)      # σ.^2 = σ ∘ σ: its factor σ is shared with σ
        else:
            factors.append(f)
    return coeff, scalars, factors


@on(E.Add)
def factor_hadamard(e: E.Expr):
    """a ∘ c + b ∘ c = (a + b) ∘ c."""
    if not isinstance(e, E.Add) or e.is_scalar:
        return None
    parts = [_had_parts(t) for t in e.terms]
    if any(p is None for p in parts) or all(len(p[2]) < 2 for p in parts):
        return None
    shared = Counter(parts[0][2])
    for p in parts[1:]:
        shared &= Counter(p[2])          # a factor twice in every term is common twice
    common = list(shared.elements())
    if not common:
        return None
    rest = [E.mul(E.Num(coeff), *scalars, _had_or_ones(_without(factors, common), e.shape))
            for coeff, scalars, factors in parts]
    out = E.hadamard(E.add(*rest), *common)
    if any(len(p[2]) == len(common) for p in parts) and printed_length(out) >= printed_length(e):
        return None                      # a + a ∘ b = a ∘ (1 + b) only where it reads shorter
    return out


def _had_or_ones(factors, shape) -> E.Expr:
    """The Hadamard product of factors; of none, the ones it leaves (a = a ∘ 1)."""
    return E.hadamard(*factors) if factors else E.ones(shape)


def _cancelled(t: E.Expr, q: E.EDiv, right: bool):
    """t q with q = v ./ u, when t ends in uᵀ (uᵀ (v ./ u) = sum(v)) or diag(u)
    (diag(u) (v ./ u) = v); with right False, q t and q a row.  None otherwise."""
    coeff, scalars, chain = E.parts(t)
    if not chain:
        return None
    end = chain[-1] if right else chain[0]
    rest = chain[:-1] if right else chain[1:]
    u, v = q.den, q.num
    if end == (E.transpose(u) if right else u):
        return E.mul(E.Num(coeff), *scalars, E.apply("sum", v), *rest)
    if isinstance(end, E.Apply) and end.name == "diagm" and end.arg == u:
        return E.mul(E.Num(coeff), *scalars, *rest, v) if right else \
            E.mul(E.Num(coeff), *scalars, E.transpose(v), *rest)
    return None


@on(E.Mul)
def cancel_quotient(e: E.Expr):
    """(s sᵀ − diag(s)) (y ./ s) = sum(y) s − y: distribute a sum over a quotient it cancels."""
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    for i, f in enumerate(chain):
        if not isinstance(f, E.Add):
            continue
        for j, right in ((i + 1, True), (i - 1, False)):
            if not 0 <= j < len(chain):
                continue
            q = chain[j] if right else E.transpose(chain[j])
            if not (isinstance(q, E.EDiv) and q.cols == "1" and q.rows != "1"):
                continue
            parts = [_cancelled(t, q, right) for t in f.terms]
            if all(p is None for p in parts):
                continue
            terms = [p if p is not None else (E.mul(t, chain[j]) if right else E.mul(chain[j], t))
                     for p, t in zip(parts, f.terms)]
            lo, hi = (i, j + 1) if right else (j, i + 1)
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:lo], E.add(*terms), *chain[hi:])
    return None


@on(E.Mul)
def diag_to_hadamard(e: E.Expr):
    """diag(u) M v = u ∘ (M v) and vᵀ M diag(u) = (u ∘ (Mᵀ v))ᵀ: backprop's Hadamard form."""
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    first = next((i for i, f in enumerate(chain) if isinstance(f, E.Apply) and f.name == "diagm"), None)
    if first is not None and chain[-1].cols == "1" and all(f.cols != "1" for f in chain[first:-1]):
        # M1 diag(u1) M2 diag(u2) … v, backprop's shape: from the right in one pass, where
        # one diag at a time rebuilt the rest of the chain for each (quadratic in depth)
        v = chain[-1]
        for f in reversed(chain[first:-1]):
            v = E.hadamard(f.arg, v) if isinstance(f, E.Apply) and f.name == "diagm" else E.mul(f, v)
        return E.mul(E.Num(e.coeff), *e.scalars, *chain[:first], v)
    for i, f in enumerate(chain):
        if not (isinstance(f, E.Apply) and f.name == "diagm"):
            continue
        for j in range(i + 1, len(chain)):
            if chain[j].cols == "1":
                new = E.hadamard(f.arg, E.mul(*chain[i + 1:j + 1]))
                return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], new, *chain[j + 1:])
        for k in range(i - 1, -1, -1):
            if chain[k].rows == "1":
                row = E.transpose(E.mul(*chain[k:i]))
                new = E.transpose(E.hadamard(f.arg, row))
                return E.mul(E.Num(e.coeff), *e.scalars, *chain[:k], new, *chain[i + 1:])
    return None


def broadcast_hadamard(e: E.Expr):
    """A ∘ (1 r) = A diag(rᵀ) and A ∘ (c 1ᵀ) = diag(c) A: a row broadcast down the
    columns scales them, a column broadcast along the rows scales the rows."""
    if not isinstance(e, E.Had) or "1" in e.shape:
        return None
    for i, f in enumerate(e.factors):
        if not isinstance(f, E.Mul) or len(f.chain) < 2:
            continue
        rest = E.hadamard(*(e.factors[:i] + e.factors[i + 1:]))
        first, last = f.chain[0], f.chain[-1]
        if isinstance(first, E.Ones):
            row = E.mul(E.transpose(E.ones((first.cols, "1"))), *f.chain[1:])
            return E.mul(E.Num(f.coeff), *f.scalars, rest, E.apply("diagm", E.transpose(row)))
        if isinstance(last, E.Ones):
            col = E.mul(*f.chain[:-1], E.ones((last.rows, "1")))
            return E.mul(E.Num(f.coeff), *f.scalars, E.apply("diagm", col), rest)
    return None
