"""SPEC 8's notation: when `1` is a vector of ones, sizes written out, elementwise powers,
and the messages for the notations of other tools."""

import re
import subprocess
import sys

import pytest

import mdx
from mdx.errors import MdxError


def result(problem: str, **kw) -> str:
    return mdx.derive(problem, **kw).json()["result"]["text"]


@pytest.mark.parametrize("problem,text", [
    ("d 1^T x / dx", "1_n"),                       # ones: the sum of the entries
    ("d x^T 1 / dx", "1_n"),
    ("d 1^T X 1 / dX", "1_n 1_m^T"),
    ("d sum(1 - x) / dx", "-1_n"),                 # a number that broadcasts
    ("d (2 + 1) x^T x / dx", "6 x"),
    ("d ||x - mean(x) 1||^2 / dx", "2 (x - mean(x) 1)"),
    ("d x / n / dx where x: vector n", "I_n / n"),  # a declared size is a number
    ("d 1_n^T x / dx where x: vector n", "1_n"),
    ("d ones(n, m) ∘ X / dX where X: matrix n x m", "I_{mn}"),
    ("d sum(X.^3) / dX", "3 X.^2"),
    ("d sum(x.^(1/2)) / dx", "x.^(-0.5) / 2"),
    ("d ||x||_1 / dx", "sign(x)"),
    ("d mean(x) / dx", "1_n / n"),
    ("d -sum(Y .* log(softmax(W X))) / dW", "(softmax(W X) diag(Y^T 1) - Y) X^T"),
    ("d ||W X + b 1^T - Y||_F^2 / db", "2 (W X + b 1^T - Y) 1"),
])
def test_result_text(problem, text):
    assert result(problem) == text


def test_three_methods_agree_on_the_batch_cross_entropy():
    p = "d -sum(Y .* log(softmax(W X))) / dW"
    assert {result(p, method=m) for m in ("differential", "chain", "definition")} == \
        {"(softmax(W X) diag(Y^T 1) - Y) X^T"}


@pytest.mark.parametrize("problem,words", [
    ("d k 1^T / dk", "fixes the size of this vector of ones"),
    ("d x.^p / dx", "must be a number"),
    ("d θ^0.5 / dθ", "not in the language"),      # never θ^0 · .5
    ("d x^{1/2} / dx", "needs a scalar"),
    ("d x**2 / dx", "`x.^2`"),
    ("d A\\b / db", "inv(A) b"),
    ("d expm(X) / dX", "matrix exponential"),
    ("d dot(x, y) / dx", "x^T y"),
    ("d <x, y> / dx", "x^T y"),
    ("d x y / dx", "x .* y"),
])
def test_positioned_hints(problem, words):
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    message = info.value.render(problem)
    assert words in message and re.search(r"line 1, column \d+", message)


@pytest.mark.parametrize("problem", ["d ||x|| || / dx", "d x ^ / dx", "d tr(X) tr / dX",
                                     "d x.^ / dx", "d (x / dx", "d x + / dx", "d ‖x / dx"])
def test_no_grammar_token_names_in_messages(problem):
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    assert not re.search(r"\b[A-Z]{2,}_[A-Z]+\b|__ANON", info.value.render(problem))


def test_a_variable_that_does_not_occur_gives_zero_and_says_so():
    der = mdx.derive("d tr(X) / dx")
    assert der.json()["result"]["text"] == "0"
    assert any("does not depend on x" in n for n in der.notes)
    assert "note: f does not depend on x" in der.text(steps=False)


def test_a_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfd x^T x / dx\n")
    out = subprocess.run([sys.executable, "-m", "mdx", "derive", "-f", str(path), "--no-steps"],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "2 x" in out.stdout
    assert mdx.derive("\ufeffd x^T x / dx").json()["result"]["text"] == "2 x"


def test_printed_forms_parse():
    from mdx.language.parser import parse
    parse("d X⁻¹ Xᵀ X⁻ᵀ / dX where x: vector n; A: matrix n×n")
    assert result("d 3.^2 x^T x / dx") == "18 x"
    assert "where x: vector n; A: matrix n×n" in mdx.derive("d x^T A x / dx").text()


def test_a_size_used_as_a_number_is_said():
    der = mdx.derive("d x / n / dx where x: vector n")
    assert any("n is a size of the declarations" in n for n in der.notes)
