"""The project's table of identities, each with where it comes from.

Each row: (source, problem, shapes, f, props).  `f` is an independent NumPy
implementation of the function being differentiated (never of its derivative);
the tests differentiate it by finite differences.  Matrix Cookbook equation
numbers refer to the version of November 15, 2012.
"""

import numpy as np

inv, det = np.linalg.inv, np.linalg.det


def sig(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def lse(z):
    return z.max() + np.log(np.sum(np.exp(z - z.max())))


def row(source, problem, shapes, f, props=None, order=1, wrt=None):
    return dict(source=source, problem=problem, shapes=shapes, f=f, props=props or {},
                order=order, wrt=wrt)


FIRST_ORDER = [
    # --- Matrix Cookbook 2.1: determinants
    row("Cookbook (49)", "d det(X) / dX", {"X": (3, 3)}, lambda X: det(X), {"X": "invertible"}),
    row("Cookbook (51)", "d det(A X B) / dX", {"A": (3, 3), "X": (3, 3), "B": (3, 3)},
        lambda A, X, B: det(A @ X @ B), {"A": "invertible", "X": "invertible", "B": "invertible"}),
    row("Cookbook (55)", "d log det(X^T X) / dX", {"X": (5, 3)}, lambda X: np.log(det(X.T @ X))),
    row("Cookbook (56)", "d logdet(X^2) / dX", {"X": (3, 3)},
        lambda X: np.log(det(X @ X)), {"X": "invertible"}),
    row("Cookbook (46)", "d det(θ A + B) / dθ", {"θ": (), "A": (3, 3), "B": (3, 3)},
        lambda θ, A, B: det(θ * A + B), {"B": "invertible"}),
    # --- 2.2: inverses
    row("Cookbook (59)", "d inv(X) / dX", {"X": (3, 3)}, lambda X: inv(X), {"X": "invertible"}),
    row("Cookbook (61)", "d a^T X^{-1} b / dX", {"a": (3, 1), "X": (3, 3), "b": (3, 1)},
        lambda a, X, b: a.T @ inv(X) @ b, {"X": "invertible"}),
    row("Cookbook (63)", "d tr(A X^-1 B) / dX", {"A": (2, 3), "X": (3, 3), "B": (3, 2)},
        lambda A, X, B: np.trace(A @ inv(X) @ B), {"X": "invertible"}),
    row("Cookbook (124)", "d tr(X^{-1}) / dX", {"X": (3, 3)}, lambda X: np.trace(inv(X)),
        {"X": "invertible"}),
    row("Cookbook (60), vec form", "d X^{-T} / dX", {"X": (3, 3)}, lambda X: inv(X).T,
        {"X": "invertible"}),
    row("inverse power", "d tr(X^{-2}) / dX", {"X": (3, 3)},
        lambda X: np.trace(inv(X) @ inv(X)), {"X": "invertible"}),
    # --- 2.3/2.4: linear and quadratic forms
    row("Cookbook (69)", "d x^T a / dx", {"x": (4, 1), "a": (4, 1)}, lambda x, a: x.T @ a),
    row("Cookbook (72)", "d a^T X a / dX", {"a": (3, 1), "X": (3, 3)}, lambda a, X: a.T @ X @ a),
    row("Cookbook (74)", "d a^T X^T X b / dX", {"a": (3, 1), "X": (4, 3), "b": (3, 1)},
        lambda a, X, b: a.T @ X.T @ X @ b),
    row("Cookbook (77)", "d a^T X^2 b / dX", {"a": (3, 1), "X": (3, 3), "b": (3, 1)},
        lambda a, X, b: a.T @ X @ X @ b),
    row("Cookbook (80)", "d x^T B x / dx", {"x": (4, 1), "B": (4, 4)}, lambda x, B: x.T @ B @ x),
    row("Cookbook (84)", "d (A x + b)^T C (D x + e) / dx",
        {"A": (3, 4), "x": (4, 1), "b": (3, 1), "C": (3, 2), "D": (2, 4), "e": (2, 1)},
        lambda A, x, b, C, D, e: (A @ x + b).T @ C @ (D @ x + e)),
    row("Cookbook (86)", "d (x - A s)^T W (x - A s) / ds where W: symmetric",
        {"x": (4, 1), "A": (4, 3), "s": (3, 1), "W": (4, 4)},
        lambda x, A, s, W: (x - A @ s).T @ W @ (x - A @ s), {"W": "symmetric"}),
    row("Cookbook (88)", "d (x - A s)^T W (x - A s) / dA where W: symmetric",
        {"x": (4, 1), "A": (4, 3), "s": (3, 1), "W": (4, 4)},
        lambda x, A, s, W: (x - A @ s).T @ W @ (x - A @ s), {"W": "symmetric"}),
    row("Rayleigh quotient", "d x^T A x / (x^T x) / dx where A: symmetric",
        {"x": (4, 1), "A": (4, 4)}, lambda x, A: (x.T @ A @ x) / (x.T @ x), {"A": "symmetric"}),
    row("power of a scalar form", "d (x^T x)^2 / dx", {"x": (4, 1)}, lambda x: (x.T @ x) ** 2),
    # --- 2.5: traces
    row("Cookbook (100)", "d tr(X) / dX", {"X": (3, 3)}, lambda X: np.trace(X)),
    row("Cookbook (102)", "d tr(A X^T B) / dX", {"A": (2, 3), "X": (4, 3), "B": (4, 2)},
        lambda A, X, B: np.trace(A @ X.T @ B)),
    row("Cookbook (103)", "d tr(X^T A) / dX", {"X": (3, 4), "A": (3, 4)},
        lambda X, A: np.trace(X.T @ A)),
    row("Cookbook (107)", "d tr(X^2 B) / dX", {"X": (3, 3), "B": (3, 3)},
        lambda X, B: np.trace(X @ X @ B)),
    row("Cookbook (110)", "d tr(X^T B X) / dX", {"X": (3, 2), "B": (3, 3)},
        lambda X, B: np.trace(X.T @ B @ X)),
    row("Cookbook (113)", "d tr(A X B X) / dX", {"A": (3, 3), "X": (3, 3), "B": (3, 3)},
        lambda A, X, B: np.trace(A @ X @ B @ X)),
    row("Cookbook (119)", "d tr((X^T C X)^{-1} A) / dX", {"X": (4, 2), "C": (4, 4), "A": (2, 2)},
        lambda X, C, A: np.trace(inv(X.T @ C @ X) @ A), {"C": "spd"}),
    row("Cookbook (123)", "d tr(A X^3) / dX", {"A": (3, 3), "X": (3, 3)},
        lambda A, X: np.trace(A @ X @ X @ X)),
    row("trace of a Kronecker product", "d tr(A ⊗ X) / dX", {"A": (2, 2), "X": (3, 3)},
        lambda A, X: np.trace(np.kron(A, X))),
    row("trace of elementwise exp", "d tr(exp(X)) / dX", {"X": (3, 3)},
        lambda X: np.trace(np.exp(X))),
    # --- 2.6/2.7: norms
    row("Cookbook (129)", "d ‖x‖ / dx", {"x": (4, 1)}, lambda x: np.linalg.norm(x)),
    row("Cookbook (130)", "d norm(x - a)^2 / dx", {"x": (4, 1), "a": (4, 1)},
        lambda x, a: np.sum((x - a) ** 2)),
    row("Cookbook (131)", "d x / ‖x‖ / dx", {"x": (4, 1)}, lambda x: x / np.linalg.norm(x)),
    row("Frobenius norm", "d ||X||_F / dX", {"X": (3, 4)}, lambda X: np.linalg.norm(X)),
    row("Frobenius of a product", "d ‖A X B‖_F^2 / dX", {"A": (2, 3), "X": (3, 4), "B": (4, 2)},
        lambda A, X, B: np.sum((A @ X @ B) ** 2)),
    row("weighted norm", "d ‖W (x - a)‖^2 / dx", {"W": (3, 4), "x": (4, 1), "a": (4, 1)},
        lambda W, x, a: np.sum((W @ (x - a)) ** 2)),
    # --- Wikipedia "Matrix calculus": vector-by-vector
    row("Wikipedia vector-by-vector: dx/dx = I", "d x / dx", {"x": (4, 1)}, lambda x: x),
    row("Wikipedia vector-by-vector: d(a)/dx = 0", "d a / dx", {"a": (3, 1), "x": (4, 1)},
        lambda a, x: a),
    row("Wikipedia vector-by-vector: d(v u)/dx", "d (x^T x) a / dx", {"x": (3, 1), "a": (4, 1)},
        lambda x, a: (x.T @ x) * a),
    row("Wikipedia vector-by-vector: elementwise f", "d exp(x) / dx", {"x": (4, 1)},
        lambda x: np.exp(x)),
    row("Wikipedia vector-by-vector: A u", "d A tanh(B x) / dx", {"A": (2, 3), "B": (3, 4), "x": (4, 1)},
        lambda A, B, x: A @ np.tanh(B @ x)),
    row("elementwise quotient", "d x ./ y / dx", {"x": (4, 1), "y": (4, 1)},
        lambda x, y: x / y, {"y": "positive"}),
    row("elementwise quotient (denominator)", "d a ./ x / dx", {"a": (4, 1), "x": (4, 1)},
        lambda a, x: a / x, {"x": "positive"}),
    row("diag of a vector", "d diag(x) a / dx", {"x": (4, 1), "a": (4, 1)},
        lambda x, a: np.diagflat(x) @ a),
    # --- scalar-by-vector
    row("Wikipedia scalar-by-vector: sum", "d sum(x) / dx", {"x": (4, 1)}, lambda x: np.sum(x)),
    row("Wikipedia scalar-by-vector: a^T x^2", "d a^T (x ∘ x) / dx", {"a": (4, 1), "x": (4, 1)},
        lambda a, x: a.T @ (x * x)),
    row("log barrier", "d -sum(log(x)) / dx", {"x": (4, 1)}, lambda x: -np.sum(np.log(x)),
        {"x": "positive"}),
    row("elementwise functions", "d sum(sin(x) ∘ cos(x)) + sum(sqrt(y)) / dx",
        {"x": (4, 1), "y": (4, 1)}, lambda x, y: np.sum(np.sin(x) * np.cos(x)) + np.sum(np.sqrt(y)),
        {"y": "positive"}),
    row("sqrt chain", "d sum(sqrt(x)) / dx", {"x": (4, 1)}, lambda x: np.sum(np.sqrt(x)),
        {"x": "positive"}),
    row("relu", "d sum(relu(A x)) / dx", {"A": (3, 4), "x": (4, 1)},
        lambda A, x: np.sum(np.maximum(A @ x, 0))),
    row("abs", "d a^T abs(x) / dx", {"a": (4, 1), "x": (4, 1)}, lambda a, x: a.T @ np.abs(x)),
    row("diag of a matrix", "d a^T diag(X) / dX", {"a": (3, 1), "X": (3, 3)},
        lambda a, X: a.T @ np.diag(X).reshape(-1, 1)),
    row("diag weight", "d x^T diag(a) x / dx", {"x": (4, 1), "a": (4, 1)},
        lambda x, a: x.T @ np.diagflat(a) @ x),
    row("trace of diag", "d tr(diag(x) A) / dx", {"x": (3, 1), "A": (3, 3)},
        lambda x, A: np.trace(np.diagflat(x) @ A)),
    # --- scalar-by-scalar and matrix-by-scalar
    row("scalar chain", "d exp(θ^2) / dθ", {"θ": ()}, lambda θ: np.exp(θ ** 2)),
    row("scalar quotient", "d sin(θ) / θ / dθ", {"θ": ()}, lambda θ: np.sin(θ) / θ),
    row("matrix exponent power", "d (θ A)^2 / dθ", {"θ": (), "A": (3, 3)}, lambda θ, A: (θ * A) @ (θ * A)),
    row("vector-by-scalar", "d cos(θ) a + θ^3 b / dθ", {"θ": (), "a": (3, 1), "b": (3, 1)},
        lambda θ, a, b: np.cos(θ) * a + θ ** 3 * b),
    row("row vector by scalar", "d θ r / dθ where r: row vector", {"θ": (), "r": (1, 4)},
        lambda θ, r: θ * r),
    row("scalar by row vector", "d r a / dr where r: row vector", {"r": (1, 4), "a": (4, 1)},
        lambda r, a: r @ a),
    # --- vec form
    row("Magnus–Neudecker: vec(X^T) = K vec(X)", "d X^T / dX", {"X": (2, 3)}, lambda X: X.T),
    row("Magnus–Neudecker: d(X X)", "d X^2 / dX", {"X": (3, 3)}, lambda X: X @ X),
    row("Magnus–Neudecker: d(X^T A X)", "d X^T A X / dX", {"X": (3, 2), "A": (3, 3)},
        lambda X, A: X.T @ A @ X),
    row("Magnus–Neudecker: elementwise", "d exp(X) / dX", {"X": (2, 3)}, lambda X: np.exp(X)),
    row("vector by matrix", "d W x / dW", {"W": (3, 4), "x": (4, 1)}, lambda W, x: W @ x),
    row("vector by matrix, nonlinear", "d tanh(W x) / dW", {"W": (3, 4), "x": (4, 1)},
        lambda W, x: np.tanh(W @ x)),
    row("matrix by vector", "d x a^T / dx", {"x": (3, 1), "a": (2, 1)}, lambda x, a: x @ a.T),
    row("vec of a matrix", "d vec(A X) / dX", {"A": (2, 3), "X": (3, 2)},
        lambda A, X: (A @ X).reshape(-1, 1, order="F")),
    row("Kronecker product", "d A ⊗ x / dx", {"A": (2, 2), "x": (3, 1)}, lambda A, x: np.kron(A, x)),
    # --- machine learning
    row("least squares", "d ‖X w - y‖^2 / dw", {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
        lambda X, w, y: np.sum((X @ w - y) ** 2)),
    row("least squares w.r.t. X", "d ||y - X w||^2 / dX", {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
        lambda X, w, y: np.sum((y - X @ w) ** 2)),
    row("ridge", "d ‖X w - y‖^2 + λ ‖w‖^2 / dw",
        {"X": (6, 3), "w": (3, 1), "y": (6, 1), "λ": ()},
        lambda X, w, y, λ: np.sum((X @ w - y) ** 2) + λ * np.sum(w ** 2)),
    row("logistic regression (0/1 labels)",
        "d -y^T log(σ(X w)) - (1 - y)^T log(1 - σ(X w)) / dw",
        {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
        lambda X, w, y: -(y.T @ np.log(sig(X @ w))) - (1 - y).T @ np.log(1 - sig(X @ w))),
    row("logistic loss with softplus", "d sum(softplus(X w)) - y^T X w / dw",
        {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
        lambda X, w, y: np.sum(np.logaddexp(0, X @ w)) - y.T @ X @ w),
    row("softmax cross-entropy w.r.t. logits", "d -y^T log(softmax(z)) / dz", {"y": (4, 1), "z": (4, 1)},
        lambda y, z: -(y.T @ np.log(softmax(z)))),
    row("softmax cross-entropy w.r.t. W", "d -y^T log softmax(W x + b) / dW",
        {"y": (4, 1), "W": (4, 3), "x": (3, 1), "b": (4, 1)},
        lambda y, W, x, b: -(y.T @ np.log(softmax(W @ x + b)))),
    row("logsumexp", "d logsumexp(z) / dz", {"z": (5, 1)}, lambda z: lse(z)),
    row("one-hidden-layer network, first layer", "d ||W2 tanh(W1 x) - y||^2 / dW1",
        {"W2": (2, 4), "W1": (4, 3), "x": (3, 1), "y": (2, 1)},
        lambda W2, W1, x, y: np.sum((W2 @ np.tanh(W1 @ x) - y) ** 2)),
    row("one-hidden-layer network, sigmoid", "d ‖W2 σ(W1 x + b1) + b2 - y‖^2 / db1",
        {"W2": (2, 4), "W1": (4, 3), "x": (3, 1), "b1": (4, 1), "b2": (2, 1), "y": (2, 1)},
        lambda W2, W1, x, b1, b2, y: np.sum((W2 @ sig(W1 @ x + b1) + b2 - y) ** 2)),
    row("matrix factorisation", "d ||R - U V^T||_F^2 / dV", {"R": (5, 4), "U": (5, 2), "V": (4, 2)},
        lambda R, U, V: np.sum((R - U @ V.T) ** 2)),
    row("Gaussian log-likelihood, covariance", "d log det S + (x - m)^T S^{-1} (x - m) / dS where S: spd",
        {"S": (3, 3), "x": (3, 1), "m": (3, 1)},
        lambda S, x, m: np.log(det(S)) + (x - m).T @ inv(S) @ (x - m), {"S": "spd"}),
    row("orthogonal simplification", "d x^T Q^{-1} A x / dx where Q: orthogonal",
        {"x": (3, 1), "Q": (3, 3), "A": (3, 3)},
        lambda x, Q, A: x.T @ Q.T @ A @ x, {"Q": "orthogonal"}),
    row("abstract function", "d sum(exp(x)) + a^T x / dx", {"x": (3, 1), "a": (3, 1)},
        lambda x, a: np.sum(np.exp(x)) + a.T @ x),
    row("scalar times matrix product", "d x^T y A / dA", {"x": (3, 1), "y": (3, 1), "A": (2, 2)},
        lambda x, y, A: (x.T @ y) * A),
    row("broadcast scalar", "d sum((x - μ)^2 ./ 2) / dμ where μ: scalar", {"x": (4, 1), "μ": ()},
        lambda x, μ: np.sum((x - μ) ** 2 / 2)) if False else
    row("broadcast scalar", "d sum((x - μ) ∘ (x - μ)) / dμ", {"x": (4, 1), "μ": ()},
        lambda x, μ: np.sum((x - μ) ** 2)),
]

SECOND_ORDER = [
    row("Hessian of a quadratic form", "d^2 x^T A x / dx^2", {"x": (4, 1), "A": (4, 4)},
        lambda x, A: x.T @ A @ x, order=2),
    row("least-squares Hessian", "d^2 ||X w - y||^2 / dw^2", {"X": (5, 3), "w": (3, 1), "y": (5, 1)},
        lambda X, w, y: np.sum((X @ w - y) ** 2), order=2),
    row("logsumexp Hessian", "d^2/dz^2 logsumexp(z)", {"z": (4, 1)}, lambda z: lse(z), order=2),
    row("logistic-regression Hessian", "d^2 sum(softplus(X w)) / dw^2", {"X": (5, 3), "w": (3, 1)},
        lambda X, w: np.sum(np.logaddexp(0, X @ w)), order=2),
    row("Hessian over vec(X)", "d^2 tr(X^T A X) / dX^2", {"X": (3, 2), "A": (3, 3)},
        lambda X, A: np.trace(X.T @ A @ X), order=2),
    row("scalar second derivative", "d^2 sin(θ)^2 / dθ^2", {"θ": ()}, lambda θ: np.sin(θ) ** 2,
        order=2),
    row("Hessian of a norm", "d^2 ‖x‖^2 + sum(exp(x)) / dx^2", {"x": (3, 1)},
        lambda x: np.sum(x ** 2) + np.sum(np.exp(x)), order=2),
]
