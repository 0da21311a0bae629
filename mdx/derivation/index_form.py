"""Index notation: an expression's (r, c) entry as a sum of products of entries.

A Term is  coeff · Σ_{sums} Π factors,  each factor an entry `atom_{i j}` (raised to a
power), or a Kronecker delta δ_{i j} (atom None).  The unit index "1" marks the
missing index of a vector or scalar.  Nonlinear pieces (tanh(W x), X^{-1}, det X)
stay atoms; their entrywise derivatives are the rules of `d_factor`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from ..bounds.limits import charge
from ..expressions import expr as E
from ..language.functions import ELEMENTWISE
from .rules import elementwise_prime, epower_prime

ONE = "1"


@dataclass(frozen=True)
class Factor:
    atom: E.Expr | None          # None: the Kronecker delta
    i: str
    j: str
    power: int = 1


@dataclass(frozen=True)
class Term:
    coeff: Fraction
    factors: tuple
    sums: tuple = ()


class Fresh:
    """Summation indices k, l, a, b, ..., then k1, k2, ...; remembers each one's range."""

    def __init__(self, dims: dict):
        self.dims = dict(dims)
        self.pool = [c for c in "klabcdeghmnrstuvw" if c not in self.dims]
        self.count = 0

    def __call__(self, dim: str) -> str:
        if dim == ONE:
            return ONE
        if self.pool:
            name = self.pool.pop(0)
        else:
            self.count += 1
            name = f"k{self.count}"
        self.dims[name] = dim
        return name


def _times(a: list, b: list) -> list:
    out = []
    for x in a:
        for y in b:
            charge()            # a term is work, as a node is: (X + 2/d)^23 has 2^23 of them
            out.append(Term(x.coeff * y.coeff, x.factors + y.factors, x.sums + y.sums))
    return out


def _scale(terms: list, c) -> list:
    return [replace(t, coeff=t.coeff * Fraction(c)) for t in terms]


def unit(coeff=1) -> list:
    return [Term(Fraction(coeff), ())]


def atom(e: E.Expr, r: str, c: str, power: int = 1) -> list:
    return [Term(Fraction(1), (Factor(e, r, c, power),))]


def delta(a: str, b: str) -> list:
    return unit() if a == b else [Term(Fraction(1), (Factor(None, a, b),))]


def entry(e: E.Expr, r: str, c: str, fresh: Fresh) -> list:
    """The (r, c) entry of e in index notation."""
    if isinstance(e, E.Num):
        return unit(e.value)
    if isinstance(e, (E.Zero,)):
        return []
    if isinstance(e, E.Ones):
        return unit()
    if isinstance(e, E.Identity):
        return delta(r, c)
    if isinstance(e, E.T):
        return entry(e.arg, c, r, fresh)
    if isinstance(e, E.Add):
        return [t for term in e.terms for t in entry(term, r, c, fresh)]
    if isinstance(e, E.Mul):
        out = unit(e.coeff)
        for s in e.scalars:
            out = _times(out, entry(s, ONE, ONE, fresh))
        return _times(out, _chain(e.chain, r, c, fresh))
    if isinstance(e, E.Had):
        out = unit()
        for f in e.factors:
            out = _times(out, entry(f, r, c, fresh))
        return out
    if isinstance(e, E.EDiv):
        return _times(entry(e.num, r, c, fresh) if not isinstance(e.num, E.Ones) else unit(),
                      atom(e.den, r, c, -1))
    if isinstance(e, E.Pow) and not e.is_scalar and e.k > 0:
        return _chain([e.base] * int(e.k), r, c, fresh)
    if isinstance(e, E.Pow) and not e.is_scalar and e.k < -1:
        return _chain([E.inverse(e.base)] * int(-e.k), r, c, fresh)
    if isinstance(e, E.Pow) and e.k == 2 and isinstance(e.base, E.Apply) and e.base.name == "norm":
        u = e.base.arg                                 # ‖u‖² = Σ u_kl²
        k, l = fresh(u.rows), fresh(u.cols)
        return _summed(atom(u, k, l, 2), *[x for x in (k, l) if x != ONE])
    if isinstance(e, E.Pow) and e.is_scalar and e.k.denominator == 1:
        return atom(e.base, ONE, ONE, int(e.k))
    if isinstance(e, E.Apply) and e.name == "tr":
        i = fresh(e.arg.rows)
        return _summed(entry(e.arg, i, i, fresh), i)
    if isinstance(e, E.Apply) and e.name == "sum":
        k, l = fresh(e.arg.rows), fresh(e.arg.cols)
        return _summed(entry(e.arg, k, l, fresh), *[x for x in (k, l) if x != ONE])
    if isinstance(e, E.Apply) and e.name == "mean":             # Σ_kl U_kl / (rows · cols)
        k, l = fresh(e.arg.rows), fresh(e.arg.cols)
        total = _summed(entry(e.arg, k, l, fresh), *[x for x in (k, l) if x != ONE])
        count = E.entry_count(e.arg.shape)
        return total if count == E.ONE_SCALAR else _times(atom(count, ONE, ONE, -1), total)
    if isinstance(e, E.Apply) and e.name == "norm1":            # Σ_kl |U_kl|
        return entry(E.apply("sum", E.func("abs", e.arg)), r, c, fresh)
    if isinstance(e, E.EPow) and isinstance(e.base, E.Sym) and e.k.denominator == 1:
        return atom(e.base, r, c, int(e.k))                     # (X.^p)_ij = X_ij^p
    if isinstance(e, E.Apply) and e.name == "diagm":
        return _times(entry(e.arg, r, ONE, fresh), delta(r, c))
    if isinstance(e, E.Apply) and e.name == "diagv":
        return entry(e.arg, r, r, fresh)
    return atom(e, r, c)


def _summed(terms: list, *idx) -> list:
    return [replace(t, sums=t.sums + tuple(idx)) for t in terms]


def _chain(chain, r: str, c: str, fresh: Fresh) -> list:
    """(A B ... Z)_{rc} = Σ A_{r k1} B_{k1 k2} ... Z_{k c}."""
    out = unit()
    left = r
    for n, f in enumerate(chain):
        last = n == len(chain) - 1
        right = c if last else fresh(f.cols)
        out = _times(out, entry(f, left, right, fresh))
        if not last and right != ONE:
            out = _summed(out, right)
        left = right
    return out


# ----------------------------------------------------------------- derivatives
def d_terms(terms: list, var: E.Sym, p: str, q: str, fresh: Fresh) -> list:
    """∂/∂var_{pq} of a sum of terms (product rule over the factors)."""
    out = []
    for t in terms:
        for n, f in enumerate(t.factors):
            if f.atom is None or var.name not in f.atom.free:
                continue
            rest = t.factors[:n] + t.factors[n + 1:]
            for dt in d_factor(f, var, p, q, fresh):
                charge()
                out.append(Term(t.coeff * dt.coeff, rest + dt.factors, t.sums + dt.sums))
    return out


def d_factor(f: Factor, var: E.Sym, p: str, q: str, fresh: Fresh) -> list:
    """∂ atom_{ij}^power / ∂var_{pq}, by the entrywise rules."""
    a, i, j = f.atom, f.i, f.j
    if f.power != 1:                                  # ∂(a^k) = k a^(k-1) ∂a
        lower = [Term(Fraction(f.power), (replace(f, power=f.power - 1),))]
        return _times(lower, d_factor(replace(f, power=1), var, p, q, fresh))
    if a == var:
        return _times(delta(i, p) if i != ONE or p != ONE else unit(),
                      delta(j, q) if j != ONE or q != ONE else unit())
    if isinstance(a, E.Func):
        if a.bounds and a.primes:                   # a kept f: f'' = 0 almost everywhere
            return []
        record = ELEMENTWISE.get(a.name) if not (a.primes or a.bounds) else None
        if record is not None:                      # the function's own record
            prime = elementwise_prime(record, a.arg)
            if prime is None:                       # 0 almost everywhere
                return []
        else:                                       # an abstract f, or one kept whole
            prime = E.func(a.name, a.arg, a.primes + 1, a.defn, a.bounds)
        return _times(atom(prime, i, j), d_terms(entry(a.arg, i, j, fresh), var, p, q, fresh))
    if isinstance(a, E.EPow):                                   # ∂ U_ij^p = p U_ij^(p−1) ∂U_ij
        return _times(atom(epower_prime(a), i, j), d_terms(entry(a.base, i, j, fresh), var, p, q, fresh))
    if isinstance(a, E.Pow) and a.k == -1 and not a.is_scalar:
        k, l = fresh(a.rows), fresh(a.cols)
        inner = d_terms(entry(a.base, k, l, fresh), var, p, q, fresh)
        return _scale(_summed(_times(_times(atom(a, i, k), inner), atom(a, l, j)), k, l), -1)
    if isinstance(a, E.Apply) and a.name in ("det", "logdet"):
        k, l = fresh(a.arg.rows), fresh(a.arg.cols)
        inner = d_terms(entry(a.arg, k, l, fresh), var, p, q, fresh)
        out = _summed(_times(atom(E.inverse(a.arg), l, k), inner), k, l)
        return _times(atom(a, ONE, ONE), out) if a.name == "det" else out
    if isinstance(a, E.Apply) and a.name == "norm":
        u = a.arg
        k, l = fresh(u.rows), fresh(u.cols)
        inner = d_terms(entry(u, k, l, fresh), var, p, q, fresh)
        body = _times(_times(atom(u, k, l), inner), atom(a, ONE, ONE, -1))
        return _summed(body, *[x for x in (k, l) if x != ONE])
    if isinstance(a, E.Apply) and a.name in ("softmax", "logsumexp"):
        # per column j (j is the unit index for a vector):
        # ∂S_ij = Σ_k S_ij (δ_ik − S_kj) ∂Z_kj,  ∂logsumexp(Z)_j = Σ_k S_kj ∂Z_kj
        z = a.arg
        k = fresh(z.rows)
        s = E.apply("softmax", z)
        inner = d_terms(entry(z, k, j, fresh), var, p, q, fresh)
        if a.name == "logsumexp":
            return _summed(_times(atom(s, k, j), inner), k)
        jac = _times(atom(s, i, j), delta(i, k)) + _scale(_times(atom(s, i, j), atom(s, k, j)), -1)
        return _summed(_times(jac, inner), k)
    if isinstance(a, E.Pow) and a.is_scalar:              # fractional powers of a scalar
        return _times(atom(E.power(a.base, a.k - 1), ONE, ONE) if a.k != 1 else unit(),
                      _scale(d_terms(entry(a.base, ONE, ONE, fresh), var, p, q, fresh), a.k))
    expanded = entry(a, i, j, fresh)
    if len(expanded) == 1 and expanded[0].factors == (f,):
        # A ⊗ B and vec(A) have no entries with single indices: keep the differential of
        # the whole factor, (dA ⊗ B + A ⊗ dB)_ij, already summed against dX_pq.
        from .rules import differentiate
        return atom(differentiate(a, var), i, j)
    return d_terms(expanded, var, p, q, fresh)            # a polynomial atom: expand it


def is_differential(t: Term, var: E.Sym) -> bool:
    """Whether a term holds a whole factor's differential (it is summed against dX)."""
    dname = "d" + var.name
    return any(f.atom is not None and dname in f.atom.free for f in t.factors)


# ----------------------------------------------------------------- contraction
def contract(t: Term) -> Term | None:
    """Sum the Kronecker deltas away: Σ_k A_{ik} δ_{kq} = A_{iq}."""
    factors, sums = list(t.factors), list(t.sums)
    changed = True
    while changed:
        changed = False
        for n, f in enumerate(factors):
            if f.atom is not None:
                continue
            a, b = f.i, f.j
            gone, keep = (a, b) if a in sums else ((b, a) if b in sums else (None, None))
            if gone is None:
                continue
            del factors[n]
            sums.remove(gone)
            factors = [Factor(g.atom, keep if g.i == gone else g.i, keep if g.j == gone else g.j, g.power)
                       for g in factors]
            changed = True
            break
    factors = [f for f in factors if f.power != 0 and not (f.atom is None and f.i == f.j
                                                           and f.i not in sums)]
    return Term(t.coeff, tuple(factors), tuple(sums))
