"""User-defined scalar functions with a body (`where g(t) = ...`), applied elementwise;
g' comes from SymPy.  Checked against finite differences of independent NumPy code, with
every method in both layouts."""

import numpy as np
import pytest

import mdx
from fdcheck import check
from test_identities import LAYOUTS, METHODS


def cubic_sin(t):
    return t ** 3 + np.sin(t)


def softsign(t):
    return t / (1 + np.abs(t))


CASES = [
    ("d sum(g(W x)) / dx where g(t) = t^3 + sin(t)",
     {"W": (3, 2), "x": (2, 1)}, lambda W, x: np.sum(cubic_sin(W @ x)), "x", 1),
    ("d sum(g(W x)) / dW where g(t) = t^3 + sin(t)",
     {"W": (3, 2), "x": (2, 1)}, lambda W, x: np.sum(cubic_sin(W @ x)), "W", 1),
    ("d y^T softsign(W x) / dW where softsign(t) = t / (1 + abs(t))",
     {"y": (3, 1), "W": (3, 2), "x": (2, 1)}, lambda y, W, x: (y.T @ softsign(W @ x)).item(), "W", 1),
    ("d ||g(X) - Y||_F^2 / dX where g(t) = t^3 + sin(t)",
     {"X": (3, 2), "Y": (3, 2)}, lambda X, Y: np.sum((cubic_sin(X) - Y) ** 2), "X", 1),
    ("d h(A x) / dx where h(t) = exp(-t^2 / 2)",
     {"A": (3, 2), "x": (2, 1)}, lambda A, x: np.exp(-(A @ x) ** 2 / 2), "x", 1),
    ("d sum(q(X B)) / dX where q(u) = log(1 + u^2)",
     {"X": (2, 3), "B": (3, 2)}, lambda X, B: np.sum(np.log(1 + (X @ B) ** 2)), "X", 1),
    ("d^2 sum(g(x)) / dx^2 where g(t) = t^4 / 4 + cos(t)",
     {"x": (3, 1)}, lambda x: np.sum(x ** 4 / 4 + np.cos(x)), "x", 2),
    ("d^2 a^T g(x) / dx^2 where g(t) = t^3 + sin(t)",
     {"a": (3, 1), "x": (3, 1)}, lambda a, x: (a.T @ cubic_sin(x)).item(), "x", 2),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,shapes,f,wrt,order", CASES, ids=[c[0] for c in CASES])
def test_user_functions_are_derived_right(problem, shapes, f, wrt, order, layout, method):
    der = mdx.derive(problem, layout=layout, method=method)
    check(der.json(), f, shapes, wrt, layout, order=order)
    assert der.verify().max_error < 1e-6


def test_the_derivative_is_shown_in_the_steps_latex_and_numpy():
    der = mdx.derive("d sum(g(W x)) / dx where g(t) = t^3 + sin(t)")
    assert der.steps[0].rule == "SymPy differentiates the body of g(t) = t^3 + sin(t)"
    assert "g'(t) = 3 t^2 + cos(t)" in der.text()
    assert "g'(t) &= 3 t^{2} + \\cos" in der.latex()
    assert "g(t) = t^3 + sin(t)" in der.text().splitlines()[1]       # the where line
    code = der.numpy_expression()       # the argument W x computed once, then read
    assert "np.cos(_u)" in code and code.count("W @ x") == 1 and "lambda" not in code
    namespace = {}
    exec(der.numpy_function(), namespace)
    W, x = np.ones((2, 2)), np.ones((2, 1))
    assert np.allclose(namespace["df_dx"](W, x), W.T @ (3 * (W @ x) ** 2 + np.cos(W @ x)))


def test_the_where_line_reads_back():
    der = mdx.derive("d sum(g(W x)) / dx where g(t) = t^3 + sin(t)")
    from mdx.rendering.render import where_text
    again = mdx.derive(f"d sum(g(W x)) / dx {where_text(der)}")
    assert again.functions == der.functions and str(again.result) == str(der.result)


def test_exact_verification_uses_the_body():
    der = mdx.derive("d sum(g(W x)) / dW where g(t) = t^3 + sin(t)")
    assert der.verify("exact").kind == "exact"


@pytest.mark.parametrize("problem,message", [
    ("d sum(g(W x)) / dx where g(t) = t^3 + y", "may use only its parameter t"),
    ("d sum(g(W x)) / dx where g(t) = t^3; g(s) = s", "declared twice"),
    ("d sum(g(x)) / dx where g(t) = t^", "not in the language"),
])
def test_bad_definitions_are_positioned_errors(problem, message):
    with pytest.raises(mdx.errors.MdxError, match=message) as info:
        mdx.derive(problem)
    assert info.value.column > problem.index("where")
