"""E_n, the n²×n matrix whose column i is vec(e_i e_iᵀ) (vec(diag(x)) = E_n x, diag(X) =
E_nᵀ vec(X)): the Jacobians of diag print it by every method in both layouts, named as
K_{m,n} is, never as the selector Kronecker form (1_n ⊗ I_n) ∘ (I_n ⊗ 1_n), and match
finite differences; a note says what it is; every printer; typed back, `E_n` is the
selector when n is a size of the problem, and a matrix of the problem's otherwise."""


import numpy as np
import pytest

import mdx
from child_process import torch_code_matches_numpy
from fdcheck import check, verified_both_ways
from mdx.expressions import expr as E
from test_identities import LAYOUTS, METHODS
from test_textbook_rules import SELECTOR


def _vec(a):
    return a.reshape(-1, 1, order="F")


def selector(n):
    return np.stack([_vec(np.outer(e, e)).ravel() for e in np.eye(n)], axis=1)


# (problem, shapes, NumPy function, variable, the result in each layout)
PROBLEMS = [
    ("d diag(x) / dx", {"x": (3, 1)}, lambda x: np.diagflat(x), "x", ("E_n^T", "E_n")),
    ("d diag(X) / dX", {"X": (3, 3)}, lambda X: np.diag(X).reshape(-1, 1), "X", ("E_n", "E_n^T")),
    ("d diag(vec(X)) / dX", {"X": (3, 2)}, lambda X: np.diagflat(_vec(X)), "X",
     ("E_{mn}^T", "E_{mn}")),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,shapes,fn,wrt,text", PROBLEMS, ids=[p[0] for p in PROBLEMS])
def test_the_jacobian_is_E_and_right(problem, shapes, fn, wrt, text, layout, method):
    der = mdx.derive(problem, layout=layout, method=method)
    printed = der.text(steps=False)
    want = text[LAYOUTS.index(layout)]
    assert f"result: ∂f/∂{wrt} = {want}    (" in printed, printed
    assert "⊗" not in printed and "∘" not in printed, printed
    assert not SELECTOR.search(der.text(steps=True))         # nor in a step
    assert " matrix whose column i is vec(e_i e_iᵀ)" in printed
    check(der.json(), fn, shapes, wrt, layout, draws=2)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem", [p[0] for p in PROBLEMS[:2]])
def test_verify_and_verify_exact(problem, layout):
    verified_both_ways(problem, layout)


def test_printers():
    En = E.DiagSelector("n")
    assert str(En) == "E_n" and str(E.transpose(En)) == "E_n^T"
    assert str(E.DiagSelector("n*m")) == "E_{nm}"
    assert E.to_latex(En) == "E_{n}" and E.to_latex(E.transpose(En)) == r"E_{n}^{\top}"
    assert r"\mathbf{E}_{n}" in mdx.derive("d diag(x) / dx").latex(bold=True)
    der = mdx.derive("d diag(x) / dx", layout="numerator")
    assert der.json()["result"]["numpy"] == "np.eye((x.shape[0]) * (x.shape[0]))[:, ::(x.shape[0]) + 1]"
    assert der.json()["notes"] == ["E_n is the n²×n matrix whose column i is vec(e_i e_iᵀ): "
                                   "vec(diag(v)) = E_n v and diag(M) = E_nᵀ vec(M)"]


def test_code_is_the_selector():
    xv = np.arange(1.0, 4.0).reshape(3, 1)
    Xv = np.arange(9.0).reshape(3, 3)
    for layout, flip in zip(LAYOUTS, (np.transpose, lambda a: a)):
        np.testing.assert_array_equal(mdx.derive("d diag(x) / dx", layout=layout).numpy()(x=xv),
                                      flip(selector(3)))
        np.testing.assert_array_equal(mdx.derive("d diag(X) / dX", layout=layout).numpy()(X=Xv),
                                      flip(selector(3).T))
    assert np.array_equal(selector(3) @ xv, _vec(np.diagflat(xv)))          # what the note says
    assert np.array_equal(selector(3).T @ _vec(Xv), np.diag(Xv).reshape(-1, 1))


def test_torch_code_equals_the_numpy_code():
    torch_code_matches_numpy(("d diag(x) / dx", "d diag(X) / dX"),
                             '{"x": np.arange(1.0, 4.0).reshape(3, 1), "X": np.arange(9.0).reshape(3, 3)}')


@pytest.mark.parametrize("layout", LAYOUTS)
def test_E_n_reads_back_as_the_selector(layout):
    """As K_{m,n}: with a size of the problem's, E_n in a problem is the selector."""
    xv = np.arange(1.0, 4.0).reshape(3, 1)
    der = mdx.derive("d E_n^T vec(diag(x)) / dx where x: vector n", layout=layout)
    assert np.array_equal(der.numpy()(x=xv), np.eye(3))            # Eᵀ E = I
    der = mdx.derive("d E_n x / dx where x: vector n", layout=layout)
    assert str(der.result) == ("E_n^T", "E_n")[LAYOUTS.index(layout)]
    assert np.array_equal(der.numpy()(x=xv), mdx.derive("d diag(x) / dx", layout=layout).numpy()(x=xv))
    der = mdx.derive("d E_{mn}^T vec(diag(vec(X))) / dX where X: matrix n x m", layout=layout)
    assert np.array_equal(der.numpy()(X=np.ones((3, 2))), np.eye(6))      # E_{mn}: (mn)²×mn


@pytest.mark.parametrize("problem", [
    "d tr(E_1 X) / dX",                         # a number is never the selector's size
    "d tr(E_2 X) / dX where X: matrix 2 x 2",
    "d x^T E_n x / dx",                         # n is no size the problem names
    "d x^T E_n x / dx where x: vector n; E_n: matrix n x n",      # declared: the problem's
    "d tr(E X) / dX",
])
def test_other_E_names_stay_the_problems_matrices(problem):
    der = mdx.derive(problem)
    assert any(s.startswith("E") for s in der.symbols), der.symbols
    assert not any(isinstance(e, E.DiagSelector) for e in _nodes(der.result))
    assert "vec(e_i e_iᵀ)" not in der.text(steps=False)


def _nodes(e):
    yield e
    for c in e.children():
        yield from _nodes(c)
