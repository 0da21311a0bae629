"""Malformed problems: one clear error each, with its position, never a traceback."""

import numpy as np
import pytest
from typer.testing import CliRunner

import mdx
from mdx.cli.app import app
from mdx.errors import MdxError

# (problem, column of the caret, words the message or its hint must contain)
MALFORMED = [
    ("d tr(X / dX", 8, "never closed"),
    ("d tr(X)) / dX", 8, "no matching `(`"),
    ("d foo(X) / dX", 3, "unknown name 'foo'"),
    ("d x^2 / dx", 3, "not defined for a vector"),
    ("d A x / dx where A: matrix 3 x 4; x: vector 5", 3, "cannot multiply A (3×4) by x (5×1)"),
    ("d tr(X) / dX where X: matrix n x m", 6, "tr needs a square matrix"),
    ("d / dx", 7, "expression is missing"),
    ("d", 2, "expression is missing"),
    ("d x^T A x", 10, "missing `/ dVAR`"),
    ("d AX / dX", 3, "unknown name 'AX'"),
    ("d x + y^T / dx", 3, "cannot add x (n×1) and y^T (1×m)"),
    ("d x / (A x) / dx", 7, "divides by a scalar"),
    ("d ||x / dx", 7, "never closed"),
    ("d x.^p / dx", 3, "must be a number"),
    ("d x^T x / dx where x: banana", 23, "unknown word 'banana'"),
    ("d X^{k} / dX", 3, "symbolic power"),
    ("d x^T y # comment / dx", 9, "`#` starts a comment only"),
    ("d kron(A) / dA", 3, "kron takes two arguments"),
    ("d det(x) / dx", 7, "det needs a square matrix"),
    ("d x^{-1} / dx", 3, "a vector has no inverse"),
    ("d ||X||_2 / dX", 3, "spectral norm"),
    ("d f(x) / df where f: scalar function", 11, "cannot differentiate with respect to f"),
    ("x^T x / dx", 1, "a problem starts with `d`"),
    ("d x $ y / dx", 5, "unexpected character '$'"),
    ("d trace(X) / dX", 3, "unknown name 'trace'"),
    ("d tr(X) / dX where X: matrix; X: vector", 31, "declared twice"),
    ("d x^T A x / dx where A: symmetric 3 x 4", 22, "symmetric needs a square matrix"),
    ("d^2 A x / dx^2", 5, "second derivative needs a scalar"),
    ("d^2 x^T x / dx", 11, "needs `/ dVAR^2`"),
    ("d W_{\\write18} x / dx", 4, "subscript is not allowed"),   # no raw LaTeX can get through
    ("d tr(X^T A X) / ", 16, "the variable is missing after the final `/`"),
    ("d x^T A x / dy z", 16, "unexpected 'z' after `/ dy`"),
    ("d x^T x / d(x)", 9, "write `/ dx`"),
    ("d ||x||_3 / dx", 8, "this norm is not in the language"),
    ("d logsumexp(Z, dim=1, dim=0) / dZ", 23, "takes one `dim=`"),
    # a division followed by a name: (… / 2) N or … / (2 N)? never one silently
    ("d ||X w - y||^2 / 2N / dw where N: scalar", 19, "`/ 2N` has two readings"),
    ("d ||X w - y||^2 / 2n / dw", 19, "`… / (2 n)`"),
    ("d exp(-x^T x / 2 sigma^2) / dx", 16, "`/ 2 sigma^2` has two readings"),
    ("d x ./ 2 c / dx", 8, "`./ 2 c` has two readings"),
    ("d x^T A x / lambda n / dx", 13, "`(… / lambda) n`"),
    ("d 1/2N ||X w - y||^2 / dw where X: matrix N x d", 5, "`/ 2N` has two readings"),
    ("d 1/2 sigma^2 ||x - m||^2 / dx", 5, "`… / (2 sigma^2)`"),
    ("d x / 2 ||x|| / dx", 7, "`… / (2 ||x||)`"),
    ("d sum(g(x)) / dx where g(t) = t^2 / 2 t", 37, "`/ 2 t` has two readings"),
    ("d exp(-||x||^2 / 2 s.^2) / dx where s: scalar", 18, "`/ 2 s.^2`"),
    ("d sum(1 ./ 2x) / dx", 12, "`./ 2x`"),
    # what to write instead of a spelling from code or prose
    ("d x^T A x where A: symmetric / dx", 11, "`where` follows the variable"),
    ("d x^T A x / dx where x: vector 3, A: symmetric", 33, "separated by `;`"),
    ("d x.T @ A @ x / dx", 4, "a transpose is written `x^T`"),
    ("d x.sum() / dx", 4, "write `sum(x)`"),
    ("d x^T A x / dx where A is symmetric", 24, "written with `:`"),
    ("d x^T x / dx where x ∈ R^n", 22, "written with `:`"),
    ("d x^T x / dx / dx", 11, "`d^2 … / dx^2`"),
    ("d sum(clip(x, lo, hi)) / dx", 15, "`where lo: scalar`"),
    ("", 1, "empty problem"),               # last: the command line does not take it
]


@pytest.mark.parametrize("problem,column,words", MALFORMED, ids=[m[0] or "empty" for m in MALFORMED])
def test_library_error(problem, column, words):
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    err = info.value
    assert words in err.render(problem), err.render(problem)       # the message or its hint
    assert err.column == column, (err.column, err.render(problem))
    rendered = err.render(problem)
    assert rendered.startswith(f"line 1, column {column}: ")
    assert rendered.splitlines()[2].index("^") == column - 1 + 2   # caret under the spot


@pytest.mark.parametrize("problem,column,words", MALFORMED[:-1], ids=[m[0] for m in MALFORMED[:-1]])
def test_cli_error(problem, column, words):
    result = CliRunner().invoke(app, ["derive", problem])
    assert result.exit_code == 1
    assert f"line 1, column {column}:" in result.output
    assert "Traceback" not in result.output


def test_file_with_bad_lines_still_derives_the_others(tmp_path):
    lines = ["# a comment", "", "d tr(X^T A X) / dX"] + [m[0] for m in MALFORMED[:-1]] + ["d x^T a / dx"]
    path = tmp_path / "problems.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["derive", "-f", str(path), "--format", "json"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    out = [ln for ln in result.stdout.splitlines() if ln.startswith("{")]
    assert len(out) == len(lines) - 2                    # one JSON object per problem line
    assert '"result"' in out[0] and '"result"' in out[-1]
    assert sum('"error"' in ln for ln in out) == len(MALFORMED) - 1
    assert f"line {len(lines)}," not in result.stderr     # the last line was derived


def test_invalid_utf8_fails_only_its_line(tmp_path):
    path = tmp_path / "p.txt"
    path.write_bytes(b"d x^T a / dx\nd \xff\xfe / dx\r\nd tr(X) / dX\r\n")
    result = CliRunner().invoke(app, ["derive", "-f", str(path), "--no-steps"])
    assert result.exit_code == 1
    assert "line 2, column 3: this line is not valid UTF-8" in result.stderr
    assert result.stdout.count("result:") == 2


@pytest.mark.parametrize("problem,name", [("d C w^T x / dw", "C"), ("d exp(t) B x / dx", "t")])
def test_a_product_that_types_with_a_scalar_says_how_to_declare_it(problem, name):
    """C w^T x groups (C w^T) x; exp(t) of an undeclared t is a vector: the hint names the
    declaration that makes the product type."""
    with pytest.raises(MdxError) as info:
        mdx.derive(problem)
    assert f"`where {name}: scalar`" in info.value.hint, info.value.hint


COEFFICIENTS = [   # a division that reads one way: a number over a number, or more than a name after it
    ("d 1/2 x^T x / dx", {"x": (3, 1)}, lambda x: 0.5 * (x.T @ x).item()),
    ("d -1/2 x^T x / dx", {"x": (3, 1)}, lambda x: -0.5 * (x.T @ x).item()),
    ("d λ/2 ||w||^2 / dw", {"λ": (), "w": (3, 1)}, lambda λ, w: λ / 2 * (w.T @ w).item()),
    ("d x^T x / 2 * lam / dx where lam: scalar", {"x": (3, 1), "lam": ()}, lambda x, lam: (x.T @ x).item() / 2 * lam),
    ("d x^T x / (2 N) / dx where N: scalar", {"x": (3, 1), "N": ()}, lambda x, N: (x.T @ x).item() / (2 * N)),
    ("d 1/n ||X w - y||^2 / dw where n: scalar", {"n": (), "X": (4, 3), "w": (3, 1), "y": (4, 1)},
     lambda n, X, w, y: np.sum((X @ w - y) ** 2) / n),
    ("d λ/2 w^T w + 1/2 w / dw", {"λ": (), "w": (3, 1)}, lambda λ, w: λ / 2 * (w.T @ w).item() + w / 2),
    # the x of `matrix n x n` is the times sign, not a size named x
    ("d 1/2 x^T A x / dx where A: matrix n x n", {"x": (3, 1), "A": (3, 3)},
     lambda x, A: 0.5 * (x.T @ A @ x).item()),
]


@pytest.mark.parametrize("layout", ["denominator", "numerator"])
@pytest.mark.parametrize("problem,shapes,f", COEFFICIENTS, ids=[c[0] for c in COEFFICIENTS])
def test_a_division_with_one_reading_is_read(problem, shapes, f, layout):
    from fdcheck import check
    wrt = problem.split("/ d")[-1].split()[0]
    check(mdx.derive(problem, layout=layout).json(), f, shapes, wrt, layout)
