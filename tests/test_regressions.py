"""Inputs that once went wrong, found by the fuzzer (tests/fuzz), by the random
differential tests (tests/test_random.py) or by hand.  Each stays a test.

Derivable ones are checked against finite differences in both layouts with every
method; the others must be refused with a positioned MdxError (never anything else).
"""

import numpy as np
import pytest

import mdx
from mdx.errors import InternalError, MdxError, UnsupportedError
from fdcheck import check
from numpy_safety import check_function

LAYOUTS = ("denominator", "numerator")
METHODS = ("differential", "chain", "definition")


# (problem, shapes, f, props, extra names the result may call)
DERIVABLE = [
    # declared symmetric/diagonal variable: Aᵀ = A must not simplify f before differentiating
    ("d x^T A^T y / dA where A: symmetric", {"x": (3, 1), "A": (3, 3), "y": (3, 1)},
     lambda x, A, y: x.T @ A.T @ y, {"A": "symmetric"}),
    ("d x^T D^T y / dD where D: diagonal", {"x": (3, 1), "D": (3, 3), "y": (3, 1)},
     lambda x, D, y: x.T @ D.T @ y, {"D": "diagonal"}),
    ("d tr(Q^T Q A) / dQ where Q: orthogonal", {"Q": (3, 3), "A": (3, 3)},
     lambda Q, A: np.trace(Q.T @ Q @ A), {"Q": "orthogonal"}),
    ("d tr(A S^{-1} S^T) / dS where S: spd", {"A": (3, 3), "S": (3, 3)},
     lambda A, S: np.trace(A @ np.linalg.inv(S) @ S.T), {"S": "spd"}),
    # a declared function followed by parentheses is a call (was f((x^T x)^2), (x f)(x^T x))
    ("d f(x^T x)^2 / dx where f: scalar function", {"x": (3, 1)},
     lambda x: np.sin(x.T @ x) ** 2, {}),
    ("d a^T x f(x^T x) / dx where f: scalar function", {"a": (3, 1), "x": (3, 1)},
     lambda a, x: a.T @ x * np.sin(x.T @ x), {}),
    # a symbol named like the NumPy module
    ("d np^T x / dx where np: vector", {"np": (3, 1), "x": (3, 1)},
     lambda x, **kw: kw["np"].T @ x, {}),
    # a size no symbol has (I's) becomes a parameter `m` of the generated code (fuzzer)
    ("d tr(I ⊗ X) / dX", {"X": (3, 3)}, lambda X: np.trace(np.kron(np.eye(2), X)), {}),
    ("d I / dd", {"d": (3, 1)}, lambda d: np.eye(2), {}),
]

# Refused with a clear error: (problem, words the message must contain)
REFUSED = [
    ("d 0000000000000000 0/ 000000000000000000000 0/ dd", "divides by zero"),    # fuzzer
    ("d x / 0 / dx", "divides by zero"),
    ("d x / (x^T x - x^T x) / dx", "divides by zero"),
    ("d tr((X - X)^{-1}) / dX", "divides by zero"),
]


def _wrt(problem):
    return problem.split("where")[0].rstrip().rsplit("/ d", 1)[1].strip()


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,shapes,f,props", DERIVABLE, ids=[c[0] for c in DERIVABLE])
def test_derivable(problem, shapes, f, props, layout, method):
    try:
        der = mdx.derive(problem, layout=layout, method=method)
    except UnsupportedError as e:       # index notation has no single-index form of A ⊗ B
        assert method == "definition" and "⊗" in problem and "use --method" in e.message
        return
    record = der.json()
    check_function(der.numpy_function())
    # abstract functions: f = sin, so f' = cos, f'' = -sin
    extra = {"f": np.sin, "f_prime": np.cos, "f_prime_prime": lambda t: -np.sin(t), "m": 2}
    check(record, f, shapes, _wrt(problem), layout, props, extra=extra)


@pytest.mark.parametrize("problem,words", REFUSED, ids=[c[0] for c in REFUSED])
def test_refused(problem, words):
    for method in METHODS:
        with pytest.raises(MdxError) as info:
            mdx.derive(problem, method=method)
        assert not isinstance(info.value, InternalError)
        assert words in info.value.message
        assert "^" in info.value.render(problem)
