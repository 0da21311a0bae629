"""Vec and Kronecker identities that turn vec-form products back into matrices.

The chain method multiplies vec-form Jacobians; these rules (Magnus–Neudecker)
bring the products back to matrix form:

    (P ⊗ Q) vec(M) = vec(Q M Pᵀ)          vec(M)ᵀ (P ⊗ Q) = vec(Qᵀ M P)ᵀ
    K vec(M) = vec(Mᵀ)                    vec(M)ᵀ K = vec(Mᵀ)ᵀ
    diag(vec W) vec(M) = vec(W ∘ M)       vec(M)ᵀ diag(vec W) = vec(M ∘ W)ᵀ
    E v = vec(diag(v))                    vec(M)ᵀ E = diag(M)ᵀ
    vec(M)ᵀ vec(N) = tr(Mᵀ N)
    (1_mᵀ ⊗ I_n) diag(v) (I_m ⊗ 1_n) = unvec(v), the n×m matrix whose vec is v
    (mdx.simplification.unvec), and the other selector sandwiches (_selected_entries)
"""

from __future__ import annotations

from ..expressions import expr as E
from ..expressions.dims import ONE
from .rule_types import on
from .unvec import _as_matrix, _diag_of_vec, _row_as_matrix, unvec, unvec_partial


def _pair(a: E.Expr, b: E.Expr):
    """The product a b rewritten by one identity, or None (also when nothing changes)."""
    new = _pair_rule(a, b)
    return None if new is None or new == E.mul(a, b) else new


def _pair_rule(a: E.Expr, b: E.Expr):
    swapped = _commuted_selector(a, b)
    if swapped is not None:
        return swapped
    if isinstance(b, E.Kron):                      # vec(M)ᵀ (P ⊗ Q)
        P, Q = b.a, b.b
        M = _row_as_matrix(a, Q.rows, P.rows)
        if M is not None:
            return E.transpose(E.apply("vec", E.mul(E.transpose(Q), M, P)))
    if isinstance(a, E.Kron):                      # (P ⊗ Q) vec(M)
        P, Q = a.a, a.b
        M = _as_matrix(b, Q.cols, P.cols)
        if M is not None:
            return E.apply("vec", E.mul(Q, M, E.transpose(P)))
    if isinstance(b, E.Commutation):
        M = _row_as_matrix(a, b.s, b.r)
        if M is not None:
            return E.transpose(E.apply("vec", E.transpose(M)))
    if isinstance(a, E.Commutation):
        M = _as_matrix(b, a.r, a.s)
        if M is not None:
            return E.apply("vec", E.transpose(M))
    if isinstance(b, E.Apply) and b.name == "diagm" and isinstance(b.arg, E.Apply) and b.arg.name == "vec":
        W = b.arg.arg
        M = _row_as_matrix(a, W.rows, W.cols)
        if M is not None:
            return E.transpose(E.apply("vec", E.hadamard(M, W)))
    if isinstance(a, E.Apply) and a.name == "diagm" and isinstance(a.arg, E.Apply) and a.arg.name == "vec":
        W = a.arg.arg
        M = _as_matrix(b, W.rows, W.cols)
        if M is not None:
            return E.apply("vec", E.hadamard(W, M))
    if isinstance(b, E.T) and isinstance(b.arg, E.DiagSelector) and a.rows == ONE:
        return E.transpose(E.apply("vec", E.apply("diagm", E.transpose(a))))
    if isinstance(b, E.DiagSelector):
        M = _row_as_matrix(a, b.n, b.n)
        if M is not None:
            return E.transpose(E.apply("diagv", M))
    if isinstance(a, E.DiagSelector) and b.cols == ONE:
        return E.apply("vec", E.apply("diagm", b))
    if isinstance(a, E.T) and isinstance(a.arg, E.Apply) and a.arg.name == "vec" \
            and isinstance(b, E.Apply) and b.name == "vec" and a.arg.arg.shape == b.arg.shape:
        return E.apply("tr", E.mul(E.transpose(a.arg.arg), b.arg))    # same shapes only
    return None


def _ones(f: E.Expr, rows: str, cols: str) -> bool:
    """f is the rows × cols matrix of ones (1 1ᵀ written as a product, maybe)."""
    if isinstance(f, E.Ones):
        return f.shape == (rows, cols)
    return isinstance(f, E.Mul) and f.coeff == 1 and not f.scalars and f.shape == (rows, cols) \
        and all(isinstance(g, E.Ones) or isinstance(g, E.T) and isinstance(g.arg, E.Ones)
                for g in f.chain)


def _selector(f: E.Expr):
    """(kind, form, m, n, weight) for a Kronecker product of an identity and a vector that
    sums or copies the m blocks of length n of a column, each scaled by the weight's entry
    (kind "blocks": aᵀ ⊗ I_n, a ⊗ I_n, 1_m 1_mᵀ ⊗ I_n), or the entries within each block
    ("within": I_m ⊗ cᵀ, I_m ⊗ c, I_m ⊗ 1_n 1_nᵀ); the form says how the vector stands
    ("row", "col", or "square" for ones, weight None); else None."""
    if not isinstance(f, E.Kron):
        return None
    for kind, side, eye in (("blocks", f.a, f.b), ("within", f.b, f.a)):
        if not isinstance(eye, E.Identity):
            continue
        if side.cols == ONE and side.rows != ONE:
            k, form, weight = side.rows, "col", side
        elif side.rows == ONE and side.cols != ONE:
            k, form, weight = side.cols, "row", E.transpose(side)
        elif side.rows != ONE and _ones(side, side.rows, side.rows):
            k, form, weight = side.rows, "square", None
        else:
            continue
        return (kind, form) + ((k, eye.n) if kind == "blocks" else (eye.n, k)) + (weight,)
    return None


def _diag(v: E.Expr) -> E.Expr:
    return E.apply("diagm", v)


def _selected_entries(a: E.Expr, w: E.Expr, b: E.Expr):
    """A diagonal matrix diag(v) between two selectors, with V = unvec(v) the n×m matrix
    whose vec is v (column j of V is block j of v), a and b weights of the blocks, c and d
    of the entries within a block (1 for a plain sum or copy):

        (aᵀ ⊗ I_n) diag(v) (I_m ⊗ c) = diag(c) V diag(a)    (1ᵀ ⊗ I) diag(v) (I ⊗ 1) = V
        (I_m ⊗ cᵀ) diag(v) (a ⊗ I_n) = diag(a) Vᵀ diag(c)
        (aᵀ ⊗ I_n) diag(v) (b ⊗ I_n) = diag(V (a ∘ b))      (1ᵀ ⊗ I) diag(v) (1 ⊗ I) = diag(V 1)
        (I_m ⊗ cᵀ) diag(v) (I_m ⊗ d) = diag(Vᵀ (c ∘ d))

    Else None."""
    if not (isinstance(w, E.Apply) and w.name == "diagm"):
        return None
    left, right = _selector(a), _selector(b)
    if left is None or right is None or left[2:4] != right[2:4]:
        return None
    m, n = left[2:4]
    V = unvec_partial(w.arg, (n, m))
    (lk, lf, wl), (rk, rf, wr) = (left[0], left[1], left[4]), (right[0], right[1], right[4])
    if (lf, rf) != ("row", "col"):
        return None
    if (lk, rk) == ("blocks", "within"):
        return E.mul(_diag(wr), V, _diag(wl))
    if (lk, rk) == ("within", "blocks"):
        return E.mul(_diag(wr), E.transpose(V), _diag(wl))
    if (lk, rk) == ("blocks", "blocks"):
        return _diag(E.mul(V, E.hadamard(wl, wr)))
    return _diag(E.mul(E.transpose(V), E.hadamard(wl, wr)))


def _two_selected(a: E.Expr, v: E.Expr, k: E.Expr, w: E.Expr, b: E.Expr):
    """As 1 1ᵀ ⊗ I = (1 ⊗ I)(1ᵀ ⊗ I) and I ⊗ 1 1ᵀ = (I ⊗ 1)(I ⊗ 1ᵀ), two diagonals either side
    of a square selector come back as a product:

        (aᵀ ⊗ I_n) diag(v) (I_m ⊗ 1_n 1_nᵀ) diag(w) (b ⊗ I_n) = V diag(a ∘ b) Wᵀ
        (I_m ⊗ cᵀ) diag(v) (1_m 1_mᵀ ⊗ I_n) diag(w) (I_m ⊗ d) = Vᵀ diag(c ∘ d) W
        (aᵀ ⊗ I_n) diag(v) (1_m 1_mᵀ ⊗ I_n) diag(w) (b ⊗ I_n) = diag(V a) diag(W b)
        (I_m ⊗ cᵀ) diag(v) (I_m ⊗ 1_n 1_nᵀ) diag(w) (I_m ⊗ d) = diag(Vᵀ c) diag(Wᵀ d)

    (the Hessian of a per-column softmax summed over a batch, Σ_j s_j s_jᵀ = S Sᵀ).  Else None."""
    ends, middle = (_selector(a), _selector(b)), _selector(k)
    if None in ends or middle is None or not all(
            isinstance(d, E.Apply) and d.name == "diagm" for d in (v, w)):
        return None
    if not ends[0][2:4] == middle[2:4] == ends[1][2:4]:
        return None
    m, n = middle[2:4]
    V, W = unvec_partial(v.arg, (n, m)), unvec_partial(w.arg, (n, m))
    kinds = (ends[0][:2], middle[:2], ends[1][:2])
    weights = _diag(E.hadamard(ends[0][4], ends[1][4]))
    if kinds == (("blocks", "row"), ("within", "square"), ("blocks", "col")):
        return E.mul(V, weights, E.transpose(W))
    if kinds == (("within", "row"), ("blocks", "square"), ("within", "col")):
        return E.mul(E.transpose(V), weights, W)
    # the square selector of the ends' own kind sums both sides separately
    if kinds == (("blocks", "row"), ("blocks", "square"), ("blocks", "col")):
        return E.mul(_diag(E.mul(V, ends[0][4])), _diag(E.mul(W, ends[1][4])))
    if kinds == (("within", "row"), ("within", "square"), ("within", "col")):
        return E.mul(_diag(E.mul(E.transpose(V), ends[0][4])), _diag(E.mul(E.transpose(W), ends[1][4])))
    return None


def _commuted_selector(a: E.Expr, b: E.Expr):
    """A commutation matrix beside a selector swaps the selector's factors:
    K_{r,s} (I_s ⊗ c) = c ⊗ I_s, K_{r,s} (c ⊗ I_r) = I_r ⊗ c, and their transposes
    (I_s ⊗ cᵀ) K_{s,r} = cᵀ ⊗ I_s, (cᵀ ⊗ I_r) K_{s,r} = I_r ⊗ cᵀ.  Else None."""
    if isinstance(a, E.Commutation) and isinstance(b, E.Kron) and b.cols != ONE:
        r, s = a.r, a.s
        if isinstance(b.a, E.Identity) and b.a.n == s and b.b.shape == (r, ONE):
            return E.kron(b.b, E.identity(s))
        if isinstance(b.b, E.Identity) and b.b.n == r and b.a.shape == (s, ONE):
            return E.kron(E.identity(r), b.a)
    if isinstance(b, E.Commutation) and isinstance(a, E.Kron) and a.rows != ONE:
        column = _commuted_selector(E.transpose(b), E.transpose(a))
        return None if column is None else E.transpose(column)
    return None


def _special(f: E.Expr) -> bool:
    return isinstance(f, (E.Kron, E.Commutation, E.DiagSelector)) or _diag_of_vec(f) or (
        isinstance(f, E.Mul) and any(_special(g) for g in f.chain))


def _distribute(e: E.Mul):
    """row · (S1 + S2) = row · S1 + row · S2 when a term is a Kronecker-like factor."""
    chain = list(e.chain)
    if chain[0].rows != ONE and chain[-1].cols != ONE:
        return None
    for i, f in enumerate(chain):
        if isinstance(f, E.Add) and any(_special(t) for t in f.terms):
            return E.add(*(E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], t, *chain[i + 1:])
                           for t in f.terms))
    return None


def _kron_count(e: E.Expr) -> int:
    own = 1 if isinstance(e, (E.Kron, E.Commutation)) else 0
    return own + sum(_kron_count(k) for k in e.children())


def _reduced(t: E.Expr, steps: int = 40) -> E.Expr:
    """t with vec_identities applied until none fits (a bounded number of times)."""
    for _ in range(steps):
        new = vec_identities(t) if isinstance(t, E.Mul) else None
        if new is None:
            return t
        t = new
    return t


def _selector_sum(e: E.Mul):
    """S (T1 + T2) … with a selector S in the chain: the sum distributed where every term
    then loses Kronecker and commutation factors to the identities (the differential
    method's (1ᵀ ⊗ I) diag(v) (h - (I ⊗ 1 1ᵀ) diag(v) h), h = 1 ⊗ I, is diag(V 1) - V Vᵀ);
    else None."""
    chain = e.chain
    if not any(_selector(f) is not None for f in chain):
        return None
    for i, f in enumerate(chain):
        if isinstance(f, E.Add) and any(_special(t) for t in f.terms) and len(f.terms) <= 8:
            terms = [_reduced(E.mul(*chain[:i], t, *chain[i + 1:])) for t in f.terms]
            if sum(map(_kron_count, terms)) < _kron_count(e):
                return E.mul(E.Num(e.coeff), *e.scalars, E.add(*terms))
    return None


@on(E.Mul)
def vec_identities(e: E.Expr):
    """Apply the first identity that fits a product chain: the row (or column)
    product on one side of a Kronecker, commutation, diag or selection factor."""
    if not isinstance(e, E.Mul) or not e.chain:
        return None
    chain = list(e.chain)
    spread = _distribute(e)
    if spread is not None:
        return spread
    spread = _selector_sum(e)
    if spread is not None:
        return spread
    for i in range(len(chain) - 4):
        new = _two_selected(*chain[i:i + 5])
        if new is not None:
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], new, *chain[i + 5:])
    for i in range(len(chain) - 2):
        new = _selected_entries(*chain[i:i + 3])
        if new is not None:
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], new, *chain[i + 3:])
    for i in range(len(chain) - 1):
        new = _pair(chain[i], chain[i + 1])
        if new is not None:
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], new, *chain[i + 2:])
    # A product of two or more factors is a Mul, which _pair_rule only pairs with a special
    # factor; building the product (O(length)) only beside one keeps long chains linear.
    for i in range(1, len(chain)):
        if i > 1 and chain[0].rows == ONE and _pairs_after_product(chain[i]):
            new = _pair(E.mul(*chain[:i]), chain[i])        # (row product) · special factor
            if new is not None:
                return E.mul(E.Num(e.coeff), *e.scalars, new, *chain[i + 1:])
        if i < len(chain) - 1 and chain[-1].cols == ONE and _pairs_before_product(chain[i - 1]):
            new = _pair(chain[i - 1], E.mul(*chain[i:]))    # special factor · (column product)
            if new is not None:
                return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i - 1], new)
    return None


def _pairs_after_product(f: E.Expr) -> bool:
    """Whether _pair_rule(product, f) can fire: f is Kronecker-like (or Eᵀ)."""
    return isinstance(f, (E.Kron, E.Commutation, E.DiagSelector)) or _diag_of_vec(f) or (
        isinstance(f, E.T) and isinstance(f.arg, E.DiagSelector))


def _pairs_before_product(f: E.Expr) -> bool:
    """Whether _pair_rule(f, product) can fire."""
    return isinstance(f, (E.Kron, E.Commutation, E.DiagSelector)) or _diag_of_vec(f)


@on(E.Mul)
def kron_on_vec_sum(e: E.Expr):
    """(P ⊗ Q) v = vec(Q M Pᵀ) and vᵀ (P ⊗ Q) = vec(Qᵀ M P)ᵀ where v = vec(M) is read
    through a sum or an elementwise form (vec A - vec B = vec(A - B)), which
    vec_identities, pairing a Kronecker factor with one vec form, does not see.  The
    chain method sums a bias's gradient over a batch so: (I ⊗ 1ᵀ) vec(G) = Gᵀ 1."""
    if not isinstance(e, E.Mul):
        return None
    chain = e.chain
    for i in range(len(chain) - 1):
        new = _kron_beside_vec_form(chain[i], chain[i + 1])
        if new is not None:
            return E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], new, *chain[i + 2:])
    return None


def _kron_beside_vec_form(a: E.Expr, b: E.Expr):
    if isinstance(a, E.Kron) and b.cols == ONE and _composite(b):         # (P ⊗ Q) vec M
        P, Q = a.a, a.b
        M = unvec(b, (Q.cols, P.cols))
        return None if M is None else E.apply("vec", E.mul(Q, M, E.transpose(P)))
    if isinstance(b, E.Kron) and a.rows == ONE and _composite(E.transpose(a)):  # vec(M)ᵀ (P ⊗ Q)
        P, Q = b.a, b.b
        M = unvec(E.transpose(a), (Q.rows, P.rows))
        return None if M is None else E.transpose(E.apply("vec", E.mul(E.transpose(Q), M, P)))
    return None


def _composite(v: E.Expr) -> bool:
    """A column that is a sum or an elementwise form (of vec forms, maybe)."""
    if isinstance(v, E.T):
        v = v.arg
    return isinstance(v, (E.Add, E.Had, E.EDiv))
