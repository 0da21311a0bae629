"""Generated code never builds a diagonal matrix to multiply by it (issue 25): `diag(v) M`
is `v * M`, `M diag(v)` is `M * vᵀ`, also when the text names the diagonal (`h5 = diag(h3)`).
A p×p diagonal of p = 10,000 samples is 800 MB and made the batch cross-entropy gradient
43× slower than hand-written NumPy.  A diagonal that is (part of) the result itself — a
Hessian `A + Aᵀ + diag(exp(x))` — is built, as it must be."""

import ast

import pytest

import mdx
import several_corpus
import spec10_corpus
import typing_corpus
from corpora import CORPUS

MATMULS = ("einsum", "addmm", "mm", "matmul")
DIAGONALS = ("np.diagflat", "torch.diagflat", "torch.diag_embed", "np.diag", "torch.diag")


def _problems() -> list:
    found = [c["problem"] for _, c in CORPUS]
    for module in (spec10_corpus, several_corpus, typing_corpus):
        found += [c["problem"] for c in module.CASES if isinstance(c, dict) and "problem" in c]
    return list(dict.fromkeys(found))


def diagonal_in_a_product(code: str) -> str | None:
    """The first product of generated code with a built diagonal as an operand, or None."""
    tree = ast.parse(code)
    named = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign) and _builds_diagonal(node.value)
             for t in node.targets if isinstance(t, ast.Name)}

    def diagonal(n) -> bool:
        return _builds_diagonal(n) or (isinstance(n, ast.Name) and n.id in named)
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult) and \
                (diagonal(node.left) or diagonal(node.right)):
            return ast.unparse(node)
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(MATMULS) and \
                any(diagonal(a) for a in node.args):
            return ast.unparse(node)
    return None


def _builds_diagonal(n) -> bool:
    return isinstance(n, ast.Call) and ast.unparse(n.func) in DIAGONALS


def test_the_check_finds_a_diagonal_in_a_product():
    assert diagonal_in_a_product("def f(v, M):\n    h = np.diagflat(v)\n    return h @ M\n")
    assert diagonal_in_a_product("def f(v, M):\n    return torch.mm(M, torch.diagflat(v))\n")
    assert not diagonal_in_a_product("def f(v, A):\n    return A + np.diagflat(v)\n")


@pytest.mark.parametrize("layout", ["denominator", "numerator"])
def test_no_generated_gradient_multiplies_by_a_built_diagonal(layout):
    found = []
    for problem in _problems():
        try:
            der = mdx.derive(problem, layout=layout, steps=False)
        except mdx.MdxError:
            continue
        for code in (der.numpy_function(), der.torch_function()):
            bad = diagonal_in_a_product(code)
            if bad:
                found.append(f"{problem}: {bad[:160]}")
    assert not found, "\n".join(found)
