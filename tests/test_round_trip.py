"""Every result mdx prints is valid input again (SPEC 8, 9): the printed result, typed back
in with the printed `where` line, parses and evaluates to the same numbers — over every
corpus (public, ML, identities, practitioners' spellings), and for the forms that need care:
numbers in scientific notation (`1e-05`), derivatives of declared functions (`g'(u)`),
sizes used as numbers, named sizes of ones and identities, Greek names with subscripts."""

import numpy as np
import pytest

import mdx
from corpora import CORPUS
from fdcheck import draw
from test_identities import LAYOUTS, METHODS
from test_typing_corpus import evaluate
from typing_corpus import CASES as TYPING_CASES


def typed_back(der):
    """The printed result and where line, parsed and typed as a new problem."""
    from mdx.language.parser import parse
    from mdx.expressions.text import to_text
    from mdx.rendering.render import where_text
    from mdx.shapes.typer import type_problem
    text = f"d ({to_text(der.result)}) / d{der.var.name} {where_text(der)}"
    return text, type_problem(parse(text))


def _numpy(typed) -> str:
    from mdx.rendering.numpy_code import NumpyPrinter
    from mdx.rendering.pynames import problem_names
    return NumpyPrinter(problem_names(typed.symbols, [typed.expr])).doprint(typed.expr)


ALL = CORPUS + [("typing", c) for c in TYPING_CASES]

# Forms a corpus may not print; each with the shapes to evaluate it at (None: compared as
# expressions, for a declared function with no values).
FORMS = [
    ("d 1e-5 x^T x + 2.5E-3 sum(x) / dx", {"x": (3, 1)}),
    ("d 1e+2 x^T x / 3e-7 / dx", {"x": (3, 1)}),
    ("d λ_1 ||w||^2 + lambda2 sum(w) / dw", {"λ_1": (), "lambda2": (), "w": (3, 1)}),
    ("d log det(Sigma_1) + tr(Σ^{-1} C) / dΣ", None),
    ("d ||X||_F^2 / (2 n) / dX where X: matrix n x d", {"X": (3, 2)}),
    ("d mean(X) / dX", {"X": (3, 2)}),
    ("d sum(X, dim=1)^T x + 1^T mean(X, dim=0)^T / dX", {"X": (3, 2), "x": (3, 1)}),
    ("d sum(softmax(Z, dim=1) .* Y) / dZ", {"Z": (3, 4), "Y": (3, 4)}),
    ("d ||W X + b - Y||_F^2 / db", {"W": (2, 3), "X": (3, 4), "b": (2, 1), "Y": (2, 4)}),
    ("d f(x^T A x) / dx where f: scalar function", None),
    ("d^2 f(x^T x) / dx^2 where f: scalar function", None),
    ("d 1^T g(x) / dx where g(t) = t^3", {"x": (3, 1)}),
    ("d^2 1^T g(x) / dx^2 where g(t) = sin(t) + t^2", {"x": (3, 1)}),
    ("d tr(X^T) / dX", {"X": (3, 2)}),
    ("d vec(X^T) / dX", {"X": (3, 2)}),
    ("d diag(vec(X)) / dX", {"X": (3, 2)}),                 # E_{mn}
    ("d^2 sum(softmax(W x, dim=0) .* y) / dW dx", {"W": (2, 3), "x": (3, 1), "y": (2, 1)}),
    ("d sum(abs(x)) + sum(relu(x)) / dx", {"x": (3, 1)}),
]


def _check(der, shapes, props=None):
    text, typed = typed_back(der)
    if shapes is None:                  # abstract functions: the same expression
        assert typed.expr == der.result, f"{text} reads back as {typed.expr}"
        return
    inputs = draw(shapes, props or {}, np.random.default_rng(3))
    want = np.asarray(evaluate(der.json()["result"]["numpy"], inputs), dtype=float)
    got = np.asarray(evaluate(_numpy(typed), inputs), dtype=float)
    if got.size == 1 and want.size == 1:          # a scalar may be a float or a 1×1 array
        got, want = got.reshape(()), want.reshape(())
    elif not np.any(want):                          # a printed 0 reads back as the number 0
        got = np.broadcast_to(got, want.shape)
    assert got.shape == want.shape, f"{text}: shape {got.shape}, not {want.shape}"
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9), f"{text} does not read back as the result"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("source,case", ALL, ids=lambda c: c if isinstance(c, str) else c["problem"])
def test_result_reads_back(source, case, layout, method):
    try:
        der = mdx.derive(case["problem"], layout=layout, method=method)
    except mdx.errors.MdxError:
        return                      # a refusal has no result to read back
    _check(der, case["shapes"], case.get("props"))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,shapes", FORMS, ids=[p for p, _ in FORMS])
def test_forms_read_back(problem, shapes, layout, method):
    _check(mdx.derive(problem, layout=layout, method=method), shapes)


def test_small_and_large_numbers_print_so_that_they_read_back():
    from mdx.expressions.text import to_text
    from fractions import Fraction
    from mdx.expressions import expr as E
    for v in ("1e-5", "2.5e-3", "1e20", "3e-7", "123456789.125", "1/3"):
        text = to_text(E.Num(Fraction(v)))
        der = mdx.derive(f"d {text} x^T x / dx")
        assert der.result == mdx.derive(f"d {v} x^T x / dx").result, text


def test_a_selector_of_a_number_size_does_not_read_back():
    """E_n reads back as the selector only with a size the problem names, as K_{m,n}; a
    number is never its size, since E_1, E_2 are matrices of the problem's (SPEC 2). So
    where a declaration fixes the size to a number, the printed E_3 is typed back as a
    matrix named E_3: the one printed constant that does not read back."""
    der = mdx.derive("d diag(x) / dx where x: vector 3")
    assert str(der.result) == "E_3^T" and "E_3 is the 3²×3 matrix" in der.text(steps=False)
    text, typed = typed_back(der)
    assert "E_3" in typed.symbols
