"""A corpus of several-variable problems `d f / dW1, db1, dW2, db2` and mixed second
derivatives `d^2 f / dx dy` (SPEC 10, "Several variables and mixed derivatives"), typed the
way practitioners type them: networks of two and three layers (tanh, relu, sigmoid,
softplus, leaky_relu), batch softmax cross-entropy with samples as columns and as rows,
NumPy-broadcast biases, logistic and linear regression in (w, b) with a scalar b, weight
decay with a scalar weight among the variables, matrix factorisation, attention, Gaussian
likelihood with a declared spd matrix, declared symmetric W, variables that do not appear
in f, variables in another order than they appear; and mixed derivatives of bilinear forms,
softplus / sigmoid of an inner product, ||W x - y||^2 by every pair, trace forms with two
matrices, scalar-vector and scalar-scalar pairs.

Each case: `id`, `problem`, `kind` ("grads": every result by finite differences of f; or
"mixed": d vec(grad_x f) / d vec(y)^T), `wrts` (the variables, in order), concrete `shapes`,
and `f`, what the person MEANT, written in NumPy independently of mdx (never the
derivative).  Optional: `props` (input draws, as tests/fdcheck.draw), `valid` (a predicate
on the inputs: away from kinks), `notes` (a reading SPEC 9 leaves open: a result of another
reading is acceptable only with a note naming one of these), tag `refuse-ok`.

Run: python -m pytest -q tests/test_several_corpus.py
"""

import numpy as np

# the references both corpora use (softmax, logsumexp, relu, ...)
from spec10_corpus import lrelu, lse, lsm, relu, s, smax  # noqa: F401


# ---------------------------------------------------------------- references
def sig(z):
    return 1 / (1 + np.exp(-z))


def softplus(z):
    return np.logaddexp(0, z)


def case(id, problem, wrts, shapes, f, tags=(), kind="grads", valid=None, props=None,
         notes=()):
    d = dict(id=id, problem=problem, kind=kind, wrts=list(wrts), shapes=shapes,
             props=props or {}, f=f, tags=list(tags), note_names=list(notes))
    if valid is not None:
        d["valid"] = valid
    return d


def mixed(id, problem, x, y, shapes, f, tags=(), **kw):
    return case(id, problem, [x, y], shapes, f, tags, kind="mixed", **kw)


U, P = "unit", "positive"

# shapes: distinct sizes everywhere, so a transposed result cannot pass
NET2 = {"W1": (3, 4), "b1": (3, 1), "W2": (2, 3), "b2": (2, 1), "x": (4, 1), "y": (2, 1)}
NET3 = {"W1": (3, 4), "b1": (3, 1), "W2": (5, 3), "b2": (5, 1), "W3": (2, 5), "b3": (2, 1),
        "x": (4, 1), "y": (2, 1)}
BATCH_COLS = {"W1": (4, 3), "b1": (4, 1), "W2": (2, 4), "b2": (2, 1), "X": (3, 5), "Y": (2, 5)}
BATCH_ROWS = {"X": (5, 3), "W1": (3, 4), "b1": (4, 1), "W2": (4, 2), "b2": (2, 1), "Y": (5, 2)}
LOGI = {"X": (5, 3), "w": (3, 1), "b": (), "y": (5, 1)}


def _net2(act):
    return lambda W1, b1, W2, b2, x, y: np.sum((W2 @ act(W1 @ x + b1) + b2 - y) ** 2)


def _net3(a1, a2):
    return lambda W1, b1, W2, b2, W3, b3, x, y: \
        np.sum((W3 @ a2(W2 @ a1(W1 @ x + b1) + b2) + b3 - y) ** 2)


def _valid_relu_net2(W1, b1, x, **_):
    return float(np.min(np.abs(W1 @ x + b1))) > 0.05


def _valid_relu_net3_first(W1, b1, x, **_):
    return float(np.min(np.abs(W1 @ x + b1))) > 0.05


def _valid_relu_cols(W1, b1, X, **_):
    return float(np.min(np.abs(W1 @ X + b1))) > 0.05


def _valid_relu_rows(X, W1, b1, **_):
    return float(np.min(np.abs(X @ W1 + b1.T))) > 0.05


def _logistic(X, w, b, y):
    p = sig(X @ w + b)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p))


# ---------------------------------------------------------------- networks
NETS = [
    case("net2-tanh", "d ||W2 tanh(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2, _net2(np.tanh), ["net"]),
    case("net2-relu", "d ||W2 relu(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2, _net2(relu), ["net", "kink"], valid=_valid_relu_net2),
    case("net2-sigmoid", "d ||W2 sigmoid(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2, _net2(sig), ["net"]),
    case("net2-sigma-char", "d ||W2 σ(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2, _net2(sig), ["net"]),
    case("net2-softplus", "d ||W2 softplus(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2, _net2(softplus), ["net"]),
    case("net2-lrelu", "d ||W2 leaky_relu(W1 x + b1, 0.1) + b2 - y||^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2, _net2(lambda z: lrelu(z, 0.1)), ["net", "kink"],
         valid=_valid_relu_net2),
    case("net2-tanh-half", "d 0.5 ||W2 tanh(W1 x + b1) + b2 - y||^2 / dW2, db2, dW1, db1",
         ["W2", "b2", "W1", "b1"], NET2,
         lambda W1, b1, W2, b2, x, y: 0.5 * np.sum((W2 @ np.tanh(W1 @ x + b1) + b2 - y) ** 2),
         ["net", "order"]),
    case("net2-tanh-some", "d ||W2 tanh(W1 x + b1) + b2 - y||^2 / db1, dW2",
         ["b1", "W2"], NET2, _net2(np.tanh), ["net", "subset"]),
    case("net2-with-x", "d ||W2 tanh(W1 x + b1) + b2 - y||^2 / dW1, dx",
         ["W1", "x"], NET2, _net2(np.tanh), ["net"]),
    case("net3-tanh", "d ||W3 tanh(W2 tanh(W1 x + b1) + b2) + b3 - y||^2 / dW1, db1, dW2, db2, dW3, db3",
         ["W1", "b1", "W2", "b2", "W3", "b3"], NET3, _net3(np.tanh, np.tanh), ["net"]),
    case("net3-relu-sigmoid",
         "d ||W3 sigmoid(W2 relu(W1 x + b1) + b2) + b3 - y||^2 / dW1, db1, dW2, db2, dW3, db3",
         ["W1", "b1", "W2", "b2", "W3", "b3"], NET3, _net3(relu, sig), ["net", "kink"],
         valid=_valid_relu_net3_first),
    case("net3-softplus-tanh",
         "d ||W3 tanh(W2 softplus(W1 x + b1) + b2) + b3 - y||^2 / dW1, db1, dW2, db2, dW3, db3",
         ["W1", "b1", "W2", "b2", "W3", "b3"], NET3, _net3(softplus, np.tanh), ["net"]),
    case("net3-relu-relu",
         "d ||W3 relu(W2 relu(W1 x + b1) + b2) + b3 - y||^2 / dW1, db1, dW2, db2, dW3, db3",
         ["W1", "b1", "W2", "b2", "W3", "b3"], NET3, _net3(relu, relu), ["net", "kink"],
         valid=lambda W1, b1, W2, b2, x, **_: float(np.min(np.abs(W1 @ x + b1))) > 0.05
         and float(np.min(np.abs(W2 @ relu(W1 @ x + b1) + b2))) > 0.05),
    case("net2-ce-one", "d -y^T log(softmax(W2 tanh(W1 x + b1) + b2)) / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], NET2,
         lambda W1, b1, W2, b2, x, y: -s(y.T @ np.log(smax(W2 @ np.tanh(W1 @ x + b1) + b2, 0))),
         ["net", "ce"]),
    case("net2-residual", "d ||x + V relu(W x + b) - y||^2 / dW, db, dV, dx",
         ["W", "b", "V", "x"], {"x": (4, 1), "W": (3, 4), "b": (3, 1), "V": (4, 3), "y": (4, 1)},
         lambda x, W, b, V, y: np.sum((x + V @ relu(W @ x + b) - y) ** 2), ["net", "kink"],
         valid=lambda W, x, b, **_: float(np.min(np.abs(W @ x + b))) > 0.05),
    case("net2-autoenc", "d ||V sigmoid(W x + b) + c - x||^2 / dW, db, dV, dc",
         ["W", "b", "V", "c"], {"x": (4, 1), "W": (3, 4), "b": (3, 1), "V": (4, 3), "c": (4, 1)},
         lambda x, W, b, V, c: np.sum((V @ sig(W @ x + b) + c - x) ** 2), ["net"]),
    case("net2-tied", "d ||W^T tanh(W x + b) - x||^2 / dW, db",
         ["W", "b"], {"x": (4, 1), "W": (3, 4), "b": (3, 1)},
         lambda x, W, b: np.sum((W.T @ np.tanh(W @ x + b) - x) ** 2), ["net", "shared"]),
    case("net2-decay",
         "d ||W2 tanh(W1 x + b1) + b2 - y||^2 + alpha (||W1||_F^2 + ||W2||_F^2) / dW1, db1, dW2, db2, dalpha",
         ["W1", "b1", "W2", "b2", "alpha"], {**NET2, "alpha": ()},
         lambda W1, b1, W2, b2, x, y, alpha: np.sum((W2 @ np.tanh(W1 @ x + b1) + b2 - y) ** 2)
         + alpha * (np.sum(W1 ** 2) + np.sum(W2 ** 2)), ["net", "scalar"]),
]

# ---------------------------------------------------------------- batches
BATCH = [
    case("batch-cols-softmax",
         "d -sum(Y .* log(softmax(W2 relu(W1 X + b1 1^T) + b2 1^T))) / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], BATCH_COLS,
         lambda W1, b1, W2, b2, X, Y: -np.sum(Y * np.log(smax(W2 @ relu(W1 @ X + b1) + b2, 0))),
         ["batch", "ce", "kink"], valid=_valid_relu_cols, props={"Y": P}),
    case("batch-cols-logsoftmax",
         "d -sum(Y .* log_softmax(W2 tanh(W1 X + b1 1^T) + b2 1^T, dim=0)) / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], BATCH_COLS,
         lambda W1, b1, W2, b2, X, Y: -np.sum(Y * lsm(W2 @ np.tanh(W1 @ X + b1) + b2, 0)),
         ["batch", "ce"], props={"Y": P}),
    case("batch-cols-broadcast",
         "d -sum(Y .* log_softmax(W2 relu(W1 X + b1) + b2, dim=0)) / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], BATCH_COLS,
         lambda W1, b1, W2, b2, X, Y: -np.sum(Y * lsm(W2 @ relu(W1 @ X + b1) + b2, 0)),
         ["batch", "ce", "broadcast", "kink"], valid=_valid_relu_cols, props={"Y": P}),
    case("batch-cols-mse", "d ||W2 sigmoid(W1 X + b1 1^T) + b2 1^T - Y||_F^2 / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], BATCH_COLS,
         lambda W1, b1, W2, b2, X, Y: np.sum((W2 @ sig(W1 @ X + b1) + b2 - Y) ** 2), ["batch"]),
    case("batch-rows-1layer", "d -sum(Y .* log_softmax(X W + 1 b^T, dim=1)) / dW, db",
         ["W", "b"], {"X": (5, 3), "W": (3, 2), "b": (2, 1), "Y": (5, 2)},
         lambda X, W, b, Y: -np.sum(Y * lsm(X @ W + b.T, 1)), ["batch", "rows", "ce"],
         props={"Y": P}),
    case("batch-rows-2layer",
         "d -sum(Y .* log_softmax(relu(X W1 + 1 b1^T) W2 + 1 b2^T, dim=1)) / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], BATCH_ROWS,
         lambda X, W1, b1, W2, b2, Y: -np.sum(Y * lsm(relu(X @ W1 + b1.T) @ W2 + b2.T, 1)),
         ["batch", "rows", "ce", "kink"], valid=_valid_relu_rows, props={"Y": P}),
    case("batch-rows-softmax-log",
         "d -sum(Y .* log(softmax(tanh(X W1 + 1 b1^T) W2 + 1 b2^T, dim=1))) / dW1, db1, dW2, db2",
         ["W1", "b1", "W2", "b2"], BATCH_ROWS,
         lambda X, W1, b1, W2, b2, Y: -np.sum(Y * np.log(smax(np.tanh(X @ W1 + b1.T) @ W2 + b2.T, 1))),
         ["batch", "rows", "ce"], props={"Y": P}),
    case("batch-rows-rowvec",
         "d ||tanh(X W1 + b1) W2 + b2 - Y||_F^2 / dW1, db1, dW2, db2 where b1, b2: row vector",
         ["W1", "b1", "W2", "b2"], {**BATCH_ROWS, "b1": (1, 4), "b2": (1, 2)},
         lambda X, W1, b1, W2, b2, Y: np.sum((np.tanh(X @ W1 + b1) @ W2 + b2 - Y) ** 2),
         ["batch", "rows", "broadcast"]),
    case("batch-mean-ce",
         "d -sum(Y .* log_softmax(W X + b 1^T, dim=0)) / N / dW, db where N: scalar",
         ["W", "b"], {"W": (2, 3), "X": (3, 5), "b": (2, 1), "Y": (2, 5), "N": ()},
         lambda W, X, b, Y, N: -np.sum(Y * lsm(W @ X + b, 0)) / N, ["batch", "ce"],
         props={"Y": P}),
    case("logreg-wb", "d -sum(y .* log(sigmoid(X w + b)) + (1 - y) .* log(1 - sigmoid(X w + b))) / dw, db where b: scalar",
         ["w", "b"], LOGI, _logistic, ["logistic", "scalar"], props={"y": U}),
    case("logreg-softplus", "d sum(softplus(X w + b) - y .* (X w + b)) / dw, db where b: scalar",
         ["w", "b"], LOGI,
         lambda X, w, b, y: np.sum(softplus(X @ w + b) - y * (X @ w + b)), ["logistic", "scalar"],
         props={"y": U}),
    case("logreg-margin", "d sum(softplus(-y .* (X w + b))) / db, dw where b: scalar",
         ["b", "w"], LOGI,
         lambda X, w, b, y: np.sum(softplus(-y * (X @ w + b))), ["logistic", "scalar", "order"]),
    case("logreg-one", "d -(y log(sigmoid(w^T x + b)) + (1 - y) log(1 - sigmoid(w^T x + b))) / dw, db",
         ["w", "b"], {"w": (3, 1), "x": (3, 1), "b": (), "y": ()},
         lambda w, x, b, y: -(y * np.log(sig(s(w.T @ x) + b)) + (1 - y) * np.log(1 - sig(s(w.T @ x) + b))),
         ["logistic", "scalar"], notes=("b", "y")),
    case("logreg-b-undeclared", "d sum(softplus(X w + b) - y .* (X w + b)) / dw, db",
         ["w", "b"], LOGI,
         lambda X, w, b, y: np.sum(softplus(X @ w + b) - y * (X @ w + b)),
         ["logistic", "scalar"], props={"y": U}, notes=("b",)),
    case("linreg-wb", "d ||X w + b 1 - y||^2 / dw, db where b: scalar",
         ["w", "b"], LOGI, lambda X, w, b, y: np.sum((X @ w + b - y) ** 2), ["scalar"]),
    case("linreg-ridge", "d ||X w - y||^2 + alpha ||w||^2 / dw, dalpha",
         ["w", "alpha"], {"X": (5, 3), "w": (3, 1), "y": (5, 1), "alpha": ()},
         lambda X, w, y, alpha: np.sum((X @ w - y) ** 2) + alpha * np.sum(w ** 2), ["scalar"]),
]

# ---------------------------------------------------------------- other several-variable forms
OTHER = [
    case("mf-UV", "d ||X - U V^T||_F^2 / dU, dV", ["U", "V"],
         {"X": (4, 5), "U": (4, 2), "V": (5, 2)},
         lambda X, U, V: np.sum((X - U @ V.T) ** 2), ["matrix"]),
    case("bilinear-all", "d x^T A y / dx, dA, dy", ["x", "A", "y"],
         {"x": (3, 1), "A": (3, 4), "y": (4, 1)}, lambda x, A, y: s(x.T @ A @ y), ["bilinear"]),
    case("trace-AXB", "d tr(A X B X^T) / dX, dA, dB", ["X", "A", "B"],
         {"A": (3, 3), "X": (3, 4), "B": (4, 4)},
         lambda A, X, B: np.trace(A @ X @ B @ X.T), ["trace"]),
    case("attention-QKV", "d tr(G^T softmax(Q K^T, dim=1) V) / dQ, dK, dV", ["Q", "K", "V"],
         {"Q": (4, 3), "K": (5, 3), "V": (5, 2), "G": (4, 2)},
         lambda Q, K, V, G: np.sum(G * (smax(Q @ K.T, 1) @ V)), ["attention"]),
    case("gauss-mu-S", "d (x - mu)^T inv(S) (x - mu) + log det(S) / dmu, dS where S: spd; mu: vector",
         ["mu", "S"], {"x": (3, 1), "mu": (3, 1), "S": (3, 3)},
         lambda x, mu, S: s((x - mu).T @ np.linalg.inv(S) @ (x - mu)) + np.log(np.linalg.det(S)),
         ["props"], props={"S": "spd"}),
    case("sym-W", "d x^T W x + ||W||_F^2 / dW, dx where W: symmetric", ["W", "x"],
         {"x": (3, 1), "W": (3, 3)},
         lambda x, W: s(x.T @ W @ x) + np.sum(W ** 2), ["props"], props={"W": "symmetric"}),
    case("absent-z", "d x^T A x / dx, dz where z: vector 4", ["x", "z"],
         {"x": (3, 1), "A": (3, 3), "z": (4, 1)},
         lambda x, A, z: s(x.T @ A @ x), ["absent"]),
    case("absent-Z", "d ||W x||^2 / dW, dZ where Z: matrix 2 x 5", ["W", "Z"],
         {"W": (3, 4), "x": (4, 1), "Z": (2, 5)},
         lambda W, x, Z: np.sum((W @ x) ** 2), ["absent"]),
    case("absent-undeclared", "d ||W x||^2 / dW, dc", ["W", "c"],
         {"W": (3, 4), "x": (4, 1), "c": (2, 1)},
         lambda W, x, c: np.sum((W @ x) ** 2), ["absent", "refuse-ok"]),
    case("scalars-only", "d a b^2 + sin(a) / da, db where a, b: scalar", ["a", "b"],
         {"a": (), "b": ()}, lambda a, b: a * b ** 2 + np.sin(a), ["scalar"]),
    case("greek-scalars", "d alpha ||x||^2 + beta sum(x) / dalpha, dbeta, dx", ["alpha", "beta", "x"],
         {"alpha": (), "beta": (), "x": (4, 1)},
         lambda alpha, beta, x: alpha * np.sum(x ** 2) + beta * np.sum(x), ["scalar"]),
    case("scale-exp", "d s exp(a^T x) / ds, dx, da where s: scalar", ["s", "x", "a"],
         {"s": (), "a": (3, 1), "x": (3, 1)},
         lambda s, a, x: s * np.exp(a.T @ x).item(), ["scalar"]),
    case("logdet-XS", "d log det(X) - tr(S X) / dX, dS", ["X", "S"],
         {"X": (3, 3), "S": (3, 3)},
         lambda X, S: np.log(np.linalg.det(X)) - np.trace(S @ X), ["matrix"], props={"X": "spd"}),
    case("inv-XY", "d tr(inv(X) Y) + ||Y||_F^2 / dX, dY", ["X", "Y"],
         {"X": (3, 3), "Y": (3, 3)},
         lambda X, Y: np.trace(np.linalg.inv(X) @ Y) + np.sum(Y ** 2), ["matrix"],
         props={"X": "invertible"}),
    case("layernorm-gc", "d ||g .* (x - mean(x) 1) / sqrt(var(x) + eps) + c - y||^2 / dg, dc, dx",
         ["g", "c", "x"], {"g": (5, 1), "c": (5, 1), "x": (5, 1), "y": (5, 1), "eps": ()},
         lambda g, c, x, y, eps: np.sum((g * (x - x.mean()) / np.sqrt(x.var() + eps) + c - y) ** 2),
         ["norm"]),
    case("net4-tanh",
         "d ||W4 tanh(W3 tanh(W2 tanh(W1 x + b1) + b2) + b3) + b4 - y||^2 / dW1, db1, dW2, db2, dW3, db3, dW4, db4",
         ["W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4"],
         {"W1": (3, 4), "b1": (3, 1), "W2": (5, 3), "b2": (5, 1), "W3": (3, 5), "b3": (3, 1),
          "W4": (2, 3), "b4": (2, 1), "x": (4, 1), "y": (2, 1)},
         lambda W1, b1, W2, b2, W3, b3, W4, b4, x, y: np.sum(
             (W4 @ np.tanh(W3 @ np.tanh(W2 @ np.tanh(W1 @ x + b1) + b2) + b3) + b4 - y) ** 2),
         ["net", "deep"]),
]

# ---------------------------------------------------------------- mixed second derivatives
MIXED = [
    mixed("mx-bilinear", "d^2 x^T A y / dx dy", "x", "y",
          {"x": (3, 1), "A": (3, 4), "y": (4, 1)}, lambda x, A, y: s(x.T @ A @ y), ["bilinear"]),
    mixed("mx-bilinear-yx", "d^2 x^T A y / dy dx", "y", "x",
          {"x": (3, 1), "A": (3, 4), "y": (4, 1)}, lambda x, A, y: s(x.T @ A @ y), ["bilinear"]),
    mixed("mx-bilinear-xA", "d^2 x^T A y / dx dA", "x", "A",
          {"x": (3, 1), "A": (3, 4), "y": (4, 1)}, lambda x, A, y: s(x.T @ A @ y), ["bilinear"]),
    mixed("mx-softplus-dot", "d^2 softplus(x^T y) / dx dy", "x", "y",
          {"x": (3, 1), "y": (3, 1)}, lambda x, y: float(softplus(s(x.T @ y))), ["smooth"]),
    mixed("mx-sigmoid-dot", "d^2 log(sigmoid(w^T x)) / dw dx", "w", "x",
          {"w": (3, 1), "x": (3, 1)}, lambda w, x: float(np.log(sig(s(w.T @ x)))), ["smooth"]),
    mixed("mx-ls-Wx", "d^2 ||W x - y||^2 / dW dx", "W", "x",
          {"W": (2, 3), "x": (3, 1), "y": (2, 1)}, lambda W, x, y: np.sum((W @ x - y) ** 2), ["ls"]),
    mixed("mx-ls-xW", "d^2 ||W x - y||^2 / dx dW", "x", "W",
          {"W": (2, 3), "x": (3, 1), "y": (2, 1)}, lambda W, x, y: np.sum((W @ x - y) ** 2), ["ls"]),
    mixed("mx-ls-xy", "d^2 ||W x - y||^2 / dx dy", "x", "y",
          {"W": (2, 3), "x": (3, 1), "y": (2, 1)}, lambda W, x, y: np.sum((W @ x - y) ** 2), ["ls"]),
    mixed("mx-ls-Wy", "d^2 ||W x - y||^2 / dW dy", "W", "y",
          {"W": (2, 3), "x": (3, 1), "y": (2, 1)}, lambda W, x, y: np.sum((W @ x - y) ** 2), ["ls"]),
    mixed("mx-tr-XtY", "d^2 tr(X^T Y) / dX dY", "X", "Y",
          {"X": (2, 3), "Y": (2, 3)}, lambda X, Y: np.trace(X.T @ Y), ["trace"]),
    mixed("mx-tr-XY", "d^2 tr(X Y) / dX dY", "X", "Y",
          {"X": (2, 3), "Y": (3, 2)}, lambda X, Y: np.trace(X @ Y), ["trace"]),
    mixed("mx-tr-AXBY", "d^2 tr(A X B Y) / dX dY", "X", "Y",
          {"A": (2, 2), "X": (2, 3), "B": (3, 3), "Y": (3, 2)},
          lambda A, X, B, Y: np.trace(A @ X @ B @ Y), ["trace"]),
    mixed("mx-tr-XAYt", "d^2 tr(X A Y^T) / dY dX", "Y", "X",
          {"X": (2, 3), "A": (3, 4), "Y": (2, 4)}, lambda X, A, Y: np.trace(X @ A @ Y.T), ["trace"]),
    mixed("mx-mf-UV", "d^2 ||X - U V^T||_F^2 / dU dV", "U", "V",
          {"X": (3, 4), "U": (3, 2), "V": (4, 2)}, lambda X, U, V: np.sum((X - U @ V.T) ** 2),
          ["matrix"]),
    mixed("mx-s-x", "d^2 s exp(a^T x) / ds dx where s: scalar", "s", "x",
          {"s": (), "a": (3, 1), "x": (3, 1)}, lambda s, a, x: s * np.exp(a.T @ x).item(),
          ["scalar"]),
    mixed("mx-x-s", "d^2 s exp(a^T x) / dx ds where s: scalar", "x", "s",
          {"s": (), "a": (3, 1), "x": (3, 1)}, lambda s, a, x: s * np.exp(a.T @ x).item(),
          ["scalar"]),
    mixed("mx-alpha-w", "d^2 alpha ||w||^2 / dalpha dw", "alpha", "w",
          {"alpha": (), "w": (3, 1)}, lambda alpha, w: alpha * np.sum(w ** 2), ["scalar"]),
    mixed("mx-scalars", "d^2 s t^2 + sin(s t) / ds dt where s, t: scalar", "s", "t",
          {"s": (), "t": ()}, lambda s, t: s * t ** 2 + np.sin(s * t), ["scalar"]),
    mixed("mx-absent", "d^2 x^T A x / dx dy where y: vector 4", "x", "y",
          {"x": (3, 1), "A": (3, 3), "y": (4, 1)}, lambda x, A, y: s(x.T @ A @ x), ["absent"]),
    mixed("mx-hessian-same", "d^2 x^T A x + sum(exp(x)) / dx dx", "x", "x",
          {"x": (3, 1), "A": (3, 3)}, lambda x, A: s(x.T @ A @ x) + np.sum(np.exp(x)), ["same"]),
    mixed("mx-quad-xA", "d^2 x^T A x / dx dA", "x", "A",
          {"x": (3, 1), "A": (3, 3)}, lambda x, A: s(x.T @ A @ x), ["quad"]),
    mixed("mx-sym-W", "d^2 x^T W x / dx dW where W: symmetric", "x", "W",
          {"x": (3, 1), "W": (3, 3)}, lambda x, W: s(x.T @ W @ x), ["props"],
          props={"W": "symmetric"}),
    mixed("mx-tanh-Wb", "d^2 ||tanh(W x + b)||^2 / db dW", "b", "W",
          {"W": (2, 3), "x": (3, 1), "b": (2, 1)},
          lambda W, x, b: np.sum(np.tanh(W @ x + b) ** 2), ["net"]),
    mixed("mx-lse-xW", "d^2 logsumexp(W x) / dx dW", "x", "W",
          {"W": (2, 3), "x": (3, 1)}, lambda W, x: s(lse(W @ x, 0)), ["smooth"]),
    mixed("mx-ce-Wb", "d^2 -y^T log_softmax(W x + b) / dW db", "W", "b",
          {"W": (3, 2), "x": (2, 1), "b": (3, 1), "y": (3, 1)},
          lambda W, x, b, y: -s(y.T @ lsm(W @ x + b, 0)), ["ce"], props={"y": P}),
    mixed("mx-logreg-wb", "d^2 sum(softplus(X w + b) - y .* (X w + b)) / dw db where b: scalar",
          "w", "b", LOGI, lambda X, w, b, y: np.sum(softplus(X @ w + b) - y * (X @ w + b)),
          ["logistic", "scalar"], props={"y": U}),
    mixed("mx-net-W1W2", "d^2 ||W2 tanh(W1 x + b1) - y||^2 / dW1 dW2", "W1", "W2",
          {"W1": (3, 2), "b1": (3, 1), "W2": (2, 3), "x": (2, 1), "y": (2, 1)},
          lambda W1, b1, W2, x, y: np.sum((W2 @ np.tanh(W1 @ x + b1) - y) ** 2), ["net"]),
    mixed("mx-net-b1b2", "d^2 ||W2 sigmoid(W1 x + b1) + b2 - y||^2 / db1 db2", "b1", "b2",
          {"W1": (3, 2), "b1": (3, 1), "W2": (2, 3), "b2": (2, 1), "x": (2, 1), "y": (2, 1)},
          lambda W1, b1, W2, b2, x, y: np.sum((W2 @ sig(W1 @ x + b1) + b2 - y) ** 2), ["net"]),
    mixed("mx-relu-W2x", "d^2 ||W2 relu(W1 x) - y||^2 / dW2 dx", "W2", "x",
          {"W1": (3, 2), "W2": (2, 3), "x": (2, 1), "y": (2, 1)},
          lambda W1, W2, x, y: np.sum((W2 @ relu(W1 @ x) - y) ** 2), ["net", "kink"],
          valid=lambda W1, x, **_: float(np.min(np.abs(W1 @ x))) > 0.05),
    mixed("mx-softmax-Wx", "d^2 sum(softmax(W x, dim=0) .* y) / dW dx", "W", "x",
          {"W": (3, 2), "x": (2, 1), "y": (3, 1)},
          lambda W, x, y: np.sum(smax(W @ x, 0) * y), ["axis"]),
    mixed("mx-inv-xS", "d^2 x^T inv(S) x / dx dS where S: spd", "x", "S",
          {"x": (3, 1), "S": (3, 3)}, lambda x, S: s(x.T @ np.linalg.inv(S) @ x), ["props"],
          props={"S": "spd"}),
    mixed("mx-logdet-XA", "d^2 log det(X) + tr(A X) / dX dA", "X", "A",
          {"X": (3, 3), "A": (3, 3)}, lambda X, A: np.log(np.linalg.det(X)) + np.trace(A @ X),
          ["matrix"], props={"X": "spd"}),
    mixed("mx-batch-ce-Wb", "d^2 -sum(Y .* log_softmax(W X + b 1^T, dim=0)) / dW db", "W", "b",
          {"W": (3, 2), "X": (2, 4), "b": (3, 1), "Y": (3, 4)},
          lambda W, X, b, Y: -np.sum(Y * lsm(W @ X + b, 0)), ["batch", "ce"], props={"Y": P}),
    mixed("mx-rows-XW", "d^2 sum(Y .* log_softmax(X W, dim=1)) / dX dW", "X", "W",
          {"X": (3, 2), "W": (2, 3), "Y": (3, 3)},
          lambda X, W, Y: np.sum(Y * lsm(X @ W, 1)), ["rows"]),
    mixed("mx-frob-XY", "d^2 ||X Y||_F^2 / dX dY", "X", "Y",
          {"X": (2, 3), "Y": (3, 2)}, lambda X, Y: np.sum((X @ Y) ** 2), ["matrix"]),
    mixed("mx-attn-QV", "d^2 tr(G^T softmax(Q K^T, dim=1) V) / dQ dV", "Q", "V",
          {"Q": (2, 3), "K": (3, 3), "V": (3, 2), "G": (2, 2)},
          lambda Q, K, V, G: np.sum(G * (smax(Q @ K.T, 1) @ V)), ["attention"]),
]

CASES = NETS + BATCH + OTHER + MIXED
