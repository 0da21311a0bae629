"""unvec(v), the matrix whose column-major vec is v: the gradients that need it (vec(X)ᵀ c,
max(X)) print it by every method in both layouts and match finite differences; the node
goes through every printer, the SymPy values, the differential and identification; the
selector sandwich it replaces rewrites to it; typed in a problem, it is refused."""

from fractions import Fraction

import numpy as np
import pytest

import mdx
from child_process import torch_code_matches_numpy
from fdcheck import check, verified_both_ways
from mdx.expressions import expr as E
from test_identities import LAYOUTS, METHODS
from test_textbook_rules import value

n, m = "n", "m"
c = E.Sym("c", ("m*n", "1"), "vector")
X = E.Sym("X", (n, m), "matrix")
U = E.unvec(c, (n, m))


def _vec(a):
    return a.reshape(-1, 1, order="F")


# (problem, shapes, NumPy function, variable, what the result prints in each layout)
PROBLEMS = [
    ("d vec(X)^T c / dX", {"X": (3, 2), "c": (6, 1)}, lambda X, c: (_vec(X).T @ c).item(), "X",
     ("unvec(c)", "unvec(c)^T")),
    ("d max(X) / dX", {"X": (3, 4)}, lambda X: np.max(X), "X",
     ("unvec(ismax(vec(X)))", "unvec(ismax(vec(X)))^T")),
    ("d (vec(X)^T c)^2 / dX", {"X": (3, 2), "c": (6, 1)}, lambda X, c: (_vec(X).T @ c).item() ** 2,
     "X", ("2 (vec(X)^T c) unvec(c)", "2 (vec(X)^T c) unvec(c)^T")),
    # the chain method's (I ⊗ Xᵀ) h comes back as Xᵀ unvec(h), a sum term by term
    ("d max(X W) / dW", {"X": (3, 2), "W": (2, 4)}, lambda X, W: np.max(X @ W), "W",
     ("X^T unvec(ismax(vec(X W)))", "unvec(ismax(vec(X W)))^T X")),
    ("d exp(vec(X)^T c) + tr(X^T B) / dX", {"X": (3, 2), "c": (6, 1), "B": (3, 2)},
     lambda X, c, B: np.exp((_vec(X).T @ c).item()) + np.trace(X.T @ B), "X",
     ("exp(vec(X)^T c) unvec(c) + B", "(exp(vec(X)^T c) unvec(c) + B)^T")),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,shapes,fn,wrt,text", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_the_gradient_is_unvec_and_right(problem, shapes, fn, wrt, text, layout, method):
    der = mdx.derive(problem, layout=layout, method=method)
    printed = der.text(steps=False)
    want = text[LAYOUTS.index(layout)]
    assert f"= {want}    (" in printed, printed
    assert "⊗" not in printed and "unvec(v) is the" in printed
    check(der.json(), fn, shapes, wrt, layout, draws=2)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem", [p[0] for p in PROBLEMS[:2]])
def test_verify_and_verify_exact(problem, layout):
    verified_both_ways(problem, layout)


def test_printers():
    assert str(U) == "unvec(c)" and str(E.transpose(U)) == "unvec(c)^T"
    assert E.to_latex(U) == r"\operatorname{unvec}\left(c\right)"
    der = mdx.derive("d vec(X)^T c / dX")
    assert der.json()["result"]["numpy"] == '(c).reshape((X.shape[0], X.shape[1]), order="F")'
    assert "(c).reshape(X.shape[1], X.shape[0]).T" in der.torch_function()
    assert r"\operatorname{unvec}" in der.latex()


def test_code_runs_and_matches_the_reshape():
    rng = np.random.default_rng(1)
    Xv, cv = rng.standard_normal((3, 2)), rng.standard_normal((6, 1))
    for layout in LAYOUTS:
        got = mdx.derive("d vec(X)^T c / dX", layout=layout).numpy()(X=Xv, c=cv)
        want = cv.reshape((3, 2), order="F")
        np.testing.assert_array_equal(got, want if layout == "denominator" else want.T)


def test_torch_code_equals_the_numpy_code():
    torch_code_matches_numpy(("d vec(X)^T c / dX", "d max(X) / dX"),
                             '{"X": rng.standard_normal((3, 4)), "c": rng.standard_normal((12, 1))}')


def test_constructors():
    assert E.apply("vec", U) == c                                   # vec(unvec(v)) = v
    assert E.unvec(E.apply("vec", X), (n, m)) == X                  # unvec(vec(X)) = X
    assert E.unvec(E.scale(2, c), (n, m)) == E.scale(2, U)          # linear
    assert E.unvec(c, ("m*n", "1")) == c and E.unvec(c, ("1", "m*n")) == E.transpose(c)
    assert E.unvec(E.zero(("m*n", "1")), (n, m)) == E.zero((n, m))
    assert U.shape == (n, m) and E.transpose(U).shape == (m, n) and not E.is_symmetric(U)
    assert E.rebuild(U, (E.scale(3, c),)) == E.scale(3, U)


def test_differential_and_identification():
    from mdx.derivation.identify import gradient, jacobian
    from mdx.derivation.rules import differentiate, dvar, rule
    name, body = rule(U, c)
    assert name.startswith("linearity of unvec") and differentiate(U, c) == E.unvec(dvar(c), (n, m))
    dc = dvar(c)
    A = E.Sym("A", (n, m), "matrix")
    assert gradient(E.apply("tr", E.mul(E.transpose(A), E.unvec(dc, (n, m)))), dc) == E.apply("vec", A)
    assert jacobian(E.unvec(dc, (n, m)), dc) == E.identity("m*n")


def test_sympy_values_are_column_major():
    sympy = pytest.importorskip("sympy")
    from mdx.expressions.sympy_values import SympyValues
    v = sympy.Matrix(6, 1, lambda i, j: i)
    got = SympyValues({"c": v}, {"n": 2, "m": 3}).value(U)
    assert got == sympy.Matrix([[0, 2, 4], [1, 3, 5]])
    with pytest.raises(mdx.UnsupportedError):          # no matrix-expression form in SymPy
        mdx.derive("d vec(X)^T c / dX").to_sympy()


def _product(*factors):
    return E.Mul(Fraction(1), (), factors)


SUM_BLOCKS = E.kron(E.ones(("1", m)), E.identity(n))          # 1_mᵀ ⊗ I_n
COPY_BLOCKS = E.kron(E.ones((m, "1")), E.identity(n))         # 1_m ⊗ I_n
SUM_WITHIN = E.kron(E.identity(m), E.ones(("1", n)))          # I_m ⊗ 1_nᵀ
COPY_WITHIN = E.kron(E.identity(m), E.ones((n, "1")))         # I_m ⊗ 1_n
v, w = E.Sym("v", ("m*n", "1"), "vector"), E.Sym("w", ("m*n", "1"), "vector")
V, W = E.unvec(v, (n, m)), E.unvec(w, (n, m))
Dv, Dw = E.apply("diagm", v), E.apply("diagm", w)
a_m, b_m = E.Sym("a", (m, "1"), "vector"), E.Sym("b", (m, "1"), "vector")
c_n, d_n = E.Sym("c", (n, "1"), "vector"), E.Sym("d", (n, "1"), "vector")
SANDWICHES = [
    (_product(SUM_BLOCKS, Dv, COPY_WITHIN), V),
    (_product(SUM_WITHIN, Dv, COPY_BLOCKS), E.transpose(V)),
    (_product(SUM_BLOCKS, Dv, COPY_BLOCKS), E.apply("diagm", E.mul(V, E.ones((m, "1"))))),
    (_product(SUM_WITHIN, Dv, COPY_WITHIN),
     E.apply("diagm", E.mul(E.transpose(V), E.ones((n, "1"))))),
    # a square selector between two diagonals: 1 1ᵀ ⊗ I = (1 ⊗ I)(1ᵀ ⊗ I)
    (_product(SUM_BLOCKS, Dv, E.kron(E.identity(m), E.ones((n, n))), Dw, COPY_BLOCKS),
     E.mul(V, E.transpose(W))),
    (_product(SUM_WITHIN, Dv, E.kron(E.ones((m, m)), E.identity(n)), Dw, COPY_WITHIN),
     E.mul(E.transpose(V), W)),
    # weighted: each block (or each entry of a block) scaled by a weight's entry
    (_product(E.kron(E.transpose(a_m), E.identity(n)), Dv, E.kron(E.identity(m), c_n)),
     E.mul(E.apply("diagm", c_n), V, E.apply("diagm", a_m))),
    (_product(E.kron(E.identity(m), E.transpose(c_n)), Dv, E.kron(a_m, E.identity(n))),
     E.mul(E.apply("diagm", a_m), E.transpose(V), E.apply("diagm", c_n))),
    (_product(E.kron(E.transpose(a_m), E.identity(n)), Dv, E.kron(b_m, E.identity(n))),
     E.apply("diagm", E.mul(V, E.hadamard(a_m, b_m)))),
    (_product(E.kron(E.identity(m), E.transpose(c_n)), Dv, E.kron(E.identity(m), d_n)),
     E.apply("diagm", E.mul(E.transpose(V), E.hadamard(c_n, d_n)))),
    (_product(E.kron(E.transpose(a_m), E.identity(n)), Dv, E.kron(E.identity(m), E.ones((n, n))), Dw,
              E.kron(b_m, E.identity(n))),
     E.mul(V, E.apply("diagm", E.hadamard(a_m, b_m)), E.transpose(W))),
    (_product(SUM_WITHIN, Dv, E.kron(E.identity(m), E.ones((n, n))), Dw, COPY_WITHIN),
     E.mul(E.apply("diagm", E.mul(E.transpose(V), E.ones((n, "1")))),
           E.apply("diagm", E.mul(E.transpose(W), E.ones((n, "1")))))),
    # a commutation matrix beside a selector swaps its factors: K_{n,m} (I_m ⊗ c) = c ⊗ I_m
    (_product(E.Commutation(n, m), E.kron(E.identity(m), c_n)), E.kron(c_n, E.identity(m))),
    (_product(E.Commutation(n, m), E.kron(a_m, E.identity(n))), E.kron(E.identity(n), a_m)),
    (_product(E.kron(E.identity(m), E.transpose(c_n)), E.Commutation(m, n)),
     E.kron(E.transpose(c_n), E.identity(m))),
    (_product(E.kron(E.transpose(a_m), E.identity(n)), E.Commutation(m, n)),
     E.kron(E.identity(n), E.transpose(a_m))),
    # a sum between a selector and its partner is distributed where the terms then reduce
    (_product(SUM_BLOCKS, Dv, E.add(COPY_BLOCKS, E.neg(_product(E.kron(E.identity(m), E.ones((n, n))),
                                                                Dv, COPY_BLOCKS)))),
     E.add(E.apply("diagm", E.mul(V, E.ones((m, "1")))), E.neg(E.mul(V, E.transpose(V))))),
]


@pytest.mark.parametrize("before,after", SANDWICHES, ids=[str(b) for b, _ in SANDWICHES])
def test_a_selector_sandwich_comes_back_to_a_matrix(before, after):
    """(1_mᵀ ⊗ I_n) diag(v) (I_m ⊗ 1_n) = unvec(v) and the other selector pairs, weighted or
    not, and a commutation matrix beside a selector, with n = 3 and m = 4 so that a block and
    a within-block sum cannot be confused."""
    from mdx.simplification.vecrules import vec_identities
    assert vec_identities(before) == after
    rng = np.random.default_rng(2)
    inputs = {"v": rng.standard_normal((12, 1)), "w": rng.standard_normal((12, 1)),
              "a": rng.standard_normal((4, 1)), "b": rng.standard_normal((4, 1)),
              "c": rng.standard_normal((3, 1)), "d": rng.standard_normal((3, 1))}
    np.testing.assert_allclose(value(after, inputs), value(before, inputs))


def test_typed_unvec_is_refused_with_its_position():
    with pytest.raises(mdx.errors.MdxError) as e:
        mdx.derive("d tr(A unvec(c)) / dc where A: matrix 2 x 3")
    assert e.value.column == 8 and "vec(X)^T v" in str(e.value.hint)
