"""Problems of ML practice (SPEC 8): batches as the columns of a data matrix, broadcast
biases, ones vectors, elementwise powers, 1-norms, means, column-wise softmax and
logsumexp, attention, layer normalisation, and their Hessians.

Each row: (problem, shapes, f, props, wrt, order).  `f` is an independent NumPy
implementation of the function (never of its derivative); the tests differentiate it by
finite differences.  Samples are columns: X is features × batch.
"""

import numpy as np


def smc(Z):
    """softmax of each column."""
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def lsec(Z):
    """logsumexp of each column: a row."""
    m = Z.max(axis=0, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=0, keepdims=True))


def sig(z):
    return 1 / (1 + np.exp(-z))


def layer_norm(x, eps):
    c = x - x.mean()
    return c / np.sqrt((c ** 2).mean() + eps)


def case(problem, shapes, f, props=None, wrt=None, order=1):
    return dict(problem=problem, shapes=shapes, f=f, props=props or {}, wrt=wrt, order=order)


P = "positive"
BATCH = {"W": (3, 4), "X": (4, 5), "b": (3, 1), "Y": (3, 5)}

CASES = [
    # --- ones vectors
    case("d 1^T x / dx", {"x": (4, 1)}, lambda x: np.sum(x)),
    case("d x^T 1 / dx", {"x": (4, 1)}, lambda x: np.sum(x)),
    case("d 1^T X 1 / dX", {"X": (3, 4)}, lambda X: np.sum(X)),
    case("d 1^T A x / dx", {"A": (3, 4), "x": (4, 1)}, lambda A, x: np.sum(A @ x)),
    case("d X 1 / dX", {"X": (3, 4)}, lambda X: X.sum(axis=1, keepdims=True)),
    case("d 1_n^T x / dx where x: vector n", {"x": (4, 1)}, lambda x: np.sum(x)),
    case("d ones(n)^T x / dx where x: vector n", {"x": (4, 1)}, lambda x: np.sum(x)),
    case("d tr(ones(n, m)^T X) / dX where X: matrix n x m", {"X": (3, 4)}, lambda X: np.sum(X)),
    case("d ||x 1^T - Z||_F^2 / dx", {"x": (3, 1), "Z": (3, 5)},
         lambda x, Z: np.sum((x - Z) ** 2)),
    case("d ||x - mean(x) 1||^2 / dx", {"x": (5, 1)}, lambda x: np.sum((x - x.mean()) ** 2)),
    case("d x / n / dx where x: vector n", {"x": (4, 1)}, lambda x: x / 4),
    # --- broadcast biases over a batch
    case("d ||W X + b 1^T - Y||_F^2 / dW", BATCH, lambda W, X, b, Y: np.sum((W @ X + b - Y) ** 2)),
    case("d ||W X + b 1^T - Y||_F^2 / db", BATCH, lambda W, X, b, Y: np.sum((W @ X + b - Y) ** 2)),
    case("d ||W X + b 1^T - Y||_F^2 / dX", BATCH, lambda W, X, b, Y: np.sum((W @ X + b - Y) ** 2)),
    case("d W X + b 1^T / db", BATCH, lambda W, X, b: W @ X + b),
    case("d mean((W X + b 1^T - Y).^2) / dW", BATCH,
         lambda W, X, b, Y: np.mean((W @ X + b - Y) ** 2)),
    case("d sum(relu(W X + b 1^T)) / db", BATCH, lambda W, X, b: np.sum(np.maximum(W @ X + b, 0))),
    case("d -sum(Y .* log(sigmoid(W X + b 1^T)) + (1 - Y) .* log(1 - sigmoid(W X + b 1^T))) / dW",
         BATCH, lambda W, X, b, Y: -np.sum(Y * np.log(sig(W @ X + b)) + (1 - Y) * np.log(1 - sig(W @ X + b)))),
    case("d ||tanh(W X + b 1^T) - Y||_F^2 / db", BATCH,
         lambda W, X, b, Y: np.sum((np.tanh(W @ X + b) - Y) ** 2)),
    # --- elementwise powers
    case("d sum(x.^2) / dx", {"x": (4, 1)}, lambda x: np.sum(x ** 2)),
    case("d sum(X.^3) / dX", {"X": (3, 2)}, lambda X: np.sum(X ** 3)),
    case("d x.^2 / dx", {"x": (4, 1)}, lambda x: x ** 2),
    case("d X .^ 2 / dX", {"X": (2, 3)}, lambda X: X ** 2),
    case("d 1^T x.^(-1) / dx", {"x": (4, 1)}, lambda x: np.sum(1 / x), {"x": P}),
    case("d sum(x.^(1/2)) / dx", {"x": (4, 1)}, lambda x: np.sum(np.sqrt(x)), {"x": P}),
    case("d sum(x.^0.5) / dx", {"x": (4, 1)}, lambda x: np.sum(np.sqrt(x)), {"x": P}),
    case("d a^T (A x).^3 / dx", {"a": (3, 1), "A": (3, 4), "x": (4, 1)},
         lambda a, A, x: a.T @ (A @ x) ** 3),
    case("d sum(abs(x).^3) / dx", {"x": (4, 1)}, lambda x: np.sum(np.abs(x) ** 3)),
    case("d θ.^0.5 / dθ", {"θ": ()}, lambda θ: np.sqrt(θ)),
    case("d θ^{1/2} / dθ", {"θ": ()}, lambda θ: np.sqrt(θ)),
    # --- 1-norm and mean
    case("d ||x||_1 / dx", {"x": (4, 1)}, lambda x: np.sum(np.abs(x))),
    case("d norm1(A x - b) / dx", {"A": (3, 4), "x": (4, 1), "b": (3, 1)},
         lambda A, x, b: np.sum(np.abs(A @ x - b))),
    case("d ||X||_1 / dX", {"X": (3, 2)}, lambda X: np.sum(np.abs(X))),
    case("d ||y - X w||^2 + λ ||w||_1 / dw", {"y": (5, 1), "X": (5, 3), "w": (3, 1), "λ": ()},
         lambda y, X, w, λ: np.sum((y - X @ w) ** 2) + λ * np.sum(np.abs(w))),
    case("d mean(x) / dx", {"x": (4, 1)}, lambda x: np.mean(x)),
    case("d mean(X) / dX", {"X": (3, 4)}, lambda X: np.mean(X)),
    case("d mean((X w - y).^2) / dw", {"X": (5, 3), "w": (3, 1), "y": (5, 1)},
         lambda X, w, y: np.mean((X @ w - y) ** 2)),
    case("d mean(W X) / dW", {"W": (3, 4), "X": (4, 5)}, lambda W, X: np.mean(W @ X)),
    # --- softmax and logsumexp per column
    case("d -sum(Y .* log(softmax(W X))) / dW", {"Y": (3, 5), "W": (3, 4), "X": (4, 5)},
         lambda Y, W, X: -np.sum(Y * np.log(smc(W @ X)))),
    case("d -sum(Y .* log(softmax(W X))) / dX", {"Y": (3, 5), "W": (3, 4), "X": (4, 5)},
         lambda Y, W, X: -np.sum(Y * np.log(smc(W @ X)))),
    case("d -sum(Y .* log(softmax(W X + b 1^T))) / db", {"Y": (3, 5), "W": (3, 4), "X": (4, 5), "b": (3, 1)},
         lambda Y, W, X, b: -np.sum(Y * np.log(smc(W @ X + b)))),
    case("d sum(logsumexp(W X)) / dW", {"W": (3, 4), "X": (4, 5)}, lambda W, X: np.sum(lsec(W @ X))),
    case("d logsumexp(Z) 1 / dZ", {"Z": (3, 4)}, lambda Z: np.sum(lsec(Z))),
    case("d softmax(Z) / dZ", {"Z": (3, 2)}, lambda Z: smc(Z)),
    case("d logsumexp(Z) / dZ", {"Z": (3, 2)}, lambda Z: lsec(Z)),
    case("d tr(C^T softmax(Z)) / dZ", {"C": (3, 4), "Z": (3, 4)}, lambda C, Z: np.sum(C * smc(Z))),
    case("d sum(logsumexp(Z^T)) / dZ", {"Z": (3, 4)}, lambda Z: np.sum(lsec(Z.T))),
    case("d tr(C^T softmax(S^T)^T) / dS", {"C": (3, 4), "S": (3, 4)},
         lambda C, S: np.sum(C * smc(S.T).T)),
    # --- attention (row-wise softmax written softmax(S^T)^T)
    case("d tr(C^T softmax(K Q^T)^T V) / dQ", {"C": (4, 3), "K": (5, 2), "Q": (4, 2), "V": (5, 3)},
         lambda C, K, Q, V: np.sum(C * (smc(K @ Q.T).T @ V))),
    case("d tr(C^T softmax(K Q^T)^T V) / dK", {"C": (4, 3), "K": (5, 2), "Q": (4, 2), "V": (5, 3)},
         lambda C, K, Q, V: np.sum(C * (smc(K @ Q.T).T @ V))),
    case("d tr(C^T softmax(K Q^T)^T V) / dV", {"C": (4, 3), "K": (5, 2), "Q": (4, 2), "V": (5, 3)},
         lambda C, K, Q, V: np.sum(C * (smc(K @ Q.T).T @ V))),
    case("d ||softmax(K Q^T / α)^T V - Y||_F^2 / dQ",
         {"K": (5, 2), "Q": (4, 2), "V": (5, 3), "Y": (4, 3), "α": ()},
         lambda K, Q, V, Y, α: np.sum((smc(K @ Q.T / α).T @ V - Y) ** 2)),
    # --- layer normalisation
    case("d c^T ((x - mean(x) 1) / sqrt(mean((x - mean(x) 1).^2) + ε)) / dx",
         {"c": (5, 1), "x": (5, 1), "ε": ()}, lambda c, x, ε: c.T @ layer_norm(x, ε)),
    case("d (x - mean(x) 1) / sqrt(mean((x - mean(x) 1).^2) + ε) / dx",
         {"x": (4, 1), "ε": ()}, lambda x, ε: layer_norm(x, ε)),
    # --- Hessians
    case("d^2 sum(x.^4) / dx^2", {"x": (4, 1)}, lambda x: np.sum(x ** 4), order=2),
    case("d^2 ||W X + b 1^T - Y||_F^2 / db^2", BATCH,
         lambda W, X, b, Y: np.sum((W @ X + b - Y) ** 2), order=2),
    case("d^2 mean((X w - y).^2) / dw^2", {"X": (5, 3), "w": (3, 1), "y": (5, 1)},
         lambda X, w, y: np.mean((X @ w - y) ** 2), order=2),
    case("d^2 1^T exp(x) / dx^2", {"x": (4, 1)}, lambda x: np.sum(np.exp(x)), order=2),
    case("d^2 sum(logsumexp(Z)) / dZ^2", {"Z": (3, 2)}, lambda Z: np.sum(lsec(Z)), order=2),
    case("d^2 ||x - mean(x) 1||^2 / dx^2", {"x": (4, 1)}, lambda x: np.sum((x - x.mean()) ** 2),
         order=2),
    case("d^2 -sum(Y .* log(softmax(W X))) / dW^2", {"Y": (3, 4), "W": (3, 2), "X": (2, 4)},
         lambda Y, W, X: -np.sum(Y * np.log(smc(W @ X))), order=2),
    case("d^2 sum(x.^(1/2)) / dx^2", {"x": (3, 1)}, lambda x: np.sum(np.sqrt(x)), {"x": P}, order=2),
    # --- more of the same, mixed: centring a batch, scaled attention, two-layer networks
    case("d ||X - X 1 1^T / m||_F^2 / dX where X: matrix n x m", {"X": (3, 4)}, lambda X: np.sum((X - X.mean(axis=1, keepdims=True))**2)),
    case("d tr(C^T softmax(Q K^T / α)) / dK", {"C": (4, 5), "Q": (4, 2), "K": (5, 2), "α": ()}, lambda C, Q, K, α: np.sum(C * smc(Q @ K.T / α))),
    case("d^2 c^T ((x - mean(x) 1) / sqrt(mean((x - mean(x) 1).^2) + ε)) / dx^2", {"c": (4, 1), "x": (4, 1), "ε": ()}, lambda c, x, ε: c.T @ layer_norm(x, ε), order=2),
    case("d^2 ||W X + b 1^T - Y||_F^2 / dW^2", {"W": (2, 3), "X": (3, 4), "b": (2, 1), "Y": (2, 4)}, lambda W, X, b, Y: np.sum((W @ X + b - Y) ** 2), order=2),
    case("d sum((X 1 - y).^2) / dX", {"X": (3, 4), "y": (3, 1)}, lambda X, y: np.sum((X.sum(1, keepdims=True) - y) ** 2)),
    case("d 1^T log(1 + exp(-y .* (X^T w))) / dw", {"y": (5, 1), "X": (3, 5), "w": (3, 1)}, lambda y, X, w: np.sum(np.log(1 + np.exp(-y * (X.T @ w))))),
    case("d sum(W.^2) / dW", {"W": (3, 2)}, lambda W: np.sum(W**2)),
    case("d ||W||_F^2 + sum(abs(W)) / dW", {"W": (3, 2)}, lambda W: np.sum(W**2) + np.sum(np.abs(W))),
    case("d sum(exp(W X) ./ (1 1^T exp(W X))) / dW", {"W": (3, 2), "X": (2, 4)}, lambda W, X: np.sum(np.exp(W@X) / np.exp(W@X).sum(0, keepdims=True))),
    case("d mean(log(1 + exp(-y .* (X w)))) / dw", {"y": (5, 1), "X": (5, 3), "w": (3, 1)}, lambda y, X, w: np.mean(np.log(1 + np.exp(-y * (X @ w))))),
    case("d (x.^2)^T A x.^2 / dx", {"x": (3, 1), "A": (3, 3)}, lambda x, A: (x**2).T @ A @ x**2),
    case("d x.^3 ./ (1 + x.^2) / dx", {"x": (3, 1)}, lambda x: x**3 / (1 + x**2)),
    case("d softmax(W x) / dW", {"W": (3, 2), "x": (2, 1)}, lambda W, x: smc(W @ x)),
    case("d logsumexp(W X) / dX", {"W": (3, 2), "X": (2, 4)}, lambda W, X: lsec(W @ X)),
    case("d softmax(Z^T)^T / dZ", {"Z": (2, 3)}, lambda Z: smc(Z.T).T),
    case("d sum(softmax(S^T)^T .* M) / dS", {"S": (3, 4), "M": (3, 4)}, lambda S, M: np.sum(smc(S.T).T * M)),
    case("d 1^T (W2 relu(W1 X + b1 1^T) + b2 1^T - Y).^2 1 / dW1", {"W2": (2, 3), "W1": (3, 4), "X": (4, 5), "b1": (3, 1), "b2": (2, 1), "Y": (2, 5)}, lambda W2, W1, X, b1, b2, Y: np.sum((W2 @ np.maximum(W1 @ X + b1, 0) + b2 - Y) ** 2)),
    case("d -sum(Y .* log(softmax(W2 tanh(W1 X + b1 1^T)))) / db1", {"Y": (2, 5), "W2": (2, 3), "W1": (3, 4), "X": (4, 5), "b1": (3, 1)}, lambda Y, W2, W1, X, b1: -np.sum(Y * np.log(smc(W2 @ np.tanh(W1 @ X + b1))))),
    case("d^2 sum(logsumexp(W X)) / dW^2", {"W": (2, 2), "X": (2, 3)}, lambda W, X: np.sum(lsec(W @ X)), order=2),
    case("d^2 ||x||_1 + x^T x / dx^2", {"x": (3, 1)}, lambda x: np.sum(np.abs(x)) + np.sum(x**2), order=2),
    case("d^2 sum(x.^(-1)) / dx^2", {"x": (3, 1)}, lambda x: np.sum(1 / x), {"x": P}, order=2),
    case("d mean(X.^2) - mean(X)^2 / dX", {"X": (3, 4)}, lambda X: np.mean(X**2) - np.mean(X)**2),
    case("d ones(3)^T x / dx where x: vector 3", {"x": (3, 1)}, lambda x: np.sum(x)),
    case("d 1^T exp(x) / dx", {"x": (3, 1)}, lambda x: np.sum(np.exp(x))),
    case("d log(1^T exp(x)) / dx", {"x": (3, 1)}, lambda x: np.log(np.sum(np.exp(x)))),
    case("d (x - mean(x) 1) / ||x - mean(x) 1|| / dx", {"x": (4, 1)}, lambda x: (x - x.mean()) / np.linalg.norm(x - x.mean())),
]
