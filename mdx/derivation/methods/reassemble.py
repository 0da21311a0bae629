"""Index form back to matrix form, for the definition method.

Reassembly reads each term as a graph whose nodes are indices and whose edges are
factors: the path from the row index to the column index is a matrix product,
closed loops are traces, paths between unit ends are scalars, factors on the same
pair of indices multiply entrywise.  Vec-form derivatives (more free indices)
reassemble as Kronecker products of the two halves.
"""

from __future__ import annotations

from fractions import Fraction

from ...expressions import expr as E
from ...errors import UnsupportedError
from ..index_form import ONE, Factor, Term


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


def _natural(at: list, k: str) -> bool:
    """k joins exactly the two factors `at`, ending one and starting the other."""
    return len(at) == 2 and {at[0].j, at[1].j} != {k} and {at[0].i, at[1].i} != {k} \
        and all(f.i != f.j for f in at)


def _meets(factors: list) -> dict:
    """index -> the factors on it, in order: one pass, where asking each index of every
    factor cost time cubic in a long product's length."""
    out: dict = {}
    for f in factors:
        for x in dict.fromkeys((f.i, f.j)):
            out.setdefault(x, []).append(f)
    return out


def _series_parallel(factors: list, free: set, dims: dict) -> list:
    """Reduce the index graph: factors on the same pair of indices multiply entrywise
    (parallel), and a summed index met by exactly two factors is a matrix product
    (series: Σ_k A_ka B_kb = (Aᵀ B)_ab).  A branch point such as Σ_a (Mᵀ E)_pa E_pa B_qa
    then reads ((Mᵀ E) ∘ E) Bᵀ instead of being walked through as a path."""
    while True:
        factors = _group(factors)
        summed = dict.fromkeys(x for f in factors for x in (f.i, f.j) if x not in free and x != ONE)
        meets = _meets(factors)
        # in the order the factors name them (the same form every run), a product that reads
        # without a transpose (Σ_k A_ik B_kj = (A B)_ij) first: dW X rather than dWᵀ H
        for k in sorted(summed, key=lambda k: not _natural(meets[k], k)):
            at = meets[k]
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
            folded = _fold_vector(factors, summed, meets)
            if folded is None:
                return factors
            factors = folded


def _fold_vector(factors: list, summed: dict, meets: dict) -> list | None:
    """A summed index met by a vector and two matrices is a branch no path may cross
    (Σ_kl b_k F_kl W_kp S_pl X_ql walked from p comes back to p through S): the vector
    joins one of the matrices, b_k F_kl = (diag(b) F)_kl, so that the index is met by
    two factors, a matrix product.  None when no index is such a branch."""
    for k in summed:
        at = meets[k]
        vectors = [f for f in at if ONE in (f.i, f.j)]
        others = [f for f in at if ONE not in (f.i, f.j)]
        if len(vectors) != 1 or len(others) != 2 or any(f.i == f.j for f in others):
            continue
        v, g = vectors[0], others[0]
        m, end = _oriented(g, k)
        rest = [f for f in factors if f is not v and f is not g]
        return rest + [Factor(E.mul(E.apply("diagm", _oriented(v, k)[0]), m), k, end)]
    return None


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
    out = _reassemble(t, row, col, dims, False)
    names = set().union(set(), *(f.atom.free for f in t.factors if isinstance(f.atom, E.Expr)))
    if names <= out.free:
        return out
    # a factor was lost: a diag(v) made its indices series points, a branch the walk does
    # not see (Σ_s dX_ps a_s A_sl beside E_pl is (E ∘ (dX diag(a) A))_pl): reduce again
    return _reassemble(t, row, col, dims, True)


def _reassemble(t: Term, row: str, col: str, dims: dict, again: bool) -> E.Expr:
    free = {x for x in (row, col) if x != ONE}
    factors = _series_parallel(_deltas_to_identity(t, dims), free, dims)
    factors = _diag_vectors(factors, free)
    if again:
        factors = _series_parallel(factors, free, dims)
    placed = list(factors)
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
    used = {x for f in placed if f not in factors for x in (f.i, f.j)} - {ONE}
    if any({f.i, f.j} & used for f in factors):
        # a factor left over shares a summed index with the product: it is no scalar of
        # its own (Σ_s dX_ps a_s A_sl beside E_pl), and taking it as one loses it
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
    B = reassemble(Term(Fraction(1), rest, ()), right[0], right[1], dims)
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
        N = reassemble(Term(Fraction(1), right, ()), p, q, dims)
        return E.mul(E.apply("vec", M), E.transpose(E.apply("vec", N)))
    return None


def _idle_sums(t: Term) -> tuple:
    """Summed indices no factor carries: Σ_k 1 is the size of k, kept when a term is split."""
    used = {x for f in t.factors for x in (f.i, f.j)}
    return tuple(k for k in t.sums if k not in used)


def _separate(t: Term, out_idx: set, var_idx: set) -> bool:
    comp = _components(t)
    return not ({comp.get(x, x) for x in out_idx} & {comp.get(x, x) for x in var_idx})
