"""Machine outputs stay machine-readable in every combination, and the library is pleasant
in Python: one valid module for many NumPy functions, the agreement in JSON, worksheet
outputs that match --pdf, short reprs, LaTeX in Jupyter, a callable NumPy form."""

import ast
import json

import numpy as np
import pytest
from typer.testing import CliRunner

import mdx
from mdx.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize("fmt", ["numpy", "torch"])
def test_method_all_and_many_problems_make_one_valid_module(fmt):
    out = runner.invoke(app, ["derive", "d x^T A x / dx", "--method", "all", "--format", fmt])
    assert out.exit_code == 0
    tree = ast.parse(out.output)
    names = [f.name for f in tree.body if isinstance(f, ast.FunctionDef)]
    assert names == ["df_dx_differential", "df_dx_chain", "df_dx_definition"]
    assert "# all methods agree" in out.output
    many = runner.invoke(app, ["derive", "-", "--format", fmt],
                         input="d x^T A x / dx\nd x^T A x / dx where A: symmetric\nd tr(X) / dX\n")
    tree = ast.parse(many.output)
    names = [f.name for f in tree.body if isinstance(f, ast.FunctionDef)]
    assert len(names) == len(set(names)) == 3
    assert sum(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body) == 1


def test_numpy_module_runs():
    out = runner.invoke(app, ["derive", "d x^T A x / dx", "--method", "all", "--format", "numpy"])
    namespace = {}
    exec(out.output, namespace)
    x, A = np.ones((3, 1)), np.arange(9.0).reshape(3, 3)
    for m in ("differential", "chain", "definition"):
        assert np.allclose(namespace[f"df_dx_{m}"](x, A), (A + A.T) @ x)


def test_softmax_and_logsumexp_compute_their_argument_once():
    """The NumPy template holds the argument (W @ x) in a name; nested ones stay right."""
    der = mdx.derive("d c^T softmax(W x) + logsumexp(W x) / dx")
    body = der.numpy_function().split('"""')[-1]
    assert body.count("W @ x") <= 2            # once per softmax / logsumexp, not four times
    nested = mdx.derive("d c^T softmax(W softmax(V x)) + logsumexp(softmax(V x)) / dV")
    namespace = {}
    exec(nested.numpy_function(), namespace)
    fn = next(v for k, v in namespace.items() if k.startswith("df_"))
    rng = np.random.default_rng(1)
    c, W, V, x = rng.standard_normal((3, 1)), rng.standard_normal((3, 4)), rng.standard_normal((4, 2)), \
        rng.standard_normal((2, 1))

    def softmax(z):
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    def f(V):
        s = softmax(V @ x)
        return (c.T @ softmax(W @ s)).item() + np.log(np.exp(s).sum())
    grad = np.zeros_like(V)
    for i in np.ndindex(V.shape):
        E = np.zeros_like(V)
        E[i] = 1e-6
        grad[i] = (f(V + E) - f(V - E)) / 2e-6
    args = {"c": c, "W": W, "V": V, "x": x}
    got = fn(*(args[p] for p in fn.__code__.co_varnames[:fn.__code__.co_argcount]))
    assert np.allclose(got, grad, atol=1e-6)


def test_json_with_method_all_carries_the_agreement():
    out = runner.invoke(app, ["derive", "d x^T A x / dx", "--method", "all", "--format", "json"])
    records = [json.loads(line) for line in out.output.splitlines()]
    assert [r["method"] for r in records] == ["differential", "chain", "definition"]
    assert all(r["agreement"].startswith("all methods agree") for r in records)


def test_worksheet_output_is_checked_against_pdf(tmp_path):
    sheet = tmp_path / "s.txt"
    sheet.write_text("d tr(X) / dX\n")
    out = runner.invoke(app, ["worksheet", str(sheet), "-o", str(tmp_path / "s.pdf")])
    assert out.exit_code == 2 and "--pdf" in out.output and not (tmp_path / "s.pdf").exists()
    out = runner.invoke(app, ["worksheet", str(sheet), "-o", str(tmp_path / "s.tex"), "--pdf"])
    assert out.exit_code == 2 and "s.pdf" in out.output and not (tmp_path / "s.tex").exists()


def test_library_repr_latex_and_callable():
    der = mdx.derive("d tr(X^T A X) / dX")
    assert repr(der) == "<Derivation 'd tr(X^T A X) / dX' (denominator, differential): ∂f/∂X = (A + A^T) X>"
    assert der.result._repr_latex_() == r"$\left(A + A^{\top}\right) X$"
    assert all(st._repr_latex_().startswith("$$") for st in der.steps)
    assert der._repr_latex_().startswith("$$")
    X, A = np.arange(6.0).reshape(3, 2), np.arange(9.0).reshape(3, 3)
    assert np.allclose(der.numpy()(X, A), (A + A.T) @ X)
    assert der.numpy_expression() == der.json()["result"]["numpy"]


def test_errors_are_exported():
    for name in ("MdxError", "ParseError", "ShapeError", "UnsupportedError", "LimitError",
                 "InternalError", "VerificationError", "CheckError", "NotAffineError"):
        cls = getattr(mdx, name)
        assert issubclass(cls, mdx.MdxError), name
    with pytest.raises(mdx.ParseError):
        mdx.derive("d tr(X / dX")


def test_the_public_api_has_type_hints():
    import inspect
    from mdx.derivation.solving.stationary import Solution
    from mdx.derivation.steps import Derivation
    public = [mdx.derive, mdx.solve]
    public += [getattr(Derivation, n) for n in dir(Derivation) if not n.startswith("_")
               and callable(getattr(Derivation, n))]
    public += [getattr(Solution, n) for n in dir(Solution) if not n.startswith("_")
               and callable(getattr(Solution, n))]
    for fn in public:
        sig = inspect.signature(fn)
        assert sig.return_annotation is not inspect.Signature.empty, fn.__qualname__
        for name, p in sig.parameters.items():
            if name != "self":
                assert p.annotation is not inspect.Parameter.empty, f"{fn.__qualname__}({name})"
