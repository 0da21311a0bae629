"""mdx solve: the stationary point in closed form, checked numerically (the gradient, by
finite differences of independent NumPy code, vanishes at the solution), and refusals of
gradients that are not affine."""

import numpy as np
import pytest
from typer.testing import CliRunner

from fdcheck import draw, evaluate, expected
from mdx.cli import app
from mdx.errors import MdxError
from mdx.stationary import NotAffineError, solve

runner = CliRunner()

inv = np.linalg.inv

# (problem, shapes, props, independent f, wrt, the textbook closed form as text)
CASES = [
    ("d ||y - X w||^2 / dw = 0", {"y": (5, 1), "X": (5, 3), "w": (3, 1)}, {},
     lambda y, X, w: float(np.sum((y - X @ w) ** 2)), "w", "(X^T X)^{-1} X^T y"),
    ("d ||y - X w||^2 + lambda ||w||^2 / dw = 0",
     {"y": (5, 1), "X": (5, 3), "w": (3, 1), "lambda": ()}, {"lambda": "positive"},
     lambda **k: float(np.sum((k["y"] - k["X"] @ k["w"]) ** 2) + k["lambda"] * np.sum(k["w"] ** 2)),
     "w",
     "(lambda I + X^T X)^{-1} X^T y"),
    ("d (y - X w)^T W (y - X w) / dw = 0 where W: spd",
     {"y": (5, 1), "X": (5, 3), "w": (3, 1), "W": (5, 5)}, {"W": "spd"},
     lambda y, X, w, W: ((y - X @ w).T @ W @ (y - X @ w)).item(), "w", "(X^T W X)^{-1} X^T W y"),
    ("d tr((X - c 1^T)^T S^-1 (X - c 1^T)) / dc = 0 where S: spd",
     {"X": (3, 6), "c": (3, 1), "S": (3, 3)}, {"S": "spd"},
     lambda X, c, S: float(np.trace((X - c).T @ inv(S) @ (X - c))), "c", "X 1 / m"),
    ("d x^T A x / 2 - b^T x / dx = 0 where A: symmetric",
     {"x": (4, 1), "A": (4, 4), "b": (4, 1)}, {"A": "spd"},
     lambda x, A, b: (x.T @ A @ x / 2 - b.T @ x).item(), "x", "A^{-1} b"),
    ("d ||R - U V^T||_F^2 / dU = 0 where R: matrix 5 x 4; V: matrix 4 x 2",
     {"R": (5, 4), "U": (5, 2), "V": (4, 2)}, {},
     lambda R, U, V: float(np.sum((R - U @ V.T) ** 2)), "U", "R V (V^T V)^{-1}"),
    ("d ||A X B - C||_F^2 / dX = 0 where A: matrix 5 x 3; B: matrix 2 x 4",
     {"A": (5, 3), "X": (3, 2), "B": (2, 4), "C": (5, 4)}, {},
     lambda A, X, B, C: float(np.sum((A @ X @ B - C) ** 2)), "X",
     "(A^T A)^{-1} A^T C B^T (B B^T)^{-1}"),
    ("d ||d .* w - y||^2 / dw = 0", {"d": (4, 1), "w": (4, 1), "y": (4, 1)}, {"d": "positive"},
     lambda d, w, y: float(np.sum((d * w - y) ** 2)), "w", "diag(d ∘ d)^{-1} (d ∘ y)"),
    ("d alpha (theta - beta)^2 / dtheta = 0", {"alpha": (), "theta": (), "beta": ()}, {},
     lambda alpha, theta, beta: alpha * (theta - beta) ** 2, "theta", "beta"),
]


@pytest.mark.parametrize("problem,shapes,props,f,wrt,form", CASES, ids=[c[0] for c in CASES])
def test_the_gradient_vanishes_at_the_solution(problem, shapes, props, f, wrt, form):
    sol = solve(problem)
    assert str(sol.result).replace("λ", "lambda") == form
    rng = np.random.default_rng(5)
    for _ in range(3):
        inputs = draw(shapes, props, rng)
        inputs[wrt] = np.asarray(evaluate(sol.json()["result"]["numpy"], inputs), dtype=float)
        grad = expected(f, inputs, wrt, "denominator")
        assert np.max(np.abs(grad)) < 1e-6 * max(1.0, np.max(np.abs(inputs[wrt]))), problem
    assert sol.check() < 1e-9


def test_the_steps_collect_move_and_invert():
    sol = solve("d ||y - X w||^2 + lambda ||w||^2 / dw = 0")
    rules = [st.rule for st in sol.steps]
    assert rules[0].startswith("derive the gradient")
    assert any(r.startswith("collect the terms in w") for r in rules)
    assert rules[-1].startswith("invert")
    assert sol.condition == "lambda I + X^T X invertible"
    text = sol.text()
    assert "condition: lambda I + X^T X invertible" in text
    assert r"\text{ invertible}" in sol.latex()


@pytest.mark.parametrize("problem,inside", [
    ("d sum(log(1 + exp(-y .* (X w)))) / dw = 0", "log"),        # logistic regression
    ("d ||X w - y||^2 + ||w||_1 / dw = 0", "a 1-norm"),             # the lasso
    ("d sum(sigmoid(X w)) / dw = 0", "sigmoid"),
])
def test_non_affine_gradients_are_refused_with_a_position(problem, inside):
    with pytest.raises(NotAffineError, match="not affine") as info:
        solve(problem)
    assert inside in info.value.message
    assert info.value.column > 1


def test_twice_in_a_term_is_refused():
    with pytest.raises(NotAffineError, match="more than once"):
        solve("d (x^T x)^2 / dx = 0")


def test_the_command_line_and_json():
    out = runner.invoke(app, ["solve", "d ||y - X w||^2 / dw = 0"])
    assert out.exit_code == 0 and "result: w = (X^T X)^{-1} X^T y" in out.output
    js = runner.invoke(app, ["solve", "d ||y - X w||^2 / dw = 0", "--format", "json"])
    assert '"solve": true' in js.output and '"condition": "X^T X invertible"' in js.output
    bad = runner.invoke(app, ["solve", "d sum(sigmoid(X w)) / dw = 0"])
    assert bad.exit_code == 1 and "column" in bad.output


def test_a_non_scalar_function_is_refused():
    with pytest.raises(MdxError, match="scalar"):
        solve("d A x / dx = 0")


def test_derive_points_to_solve_for_an_equation():
    out = runner.invoke(app, ["derive", "d ||y - X w||^2 / dw = 0"])
    assert out.exit_code == 1 and "mdx solve" in out.output


def test_mdx_solve_stays_the_function_after_the_module_loads():
    """A submodule named solve would replace mdx.solve once anything imported it."""
    import importlib
    import mdx
    importlib.import_module("mdx.stationary")
    mdx.derive("d ||y - X w||^2 / dw")
    assert callable(mdx.solve) and mdx.solve("d ||y - X w||^2 / dw = 0").result is not None
