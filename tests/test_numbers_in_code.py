"""A size used as a number (`sqrt(d)` where `K: matrix n x d`, SPEC 9), a number inside a
function (`log(3)`) and a scalar variable (`b: scalar`), through every piece of generated
code and every check: result.numpy and the steps' numpy (evaluated with only `np` and the
symbols), the `--format numpy` and `--format torch` functions, `--verify`, `--verify
exact`, `--check` and `mdx check`, in both layouts and by every method, all against
finite differences of the case's own NumPy function.

A size prints as a Python int (`K.shape[1]`): torch's functions refuse one, and NumPy's
keep it an int (`np.maximum(3, 0) ** 40` overflows int64)."""

import inspect

import numpy as np
import pytest
from typer.testing import CliRunner

import fdcheck
import mdx
from mdx.cli.app import app
from numpy_safety import check_function
from test_identities import LAYOUTS, METHODS

runner = CliRunner()


def _softmax(Z):
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _sig(z):
    return 1 / (1 + np.exp(-z))


# (problem, shapes, the function in NumPy, variable, order); each size below is what the
# shapes make it, and the functions read it from their arguments as mdx's code does
CASES = [
    # (sum(softmax(…) V) would not do: a softmax's columns sum to one, its gradient is 0)
    ("d sum(G .* softmax(Q K^T / sqrt(d))) / dQ where K: matrix n x d",
     {"Q": (2, 3), "K": (4, 3), "G": (2, 4)},
     lambda Q, K, G: np.sum(G * _softmax(Q @ K.T / np.sqrt(K.shape[1]))), "Q", 1),
    ("d sqrt(x^T x / n) + log(n) sum(x) / dx where x: vector n", {"x": (3, 1)},
     lambda x: np.sqrt(np.sum(x * x) / 3) + np.log(3) * np.sum(x), "x", 1),
    ("d exp(n) sum(x) - sum(exp(x / n)) / dx where x: vector n", {"x": (3, 1)},
     lambda x: np.exp(3) * np.sum(x) - np.sum(np.exp(x / 3)), "x", 1),
    # powers of a size: negative, fractional, and one past int64 (3^40 > 2^63)
    ("d x^T x / n^2 + n .^ (-1/2) sum(x) + relu(n).^40 sum(x) / dx where x: vector n",
     {"x": (3, 1)},
     lambda x: np.sum(x * x) / 9 + 3 ** -0.5 * np.sum(x) + float(3 ** 40) * np.sum(x), "x", 1),
    ("d ||X w - y||^2 / (2 n) / dw where X: matrix n x d",      # integer sizes, true division
     {"X": (4, 3), "w": (3, 1), "y": (4, 1)},
     lambda X, w, y: np.sum((X @ w - y) ** 2) / 8, "w", 1),
    ("d sum(X) / (n m) + log(sum(exp(X)) / (n m)) / dX where X: matrix n x m", {"X": (2, 3)},
     lambda X: np.sum(X) / 6 + np.log(np.sum(np.exp(X)) / 6), "X", 1),
    # a repeated piece of sizes only is named (h1 = ...) and then given to functions
    ("d log(n m + n + m + 1) sum(X) + exp(n m + n + m + 1) sum(X) + sqrt(n m + n + m + 1) sum(X)"
     " / dX where X: matrix n x m", {"X": (2, 3)},
     lambda X: (np.log(12) + np.exp(12) + np.sqrt(12)) * np.sum(X), "X", 1),
    ("d 3 theta + theta n / dtheta where x: vector n", {"theta": (), "x": (3, 1)},  # a number
     lambda theta, x: 3 * theta + 3 * theta, "theta", 1),
    ("d sqrt(2) x^T x + log(3) sum(x) + sigmoid(2) sum(x) / dx", {"x": (3, 1)},
     lambda x: np.sqrt(2) * np.sum(x * x) + (np.log(3) + _sig(2)) * np.sum(x), "x", 1),
    ("d sigmoid(b) sqrt(n) + b^2 / n + log(b + n) / db where b: scalar; x: vector n",
     {"b": (), "x": (3, 1)},
     lambda b, x: _sig(b) * np.sqrt(3) + b ** 2 / 3 + np.log(b + 3), "b", 1),
    ("d^2 sqrt(n) x^T x + exp(sum(x) / n) / dx^2 where x: vector n", {"x": (3, 1)},
     lambda x: np.sqrt(3) * np.sum(x * x) + np.exp(np.sum(x) / 3), "x", 2),
    ("d -sum(y .* log(sigmoid(X w + b)) + (1 - y) .* log(1 - sigmoid(X w + b))) / db "
     "where b: scalar", {"y": (4, 1), "X": (4, 3), "w": (3, 1), "b": ()},
     lambda y, X, w, b: -np.sum(y * np.log(_sig(X @ w + b)) + (1 - y) * np.log(1 - _sig(X @ w + b))),
     "b", 1),
]
IDS = [c[0].split(" where")[0] for c in CASES]


def _inputs(shapes, seed=0):
    inputs = fdcheck.draw(shapes, {}, np.random.default_rng(seed))
    if "y" in inputs and "b" in inputs:             # labels in [0, 1] for the cross-entropy
        inputs["y"] = np.abs(inputs["y"]) / (1 + np.abs(inputs["y"]))
    return inputs


def _call(fn, inputs):
    params = list(inspect.signature(fn).parameters)
    return fn(*(inputs[p] for p in params))


def _function(source: str):
    namespace = {}
    exec(source, namespace)
    return next(v for k, v in namespace.items() if k.startswith(("df_", "d2f_")))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("problem, shapes, f, wrt, order", CASES, ids=IDS)
def test_numpy_code_computes_the_derivative(problem, shapes, f, wrt, order, method, layout):
    der = mdx.derive(problem, layout=layout, method=method)
    inputs = _inputs(shapes)
    want = fdcheck.expected(f, inputs, wrt, layout, order)
    direction = np.random.default_rng(1).standard_normal(np.shape(inputs[wrt])) \
        if shapes[wrt] else 0.7
    fdcheck.check_at(der.json(), f, inputs, wrt, want, order, direction)    # result and steps
    source = der.numpy_function()
    check_function(source)                      # only np and the symbols, no builtins
    got = _call(_function(source), inputs)
    assert isinstance(got, (float, np.ndarray)), source      # a scalar is a float (SPEC 6)
    assert fdcheck.close(got, want), source
    assert der.verify().max_error < 1e-6


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("problem, shapes, f, wrt, order", CASES, ids=IDS)
def test_torch_code_computes_the_derivative(problem, shapes, f, wrt, order, method, layout):
    torch = pytest.importorskip("torch")
    from mdx.rendering.render import torch_function
    from mdx.checking.torch_check import run
    der = mdx.derive(problem, layout=layout, method=method)
    inputs = _inputs(shapes)
    want = fdcheck.expected(f, inputs, wrt, layout, order)
    source = torch_function(der)
    got = _call(_function(source), {k: torch.as_tensor(v, dtype=torch.float64)
                                    for k, v in inputs.items()})
    assert torch.is_tensor(got) and got.dtype == torch.float64, source
    assert fdcheck.close(got.numpy(), want), source
    report = run(der)
    assert report.passed, report.text()


@pytest.mark.parametrize("problem", [c[0] for c in CASES], ids=IDS)
def test_exact_verification_reads_sizes_as_numbers(problem):
    pytest.importorskip("sympy")
    for layout in LAYOUTS:
        assert mdx.derive(problem, layout=layout).verify("exact").kind == "exact"


def test_the_command_line_checks_run():
    pytest.importorskip("torch")
    problem = CASES[0][0]
    for args in (["derive", problem, "--check", "--no-steps"], ["check", problem, "-m", "all"]):
        out = runner.invoke(app, args)
        assert out.exit_code == 0, out.output
        assert "mdx and autograd agree" in out.output and "DISAGREE" not in out.output
    for kind in ("numeric", "exact"):
        out = runner.invoke(app, ["derive", problem, f"--verify={kind}", "--no-steps"])
        assert out.exit_code == 0 and "verified" in out.output, out.output


def test_a_number_inside_a_function_is_the_librarys_float():
    """One place decides it (NumpyPrinter.value), for every function and both libraries."""
    from mdx.rendering.render import torch_function
    der = mdx.derive(CASES[0][0])
    assert "np.sqrt(np.float64((Q.shape[1])))" in der.numpy_expression()
    assert "torch.sqrt(torch.as_tensor((Q.shape[1]), dtype=torch.float64))" in torch_function(der)
    plain = mdx.derive("d sum(sqrt(x)) / sqrt(2) / dx").numpy_expression()
    assert "np.sqrt(x)" in plain                # an array argument stays as it is


def test_step_is_checked_by_autograd():
    """torch.heaviside has no derivative in autograd; step is spelled with sign instead."""
    pytest.importorskip("torch")
    from mdx.checking.torch_check import run
    for problem in ("d sum(step(x) .* x) / dx", "d step(b) x / db where b: scalar"):
        assert run(mdx.derive(problem)).passed, problem


@pytest.mark.parametrize("value,text", [
    ("1/100000000000000000000", "1e-20"), ("3/10000000000", "3e-10"), ("1/100000", "1e-5"),
    ("5/2", "2.5"), ("-3/4", "-0.75"), ("123456789/1000", "123456.789"),
    ("1/1073741824", "1/1073741824"), ("10000000/3", "10000000/3"), ("100000000", "100000000"),
])
def test_numbers_print_as_themselves(value, text):
    """Printed numbers read back as the same number: 3e-10 once printed as 3e-1 (the zeros
    of the exponent were stripped as if they were a decimal's), and 2^-30 as a shortest
    decimal that is only its float's neighbour."""
    from fractions import Fraction
    from mdx.expressions.printer import number_text
    assert number_text(Fraction(value)) == text
    assert Fraction(text) == Fraction(value)


def test_a_small_exponent_reads_back():
    text = mdx.derive("d sum(x.^3e-10) / dx").json()["result"]["text"]
    assert "x.^(-0.9999999997)" in text and "3e-1 " not in text
