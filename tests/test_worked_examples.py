"""The forms the worked examples print (issue: "Print the forms the worked examples print"):
each problem gives exactly the textbook text in denominator layout with every method, and
is right (finite differences) in both layouts.  The rules behind them keep their values."""

from fractions import Fraction

from fractions import Fraction

import numpy as np
import pytest

import mdx
from mdx.expressions import expr as E
from mdx.simplification import simplify as S
from fdcheck import check
from test_identities import LAYOUTS, METHODS
from test_textbook_rules import assert_same_value, sym


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _sm(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


DIST = {"y": "distribution"}
LOGISTIC = "-(y log(σ(w^T x + b)) + (1 - y) log(1 - σ(w^T x + b)))"
LOGI = {"y": (), "b": (), "w": (3, 1), "x": (3, 1)}


def _logistic(y, b, w, x):
    s = _sig((w.T @ x).item() + b)
    return -(y * np.log(s) + (1 - y) * np.log(1 - s))


# (problem, wrt, shapes, props, f, the denominator-layout text of every method)
WORKED = [
    (f"d {LOGISTIC} / dw where y, b: scalar", "w", LOGI, {}, _logistic, "(σ(w^T x + b) - y) x"),
    (f"d {LOGISTIC} / db where y, b: scalar", "b", LOGI, {}, _logistic, "σ(w^T x + b) - y"),
    ("d 1/2 ||y - X w||^2 / dw", "w", {"y": (5, 1), "X": (5, 3), "w": (3, 1)}, {},
     lambda y, X, w: 0.5 * np.sum((y - X @ w) ** 2), "X^T (X w - y)"),
    ("d σ(u^T v + c) / du where c: scalar", "u", {"u": (3, 1), "v": (3, 1), "c": ()}, {},
     lambda u, v, c: _sig((u.T @ v).item() + c), "σ(u^T v + c) (1 - σ(u^T v + c)) v"),
    # a ones matrix reads bare in a product: ∂ sum(Z)/∂Z = 1 1ᵀ
    ("d sum(A X) / dX", "X", {"A": (4, 3), "X": (3, 2)}, {}, lambda A, X: np.sum(A @ X),
     "A^T 1 1_p^T"),
    # a distribution y sums to one: 1ᵀy = 1, and for a matrix 1ᵀY = 1ᵀ
    ("d -y^T log(softmax(z)) / dz where y: distribution", "z", {"y": (4, 1), "z": (4, 1)}, DIST,
     lambda y, z: -y.T @ np.log(_sm(z)), "softmax(z) - y"),
    ("d -y^T log(softmax(z)) / dz where y: onehot", "z", {"y": (4, 1), "z": (4, 1)}, DIST,
     lambda y, z: -y.T @ np.log(_sm(z)), "softmax(z) - y"),
    ("d -y^T log(exp(z) / sum(exp(z))) / dz where y: distribution", "z", {"y": (4, 1), "z": (4, 1)},
     DIST, lambda y, z: -y.T @ np.log(_sm(z)), "softmax(z) - y"),
    ("d -y^T log(exp(z) ./ sum(exp(z))) / dz where y: distribution", "z", {"y": (4, 1), "z": (4, 1)},
     DIST, lambda y, z: -y.T @ np.log(_sm(z)), "softmax(z) - y"),
    ("d -sum(Y .* log(softmax(W X))) / dW where Y: distribution", "W",
     {"Y": (3, 5), "W": (3, 4), "X": (4, 5)}, {"Y": "distribution"},
     lambda Y, W, X: -np.sum(Y * np.log(_sm(W @ X))), "(softmax(W X) - Y) X^T"),
    # without the property the result stays right for any y
    ("d -y^T log(exp(z) / sum(exp(z))) / dz", "z", {"y": (4, 1), "z": (4, 1)}, {},
     lambda y, z: -y.T @ np.log(_sm(z)), "sum(y) softmax(z) - y"),
    ("d -sum(Y .* log(softmax(W X))) / dW", "W", {"Y": (3, 5), "W": (3, 4), "X": (4, 5)}, {},
     lambda Y, W, X: -np.sum(Y * np.log(_sm(W @ X))), "(softmax(W X) diag(Y^T 1) - Y) X^T"),
    # the unconstrained derivative with respect to a distribution, at a point where sum(y) = 1
    ("d sum(y) x^T y / dy where y: distribution", "y", {"y": (4, 1), "x": (4, 1)}, DIST,
     lambda y, x: np.sum(y) * (x.T @ y), "(x^T y) 1 + x"),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("problem,wrt,shapes,props,f,text", WORKED, ids=[w[0] for w in WORKED])
def test_the_worked_example_prints_the_textbook_form(problem, wrt, shapes, props, f, text,
                                                     method, layout):
    der = mdx.derive(problem, layout=layout, method=method)
    check(der.json(), f, shapes, wrt, layout, props)
    if layout == "denominator":
        assert str(der.result) == text


F1 = 1
t, y0, c = sym("t"), sym("y0"), sym("c")
u = sym("u", "n")
sig = E.func("sigmoid", t)
one_minus_sig, one_minus_y = E.sub(E.ONE_SCALAR, sig), E.sub(E.ONE_SCALAR, y0)

RULE_CASES = [
    ("σ (1 − y) u − y (1 − σ) u = (σ − y) u", S.expand_scalar_factor,
     E.add(E.mul(sig, one_minus_y, u), E.neg(E.mul(y0, one_minus_sig, u)))),
    ("σ ((1 − y)/(1 − σ) − y/σ) (1 − σ) = σ − y", S.expand_scalar_factor,
     E.mul(sig, E.sub(E.mul(one_minus_y, E.power(one_minus_sig, -1)), E.mul(y0, E.power(sig, -1))),
           one_minus_sig, u)),
    ("σ − y (1 − σ) − y σ = σ − y", S.expand_scalar_factor,
     E.add(sig, E.neg(E.mul(y0, one_minus_sig)), E.neg(E.mul(y0, sig)))),
]


@pytest.mark.parametrize("name,rule,before", RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_rule_keeps_the_value(name, rule, before):
    assert_same_value(before, rule(before))


def test_a_product_that_cancels_nothing_stays_factored():
    """σ (1 − σ) is not multiplied out: nothing cancels."""
    assert S.expand_scalar_factor(E.mul(sig, one_minus_sig, u)) is None


def test_one_denominator_is_factored_out():
    """A/2 + Aᵀ/2 = (A + Aᵀ)/2."""
    from fractions import Fraction
    A = sym("A", "n", "n")
    before = E.add(E.scale(Fraction(1, 2), A), E.scale(Fraction(1, 2), E.transpose(A)))
    after = S.factor_denominator(before)
    assert str(after) == "(A + A^T) / 2"
    assert_same_value(before, after)


def test_a_quotient_times_its_denominator_is_the_numerator():
    """(Y ./ S) ∘ S = Y (the CS231n form of the softmax gradient)."""
    Y, S_ = sym("Y", "n", "m"), sym("S", "n", "m")
    assert E.hadamard(E.ediv(Y, S_), S_) == Y


def _distribution(shape, rng):
    g = rng.uniform(0.2, 1.0, shape)
    return g / g.sum(axis=0, keepdims=True)


def test_a_distribution_sums_to_one():
    """sum(y) = 1, 1ᵀ Y = 1ᵀ, Yᵀ 1 = 1 for y, Y declared distribution: the rule keeps the value
    where the entries (of each column) sum to one."""
    from mdx.simplification import textbook as T
    from test_textbook_rules import value
    rng = np.random.default_rng(1)
    yv = E.Sym("y", ("n", "1"), "vector", frozenset({"distribution"}))
    Yv = E.Sym("Y", ("n", "m"), "matrix", frozenset({"distribution"}))
    M = sym("M", "m", "m")
    cases = [E.Apply("sum", yv), E.Apply("sum", Yv),
             E.Mul(Fraction(1), (), (E.transpose(E.ones(("n", "1"))), Yv, M)),
             E.Mul(Fraction(1), (), (M, E.transpose(Yv), E.ones(("n", "1"))))]
    inputs = {"y": _distribution((3, 1), rng), "Y": _distribution((3, 4), rng),
              "M": rng.standard_normal((4, 4))}
    for before in cases:
        after = T.sums_to_one(before)
        assert after is not None and "Y" not in str(after) and "y" not in str(after)
        np.testing.assert_allclose(value(after, inputs), value(before, inputs), rtol=1e-12)
    assert T.sums_to_one(E.Apply("sum", sym("y", "n"))) is None     # no property, no rule


def test_exp_over_its_sum_is_softmax():
    from mdx.simplification import textbook as T
    z = sym("z", "n")
    for before in (E.mul(E.func("exp", z), E.power(E.apply("sum", E.func("exp", z)), -1)),
                   E.EDiv(E.func("exp", z), E.apply("sum", E.func("exp", z)))):
        assert_same_value(before, T.softmax_of_quotient(before))
    Z = sym("Z", "n", "m")         # of a matrix the sum runs over every entry: not softmax(Z)
    assert T.softmax_of_quotient(E.mul(E.func("exp", Z), E.power(E.apply("sum", E.func("exp", Z)), -1))) is None


def test_distribution_is_declared_like_the_other_properties():
    import json
    from mdx.errors import ShapeError
    der = mdx.derive("d -sum(Y .* log(softmax(W X))) / dW where Y: onehot", steps=False)
    symbols = json.loads(json.dumps(der.json()))["symbols"]
    assert symbols["Y"]["props"] == ["distribution"] and symbols["Y"]["kind"] == "matrix"
    assert mdx.derive("d x^T y / dx where y: vector distribution").symbols["y"].kind == "vector"
    with pytest.raises(ShapeError, match="needs a vector or a matrix"):
        mdx.derive("d alpha x / dx where alpha: distribution")


def test_a_term_that_is_the_common_factor_joins_the_hadamard_product():
    """a + a ∘ b = a ∘ (1 + b), where it reads shorter; the value is kept."""
    a, b = sym("a", "n"), sym("b", "n")
    before = E.add(a, E.hadamard(a, b), E.neg(E.hadamard(a, sym("c", "n"))))
    after = S.factor_hadamard(before)
    assert str(after) == "a ∘ (1 + b - c)"
    assert_same_value(before, after)


def test_a_ones_matrix_keeps_its_parentheses_after_a_number():
    """2 (1 1ᵀ) A: `2 1 1^T` would read back as the number 21."""
    der = mdx.derive("d 2 sum(A X) / dX", layout="numerator")
    assert str(der.result) == "2 (1_p 1^T) A"
