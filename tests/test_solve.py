"""mdx solve: the stationary point in closed form, checked numerically (the gradient, by
finite differences of independent NumPy code, vanishes at the solution), and refusals of
gradients that are not affine."""

import numpy as np
import pytest
from typer.testing import CliRunner

from fdcheck import draw, evaluate, expected
from mdx.cli.app import app
from mdx.errors import MdxError
from mdx.derivation.solving.stationary import NotAffineError, solve

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
     "(X^T X + lambda I)^{-1} X^T y"),
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
     lambda d, w, y: float(np.sum((d * w - y) ** 2)), "w", "y ./ d"),
    ("d alpha (theta - beta)^2 / dtheta = 0", {"alpha": (), "theta": (), "beta": ()}, {},
     lambda alpha, theta, beta: alpha * (theta - beta) ** 2, "theta", "beta"),
    # weighted least squares, two spellings: the gradient 2 Xᵀ(c ∘ (X w - y)) holds w inside
    # a Hadamard product inside a product, Xᵀ(c ∘ (X w)) = Xᵀ diag(c) X w
    ("d (y - X w)^T diag(c) (y - X w) / dw = 0",
     {"y": (6, 1), "X": (6, 3), "w": (3, 1), "c": (6, 1)}, {"c": "positive"},
     lambda y, X, w, c: ((y - X @ w).T @ np.diag(c[:, 0]) @ (y - X @ w)).item(), "w",
     "(X^T diag(c) X)^{-1} X^T (c ∘ y)"),
    ("d sum(c .* (X w - y).^2) / dw = 0",
     {"c": (6, 1), "X": (6, 3), "w": (3, 1), "y": (6, 1)}, {"c": "positive"},
     lambda c, X, w, y: float(np.sum(c * (X @ w - y) ** 2)), "w",
     "(X^T diag(c) X)^{-1} X^T (c ∘ y)"),
    # λ U and U VᵀV multiply U from the left only by a multiple of I: U (λI + VᵀV) = R V
    ("d ||R - U V^T||_F^2 + lambda ||U||_F^2 / dU = 0",          # one step of alternating least squares
     {"R": (5, 4), "U": (5, 2), "V": (4, 2), "lambda": ()}, {},
     lambda **k: float(np.sum((k["R"] - k["U"] @ k["V"].T) ** 2) + k["lambda"] * np.sum(k["U"] ** 2)),
     "U", "R V (V^T V + lambda I)^{-1}"),
    ("d ||Y - W X||_F^2 + lambda ||W||_F^2 / dW = 0",            # multi-output ridge, W X
     {"Y": (4, 6), "W": (4, 3), "X": (3, 6), "lambda": ()}, {},
     lambda **k: float(np.sum((k["Y"] - k["W"] @ k["X"]) ** 2) + k["lambda"] * np.sum(k["W"] ** 2)),
     "W", "Y X^T (X X^T + lambda I)^{-1}"),
    ("d ||Y - X W||_F^2 + lambda ||W||_F^2 / dW = 0",            # multi-output ridge, X W
     {"Y": (6, 4), "X": (6, 3), "W": (3, 4), "lambda": ()}, {},
     lambda **k: float(np.sum((k["Y"] - k["X"] @ k["W"]) ** 2) + k["lambda"] * np.sum(k["W"] ** 2)),
     "W", "(X^T X + lambda I)^{-1} X^T Y"),
    # the Gaussian precision: the gradient Cᵀ - S⁻¹ is affine in S⁻¹, so S⁻¹ = Cᵀ
    ("d -log det S + tr(S C) / dS = 0 where S: spd", {"S": (4, 4), "C": (4, 4)}, {"C": "spd"},
     lambda S, C: -np.linalg.slogdet(S)[1] + np.trace(S @ C), "S", "C^{-T}"),
    ("d log det S - tr(S C) / dS = 0", {"S": (4, 4), "C": (4, 4)}, {"C": "invertible"},
     lambda S, C: np.linalg.slogdet(S)[1] - np.trace(S @ C), "S", "C^{-1}"),
    ("d -n/2 log det S + tr(S C)/2 / dS = 0 where S: spd; n: scalar",
     {"n": (), "S": (3, 3), "C": (3, 3)}, {"C": "spd"},
     lambda n, S, C: -n / 2 * np.linalg.slogdet(S)[1] + np.trace(S @ C) / 2, "S", "n C^{-T}"),
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
    assert sol.condition == "X^T X + lambda I invertible"
    text = sol.text()
    assert "condition: X^T X + lambda I invertible" in text
    assert r"\text{ invertible}" in sol.latex()
    assert "\n0 &= " in sol.latex() and r"\mathrm{0}" not in sol.latex()   # the number zero


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


def test_the_conditions_are_the_inverses_taken():
    assert solve("d (y - X w)^T diag(c) (y - X w) / dw = 0").condition == "X^T diag(c) X invertible"
    assert solve("d ||R - U V^T||_F^2 + lambda ||U||_F^2 / dU = 0").condition == \
        "V^T V + lambda I invertible"
    assert solve("d -log det S + tr(S C) / dS = 0 where S: spd").condition == "C invertible"
    sol = solve("d -n/2 log det S + tr(S C)/2 / dS = 0 where S: spd; n: scalar")
    assert sol.condition == "n ≠ 0 and C invertible"
    assert sol.condition_latex == r"n \neq 0 \text{ and } C \text{ invertible}"


def test_weighted_least_squares_collects_the_hadamard_product_as_diag():
    sol = solve("d sum(c .* (X w - y).^2) / dw = 0")
    assert "X^T diag(c) X w = X^T (c ∘ y)" in sol.text()


def test_a_scalar_multiple_of_the_identity_fits_either_side():
    """λ W and W X Xᵀ: W (λI + X Xᵀ), not a Sylvester equation."""
    sol = solve("d ||Y - W X||_F^2 + lambda ||W||_F^2 / dW = 0")
    assert "W (X X^T + lambda I) = Y X^T" in sol.text()


def test_the_gaussian_mean_of_a_batch_is_the_mean_of_the_columns():
    sol = solve("d tr(S^{-1} (X - m 1^T) (X - m 1^T)^T) / dm = 0 where S: spd")
    columns = sol.symbols["X"].shape[1]             # the size mdx names (n, or m before the rename)
    assert str(sol.result) == f"X 1 / {columns}"
    assert sol.condition == "none"
    rng = np.random.default_rng(2)
    X = rng.standard_normal((3, 7))
    m = np.asarray(evaluate(sol.json()["result"]["numpy"], {"X": X}), dtype=float)
    assert np.allclose(m, X.mean(axis=1, keepdims=True))
    assert sol.check() < 1e-9


def test_a_gradient_affine_in_the_inverse_is_solved_for_the_inverse():
    sol = solve("d -log det S + tr(S C) / dS = 0")     # the gradient Cᵀ - S⁻ᵀ
    rules = [st.rule for st in sol.steps]
    assert any(r.startswith("collect the terms in S⁻ᵀ, transpose both sides") for r in rules)
    assert rules[-1].startswith("invert both sides")
    text = sol.text()
    assert "S^{-1} = C" in text and "result: S = C^{-1}" in text
    assert "_inv" not in text and "_inv" not in sol.latex()   # the unknown S⁻¹ prints as S⁻¹
    assert sol.check() < 1e-9


@pytest.mark.parametrize("problem,reason", [
    ("d tr(S^2)/2 - log det S / dS = 0", "both directly and through its inverse"),
    ("d x^T S^{-1} x / dS = 0", "holds S⁻¹ more than once"),
])
def test_the_inverse_held_otherwise_is_refused(problem, reason):
    with pytest.raises(NotAffineError, match="not affine") as info:
        solve(problem)
    assert reason in info.value.message and "_inv" not in info.value.message


def test_an_inverse_that_must_be_zero_has_no_stationary_point():
    with pytest.raises(MdxError, match="no stationary point"):
        solve("d -log det S / dS = 0")


def test_logistic_regression_is_refused_because_w_is_inside_sigma():
    with pytest.raises(NotAffineError) as info:
        solve("d sum(softplus(X w)) - y^T X w / dw = 0")
    message = info.value.message
    assert message.startswith("the gradient is not affine in w (w is inside softplus)")
    assert "its term X^T σ(X w) holds w inside σ, which is not linear" in message
    assert "nonlinear equation" in message and "does not depend" not in message
    assert info.value.column == 7


def test_the_lasso_is_refused_because_sign_is_not_affine_and_the_norm_has_a_kink():
    with pytest.raises(NotAffineError) as info:
        solve("d ||y - X w||^2 + lambda ||w||_1 / dw = 0")
    message = info.value.message
    assert "(w is inside a 1-norm)" in message
    assert "holds w inside sign" in message and "piecewise constant, not affine" in message
    assert "not differentiable where an entry of w is 0" in message
    assert "proximal gradient" in info.value.hint


@pytest.mark.parametrize("problem,reason", [
    ("d ||A U - C||_F^2 + ||U B - D||_F^2 / dU = 0", "a Sylvester equation A U + U B = C"),
    ("d lambda ||U||_F^2 + ||A U B - C||_F^2 / dU = 0", "a generalised Sylvester equation"),
    ("d tr(U U) + tr(U^T U) + tr(A U) / dU = 0", "its terms hold both U and Uᵀ"),
    ("d tr(C^T U) + sum(U .* U .* D) / dU = 0", "holds U inside an elementwise product"),
])
def test_an_affine_gradient_one_inverse_does_not_solve_is_refused_as_affine(problem, reason):
    """A U + U B: affine in U, but no single inverse solves it; never "not affine"."""
    with pytest.raises(MdxError) as info:
        solve(problem)
    assert not isinstance(info.value, NotAffineError)
    assert info.value.message.startswith("the gradient is affine in U, but ")
    assert reason in info.value.message


@pytest.mark.parametrize("problem,message", [
    ("d a^T x / dx = 0", "the gradient, a, does not depend on x"),
    ("d sum(c) / dx = 0 where x: vector n", "the gradient is zero whatever x is"),
])
def test_a_gradient_without_the_variable_says_so(problem, message):
    with pytest.raises(MdxError, match=message):
        solve(problem)


def test_the_command_line_and_json():
    out = runner.invoke(app, ["solve", "d ||y - X w||^2 / dw = 0"])
    assert out.exit_code == 0 and "result: w = (X^T X)^{-1} X^T y" in out.output
    js = runner.invoke(app, ["solve", "d ||y - X w||^2 / dw = 0", "--format", "json"])
    assert '"solve": true' in js.output and '"condition": "X^T X invertible"' in js.output
    bad = runner.invoke(app, ["solve", "d sum(sigmoid(X w)) / dw = 0"])
    assert bad.exit_code == 1 and "column" in bad.output
    wls = runner.invoke(app, ["solve", "d sum(c .* (X w - y).^2) / dw = 0", "--no-steps"])
    assert wls.exit_code == 0 and "result: w = (X^T diag(c) X)^{-1} X^T (c ∘ y)" in wls.output


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
    importlib.import_module("mdx.derivation.solving.stationary")
    mdx.derive("d ||y - X w||^2 / dw")
    assert callable(mdx.solve) and mdx.solve("d ||y - X w||^2 / dw = 0").result is not None


def test_a_number_times_the_coefficient_is_invertible_where_the_coefficient_is():
    sol = solve("d 1/2 x^T A x - b^T x / dx = 0")
    assert sol.condition == "A + A^T invertible", sol.condition
