"""The command line: formats, inputs, exit status (SPEC section 6)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from mdx import __version__
from mdx.cli.app import app

runner = CliRunner()


def test_text_output_has_numbered_steps_and_result():
    result = runner.invoke(app, ["derive", "d tr(X^T A X) / dX"])
    assert result.exit_code == 0
    assert " 1. take the differential" in result.stdout
    assert "result: ∂f/∂X = (A + A^T) X" in result.stdout


def test_numerator_layout_transposes_the_gradient():
    result = runner.invoke(app, ["derive", "d/dx a^T x", "--layout", "numerator", "--no-steps"])
    assert result.exit_code == 0
    assert "= a^T" in result.stdout


def test_json_lines_follow_the_spec():
    result = runner.invoke(app, ["derive", "d tr(X^T A X) / dX", "--format", "json"])
    obj = json.loads(result.stdout)
    assert obj["problem"] == "d tr(X^T A X) / dX"
    assert obj["wrt"] == "X" and obj["layout"] == "denominator" and obj["method"] == "differential"
    assert obj["symbols"]["A"] == {"kind": "matrix", "shape": ["n", "n"], "props": []}
    assert obj["result"]["text"] == "(A + A^T) X"
    assert set(obj["result"]) == {"text", "latex", "numpy", "shape"}
    assert all({"rule", "text", "latex", "numpy"} <= set(s) for s in obj["steps"])


def test_numpy_format_is_a_runnable_function():
    result = runner.invoke(app, ["derive", "d ||y - X w||^2 / dw", "--format", "numpy"])
    namespace = {}
    exec(result.stdout, namespace)
    fn = namespace["df_dw"]
    rng = np.random.default_rng(1)
    y, X, w = rng.standard_normal((5, 1)), rng.standard_normal((5, 3)), rng.standard_normal((3, 1))
    assert np.allclose(fn(y, X, w), 2 * X.T @ (X @ w - y))


def test_numpy_function_computes_a_repeated_piece_once():
    """tanh(W1 x) appears twice in the gradient; the code evaluates it once (at n = 1000
    that is a matrix-vector product saved), and writes a - b and 1 - u plainly."""
    result = runner.invoke(app, ["derive", "d ||W2 tanh(W1 x) - y||^2 / dW1", "--format", "numpy"])
    code = result.stdout
    assert code.count("np.tanh(") == 1 and "(-1) *" not in code and "np.ones" not in code
    namespace = {}
    exec(code, namespace)
    rng = np.random.default_rng(2)
    W2, W1 = rng.standard_normal((2, 4)), rng.standard_normal((4, 3))
    x, y = rng.standard_normal((3, 1)), rng.standard_normal((2, 1))
    h = np.tanh(W1 @ x)
    expected = 2 * ((W2.T @ (W2 @ h - y)) * (1 - h * h)) @ x.T
    assert np.allclose(namespace["df_dW1"](W2, W1, x, y), expected)


def test_latex_format_is_an_align_block():
    result = runner.invoke(app, ["derive", "d log det X / dX", "--format", "latex"])
    assert result.stdout.startswith("\\begin{align*}")
    assert r"X^{-\top}" in result.stdout


def test_standard_input_streams_line_by_line():
    text = "d x^T a / dx\n# comment\n\n   \nd tr(X) / dX\n"
    result = runner.invoke(app, ["derive", "-", "--format", "json"], input=text)
    assert result.exit_code == 0
    assert [json.loads(ln)["problem"] for ln in result.stdout.splitlines()] == \
        ["d x^T a / dx", "d tr(X) / dX"]


def test_usage_errors_exit_2():
    assert runner.invoke(app, ["derive"]).exit_code == 2
    assert runner.invoke(app, ["derive", "d x / dx", "--layout", "sideways"]).exit_code == 2
    assert runner.invoke(app, ["derive", "-f", "/nonexistent/file.txt"]).exit_code == 2


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


def test_method_all_prints_every_method_and_a_verdict():
    result = runner.invoke(app, ["derive", "d tr(X^T A X) / dX", "--method", "all", "--no-steps"])
    assert result.exit_code == 0
    for m in ("differential", "chain", "definition"):
        assert f"{m} method]" in result.stdout
    assert "all methods agree" in result.stdout


def test_method_all_compares_numerically_when_forms_differ():
    from mdx.checking.agree import agreement
    import mdx
    ders = [mdx.derive("d ||W2 tanh(W1 x) - y||^2 / dW1", method=m)
            for m in ("differential", "chain", "definition")]
    assert agreement(ders).startswith("all methods agree")


LOGISTIC_B = ("d -sum(y .* log(sigmoid(X w + b)) + (1 - y) .* log(1 - sigmoid(X w + b))) / db "
              "where b: scalar")


def test_method_all_compares_a_scalar_by_value_not_by_rank():
    """The definition method's ∂f/∂b is a 1×1 array (yᵀσ), the others' a float: one value."""
    result = runner.invoke(app, ["derive", LOGISTIC_B, "--method", "all", "--no-steps"])
    assert result.exit_code == 0, result.output
    assert "all methods agree: different forms, numerically equal" in result.stdout
    assert "DISAGREE" not in result.stdout


def test_method_all_still_reports_a_real_difference_of_shape():
    import mdx
    from mdx.checking.agree import agreement
    ders = [mdx.derive("d x^T (A + B) x / dx", method=m) for m in ("differential", "definition")]
    assert agreement(ders).startswith("all methods agree: different forms")
    row = "(" + ders[1].numpy_expression() + ").T"        # 1×n beside n×1: the same numbers
    ders[1].numpy_expression = lambda: row
    assert "DISAGREE" in agreement(ders)
    ders = [mdx.derive(LOGISTIC_B, method=m) for m in ("differential", "chain")]
    column = ders[0].numpy_expression()
    ders[0].numpy_expression = lambda: f"np.full((3, 1), {column})"     # a vector, not a scalar
    assert "DISAGREE" in agreement(ders)


def test_method_all_evaluates_sizes_no_symbol_has():
    """`I` in tr(I ⊗ X) has a size of its own: drawn, as --verify draws it (it was taken
    for an abstract function and left uncompared)."""
    result = runner.invoke(app, ["derive", "d tr(kron(I, X)) / dX", "--method", "all", "--no-steps"])
    assert "all methods agree" in result.stdout, result.stdout


def test_method_all_compares_results_with_an_abstract_function(monkeypatch):
    """f' is given the stand-in --verify uses, so different forms are compared, not
    waved through as "an abstract function"."""
    import mdx
    from mdx.checking.agree import agreement
    ders = [mdx.derive("d sum(f(W x)) / dx where f: scalar function", method=m)
            for m in ("differential", "chain")]
    monkeypatch.setattr("mdx.rendering.render.result_text", lambda d: d.method)     # forms "differ"
    assert agreement(ders).startswith("all methods agree: different forms")
    ders[1].numpy_expression = lambda: "W.T @ f_prime(2 * W @ x)"
    assert "DISAGREE numerically" in agreement(ders)


def test_structured_option():
    result = runner.invoke(app, ["derive", "d log det S / dS where S: spd", "--structured", "cookbook",
                                 "--no-steps"])
    assert result.exit_code == 0 and "2 S^{-1} - I ∘ S^{-1}" in result.stdout
    assert runner.invoke(app, ["derive", "d tr(X) / dX", "--structured", "odd"]).exit_code == 2


def test_agreement_reports_a_result_that_cannot_be_evaluated_instead_of_a_traceback():
    import mdx
    from mdx.checking.agree import agreement
    ders = [mdx.derive("d x ∘ exp(x) / dx", method=m) for m in ("differential", "chain")]
    ders[1].numpy_expression = lambda: "np.ones((2, 3)) @ np.ones((2, 3))"     # a broken result
    assert "DISAGREE" in agreement(ders)


@pytest.mark.parametrize("rich", ["1", "0"])
def test_help_shows_square_brackets_as_typed(rich):
    """Rich markup took `[torch]` in `pip install ".[torch]"` for a style and printed
    `pip install "."`; every command's help is escaped (TYPER_USE_RICH=0: plain click help)."""
    import os
    import subprocess
    import sys
    env = dict(os.environ, COLUMNS="200", TYPER_USE_RICH=rich, NO_COLOR="1", TERM="dumb")
    helps = {}
    for command in ["", "derive", "solve", "check", "worksheet"]:
        run = subprocess.run([sys.executable, "-m", "mdx", *command.split(), "--help"],
                             capture_output=True, text=True, env=env, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "\\[" not in run.stdout, (command, run.stdout)
        helps[command] = run.stdout
    assert 'pip install ".[torch]"' in helps["derive"], helps["derive"]
    assert 'pip install ".[torch]"' in helps["check"], helps["check"]
    assert "[sym|cookbook]" in helps["derive"] and "## Heading" in helps["worksheet"]
    for command in ("derive", "check", "worksheet"):    # every option says what it does
        words = " ".join(helps[command].replace("│", " ").split())
        assert "trace trick" in words and "variable's shape" in words, command
    assert "all three" in helps["derive"] and "|all" not in helps["worksheet"]
