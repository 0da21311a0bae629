"""Means as a textbook writes them: sum(M) / (m n) = mean(M), and the centred forms that
normalisation layers lead to,

    G ∘ X − mean(X) G = G ∘ (X − mean(X) 1 1ᵀ)
    α sum(G ∘ X) R − α sum(G) mean(X) R = α sum(G ∘ (X − mean(X) 1 1ᵀ)) R

(the second as the definition method writes it, term by term; for vectors uᵀv − sum(u) mean(v)
= uᵀ(v − mean(v) 1))."""

from __future__ import annotations

from ..expressions import expr as E
from ..expressions.dims import ONE
from .rule_types import on


@on(E.Mul)
def mean_of_sum(e: E.Expr):
    """c sum(M) / N = c mean(M), N the number of entries of M (a size product or a number)."""
    if not isinstance(e, E.Mul):
        return None
    if e.coeff.denominator == 1 and not any(isinstance(s, E.Pow) and s.k < 0 for s in e.scalars):
        return None                     # nothing divides: no count to cancel
    for k, s in enumerate(e.scalars):
        if not (isinstance(s, E.Apply) and s.name == "sum") or s.arg.is_scalar:
            continue
        rest = E.mul(E.Num(e.coeff), *e.scalars[:k], *e.scalars[k + 1:])
        times_count = E.mul(rest, E.entry_count(s.arg.shape))
        if _simpler(times_count, rest):                             # the count cancelled
            return E.mul(times_count, E.apply("mean", s.arg), *e.chain)
    return None


def _simpler(a: E.Expr, b: E.Expr) -> bool:
    """Whether scalar a has fewer factors than b, or lower powers (1 / n against 1 / n^2),
    or a smaller denominator: whether multiplying by a count cancelled something."""
    def size(e):
        coeff, scalars, _ = E.parts(e)
        return len(scalars), sum(abs(s.k) if isinstance(s, E.Pow) else 1 for s in scalars), \
            coeff.denominator
    return size(a) < size(b)


def centred(x: E.Expr) -> E.Expr:
    """x − mean(x) 1 (1ᵀ), x a vector or matrix."""
    return E.sub(x, E.mul(E.apply("mean", x), E.ones(x.shape)))


def is_centred(s: E.Expr) -> bool:
    """Whether s is a − mean(a) 1 (1ᵀ), a a term or a sum of terms (X w − y − mean(X w − y) 1)."""
    if not isinstance(s, E.Add):
        return False
    terms = s.terms
    for i, t in enumerate(terms):
        c, mono = E.split_coeff(t)
        if c == -1 and isinstance(mono, E.Mul) and mono.coeff == 1 and len(mono.scalars) == 1 \
                and len(mono.chain) == 1 and isinstance(mono.chain[0], E.Ones):
            m = mono.scalars[0]
            if isinstance(m, E.Apply) and m.name == "mean" and \
                    m == E.apply("mean", E.add(*terms[:i], *terms[i + 1:])):
                return True
    return False


def _centred_column(f: E.Expr, transposed: bool) -> bool:
    if transposed:
        return isinstance(f, E.T) and f.arg.cols == ONE and is_centred(f.arg)
    return f.cols == ONE and is_centred(f)


@on(E.Mul)
def ones_times_centred(e: E.Expr):
    """1ᵀ (a − mean(a) 1) = 0 (and its transpose): a centred vector's entries sum to zero,
    wherever a product meets it (1 1ᵀ c, cᵀ 1)."""
    if not isinstance(e, E.Mul):
        return None
    chain = e.chain
    for f, g in zip(chain, chain[1:]):
        if isinstance(f, E.Ones) and _centred_column(g, False) or \
                isinstance(g, E.Ones) and _centred_column(f, True):
            return E.zero(e.shape)
    return None


def _pair(had: E.Expr):
    """(A, B) of a product A ∘ B of two factors, else None."""
    if isinstance(had, E.Had) and len(had.factors) == 2:
        return had.factors
    return None


@on(E.Add)
def centred_hadamard(e: E.Expr):
    """c A ∘ B − c mean(B) A + … = c A ∘ (B − mean(B) 1 1ᵀ) + …: a centred factor, as a
    normalisation layer's gradient writes it."""
    if not isinstance(e, E.Add) or e.is_scalar:
        return None
    terms = list(e.terms)
    means = {s.arg for t in terms for s in E.parts(t)[1] if isinstance(s, E.Apply) and s.name == "mean"}
    if not means:                       # most sums: no mean(B) to pair with A ∘ B
        return None
    where = {t: n for n, t in enumerate(terms)}
    for i, t in enumerate(terms):
        coeff, scalars, chain = E.parts(t)
        pair = _pair(chain[0]) if len(chain) == 1 else None
        if pair is None:
            continue
        for a, b in (pair, pair[::-1]):
            if b not in means:
                continue
            j = where.get(E.mul(E.Num(-coeff), *scalars, E.apply("mean", b), a))
            if j is not None and j != i:
                new = E.mul(E.Num(coeff), *scalars, E.hadamard(a, centred(b)))
                return E.add(*(new if n == i else x for n, x in enumerate(terms) if n != j))
    return None


def _as_sums(t: E.Expr) -> E.Expr:
    """A term with each scalar mean(M) written sum(M) / N, so that the halves of a centred
    product compare equal however mean_of_sum wrote them."""
    coeff, scalars, chain = E.parts(t)
    out = [E.mul(E.apply("sum", s.arg), E.power(E.entry_count(s.arg.shape), -1))
           if isinstance(s, E.Apply) and s.name == "mean" else s for s in scalars]
    return E.mul(E.Num(coeff), *out, *chain)


def _products(s: E.Expr):
    """The ways to read a scalar as a product of two equal-shaped arrays, each as
    (u, v, a maker of the product with v centred): uᵀ v (columns), sum(A ∘ B), mean(A ∘ B)."""
    if isinstance(s, E.Mul) and s.coeff == 1 and not s.scalars and len(s.chain) == 2:
        a, v = s.chain
        if isinstance(a, E.T) and a.arg.cols == ONE and v.cols == ONE and a.arg.rows == v.rows:
            return [(a.arg, v, lambda: E.mul(a, centred(v)))]
    if isinstance(s, E.Apply) and s.name in ("sum", "mean"):
        pair = _pair(s.arg)
        if pair is not None:
            return [(a, b, lambda a=a, b=b: E.apply(s.name, E.hadamard(a, centred(b))))
                    for a, b in (pair, pair[::-1])]
    return []


@on(E.Add)
def centred_products(e: E.Expr):
    """α ⟨U, V⟩ R − α sum(U) sum(V) R / N = α ⟨U, V − mean(V) 1 1ᵀ⟩ R, U and V of N entries,
    ⟨U, V⟩ written uᵀv or sum(U ∘ V): the two halves of a centred product (a covariance),
    which the definition method writes apart (the means as sum(M) / N or mean(M))."""
    if not isinstance(e, E.Add):
        return None
    terms = list(e.terms)
    summed_args = {s.arg for t in terms for s in E.parts(t)[1]
                   if isinstance(s, E.Apply) and s.name in ("sum", "mean")}
    found = [(i, k, got) for i, t in enumerate(terms) for k, s in enumerate(E.parts(t)[1])
             for got in _products(s) if got[0] in summed_args and got[1] in summed_args]
    if not found:                       # most sums: no sum(u) and sum(v) to pair with uᵀv
        return None
    summed: dict = {}                   # each term with its means as sums -> where it is
    for n, t in enumerate(terms):
        summed.setdefault(_as_sums(t), []).append(n)
    for i, k, (u, v, centred_product) in found:
        coeff, scalars, chain = E.parts(terms[i])
        s = scalars[k]
        rest = scalars[:k] + scalars[k + 1:]
        mean = isinstance(s, E.Apply) and s.name == "mean"
        ratio = E.power(E.entry_count(u.shape), -1) if mean else E.ONE_SCALAR
        half = _as_sums(E.mul(E.Num(-coeff), *rest, ratio, E.apply("sum", u),
                              E.apply("sum", v), E.power(E.entry_count(u.shape), -1), *chain))
        j = next((n for n in summed.get(half, ()) if n != i), None)
        if j is None:
            continue
        new = E.mul(E.Num(coeff), *rest, centred_product(), *chain)
        return E.add(*(new if n == i else x for n, x in enumerate(terms) if n != j))
    return None


def variance(e: E.Expr):
    """mean((a − mean(a) 1 1ᵀ).^2) = var(a) and its sqrt std(a), as a problem writes them
    (numpy.var, numpy.std: all entries).  Only on a finished result
    (mdx.simplification.simplify.finished): no rule looks inside var or std, so a
    derivation never meets them."""
    if isinstance(e, E.Func) and e.name == "sqrt" and not e.primes and not e.defn:
        # finished children first: a variance under the root is var(a) already
        if isinstance(e.arg, E.Apply) and e.arg.name == "var":
            return E.apply("std", e.arg.arg)
        return None
    if isinstance(e, E.Apply) and e.name == "mean" and isinstance(e.arg, E.EPow) \
            and e.arg.k == 2 and is_centred(e.arg.base):
        terms = e.arg.base.terms
        for i in range(len(terms)):
            a = E.add(*terms[:i], *terms[i + 1:])       # all but the − mean(a) 1 term
            if centred(a) == e.arg.base:
                return E.apply("var", a)
    return None


RULES = (mean_of_sum, ones_times_centred, centred_hadamard, centred_products)
