"""The definition (index) method: write f entry by entry, differentiate with respect
to one entry X_pq with Kronecker deltas, contract them, reassemble the matrix form.

Reassembly reads each term as a graph whose nodes are indices and whose edges are
factors: the path from the row index to the column index is a matrix product,
closed loops are traces, paths between unit ends are scalars, factors on the same
pair of indices multiply entrywise.  Vec-form derivatives (more free indices)
reassemble as Kronecker products of the two halves.
"""

from __future__ import annotations

from .. import expr as E
from ..errors import UnsupportedError
from ..index_form import ONE, Factor, Fresh, Term, contract, d_terms, entry, is_differential
from ..printers.text import to_text
from ..simplify import present
from ..steps import Step


# a gradient with more index terms than this is differentiated as a matrix for the Hessian
MAX_INDEX_TERMS = 8


# ----------------------------------------------------------------- index expressions in steps
class IndexExpr(E.Expr):
    """A step's right-hand side in index notation: printed, never evaluated."""

    def __init__(self, terms):
        self.__dict__["terms_"] = terms         # expressions are immutable once built

    shape = E.SCALAR

    @property
    def key(self):
        return ("IndexExpr", id(self))

    def __repr__(self):
        return terms_text(self.terms_)


def _render(terms, atom_name, delta, sum_of, sub, power) -> str:
    if not terms:
        return "0"
    out = []
    for n, t in enumerate(terms):
        c = t.coeff
        sign = (" - " if n else "-") if c < 0 else (" + " if n else "")
        head = [] if abs(c) == 1 and t.factors else [str(abs(c))]
        facs = []
        for f in t.factors:
            idx = "".join(x for x in (f.i, f.j) if x != ONE)
            base = delta if f.atom is None else atom_name(f.atom)
            piece = sub(base, idx) if idx else base
            facs.append(piece if f.power == 1 else power(piece, f.power))
        sums = sum_of(sorted(set(t.sums))) if t.sums else ""
        out.append(sign + sums + " ".join(head + facs))
    return "".join(out)


def terms_text(terms) -> str:
    return _render(terms, lambda a: to_text(a) if isinstance(a, E.Sym) else f"({to_text(a)})", "δ",
                   lambda ix: f"Σ_{''.join(ix)} ", lambda b, i: f"{b}_{i}", lambda p, k: f"{p}^{k}")


def terms_latex(terms) -> str:
    from ..printers.latex import to_latex
    return _render(terms, lambda a: "{" + to_latex(a) + "}" if isinstance(a, E.Sym) else rf"\left({to_latex(a)}\right)",
                   r"\delta", lambda ix: rf"\sum_{{{','.join(ix)}}} ", lambda b, i: f"{b}_{{{i}}}",
                   lambda p, k: f"{p}^{{{k}}}")


# ----------------------------------------------------------------- reassembly
def _oriented(f: Factor, start: str):
    """(matrix, other end) reading factor f from index `start`."""
    m = f.atom
    if f.power != 1:
        m = E.power(m, f.power) if m.is_scalar else E.epower(m, f.power)
    if f.i == start:
        return m, f.j
    return E.transpose(m), f.i


def _as_vector(f: Factor, a: str):
    """Factor f on the single index a as a column vector (diag of a matrix M_aa)."""
    m, _ = _oriented(f, a)
    if f.i == f.j == a:
        return E.apply("diagv", m)
    return m


def _group(factors: list) -> list:
    """Factors on the same indices multiply entrywise: A_ij B_ij = (A ∘ B)_ij;
    a diagonal entry M_aa is the vector diag(M)."""
    groups: dict = {}
    factors = [Factor(E.apply("diagv", _oriented(f, f.i)[0]), f.i, ONE)
               if f.i == f.j != ONE else f for f in factors]
    for f in factors:
        key = frozenset(x for x in (f.i, f.j) if x != ONE)
        groups.setdefault(key, []).append(f)
    out = []
    for key, fs in groups.items():
        if not key or len(fs) == 1:
            out.extend(fs)
        elif len(key) == 2:
            a, b = fs[0].i, fs[0].j
            out.append(Factor(E.hadamard(*(_oriented(f, a)[0] for f in fs)), a, b))
        else:
            (a,) = key
            out.append(Factor(E.hadamard(*(_as_vector(f, a) for f in fs)), a, ONE))
    return out


def _natural(factors: list, k: str) -> bool:
    """k joins exactly two factors, ending one and starting the other."""
    at = [f for f in factors if k in (f.i, f.j)]
    return len(at) == 2 and {at[0].j, at[1].j} != {k} and {at[0].i, at[1].i} != {k} \
        and all(f.i != f.j for f in at)


def _series_parallel(factors: list, free: set, dims: dict) -> list:
    """Reduce the index graph: factors on the same pair of indices multiply entrywise
    (parallel), and a summed index met by exactly two factors is a matrix product
    (series: Σ_k A_ka B_kb = (Aᵀ B)_ab).  A branch point such as Σ_a (Mᵀ E)_pa E_pa B_qa
    then reads ((Mᵀ E) ∘ E) Bᵀ instead of being walked through as a path."""
    while True:
        factors = _group(factors)
        summed = dict.fromkeys(x for f in factors for x in (f.i, f.j) if x not in free and x != ONE)
        # in the order the factors name them (the same form every run), a product that reads
        # without a transpose (Σ_k A_ik B_kj = (A B)_ij) first: dW X rather than dWᵀ H
        for k in sorted(summed, key=lambda k: not _natural(factors, k)):
            at = [f for f in factors if k in (f.i, f.j)]
            if len(at) == 1 and at[0].i != at[0].j:     # Σ_k H_ik = (H 1)_i: a dangling end
                m, a = _oriented(at[0], k)
                rest = [f for f in factors if f is not at[0]]
                factors = rest + [Factor(E.mul(E.transpose(m), E.Ones((dims[k], ONE))), a, ONE)]
                break
            if len(at) != 2 or any(f.i == f.j for f in at):
                continue
            (m1, a), (m2, b) = _oriented(at[0], k), _oriented(at[1], k)
            rest = [f for f in factors if f is not at[0] and f is not at[1]]
            factors = rest + [Factor(E.mul(E.transpose(m1), m2), a, b)]
            break
        else:
            return factors


def _diag_vectors(factors: list, free: set) -> list:
    """v_a whose index also joins two other factors (or one and a free end) is diag(v)."""
    for f in factors:
        if (f.i == ONE) == (f.j == ONE):
            continue
        a = f.i if f.i != ONE else f.j
        others = [g for g in factors if g is not f and a in (g.i, g.j)]
        if len(others) + (a in free) < 2:
            continue
        g, new = others[0], a + "'"
        moved = Factor(g.atom, new if g.i == a else g.i, new if g.j == a and g.i != a else g.j, g.power)
        vec = _oriented(f, a)[0]
        rest = [x for x in factors if x is not f and x is not g]
        return _diag_vectors(rest + [Factor(E.apply("diagm", vec), a, new), moved], free)
    return factors


def _walk(factors: list, start: str, stop: set, dims: dict, ends: list | None = None):
    """The product along the path from `start` to a unit end or an index in `stop`;
    an end left dangling is summed against a vector of ones.  `ends` collects where
    the path stopped."""
    chain, cur = [], start
    while True:
        nxt = next((f for f in factors if cur in (f.i, f.j)), None)
        if nxt is None:
            if cur != ONE and cur not in stop:
                chain.append(E.Ones((dims[cur], ONE)))
            break
        factors.remove(nxt)
        m, cur = _oriented(nxt, cur)
        chain.append(m)
        if cur == ONE or cur in stop:
            break
    if ends is not None:
        ends.append(cur)
    return chain


def _deltas_to_identity(t: Term, dims: dict) -> list:
    """δ_pq becomes I_pq; with it, a diagonal entry M_pp may be read as M_pq."""
    pairs = [(f.i, f.j) for f in t.factors if f.atom is None]
    out = []
    for f in t.factors:
        if f.atom is None:
            out.append(Factor(E.identity(dims[f.i]), f.i, f.j))
            continue
        for a, b in pairs:
            if f.i == f.j == a:
                f = Factor(f.atom, a, b, f.power)
            elif f.i == f.j == b:
                f = Factor(f.atom, a, b, f.power)
        out.append(f)
    return out


def _unused_sums(t: Term, dims: dict) -> list:
    """Σ_k over an index no factor carries multiplies by its size."""
    used = {x for f in t.factors for x in (f.i, f.j)}
    return [E.DimSize(dims[k]) for k in t.sums if k not in used]


def reassemble(t: Term, row: str, col: str, dims: dict) -> E.Expr:
    """The matrix M (rows `row`, columns `col`) with M_{row col} equal to the term."""
    free = {x for x in (row, col) if x != ONE}
    factors = _series_parallel(_deltas_to_identity(t, dims), free, dims)
    factors = _diag_vectors(factors, free)
    scalars = [_oriented(f, ONE)[0] for f in factors if f.i == f.j == ONE]
    factors = [f for f in factors if not f.i == f.j == ONE]
    if row != ONE and col == ONE:
        body = None
        while any(row in (f.i, f.j) for f in factors):
            ends: list = []
            chain = _walk(factors, row, {row}, dims, ends)
            # a path back to the row index is a diagonal: Σ_k A_ik B_ki = diag(A B)_i
            piece = E.apply("diagv", E.mul(*chain)) if ends[-1] == row else E.mul(*chain)
            body = piece if body is None else E.hadamard(body, piece)
        if body is None:
            body = E.Ones((dims[row], ONE))
    elif row != ONE:
        chain = _walk(factors, row, {col} - {ONE}, dims)
        body = E.mul(*chain)
        if col != ONE and (not chain or body.cols == ONE):
            back = _walk(factors, col, set(), dims)
            body = E.mul(body, E.transpose(E.mul(*back)))
        while col != ONE and any(row in (f.i, f.j) for f in factors):
            # another route from row to col: (A)_ij (N M)_ij = (A ∘ N M)_ij
            route = _walk(factors, row, {col}, dims)
            if not route or E.mul(*route).cols == ONE:
                break
            body = E.hadamard(body, E.mul(*route))
    elif col != ONE:
        body = E.transpose(E.mul(*_walk(factors, col, set(), dims)))
    else:
        body = E.ONE_SCALAR
    if any({f.i, f.j} & free for f in factors):
        raise UnsupportedError("this index form does not reassemble as one matrix product; "
                               "use --method differential")
    while factors:
        scalars.append(_scalar_component(factors, dims))
    return E.mul(E.Num(t.coeff), *scalars, *_unused_sums(t, dims), body)


def _scalar_component(factors: list, dims: dict) -> E.Expr:
    """One closed piece: a unit-ended path (uᵀ A v), an open sum (1ᵀ A 1) or a loop (tr)."""
    if any(ONE in (g.i, g.j) for g in factors):
        return E.mul(*_walk(factors, ONE, set(), dims))
    ends: dict = {}
    for g in factors:
        for x in (g.i, g.j):
            ends[x] = ends.get(x, 0) + 1
    start = next((x for x, n in ends.items() if n == 1), None)
    if start is not None:
        return E.mul(E.transpose(E.Ones((dims[start], ONE))), *_walk(factors, start, set(), dims))
    first = factors[0]
    return E.apply("tr", E.mul(*_walk(factors, first.i, {first.i}, dims)))


def _components(t: Term) -> dict:
    """Index -> component label, joining the two indices of every factor."""
    parent: dict = {}

    def find(x):
        while parent.get(x, x) != x:
            x = parent[x]
        return x
    for f in t.factors:
        a, b = f.i, f.j
        if ONE in (a, b):
            parent.setdefault(a if a != ONE else b, a if a != ONE else b)
            continue
        parent[find(a)] = find(b)
    return {x: find(x) for x in list(parent)}


def reassemble_vec(t: Term, i: str, j: str, p: str, q: str, var: E.Sym, dims: dict) -> E.Expr:
    """J with J[(i,j),(p,q)] = term (vec form): a Kronecker product of two halves."""
    special = _vec_special(t, i, j, p, q, dims)
    if special is not None:
        return special
    comp = _components(t)
    c = lambda x: comp.get(x, x) if x != ONE else None  # noqa: E731
    if c(i) != c(q) and c(j) != c(p) and (c(i) == c(p) or ONE in (i, p)) and (c(j) == c(q) or ONE in (j, q)):
        left, right, twist = (i, p), (j, q), False
    elif c(i) != c(p) and c(j) != c(q):
        left, right, twist = (i, q), (j, p), True
    else:
        raise UnsupportedError("this index form does not split into a Kronecker product; "
                               "use --method differential")
    side = {x for x in left if x != ONE}
    mine = tuple(f for f in t.factors if {f.i, f.j} - {ONE} and c((set((f.i, f.j)) - {ONE}).pop()) in {c(x) for x in side})
    rest = tuple(f for f in t.factors if f not in mine)
    A = reassemble(Term(t.coeff, mine, _idle_sums(t)), left[0], left[1], dims)
    B = reassemble(Term(E.Fraction(1), rest, ()), right[0], right[1], dims)
    out = E.kron(B, A)
    return E.mul(out, E.commutation(var.rows, var.cols)) if twist else out


def _vec_special(t: Term, i, j, p, q, dims):
    """δ_ip δ_jq W_ij = diag(vec W); M_ij N_pq = vec(M) vec(N)ᵀ."""
    out_idx, var_idx = {i, j} - {ONE}, {p, q} - {ONE}
    deltas = {frozenset((f.i, f.j)) for f in t.factors if f.atom is None}
    others = [f for f in t.factors if f.atom is not None]
    pairing = {frozenset((i, p)), frozenset((j, q))} - {frozenset((ONE, ONE))}
    # W keeps every factor but the pairing deltas (a δ_ij of I among them)
    rest = [f for f in t.factors if f.atom is not None or frozenset((f.i, f.j)) not in pairing]
    if pairing <= deltas and all({f.i, f.j} <= out_idx | {ONE} for f in rest):
        W = reassemble(Term(t.coeff, tuple(rest), t.sums), i, j, dims)
        return E.apply("diagm", E.apply("vec", W))
    if not others and deltas == {frozenset((i, j)), frozenset((i, p))} and q == ONE:
        return E.mul(E.Num(t.coeff), E.DiagSelector(dims[i]))          # vec(diag(x)) = E x
    if not others and deltas == {frozenset((i, p)), frozenset((i, q))} and j == ONE:
        return E.mul(E.Num(t.coeff), E.transpose(E.DiagSelector(dims[i])))  # diag(X) = Eᵀ vec(X)
    if _separate(t, out_idx, var_idx):
        # the halves are the connected components: X_bl in Σ (X³)_pl X_qb X_bl is on p, q's side
        comp = _components(t)
        mine = {comp.get(x, x) for x in out_idx}
        on_out = lambda f: any(comp.get(x, x) in mine for x in (f.i, f.j) if x != ONE)  # noqa: E731
        left = tuple(f for f in t.factors if on_out(f))
        right = tuple(f for f in t.factors if not on_out(f))
        M = reassemble(Term(t.coeff, left, _idle_sums(t)), i, j, dims)
        N = reassemble(Term(E.Fraction(1), right, ()), p, q, dims)
        return E.mul(E.apply("vec", M), E.transpose(E.apply("vec", N)))
    return None


def _idle_sums(t: Term) -> tuple:
    """Summed indices no factor carries: Σ_k 1 is the size of k, kept when a term is split."""
    used = {x for f in t.factors for x in (f.i, f.j)}
    return tuple(k for k in t.sums if k not in used)


def _separate(t: Term, out_idx: set, var_idx: set) -> bool:
    comp = _components(t)
    return not ({comp.get(x, x) for x in out_idx} & {comp.get(x, x) for x in var_idx})


# ----------------------------------------------------------------- the method
def _entrywise(f: E.Expr, var: E.Sym, steps: list, fresh: Fresh, idx) -> list:
    i, j, p, q = idx
    sub = "".join(x for x in (i, j) if x != ONE)
    fij = f"f_{sub}" if sub else "f"
    vpq = var.name + ("_" + "".join(x for x in (p, q) if x != ONE) if (p, q) != (ONE, ONE) else "")
    terms = entry(f, i, j, fresh)
    steps.append(Step("write f entry by entry (index notation)", fij, IndexExpr(terms), numpy=False))
    if (p, q) == (ONE, ONE):
        rule = f"differentiate with respect to {var.name}"
    elif q == ONE:
        rule = f"differentiate with respect to one entry: ∂{var.name}_a/∂{vpq} = δ_a{p}"
    else:
        rule = f"differentiate with respect to one entry: ∂{var.name}_ab/∂{vpq} = δ_a{p} δ_b{q}"
    dterms = d_terms(terms, var, p, q, fresh)
    steps.append(Step(rule, f"∂{fij}/∂{vpq}", IndexExpr(dterms), numpy=False))
    cterms = [t for t in (contract(t) for t in dterms) if t.coeff != 0]
    steps.append(Step("contract the Kronecker deltas: Σ_k A_k δ_kq = A_q", f"∂{fij}/∂{vpq}",
                      IndexExpr(cterms), numpy=False))
    return cterms


def _back_to_matrix(terms, f, var, idx, dims, steps) -> E.Expr:
    i, j, p, q = idx
    if any(is_differential(t, var) for t in terms):
        return _via_differential(terms, f, var, idx, dims, steps)
    if f.is_scalar:
        return E.add(*(reassemble(t, p, q, dims) for t in terms)) if terms else E.zero(var.shape)
    if var.is_scalar:
        return E.add(*(reassemble(t, i, j, dims) for t in terms)) if terms else E.zero(f.shape)
    if j == ONE and q == ONE:
        return E.add(*(reassemble(t, i, p, dims) for t in terms)) if terms else \
            E.zero((f.rows, var.rows))
    if not terms:
        return E.zero((E.dim_mul(f.rows, f.cols), E.dim_mul(var.rows, var.cols)))
    try:
        return E.add(*(reassemble_vec(t, i, j, p, q, var, dims) for t in terms))
    except UnsupportedError:
        return _via_differential(terms, f, var, idx, dims, steps)


def _via_differential(terms, f, var, idx, dims, steps) -> E.Expr:
    """Back to matrix form through the differential, when the index form does not split
    (∂(B (X∘X))_ij/∂X_pq = 2 B_ip X_pj δ_jq is no Kronecker product of two halves) or holds
    a Kronecker product's differential: sum each term against dX_pq, so that only the
    indices i, j remain; reassemble dF as a matrix; identify the derivative from it."""
    from ..identify import gradient, jacobian
    from ..rules.differential import dvar
    i, j, p, q = idx
    dx = dvar(var)
    summed = tuple(x for x in (p, q) if x != ONE)
    dterms = [t if is_differential(t, var) else
              contract(Term(t.coeff, t.factors + (Factor(dx, p, q),), t.sums + summed))
              for t in terms]
    dF = present(E.add(*(reassemble(t, i, j, dims) for t in dterms)))
    dxpq = "d" + var.name + "_" + "".join(x for x in (p, q) if x != ONE) if summed else "d" + var.name
    steps.append(Step(f"multiply by {dxpq} and sum: the entries of the differential, in matrix form",
                      "df" if f.is_scalar else "dF", dF))
    if f.is_scalar:
        return gradient(dF, dx)
    if var.is_scalar:
        return E.substitute(dF, {dx: E.ONE_SCALAR})
    J = present(jacobian(dF, dx))
    if f.cols != ONE or var.cols != ONE:
        steps.append(Step(f"vectorize: vec(AXB) = (Bᵀ ⊗ A) vec(X), so vec(dF) = J vec(d{var.name})",
                          "vec(dF)", E.mul(J, E.apply("vec", dx)), numpy=False))
    return J


def definition_derivative(f: E.Expr, var: E.Sym, steps: list) -> tuple:
    """(raw derivative, f_scalar): gradient, F' or numerator Jacobian (mdx.layout)."""
    stripped = isinstance(f, E.Apply) and f.name == "vec" and not var.is_scalar
    if stripped:
        steps.append(Step("vec(F) stacks the entries of F: its Jacobian is the vec-form Jacobian of F",
                          "F", f.arg, numpy=False))
        f = f.arg
    idx = tuple(n if d != ONE else ONE for n, d in
                zip("ijpq", (f.rows, f.cols, var.rows, var.cols)))
    fresh = Fresh({n: d for n, d in zip("ijpq", (f.rows, f.cols, var.rows, var.cols))})
    terms = _entrywise(f, var, steps, fresh, idx)
    first = len(steps)
    raw = present(_back_to_matrix(terms, f, var, idx, fresh.dims, steps))
    if stripped:                # dF of the matrix F is not d vec(F): no value to check
        for st in steps[first:]:
            st.numpy = False
    return raw, f.is_scalar


def _hessian_via_differential(grad, f, var, idx, dims, steps) -> E.Expr:
    """A gradient that holds a Kronecker product's differential: take the matrix gradient,
    then its differential, and identify the Hessian from it."""
    from ..identify import jacobian
    from ..rules.differential import differentiate, dvar
    G = present(_back_to_matrix(grad, f, var, idx, dims, steps))
    steps.append(Step("the gradient", "∇f", G))
    dG = present(differentiate(G if var.cols == ONE else E.apply("vec", G), var))
    steps.append(Step("differentiate the gradient", "d∇f", dG))
    dx = dvar(var)
    if var.is_scalar:
        return present(E.substitute(dG, {dx: E.ONE_SCALAR}))
    return present(jacobian(dG, dx))


def definition_hessian(f: E.Expr, var: E.Sym, steps: list) -> E.Expr:
    """∂²f/∂x_p∂x_r entry by entry, then the matrix (over vec(X) for a matrix)."""
    fresh = Fresh({"p": var.rows, "q": var.cols, "r": var.rows, "s": var.cols})
    p, q = ("p" if var.rows != ONE else ONE), ("q" if var.cols != ONE else ONE)
    r, s = ("r" if var.rows != ONE else ONE), ("s" if var.cols != ONE else ONE)
    grad = _entrywise(f, var, steps, fresh, (ONE, ONE, p, q))
    if len(grad) > MAX_INDEX_TERMS:
        steps.append(Step(f"the gradient has {len(grad)} index terms, and a second pass entry by "
                          "entry would multiply them: differentiate the matrix gradient instead",
                          "f", f, numpy=False))
    if len(grad) > MAX_INDEX_TERMS or any(is_differential(t, var) for t in grad):
        return _hessian_via_differential(grad, f, var, (ONE, ONE, p, q), fresh.dims, steps)
    second = [t for t in (contract(t) for t in d_terms(grad, var, r, s, fresh)) if t.coeff != 0]
    steps.append(Step("differentiate the gradient entry by entry, contract the deltas",
                      f"∂²f/∂{var.name}_{p}{q}∂{var.name}_{r}{s}".replace(ONE, ""),
                      IndexExpr(second), numpy=False))
    if not second:
        size = E.dim_mul(var.rows, var.cols)
        return E.zero((size, size))
    try:
        if var.is_scalar:
            return present(E.add(*(reassemble(t, ONE, ONE, fresh.dims) for t in second)))
        if var.cols == ONE:
            return present(E.add(*(reassemble(t, p, r, fresh.dims) for t in second)))
        return present(E.add(*(reassemble_vec(t, p, q, r, s, var, fresh.dims) for t in second)))
    except UnsupportedError:        # no two-halves form: through the differential of ∇f
        return _hessian_by_rows(second, var, (p, q, r, s), fresh.dims, steps)


def _hessian_by_rows(second, var, idx, dims, steps) -> E.Expr:
    """Σ_rs ∂²f/∂X_pq∂X_rs dX_rs is the (p, q) entry of d∇f: reassemble that matrix,
    then identify the Hessian from vec(d∇f) = H vec(dX)."""
    from ..identify import jacobian
    from ..rules.differential import dvar
    p, q, r, s = idx
    dx = dvar(var)
    summed = tuple(x for x in (r, s) if x != ONE)
    dterms = [contract(Term(t.coeff, t.factors + (Factor(dx, r, s),), t.sums + summed))
              for t in second]
    dG = present(E.add(*(reassemble(t, p, q, dims) for t in dterms)))
    steps.append(Step(f"multiply by d{var.name}_{r}{s} and sum: the differential of the gradient",
                      "d∇f", dG))
    return present(jacobian(dG if var.cols == ONE else E.apply("vec", dG), dx))
