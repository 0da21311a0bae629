"""Generated code for user-defined functions (`where g(t) = body`), against finite
differences of independent NumPy code.

g and its derivatives apply entry by entry, so the code of g^(k)(u) must be an array of u's
shape whatever the body: a constant (g(t) = 2, or g'' of t^2) included.  Hypothesis builds
bodies (constants, linear, polynomial, nested built-ins, compositions) with their own NumPy
twin, puts them in problems with scalar, vector and matrix arguments and first and second
derivatives, and checks result.numpy, every step's numpy, der.numpy() and the PyTorch
function, in both layouts and all three methods.  relu and abs only ever see arguments
bounded away from their kinks, and log and sqrt only positive ones, so that finite
differences are meaningful.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import mdx
from fdcheck import _call, check_at, close, draw, evaluate, expected
from numpy_safety import check_expression, check_function
from test_identities import LAYOUTS, METHODS

TORCH = find_spec("torch") is not None      # without it, the NumPy forms are checked alone


@dataclass(frozen=True)
class Body:
    text: str           # in mdx's language, in t
    f: object           # the same as a NumPy function of an array, entry by entry

    def __repr__(self):
        return self.text


def _sigmoid(u):
    return 1 / (1 + np.exp(-u))


T = Body("t", lambda u: u)
CONSTANTS = [Body(text, lambda u, c=c: c + 0 * u) for text, c in
             (("2", 2.0), ("0.5", 0.5), ("3", 3.0), ("-1", -1.0), ("0", 0.0))]
LINEAR = [Body(f"{a} t + {b}", lambda u, a=a, b=b: a * u + b) for a, b in ((3, 1), (0.5, 2))] + \
    [Body("2 - t", lambda u: 2 - u), Body("t / 4", lambda u: u / 4)]
POLYNOMIALS = [Body("t^2", lambda u: u ** 2), Body("t^3 / 3 - t", lambda u: u ** 3 / 3 - u),
               Body("t^2 / 2 + 2 t - 1", lambda u: u ** 2 / 2 + 2 * u - 1)]
# unbounded-range and bounded-range built-ins of any argument
ANY = {"sin": np.sin, "cos": np.cos, "tanh": np.tanh, "sigmoid": _sigmoid,
       "softplus": lambda u: np.logaddexp(0, u)}
BOUNDED = ("sin", "cos", "tanh", "sigmoid")


def _call_of(name: str, inner: Body) -> Body:
    return Body(f"{name}({inner.text})", lambda u: ANY[name](inner.f(u)))


def _positive(inner: Body) -> st.SearchStrategy:
    """Something of `inner` that is at least 1/2: for log and sqrt."""
    return st.sampled_from([
        Body(f"1 + ({inner.text})^2", lambda u: 1 + inner.f(u) ** 2),
        Body(f"2 + sin({inner.text})", lambda u: 2 + np.sin(inner.f(u))),
        Body(f"1 + sigmoid({inner.text})", lambda u: 1 + _sigmoid(inner.f(u))),
        Body(f"exp(tanh({inner.text}))", lambda u: np.exp(np.tanh(inner.f(u)))),
    ])


def _away_from_zero(inner: Body) -> st.SearchStrategy:
    """Something of `inner` at least 1/2 from 0, on either side: for relu and abs."""
    return st.sampled_from([
        Body(f"{s}(3 / 2 + sin({inner.text}))", lambda u, s=s: (-1 if s else 1) * (1.5 + np.sin(inner.f(u))))
        for s in ("", "-")] + [
        Body(f"{s}(1 + ({inner.text})^2)", lambda u, s=s: (-1 if s else 1) * (1 + inner.f(u) ** 2))
        for s in ("", "-")])


def _compose(inner: st.SearchStrategy) -> st.SearchStrategy:
    """One layer on top of a smaller body."""
    def layer(b: Body) -> st.SearchStrategy:
        kinks = {"relu": lambda v: np.maximum(v, 0), "abs": np.abs}
        return st.one_of(
            st.sampled_from(list(ANY)).map(lambda n: _call_of(n, b)),
            st.sampled_from(BOUNDED).map(
                lambda n: Body(f"exp({n}({b.text}))", lambda u: np.exp(ANY[n](b.f(u))))),
            _positive(b).map(lambda p: Body(f"log({p.text})", lambda u: np.log(p.f(u)))),
            _positive(b).map(lambda p: Body(f"sqrt({p.text})", lambda u: np.sqrt(p.f(u)))),
            st.tuples(st.sampled_from(list(kinks)), _away_from_zero(b)).map(
                lambda kp: Body(f"{kp[0]}({kp[1].text})",
                                lambda u: kinks[kp[0]](kp[1].f(u)))),
            st.sampled_from(BOUNDED).map(
                lambda n: Body(f"({b.text}) {n}(t)", lambda u: b.f(u) * ANY[n](u))),
            st.sampled_from(BOUNDED).map(
                lambda n: Body(f"t + {n}({b.text})^2", lambda u: u + ANY[n](b.f(u)) ** 2)),
            _positive(b).map(lambda p: Body(f"t / ({p.text})", lambda u: u / p.f(u))),
        )
    return inner.flatmap(layer)


SIMPLE = st.sampled_from([T] + CONSTANTS + LINEAR + POLYNOMIALS)
BODIES = st.one_of(SIMPLE, _compose(SIMPLE), _compose(_compose(st.sampled_from([T] + LINEAR))))


# Problems: (template with g, shapes, NumPy function of g, wrt, order)
def _sum(v):
    return float(np.sum(v))


PROBLEMS = [
    ("d 1^T g(x) / dx", {"x": (3, 1)}, lambda g: lambda x: _sum(g(x)), "x", 1),
    ("d^2 1^T g(x) / dx^2", {"x": (3, 1)}, lambda g: lambda x: _sum(g(x)), "x", 2),
    ("d g(x)^T g(x) / dx", {"x": (3, 1)}, lambda g: lambda x: _sum(g(x) ** 2), "x", 1),
    ("d g(x) / dx", {"x": (3, 1)}, lambda g: lambda x: g(x), "x", 1),
    ("d sum(g(W x)) / dW", {"W": (3, 2), "x": (2, 1)}, lambda g: lambda W, x: _sum(g(W @ x)), "W", 1),
    ("d sum(g(W x)) / dx", {"W": (3, 2), "x": (2, 1)}, lambda g: lambda W, x: _sum(g(W @ x)), "x", 1),
    ("d g(a^T x) / dx", {"a": (3, 1), "x": (3, 1)}, lambda g: lambda a, x: _sum(g(a.T @ x)), "x", 1),
    ("d^2 g(a^T x) / dx^2", {"a": (3, 1), "x": (3, 1)}, lambda g: lambda a, x: _sum(g(a.T @ x)), "x", 2),
    ("d g(θ) x / dθ", {"θ": (), "x": (3, 1)}, lambda g: lambda θ, x: g(np.float64(θ)) * x, "θ", 1),
    ("d sum(g(X)) / dX", {"X": (3, 2)}, lambda g: lambda X: _sum(g(X)), "X", 1),
    ("d^2 sum(g(X)) / dX^2", {"X": (2, 2)}, lambda g: lambda X: _sum(g(X)), "X", 2),
    ("d 1^T g(g(x)) / dx", {"x": (3, 1)}, lambda g: lambda x: _sum(g(g(x))), "x", 1),
]


def _torch_value(der, inputs):
    import torch
    from mdx.rendering.numpy_code import py_name
    from mdx.rendering.render import function_name
    namespace: dict = {}
    exec(der.torch_function(), namespace)
    args = {py_name(k): torch.as_tensor(v, dtype=torch.float64) for k, v in inputs.items()}
    return namespace[function_name(der)](**args).detach().numpy()


def check_everywhere(body: Body, template, layout: str, method: str) -> None:
    """The problem of `template` with g(t) = body: every NumPy form and the PyTorch function
    equal finite differences of the problem's NumPy twin, at one random point."""
    from mdx.rendering.numpy_code import py_name
    text, shapes, make_f, wrt, order = template
    der = mdx.derive(f"{text} where g(t) = {body.text}", layout=layout, method=method)
    record = der.json()
    check_expression(record["result"]["numpy"], {py_name(n) for n in record["symbols"]})
    check_function(der.numpy_function())
    f = make_f(body.f)
    rng = np.random.default_rng(len(text) + len(body.text))
    inputs = draw(shapes, {}, rng)
    with np.errstate(all="ignore"):
        want = expected(f, inputs, wrt, layout, order)
        value = np.asarray(_call(f, inputs), dtype=float)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(want))
    size = float(np.max(np.abs(value)))
    floor = 1e-3 * max(1.0, size) if order == 2 else 1e-3      # differences of differences
    direction = rng.standard_normal(shapes[wrt]) if shapes[wrt] != () else 0.7
    check_at(record, f, inputs, wrt, want, order, direction, floor=floor)
    got = der.numpy()(**{py_name(k): v for k, v in inputs.items()})
    assert same_shape(got, want) and close(got, want, floor), f"der.numpy(): {got} != {want}"
    if TORCH:
        got = _torch_value(der, inputs)
        assert same_shape(got, want) and close(got, want, floor), f"torch: {got} != {want}"


def same_shape(got, want) -> bool:
    """The shape of SPEC 4 exactly; a scalar may be a float, 0-d or 1×1 (SPEC 6)."""
    return np.shape(got) == np.shape(want) or np.size(got) == 1 == np.size(want)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("method", METHODS)
@settings(max_examples=100, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(body=BODIES, template=st.sampled_from(PROBLEMS))
def test_generated_bodies_give_right_code(body, template, layout, method):
    check_everywhere(body, template, layout, method)


# ---------------------------------------------------------------- the cases of issue 22
ISSUE = [
    # a constant second derivative: 2 I, not [[2]]
    ("d^2 1^T g(x) / dx^2 where g(t) = t^2", {"x": (3, 1)}, lambda x: np.sum(x ** 2), "x", 2,
     lambda x: 2 * np.eye(3)),
    # a constant first derivative: a vector of threes, not the scalar 3
    ("d 1^T g(x) / dx where g(t) = 3 t + 1", {"x": (3, 1)}, lambda x: np.sum(3 * x + 1), "x", 1,
     lambda x: 3 * np.ones((3, 1))),
    # logsumexp(t) of a scalar is t: written so, the function is the square of the norm
    ("d g(x)^T g(x) / dx where g(t) = t", {"x": (3, 1)}, lambda x: np.sum(x ** 2), "x", 1,
     lambda x: 2 * x),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,shapes,f,wrt,order,exact", ISSUE, ids=[c[0] for c in ISSUE])
def test_constant_derivatives_have_the_arguments_shape(problem, shapes, f, wrt, order, exact,
                                                       layout, method):
    der = mdx.derive(problem, layout=layout, method=method)
    inputs = draw(shapes, {}, np.random.default_rng(1))
    want = exact(**inputs)
    want = want if layout == "denominator" or order == 2 else want.T
    values = [der.numpy()(**inputs), evaluate(der.json()["result"]["numpy"], inputs)]
    for got in values + ([_torch_value(der, inputs)] if TORCH else []):
        assert same_shape(got, want) and close(got, want)
    check_at(der.json(), f, inputs, wrt, want, order, np.ones(shapes[wrt]))
    assert der.verify().max_error < 1e-6
    assert der.verify("exact").kind == "exact"
    if TORCH:
        from mdx.checking.torch_check import run
        assert run(der).passed


def test_the_command_line_writes_the_full_shape_and_checks_it():
    from typer.testing import CliRunner
    from mdx.cli.app import app
    problem = "d^2 1^T g(x) / dx^2 where g(t) = t^2"
    for fmt, spelled in (("numpy", "np.diagflat((2 * np.ones_like(x)))"),
                         ("torch", "torch.diagflat((2 * torch.ones_like(x)))")):
        out = CliRunner().invoke(app, ["derive", problem, "--format", fmt])
        assert out.exit_code == 0 and spelled in out.stdout
    out = CliRunner().invoke(app, ["derive", "d 1^T g(x) / dx where g(t) = 3 t + 1",
                                   "--check", "--verify", "numeric"])
    assert out.exit_code == 0 or not TORCH, out.stdout + out.stderr
    assert "verified numerically" in out.stdout
    assert "mdx and autograd agree" in out.stdout or not TORCH


@pytest.mark.parametrize("body,function,value", [
    ("logsumexp(t)", "logsumexp", "t"), ("sum(t)", "sum", "t"), ("2 ||t||", "norm", "abs(t)"),
    ("softmax(t) + t", "softmax", "1"), ("tr(t)^2", "tr", "t"), ("norm1(t)", "norm1", "abs(t)"),
    ("exp(mean(t))", "mean", "t"), ("logdet(t)", "logdet", "log(t)"), ("log det(t)", "det", "t"),
])
def test_a_reduction_in_a_body_is_refused_where_it_is(body, function, value):
    problem = f"d g(x)^T g(x) / dx where g(t) = {body}"
    with pytest.raises(mdx.errors.MdxError, match=f"{function} is not elementwise") as info:
        mdx.derive(problem)
    spot = problem.index("where g(t) = ") + len("where g(t) = ")
    assert spot < info.value.column <= spot + len(body)
    assert f"is {value}" in info.value.hint


@pytest.mark.parametrize("body", ["t I", "1_3", "ones(2) t"])
def test_a_body_that_is_not_a_scalar_is_refused(body):
    problem = f"d 1^T g(x) / dx where g(t) = {body}"
    with pytest.raises(mdx.errors.MdxError) as info:
        mdx.derive(problem)
    assert info.value.column > problem.index("=")
    assert "internal" not in info.value.message


def test_the_argument_is_computed_once_even_nested():
    der = mdx.derive("d 1^T g(g(W x)) / dx where g(t) = t^3 + sin(t)")
    code = der.numpy_expression()       # g'(g(W x)) ∘ g'(W x): W x once in each
    assert code.count("W @ x") == 2 and "lambda" not in code
    W, x = np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]]), np.array([[0.7], [-0.4]])
    g = lambda u: u ** 3 + np.sin(u)        # noqa: E731
    gp = lambda u: 3 * u ** 2 + np.cos(u)   # noqa: E731
    assert np.allclose(evaluate(code, {"W": W, "x": x}), W.T @ (gp(g(W @ x)) * gp(W @ x)))


def test_a_relu_body_is_derived_as_the_spec_says_it_may_be_written():
    der = mdx.derive("d 1^T g(x) / dx where g(t) = relu(t)^2")
    x = np.array([[0.5], [-1.0], [2.0]])
    assert np.allclose(der.numpy()(x=x), 2 * np.maximum(x, 0))


def test_a_constant_of_a_scalar_symbol_stays_a_scalar():
    der = mdx.derive("d g(θ) / dθ where g(t) = 3 t")
    assert np.shape(der.numpy()(theta=0.4)) == () and der.numpy()(theta=0.4) == 3


def test_to_sympy_of_a_function_of_a_scalar_product():
    import sympy
    der = mdx.derive("d g(a^T x) / dx where g(t) = t^3 + sin(t)")
    got = der.to_sympy()
    assert got.shape == (sympy.Symbol("n", positive=True, integer=True), 1)
    explicit = der.to_sympy({"n": 2})
    assert explicit.shape == (2, 1) and explicit.has(sympy.cos)
    assert mdx.derive("d 1^T g(x) / dx where g(t) = 3 t + 1").to_sympy({"n": 2}) == \
        sympy.Matrix([[3], [3]])
