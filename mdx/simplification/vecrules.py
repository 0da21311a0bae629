"""Vec and Kronecker identities that turn vec-form products back into matrices.

The chain method multiplies vec-form Jacobians; these rules (Magnus–Neudecker)
bring the products back to matrix form:

    (P ⊗ Q) vec(M) = vec(Q M Pᵀ)          vec(M)ᵀ (P ⊗ Q) = vec(Qᵀ M P)ᵀ
    K vec(M) = vec(Mᵀ)                    vec(M)ᵀ K = vec(Mᵀ)ᵀ
    diag(vec W) vec(M) = vec(W ∘ M)       vec(M)ᵀ diag(vec W) = vec(M ∘ W)ᵀ
    E v = vec(diag(v))                    vec(M)ᵀ E = diag(M)ᵀ
    vec(M)ᵀ vec(N) = tr(Mᵀ N)
    (1_mᵀ ⊗ I_n) diag(v) (I_m ⊗ 1_n) = unvec(v), the n×m matrix whose vec is v
"""

from __future__ import annotations

from fractions import Fraction

from ..expressions import expr as E
from ..expressions.dims import ONE, dim_mul
from ..expressions.text import printed_length
from ..language.functions import PER_COLUMN
from .rule_types import on


def _as_matrix(v: E.Expr, rows: str, cols: str):
    """M with vec(M) = v and M of size rows × cols, when that is visible; else None."""
    if isinstance(v, E.Apply) and v.name == "vec" and v.arg.shape == (rows, cols):
        return v.arg
    if isinstance(v, (E.Ones, E.Zero)) and v.shape == (dim_mul(rows, cols), ONE):
        return type(v)((rows, cols))
    if v.cols == ONE and cols == ONE and v.rows == rows:
        return v
    if v.cols == ONE and rows == ONE and v.rows == cols:
        return E.transpose(v)
    return None


def _row_as_matrix(r: E.Expr, rows: str, cols: str):
    """M with vec(M)ᵀ = r."""
    if r.rows != ONE:
        return None
    return _as_matrix(E.transpose(r), rows, cols)


def _pair(a: E.Expr, b: E.Expr):
    """The product a b rewritten by one identity, or None (also when nothing changes)."""
    new = _pair_rule(a, b)
    return None if new is None or new == E.mul(a, b) else new


def _pair_rule(a: E.Expr, b: E.Expr):
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
    """(kind, form, m, n) for a Kronecker product of an identity and ones that sums or copies the
    m blocks of length n of a column (kind "blocks": 1_mᵀ ⊗ I_n, 1_m ⊗ I_n, 1_m 1_mᵀ ⊗ I_n) or
    the entries within each block ("within": I_m ⊗ 1_nᵀ, I_m ⊗ 1_n, I_m ⊗ 1_n 1_nᵀ), with the
    shape of its ones ("row", "col", "square"); else None."""
    if not isinstance(f, E.Kron):
        return None
    a, b = f.a, f.b
    for kind, ones, eye in (("blocks", a, b), ("within", b, a)):
        if isinstance(eye, E.Identity):
            m_or_n = ones.rows if ones.rows != ONE else ones.cols
            for form, shape in (("row", (ONE, m_or_n)), ("col", (m_or_n, ONE)),
                                ("square", (m_or_n, m_or_n))):
                if m_or_n != ONE and _ones(ones, *shape):
                    return (kind, form) + ((m_or_n, eye.n) if kind == "blocks" else (eye.n, m_or_n))
    return None


def _selected_entries(a: E.Expr, w: E.Expr, b: E.Expr):
    """A diagonal matrix diag(v) between two selectors, with V = unvec(v) the n×m matrix
    whose vec is v (column j of V is block j of v):

        (1_mᵀ ⊗ I_n) diag(v) (I_m ⊗ 1_n) = V          (I_m ⊗ 1_nᵀ) diag(v) (1_m ⊗ I_n) = Vᵀ
        (1_mᵀ ⊗ I_n) diag(v) (1_m ⊗ I_n) = diag(V 1)  (I_m ⊗ 1_nᵀ) diag(v) (I_m ⊗ 1_n) = diag(Vᵀ 1)

    Else None."""
    if not (isinstance(w, E.Apply) and w.name == "diagm"):
        return None
    left, right = _selector(a), _selector(b)
    if left is None or right is None or left[2:] != right[2:]:
        return None
    m, n = left[2:]
    V = unvec_partial(w.arg, (n, m))
    sides = (left[:2], right[:2])
    if sides == (("blocks", "row"), ("within", "col")):
        return V
    if sides == (("within", "row"), ("blocks", "col")):
        return E.transpose(V)
    if sides == (("blocks", "row"), ("blocks", "col")):
        return E.apply("diagm", E.mul(V, E.Ones((m, ONE))))
    if sides == (("within", "row"), ("within", "col")):
        return E.apply("diagm", E.mul(E.transpose(V), E.Ones((n, ONE))))
    return None


def _two_selected(a: E.Expr, v: E.Expr, k: E.Expr, w: E.Expr, b: E.Expr):
    """As 1 1ᵀ ⊗ I = (1 ⊗ I)(1ᵀ ⊗ I) and I ⊗ 1 1ᵀ = (I ⊗ 1)(I ⊗ 1ᵀ), two diagonals either side
    of a square selector come back as a product:

        (1_mᵀ ⊗ I_n) diag(v) (I_m ⊗ 1_n 1_nᵀ) diag(w) (1_m ⊗ I_n) = V Wᵀ
        (I_m ⊗ 1_nᵀ) diag(v) (1_m 1_mᵀ ⊗ I_n) diag(w) (I_m ⊗ 1_n) = Vᵀ W

    (the Hessian of a per-column softmax summed over a batch, Σ_j s_j s_jᵀ = S Sᵀ).  Else None."""
    ends, middle = (_selector(a), _selector(b)), _selector(k)
    if None in ends or middle is None or not all(
            isinstance(d, E.Apply) and d.name == "diagm" for d in (v, w)):
        return None
    if not ends[0][2:] == middle[2:] == ends[1][2:]:
        return None
    m, n = middle[2:]
    V, W = unvec_partial(v.arg, (n, m)), unvec_partial(w.arg, (n, m))
    kinds = (ends[0][:2], middle[:2], ends[1][:2])
    if kinds == (("blocks", "row"), ("within", "square"), ("blocks", "col")):
        return E.mul(V, E.transpose(W))
    if kinds == (("within", "row"), ("blocks", "square"), ("within", "col")):
        return E.mul(E.transpose(V), W)
    return None


def _special(f: E.Expr) -> bool:
    return isinstance(f, (E.Kron, E.Commutation, E.DiagSelector)) or _diag_of_vec(f) or (
        isinstance(f, E.Mul) and any(_special(g) for g in f.chain))


def _distribute(e: E.Mul):
    """row · (S1 + S2) = row · S1 + row · S2 when a term is a Kronecker-like factor."""
    chain = list(e.chain)
    for i in range(1, len(chain) - 1):
        if _between_selectors(chain[i - 1], chain[i], chain[i + 1]):
            return E.add(*(E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], t, *chain[i + 1:])
                           for t in chain[i].terms))
    if chain[0].rows != ONE and chain[-1].cols != ONE:
        return None
    for i, f in enumerate(chain):
        if isinstance(f, E.Add) and any(_special(t) for t in f.terms):
            return E.add(*(E.mul(E.Num(e.coeff), *e.scalars, *chain[:i], t, *chain[i + 1:])
                           for t in f.terms))
    return None


def _between_selectors(a: E.Expr, f: E.Expr, b: E.Expr) -> bool:
    """S1 (D1 + D2 …) S2 with selectors S1, S2 and terms that begin and end with diag(v):
    each term S1 Dk S2 then comes back to a matrix by _selected_entries."""
    def ends_in_diag(t):
        chain = E.parts(t)[2]
        return bool(chain) and all(isinstance(g, E.Apply) and g.name == "diagm"
                                   for g in (chain[0], chain[-1]))
    return isinstance(f, E.Add) and _selector(a) is not None and _selector(b) is not None \
        and all(ends_in_diag(t) for t in f.terms)


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


def _diag_of_vec(f: E.Expr) -> bool:
    return isinstance(f, E.Apply) and f.name == "diagm" and isinstance(f.arg, E.Apply) \
        and f.arg.name == "vec"


def _pairs_after_product(f: E.Expr) -> bool:
    """Whether _pair_rule(product, f) can fire: f is Kronecker-like (or Eᵀ)."""
    return isinstance(f, (E.Kron, E.Commutation, E.DiagSelector)) or _diag_of_vec(f) or (
        isinstance(f, E.T) and isinstance(f.arg, E.DiagSelector))


def _pairs_before_product(f: E.Expr) -> bool:
    """Whether _pair_rule(f, product) can fire."""
    return isinstance(f, (E.Kron, E.Commutation, E.DiagSelector)) or _diag_of_vec(f)


def unvec(v: E.Expr, shape) -> E.Expr | None:
    """M of the given shape with vec(M) = v, read off the structure, or None.

    vec is linear and commutes with every elementwise operation, so a sum, a scalar
    multiple, a Hadamard product, a quotient or an elementwise function of vec forms
    comes back term by term; a Kronecker, commutation or diag(vec W) factor in front of
    a vec form comes back by the identities above ((P ⊗ Q) vec M = vec(Q M Pᵀ), ...).
    """
    if isinstance(v, E.T) and isinstance(v.arg, E.Add):
        v = E.add(*(E.transpose(t) for t in v.arg.terms))
    if isinstance(v, E.Add):
        return _unvec_all(v.terms, shape, E.add)
    if isinstance(v, E.Had):
        return _unvec_all(v.factors, shape, E.hadamard)
    if isinstance(v, E.EDiv):
        return _unvec_all((v.num, v.den), shape, E.ediv)
    if isinstance(v, E.Func) and v.name in PER_COLUMN:
        return None                     # of each column: f(vec X) is not vec(f(X))
    if isinstance(v, (E.Func, E.EPow)) and not v.is_scalar:
        inner = unvec(v.children()[0], shape)
        return None if inner is None else E.rebuild(v, (inner,))
    if isinstance(v, E.Num):
        return None
    coeff, scalars, chain = Fraction(1), (), (v,)
    if isinstance(v, E.Mul):
        coeff, scalars, chain = v.coeff, v.scalars, v.chain
    if not chain:
        return None
    body = chain[0] if len(chain) == 1 else None
    if body is None:
        M = _unvec_product(chain, shape)
    elif isinstance(body, (E.Add, E.Had, E.EDiv, E.Func, E.EPow)) or (
            isinstance(body, E.T) and isinstance(body.arg, E.Add)):
        M = unvec(body, shape) if body is not v else None
    elif E.is_zero(body):
        M = E.zero(shape)
    elif isinstance(body, E.Kron) and body.a.cols == ONE and body.b.cols == ONE \
            and (body.b.rows, body.a.rows) == shape:          # b ⊗ a = vec(a bᵀ)
        M = E.mul(body.b, E.transpose(body.a))
    else:
        M = _as_matrix(body, shape[0], shape[1])
    return None if M is None else E.mul(E.Num(coeff), *scalars, M)


def unvec_partial(v: E.Expr, shape) -> E.Expr:
    """unvec(v) read off v's structure where it shows, the node unvec(·) around what does not:
    a sum term by term, and the column a Kronecker factor acts on ((P ⊗ Q) h = vec(Q unvec(h)
    Pᵀ)), so that unvec((I ⊗ Xᵀ) h) is Xᵀ unvec(h), as the other methods find it."""
    M = unvec(v, shape)
    if M is not None:
        return M
    whole = E.unvec(v, shape)
    if isinstance(v, E.Add):
        split = E.add(*(unvec_partial(t, shape) for t in v.terms))
        return min((whole, split), key=printed_length)
    coeff, scalars, chain = E.parts(v)
    first, rest = (chain[0], E.mul(*chain[1:])) if len(chain) > 1 else (None, None)
    if isinstance(first, E.Kron) and rest.cols == ONE and (first.b.rows, first.a.rows) == shape:
        P, Q = first.a, first.b
        inner = unvec_partial(rest, (Q.cols, P.cols))
        return E.mul(E.Num(coeff), *scalars, Q, inner, E.transpose(P))
    return whole


def _unvec_all(parts, shape, combine):
    got = [unvec(p, shape) for p in parts]
    return None if any(g is None for g in got) else combine(*got)


def _unvec_product(chain, shape):
    """unvec of F h, with F a Kronecker, commutation or diag(vec W) factor and h a column."""
    first, rest = chain[0], E.mul(*chain[1:])
    if rest.cols != ONE:
        return None
    r, c = shape
    if isinstance(first, E.Add):                   # (F1 + F2) h = F1 h + F2 h
        return _unvec_all([E.mul(t, rest) for t in first.terms], shape, E.add)
    if isinstance(first, E.Kron):                  # (P ⊗ Q) vec M = vec(Q M Pᵀ)
        P, Q = first.a, first.b
        if (Q.rows, P.rows) != (r, c):
            return None
        M = unvec(rest, (Q.cols, P.cols))
        return None if M is None else E.mul(Q, M, E.transpose(P))
    if isinstance(first, E.Commutation) and (first.s, first.r) == (r, c):   # K vec M = vec Mᵀ
        M = unvec(rest, (c, r))
        return None if M is None else E.transpose(M)
    if _diag_of_vec(first) and first.arg.arg.shape == (r, c):               # diag(vec W) vec M
        M = unvec(rest, shape)
        return None if M is None else E.hadamard(first.arg.arg, M)
    return None


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
