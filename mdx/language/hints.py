"""Hints for the notations of neighbouring tools (NumPy, MATLAB, SymPy, papers), each
naming the mdx spelling: an error message should say what to write instead."""

from __future__ import annotations

import re

# names mdx does not know, that users bring from elsewhere
NAME_HINTS = {
    "expm": "the matrix exponential is not supported; `exp(X)` is elementwise",
    "logm": "the matrix logarithm is not supported; `log(X)` is elementwise, `log det X` the log-determinant",
    "sqrtm": "the matrix square root is not supported; `sqrt(X)` is elementwise",
    "dot": "write the inner product as `x^T y` (or `tr(X^T Y)` for matrices)",
    "inner": "write the inner product as `x^T y` (or `tr(X^T Y)` for matrices)",
    "outer": "write the outer product as `x y^T`",
    "transpose": "write `X^T`",
    "trace": "write `tr(X)`",
    "Tr": "write `tr(X)`",
    "ln": "write `log`",
    "inverse": "write `inv(X)` or `X^{-1}`",
    "logistic": "write `sigmoid` (or `σ`)",
    "lse": "write `logsumexp`",
    "Det": "write `det`",
    "pow": "write `x.^p` for an elementwise power, `X^k` for a matrix power",
    "power": "write `x.^p` for an elementwise power, `X^k` for a matrix power",
    "norm2": "write `‖x‖` or `norm(x)`",
    "frobenius": "write `‖X‖_F`",
    "avg": "write `mean(x)`",
    "average": "write `mean(x)`",
    "ones_like": "write `1` where a vector of ones fits (`1^T x`, `X 1`), or `ones(n, m)`",
    "eye": "write `I` (or `I_n` with its size)",
    "hadamard": "write `A .* B` (or `A ∘ B`)",
    "kronecker": "write `kron(A, B)` or `A ⊗ B`",
    "solve": "write `inv(A) b`",
    # printed in results with its shape beside it; typed, nothing says which shape
    "unvec": "unvec(v) (the matrix whose vec is v) appears in results, with its shape stated "
             "there; in a problem its shape is unknown: write it with `vec` "
             "(`tr(unvec(v)^T X)` is `vec(X)^T v`)",
    "reshape": "mdx has no reshape; `vec(X)` stacks the columns of X",
    # functions of NumPy and PyTorch that mdx does not have: the same meaning, or a plain no
}
# functions of other tools with no spelling in mdx: never "did you mean" a function of
# another meaning (erf is not exp)
NOT_BUILT_IN = ("arctanh", "atanh",
                "arcsinh", "asinh", "arccosh", "acosh", "erf", "erfc", "gelu", "silu", "swish",
                "elu", "selu", "mish", "hardtanh", "log2", "log10",
                "prod", "cumsum", "argmax", "argmin", "median", "logit", "sinc", "floor", "ceil",
                "round", "square", "cube", "rsqrt", "reciprocal", "sigmoid2",
                "softmin", "normalize", "cross", "einsum", "matmul", "mm", "bmm")


def name_hint(name: str) -> str | None:
    if name in NAME_HINTS:
        return NAME_HINTS[name]
    if name in NOT_BUILT_IN:
        return f"{name} is not a function of mdx"
    return None


def character_hint(text: str, pos: int) -> str | None:
    """A hint for an unexpected character at `pos` of the problem text."""
    ch = text[pos] if pos < len(text) else ""
    if ch == "\\":
        return "`A\\b` (a linear solve) is written `inv(A) b` in mdx"
    if ch in "<⟨":
        return "write the inner product as `x^T y` (or `tr(X^T Y)` for matrices)"
    if ch == "*" and text[pos - 1:pos] == "*" or text[pos:pos + 2] == "**":
        return POWER_HINT
    if ch == "." and re.search(r"(?<![\w.])(np|numpy|torch|jnp|F|math)$", text[:pos]):
        return (f"functions are written without a module: `{text[pos + 1:].split('(')[0]}(…)`, "
                "not `" + text[:pos].split()[-1].split("(")[-1] + ".…`")
    if ch in "∑Σ" and not text[pos + 1:pos + 2].isalnum():
        return "a sum of entries is written `sum(x)` (`sum(X, dim=0)` per column)"
    if ch == "∈":
        return "a declaration is written with `:`, e.g. `where x: vector n`, `where X: matrix n x m`"
    method = re.match(r"\.([A-Za-z_]\w*)", text[pos:])
    if ch == "." and method and pos and (text[pos - 1].isalnum() or text[pos - 1] in ")]"):
        # NumPy's x.T, x.sum(), X.mean(axis=0), written against what they apply to
        attr, before = method.group(1), text[:pos].split()[-1] if text[:pos].split() else "x"
        if attr == "T":
            return f"a transpose is written `{before}^T`"
        if attr in ("sum", "mean", "max", "min", "std", "var"):
            return f"write `{attr}({before})`, or `{attr}({before}, dim=0)` for one axis"
    return None


POWER_HINT = ("`**` is not a power in mdx: write `s^2` for a scalar, `x.^2` for an elementwise "
              "power, `X^2` for a square matrix")


def token_hint(text: str, pos: int, value: str) -> str | None:
    """A hint for an unexpected token (its text `value`) at `pos`."""
    if value == "*" and (text[pos - 1:pos] == "*" or text[pos + 1:pos + 2] == "*"):
        return POWER_HINT
    if value == ",":
        m = re.search(r"([A-Za-z]+)\s*\([^()]*$", text[:pos])
        if m and name_hint(m.group(1)):
            return name_hint(m.group(1))
        if re.search(r"\bwhere\b[^()]*$", text[:pos]) and ":" in text[text.rfind("where"):pos]:
            return "declarations are separated by `;`: `where x: vector 3; A: symmetric`"
        return ("a comma separates a call's arguments (`max(a, b)`, `softmax(Z, dim=1)`) "
                "and the variables after `/` (`/ dW1, db1`)")
    if value == "where":
        return "`where` follows the variable: `d f / dx where …`"
    if value in ("is", "in", "∈") and re.search(r"\bwhere\s+\S+\s*$", text[:pos]):
        return "a declaration is written with `:`, e.g. `where A: symmetric`, `where x: vector n`"
    if value == "=":
        return ("to set the gradient to zero and solve for the variable, run "
                "`mdx solve \"d f / dw = 0\"`; in a problem `=` only defines a function, "
                "`where g(t) = t^3`")
    return None
