"""--structured: gradients on the space of symmetric or diagonal matrices, checked by
finite differences taken along symmetric (or diagonal) directions only."""

import numpy as np
import pytest

import mdx
from fdcheck import evaluate

inv, det = np.linalg.inv, np.linalg.det

CASES = [
    # (problem, shapes, f); S is the structured variable
    ("d log det S / dS where S: spd", {"S": (3, 3)}, lambda S: np.log(det(S))),
    ("d x^T S x + tr(A S) / dS where S: symmetric", {"S": (3, 3), "x": (3, 1), "A": (3, 3)},
     lambda S, x, A: x.T @ S @ x + np.trace(A @ S)),
    ("d tr(S^{-1} B) / dS where S: spd", {"S": (3, 3), "B": (3, 3)},
     lambda S, B: np.trace(inv(S) @ B)),
    ("d ‖A S - C‖_F^2 / dS where S: symmetric", {"S": (3, 3), "A": (4, 3), "C": (4, 3)},
     lambda S, A, C: np.sum((A @ S - C) ** 2)),
]
DIAGONAL = [
    ("d x^T D x / dD where D: diagonal", {"D": (3, 3), "x": (3, 1)}, lambda D, x: x.T @ D @ x),
    ("d tr(A D B D) / dD where D: diagonal", {"D": (3, 3), "A": (3, 3), "B": (3, 3)},
     lambda D, A, B: np.trace(A @ D @ B @ D)),
]


def _inputs(shapes, rng, structure):
    out = {k: rng.standard_normal(v) for k, v in shapes.items()}
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    if structure == "diagonal":
        out["D"] = np.diag(rng.uniform(0.5, 2.0, 3))
    else:
        out["S"] = (q * rng.uniform(0.5, 2.0, 3)) @ q.T      # symmetric positive definite
    return out


def _fd(f, inputs, name, direction, h=1e-5):
    def at(t):
        local = dict(inputs)
        local[name] = inputs[name] + t * direction
        return float(np.asarray(f(**local)).reshape(-1)[0])
    return (8 * (at(h / 2) - at(-h / 2)) - (at(h) - at(-h))) / (6 * h)


@pytest.mark.parametrize("layout", ["denominator", "numerator"])
@pytest.mark.parametrize("problem,shapes,f", CASES, ids=[c[0] for c in CASES])
def test_symmetric_gradient_along_symmetric_directions(problem, shapes, f, layout):
    rng = np.random.default_rng(3)
    inputs = _inputs(shapes, rng, "symmetric")
    G = np.asarray(evaluate(mdx.derive(problem, layout=layout, structured="sym").numpy_expression(), inputs))
    assert np.allclose(G, G.T)                                  # an element of the space
    for _ in range(4):
        D = rng.standard_normal((3, 3))
        D = D + D.T
        assert np.isclose(np.sum(G * D), _fd(f, inputs, "S", D), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("problem,shapes,f", CASES, ids=[c[0] for c in CASES])
def test_cookbook_form_is_the_derivative_in_the_independent_entries(problem, shapes, f):
    rng = np.random.default_rng(4)
    inputs = _inputs(shapes, rng, "symmetric")
    G = np.asarray(evaluate(mdx.derive(problem, structured="cookbook").numpy_expression(), inputs))
    for i in range(3):
        for j in range(i, 3):
            E = np.zeros((3, 3))
            E[i, j] = E[j, i] = 1.0                              # move S_ij = S_ji together
            assert np.isclose(G[i, j], _fd(f, inputs, "S", E), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("problem,shapes,f", DIAGONAL, ids=[c[0] for c in DIAGONAL])
def test_diagonal_gradient_along_diagonal_directions(problem, shapes, f):
    rng = np.random.default_rng(5)
    inputs = _inputs(shapes, rng, "diagonal")
    G = np.asarray(evaluate(mdx.derive(problem, structured="sym").numpy_expression(), inputs))
    assert np.allclose(G, np.diag(np.diag(G)))
    for _ in range(3):
        D = np.diag(rng.standard_normal(3))
        assert np.isclose(np.sum(G * D), _fd(f, inputs, "D", D), rtol=1e-6, atol=1e-8)


def test_default_is_unconstrained_and_says_so():
    der = mdx.derive("d log det S / dS where S: spd")
    assert any("unconstrained" in s.rule for s in der.steps)


def test_structured_needs_a_structured_variable():
    with pytest.raises(mdx.errors.MdxError, match="--structured needs"):
        mdx.derive("d tr(X) / dX", structured="sym")
