"""The forms the worked examples print (issue: "Print the forms the worked examples print"):
each problem gives exactly the textbook text in denominator layout with every method, and
is right (finite differences) in both layouts.  The rules behind them keep their values."""

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
    after = S.factor_sum(before)
    assert str(after) == "(A + A^T) / 2"
    assert_same_value(before, after)


def test_a_quotient_times_its_denominator_is_the_numerator():
    """(Y ./ S) ∘ S = Y (the CS231n form of the softmax gradient)."""
    Y, S_ = sym("Y", "n", "m"), sym("S", "n", "m")
    assert E.hadamard(E.ediv(Y, S_), S_) == Y
