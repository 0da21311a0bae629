"""Findings of the fuzz targets (tests/fuzz/fuzz_derive.py, tests/fuzz/fuzz_readings.py),
each minimised by hand and a real defect of mdx: a wrong number, NumPy code that does not
run, or printed output that does not read back.  Each test fails today and is marked
xfail(strict=True), so the suite stays green until the defect is fixed; then the test
passes, strict xfail turns it red, and the mark must go.

Numbers are checked as everywhere else: against central differences of an independent
NumPy function (tests/fdcheck.py), in both layouts.
"""

import ast

import numpy as np
import pytest

import mdx
from fdcheck import check, evaluate
from test_round_trip import _numpy, typed_back

LAYOUTS = ("denominator", "numerator")


def _softmax(z, axis=0):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _fd(problem, shapes, f, wrt, method, props=None):
    for layout in LAYOUTS:
        check(mdx.derive(problem, layout=layout, method=method).json(), f, shapes, wrt, layout,
              props)


def _reads_back(problem, shapes, method="differential"):
    """The printed result, typed back with its where line, has the result's value."""
    der = mdx.derive(problem, method=method)
    text, typed = typed_back(der)
    inputs = {k: np.random.default_rng(5).standard_normal(s) if s != () else 0.7
              for k, s in shapes.items()}
    want = np.asarray(evaluate(der.json()["result"]["numpy"], inputs), dtype=float)
    got = np.asarray(evaluate(_numpy(typed), inputs), dtype=float)
    if got.size == 1 and want.size == 1:
        got, want = got.reshape(()), want.reshape(())
    if got.shape == () and got == 0:        # SPEC 2: `0` is zero of whatever shape fits
        got = np.zeros(want.shape)
    assert got.shape == want.shape and np.allclose(got, want), \
        f"{text} reads back as {got.tolist()}, not {want.tolist()}"


# --------------------------------------------------------------------------------------
# 1. The chain method lost the count n of a product of ones (fixed in 3670b93).
# mdx.expressions.operators.apply rewrote vec(P) as a vector of ones for any product P of two matrices
# of ones ("vec(1 1ᵀ) = 1"), also for (1_n 1_nᵀ)(1_n 1_mᵀ) = n 1_n 1_mᵀ, which the chain
# method builds from (I_m ⊗ 1_n 1_nᵀ) vec(1).  Found by fuzz_readings (random problems
# with softmax of a matrix, broadcast rows) and by fuzz_derive (d^2 -sum(log(softmax(W P)))).
ONES = [
    # result '1 - softmax(Z)', should be '1 - n softmax(Z)'
    ("d sum(log(softmax(Z))) / dZ", {"Z": (3, 2)},
     lambda Z: np.sum(np.log(_softmax(Z))), "Z"),
    # result '1_n^T', should be 'm 1_n^T' (m: rows of X)
    ("d sum(X + 1 r) / dr where r: row vector", {"X": (3, 2), "r": (1, 2)},
     lambda X, r: np.sum(X + r), "r"),
    # result '2 λ ((1 1^T) / n - 1 1^T)', should be 0
    ("d I + ((λ^2 - u) - mean(λ^2 - u) 1) 1^T / dλ where u: vector n", {"λ": (), "u": (3, 1)},
     lambda u, **kw: np.eye(3) + (kw["λ"] ** 2 - u - np.mean(kw["λ"] ** 2 - u)) @ np.ones((1, 3)),
     "λ"),
    ("d^2 -sum(log(softmax(W P))) / dW^2", {"W": (3, 2), "P": (2, 2)},
     lambda W, P: -np.sum(np.log(_softmax(W @ P))), "W"),
]


@pytest.mark.parametrize("problem,shapes,f,wrt", ONES, ids=[c[0] for c in ONES])
def test_chain_keeps_the_count_of_a_product_of_ones(problem, shapes, f, wrt):
    if problem.startswith("d^2"):
        for layout in LAYOUTS:
            check(mdx.derive(problem, layout=layout, method="chain").json(), f, shapes, wrt,
                  layout, order=2)
    else:
        _fd(problem, shapes, f, wrt, "chain")


# --------------------------------------------------------------------------------------
# 2. The definition method reassembled Σ_b E_pb B_qb Σ_l S_pl Y_bl (Σ_k S_kl) as a matrix
# product where E_pb multiplies entrywise: for f = sum(softmax(exp(X B) Y)) (a constant: each
# column of a softmax sums to one) it gave
# (exp(X B) ∘ (S Y^T) - exp(X B) Y diag(S^T 1) S^T (1 1^T)) B^T, not 0.  Found by
# fuzz_readings (softmax of a product with an elementwise function of X B).  The same
# defect: d b^T (W relu(V X)).^2 1 / dV gave 2 W^T diag(b) W relu(V X) step(V X)^T (1 1^T) X^T
# for 2 ((W^T diag(b) W relu(V X)) ∘ step(V X)) X^T (fuzz_derive, a two-layer network).  A
# summed index met by a vector and two matrices (b_k F_kl W_kp) was walked through as a path,
# which came back to p through step(V X)_pl; the vector now joins a matrix, (diag(b) F)_kl.
@pytest.mark.parametrize("problem,shapes,f,wrt", [
    ("d sum(softmax(exp(X B) Y)) / dX", {"X": (3, 2), "B": (2, 4), "Y": (4, 5)},
     lambda X, B, Y: np.sum(_softmax(np.exp(X @ B) @ Y)), "X"),
    ("d sum(H .* log(softmax(exp(inv(P)) Y))) / dP", {"H": (3, 2), "P": (3, 3), "Y": (3, 2)},
     lambda H, P, Y: np.sum(H * np.log(_softmax(np.exp(np.linalg.inv(P)) @ Y))), "P"),
    ("d b^T (W relu(V X)).^2 1 / dV", {"b": (3, 1), "W": (3, 2), "V": (2, 4), "X": (4, 5)},
     lambda b, W, V, X: np.sum(b * (W @ np.maximum(V @ X, 0)) ** 2), "V"),
    ("d 1^T (W2 relu(W1 X + b1 1^T) + (b2^T (W2 relu(W1 X + b1 1^T) + b2 1^T - Y).^2 1) 1 1^T"
     " - Y).^2 1 / dW1", {"W2": (3, 2), "W1": (2, 4), "X": (4, 5), "b1": (2, 1), "b2": (3, 1),
                          "Y": (3, 5)},
     lambda W2, W1, X, b1, b2, Y: np.sum(
         (W2 @ np.maximum(W1 @ X + b1, 0)
          + np.sum(b2 * (W2 @ np.maximum(W1 @ X + b1, 0) + b2 - Y) ** 2) - Y) ** 2), "W1"),
], ids=["sum-softmax-exp-XB", "cross-entropy-exp-inv", "vector-at-a-branch",
        "two-layer-network"])
def test_definition_reassembles_softmax_of_a_function_of_a_product(problem, shapes, f, wrt):
    props = {"P": "invertible"} if "P" in shapes else None
    _fd(problem, shapes, f, wrt, "definition", props)


def test_definition_hessian_through_a_branch_of_the_index_graph():
    """The same defect in a Hessian (fuzz_readings, 30-minute run)."""
    problem = ("d^2/dA^2 tr((Y softmax(A Y)^T)^2^T ⊗ (A + A + (A + A) + (A + A + (A + A)) + A + A))"
               " where A: symmetric; Y: matrix p x k")

    def f(A, Y):
        M = Y @ _softmax(A @ Y).T
        return np.trace(np.kron((M @ M).T, 10 * A))
    for layout in LAYOUTS:
        check(mdx.derive(problem, layout=layout, method="definition").json(), f,
              {"A": (3, 3), "Y": (3, 2)}, "A", layout, {"A": "symmetric"}, order=2)


# --------------------------------------------------------------------------------------
# 3. `.^` after a call of a declared function bound into its argument: `g(x).^2` was typed
# g(x.^2) (SPEC 7: a call with parentheses is an atom, postfix operators apply to the call;
# `exp(x).^2` was right).  `1^T g(x).^2` was refused ("g is a function"), and mdx prints
# (g(A)).^3 as `g(A).^3`, which did not read back.  Found by fuzz_readings (user-defined
# and abstract functions under an elementwise power).  The typer moves `.^` out of the
# call's bracket as it did ^T and ^2.
@pytest.mark.parametrize("method", ["differential", "chain", "definition"])
def test_elementwise_power_of_a_user_function_call(method):
    _fd("d sum(g(x).^2) / dx where g(t) = sin(t)", {"x": (3, 1)},
        lambda x: np.sum(np.sin(x) ** 2), "x", method)


def test_elementwise_power_of_an_abstract_function_call():
    der = mdx.derive("d sum(f(x).^2) / dx where f: scalar function")
    assert str(der.function) == "sum(f(x).^2)", str(der.function)


def test_ones_times_power_of_a_user_function_call_is_derived():
    _fd("d 1^T g(x).^2 / dx where g(t) = sin(t)", {"x": (3, 1)},
        lambda x: np.sum(np.sin(x) ** 2), "x", "differential")


def test_power_of_a_user_function_call_reads_back():
    _reads_back("d tr(B^T (g(A)).^3) / dB where g(t) = sin(t)", {"A": (3, 2), "B": (3, 2)})


# --------------------------------------------------------------------------------------
# 4. Sizes that are products print as one word in subscripts (I_{4n}, 1_{mn}, 1_{3T}), and
# a subscript like I_{2n} in a problem was taken as a size *named* 2n: the NumPy code then
# held `np.eye(2n)`, a SyntaxError.  A count before a size now multiplies it (2n is 2·n, as
# mdx prints it), so I_{4n} also reads back.  1_{mn} still reads back as a size named mn
# where neither m nor n is a symbol's size (nothing in the where line names them).  Found by
# both targets (d X / dX with X: matrix n x 4; d tr(A ⊗ X) ones(n, m) / dX).
@pytest.mark.parametrize("problem,size", [("d sum(I_{2n}) x / dx", None),
                                          ("d x^T I_{2n} x / dx", "2*n")])
def test_a_product_size_in_a_subscript_gives_code_that_runs(problem, size):
    der = mdx.derive(problem)
    code = der.json()["result"]["numpy"]
    ast.parse(code, mode="eval")            # was SyntaxError: invalid decimal literal
    if size is not None:
        assert der.symbols["x"].shape[0] == size, der.symbols["x"].shape
    n = 3
    x = np.random.default_rng(0).standard_normal((2 * n if size else 4, 1))
    got = np.asarray(evaluate(code, {"x": x, "n": n}), dtype=float)
    want = 2 * x if size else 2 * n * np.eye(4)
    assert np.allclose(got, want), (code, got)


@pytest.mark.parametrize("problem,shapes", [
    ("d X / dX where X: matrix n x 4", {"X": (3, 4)}),
    pytest.param("d tr(A ⊗ X) ones(n, m) / dX", {"A": (2, 2), "X": (3, 3)},
                 marks=pytest.mark.xfail(strict=True, reason="fuzz finding: 1_{mn} reads back "
                                         "as a size named mn")),
], ids=["identity-4n", "ones-mn"])
def test_a_product_size_prints_so_that_it_reads_back(problem, shapes):
    der = mdx.derive(problem)
    text, typed = typed_back(der)
    assert typed.expr.shape == der.result.shape, (text, typed.expr.shape, der.result.shape)


# --------------------------------------------------------------------------------------
# 5. A norm inside a norm printed with the same delimiter, ‖‖x‖^2 x‖, which does not parse
# ("empty or unbalanced norm"; SPEC 7: the inner one needs the other delimiter or norm()).
# Found by both targets (norm of an expression holding a norm).  The outer one now prints
# as a call, norm(‖x‖^2 x).
@pytest.mark.parametrize("problem,shapes", [
    ("d norm(‖x‖^2 x) / dx", {"x": (3, 1)}),
    ("d norm(x - mu ‖y‖) / dx", {"x": (3, 1), "mu": (), "y": (2, 1)}),
    ("d norm1(x - ‖y‖_1 a) / dx", {"x": (3, 1), "y": (2, 1), "a": (3, 1)}),
    ("d norm(X - ‖Y‖_F A) / dX", {"X": (3, 2), "Y": (2, 2), "A": (3, 2)}),
])
def test_a_norm_inside_a_norm_prints_so_that_it_reads_back(problem, shapes):
    _reads_back(problem, shapes)


# --------------------------------------------------------------------------------------
# 6. A zero vector inside a function printed as the number 0: softmax(0), diag(0), exp(0),
# tanh(0), which read back as functions of a scalar (softmax(0) = 1, not 1/n).  Found by
# both targets (x - x inside softmax, diag, tanh).  A function of a zero vector is now its
# value: softmax(0) = 1_n / n, exp(0) = 1, tanh(0) = 0, diag(0) = 0, logsumexp(0) = log(n).
@pytest.mark.parametrize("problem,shapes", [
    ("d softmax(z - z)^T y / dy", {"z": (3, 1), "y": (3, 1)}),
    ("d v^T tanh(W^T tanh(0 z)) / dW", {"v": (3, 1), "W": (2, 3), "z": (2, 1)}),
    ("d sum(exp(z - z) .* y) / dy", {"z": (3, 1), "y": (3, 1)}),
    ("d sum(diag(z - z) Y) / dY", {"z": (3, 1), "Y": (3, 2)}),
    ("d logsumexp(z - z) y / dy", {"z": (3, 1), "y": (2, 1)}),
    ("d sum(softmax(Z - Z) .* Y) / dY", {"Z": (3, 2), "Y": (3, 2)}),
], ids=["softmax-0", "tanh-0", "exp-0", "diag-0", "logsumexp-0", "softmax-0-matrix"])
def test_a_zero_vector_in_a_function_reads_back(problem, shapes):
    _reads_back(problem, shapes)


# --------------------------------------------------------------------------------------
# 7. Ones and identities printed without the size the result needs (SPEC 8: a numeric
# result that needs the size of a ones vector or an identity states it): `1 / θ + exp(θ) 1`
# read back as a scalar; `tr(P) (1 1^T) + sum(P) I` left the size open (while
# `d sum(P) + tr(P) / dP` printed 1_n 1_n^T + I_n).  Found by both targets.  A term whose
# symbols are all scalars (or inside scalars, as sum(P)) no longer lets a `1` beside it
# broadcast: 1_n / θ + exp(θ) 1_n.
def test_a_ones_vector_divided_by_a_scalar_reads_back():
    der = mdx.derive("d log(θ) ones(n) + exp(θ) / dθ")        # (1 / θ + exp(θ) 1)^T
    text, typed = typed_back(der)
    assert typed.expr.shape == der.result.shape, (text, typed.expr.shape, der.result.shape)


@pytest.mark.parametrize("problem", ["d sum(P) tr(P) / dP", "d lambda2 sum(w) + alpha2 w / dw"])
def test_scaled_ones_and_identity_state_their_size(problem):
    der = mdx.derive(problem)
    text, typed = typed_back(der)
    assert typed.expr.shape == der.result.shape, (text, typed.expr.shape, der.result.shape)


# --------------------------------------------------------------------------------------
# 8. The where line of a symbol whose size is a product (a matrix beside a Kronecker
# product or vec) prints `A: matrix m*n×m*n`, which is not in the language ("unexpected
# '*'"), so the printed result does not read back.  Found by fuzz_derive.
@pytest.mark.xfail(strict=True, reason="fuzz finding: the where line prints sizes as m*n, "
                   "which does not parse")
def test_a_product_size_in_the_where_line_reads_back():
    der = mdx.derive("d vec(X)^T A vec(X) / dX")
    typed_back(der)                 # ParseError: unexpected '*'


# --------------------------------------------------------------------------------------
# 9. `./` printed its right operand without parentheses where a product follows:
# d sum(log(-(A y w^T))) / dw gave `-((1) ./ -A y w^T)^T A y`, which reads back as
# ((1) ./ (-A)) y w^T: the printed result was not the result.  Found by fuzz_derive
# (d log(1 Omega(-y w^T)) / dw).  The right operand of ./, ∘ and ⊗ that is a negative
# product is now in parentheses.
def test_elementwise_division_by_a_product_reads_back():
    _reads_back("d sum(log(-(A y w^T))) / dw", {"A": (3, 2), "y": (2, 1), "w": (4, 1)})
    _reads_back("d sum(x ./ (-2 y)) / dx", {"x": (3, 1), "y": (3, 1)})
    _reads_back("d sum(X ⊗ (-A B)) / dA", {"X": (2, 2), "A": (3, 2), "B": (2, 3)})


# --------------------------------------------------------------------------------------
# 10. A user-defined body's derivative was SymPy's form, which overflows: g(t) = sigmoid(t)
# gave exp(-t) / (1 + exp(-t))^2, NaN at t = -800, and g(t) = softplus(t) gave
# exp(t) / (1 + exp(t)), NaN at t = 800, where the built-in sigmoid and softplus give 0
# and 1.  Found by fuzz_readings (a user function of 1e4 times a sum).  SymPy now holds the
# table's functions that are no single SymPy function (σ, softplus, ...) as functions of
# their own, with the table's derivative: g'(t) = σ(t) (1 - σ(t)).
@pytest.mark.parametrize("body,want", [
    ("sigmoid(t)", [0.0, 0.25, 0.0]),
    ("softplus(t)", [0.0, 0.5, 1.0]),
])
def test_a_user_body_derivative_is_finite_where_the_builtin_is(body, want):
    for layout in LAYOUTS:
        der = mdx.derive(f"d sum(g(x)) / dx where g(t) = {body}", layout=layout)
        x = np.array([[-800.0], [0.0], [800.0]])
        got = evaluate(der.json()["result"]["numpy"], {"x": x})
        assert np.allclose(np.asarray(got, dtype=float).reshape(-1), want), got
    ref = {"sigmoid(t)": lambda x: np.sum(1 / (1 + np.exp(-x))),
           "softplus(t)": lambda x: np.sum(np.logaddexp(0, x))}[body]
    _fd(f"d sum(g(x)) / dx where g(t) = {body}", {"x": (3, 1)}, ref, "x", "differential")


# --------------------------------------------------------------------------------------
# 11. The definition method wrote (X + 2/d)^23 entry by entry as 2^23 index terms without
# charging them to the problem's work: `d (X+2/ d)^{23} / dX -m definition` ran 606 s and
# grew to 19.5 GB (the bound is 8 s and 350 MB).  Each index term is now charged like a
# node, so the problem stops with a LimitError within its bounds.  Found by fuzz_derive
# (a libFuzzer timeout).
def test_index_terms_count_against_the_problems_bounds():
    from child_process import run_mdx
    got = run_mdx(["derive", "d (X+2/ d)^{23} / dX", "--layout", "numerator", "-m",
                   "definition"], timeout=60)
    assert got["seconds"] < 12 and got["mb"] < 500, got
    assert got["code"] == 1 and "needs more than" in got["err"], got


# --------------------------------------------------------------------------------------
# 12. A scaled product inside a product's chain lost its coefficient: transposing
# c ((x + a)ᵀ + (x - a)ᵀ) gives ((x + a) + (x - a)) cᵀ, and the sum collects to 2 x, a product
# with a coefficient that construct._make_mul dropped while it flattened the chain, so
# d ((x + a)^T (x + a) + (x - a)^T (x - a)) c / dx by the chain method was 2 x c^T, not
# 4 x c^T (and so two Hessians, chain and definition).  Found by fuzz_readings (a
# standardised vector, d^2).
@pytest.mark.parametrize("method", ["differential", "chain", "definition"])
@pytest.mark.parametrize("problem,shapes,f,wrt,order", [
    ("d ((x + a)^T (x + a) + (x - a)^T (x - a)) c / dx", {"x": (3, 1), "a": (3, 1), "c": (2, 1)},
     lambda x, a, c: (np.sum((x + a) ** 2) + np.sum((x - a) ** 2)) * c, "x", 1),
    ("d (sum((x + sum(x) 1).^2) + sum((x - sum(x) 1).^2)) c / dx", {"x": (3, 1), "c": (2, 1)},
     lambda x, c: (np.sum((x + np.sum(x)) ** 2) + np.sum((x - np.sum(x)) ** 2)) * c, "x", 1),
    ("d^2 (c^T x) (sum((x + sum(x) 1).^2) + sum((x - sum(x) 1).^2)) / dx^2",
     {"x": (3, 1), "c": (3, 1)},
     lambda x, c: np.sum(c * x) * (np.sum((x + np.sum(x)) ** 2) + np.sum((x - np.sum(x)) ** 2)),
     "x", 2),
], ids=["sum-of-squares-times-c", "centred-by-sum", "hessian"])
def test_a_scaled_factor_keeps_its_coefficient_in_a_product(problem, shapes, f, wrt, order,
                                                             method):
    for layout in LAYOUTS:
        check(mdx.derive(problem, layout=layout, method=method).json(), f, shapes, wrt, layout,
              order=order)


# --------------------------------------------------------------------------------------
# 13. Sizes that are products of numbers did not meet their value in typing: K_{3,3} is
# 3·3×3·3 and I_9 is 9×9, so `2 I_9 - s K_{3,3}`, printed in a Hessian over a 3×3 matrix,
# did not read back ("cannot subtract ... the sizes differ").  The typer now multiplies the
# numbers of a product size, as the expressions' dim_mul does.  Found by fuzz_readings.
def _commutation(r, s):
    K = np.zeros((r * s, r * s))
    for i in range(r):
        for j in range(s):
            K[i * s + j, j * r + i] = 1.0
    return K


def test_a_product_of_numbers_is_its_value_in_typing():
    K = _commutation(3, 3)
    _fd("d x^T (I_9 + K_{3,3}) x / dx", {"x": (9, 1)},
        lambda x: float(np.sum(x * ((np.eye(9) + K) @ x))), "x", "differential")
