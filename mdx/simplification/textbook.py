"""Identities that bring a result to the form a textbook prints, whichever method found it.

The definition method reassembles sums over indices (sum(x ∘ y), 1ᵀ (A ∘ Bᵀ) 1, a.^(-1));
the chain method multiplies Kronecker factors; these rules give both the compact forms the
differential method reaches, so that the three methods print the same result:

    sum(a ∘ b) = aᵀ b (vectors)            sum(P ∘ Qᵀ) = tr(P Q)
    1ᵀ M 1 = sum(M)                        (A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D)
    A ⊗ B + A ⊗ C = A ⊗ (B + C)            a ∘ u.^(-k) = a ./ (u ∘ … ∘ u)
    (I_m ⊗ S) E_m = diag(vec S) (I_m ⊗ 1)   D + Dᵀ, A X Bᵀ + Aᵀ X B in one order
    (a ⊗ B) M = a ⊗ (B M) (a a column)     vec(a bᵀ) = b ⊗ a
    sum(a − mean(a) 1) = 0                 (1 1ᵀ)(1 1ᵀ) = n 1 1ᵀ
    diag(a) + diag(b) = diag(a + b)        (centred products: mdx.simplification.means)
    I - diag(t) = diag(1 - t)
    F - diag(t) F = diag(1 - t) F
    sum(y) = 1, 1ᵀ Y = 1ᵀ (y, Y declared `distribution`)
    exp(z) / sum(exp(z)) = softmax(z)
"""

from __future__ import annotations

from ..expressions import expr as E
from ..expressions.dims import ONE
from ..expressions.text import printed_length
from .means import is_centred
from .rule_types import on


@on(E.Apply)
def sum_of_hadamard(e: E.Expr):
    """sum(a ∘ b) = aᵀ b for vectors; sum(P ∘ Qᵀ) = tr(P Q) when a transpose cancels."""
    if not (isinstance(e, E.Apply) and e.name == "sum" and isinstance(e.arg, E.Had)
            and len(e.arg.factors) == 2):
        return None
    a, b = e.arg.factors
    if a.cols == ONE:           # the plain vector in front: sum((A x) ∘ x) = xᵀ A x
        if isinstance(a, E.Mul) and not isinstance(b, E.Mul):
            a, b = b, a
        return E.mul(E.transpose(a), b)
    if isinstance(b, E.T):
        return E.apply("tr", E.mul(a, b.arg))
    if isinstance(a, E.T):
        return E.apply("tr", E.mul(b, a.arg))
    return None


@on(E.Apply)
def centred_sum(e: E.Expr):
    """sum(a − mean(a) 1) = mean(a − mean(a) 1) = 0: a centred vector or matrix sums to
    zero, a a term or a sum of terms (X w − y − mean(X w − y) 1)."""
    if not (isinstance(e, E.Apply) and e.name in ("sum", "mean")):
        return None
    return E.ZERO_SCALAR if is_centred(e.arg) else None


def _summed_term(t: E.Expr) -> E.Expr:
    s = E.apply("sum", t)
    factors = s.scalars if isinstance(s, E.Mul) else (s,)   # c sum(M): the constructor pulled c out
    return E.ZERO_SCALAR if any(centred_sum(f) is not None for f in factors) else s


@on(E.Apply)
def sum_of_terms(e: E.Expr):
    """sum(a + b) = sum(a) + sum(b), where a term then drops out (a centred one) or the
    sums print shorter (sum(9 y / 10 + 0.02) = 9 sum(y) / 10 + n / 50), or no longer where
    a number's sum is a count (sum(3 a + 2) = 3 sum(a) + 2 n)."""
    if not (isinstance(e, E.Apply) and e.name == "sum" and isinstance(e.arg, E.Add)):
        return None
    parts = [_summed_term(t) for t in e.arg.terms]
    split, before = E.add(*parts), printed_length(e)
    counted = any(isinstance(t, E.Mul) and not t.scalars and t.chain and all(map(is_ones, t.chain))
                  for t in e.arg.terms)
    shorter = printed_length(split) < before or (counted and printed_length(split) == before)
    return split if E.ZERO_SCALAR in parts or shorter else None


@on(E.Mul)
def ones_sandwich(e: E.Expr):
    """1ᵀ M 1 = sum(M)."""
    if not (isinstance(e, E.Mul) and e.is_scalar and len(e.chain) == 3):
        return None
    first, mid, last = e.chain
    if is_ones(first) and is_ones(last):
        return E.mul(E.Num(e.coeff), *e.scalars, E.apply("sum", mid))
    return None


def is_ones(f: E.Expr) -> bool:
    return isinstance(f, E.Ones) or isinstance(f, E.T) and isinstance(f.arg, E.Ones)


def _ones_shape(f: E.Expr):
    """The shape of a matrix of ones (1_n, 1_nᵀ, 1_n 1_mᵀ), or None."""
    if is_ones(f):
        return f.shape
    if isinstance(f, E.Mul) and f.coeff == 1 and not f.scalars and len(f.chain) == 2 \
            and all(is_ones(g) for g in f.chain):
        return f.shape
    return None


@on(E.Mul)
def ones_dot(e: E.Expr):
    """Products of ones: 1ᵀ 1 = n, so (1 1ᵀ)(1 1ᵀ) = n 1 1ᵀ."""
    if not isinstance(e, E.Mul) or len(e.chain) < 2:
        return None
    chain = list(e.chain)
    for i in range(len(chain) - 1):
        a, b = _ones_shape(chain[i]), _ones_shape(chain[i + 1])
        if a is not None and b is not None and (a[0], b[1]) != (ONE, ONE):
            merged = E.mul(E.entry_count((a[1], ONE)), E.ones((a[0], b[1])))
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], merged, *chain[i + 2:])
    return None


def _distribution(e: E.Expr) -> bool:
    """A symbol declared `distribution`, or a softmax: its entries (of each column) sum to one."""
    if isinstance(e, E.Apply) and e.name == "softmax":
        return True
    return isinstance(e, E.Sym) and "distribution" in e.props


def sums_to_one(e: E.Expr):
    """sum(y) = 1 for a distribution y (sum(Y) = m for m columns); 1ᵀ Y = 1ᵀ and
    Yᵀ 1 = 1, so that diag(Yᵀ 1) = I; a softmax too (softmax(Z, dim=1) 1 = 1)."""
    if isinstance(e, E.Apply) and e.name == "sum" and _distribution(e.arg):
        return E.entry_count((e.arg.cols, ONE))
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    for i in range(len(chain) - 1):
        a, b = chain[i], chain[i + 1]
        if _ones_shape(a) is not None and _distribution(b):          # 1ᵀ Y = 1ᵀ
            merged = E.ones((a.rows, b.cols))
        elif isinstance(a, E.T) and _distribution(a.arg) and _ones_shape(b) is not None:
            merged = E.ones((a.rows, b.cols))                           # Yᵀ 1 = 1
        else:
            continue
        return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], merged, *chain[i + 2:])
    return None


def _exp_sum(s: E.Expr, a: E.Expr) -> bool:
    """Whether s is sum(exp(a))."""
    return isinstance(s, E.Apply) and s.name == "sum" and s.arg == E.func("exp", a)


def softmax_of_quotient(e: E.Expr):
    """exp(z) / sum(exp(z)) = softmax(z) for a column z (of a matrix, the sum runs over
    all entries: not a per-column softmax)."""
    if isinstance(e, E.EDiv) and isinstance(e.num, E.Func) and e.num.name == "exp" \
            and e.num.arg.cols == ONE and _exp_sum(e.den, e.num.arg):
        return E.apply("softmax", e.num.arg)
    for j, f in enumerate(e.chain if isinstance(e, E.Mul) else ()):    # Xᵀ exp(X w) / sum(…)
        if not (isinstance(f, E.Func) and f.name == "exp" and f.arg.cols == ONE):
            continue
        for i, s in enumerate(e.scalars):
            if isinstance(s, E.Pow) and s.k == -1 and _exp_sum(s.base, f.arg):
                chain = e.chain[:j] + (E.apply("softmax", f.arg),) + e.chain[j + 1:]
                return E.mul(E.Num(e.coeff), *e.scalars[:i], *e.scalars[i + 1:], *chain)
    return None


@on(E.Pow)
def ones_power(e: E.Expr):
    """(1 1ᵀ)^k = n^(k-1) 1 1ᵀ for the n×n matrix of ones."""
    if not (isinstance(e, E.Pow) and not e.base.is_scalar and e.k > 1 and e.k.denominator == 1):
        return None
    shape = _ones_shape(e.base)
    if shape is None or shape[0] != shape[1]:
        return None
    return E.mul(E.power(E.entry_count((shape[0], ONE)), int(e.k) - 1), E.ones(shape))


@on(E.Mul)
def kron_mixed_product(e: E.Expr):
    """(A ⊗ B)(C ⊗ D) = (A C) ⊗ (B D) when both products are defined."""
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    for i in range(len(chain) - 1):
        x, y = chain[i], chain[i + 1]
        if isinstance(x, E.Kron) and isinstance(y, E.Kron) and x.a.cols == y.a.rows \
                and x.b.cols == y.b.rows:
            merged = E.kron(E.mul(x.a, y.a), E.mul(x.b, y.b))
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], merged, *chain[i + 2:])
    return None


def _absorbed(x: E.Expr, y: E.Expr):
    """(A ⊗ b) M = (A M) ⊗ b for a column b, and M (A ⊗ r) = (M A) ⊗ r for a row r:
    M is M ⊗ 1, so the mixed product applies; likewise (a ⊗ B) M = a ⊗ (B M) for a column
    a and M (rᵀ ⊗ B) = rᵀ ⊗ (M B) (M is 1 ⊗ M).  None for other pairs."""
    if isinstance(x, E.Kron) and not isinstance(y, E.Kron) and x.b.cols == ONE \
            and y.cols != ONE and x.a.cols == y.rows:
        return E.kron(E.mul(x.a, y), x.b)
    if isinstance(x, E.Kron) and not isinstance(y, E.Kron) and x.a.cols == ONE \
            and x.b.cols == y.rows:                     # (a ⊗ B) M = a ⊗ (B M)
        return E.kron(x.a, E.mul(x.b, y))
    if isinstance(y, E.Kron) and not isinstance(x, E.Kron) and y.a.rows == ONE \
            and x.cols == y.b.rows:                     # M (rᵀ ⊗ B) = rᵀ ⊗ (M B)
        return E.kron(y.a, E.mul(x, y.b))
    if isinstance(y, E.Kron) and not isinstance(x, E.Kron) and y.b.rows == ONE \
            and x.rows != ONE and x.cols == y.a.rows:
        return E.kron(E.mul(x, y.a), y.b)
    return None


def _selected(x: E.Expr, y: E.Expr):
    """(I_m ⊗ S) E_m = diag(vec S) (I_m ⊗ 1_n) for S n×m (column k of both is e_k ⊗ S e_k),
    and its transpose E_mᵀ (I_m ⊗ Sᵀ) = (I_m ⊗ 1_nᵀ) diag(vec S); None for other pairs."""
    if isinstance(x, E.Kron) and isinstance(y, E.DiagSelector):
        return _select_columns(x, y.n)
    if isinstance(x, E.T) and isinstance(x.arg, E.DiagSelector) and isinstance(y, E.Kron):
        picked = _select_columns(E.transpose(y), x.arg.n)
        return None if picked is None else E.transpose(picked)
    return None


def _select_columns(k: E.Expr, m: str):
    """(I_m ⊗ S) E_m = diag(vec S) (I_m ⊗ 1_n), and (S ⊗ I_m) E_m = K_{n,m} of that
    (s_k ⊗ e_k = K_{n,m} (e_k ⊗ s_k)), for S n×m; None otherwise."""
    if not isinstance(k, E.Kron):
        return None
    if isinstance(k.a, E.Identity) and k.a.n == m and k.b.cols == m:
        S, swap = k.b, False
    elif isinstance(k.b, E.Identity) and k.b.n == m and k.a.cols == m:
        S, swap = k.a, True
    else:
        return None
    picked = E.mul(E.apply("diagm", E.apply("vec", S)), E.kron(E.identity(m), E.ones((S.rows, ONE))))
    return E.mul(E.commutation(S.rows, m), picked) if swap else picked


@on(E.Mul)
def through_kron(e: E.Expr):
    """A factor beside a Kronecker product taken into it (see _selected, _absorbed)."""
    if not isinstance(e, E.Mul):
        return None
    chain = list(e.chain)
    for i in range(len(chain) - 1):
        new = _selected(chain[i], chain[i + 1]) or _absorbed(chain[i], chain[i + 1])
        if new is not None:
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], new, *chain[i + 2:])
    return None


def vec_of_outer(e: E.Expr):
    """vec(a bᵀ) = b ⊗ a for columns a and b."""
    if isinstance(e, E.Apply) and e.name == "vec" and isinstance(e.arg, E.Mul) and e.arg.coeff == 1 \
            and not e.arg.scalars and len(e.arg.chain) == 2:
        a, bt = e.arg.chain
        if a.cols == ONE and bt.rows == ONE:
            return E.kron(E.transpose(bt), a)
    return None


@on(E.Add)
def sum_of_diagonals(e: E.Expr):
    """diag(a) + diag(b) = diag(a + b), and I - diag(t) = diag(1 - t)."""
    if not isinstance(e, E.Add):
        return None
    parts = [E.split_coeff(t) for t in e.terms]
    if not all(isinstance(m, E.Identity) or isinstance(m, E.Apply) and m.name == "diagm"
               for _, m in parts) or all(isinstance(m, E.Identity) for _, m in parts):
        return None
    return E.apply("diagm", E.add(*(E.scale(c, E.Ones((m.n, ONE)) if isinstance(m, E.Identity)
                                             else m.arg) for c, m in parts)))


@on(E.Add)
def diagonal_scaling(e: E.Expr):
    """F - diag(t) F = diag(1 - t) F, and F - F diag(t) = F diag(1 - t): a term that is a
    multiple of F beside one that scales F's rows (or columns), which the definition method
    reassembles from Σ_k X_kp (1 - t_k) X_kr.  Else None."""
    if not isinstance(e, E.Add):
        return None
    parts = [E.parts(t) for t in e.terms]
    for side in (0, -1):
        groups: dict = {}
        for i, (_, _, chain) in enumerate(parts):
            scaled = bool(chain) and _is_diag(chain[side])
            rest = tuple(chain[1:] if side == 0 else chain[:-1]) if scaled else tuple(chain)
            if rest and (rest[0].rows if side == 0 else rest[-1].cols) != ONE:
                groups.setdefault(rest, []).append((i, scaled))
        for rest, members in groups.items():
            if len(members) < 2 or all(s for _, s in members) or not any(s for _, s in members):
                continue
            n = rest[0].rows if side == 0 else rest[-1].cols
            entries = []
            for i, scaled in members:
                coeff, scalars, chain = parts[i]
                entry = chain[side].arg if scaled else E.Ones((n, ONE))
                entries.append(E.mul(E.Num(coeff), *scalars, entry))
            D = E.apply("diagm", E.add(*entries))
            merged = E.mul(D, *rest) if side == 0 else E.mul(*rest, D)
            taken = {i for i, _ in members}
            return E.add(merged, *(t for i, t in enumerate(e.terms) if i not in taken))
    return None


def _is_diag(f: E.Expr) -> bool:
    return isinstance(f, E.Apply) and f.name == "diagm"


@on(E.Add)
def factor_kron(e: E.Expr):
    """A ⊗ B + A ⊗ C = A ⊗ (B + C), and B ⊗ A + C ⊗ A = (B + C) ⊗ A."""
    if not isinstance(e, E.Add):
        return None
    parts = [E.split_coeff(t) for t in e.terms]
    if not all(isinstance(m, E.Kron) for _, m in parts):
        return None
    for side in ("a", "b"):
        shared = getattr(parts[0][1], side)
        if all(getattr(m, side) == shared for _, m in parts[1:]):
            other = "b" if side == "a" else "a"
            rest = E.add(*(E.scale(c, getattr(m, other)) for c, m in parts))
            return E.kron(shared, rest) if side == "a" else E.kron(rest, shared)
    return None


def _den_factors(f: E.Expr):
    """The denominator factors of u.^(-k) for a negative integer k, or None."""
    if isinstance(f, E.EPow) and f.k < 0 and f.k.denominator == 1:
        k = -int(f.k)
        return [f.base] * k if k <= 2 else [E.epower(f.base, k)]
    return None


def negative_powers(e: E.Expr):
    """a ∘ u.^(-1) = a ./ u, and u.^(-2) as u ∘ u: a quotient reads as one."""
    factors = list(e.factors) if isinstance(e, E.Had) else [e] if isinstance(e, E.EPow) else None
    if factors is None:
        return None
    num, den = [], []
    for f in factors:
        d = _den_factors(f)
        if d is None:
            num.append(f)
        else:
            den.extend(d)
    if not den:
        return None
    top = E.hadamard(*num) if num else E.ONE_SCALAR
    return E.ediv(top, E.hadamard(*den))


def _leaves(e: E.Expr, flipped: bool = False, out=None) -> list:
    """(leaf, transposed?) in reading order."""
    out = [] if out is None else out
    if isinstance(e, E.T):
        return _leaves(e.arg, not flipped, out)
    kids = e.children()
    if not kids:
        out.append((e, flipped))
    for k in kids:
        _leaves(k, flipped, out)
    return out


_PRIME = (1 << 61) - 1


def _leaf_hash(e: E.Expr) -> tuple:
    """(hash, count) of e's leaves in reading order, transposes ignored: a function of the
    sequence that _leaves reads, kept on the node, so that a sum of deep terms is not read
    leaf by leaf to find that no two terms mirror each other."""
    known = e.__dict__.get("_leaf_hash")
    if known is not None:
        return known
    if isinstance(e, E.T):
        out = _leaf_hash(e.arg)
    elif not e.children():
        out = (hash(e) % _PRIME, 1)
    else:
        h, n = 0, 0
        for k in e.children():
            kh, kn = _leaf_hash(k)
            h, n = (h * pow(1_000_003, kn, _PRIME) + kh) % _PRIME, n + kn
        out = (h, n)
    e.__dict__["_leaf_hash"] = out
    return out


def _mirror_key(t: E.Expr):
    """Fewer transposes first; among equals, the transposes later (A X Bᵀ before Aᵀ X B)."""
    marks = [i for i, (_, flipped) in enumerate(_leaves(t)) if flipped]
    return (len(marks), [-i for i in marks])


@on(E.Add)
def mirror_terms_in_order(e: E.Expr):
    """D + Dᵀ and A X Bᵀ + Aᵀ X B, whichever order a method found the terms in: terms
    that differ only in their transposes are put in one order."""
    if not isinstance(e, E.Add):
        return None
    terms = list(e.terms)
    candidates: dict = {}
    for i, t in enumerate(terms):
        candidates.setdefault((_leaf_hash(t), E.split_coeff(t)[0] > 0), []).append(i)
    groups: dict = {}
    for (_, positive), places in candidates.items():
        for i in places if len(places) > 1 else ():  # only these are worth reading leaf by leaf
            skeleton = tuple(leaf for leaf, _ in _leaves(terms[i]))
            groups.setdefault((skeleton, positive), []).append(i)
    for places in groups.values():
        if len(places) > 1:
            ordered = sorted((terms[i] for i in places), key=_mirror_key)
            for i, t in zip(places, ordered):
                terms[i] = t
    out = E.Add(tuple(terms))
    return out if out != e else None


RULES = (sum_of_hadamard, centred_sum, sum_of_terms, ones_sandwich, ones_dot, ones_power, sums_to_one,
         kron_mixed_product, through_kron, factor_kron, sum_of_diagonals, diagonal_scaling,
         vec_of_outer, softmax_of_quotient)
READING_RULES = (softmax_of_quotient,)      # also run on a problem's function (mdx.derivation.api)
PRESENT_RULES = (negative_powers, mirror_terms_in_order)
