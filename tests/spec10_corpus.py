"""A corpus of SPEC 10 forms ("The functions practitioners use") typed the way practitioners
type them: per-axis softmax / log_softmax / logsumexp / sum / mean / max / min (dim=0, dim=1,
axis=, dim=-1) on products and broadcast biases, attention, row-wise cross-entropy, batch- and
layer-norm spellings, var / std, max / min of entries and elementwise, clip / clamp with number
and symbol bounds, the new elementwise functions (tan, arctan, arcsin, arccos, sinh, cosh,
log1p, expm1, leaky_relu), hinge and Huber losses, user bodies that call built-ins, and
second derivatives of the smooth ones.

Each case: `problem`, `wrt`, concrete `shapes`, and `f`, what the person MEANT, written in
NumPy independently of mdx (never the derivative).  Optional: `props` (input draws, as
tests/fdcheck.draw), `valid` (a predicate on the inputs: away from kinks, ordered bounds),
`order` (2 for a Hessian), `notes` (a reading SPEC 9 leaves open: a result of another reading
is acceptable only with a note naming one of these), tag `refuse-ok` (a refusal is a
reasonable answer: the form has no single meaning in mdx's language).

Run: python -m pytest -q tests/test_spec10_corpus.py
"""

import numpy as np


# ---------------------------------------------------------------- references
def smax(Z, axis=0):
    e = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def lse(Z, axis=0):
    m = Z.max(axis=axis, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=axis, keepdims=True))


def lsm(Z, axis=0):
    return Z - lse(Z, axis)


def relu(z):
    return np.maximum(z, 0)


def lrelu(z, a=0.01):
    return np.where(z > 0, z, a * z)


def s(v):
    """a 1x1 array or a 0-d value as a float."""
    return float(np.asarray(v).reshape(-1)[0])


def ln(x, eps=0.0):
    c = x - x.mean()
    return c / np.sqrt(np.mean(c ** 2) + eps)


def huber(r, delta=1.0):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))


def away(fn, tol=0.05):
    """valid: fn(**inputs) stays tol away from 0 (a kink)."""
    def ok(**k):
        return float(np.min(np.abs(np.asarray(fn(**k), dtype=float)))) > tol
    return ok


def gaps(fn, axis=None, tol=0.05):
    """valid: the largest and second largest (and smallest two) entries of fn(**inputs),
    along axis, differ by more than tol (no ties for max / min)."""
    def ok(**k):
        A = np.asarray(fn(**k), dtype=float)
        A = A.reshape(-1, 1) if axis is None else (A if axis == 0 else A.T)
        S = np.sort(A, axis=0)
        return A.shape[0] < 2 or (np.min(S[1:] - S[:-1]) > tol)
    return ok


def both(*checks):
    def ok(**k):
        return all(c(**k) for c in checks)
    return ok


def case(id, problem, wrt, shapes, f, tags, order=1, valid=None, props=None, notes=()):
    d = dict(id=id, problem=problem, wrt=wrt, shapes=shapes, props=props or {}, f=f,
             order=order, tags=list(tags), note_names=list(notes))
    if valid is not None:
        d["valid"] = valid
    return d


U, P = "unit", "positive"
XW = {"Y": (5, 3), "X": (5, 4), "W": (4, 3)}           # samples as rows: X W is 5x3
WX = {"Y": (3, 5), "W": (3, 4), "X": (4, 5), "b": (3, 1)}   # samples as columns: W X + b is 3x5
QKV = {"Q": (4, 3), "K": (5, 3), "V": (5, 2), "G": (4, 2)}

# ---------------------------------------------------------------- per-axis reductions
AXIS = [
    case("ax-softmax-dim1-XW", "d sum(Y .* softmax(X W, dim=1)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * smax(X @ W, 1)), ["axis"]),
    case("ax-softmax-dim0-XW", "d sum(Y .* softmax(X W, dim=0)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * smax(X @ W, 0)), ["axis"]),
    case("ax-softmax-axis1-X", "d sum(Y .* softmax(X W, axis=1)) / dX", "X", XW,
         lambda Y, X, W: np.sum(Y * smax(X @ W, 1)), ["axis"]),
    case("ax-softmax-dim-1", "d sum(Y .* softmax(X W, dim=-1)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * smax(X @ W, 1)), ["axis"]),
    case("ax-softmax-WXb-dim0", "d sum(Y .* softmax(W X + b, dim=0)) / dW", "W", WX,
         lambda Y, W, X, b: np.sum(Y * smax(W @ X + b, 0)), ["axis", "broadcast"]),
    case("ax-softmax-WXb-dim0-b", "d sum(Y .* softmax(W X + b, dim=0)) / db", "b", WX,
         lambda Y, W, X, b: np.sum(Y * smax(W @ X + b, 0)), ["axis", "broadcast"]),
    case("ax-logsoftmax-dim1-X", "d sum(Y .* log_softmax(X W, dim=1)) / dX", "X", XW,
         lambda Y, X, W: np.sum(Y * lsm(X @ W, 1)), ["axis"]),
    case("ax-logsoftmax-WXb-dim0-b", "d sum(Y .* log_softmax(W X + b, dim=0)) / db", "b", WX,
         lambda Y, W, X, b: np.sum(Y * lsm(W @ X + b, 0)), ["axis", "broadcast"]),
    case("ax-logsoftmax-axis0", "d sum(Y .* log_softmax(X W, axis=0)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * lsm(X @ W, 0)), ["axis"]),
    case("ax-lse-dim1", "d sum(logsumexp(X W, dim=1)) / dW", "W", XW,
         lambda Y, X, W: np.sum(lse(X @ W, 1)), ["axis"]),
    case("ax-lse-dim0", "d sum(logsumexp(X W, dim=0)) / dW", "W", XW,
         lambda Y, X, W: np.sum(lse(X @ W, 0)), ["axis"]),
    case("ax-lse-dim1-ydot", "d y^T logsumexp(X W, dim=1) / dX", "X",
         {"y": (5, 1), "X": (5, 4), "W": (4, 3)},
         lambda y, X, W: s(y.T @ lse(X @ W, 1)), ["axis"]),
    case("ax-lse-dim0-row", "d logsumexp(X W, dim=0) z / dW", "W",
         {"z": (3, 1), "X": (5, 4), "W": (4, 3)},
         lambda z, X, W: s(lse(X @ W, 0) @ z), ["axis"]),
    case("ax-lse-axis-1-Z", "d sum(logsumexp(Z, axis=-1)) / dZ", "Z", {"Z": (4, 3)},
         lambda Z: np.sum(lse(Z, 1)), ["axis"]),
    case("ax-sum-dim0-norm", "d ||sum(X, dim=0)||^2 / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.sum(axis=0) ** 2), ["axis"]),
    case("ax-sum-dim1-ls", "d ||sum(X W, dim=1) - y||^2 / dW", "W",
         {"X": (5, 4), "W": (4, 3), "y": (5, 1)},
         lambda X, W, y: np.sum((np.sum(X @ W, axis=1, keepdims=True) - y) ** 2), ["axis"]),
    case("ax-mean-dim1-ls", "d ||mean(X, dim=1) - y||^2 / dX", "X", {"X": (4, 3), "y": (4, 1)},
         lambda X, y: np.sum((X.mean(axis=1, keepdims=True) - y) ** 2), ["axis"]),
    case("ax-mean-dim0-row", "d mean(X W, dim=0) z / dW", "W",
         {"z": (3, 1), "X": (5, 4), "W": (4, 3)},
         lambda z, X, W: s((X @ W).mean(axis=0, keepdims=True) @ z), ["axis"]),
    case("ax-mean-axis0-sq", "d sum(mean(X .* X, axis=0)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum((X * X).mean(axis=0)), ["axis"]),
    case("ax-max-dim1-XW", "d sum(max(X W, dim=1)) / dW", "W", XW,
         lambda Y, X, W: np.sum((X @ W).max(axis=1)), ["axis", "kink"],
         valid=gaps(lambda X, W, **_: X @ W, axis=1)),
    case("ax-min-dim0-X", "d sum(min(X, dim=0)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.min(axis=0)), ["axis", "kink"], valid=gaps(lambda X: X, axis=0)),
    case("ax-max-axis1-ydot", "d y^T max(X, axis=1) / dX", "X", {"y": (4, 1), "X": (4, 3)},
         lambda y, X: s(y.T @ X.max(axis=1, keepdims=True)), ["axis", "kink"],
         valid=gaps(lambda X, **_: X, axis=1)),
    case("ax-max-dim-1", "d sum(max(X, dim=-1)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.max(axis=1)), ["axis", "kink"], valid=gaps(lambda X: X, axis=1)),
    case("ax-softmax-vec-dim0", "d y^T softmax(W x, dim=0) / dW", "W",
         {"y": (3, 1), "W": (3, 4), "x": (4, 1)},
         lambda y, W, x: s(y.T @ smax(W @ x, 0)), ["axis"]),
    case("ax-softmax-jac", "d softmax(z) / dz", "z", {"z": (4, 1)},
         lambda z: smax(z, 0), ["axis", "jacobian"]),
    case("ax-logsoftmax-jac", "d log_softmax(z) / dz", "z", {"z": (4, 1)},
         lambda z: lsm(z, 0), ["axis", "jacobian"]),
    case("ax-lse-dim1-jac", "d logsumexp(X, dim=1) / dX", "X", {"X": (3, 2)},
         lambda X: lse(X, 1), ["axis", "jacobian"]),
    case("ax-sum-dim0-jac", "d sum(X, dim=0) / dX", "X", {"X": (3, 2)},
         lambda X: X.sum(axis=0, keepdims=True), ["axis", "jacobian"]),
    case("ax-softmax-dim1-jac", "d softmax(X, dim=1) / dX", "X", {"X": (2, 3)},
         lambda X: smax(X, 1), ["axis", "jacobian"]),
    case("ax-lse-tau", "d sum(logsumexp(X / tau, dim=1)) / dtau", "tau", {"X": (4, 3), "tau": ()},
         lambda X, tau: np.sum(lse(X / tau, 1)), ["axis", "scalar"]),
    case("ax-softmax-theta", "d y^T softmax(theta z) / dtheta", "theta",
         {"y": (4, 1), "z": (4, 1), "theta": ()},
         lambda y, z, theta: s(y.T @ smax(theta * z, 0)), ["axis", "scalar"]),
]

# ---------------------------------------------------------------- attention
ATT = [
    case("att-Q", "d tr(G^T softmax(Q K^T / sqrt(d), dim=1) V) / dQ where d: scalar", "Q",
         {**QKV, "d": ()},
         lambda Q, K, V, G, d: np.sum(G * (smax(Q @ K.T / np.sqrt(d), 1) @ V)), ["attention"]),
    case("att-K", "d tr(G^T softmax(Q K^T / sqrt(d), dim=1) V) / dK where d: scalar", "K",
         {**QKV, "d": ()},
         lambda Q, K, V, G, d: np.sum(G * (smax(Q @ K.T / np.sqrt(d), 1) @ V)), ["attention"]),
    case("att-V", "d tr(G^T softmax(Q K^T / sqrt(d), dim=1) V) / dV where d: scalar", "V",
         {**QKV, "d": ()},
         lambda Q, K, V, G, d: np.sum(G * (smax(Q @ K.T / np.sqrt(d), 1) @ V)), ["attention"]),
    case("att-d-undeclared", "d sum(G .* (softmax(Q K^T / sqrt(d), dim=1) V)) / dK", "K",
         {**QKV, "d": ()},
         lambda Q, K, V, G, d: np.sum(G * (smax(Q @ K.T / np.sqrt(d), 1) @ V)), ["attention"],
         notes=("d",)),
    case("att-8", "d sum(G .* (softmax(Q K^T / 8, dim=1) V)) / dQ", "Q", QKV,
         lambda Q, K, V, G: np.sum(G * (smax(Q @ K.T / 8, 1) @ V)), ["attention"]),
    case("att-mse-dim-1", "d ||softmax(Q K^T, dim=-1) V - G||_F^2 / dK", "K", QKV,
         lambda Q, K, V, G: np.sum((smax(Q @ K.T, 1) @ V - G) ** 2), ["attention"]),
    case("att-WQ", "d sum(G .* (softmax(X A B^T X^T / 4, dim=1) X C)) / dA", "A",
         {"X": (5, 3), "A": (3, 2), "B": (3, 2), "C": (3, 2), "G": (5, 2)},
         lambda X, A, B, C, G: np.sum(G * (smax(X @ A @ B.T @ X.T / 4, 1) @ X @ C)),
         ["attention"]),
    case("att-self-X", "d sum(G .* (softmax(X X^T, dim=1) X)) / dX", "X",
         {"X": (4, 3), "G": (4, 3)},
         lambda X, G: np.sum(G * (smax(X @ X.T, 1) @ X)), ["attention"], props={"X": U}),
]

# ---------------------------------------------------------------- cross-entropy
CE = [
    case("ce-row-1bT-W", "d -sum(Y .* log_softmax(X W + 1 b^T, dim=1)) / dW", "W",
         {**XW, "b": (3, 1)},
         lambda Y, X, W, b: -np.sum(Y * lsm(X @ W + b.T, 1)), ["ce"]),
    case("ce-row-1bT-b", "d -sum(Y .* log_softmax(X W + 1 b^T, dim=1)) / db", "b",
         {**XW, "b": (3, 1)},
         lambda Y, X, W, b: -np.sum(Y * lsm(X @ W + b.T, 1)), ["ce"]),
    case("ce-row-bT-bcast", "d -sum(Y .* log_softmax(X W + b^T, dim=1)) / db", "b",
         {**XW, "b": (3, 1)},
         lambda Y, X, W, b: -np.sum(Y * lsm(X @ W + b.T, 1)), ["ce", "broadcast"]),
    case("ce-row-X", "d -sum(Y .* log_softmax(X W, dim=1)) / dX", "X", XW,
         lambda Y, X, W: -np.sum(Y * lsm(X @ W, 1)), ["ce"]),
    case("ce-row-log-softmax", "d -sum(Y .* log(softmax(X W, dim=1))) / dW", "W", XW,
         lambda Y, X, W: -np.sum(Y * np.log(smax(X @ W, 1))), ["ce"]),
    case("ce-row-mean", "d -mean(sum(Y .* log_softmax(X W, dim=1), dim=1)) / dW", "W", XW,
         lambda Y, X, W: -np.mean(np.sum(Y * lsm(X @ W, 1), axis=1)), ["ce"]),
    case("ce-row-lse-form", "d sum(logsumexp(X W, dim=1) - sum(Y .* (X W), dim=1)) / dW", "W", XW,
         lambda Y, X, W: np.sum(lse(X @ W, 1) - np.sum(Y * (X @ W), axis=1, keepdims=True)),
         ["ce"]),
    case("ce-col-b", "d -sum(Y .* log_softmax(W X + b, dim=0)) / db", "b", WX,
         lambda Y, W, X, b: -np.sum(Y * lsm(W @ X + b, 0)), ["ce", "broadcast"]),
    case("ce-col-W-over-n", "d -sum(Y .* log_softmax(W X + b, dim=0)) / 5 / dW", "W", WX,
         lambda Y, W, X, b: -np.sum(Y * lsm(W @ X + b, 0)) / 5, ["ce", "broadcast"]),
    case("ce-one-sample", "d -y^T log_softmax(W x + b) / dW", "W",
         {"y": (3, 1), "W": (3, 4), "x": (4, 1), "b": (3, 1)},
         lambda y, W, x, b: -s(y.T @ lsm(W @ x + b, 0)), ["ce"]),
    case("ce-label-smooth", "d -sum(Y .* log_softmax(X W, dim=1)) - 0.1 mean(log_softmax(X W, dim=1)) / dW",
         "W", XW,
         lambda Y, X, W: -np.sum(Y * lsm(X @ W, 1)) - 0.1 * np.mean(lsm(X @ W, 1)), ["ce"]),
]

# ---------------------------------------------------------------- normalisation
NORM = [
    case("nm-ln-vec", "d g^T ((x - mean(x)) / std(x)) / dx", "x", {"g": (5, 1), "x": (5, 1)},
         lambda g, x: s(g.T @ ln(x)), ["norm"]),
    case("nm-ln-vec-1", "d g^T (x - mean(x) 1) / sqrt(var(x) + eps) / dx", "x",
         {"g": (5, 1), "x": (5, 1), "eps": ()},
         lambda g, x, eps: s(g.T @ ln(x, eps)), ["norm"]),
    case("nm-ln-vec-1e-5", "d g^T ((x - mean(x)) / sqrt(var(x) + 1e-5)) / dx", "x",
         {"g": (5, 1), "x": (5, 1)},
         lambda g, x: s(g.T @ ln(x, 1e-5)), ["norm"]),
    case("nm-ln-vec-sq", "d ||(x - mean(x)) / std(x) - y||^2 / dx", "x", {"y": (5, 1), "x": (5, 1)},
         lambda y, x: np.sum((ln(x) - y) ** 2), ["norm"]),
    case("nm-ln-gamma", "d y^T (gamma (x - mean(x)) / std(x) + beta) / dgamma", "gamma",
         {"y": (5, 1), "x": (5, 1), "gamma": (), "beta": ()},
         lambda y, x, gamma, beta: s(y.T @ (gamma * ln(x) + beta)), ["norm", "scalar"]),
    case("nm-ln-beta", "d y^T (gamma (x - mean(x)) / std(x) + beta) / dbeta", "beta",
         {"y": (5, 1), "x": (5, 1), "gamma": (), "beta": ()},
         lambda y, x, gamma, beta: s(y.T @ (gamma * ln(x) + beta)), ["norm", "scalar"]),
    case("nm-ln-Wx", "d g^T ((W x - mean(W x)) / std(W x)) / dW", "W",
         {"g": (4, 1), "W": (4, 3), "x": (3, 1)},
         lambda g, W, x: s(g.T @ ln(W @ x)), ["norm"]),
    case("nm-bn-dim0", "d sum(G .* ((X - mean(X, dim=0)) ./ std(X, dim=0))) / dX", "X",
         {"G": (5, 3), "X": (5, 3)},
         lambda G, X: np.sum(G * (X - X.mean(0, keepdims=True)) / X.std(0, keepdims=True)),
         ["norm", "broadcast"]),
    case("nm-bn-dim0-ones", "d sum(G .* ((X - 1 mean(X, dim=0)) ./ (1 std(X, dim=0)))) / dX", "X",
         {"G": (5, 3), "X": (5, 3)},
         lambda G, X: np.sum(G * (X - X.mean(0, keepdims=True)) / X.std(0, keepdims=True)),
         ["norm"]),
    case("nm-bn-dim0-eps", "d sum(G .* (X - mean(X, dim=0)) ./ sqrt(var(X, dim=0) + eps)) / dX",
         "X", {"G": (5, 3), "X": (5, 3), "eps": ()},
         lambda G, X, eps: np.sum(G * (X - X.mean(0, keepdims=True))
                                  / np.sqrt(X.var(0, keepdims=True) + eps)),
         ["norm", "broadcast"]),
    case("nm-ln-dim1", "d sum(G .* ((X - mean(X, dim=1)) ./ std(X, dim=1))) / dX", "X",
         {"G": (4, 5), "X": (4, 5)},
         lambda G, X: np.sum(G * (X - X.mean(1, keepdims=True)) / X.std(1, keepdims=True)),
         ["norm", "broadcast"]),
    case("nm-ln-dim1-ones", "d sum(G .* (X - mean(X, dim=1) 1^T) ./ (sqrt(var(X, dim=1) + eps) 1^T)) / dX",
         "X", {"G": (4, 5), "X": (4, 5), "eps": ()},
         lambda G, X, eps: np.sum(G * (X - X.mean(1, keepdims=True))
                                  / np.sqrt(X.var(1, keepdims=True) + eps)),
         ["norm"]),
    case("nm-whole-std", "d sum(G .* (X - mean(X, dim=0)) / std(X)) / dX", "X",
         {"G": (5, 3), "X": (5, 3)},
         lambda G, X: np.sum(G * (X - X.mean(0, keepdims=True)) / X.std()), ["norm", "broadcast"]),
    case("nm-center-rows", "d ||X - mean(X, dim=1)||_F^2 / dX", "X", {"X": (4, 5)},
         lambda X: np.sum((X - X.mean(1, keepdims=True)) ** 2), ["norm", "broadcast"]),
]

# ---------------------------------------------------------------- var / std
VAR = [
    case("v-var-x", "d var(x) / dx", "x", {"x": (5, 1)}, lambda x: np.var(x), ["var"]),
    case("v-std-x", "d std(x) / dx", "x", {"x": (5, 1)}, lambda x: np.std(x), ["var"]),
    case("v-var-X", "d var(X) / dX", "X", {"X": (4, 3)}, lambda X: np.var(X), ["var"]),
    case("v-std-XW", "d std(X W) / dW", "W", {"X": (5, 4), "W": (4, 3)},
         lambda X, W: np.std(X @ W), ["var"]),
    case("v-var-dim0", "d sum(var(X, dim=0)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.var(axis=0)), ["var", "axis"]),
    case("v-std-dim1", "d sum(std(X, dim=1)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.std(axis=1)), ["var", "axis"]),
    case("v-var-dim1-y", "d y^T var(X, dim=1) / dX", "X", {"y": (4, 1), "X": (4, 3)},
         lambda y, X: s(y.T @ X.var(axis=1, keepdims=True)), ["var", "axis"]),
    case("v-std-axis0-z", "d std(X W, axis=0) z / dW", "W", {"z": (3, 1), "X": (5, 4), "W": (4, 3)},
         lambda z, X, W: s((X @ W).std(axis=0, keepdims=True) @ z), ["var", "axis"]),
    case("v-var-Wx", "d var(W x) / dx", "x", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.var(W @ x), ["var"]),
    case("v-std-diff", "d std(x - y) / dy", "y", {"x": (5, 1), "y": (5, 1)},
         lambda x, y: np.std(x - y), ["var"]),
    case("v-var-theta", "d var(theta x + y) / dtheta", "theta",
         {"x": (5, 1), "y": (5, 1), "theta": ()},
         lambda x, y, theta: np.var(theta * x + y), ["var", "scalar"]),
    case("v-var-jac", "d var(X, dim=0) / dX", "X", {"X": (3, 2)},
         lambda X: X.var(axis=0, keepdims=True), ["var", "jacobian"]),
]

# ---------------------------------------------------------------- max / min / clip
MAXMIN = [
    case("m-max-x", "d max(x) / dx", "x", {"x": (5, 1)}, lambda x: np.max(x), ["max"],
         valid=gaps(lambda x: x)),
    case("m-min-x", "d min(x) / dx", "x", {"x": (5, 1)}, lambda x: np.min(x), ["max"],
         valid=gaps(lambda x: x)),
    case("m-max-X", "d max(X) / dX", "X", {"X": (4, 3)}, lambda X: np.max(X), ["max"],
         valid=gaps(lambda X: X)),
    case("m-max-Wx", "d max(W x) / dW", "W", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.max(W @ x), ["max"], valid=gaps(lambda W, x: W @ x)),
    case("m-min-X-dim1", "d sum(min(X W, dim=1)) / dX", "X", {"X": (5, 4), "W": (4, 3)},
         lambda X, W: np.sum((X @ W).min(axis=1)), ["max", "axis"],
         valid=gaps(lambda X, W: X @ W, axis=1)),
    case("m-max2-x", "d sum(max(x, y)) / dx", "x", {"x": (5, 1), "y": (5, 1)},
         lambda x, y: np.sum(np.maximum(x, y)), ["max"], valid=away(lambda x, y: x - y)),
    case("m-min2-b", "d sum(min(a, b)) / db", "b", {"a": (5, 1), "b": (5, 1)},
         lambda a, b: np.sum(np.minimum(a, b)), ["max"], valid=away(lambda a, b: a - b)),
    case("m-max-x-0", "d sum(max(x, 0)) / dx", "x", {"x": (5, 1)},
         lambda x: np.sum(np.maximum(x, 0)), ["max"], valid=away(lambda x: x)),
    case("m-maximum-y", "d sum(maximum(x, y)) / dy", "y", {"x": (5, 1), "y": (5, 1)},
         lambda x, y: np.sum(np.maximum(x, y)), ["max"], valid=away(lambda x, y: x - y)),
    case("m-minimum-W", "d sum(minimum(W x, y)) / dW", "W", {"W": (4, 3), "x": (3, 1), "y": (4, 1)},
         lambda W, x, y: np.sum(np.minimum(W @ x, y)), ["max"], valid=away(lambda W, x, y: W @ x - y)),
    case("m-relu-norm", "d ||max(W x, 0)||^2 / dW", "W", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(np.maximum(W @ x, 0) ** 2), ["max"], valid=away(lambda W, x: W @ x)),
    case("m-relu-XW", "d sum(Y .* max(X W, 0)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * np.maximum(X @ W, 0)), ["max"], valid=away(lambda X, W, **_: X @ W)),
    case("m-max-alpha", "d sum(max(x, alpha)) / dalpha", "alpha", {"x": (5, 1), "alpha": ()},
         lambda x, alpha: np.sum(np.maximum(x, alpha)), ["max", "scalar"],
         valid=away(lambda x, alpha: x - alpha)),
    case("m-min-x-1", "d y^T min(x, 1) / dx", "x", {"y": (5, 1), "x": (5, 1)},
         lambda y, x: s(y.T @ np.minimum(x, 1)), ["max"], valid=away(lambda x, **_: x - 1)),
    case("m-max-0-first", "d sum(max(0, W x - y)) / dx", "x", {"W": (4, 3), "x": (3, 1), "y": (4, 1)},
         lambda W, x, y: np.sum(np.maximum(0, W @ x - y)), ["max"], valid=away(lambda W, x, y: W @ x - y)),
    case("m-clip-num", "d sum(clip(x, -1, 1)) / dx", "x", {"x": (6, 1)},
         lambda x: np.sum(np.clip(x, -1, 1)), ["clip"], valid=away(lambda x: np.abs(x) - 1)),
    case("m-clip-relu6", "d y^T clip(W x, 0, 6) / dW", "W", {"y": (4, 1), "W": (4, 3), "x": (3, 1)},
         lambda y, W, x: s(y.T @ np.clip(W @ x, 0, 6)), ["clip"], valid=away(lambda W, x, **_: W @ x)),
    case("m-clip-sym-lo", "d sum(clip(x, lo, hi)) / dlo where lo, hi: scalar", "lo",
         {"x": (6, 1), "lo": (), "hi": ()},
         lambda x, lo, hi: np.sum(np.clip(x, lo, hi)), ["clip", "scalar"],
         valid=both(lambda lo, hi, **_: hi - lo > 0.1, away(lambda x, lo, hi: (x - lo) * (x - hi)))),
    case("m-clip-sym-x", "d y^T clip(x, lo, hi) / dx where lo, hi: scalar", "x",
         {"y": (6, 1), "x": (6, 1), "lo": (), "hi": ()},
         lambda y, x, lo, hi: s(y.T @ np.clip(x, lo, hi)), ["clip"],
         valid=both(lambda lo, hi, **_: hi - lo > 0.1, away(lambda x, lo, hi, **_: (x - lo) * (x - hi)))),
    case("m-clip-greek", "d ||clip(x, -gamma, gamma)||^2 / dx", "x", {"x": (6, 1), "gamma": ()},
         lambda x, gamma: np.sum(np.clip(x, -gamma, gamma) ** 2), ["clip"],
         valid=away(lambda x, gamma: np.abs(x) - gamma)),
    case("m-clip-greek-gamma", "d ||clip(x, -gamma, gamma)||^2 / dgamma", "gamma",
         {"x": (6, 1), "gamma": ()},
         lambda x, gamma: np.sum(np.clip(x, -gamma, gamma) ** 2), ["clip", "scalar"],
         valid=away(lambda x, gamma: np.abs(x) - gamma)),
    case("m-clamp-01", "d sum(clamp(x, 0, 1)) / dx", "x", {"x": (6, 1)},
         lambda x: np.sum(np.clip(x, 0, 1)), ["clip"], valid=away(lambda x: x * (x - 1))),
    case("m-clamp-X", "d sum(clamp(X, -1, 1) .* Y) / dX", "X", {"X": (4, 3), "Y": (4, 3)},
         lambda X, Y: np.sum(np.clip(X, -1, 1) * Y), ["clip"], valid=away(lambda X, **_: np.abs(X) - 1)),
    case("m-clip-hi", "d sum(clip(X w, 0, hi)) / dhi where hi: scalar", "hi",
         {"X": (6, 3), "w": (3, 1), "hi": ()},
         lambda X, w, hi: np.sum(np.clip(X @ w, 0, hi)), ["clip", "scalar"],
         valid=away(lambda X, w, hi: (X @ w) * (X @ w - hi))),
    case("m-clip-ppo", "d sum(min(r .* a, clip(r, 0.8, 1.2) .* a)) / dr", "r",
         {"r": (6, 1), "a": (6, 1)},
         lambda r, a: np.sum(np.minimum(r * a, np.clip(r, 0.8, 1.2) * a)), ["clip", "max"],
         valid=both(away(lambda r, a: (r - 0.8) * (r - 1.2)),
                    away(lambda r, a: r * a - np.clip(r, 0.8, 1.2) * a))),
]

# ---------------------------------------------------------------- elementwise functions
ELEM = [
    case("e-tan", "d sum(tan(x)) / dx", "x", {"x": (5, 1)}, lambda x: np.sum(np.tan(x)), ["elem"],
         props={"x": U}),
    case("e-tan-jac", "d tan(x) / dx", "x", {"x": (4, 1)}, lambda x: np.tan(x), ["elem", "jacobian"],
         props={"x": U}),
    case("e-arctan-W", "d y^T arctan(W x) / dW", "W", {"y": (4, 1), "W": (4, 3), "x": (3, 1)},
         lambda y, W, x: s(y.T @ np.arctan(W @ x)), ["elem"]),
    case("e-atan", "d sum(atan(x)) / dx", "x", {"x": (5, 1)}, lambda x: np.sum(np.arctan(x)), ["elem"]),
    case("e-arcsin", "d sum(arcsin(x)) / dx", "x", {"x": (5, 1)}, lambda x: np.sum(np.arcsin(x)),
         ["elem"], props={"x": U}),
    case("e-asin-y", "d y^T asin(x) / dx", "x", {"y": (5, 1), "x": (5, 1)},
         lambda y, x: s(y.T @ np.arcsin(x)), ["elem"], props={"x": U}),
    case("e-arccos", "d sum(arccos(x)) / dx", "x", {"x": (5, 1)}, lambda x: np.sum(np.arccos(x)),
         ["elem"], props={"x": U}),
    case("e-acos-Wx", "d sum(acos(W x)) / dx", "x", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(np.arccos(W @ x)), ["elem"], props={"W": U, "x": U}),
    case("e-sinh", "d sum(sinh(x)) / dx", "x", {"x": (5, 1)}, lambda x: np.sum(np.sinh(x)), ["elem"]),
    case("e-sinh-jac", "d sinh(x) / dx", "x", {"x": (4, 1)}, lambda x: np.sinh(x), ["elem", "jacobian"]),
    case("e-cosh-X", "d sum(cosh(X) .* Y) / dX", "X", {"X": (4, 3), "Y": (4, 3)},
         lambda X, Y: np.sum(np.cosh(X) * Y), ["elem"]),
    case("e-logcosh", "d sum(log(cosh(X w - y))) / dw", "w", {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(np.log(np.cosh(X @ w - y))), ["elem", "loss"]),
    case("e-logcosh-mean", "d mean(log(cosh(y_hat - y))) / dy_hat", "y_hat",
         {"y_hat": (6, 1), "y": (6, 1)},
         lambda y_hat, y: np.mean(np.log(np.cosh(y_hat - y))), ["elem", "loss"]),
    case("e-log1p", "d sum(log1p(exp(x))) / dx", "x", {"x": (5, 1)},
         lambda x: np.sum(np.log1p(np.exp(x))), ["elem"]),
    case("e-log1p-sq", "d y^T log1p(x .* x) / dx", "x", {"y": (5, 1), "x": (5, 1)},
         lambda y, x: s(y.T @ np.log1p(x * x)), ["elem"]),
    case("e-expm1", "d sum(expm1(x)) / dx", "x", {"x": (5, 1)}, lambda x: np.sum(np.expm1(x)), ["elem"]),
    case("e-expm1-W", "d sum(expm1(W x)) / dW", "W", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(np.expm1(W @ x)), ["elem"]),
    case("e-lrelu-default", "d sum(leaky_relu(x)) / dx", "x", {"x": (6, 1)},
         lambda x: np.sum(lrelu(x)), ["elem", "kink"], valid=away(lambda x: x)),
    case("e-lrelu-02", "d sum(leaky_relu(x, 0.2)) / dx", "x", {"x": (6, 1)},
         lambda x: np.sum(lrelu(x, 0.2)), ["elem", "kink"], valid=away(lambda x: x)),
    case("e-lrelu-W", "d ||leaky_relu(W x, 0.1)||^2 / dW", "W", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(lrelu(W @ x, 0.1) ** 2), ["elem", "kink"], valid=away(lambda W, x: W @ x)),
    case("e-lrelu-alpha", "d sum(leaky_relu(x, alpha)) / dalpha", "alpha", {"x": (6, 1), "alpha": ()},
         lambda x, alpha: np.sum(lrelu(x, alpha)), ["elem", "kink", "scalar"], valid=away(lambda x, **_: x)),
    case("e-lrelu-alpha-x", "d y^T leaky_relu(x, alpha) / dx", "x",
         {"y": (6, 1), "x": (6, 1), "alpha": ()},
         lambda y, x, alpha: s(y.T @ lrelu(x, alpha)), ["elem", "kink"], valid=away(lambda x, **_: x)),
    case("e-lrelu-a-decl", "d sum(leaky_relu(x, a)) / dx where a: scalar", "x", {"x": (6, 1), "a": ()},
         lambda x, a: np.sum(lrelu(x, a)), ["elem", "kink"], valid=away(lambda x, **_: x)),
    case("e-lrelu-a-undecl", "d sum(leaky_relu(x, a)) / dx", "x", {"x": (6, 1), "a": ()},
         lambda x, a: np.sum(lrelu(x, a)), ["elem", "kink"], valid=away(lambda x, **_: x),
         notes=("a",)),
    case("e-lrelu-a-undecl-y", "d y^T leaky_relu(W x, a) / dW", "W",
         {"y": (4, 1), "W": (4, 3), "x": (3, 1), "a": ()},
         lambda y, W, x, a: s(y.T @ lrelu(W @ x, a)), ["elem", "kink"],
         valid=away(lambda W, x, **_: W @ x), notes=("a",)),
]

# ---------------------------------------------------------------- hinge / Huber
LOSS = [
    case("l-hinge", "d sum(max(0, 1 - y .* (X w))) / dw", "w", {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(np.maximum(0, 1 - y * (X @ w))), ["loss", "kink"],
         valid=away(lambda X, w, y: 1 - y * (X @ w))),
    case("l-hinge-reg", "d sum(max(0, 1 - y .* (X w))) + lambda ||w||^2 / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1), "lambda": ()},
         lambda X, w, y, **k: np.sum(np.maximum(0, 1 - y * (X @ w))) + k["lambda"] * np.sum(w ** 2),
         ["loss", "kink"], valid=away(lambda X, w, y, **_: 1 - y * (X @ w))),
    case("l-hinge-mean", "d mean(max(1 - y .* (X w + b), 0)) / db", "b",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1), "b": ()},
         lambda X, w, y, b: np.mean(np.maximum(1 - y * (X @ w + b), 0)), ["loss", "kink"],
         valid=away(lambda X, w, y, b: 1 - y * (X @ w + b)), notes=("b",)),
    case("l-hinge-sq", "d sum(max(0, 1 - y .* (X w)).^2) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(np.maximum(0, 1 - y * (X @ w)) ** 2), ["loss", "kink"],
         valid=away(lambda X, w, y: 1 - y * (X @ w))),
    case("l-hinge-relu", "d sum(relu(1 - y .* (X w))) / dw", "w", {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(np.maximum(0, 1 - y * (X @ w))), ["loss", "kink"],
         valid=away(lambda X, w, y: 1 - y * (X @ w))),
    case("l-multiclass-hinge", "d sum(max(0, 1 + X W - sum(Y .* (X W), dim=1))) / dW", "W", XW,
         lambda Y, X, W: np.sum(np.maximum(0, 1 + X @ W - np.sum(Y * (X @ W), 1, keepdims=True))),
         ["loss", "kink", "broadcast"],
         valid=away(lambda Y, X, W: 1 + X @ W - np.sum(Y * (X @ W), 1, keepdims=True))),
    case("l-huber-minabs", "d sum(0.5 min(abs(X w - y), 1).^2 + max(abs(X w - y) - 1, 0)) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(huber(X @ w - y)), ["loss", "kink"],
         valid=away(lambda X, w, y: (np.abs(X @ w - y) - 1) * (X @ w - y))),
    case("l-huber-clip", "d sum(clip(X w - y, -1, 1) .* (X w - y - 0.5 clip(X w - y, -1, 1))) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(huber(X @ w - y)), ["loss", "kink"],
         valid=away(lambda X, w, y: np.abs(X @ w - y) - 1)),
    case("l-huber-body", "d sum(h(X w - y)) / dw where h(t) = 0.5 min(abs(t), 1)^2 + max(abs(t) - 1, 0)",
         "w", {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(huber(X @ w - y)), ["loss", "kink", "body"],
         valid=away(lambda X, w, y: (np.abs(X @ w - y) - 1) * (X @ w - y))),
    case("l-eps-insensitive", "d sum(max(abs(X w - y) - eps, 0)) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1), "eps": ()},
         lambda X, w, y, eps: np.sum(np.maximum(np.abs(X @ w - y) - eps, 0)), ["loss", "kink"],
         valid=away(lambda X, w, y, eps: (np.abs(X @ w - y) - eps) * (X @ w - y))),
]

# ---------------------------------------------------------------- user bodies with built-ins
BODY = [
    case("b-relu-sq", "d sum(g(W x)) / dW where g(t) = relu(t)^2", "W", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(relu(W @ x) ** 2), ["body"], valid=away(lambda W, x: W @ x)),
    case("b-clip", "d sum(g(x)) / dx where g(t) = clip(t, -1, 1)", "x", {"x": (6, 1)},
         lambda x: np.sum(np.clip(x, -1, 1)), ["body"], valid=away(lambda x: np.abs(x) - 1)),
    case("b-max0", "d y^T g(x) / dx where g(t) = max(t, 0)", "x", {"y": (6, 1), "x": (6, 1)},
         lambda y, x: s(y.T @ relu(x)), ["body"], valid=away(lambda x, **_: x)),
    case("b-logcosh", "d sum(g(X w - y)) / dw where g(t) = log(cosh(t))", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: np.sum(np.log(np.cosh(X @ w - y))), ["body"]),
    case("b-lrelu", "d sum(g(x)) / dx where g(t) = leaky_relu(t, 0.2)", "x", {"x": (6, 1)},
         lambda x: np.sum(lrelu(x, 0.2)), ["body"], valid=away(lambda x: x)),
    case("b-arctan-sq", "d sum(g(W x)) / dx where g(t) = arctan(t)^2", "x", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(np.arctan(W @ x) ** 2), ["body"]),
    case("b-min-max", "d sum(g(x)) / dx where g(t) = min(max(t, -1), 1)", "x", {"x": (6, 1)},
         lambda x: np.sum(np.clip(x, -1, 1)), ["body"], valid=away(lambda x: np.abs(x) - 1)),
    case("b-huber-where", "d sum(g(x - y)) / dx where g(t) = 0.5 clip(t, -1, 1)^2 + relu(abs(t) - 1)",
         "x", {"x": (6, 1), "y": (6, 1)},
         lambda x, y: np.sum(huber(x - y)), ["body"],
         valid=away(lambda x, y: (np.abs(x - y) - 1) * (x - y))),
    case("b-matrix-arg", "d sum(Y .* g(X W)) / dW where g(t) = sinh(t) / cosh(t)", "W", XW,
         lambda Y, X, W: np.sum(Y * np.tanh(X @ W)), ["body"]),
]

# ---------------------------------------------------------------- second derivatives
HESS = [
    case("h-var", "d^2 var(x) / dx^2", "x", {"x": (4, 1)}, lambda x: np.var(x), ["hessian"], order=2),
    case("h-std", "d^2 std(x) / dx^2", "x", {"x": (4, 1)}, lambda x: np.std(x), ["hessian"], order=2),
    case("h-logsoftmax", "d^2 y^T log_softmax(z) / dz^2", "z", {"y": (4, 1), "z": (4, 1)},
         lambda y, z: s(y.T @ lsm(z, 0)), ["hessian"], order=2),
    case("h-lse-Xw", "d^2 logsumexp(X w) / dw^2", "w", {"X": (5, 3), "w": (3, 1)},
         lambda X, w: s(lse(X @ w, 0)), ["hessian"], order=2),
    case("h-lse-dim1", "d^2 sum(logsumexp(X, dim=1)) / dX^2", "X", {"X": (3, 2)},
         lambda X: np.sum(lse(X, 1)), ["hessian", "axis"], order=2),
    case("h-lse-dim0-W", "d^2 sum(logsumexp(X W, dim=0)) / dW^2", "W", {"X": (4, 2), "W": (2, 2)},
         lambda X, W: np.sum(lse(X @ W, 0)), ["hessian", "axis"], order=2),
    case("h-logsoftmax-dim1", "d^2 sum(Y .* log_softmax(X W, dim=1)) / dW^2", "W",
         {"Y": (3, 2), "X": (3, 2), "W": (2, 2)},
         lambda Y, X, W: np.sum(Y * lsm(X @ W, 1)), ["hessian", "axis"], order=2),
    case("h-logcosh", "d^2 sum(log(cosh(x))) / dx^2", "x", {"x": (4, 1)},
         lambda x: np.sum(np.log(np.cosh(x))), ["hessian"], order=2),
    case("h-cosh-Wx", "d^2 sum(cosh(W x)) / dx^2", "x", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: np.sum(np.cosh(W @ x)), ["hessian"], order=2),
    case("h-arctan", "d^2 sum(arctan(x)) / dx^2", "x", {"x": (4, 1)},
         lambda x: np.sum(np.arctan(x)), ["hessian"], order=2),
    case("h-arctan-theta", "d^2 y^T arctan(theta x) / dtheta^2", "theta",
         {"y": (4, 1), "x": (4, 1), "theta": ()},
         lambda y, x, theta: s(y.T @ np.arctan(theta * x)), ["hessian", "scalar"], order=2),
    case("h-var-dim0", "d^2 sum(var(X, dim=0)) / dX^2", "X", {"X": (3, 2)},
         lambda X: np.sum(X.var(axis=0)), ["hessian", "axis"], order=2),
    case("h-ce-row", "d^2 -sum(Y .* log_softmax(X W, dim=1)) / dW^2", "W",
         {"Y": (3, 2), "X": (3, 2), "W": (2, 2)},
         lambda Y, X, W: -np.sum(Y * lsm(X @ W, 1)), ["hessian", "ce"], order=2),
    case("h-log1p", "d^2 sum(log1p(x .* x)) / dx^2", "x", {"x": (4, 1)},
         lambda x: np.sum(np.log1p(x * x)), ["hessian"], order=2),
]

CASES = AXIS + ATT + CE + NORM + VAR + MAXMIN + ELEM + LOSS + BODY + HESS

# ---------------------------------------------------------------- more spellings
MORE = [
    case("x-lse-XT-dim1", "d y^T logsumexp(X^T, dim=1) / dX", "X", {"y": (3, 1), "X": (4, 3)},
         lambda y, X: s(y.T @ lse(X.T, 1)), ["axis"]),
    case("x-softmax-XT-dim0", "d sum(softmax(X^T, dim=0) .* Y) / dX", "X", {"X": (4, 3), "Y": (3, 4)},
         lambda X, Y: np.sum(smax(X.T, 0) * Y), ["axis"]),
    case("x-mean-max-dim0", "d mean(max(X, dim=0)) / dX", "X", {"X": (4, 3)},
         lambda X: np.mean(X.max(axis=0)), ["axis", "max"], valid=gaps(lambda X: X, axis=0)),
    case("x-lse-T-call", "d logsumexp(X, dim=1)^T y / dX", "X", {"y": (4, 1), "X": (4, 3)},
         lambda y, X: s(lse(X, 1).T @ y), ["axis"]),
    case("x-var-dim1-T", "d var(X, dim=1)^T y / dX", "X", {"y": (4, 1), "X": (4, 3)},
         lambda y, X: s(X.var(axis=1, keepdims=True).T @ y), ["axis", "var"]),
    case("x-dim-spaces", "d sum(Y .* softmax(X W, dim = 1)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * smax(X @ W, 1)), ["axis"]),
    case("x-softmax-bT-row", "d sum(Y .* softmax(X W + b^T, dim=1)) / dW", "W", {**XW, "b": (3, 1)},
         lambda Y, X, W, b: np.sum(Y * smax(X @ W + b.T, 1)), ["axis", "broadcast"]),
    case("x-center-cols", "d ||X - mean(X, dim=0)||_F^2 / dX", "X", {"X": (5, 3)},
         lambda X: np.sum((X - X.mean(0, keepdims=True)) ** 2), ["norm", "broadcast"]),
    case("x-explicit-lse", "d sum(log(sum(exp(X), dim=1))) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(np.log(np.exp(X).sum(axis=1))), ["axis"]),
    case("x-logsoftmax-by-hand", "d sum(Y .* (X W - logsumexp(X W, dim=1))) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * (X @ W - lse(X @ W, 1))), ["axis", "broadcast", "ce"]),
    case("x-logsoftmax-by-hand-1", "d sum(Y .* (X W - logsumexp(X W, dim=1) 1^T)) / dW", "W", XW,
         lambda Y, X, W: np.sum(Y * (X @ W - lse(X @ W, 1))), ["axis", "ce"]),
    case("x-softmax-by-hand", "d sum(Y .* (exp(X) ./ sum(exp(X), dim=1))) / dX", "X",
         {"X": (4, 3), "Y": (4, 3)},
         lambda X, Y: np.sum(Y * smax(X, 1)), ["axis", "broadcast"]),
    case("x-ce-mean-all", "d -mean(Y .* log_softmax(X W, dim=1)) / dW", "W", XW,
         lambda Y, X, W: -np.mean(Y * lsm(X @ W, 1)), ["ce"]),
    case("x-range", "d sum(max(X, dim=1) - min(X, dim=1)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.max(1) - X.min(1)), ["axis", "max"], valid=gaps(lambda X: X, axis=1)),
    case("x-amax", "d sum(amax(X, dim=1)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(X.max(1)), ["axis", "max"], valid=gaps(lambda X: X, axis=1)),
    case("x-lrelu-XW", "d sum(leaky_relu(X W, 0.2) .* Y) / dX", "X", XW,
         lambda Y, X, W: np.sum(lrelu(X @ W, 0.2) * Y), ["elem"], valid=away(lambda X, W, **_: X @ W)),
    case("x-atan-X", "d sum(atan(X) .* Y) / dX", "X", {"X": (4, 3), "Y": (4, 3)},
         lambda X, Y: np.sum(np.arctan(X) * Y), ["elem"]),
    case("x-peak-to-peak", "d max(x) - min(x) / dx", "x", {"x": (5, 1)},
         lambda x: np.max(x) - np.min(x), ["max"], valid=gaps(lambda x: x)),
    case("x-inf-norm", "d max(abs(x)) / dx", "x", {"x": (5, 1)},
         lambda x: np.max(np.abs(x)), ["max"], valid=both(gaps(lambda x: np.abs(x)), away(lambda x: x))),
    case("x-max-abs-dim0", "d sum(max(abs(X), dim=0)) / dX", "X", {"X": (4, 3)},
         lambda X: np.sum(np.abs(X).max(0)), ["max", "axis"],
         valid=both(gaps(lambda X: np.abs(X), axis=0), away(lambda X: X))),
    case("x-temp-lse", "d tau logsumexp(x / tau) / dtau", "tau", {"x": (5, 1), "tau": ()},
         lambda x, tau: tau * s(lse(x / tau, 0)), ["scalar"]),
    case("x-var-row", "d var(x) / dx where x: row vector", "x", {"x": (1, 5)},
         lambda x: np.var(x), ["var"]),
    case("x-softmax-b-dim0", "d y^T softmax(W x + b, dim=0) / db", "b",
         {"y": (3, 1), "W": (3, 4), "x": (4, 1), "b": (3, 1)},
         lambda y, W, x, b: s(y.T @ smax(W @ x + b, 0)), ["axis"]),
    case("x-std-eps", "d sum(log(std(X, dim=0) + 1e-3)) / dX", "X", {"X": (5, 3)},
         lambda X: np.sum(np.log(X.std(0) + 1e-3)), ["var", "axis"]),
    case("x-cosh-sinh", "d sum(cosh(x) .* sinh(x)) / dx", "x", {"x": (5, 1)},
         lambda x: np.sum(np.cosh(x) * np.sinh(x)), ["elem"]),
    case("x-expm1-log1p", "d sum(log1p(expm1(x))) / dx", "x", {"x": (5, 1)},
         lambda x: np.sum(np.log1p(np.expm1(x))), ["elem"]),
    case("x-tan-theta", "d sum(tan(theta x)) / dtheta", "theta", {"x": (5, 1), "theta": ()},
         lambda x, theta: np.sum(np.tan(theta * x)), ["elem", "scalar"], props={"x": U}),
    case("x-max-scalars", "d max(alpha, beta) / dalpha", "alpha", {"alpha": (), "beta": ()},
         lambda alpha, beta: max(alpha, beta), ["max", "scalar"],
         valid=away(lambda alpha, beta: alpha - beta)),
    case("x-clip-scalar", "d clip(w^T x, -1, 1) / dw", "w", {"w": (4, 1), "x": (4, 1)},
         lambda w, x: float(np.clip(s(w.T @ x), -1, 1)), ["clip"],
         valid=away(lambda w, x: abs(s(w.T @ x)) - 1)),
    case("x-hinge-scalar", "d max(0, 1 - y w^T x) / dw where y: scalar", "w",
         {"w": (4, 1), "x": (4, 1), "y": ()},
         lambda w, x, y: max(0.0, 1 - y * s(w.T @ x)), ["loss"], valid=away(lambda w, x, y: 1 - y * s(w.T @ x))),
    case("j-max2", "d max(x, y) / dx", "x", {"x": (4, 1), "y": (4, 1)},
         lambda x, y: np.maximum(x, y), ["max", "jacobian"], valid=away(lambda x, y: x - y)),
    case("j-clip", "d clip(x, -1, 1) / dx", "x", {"x": (4, 1)},
         lambda x: np.clip(x, -1, 1), ["clip", "jacobian"], valid=away(lambda x: np.abs(x) - 1)),
    case("j-lrelu", "d leaky_relu(x, 0.2) / dx", "x", {"x": (4, 1)},
         lambda x: lrelu(x, 0.2), ["elem", "jacobian"], valid=away(lambda x: x)),
    case("j-softmax-XW-dim1", "d softmax(X W, dim=1) / dW", "W", {"X": (3, 2), "W": (2, 2)},
         lambda X, W: smax(X @ W, 1), ["axis", "jacobian"]),
    case("j-logsoftmax-Wx", "d log_softmax(W x) / dx", "x", {"W": (3, 4), "x": (4, 1)},
         lambda W, x: lsm(W @ x, 0), ["axis", "jacobian"]),
    case("j-max-dim1", "d max(X, dim=1) / dX", "X", {"X": (3, 2)},
         lambda X: X.max(axis=1, keepdims=True), ["max", "axis", "jacobian"],
         valid=gaps(lambda X: X, axis=1)),
    case("j-std-dim0", "d std(X, dim=0) / dX", "X", {"X": (3, 2)},
         lambda X: X.std(axis=0, keepdims=True), ["var", "axis", "jacobian"]),
    case("j-arctan-theta", "d arctan(theta x) / dtheta", "theta", {"x": (4, 1), "theta": ()},
         lambda x, theta: np.arctan(theta * x), ["elem", "jacobian", "scalar"]),
]

CASES = CASES + MORE
