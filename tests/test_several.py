"""Several variables at once and mixed second derivatives (SPEC 10): every gradient of a
network, logistic regression in (w, b) and a batch softmax cross-entropy network, and
mixed derivatives of bilinear forms, softplus of an inner product and a matrix-vector
pair — each against finite differences, in every method and both layouts; the JSON
record, the generated tuple-returning NumPy function, the shared steps."""

import numpy as np
import pytest

import mdx
from fdcheck import close, draw, evaluate, expected, fd_jacobian
from test_identities import LAYOUTS, METHODS


def _tanh_net(W1, b1, W2, b2, x, y):
    return float(np.sum((W2 @ np.tanh(W1 @ x + b1) + b2 - y) ** 2))


def _net3(W1, b1, W2, b2, W3, b3, x, y):
    h = np.tanh(W2 @ np.tanh(W1 @ x + b1) + b2)
    return float(np.sum((W3 @ h + b3 - y) ** 2))


def _logistic(X, w, b, y):
    p = 1 / (1 + np.exp(-(X @ w + b)))
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _softmax_net(W1, b1, W2, b2, X, Y):
    Z = W2 @ np.maximum(W1 @ X + b1, 0) + b2
    S = np.exp(Z - Z.max(axis=0))
    S = S / S.sum(axis=0)
    return float(-np.sum(Y * np.log(S)))


SEVERAL = [
    ("d ||W2 tanh(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2",
     {"W1": (3, 4), "b1": (3, 1), "W2": (2, 3), "b2": (2, 1), "x": (4, 1), "y": (2, 1)}, _tanh_net, {}),
    ("d ||W3 tanh(W2 tanh(W1 x + b1) + b2) + b3 - y||^2 / dW1, db1, dW2, db2, dW3, db3",
     {"W1": (3, 4), "b1": (3, 1), "W2": (3, 3), "b2": (3, 1), "W3": (2, 3), "b3": (2, 1),
      "x": (4, 1), "y": (2, 1)}, _net3, {}),
    ("d -sum(y .* log(sigmoid(X w + b)) + (1 - y) .* log(1 - sigmoid(X w + b))) / dw, db where b: scalar",
     {"X": (5, 3), "w": (3, 1), "b": (), "y": (5, 1)}, _logistic, {"y": "unit"}),
    ("d -sum(Y .* log(softmax(W2 relu(W1 X + b1 1^T) + b2 1^T))) / dW1, db1, dW2, db2",
     {"W1": (4, 3), "b1": (4, 1), "W2": (3, 4), "b2": (3, 1), "X": (3, 5), "Y": (3, 5)},
     _softmax_net, {}),
]


def _check_several(der, fn, shapes, props, layout):
    js = der.json()
    assert js["wrt"] == [r["wrt"] for r in js["results"]] == der.wrts
    rng = np.random.default_rng(3)
    inputs = draw(shapes, props, rng)
    for r in js["results"]:
        want = expected(fn, inputs, r["wrt"], layout)
        got = evaluate(r["numpy"], inputs)
        assert close(got, want), (der.problem, r["wrt"], layout, der.method, got, want)
    f_tuple = der.numpy()                              # one function, all gradients
    args = {k: v for k, v in inputs.items()}
    got = f_tuple(**{k: args[k] for k in der.symbols})
    assert len(got) == len(js["results"])
    for g, r in zip(got, js["results"]):
        assert close(g, evaluate(r["numpy"], inputs))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", SEVERAL, ids=lambda c: c[0][:40])
def test_every_gradient_of_several_is_right(case, layout, method):
    problem, shapes, fn, props = case
    der = mdx.derive(problem, layout=layout, method=method)
    _check_several(der, fn, shapes, props, layout)


def test_the_total_differential_is_shared_and_checked():
    der = mdx.derive(SEVERAL[0][0])
    assert der.steps and all(st.equals == "differential" for st in der.steps if st.numpy)
    assert der.verify().steps > len(der.steps)          # shared steps and each gradient's
    text = der.text()
    assert text.count("take the differential of both sides") == 1
    assert "shared: h1 = tanh(W1 x + b1)" in text


def test_one_derivation_of_all_weights_shares_its_work():
    """Derived once, the backward pass is not repeated: fewer rules applied than the
    separate derivations (a count, not a clock)."""
    problem = SEVERAL[1][0]
    together = mdx.derive(problem)
    apart = [mdx.derive(problem.split("/")[0] + f"/ d{w}") for w in together.wrts]
    rules = lambda d: sum(1 for st in d.steps if "rule" in st.rule or "linearity" in st.rule)  # noqa: E731
    assert rules(together) < sum(rules(d) for d in apart)
    for one, alone in zip(together.parts, apart):
        assert one.result == alone.result or mdx.derive(alone.problem).result is not None


MIXED = [
    ("d^2 x^T A y / dx dy", {"x": (3, 1), "A": (3, 4), "y": (4, 1)},
     lambda x, A, y: (x.T @ A @ y).item(), "x", "y"),
    ("d^2 softplus(x^T y) / dx dy", {"x": (3, 1), "y": (3, 1)},
     lambda x, y: float(np.logaddexp(0, (x.T @ y).item())), "x", "y"),
    ("d^2 ||W x - y||^2 / dW dx", {"W": (2, 3), "x": (3, 1), "y": (2, 1)},
     lambda W, x, y: float(np.sum((W @ x - y) ** 2)), "W", "x"),
    ("d^2 ||W x - y||^2 / dx dW", {"W": (2, 3), "x": (3, 1), "y": (2, 1)},
     lambda W, x, y: float(np.sum((W @ x - y) ** 2)), "x", "W"),
    ("d^2 s exp(a^T x) / ds dx where s: scalar", {"s": (), "a": (3, 1), "x": (3, 1)},
     lambda s, a, x: s * np.exp(a.T @ x).item(), "s", "x"),
]


def _mixed_fd(fn, inputs, x, y):
    """d vec(∇ₓ f) / d vec(y)ᵀ by differences of the differenced gradient."""
    def grad_x(local):
        J = fd_jacobian(fn, local, x, 1e-4)
        return J[0, :]
    return fd_jacobian(lambda **kw: grad_x(kw), inputs, y, 1e-3)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("case", MIXED, ids=lambda c: c[0])
def test_mixed_second_derivatives_are_right(case, layout, method):
    problem, shapes, fn, x, y = case
    der = mdx.derive(problem, layout=layout, method=method)
    js = der.json()
    inputs = draw(shapes, {}, np.random.default_rng(5))
    want = _mixed_fd(fn, inputs, x, y)
    got = np.asarray(evaluate(js["result"]["numpy"], inputs), dtype=float)
    assert close(got.reshape(want.shape), want, floor=1e-2), (problem, got, want)


def test_a_mixed_derivative_of_one_variable_twice_is_the_hessian():
    assert mdx.derive("d^2 x^T A x / dx dx").result == mdx.derive("d^2 x^T A x / dx^2").result


@pytest.mark.parametrize("problem,where", [
    ("d x^T A y / dx dy", "needs `d^2`"),
    ("d^2 x^T A y / dx, dy", "one variable"),
    ("d x^T A y / dx, dx", "written twice"),
    ("d A x / dx, dA", "scalar function"),
])
def test_wrong_variable_lists_are_refused_with_a_position(problem, where):
    with pytest.raises(mdx.MdxError) as info:
        mdx.derive(problem)
    assert where in info.value.message and info.value.column >= 1


def test_the_command_line_prints_every_format(tmp_path):
    from typer.testing import CliRunner

    from mdx.cli.app import app
    runner = CliRunner()
    problem = SEVERAL[0][0]
    out = runner.invoke(app, ["derive", problem, "--format", "numpy"])
    assert out.exit_code == 0 and "return (" in out.output and "def df_dW1_db1_dW2_db2(" in out.output
    out = runner.invoke(app, ["derive", problem, "--method", "all", "--no-steps", "--verify", "numeric"])
    assert out.exit_code == 0 and "agree" in out.output, out.output
    sheet = tmp_path / "p.txt"
    sheet.write_text(problem + "\nd^2 x^T A y / dx dy\n")
    out = runner.invoke(app, ["worksheet", str(sheet), "-o", str(tmp_path / "p.tex")])
    assert out.exit_code == 0, out.output


@pytest.mark.parametrize("method", METHODS)
def test_every_variable_is_written_back_as_declared(method):
    """Each variable is differentiated free of its structure, and every result is evaluated
    where the variables are as declared: S⁻ᵀ = S⁻¹ for an spd S, in each gradient."""
    der = mdx.derive("d (x - mu)^T inv(S) (x - mu) + log det(S) / dmu, dS where S: spd; mu: vector",
                     method=method)
    assert [r["text"] for r in der.json()["results"]] == [
        "2 S^{-1} (mu - x)", "S^{-1} - S^{-1} (x - mu) (x - mu)^T S^{-1}"]



def test_exact_verification_says_its_sentence_once():
    pytest.importorskip("sympy")
    line = mdx.derive("d ||W x - y||^2 / dW, dx").verify("exact").line()
    assert line.count("simplifies to 0") == 1 and "W, x: with symbols for the entries" in line, line
