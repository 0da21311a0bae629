"""--format torch, `mdx check` and `--check`: mdx's formula beside PyTorch autograd.
Runs where torch is installed (CI installs it); the message without torch always runs."""

import sys

import pytest
from typer.testing import CliRunner

import mdx
from corpora import CORPUS
from mdx.cli.app import app
from test_identities import LAYOUTS

runner = CliRunner()

# a scalar, a vector and a matrix variable, Jacobians, Hessians
NAMED = [
    "d ||y - X w||^2 / dw",
    "d theta^2 x^T A x / dtheta",
    "d tr(X^T A X) / dX",
    "d tanh(W x) / dx",
    "d A X B / dX",
    "d^2 x^T A x / dx^2",
    "d^2 logsumexp(x) / dx^2",
    "d^2 tr(X^T A X) / dX^2",
    "d tr(kron(I, X)) / dX",            # a size no symbol has
]


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem", NAMED)
def test_check_agrees_with_autograd_on_the_command_line(problem, layout):
    _torch()
    out = runner.invoke(app, ["derive", problem, "--check", "--layout", layout, "--no-steps"])
    assert out.exit_code == 0, out.output
    assert "checked against PyTorch" in out.output and "mdx and autograd agree" in out.output
    error = float(out.output.split("max relative error ")[1].split(":")[0])
    assert error < 1e-10


@pytest.mark.parametrize("layout", LAYOUTS)
def test_check_agrees_with_autograd_on_every_corpus_problem(layout):
    _torch()
    from mdx.checking.torch_check import run
    for method in ("differential", "chain"):
        for _, case in CORPUS:
            der = mdx.derive(case["problem"], layout=layout, method=method)
            report = run(der)
            assert report.passed, f"{case['problem']} ({method}): {report.error}"


def test_the_check_command_and_its_script(tmp_path):
    _torch()
    out = runner.invoke(app, ["check", "d^2 x^T A x / dx^2", "-l", "numerator"])
    assert out.exit_code == 0, out.output
    text = runner.invoke(app, ["check", "d log det X / dX", "--script"]).output
    path = tmp_path / "check.py"
    path.write_text(text)
    import subprocess
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "max relative error" in done.stdout


def test_format_torch_is_a_runnable_function():
    torch = _torch()
    code = runner.invoke(app, ["derive", "d ||y - X w||^2 / dw", "--format", "torch"]).output
    namespace = {}
    exec(code, namespace)
    X = torch.randn(4, 3, dtype=torch.float64)
    y, w = torch.randn(4, 1, dtype=torch.float64), torch.randn(3, 1, dtype=torch.float64)
    assert torch.allclose(namespace["df_dw"](y, X, w), 2 * X.T @ (X @ w - y))


def test_a_wrong_formula_disagrees_with_autograd():
    _torch()
    from mdx.expressions import expr as E
    from mdx.checking.torch_check import run
    der = mdx.derive("d x^T A x / dx")
    der.result = E.mul(E.Sym("A", ("n", "n")), der.var)
    assert not run(der).passed


def test_without_torch_the_message_says_how_to_get_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)         # import torch raises ImportError
    out = runner.invoke(app, ["derive", "d x^T A x / dx", "--check"])
    assert out.exit_code == 1
    assert 'pip install torch' in out.output
    script = runner.invoke(app, ["check", "d x^T A x / dx", "--script"])
    assert script.exit_code == 0 and "torch.func" in script.output


def test_several_variables_are_checked_each_by_name(tmp_path):
    problem = "d ||W2 relu(W1 x + b1) + b2 - y||^2 / dW1, db1"
    script = runner.invoke(app, ["check", problem, "--script"])     # no torch needed to print it
    assert script.exit_code == 0 and script.output.count("import torch") == 2, script.output
    _torch()
    path = tmp_path / "check.py"                # one script: each gradient checked, in turn
    path.write_text(script.output)
    import subprocess
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "∂f/∂W1" in done.stdout and "∂f/∂b1" in done.stdout and done.stdout.count("max relative") == 2
    out = runner.invoke(app, ["check", problem])
    assert out.exit_code == 0, out.output
    assert "result: ∂f/∂W1 = " in out.output and "result: ∂f/∂b1 = " in out.output
    assert "  ∂f/∂W1:\n  checked against PyTorch" in out.output, out.output
    assert out.output.count("mdx and autograd agree") == 2
