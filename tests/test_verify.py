"""--verify: mdx checks its own result and steps numerically (and with SymPy, exactly);
a deliberately broken rule must make the check fail, never pass silently."""

import json

import pytest
from typer.testing import CliRunner

import mdx
from corpora import CORPUS
from mdx.cli.app import app
from mdx.checking.verify import VerificationError
from test_identities import LAYOUTS, METHODS

runner = CliRunner()


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("method", METHODS)
def test_numeric_verification_passes_on_every_corpus_problem(method, layout):
    for _, case in CORPUS:
        der = mdx.derive(case["problem"], layout=layout, method=method)
        check = der.verify()
        assert check.max_error < 1e-6, case["problem"]
        assert check.line() in der.text()


@pytest.fixture
def broken_sine(monkeypatch):
    """d sin(u) = sin(u) ∘ du: one wrong rule."""
    import dataclasses
    from mdx.language import functions as F
    broken = dataclasses.replace(F.ELEMENTWISE["sin"], rule="d sin(u) = sin(u) ∘ du (broken)",
                                 derivative=lambda E, u: E.func("sin", u))
    monkeypatch.setitem(F.ELEMENTWISE, "sin", broken)


@pytest.mark.parametrize("method", METHODS)
def test_a_broken_rule_fails_the_numeric_check(broken_sine, method):
    der = mdx.derive("d sum(sin(A x)) / dx", method=method)
    with pytest.raises(VerificationError, match="verification failed"):
        der.verify()


def test_a_broken_rule_fails_on_the_command_line(broken_sine):
    out = runner.invoke(app, ["derive", "d sum(sin(A x)) / dx", "--verify=numeric"])
    assert out.exit_code == 1
    assert "verification failed" in out.output


def test_a_step_that_is_wrong_fails_even_when_the_result_is_right():
    der = mdx.derive("d tr(X^T A X) / dX")
    from mdx.expressions import expr as E
    step = next(st for st in der.steps if st.rule.startswith("product rule"))
    step.expr = E.scale(2, step.expr)
    with pytest.raises(VerificationError, match="product rule"):
        der.verify()


def test_verify_on_the_command_line_prints_a_line_under_the_result():
    out = runner.invoke(app, ["derive", "d ||y - X w||^2 / dw", "--verify=numeric"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "result:" in line)
    assert lines[at + 1].strip().startswith("verified numerically at 3 random points")
    js = runner.invoke(app, ["derive", "d ||y - X w||^2 / dw", "--verify=numeric", "--format", "json"])
    record = json.loads(js.output)
    assert record["verification"]["kind"] == "numeric" and record["verification"]["max_error"] < 1e-8


def test_sizes_no_symbol_has_are_drawn_too():
    der = mdx.derive("d tr(kron(I, X)) / dX")            # the size of I belongs to no symbol
    assert der.verify().max_error < 1e-6


def test_structured_gradients_are_verified_on_their_space():
    for form in ("sym", "cookbook"):
        der = mdx.derive("d tr(A X) / dX where X: symmetric", structured=form)
        assert der.verify().max_error < 1e-6
    der = mdx.derive("d tr(A X) / dX where X: diagonal", structured="sym")
    assert der.verify().max_error < 1e-6


# Problems --verify exact does not support, and why (it says so; it never passes them)
EXACT_UNSUPPORTED: dict = {}


def test_exact_verification_of_a_piecewise_difference_at_rational_points():
    """sign(x)² is 1 only away from 0, which SymPy's real symbols do not assume: where the
    difference has kinks it is checked exactly at rational points, and the check says so."""
    pytest.importorskip("sympy")
    v = mdx.derive("d^2 ||x||_1 + x^T x / dx^2").verify("exact")
    assert "rational points" in v.detail


def test_exact_verification_passes_on_every_public_problem():
    pytest.importorskip("sympy")
    from corpora import public_cases
    for case in public_cases():
        for layout in LAYOUTS:
            der = mdx.derive(case["problem"], layout=layout)
            assert der.verify("exact").kind == "exact", case["problem"]


def test_exact_verification_says_what_it_cannot_check():
    pytest.importorskip("sympy")
    for problem, reason in EXACT_UNSUPPORTED.items():
        with pytest.raises(VerificationError, match=reason):
            mdx.derive(problem).verify("exact")
    with pytest.raises(VerificationError, match="abstract function"):
        mdx.derive("d sum(f(x)) / dx where f: scalar function").verify("exact")


def test_a_broken_rule_fails_the_exact_check(broken_sine):
    pytest.importorskip("sympy")
    with pytest.raises(VerificationError, match="verification failed"):
        mdx.derive("d sum(sin(A x)) / dx").verify("exact")


def test_exact_verification_on_the_command_line():
    pytest.importorskip("sympy")
    out = runner.invoke(app, ["derive", "d log det X / dX", "--verify=exact", "--no-steps"])
    assert out.exit_code == 0, out.output
    assert "verified exactly with SymPy" in out.output


def test_a_scalar_is_compared_by_value_whatever_its_rank():
    """SPEC 6: a scalar may be a float, a 0-d or a 1×1 array; an n×1 beside a 1×n is a
    real difference."""
    import numpy as np
    from mdx.checking.verify import relative_error
    assert relative_error(np, np.array([[2.0]]), 2.0) == 0.0
    assert relative_error(np, 2.0, np.array(2.0)) == 0.0
    assert relative_error(np, np.ones((3, 1)), np.ones((1, 3))) == float("inf")


def test_exact_verification_of_a_1x1_matrix_variable():
    """SymPy's derivative over a 1×1 matrix is a 1×1 matrix; mdx's (xᵀx) is a scalar."""
    pytest.importorskip("sympy")
    for layout in LAYOUTS:
        for problem in ("d x^T A x / dA where A: matrix 1 x 1", "d x A / dA where A: matrix 1 x 1"):
            assert mdx.derive(problem, layout=layout).verify("exact").kind == "exact"


def test_exact_verification_still_refuses_a_result_of_the_wrong_shape():
    pytest.importorskip("sympy")
    from mdx.expressions import expr as E
    der = mdx.derive("d x^T a / dx")
    der.result = E.transpose(der.result)                    # 1×n where n×1 is right
    with pytest.raises(VerificationError, match="wrong shape"):
        der.verify("exact")
    der = mdx.derive("d x^T A x / dA where A: matrix 1 x 1")
    der.result = E.mul(der.result, E.Ones(("1", "n")))      # a row where a scalar is right
    with pytest.raises(VerificationError, match="wrong shape"):
        der.verify("exact")
