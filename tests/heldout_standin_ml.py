"""A stand-in for the held-out corpus: machine-learning losses and Hessians
(format: shared/eval/README.md; the same `case(...)` shape as cases_public.py).

Least squares (weighted, with bias, ridge, Tikhonov, smooth elastic net),
logistic regression (per sample and batch, bias, L2, ±1 labels), softmax
cross-entropy (vector and batch, W x + b, `distribution` labels, log_softmax,
dim=), logsumexp, MLPs with one or two hidden layers, matrix factorisation,
Gaussian negative log-likelihoods, PCA / autoencoders, RMS and layer norm,
attention, smooth robust losses, and Hessians.  Every `reference` is a
textbook derivation in DENOMINATOR layout, validated by `--self-test`;
`reference_text` is its compact textbook form.

Labels declared `distribution` (SPEC 2: entries sum to one; for a matrix each
column) need draws that satisfy the declaration.  The public harness has no
such property, so when this file is loaded by harness.py it teaches the
harness one more prop, `distribution`: positive entries normalised so that
each column sums to one.  Nothing else of the harness is changed.
"""

import sys

import numpy as np

inv, det = np.linalg.inv, np.linalg.det


def _install_distribution_prop():
    h = sys.modules.get("__main__")
    if h is None or not hasattr(h, "draw_value") or not hasattr(h, "KNOWN_PROPS"):
        return
    if getattr(h, "_distribution_prop", False):
        return
    original = h.draw_value

    def draw_value(rng, shape, prop):
        if prop == "distribution":
            v = rng.uniform(0.1, 1.0, shape)
            return v / v.sum(axis=0, keepdims=True)
        return original(rng, shape, prop)
    h.draw_value = draw_value
    h.KNOWN_PROPS.add("distribution")
    h._distribution_prop = True


_install_distribution_prop()


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _smc(Z):                    # softmax of each column
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _smr(Z):                    # softmax of each row
    return _smc(Z.T).T


def _lse(z):
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m)))


def _lsec(Z):                   # logsumexp of each column: a row
    m = Z.max(axis=0, keepdims=True)
    return m + np.log(np.exp(Z - m).sum(axis=0, keepdims=True))


def _softplus(z):
    return np.logaddexp(0.0, z)


def _var(x):
    return np.mean((x - np.mean(x)) ** 2)


# Pieces of reference expressions (pure NumPy, as result.numpy must be).
def SM(z):
    return f"(np.exp({z}) / np.sum(np.exp({z})))"


def SMC(z):
    return f"(np.exp({z}) / np.sum(np.exp({z}), axis=0, keepdims=True))"


def SMR(z):
    return f"(np.exp({z}) / np.sum(np.exp({z}), axis=1, keepdims=True))"


def SIG(z):
    return f"(1 / (1 + np.exp(-({z}))))"


def DSIG(z):
    return f"({SIG(z)} * (1 - {SIG(z)}))"


def HLSE(z):
    """Hessian of logsumexp at z: diag(softmax) - softmax softmax^T."""
    return f"(np.diag({SM(z)}.ravel()) - {SM(z)} @ {SM(z)}.T)"


INV = "np.linalg.inv"


def case(id, source, problem, wrt, shapes, f, reference, reference_text, tags,
         props=None, order=1, valid=None):
    d = dict(id=id, source=source, problem=problem, wrt=wrt, shapes=shapes,
             props=props or {}, f=f, order=order, reference=reference,
             reference_text=reference_text, tags=tags)
    if valid is not None:
        d["valid"] = valid
    return d


LS = {"y": (6, 1), "X": (6, 3), "w": (3, 1)}
MLP = {"W2": (2, 4), "W1": (4, 3), "x": (3, 1), "y": (2, 1)}
MLP2 = {"W3": (2, 3), "W2": (3, 4), "W1": (4, 5), "x": (5, 1), "y": (2, 1)}
SCE = {"y": (4, 1), "W": (4, 3), "x": (3, 1), "b": (4, 1)}
BATCH = {"Y": (3, 5), "W": (3, 4), "X": (4, 5), "b": (3, 1)}
MF = {"R": (5, 4), "U": (5, 2), "V": (4, 2)}
ATT = {"G": (4, 3), "Q": (4, 2), "K": (5, 2), "V": (5, 3), "α": ()}
DIST = {"y": "distribution"}
AWAY = 0.05                     # relu arguments kept this far from 0

# two-hidden-layer sigmoid network, written out for the reference
_H1 = SIG("W1 @ x")
_H2 = SIG(f"W2 @ {_H1}")
_G2 = f"({_H2} * (1 - {_H2}) * (W3.T @ (W3 @ {_H2} - y)))"
_G1 = f"({_H1} * (1 - {_H1}) * (W2.T @ {_G2}))"

# attention with a row-wise softmax A = softmax(Q K^T / α, dim=1); M = G V^T
_A = SMR("Q @ K.T / α")
_GS = f"({_A} * (G @ V.T) - np.sum({_A} * (G @ V.T), axis=1, keepdims=True) * {_A})"
_ATT_TXT = ("softmax(Q K^T / α, dim=1) ∘ (G V^T) - diag((softmax(Q K^T / α, dim=1) ∘ (G V^T)) 1) "
            "softmax(Q K^T / α, dim=1)")

# layer norm of x: centred xc, v = var(x) + ε
_XC = "(x - np.mean(x))"
_V = f"(np.mean({_XC} ** 2) + ε)"

# layer-norm residual t = LN(x) - y; row-wise softmax of X^T A X; tanh' on the diagonal
_T = f"({_XC} / np.sqrt({_V}) - y)"
_B = SMR("X.T @ A @ X")
_D = "np.diag((1 - np.tanh(W1 @ x) ** 2).ravel())"

CASES = [
    # ------------------------------------------------------------ least squares
    case("ml-ls-weighted-diagonal", "ML: weighted least squares (y - Xw)^T D (y - Xw)",
         "d (y - X w)^T D (y - X w) / dw where D: diagonal", "w", {**LS, "D": (6, 6)},
         lambda y, X, w, D: (y - X @ w).T @ D @ (y - X @ w),
         "-2 * X.T @ D @ (y - X @ w)", "-2 X^T D (y - X w)", ["ml", "least-squares"],
         props={"D": "diagonal"}),
    case("ml-ls-weighted-symmetric", "ML: generalised least squares, symmetric weight matrix",
         "d (X w - y)^T A (X w - y) / dw where A: symmetric", "w", {**LS, "A": (6, 6)},
         lambda y, X, w, A: (X @ w - y).T @ A @ (X @ w - y),
         "2 * X.T @ A @ (X @ w - y)", "2 X^T A (X w - y)", ["ml", "least-squares", "symmetric"],
         props={"A": "symmetric"}),
    case("ml-ls-scalar-bias-w", "ML: least squares with a scalar intercept, w.r.t. the weights",
         "d ||X w + β - y||^2 / dw", "w", {**LS, "β": ()},
         lambda y, X, w, β: np.sum((X @ w + β - y) ** 2),
         "2 * X.T @ (X @ w + β - y)", "2 X^T (X w + β - y)", ["ml", "least-squares"]),
    case("ml-ls-scalar-bias-beta", "ML: least squares with a scalar intercept, w.r.t. the intercept",
         "d ||X w + β - y||^2 / dβ", "β", {**LS, "β": ()},
         lambda y, X, w, β: np.sum((X @ w + β - y) ** 2),
         "2 * np.sum(X @ w + β - y)", "2 sum(X w + β - y)", ["ml", "least-squares"]),
    case("ml-ls-multioutput-ridge", "ML: multi-output ridge regression ||XW - Y||_F^2 + λ||W||_F^2",
         "d ||X W - Y||_F^2 + λ ||W||_F^2 / dW", "W",
         {"X": (6, 3), "W": (3, 2), "Y": (6, 2), "λ": ()},
         lambda X, W, Y, λ: np.sum((X @ W - Y) ** 2) + λ * np.sum(W ** 2),
         "2 * X.T @ (X @ W - Y) + 2 * λ * W", "2 X^T (X W - Y) + 2 λ W", ["ml", "ridge"]),
    case("ml-tikhonov", "ML: Tikhonov regularisation ||Ax - b||^2 + λ||Lx||^2",
         "d ||A x - b||^2 + λ ||L x||^2 / dx", "x",
         {"A": (5, 3), "x": (3, 1), "b": (5, 1), "L": (4, 3), "λ": ()},
         lambda A, x, b, L, λ: np.sum((A @ x - b) ** 2) + λ * np.sum((L @ x) ** 2),
         "2 * A.T @ (A @ x - b) + 2 * λ * L.T @ L @ x", "2 A^T (A x - b) + 2 λ L^T L x",
         ["ml", "ridge"]),
    case("ml-elastic-smooth", "ML: smooth elastic-net-like penalty, squared terms towards 0 and v",
         "d ||y - X w||^2 / 2 + α ||w||^2 + β ||w - v||^2 / dw", "w",
         {**LS, "v": (3, 1), "α": (), "β": ()},
         lambda y, X, w, v, α, β: np.sum((y - X @ w) ** 2) / 2 + α * np.sum(w ** 2)
         + β * np.sum((w - v) ** 2),
         "X.T @ (X @ w - y) + 2 * α * w + 2 * β * (w - v)",
         "X^T (X w - y) + 2 α w + 2 β (w - v)", ["ml", "ridge"]),
    case("ml-mse-size", "ML: mean squared error ||Xw - y||^2 / n with the sample count as a size",
         "d ||X w - y||^2 / n / dw where X: matrix n x d", "w", LS,
         lambda y, X, w: np.sum((X @ w - y) ** 2) / X.shape[0],
         "2 * X.T @ (X @ w - y) / X.shape[0]", "2 X^T (X w - y) / n", ["ml", "least-squares"]),
    case("ml-ls-AXB", "ML: matrix least squares ||A X B - C||_F^2 (Cookbook eq. (119) form)",
         "d ||A X B - C||_F^2 / dX", "X", {"A": (4, 3), "X": (3, 5), "B": (5, 2), "C": (4, 2)},
         lambda A, X, B, C: np.sum((A @ X @ B - C) ** 2),
         "2 * A.T @ (A @ X @ B - C) @ B.T", "2 A^T (A X B - C) B^T", ["ml", "least-squares"]),
    case("ml-ls-batch-bias-ridge-W", "ML: batch regression with broadcast bias and weight decay",
         "d ||W X + b 1^T - Y||_F^2 + λ ||W||_F^2 / dW", "W", {**BATCH, "λ": ()},
         lambda Y, W, X, b, λ: np.sum((W @ X + b - Y) ** 2) + λ * np.sum(W ** 2),
         "2 * (W @ X + b - Y) @ X.T + 2 * λ * W", "2 (W X + b 1^T - Y) X^T + 2 λ W",
         ["ml", "ridge", "batch"]),
    case("ml-ls-rows-bias-b", "ML: samples as rows, bias broadcast over rows 1 b^T",
         "d ||X W + 1 b^T - Y||_F^2 / db", "b",
         {"X": (6, 3), "W": (3, 2), "b": (2, 1), "Y": (6, 2)},
         lambda X, W, b, Y: np.sum((X @ W + b.T - Y) ** 2),
         "2 * (X @ W + b.T - Y).T @ np.ones((X.shape[0], 1))", "2 (X W + 1 b^T - Y)^T 1",
         ["ml", "least-squares", "batch"]),

    # ------------------------------------------------------ logistic regression
    case("ml-logreg-sample-w", "ML: one-sample binary cross-entropy with bias, w.r.t. w",
         "d -(y log(σ(w^T x + b)) + (1 - y) log(1 - σ(w^T x + b))) / dw where y, b: scalar", "w",
         {"w": (4, 1), "x": (4, 1), "y": (), "b": ()},
         lambda w, x, y, b: -(y * np.log(_sig(w.T @ x + b)) + (1 - y) * np.log(1 - _sig(w.T @ x + b))),
         f"({SIG('w.T @ x + b')} - y) * x", "(σ(w^T x + b) - y) x", ["ml", "logistic"]),
    case("ml-logreg-sample-b", "ML: one-sample binary cross-entropy with bias, w.r.t. b",
         "d -(y log(σ(w^T x + b)) + (1 - y) log(1 - σ(w^T x + b))) / db where y, b: scalar", "b",
         {"w": (4, 1), "x": (4, 1), "y": (), "b": ()},
         lambda w, x, y, b: -(y * np.log(_sig(w.T @ x + b)) + (1 - y) * np.log(1 - _sig(w.T @ x + b))),
         f"{SIG('w.T @ x + b')} - y", "σ(w^T x + b) - y", ["ml", "logistic"]),
    case("ml-logreg-batch-intercept", "ML: logistic regression with a scalar intercept, w.r.t. it",
         "d sum(softplus(X w + β)) - y^T (X w + β) / dβ", "β", {**LS, "β": ()},
         lambda y, X, w, β: np.sum(_softplus(X @ w + β)) - y.T @ (X @ w + β),
         f"np.sum({SIG('X @ w + β')} - y)", "sum(σ(X w + β) - y)", ["ml", "logistic"]),
    case("ml-logreg-batch-intercept-w", "ML: logistic regression with a scalar intercept, w.r.t. w",
         "d sum(softplus(X w + β)) - y^T (X w + β) / dw", "w", {**LS, "β": ()},
         lambda y, X, w, β: np.sum(_softplus(X @ w + β)) - y.T @ (X @ w + β),
         f"X.T @ ({SIG('X @ w + β')} - y)", "X^T (σ(X w + β) - y)", ["ml", "logistic"]),
    case("ml-logreg-l2", "ML: L2-regularised logistic regression",
         "d sum(softplus(X w)) - y^T X w + λ ||w||^2 / 2 / dw", "w", {**LS, "λ": ()},
         lambda y, X, w, λ: np.sum(_softplus(X @ w)) - y.T @ X @ w + λ * np.sum(w ** 2) / 2,
         f"X.T @ ({SIG('X @ w')} - y) + λ * w", "X^T (σ(X w) - y) + λ w", ["ml", "logistic"]),
    case("ml-logreg-pm1", "ML: logistic loss with ±1 labels sum log(1 + exp(-y ∘ Xw))",
         "d sum(log(1 + exp(-y .* (X w)))) / dw", "w", LS,
         lambda y, X, w: np.sum(np.log(1 + np.exp(-y * (X @ w)))),
         f"-X.T @ (y * {SIG('-y * (X @ w)')})", "-X^T (y ∘ σ(-y ∘ (X w)))", ["ml", "logistic"]),
    case("ml-bce-batch", "ML: binary cross-entropy over a batch, written with logs",
         "d -sum(y .* log(σ(X w)) + (1 - y) .* log(1 - σ(X w))) / dw", "w", LS,
         lambda y, X, w: -np.sum(y * np.log(_sig(X @ w)) + (1 - y) * np.log(1 - _sig(X @ w))),
         f"X.T @ ({SIG('X @ w')} - y)", "X^T (σ(X w) - y)", ["ml", "logistic"]),
    case("ml-logreg-multilabel-W", "ML: multi-label logistic regression w.r.t. the weight matrix",
         "d sum(softplus(W x)) - y^T W x / dW", "W", {"W": (4, 3), "x": (3, 1), "y": (4, 1)},
         lambda W, x, y: np.sum(_softplus(W @ x)) - y.T @ W @ x,
         f"({SIG('W @ x')} - y) @ x.T", "(σ(W x) - y) x^T", ["ml", "logistic"]),
    case("ml-bce-matrix-W", "ML: binary cross-entropy of a batch of multi-label outputs, w.r.t. W",
         "d -sum(Y .* log(σ(W X)) + (1 - Y) .* log(1 - σ(W X))) / dW", "W",
         {"Y": (3, 5), "W": (3, 4), "X": (4, 5)},
         lambda Y, W, X: -np.sum(Y * np.log(_sig(W @ X)) + (1 - Y) * np.log(1 - _sig(W @ X))),
         f"({SIG('W @ X')} - Y) @ X.T", "(σ(W X) - Y) X^T", ["ml", "logistic", "batch"]),
    case("ml-bce-matrix-X", "ML: binary cross-entropy of a batch, w.r.t. the inputs",
         "d -sum(Y .* log(σ(W X)) + (1 - Y) .* log(1 - σ(W X))) / dX", "X",
         {"Y": (3, 5), "W": (3, 4), "X": (4, 5)},
         lambda Y, W, X: -np.sum(Y * np.log(_sig(W @ X)) + (1 - Y) * np.log(1 - _sig(W @ X))),
         f"W.T @ ({SIG('W @ X')} - Y)", "W^T (σ(W X) - Y)", ["ml", "logistic", "batch"]),

    # ---------------------------------------------------- softmax cross-entropy
    case("ml-sce-bias-b", "ML: softmax cross-entropy of W x + b, w.r.t. b (y a distribution)",
         "d -y^T log(softmax(W x + b)) / db where y: distribution", "b", SCE,
         lambda y, W, x, b: -(y.T @ np.log(_softmax(W @ x + b))),
         f"{SM('W @ x + b')} - y", "softmax(W x + b) - y", ["ml", "softmax"], props=DIST),
    case("ml-sce-bias-W", "ML: softmax cross-entropy of W x + b, w.r.t. W",
         "d -y^T log(softmax(W x + b)) / dW where y: distribution", "W", SCE,
         lambda y, W, x, b: -(y.T @ np.log(_softmax(W @ x + b))),
         f"({SM('W @ x + b')} - y) @ x.T", "(softmax(W x + b) - y) x^T", ["ml", "softmax"],
         props=DIST),
    case("ml-sce-bias-x", "ML: softmax cross-entropy of W x + b, w.r.t. the input",
         "d -y^T log(softmax(W x + b)) / dx where y: distribution", "x", SCE,
         lambda y, W, x, b: -(y.T @ np.log(_softmax(W @ x + b))),
         f"W.T @ ({SM('W @ x + b')} - y)", "W^T (softmax(W x + b) - y)", ["ml", "softmax"],
         props=DIST),
    case("ml-sce-log-softmax-W", "ML: cross-entropy written with log_softmax (PyTorch spelling)",
         "d -y^T log_softmax(W x) / dW where y: distribution", "W",
         {"y": (4, 1), "W": (4, 3), "x": (3, 1)},
         lambda y, W, x: -(y.T @ np.log(_softmax(W @ x))),
         f"({SM('W @ x')} - y) @ x.T", "(softmax(W x) - y) x^T", ["ml", "softmax"], props=DIST),
    case("ml-sce-batch-bias-W", "ML: batch softmax cross-entropy with broadcast bias, w.r.t. W",
         "d -sum(Y .* log(softmax(W X + b 1^T))) / dW where Y: distribution", "W", BATCH,
         lambda Y, W, X, b: -np.sum(Y * np.log(_smc(W @ X + b))),
         f"({SMC('W @ X + b')} - Y) @ X.T", "(softmax(W X + b 1^T) - Y) X^T",
         ["ml", "softmax", "batch"], props={"Y": "distribution"}),
    case("ml-sce-batch-bias-b", "ML: batch softmax cross-entropy with broadcast bias, w.r.t. b",
         "d -sum(Y .* log(softmax(W X + b 1^T))) / db where Y: distribution", "b", BATCH,
         lambda Y, W, X, b: -np.sum(Y * np.log(_smc(W @ X + b))),
         f"np.sum({SMC('W @ X + b')} - Y, axis=1, keepdims=True)", "(softmax(W X + b 1^T) - Y) 1",
         ["ml", "softmax", "batch"], props={"Y": "distribution"}),
    case("ml-sce-batch-mean-W", "ML: mean batch softmax cross-entropy, batch size as a size",
         "d -sum(Y .* log(softmax(W X))) / m / dW where Y: distribution; X: matrix n x m", "W",
         {"Y": (3, 5), "W": (3, 4), "X": (4, 5)},
         lambda Y, W, X: -np.sum(Y * np.log(_smc(W @ X))) / X.shape[1],
         f"({SMC('W @ X')} - Y) @ X.T / X.shape[1]", "(softmax(W X) - Y) X^T / m",
         ["ml", "softmax", "batch"], props={"Y": "distribution"}),
    case("ml-sce-l2", "ML: softmax cross-entropy with weight decay",
         "d -y^T log(softmax(W x)) + λ ||W||_F^2 / 2 / dW where y: distribution", "W",
         {"y": (4, 1), "W": (4, 3), "x": (3, 1), "λ": ()},
         lambda y, W, x, λ: -(y.T @ np.log(_softmax(W @ x))) + λ * np.sum(W ** 2) / 2,
         f"({SM('W @ x')} - y) @ x.T + λ * W", "(softmax(W x) - y) x^T + λ W", ["ml", "softmax"],
         props=DIST),
    case("ml-sce-log-softmax-dim0", "ML: batch cross-entropy on logits, log_softmax over dim 0",
         "d -sum(Y .* log_softmax(Z, dim=0)) / dZ where Y: distribution", "Z",
         {"Y": (4, 3), "Z": (4, 3)},
         lambda Y, Z: -np.sum(Y * np.log(_smc(Z))),
         f"{SMC('Z')} - Y", "softmax(Z) - Y", ["ml", "softmax", "batch"],
         props={"Y": "distribution"}),
    case("ml-sce-rows-undeclared", "ML: row-wise softmax cross-entropy, labels not declared",
         "d -sum(Y .* log(softmax(Z, dim=1))) / dZ", "Z", {"Y": (3, 4), "Z": (3, 4)},
         lambda Y, Z: -np.sum(Y * np.log(_smr(Z))),
         f"np.sum(Y, axis=1, keepdims=True) * {SMR('Z')} - Y", "diag(Y 1) softmax(Z, dim=1) - Y",
         ["ml", "softmax", "batch"]),

    # ---------------------------------------------------------------- logsumexp
    case("ml-lse-affine-x", "ML: logsumexp of an affine map, w.r.t. x",
         "d logsumexp(A x + b) / dx", "x", {"A": (5, 3), "x": (3, 1), "b": (5, 1)},
         lambda A, x, b: _lse(A @ x + b),
         f"A.T @ {SM('A @ x + b')}", "A^T softmax(A x + b)", ["ml", "logsumexp"]),
    case("ml-lse-W", "ML: logsumexp of W x, w.r.t. W",
         "d logsumexp(W x) / dW", "W", {"W": (4, 3), "x": (3, 1)},
         lambda W, x: _lse(W @ x),
         f"{SM('W @ x')} @ x.T", "softmax(W x) x^T", ["ml", "logsumexp"]),
    case("ml-lse-batch-bias-b", "ML: summed column logsumexp of a batch with broadcast bias",
         "d sum(logsumexp(W X + b 1^T)) / db", "b", BATCH,
         lambda Y, W, X, b: np.sum(_lsec(W @ X + b)),
         f"np.sum({SMC('W @ X + b')}, axis=1, keepdims=True)", "softmax(W X + b 1^T) 1",
         ["ml", "logsumexp", "batch"]),
    case("ml-lse-dim1", "ML: row-wise logsumexp, summed",
         "d sum(logsumexp(Z, dim=1)) / dZ", "Z", {"Z": (3, 4)},
         lambda Z: np.sum(_lsec(Z.T)),
         SMR("Z"), "softmax(Z, dim=1)", ["ml", "logsumexp"]),
    case("ml-lse-temperature-x", "ML: smooth max with temperature τ lse(x/τ), w.r.t. x",
         "d τ logsumexp(x / τ) / dx", "x", {"x": (5, 1), "τ": ()},
         lambda x, τ: τ * _lse(x / τ),
         SM("x / τ"), "softmax(x / τ)", ["ml", "logsumexp"]),
    case("ml-lse-temperature-tau", "ML: smooth max with temperature, w.r.t. the temperature",
         "d τ logsumexp(x / τ) / dτ", "τ", {"x": (5, 1), "τ": ()},
         lambda x, τ: τ * _lse(x / τ),
         f"np.log(np.sum(np.exp(x / τ))) - x.T @ {SM('x / τ')} / τ",
         "logsumexp(x / τ) - x^T softmax(x / τ) / τ", ["ml", "logsumexp"]),
    case("ml-lse-minus-linear", "ML: log-partition minus a linear term",
         "d logsumexp(W^T x) - c^T x / dx", "x", {"W": (3, 5), "x": (3, 1), "c": (3, 1)},
         lambda W, x, c: _lse(W.T @ x) - c.T @ x,
         f"W @ {SM('W.T @ x')} - c", "W softmax(W^T x) - c", ["ml", "logsumexp"]),

    # --------------------------------------------------------------------- MLPs
    case("ml-mlp-sigmoid-W1", "ML: one-hidden-layer sigmoid MLP, squared loss, w.r.t. W1",
         "d ||W2 σ(W1 x) - y||^2 / dW1", "W1", MLP,
         lambda W2, W1, x, y: np.sum((W2 @ _sig(W1 @ x) - y) ** 2),
         f"2 * ({DSIG('W1 @ x')} * (W2.T @ (W2 @ {SIG('W1 @ x')} - y))) @ x.T",
         "2 (σ(W1 x) ∘ σ(-W1 x) ∘ (W2^T (W2 σ(W1 x) - y))) x^T", ["ml", "mlp"]),
    case("ml-mlp-tanh-bias-b1", "ML: one-hidden-layer tanh MLP with biases, w.r.t. b1",
         "d ||W2 tanh(W1 x + b1) + b2 - y||^2 / db1", "b1",
         {**MLP, "b1": (4, 1), "b2": (2, 1)},
         lambda W2, W1, x, y, b1, b2: np.sum((W2 @ np.tanh(W1 @ x + b1) + b2 - y) ** 2),
         "2 * (1 - np.tanh(W1 @ x + b1) ** 2) * (W2.T @ (W2 @ np.tanh(W1 @ x + b1) + b2 - y))",
         "2 (1 - tanh(W1 x + b1).^2) ∘ (W2^T (W2 tanh(W1 x + b1) + b2 - y))", ["ml", "mlp"]),
    case("ml-mlp-tanh-bias-b2", "ML: one-hidden-layer tanh MLP with biases, w.r.t. b2",
         "d ||W2 tanh(W1 x + b1) + b2 - y||^2 / db2", "b2",
         {**MLP, "b1": (4, 1), "b2": (2, 1)},
         lambda W2, W1, x, y, b1, b2: np.sum((W2 @ np.tanh(W1 @ x + b1) + b2 - y) ** 2),
         "2 * (W2 @ np.tanh(W1 @ x + b1) + b2 - y)", "2 (W2 tanh(W1 x + b1) + b2 - y)",
         ["ml", "mlp"]),
    case("ml-mlp-relu-W1", "ML: one-hidden-layer ReLU MLP, w.r.t. W1",
         "d ||W2 relu(W1 x) - y||^2 / dW1", "W1", MLP,
         lambda W2, W1, x, y: np.sum((W2 @ np.maximum(W1 @ x, 0) - y) ** 2),
         "2 * ((W1 @ x > 0) * (W2.T @ (W2 @ np.maximum(W1 @ x, 0) - y))) @ x.T",
         "2 (step(W1 x) ∘ (W2^T (W2 relu(W1 x) - y))) x^T", ["ml", "mlp", "relu"],
         valid=lambda W2, W1, x, y: np.min(np.abs(W1 @ x)) > AWAY),
    case("ml-mlp-softplus-W1", "ML: one-hidden-layer softplus MLP, w.r.t. W1",
         "d ||W2 softplus(W1 x) - y||^2 / dW1", "W1", MLP,
         lambda W2, W1, x, y: np.sum((W2 @ _softplus(W1 @ x) - y) ** 2),
         f"2 * ({SIG('W1 @ x')} * (W2.T @ (W2 @ np.logaddexp(0, W1 @ x) - y))) @ x.T",
         "2 (σ(W1 x) ∘ (W2^T (W2 softplus(W1 x) - y))) x^T", ["ml", "mlp"]),
    case("ml-mlp-tanh-input", "ML: input gradient of a tanh MLP (saliency)",
         "d ||W2 tanh(W1 x) - y||^2 / dx", "x", MLP,
         lambda W2, W1, x, y: np.sum((W2 @ np.tanh(W1 @ x) - y) ** 2),
         "2 * W1.T @ ((1 - np.tanh(W1 @ x) ** 2) * (W2.T @ (W2 @ np.tanh(W1 @ x) - y)))",
         "2 W1^T ((1 - tanh(W1 x).^2) ∘ (W2^T (W2 tanh(W1 x) - y)))", ["ml", "mlp"]),
    case("ml-mlp2-tanh-W3", "ML: two-hidden-layer tanh MLP, w.r.t. the output weights",
         "d ||W3 tanh(W2 tanh(W1 x)) - y||^2 / dW3", "W3", MLP2,
         lambda W3, W2, W1, x, y: np.sum((W3 @ np.tanh(W2 @ np.tanh(W1 @ x)) - y) ** 2),
         "2 * (W3 @ np.tanh(W2 @ np.tanh(W1 @ x)) - y) @ np.tanh(W2 @ np.tanh(W1 @ x)).T",
         "2 (W3 tanh(W2 tanh(W1 x)) - y) tanh(W2 tanh(W1 x))^T", ["ml", "mlp"]),
    case("ml-mlp2-tanh-W2", "ML: two-hidden-layer tanh MLP, w.r.t. the middle weights",
         "d ||W3 tanh(W2 tanh(W1 x)) - y||^2 / dW2", "W2", MLP2,
         lambda W3, W2, W1, x, y: np.sum((W3 @ np.tanh(W2 @ np.tanh(W1 @ x)) - y) ** 2),
         "2 * ((1 - np.tanh(W2 @ np.tanh(W1 @ x)) ** 2) * (W3.T @ (W3 @ np.tanh(W2 @ np.tanh(W1 @ x)) - y)))"
         " @ np.tanh(W1 @ x).T",
         "2 ((1 - tanh(W2 tanh(W1 x)).^2) ∘ (W3^T (W3 tanh(W2 tanh(W1 x)) - y))) tanh(W1 x)^T",
         ["ml", "mlp"]),
    case("ml-mlp2-sigmoid-W1", "ML: two-hidden-layer sigmoid MLP, w.r.t. the first weights",
         "d ||W3 σ(W2 σ(W1 x)) - y||^2 / dW1", "W1", MLP2,
         lambda W3, W2, W1, x, y: np.sum((W3 @ _sig(W2 @ _sig(W1 @ x)) - y) ** 2),
         f"2 * {_G1} @ x.T",
         "2 (σ(W1 x) ∘ σ(-W1 x) ∘ (W2^T (σ(W2 σ(W1 x)) ∘ σ(-W2 σ(W1 x)) ∘ "
         "(W3^T (W3 σ(W2 σ(W1 x)) - y))))) x^T", ["ml", "mlp"]),
    case("ml-mlp-relu-sce-W2", "ML: ReLU MLP classifier, softmax cross-entropy, w.r.t. W2",
         "d -y^T log(softmax(W2 relu(W1 x))) / dW2 where y: distribution", "W2",
         {"y": (3, 1), "W2": (3, 4), "W1": (4, 2), "x": (2, 1)},
         lambda y, W2, W1, x: -(y.T @ np.log(_softmax(W2 @ np.maximum(W1 @ x, 0)))),
         f"({SM('W2 @ np.maximum(W1 @ x, 0)')} - y) @ np.maximum(W1 @ x, 0).T",
         "(softmax(W2 relu(W1 x)) - y) relu(W1 x)^T", ["ml", "mlp", "softmax", "relu"],
         props=DIST, valid=lambda y, W2, W1, x: np.min(np.abs(W1 @ x)) > AWAY),
    case("ml-mlp-relu-sce-W1", "ML: ReLU MLP classifier, softmax cross-entropy, w.r.t. W1",
         "d -y^T log(softmax(W2 relu(W1 x))) / dW1 where y: distribution", "W1",
         {"y": (3, 1), "W2": (3, 4), "W1": (4, 2), "x": (2, 1)},
         lambda y, W2, W1, x: -(y.T @ np.log(_softmax(W2 @ np.maximum(W1 @ x, 0)))),
         f"((W1 @ x > 0) * (W2.T @ ({SM('W2 @ np.maximum(W1 @ x, 0)')} - y))) @ x.T",
         "(step(W1 x) ∘ (W2^T (softmax(W2 relu(W1 x)) - y))) x^T", ["ml", "mlp", "softmax", "relu"],
         props=DIST, valid=lambda y, W2, W1, x: np.min(np.abs(W1 @ x)) > AWAY),
    case("ml-mlp-batch-tanh-W1", "ML: one-hidden-layer tanh MLP over a batch, w.r.t. W1",
         "d ||W2 tanh(W1 X) - Y||_F^2 / dW1", "W1",
         {"W2": (2, 4), "W1": (4, 3), "X": (3, 5), "Y": (2, 5)},
         lambda W2, W1, X, Y: np.sum((W2 @ np.tanh(W1 @ X) - Y) ** 2),
         "2 * ((1 - np.tanh(W1 @ X) ** 2) * (W2.T @ (W2 @ np.tanh(W1 @ X) - Y))) @ X.T",
         "2 ((1 - tanh(W1 X).^2) ∘ (W2^T (W2 tanh(W1 X) - Y))) X^T", ["ml", "mlp", "batch"]),
    case("ml-mlp-logistic-head-v", "ML: tanh features with a logistic output unit, w.r.t. v",
         "d softplus(v^T tanh(W x)) - y v^T tanh(W x) / dv where y: scalar", "v",
         {"v": (4, 1), "W": (4, 3), "x": (3, 1), "y": ()},
         lambda v, W, x, y: _softplus(v.T @ np.tanh(W @ x)) - y * (v.T @ np.tanh(W @ x)),
         f"({SIG('v.T @ np.tanh(W @ x)')} - y) * np.tanh(W @ x)",
         "(σ(v^T tanh(W x)) - y) tanh(W x)", ["ml", "mlp", "logistic"]),
    case("ml-mlp-logistic-head-W", "ML: tanh features with a logistic output unit, w.r.t. W",
         "d softplus(v^T tanh(W x)) - y v^T tanh(W x) / dW where y: scalar", "W",
         {"v": (4, 1), "W": (4, 3), "x": (3, 1), "y": ()},
         lambda v, W, x, y: _softplus(v.T @ np.tanh(W @ x)) - y * (v.T @ np.tanh(W @ x)),
         f"({SIG('v.T @ np.tanh(W @ x)')} - y) * ((1 - np.tanh(W @ x) ** 2) * v) @ x.T",
         "(σ(v^T tanh(W x)) - y) ((1 - tanh(W x).^2) ∘ v) x^T", ["ml", "mlp", "logistic"]),
    case("ml-mlp2-relu-batch-b2", "ML: two-hidden-layer ReLU network over a batch, w.r.t. b2",
         "d ||W3 relu(W2 relu(W1 X + b1 1^T) + b2 1^T) - Y||_F^2 / db2", "b2",
         {"W3": (2, 3), "W2": (3, 4), "W1": (4, 3), "X": (3, 5), "b1": (4, 1), "b2": (3, 1),
          "Y": (2, 5)},
         lambda W3, W2, W1, X, b1, b2, Y: np.sum(
             (W3 @ np.maximum(W2 @ np.maximum(W1 @ X + b1, 0) + b2, 0) - Y) ** 2),
         "2 * np.sum((W2 @ np.maximum(W1 @ X + b1, 0) + b2 > 0) * (W3.T @ (W3 @ np.maximum("
         "W2 @ np.maximum(W1 @ X + b1, 0) + b2, 0) - Y)), axis=1, keepdims=True)",
         "2 (step(W2 relu(W1 X + b1 1^T) + b2 1^T) ∘ (W3^T (W3 relu(W2 relu(W1 X + b1 1^T) + b2 1^T)"
         " - Y))) 1", ["ml", "mlp", "relu", "batch"],
         valid=lambda W3, W2, W1, X, b1, b2, Y: np.min(np.abs(W1 @ X + b1)) > AWAY
         and np.min(np.abs(W2 @ np.maximum(W1 @ X + b1, 0) + b2)) > AWAY),

    # ---------------------------------------------------- matrix factorisation
    case("ml-mf-V", "ML: matrix factorisation ||R - U V^T||_F^2 w.r.t. V",
         "d ||R - U V^T||_F^2 / dV", "V", MF,
         lambda R, U, V: np.sum((R - U @ V.T) ** 2),
         "-2 * (R - U @ V.T).T @ U", "-2 (R - U V^T)^T U", ["ml", "factorisation"]),
    case("ml-mf-reg-U", "ML: regularised matrix factorisation w.r.t. U",
         "d ||R - U V^T||_F^2 + λ (||U||_F^2 + ||V||_F^2) / dU", "U", {**MF, "λ": ()},
         lambda R, U, V, λ: np.sum((R - U @ V.T) ** 2) + λ * (np.sum(U ** 2) + np.sum(V ** 2)),
         "2 * (U @ V.T - R) @ V + 2 * λ * U", "2 (U V^T - R) V + 2 λ U", ["ml", "factorisation"]),
    case("ml-mf-reg-V", "ML: regularised matrix factorisation w.r.t. V",
         "d ||R - U V^T||_F^2 + λ (||U||_F^2 + ||V||_F^2) / dV", "V", {**MF, "λ": ()},
         lambda R, U, V, λ: np.sum((R - U @ V.T) ** 2) + λ * (np.sum(U ** 2) + np.sum(V ** 2)),
         "2 * (U @ V.T - R).T @ U + 2 * λ * V", "2 (U V^T - R)^T U + 2 λ V", ["ml", "factorisation"]),
    case("ml-mf-masked-U", "ML: matrix completion with a weight mask M, w.r.t. U",
         "d ||M .* (R - U V^T)||_F^2 / dU", "U", {**MF, "M": (5, 4)},
         lambda R, U, V, M: np.sum((M * (R - U @ V.T)) ** 2),
         "-2 * (M ** 2 * (R - U @ V.T)) @ V", "-2 (M.^2 ∘ (R - U V^T)) V", ["ml", "factorisation"]),
    case("ml-nmf-H", "ML: factorisation X ≈ W H, w.r.t. H",
         "d ||X - W H||_F^2 / dH", "H", {"X": (5, 6), "W": (5, 2), "H": (2, 6)},
         lambda X, W, H: np.sum((X - W @ H) ** 2),
         "2 * W.T @ (W @ H - X)", "2 W^T (W H - X)", ["ml", "factorisation"]),
    case("ml-mf-row-bias", "ML: factorisation with a per-row bias, w.r.t. the bias",
         "d ||R - U V^T - b 1^T||_F^2 / db", "b", {**MF, "b": (5, 1)},
         lambda R, U, V, b: np.sum((R - U @ V.T - b) ** 2),
         "2 * np.sum(U @ V.T + b - R, axis=1, keepdims=True)", "2 (U V^T + b 1^T - R) 1",
         ["ml", "factorisation", "batch"]),

    # ------------------------------------------ Gaussian negative log-likelihood
    case("ml-gauss-precision", "ML: Gaussian NLL in the precision P (Cookbook eqs. (57), (70))",
         "d -log det(P) + (x - m)^T P (x - m) / dP where P: spd", "P",
         {"P": (3, 3), "x": (3, 1), "m": (3, 1)},
         lambda P, x, m: -np.log(det(P)) + (x - m).T @ P @ (x - m),
         f"-{INV}(P) + (x - m) @ (x - m).T", "-P^{-1} + (x - m) (x - m)^T",
         ["ml", "gaussian", "symmetric"], props={"P": "spd"}),
    case("ml-gauss-covariance", "ML: Gaussian NLL w.r.t. the covariance (Cookbook eqs. (57), (61))",
         "d log det(S) + (x - m)^T S^{-1} (x - m) / dS where S: spd", "S",
         {"S": (3, 3), "x": (3, 1), "m": (3, 1)},
         lambda S, x, m: np.log(det(S)) + (x - m).T @ inv(S) @ (x - m),
         f"{INV}(S) - {INV}(S) @ (x - m) @ (x - m).T @ {INV}(S)",
         "S^{-1} - S^{-1} (x - m) (x - m)^T S^{-1}", ["ml", "gaussian", "symmetric"],
         props={"S": "spd"}),
    case("ml-gauss-batch-mean", "ML: Gaussian NLL of a batch (columns of X) w.r.t. the mean",
         "d tr((X - m 1^T)^T S^{-1} (X - m 1^T)) / dm where S: spd", "m",
         {"X": (3, 5), "m": (3, 1), "S": (3, 3)},
         lambda X, m, S: np.trace((X - m).T @ inv(S) @ (X - m)),
         f"-2 * {INV}(S) @ np.sum(X - m, axis=1, keepdims=True)", "-2 S^{-1} (X - m 1^T) 1",
         ["ml", "gaussian", "batch", "symmetric"], props={"S": "spd"}),
    case("ml-gauss-batch-covariance", "ML: Gaussian NLL of a batch w.r.t. the covariance",
         "d logdet(S) + tr(S^{-1} (X - m 1^T) (X - m 1^T)^T) / dS where S: spd", "S",
         {"X": (3, 5), "m": (3, 1), "S": (3, 3)},
         lambda X, m, S: np.log(det(S)) + np.trace(inv(S) @ (X - m) @ (X - m).T),
         f"{INV}(S) - {INV}(S) @ (X - m) @ (X - m).T @ {INV}(S)",
         "S^{-1} - S^{-1} (X - m 1^T) (X - m 1^T)^T S^{-1}", ["ml", "gaussian", "batch", "symmetric"],
         props={"S": "spd"}),
    case("ml-gauss-wishart", "ML: ν log det S + tr(S^{-1} C) (Wishart / sample-covariance NLL)",
         "d ν logdet(S) + tr(S^{-1} C) / dS where S: spd; C: spd", "S",
         {"S": (3, 3), "C": (3, 3), "ν": ()},
         lambda S, C, ν: ν * np.log(det(S)) + np.trace(inv(S) @ C),
         f"ν * {INV}(S) - {INV}(S) @ C @ {INV}(S)", "ν S^{-1} - S^{-1} C S^{-1}",
         ["ml", "gaussian", "symmetric"], props={"S": "spd", "C": "spd"}),
    case("ml-gauss-linear-mean", "ML: linear-Gaussian model NLL w.r.t. the latent x",
         "d (y - A x)^T S^{-1} (y - A x) / dx where S: spd", "x",
         {"y": (4, 1), "A": (4, 3), "x": (3, 1), "S": (4, 4)},
         lambda y, A, x, S: (y - A @ x).T @ inv(S) @ (y - A @ x),
         f"-2 * A.T @ {INV}(S) @ (y - A @ x)", "-2 A^T S^{-1} (y - A x)",
         ["ml", "gaussian", "symmetric"], props={"S": "spd"}),
    case("ml-gauss-isotropic-variance", "ML: isotropic Gaussian NLL w.r.t. the variance τ",
         "d n log(τ) + ||x - m||^2 / τ / dτ where x: vector n", "τ",
         {"x": (5, 1), "m": (5, 1), "τ": ()},
         lambda x, m, τ: x.shape[0] * np.log(τ) + np.sum((x - m) ** 2) / τ,
         "x.shape[0] / τ - np.sum((x - m) ** 2) / τ ** 2", "n / τ - ||x - m||^2 / τ^2",
         ["ml", "gaussian"]),

    # ------------------------------------------------------- PCA, autoencoders
    case("ml-pca-reconstruction", "ML: PCA / linear autoencoder with tied weights ||X - W W^T X||_F^2",
         "d ||X - W W^T X||_F^2 / dW", "W", {"X": (5, 6), "W": (5, 2)},
         lambda X, W: np.sum((X - W @ W.T @ X) ** 2),
         "-2 * ((X - W @ W.T @ X) @ X.T @ W + X @ (X - W @ W.T @ X).T @ W)",
         "-2 ((X - W W^T X) X^T W + X (X - W W^T X)^T W)", ["ml", "autoencoder"]),
    case("ml-ae-linear-encoder", "ML: linear autoencoder ||X - D E X||_F^2 w.r.t. the encoder",
         "d ||X - D E X||_F^2 / dE", "E", {"X": (5, 6), "D": (5, 2), "E": (2, 5)},
         lambda X, D, E: np.sum((X - D @ E @ X) ** 2),
         "-2 * D.T @ (X - D @ E @ X) @ X.T", "-2 D^T (X - D E X) X^T", ["ml", "autoencoder"]),
    case("ml-ae-linear-decoder", "ML: linear autoencoder ||X - D E X||_F^2 w.r.t. the decoder",
         "d ||X - D E X||_F^2 / dD", "D", {"X": (5, 6), "D": (5, 2), "E": (2, 5)},
         lambda X, D, E: np.sum((X - D @ E @ X) ** 2),
         "-2 * (X - D @ E @ X) @ X.T @ E.T", "-2 (X - D E X) X^T E^T", ["ml", "autoencoder"]),
    case("ml-ae-tied-tanh", "ML: tied-weight tanh autoencoder ||X - W^T tanh(W X)||_F^2",
         "d ||X - W^T tanh(W X)||_F^2 / dW", "W", {"X": (4, 5), "W": (2, 4)},
         lambda X, W: np.sum((X - W.T @ np.tanh(W @ X)) ** 2),
         "2 * np.tanh(W @ X) @ (W.T @ np.tanh(W @ X) - X).T"
         " + 2 * ((1 - np.tanh(W @ X) ** 2) * (W @ (W.T @ np.tanh(W @ X) - X))) @ X.T",
         "2 tanh(W X) (W^T tanh(W X) - X)^T + 2 ((1 - tanh(W X).^2) ∘ (W (W^T tanh(W X) - X))) X^T",
         ["ml", "autoencoder"]),
    case("ml-ae-sigmoid-bias", "ML: sigmoid autoencoder with a broadcast encoder bias, w.r.t. it",
         "d ||X - D σ(E X + b 1^T)||_F^2 / db", "b",
         {"X": (4, 5), "D": (4, 2), "E": (2, 4), "b": (2, 1)},
         lambda X, D, E, b: np.sum((X - D @ _sig(E @ X + b)) ** 2),
         f"-2 * np.sum({DSIG('E @ X + b')} * (D.T @ (X - D @ {SIG('E @ X + b')})), axis=1, keepdims=True)",
         "-2 (σ(E X + b 1^T) ∘ σ(-E X - b 1^T) ∘ (D^T (X - D σ(E X + b 1^T)))) 1",
         ["ml", "autoencoder", "batch"]),

    # ------------------------------------------------------ RMS and layer norm
    case("ml-rmsnorm-x", "ML: RMS normalisation x / rms(x), projected on c, w.r.t. x",
         "d c^T (x / sqrt(mean(x.^2) + ε)) / dx", "x", {"c": (5, 1), "x": (5, 1), "ε": ()},
         lambda c, x, ε: c.T @ (x / np.sqrt(np.mean(x ** 2) + ε)),
         "(c - np.mean(c * x) * x / (np.mean(x ** 2) + ε)) / np.sqrt(np.mean(x ** 2) + ε)",
         "(c - mean(c ∘ x) x / (mean(x.^2) + ε)) / sqrt(mean(x.^2) + ε)", ["ml", "normalisation"]),
    case("ml-rmsnorm-gain", "ML: RMS norm with a learned gain, squared loss, w.r.t. the gain",
         "d ||g .* x / sqrt(mean(x.^2) + ε) - y||^2 / dg", "g",
         {"g": (4, 1), "x": (4, 1), "y": (4, 1), "ε": ()},
         lambda g, x, y, ε: np.sum((g * x / np.sqrt(np.mean(x ** 2) + ε) - y) ** 2),
         "2 * (g * x / np.sqrt(np.mean(x ** 2) + ε) - y) * x / np.sqrt(np.mean(x ** 2) + ε)",
         "2 (g ∘ x / sqrt(mean(x.^2) + ε) - y) ∘ x / sqrt(mean(x.^2) + ε)", ["ml", "normalisation"]),
    case("ml-layernorm-var-x", "ML: layer normalisation written with var(x), projected on c",
         "d c^T ((x - mean(x) 1) / sqrt(var(x) + ε)) / dx", "x",
         {"c": (5, 1), "x": (5, 1), "ε": ()},
         lambda c, x, ε: c.T @ ((x - np.mean(x)) / np.sqrt(_var(x) + ε)),
         f"(c - np.mean(c) - np.mean(c * {_XC}) * {_XC} / {_V}) / np.sqrt({_V})",
         "(c - mean(c) 1 - mean(c ∘ (x - mean(x) 1)) (x - mean(x) 1) / (var(x) + ε)) / sqrt(var(x) + ε)",
         ["ml", "normalisation"]),
    case("ml-layernorm-gain", "ML: layer norm with gain and bias, w.r.t. the gain",
         "d c^T (g .* (x - mean(x) 1) / sqrt(var(x) + ε) + b) / dg", "g",
         {"c": (4, 1), "g": (4, 1), "x": (4, 1), "b": (4, 1), "ε": ()},
         lambda c, g, x, b, ε: c.T @ (g * (x - np.mean(x)) / np.sqrt(_var(x) + ε) + b),
         f"c * {_XC} / np.sqrt({_V})", "c ∘ (x - mean(x) 1) / sqrt(var(x) + ε)",
         ["ml", "normalisation"]),

    # ---------------------------------------------------------------- attention
    case("ml-attention-V", "ML: attention with a row-wise softmax, w.r.t. the values",
         "d tr(G^T softmax(Q K^T, dim=1) V) / dV", "V", ATT,
         lambda G, Q, K, V: np.trace(G.T @ _smr(Q @ K.T) @ V),
         f"{SMR('Q @ K.T')}.T @ G", "softmax(Q K^T, dim=1)^T G", ["ml", "attention"]),
    case("ml-attention-Q-scaled", "ML: scaled attention tr(G^T softmax(Q K^T / α, dim=1) V), w.r.t. Q",
         "d tr(G^T softmax(Q K^T / α, dim=1) V) / dQ", "Q", ATT,
         lambda G, Q, K, V, α: np.trace(G.T @ _smr(Q @ K.T / α) @ V),
         f"{_GS} @ K / α", f"({_ATT_TXT}) K / α", ["ml", "attention"]),
    case("ml-attention-K-scaled", "ML: scaled attention tr(G^T softmax(Q K^T / α, dim=1) V), w.r.t. K",
         "d tr(G^T softmax(Q K^T / α, dim=1) V) / dK", "K", ATT,
         lambda G, Q, K, V, α: np.trace(G.T @ _smr(Q @ K.T / α) @ V),
         f"{_GS}.T @ Q / α", f"({_ATT_TXT})^T Q / α", ["ml", "attention"]),
    case("ml-attention-mse-V", "ML: attention output regressed on Y, w.r.t. the values",
         "d ||softmax(Q K^T, dim=1) V - Y||_F^2 / dV", "V",
         {"Q": (4, 2), "K": (5, 2), "V": (5, 3), "Y": (4, 3)},
         lambda Q, K, V, Y: np.sum((_smr(Q @ K.T) @ V - Y) ** 2),
         f"2 * {SMR('Q @ K.T')}.T @ ({SMR('Q @ K.T')} @ V - Y)",
         "2 softmax(Q K^T, dim=1)^T (softmax(Q K^T, dim=1) V - Y)", ["ml", "attention"]),

    # --------------------------------------------------- smooth robust losses
    case("ml-log-cosh", "ML: log-cosh regression loss",
         "d sum(log(cosh(X w - y))) / dw", "w", LS,
         lambda y, X, w: np.sum(np.log(np.cosh(X @ w - y))),
         "X.T @ np.tanh(X @ w - y)", "X^T tanh(X w - y)", ["ml", "robust"]),
    case("ml-pseudo-huber", "ML: pseudo-Huber loss sum(sqrt(1 + r^2) - 1)",
         "d sum(sqrt(1 + (X w - y).^2) - 1) / dw", "w", LS,
         lambda y, X, w: np.sum(np.sqrt(1 + (X @ w - y) ** 2) - 1),
         "X.T @ ((X @ w - y) / np.sqrt(1 + (X @ w - y) ** 2))",
         "X^T ((X w - y) ./ sqrt(1 + (X w - y).^2))", ["ml", "robust"]),
    case("ml-smooth-hinge", "ML: softplus (smooth) hinge loss sum softplus(1 - y ∘ Xw)",
         "d sum(softplus(1 - y .* (X w))) / dw", "w", LS,
         lambda y, X, w: np.sum(_softplus(1 - y * (X @ w))),
         f"-X.T @ (y * {SIG('1 - y * (X @ w)')})", "-X^T (y ∘ σ(1 - y ∘ (X w)))", ["ml", "robust"]),
    case("ml-poisson", "ML: Poisson regression NLL sum exp(Xw) - y^T X w",
         "d sum(exp(X w)) - y^T X w / dw", "w", LS,
         lambda y, X, w: np.sum(np.exp(X @ w)) - y.T @ X @ w,
         "X.T @ (np.exp(X @ w) - y)", "X^T (exp(X w) - y)", ["ml", "glm"]),
    case("ml-cauchy", "ML: Cauchy (Lorentzian) loss sum log(1 + r^2)",
         "d sum(log(1 + (X w - y).^2)) / dw", "w", LS,
         lambda y, X, w: np.sum(np.log(1 + (X @ w - y) ** 2)),
         "2 * X.T @ ((X @ w - y) / (1 + (X @ w - y) ** 2))",
         "2 X^T ((X w - y) ./ (1 + (X w - y).^2))", ["ml", "robust"]),
    case("ml-poisson-batch-W", "ML: multi-output Poisson NLL over a batch, w.r.t. W",
         "d sum(exp(W X)) - sum(Y .* (W X)) / dW", "W", {"W": (3, 4), "X": (4, 5), "Y": (3, 5)},
         lambda W, X, Y: np.sum(np.exp(W @ X)) - np.sum(Y * (W @ X)),
         "(np.exp(W @ X) - Y) @ X.T", "(exp(W X) - Y) X^T", ["ml", "glm", "batch"]),

    # ----------------------------------------------------------------- Hessians
    case("hess-xTAx-symmetric", "Matrix Cookbook §2.4.4, A symmetric: Hessian 2A",
         "d^2 x^T A x / dx^2 where A: symmetric", "x", {"x": (4, 1), "A": (4, 4)},
         lambda x, A: x.T @ A @ x,
         "2 * A", "2 A", ["hessian", "cookbook", "symmetric"], props={"A": "symmetric"}, order=2),
    case("hess-shifted-quadratic", "Matrix Cookbook eq. (86)/(89): Hessian of (x-b)^T A (x-b) + c^T x",
         "d^2 (x - b)^T A (x - b) + c^T x / dx^2", "x",
         {"x": (4, 1), "b": (4, 1), "A": (4, 4), "c": (4, 1)},
         lambda x, b, A, c: (x - b).T @ A @ (x - b) + c.T @ x,
         "A + A.T", "A + A^T", ["hessian", "cookbook"], order=2),
    case("hess-half-quadratic-spd", "ML: quadratic model x^T S x / 2 - b^T x, S spd: Hessian S",
         "d^2 x^T S x / 2 - b^T x / dx^2 where S: spd", "x", {"x": (4, 1), "S": (4, 4), "b": (4, 1)},
         lambda x, S, b: x.T @ S @ x / 2 - b.T @ x,
         "S", "S", ["hessian", "symmetric"], props={"S": "spd"}, order=2),
    case("hess-weighted-ls", "ML: weighted least-squares Hessian 2 X^T D X",
         "d^2 (X w - y)^T D (X w - y) / dw^2 where D: diagonal", "w", {**LS, "D": (6, 6)},
         lambda y, X, w, D: (X @ w - y).T @ D @ (X @ w - y),
         "2 * X.T @ D @ X", "2 X^T D X", ["hessian", "ml"], props={"D": "diagonal"}, order=2),
    case("hess-ridge", "ML: ridge Hessian 2 (X^T X + λ I)",
         "d^2 ||X w - y||^2 + λ ||w||^2 / dw^2", "w", {**LS, "λ": ()},
         lambda y, X, w, λ: np.sum((X @ w - y) ** 2) + λ * np.sum(w ** 2),
         "2 * (X.T @ X + λ * np.eye(X.shape[1]))", "2 (X^T X + λ I)", ["hessian", "ml", "ridge"],
         order=2),
    case("hess-elastic-smooth", "ML: Hessian of a smooth elastic-net-like objective",
         "d^2 ||y - X w||^2 / 2 + α ||w||^2 + β w^T D w / dw^2 where D: diagonal", "w",
         {**LS, "α": (), "β": (), "D": (3, 3)},
         lambda y, X, w, α, β, D: np.sum((y - X @ w) ** 2) / 2 + α * np.sum(w ** 2) + β * (w.T @ D @ w),
         "X.T @ X + 2 * α * np.eye(X.shape[1]) + 2 * β * D", "X^T X + 2 α I + 2 β D",
         ["hessian", "ml", "ridge"], props={"D": "diagonal"}, order=2),
    case("hess-logreg", "ML: logistic-regression Hessian X^T diag(σ(Xw) ∘ σ(-Xw)) X",
         "d^2 sum(softplus(X w)) - y^T X w / dw^2", "w", LS,
         lambda y, X, w: np.sum(_softplus(X @ w)) - y.T @ X @ w,
         f"X.T @ np.diag({DSIG('X @ w')}.ravel()) @ X", "X^T diag(σ(X w) ∘ σ(-X w)) X",
         ["hessian", "ml", "logistic"], order=2),
    case("hess-logreg-l2", "ML: L2-regularised logistic-regression Hessian",
         "d^2 sum(softplus(X w)) - y^T X w + λ ||w||^2 / 2 / dw^2", "w", {**LS, "λ": ()},
         lambda y, X, w, λ: np.sum(_softplus(X @ w)) - y.T @ X @ w + λ * np.sum(w ** 2) / 2,
         f"X.T @ np.diag({DSIG('X @ w')}.ravel()) @ X + λ * np.eye(X.shape[1])",
         "X^T diag(σ(X w) ∘ σ(-X w)) X + λ I", ["hessian", "ml", "logistic"], order=2),
    case("hess-logreg-sample", "ML: one-sample logistic Hessian σ(1-σ) x x^T",
         "d^2 softplus(w^T x) - y w^T x / dw^2 where y: scalar", "w",
         {"w": (4, 1), "x": (4, 1), "y": ()},
         lambda w, x, y: _softplus(w.T @ x) - y * (w.T @ x),
         f"{DSIG('w.T @ x')} * x @ x.T", "σ(w^T x) σ(-w^T x) x x^T", ["hessian", "ml", "logistic"],
         order=2),
    case("hess-logreg-pm1", "ML: Hessian of the ±1-label logistic loss",
         "d^2 sum(log(1 + exp(-y .* (X w)))) / dw^2", "w", LS,
         lambda y, X, w: np.sum(np.log(1 + np.exp(-y * (X @ w)))),
         f"X.T @ np.diag((y ** 2 * {DSIG('y * (X @ w)')}).ravel()) @ X",
         "X^T diag(y.^2 ∘ σ(y ∘ (X w)) ∘ σ(-y ∘ (X w))) X", ["hessian", "ml", "logistic"], order=2),
    case("hess-logsumexp-Ax", "ML: Hessian of logsumexp(Ax) = A^T (diag(s) - s s^T) A",
         "d^2 logsumexp(A x) / dx^2", "x", {"A": (5, 3), "x": (3, 1)},
         lambda A, x: _lse(A @ x),
         f"A.T @ {HLSE('A @ x')} @ A",
         "A^T (diag(softmax(A x)) - softmax(A x) softmax(A x)^T) A", ["hessian", "ml", "logsumexp"],
         order=2),
    case("hess-logsumexp-bias", "ML: Hessian of logsumexp(Ax + b) w.r.t. the bias",
         "d^2 logsumexp(A x + b) / db^2", "b", {"A": (4, 3), "x": (3, 1), "b": (4, 1)},
         lambda A, x, b: _lse(A @ x + b),
         HLSE("A @ x + b"), "diag(softmax(A x + b)) - softmax(A x + b) softmax(A x + b)^T",
         ["hessian", "ml", "logsumexp"], order=2),
    case("hess-sce-z", "ML: Hessian of the cross-entropy of softmax(z), y a distribution",
         "d^2 -y^T log(softmax(z)) / dz^2 where y: distribution", "z", {"y": (5, 1), "z": (5, 1)},
         lambda y, z: -(y.T @ np.log(_softmax(z))),
         HLSE("z"), "diag(softmax(z)) - softmax(z) softmax(z)^T", ["hessian", "ml", "softmax"],
         props=DIST, order=2),
    case("hess-sce-W", "ML: Hessian over vec(W) of softmax cross-entropy: x x^T ⊗ (diag(s) - s s^T)",
         "d^2 -y^T log(softmax(W x)) / dW^2 where y: distribution", "W",
         {"y": (3, 1), "W": (3, 2), "x": (2, 1)},
         lambda y, W, x: -(y.T @ np.log(_softmax(W @ x))),
         f"np.kron(x @ x.T, {HLSE('W @ x')})",
         "x x^T ⊗ (diag(softmax(W x)) - softmax(W x) softmax(W x)^T)",
         ["hessian", "ml", "softmax", "kronecker"], props=DIST, order=2),
    case("hess-poisson", "ML: Poisson-regression Hessian X^T diag(exp(Xw)) X",
         "d^2 sum(exp(X w)) - y^T X w / dw^2", "w", LS,
         lambda y, X, w: np.sum(np.exp(X @ w)) - y.T @ X @ w,
         "X.T @ np.diag(np.exp(X @ w).ravel()) @ X", "X^T diag(exp(X w)) X", ["hessian", "ml", "glm"],
         order=2),
    case("hess-log-cosh", "ML: log-cosh loss Hessian X^T diag(1 - tanh^2) X",
         "d^2 sum(log(cosh(X w - y))) / dw^2", "w", LS,
         lambda y, X, w: np.sum(np.log(np.cosh(X @ w - y))),
         "X.T @ np.diag((1 - np.tanh(X @ w - y) ** 2).ravel()) @ X",
         "X^T diag(1 - tanh(X w - y).^2) X", ["hessian", "ml", "robust"], order=2),
    case("hess-log-barrier", "optimisation: log-barrier Hessian A^T diag((Ax)^-2) A",
         "d^2 -sum(log(A x)) / dx^2", "x", {"A": (5, 3), "x": (3, 1)},
         lambda A, x: -np.sum(np.log(A @ x)),
         "A.T @ np.diag(((A @ x) ** -2.0).ravel()) @ A", "A^T diag((A x).^(-2)) A", ["hessian", "ml"],
         props={"A": "positive", "x": "positive"}, order=2),
    case("hess-quartic-norm", "calculus: Hessian of ||x||^4 = 4 (x^T x I + 2 x x^T)",
         "d^2 (x^T x)^2 / dx^2", "x", {"x": (4, 1)},
         lambda x: (x.T @ x) ** 2,
         "4 * ((x.T @ x) * np.eye(x.shape[0]) + 2 * x @ x.T)", "4 (x^T x I + 2 x x^T)",
         ["hessian"], order=2),
    case("hess-rayleigh", "Hessian of the Rayleigh quotient x^T A x / x^T x, A symmetric",
         "d^2 x^T A x / (x^T x) / dx^2 where A: symmetric", "x", {"x": (4, 1), "A": (4, 4)},
         lambda x, A: (x.T @ A @ x) / (x.T @ x),
         "2 * (A - (x.T @ A @ x) / (x.T @ x) * np.eye(x.shape[0])) / (x.T @ x)"
         " - 4 * (x @ x.T @ A + A @ x @ x.T) / (x.T @ x) ** 2"
         " + 8 * (x.T @ A @ x) * x @ x.T / (x.T @ x) ** 3",
         "2 (A - x^T A x / (x^T x) I) / (x^T x) - 4 (x x^T A + A x x^T) / (x^T x)^2"
         " + 8 x^T A x x x^T / (x^T x)^3", ["hessian", "symmetric"], props={"A": "symmetric"},
         order=2),
    case("hess-matrix-ls", "ML: Hessian over vec(W) of ||X W - Y||_F^2: 2 (I ⊗ X^T X)",
         "d^2 ||X W - Y||_F^2 / dW^2", "W", {"X": (5, 3), "W": (3, 2), "Y": (5, 2)},
         lambda X, W, Y: np.sum((X @ W - Y) ** 2),
         "2 * np.kron(np.eye(W.shape[1]), X.T @ X)", "2 (I ⊗ X^T X)",
         ["hessian", "ml", "kronecker"], order=2),
    case("hess-mf-U", "ML: Hessian over vec(U) of ||R - U V^T||_F^2: 2 (V^T V ⊗ I)",
         "d^2 ||R - U V^T||_F^2 / dU^2", "U", {"R": (4, 3), "U": (4, 2), "V": (3, 2)},
         lambda R, U, V: np.sum((R - U @ V.T) ** 2),
         "2 * np.kron(V.T @ V, np.eye(U.shape[0]))", "2 (V^T V ⊗ I)",
         ["hessian", "ml", "factorisation", "kronecker"], order=2),
    case("hess-mlp-W2", "ML: Hessian over vec(W2) of an MLP's squared loss: 2 (h h^T ⊗ I)",
         "d^2 ||W2 tanh(W1 x) - y||^2 / dW2^2", "W2",
         {"W2": (2, 3), "W1": (3, 2), "x": (2, 1), "y": (2, 1)},
         lambda W2, W1, x, y: np.sum((W2 @ np.tanh(W1 @ x) - y) ** 2),
         "2 * np.kron(np.tanh(W1 @ x) @ np.tanh(W1 @ x).T, np.eye(W2.shape[0]))",
         "2 (tanh(W1 x) tanh(W1 x)^T ⊗ I)", ["hessian", "ml", "mlp", "kronecker"], order=2),
    case("hess-gauss-batch-mean", "ML: Hessian of a batch Gaussian NLL w.r.t. the mean: 2 k S^{-1}",
         "d^2 tr((X - m 1^T)^T S^{-1} (X - m 1^T)) / dm^2 where S: spd; X: matrix n x k", "m",
         {"X": (3, 5), "m": (3, 1), "S": (3, 3)},
         lambda X, m, S: np.trace((X - m).T @ inv(S) @ (X - m)),
         f"2 * X.shape[1] * {INV}(S)", "2 k S^{-1}", ["hessian", "ml", "gaussian", "symmetric"],
         props={"S": "spd"}, order=2),
    case("hess-gauss-scalar-variance", "ML: second derivative of ν log τ + ρ / τ (a variance NLL)",
         "d^2 ν log(τ) + ρ / τ / dτ^2", "τ", {"ν": (), "τ": (), "ρ": ()},
         lambda ν, τ, ρ: ν * np.log(τ) + ρ / τ,
         "2 * ρ / τ ** 3 - ν / τ ** 2", "2 ρ / τ^3 - ν / τ^2", ["hessian", "gaussian"], order=2),
    # ------------------------------------------------------- harder additions
    case("ml-layernorm-loss-x", "ML: layer-norm output regressed on y, w.r.t. the input",
         "d ||(x - mean(x) 1) / sqrt(var(x) + ε) - y||^2 / dx", "x",
         {"x": (5, 1), "y": (5, 1), "ε": ()},
         lambda x, y, ε: np.sum(((x - np.mean(x)) / np.sqrt(_var(x) + ε) - y) ** 2),
         f"2 * ({_T} - np.mean({_T}) - np.mean({_T} * {_XC}) * {_XC} / {_V}) / np.sqrt({_V})",
         "2 ((x - mean(x) 1) / sqrt(var(x) + ε) - y + mean(y) 1 - mean(((x - mean(x) 1) / sqrt(var(x) + ε)"
         " - y) ∘ (x - mean(x) 1)) (x - mean(x) 1) / (var(x) + ε)) / sqrt(var(x) + ε)",
         ["ml", "normalisation"]),
    case("ml-log-sigmoid-margin", "ML: logistic loss written -sum log σ(y ∘ Xw)",
         "d -sum(log(σ(y .* (X w)))) / dw", "w", LS,
         lambda y, X, w: -np.sum(np.log(_sig(y * (X @ w)))),
         f"-X.T @ (y * {SIG('-y * (X @ w)')})", "-X^T (y ∘ σ(-y ∘ (X w)))", ["ml", "logistic"]),
    case("ml-var-residual", "ML: variance of the residuals var(Xw - y) (divisor n)",
         "d var(X w - y) / dw", "w", LS,
         lambda y, X, w: _var(X @ w - y),
         "2 * X.T @ ((X @ w - y) - np.mean(X @ w - y)) / X.shape[0]",
         "2 X^T (X w - y - mean(X w - y) 1) / n", ["ml", "least-squares"]),
    case("ml-mean-logistic-l2", "ML: mean ±1-label logistic loss with an L2 penalty",
         "d mean(softplus(-y .* (X w))) + λ ||w||^2 / dw", "w", {**LS, "λ": ()},
         lambda y, X, w, λ: np.mean(_softplus(-y * (X @ w))) + λ * np.sum(w ** 2),
         f"-X.T @ (y * {SIG('-y * (X @ w)')}) / X.shape[0] + 2 * λ * w",
         "-X^T (y ∘ σ(-y ∘ (X w))) / n + 2 λ w", ["ml", "logistic"]),
    case("ml-sce-undeclared-bias-b", "ML: softmax cross-entropy w.r.t. the bias, labels not declared",
         "d -y^T log(softmax(W x + b)) / db", "b", SCE,
         lambda y, W, x, b: -(y.T @ np.log(_softmax(W @ x + b))),
         f"np.sum(y) * {SM('W @ x + b')} - y", "sum(y) softmax(W x + b) - y", ["ml", "softmax"]),
    case("ml-attention-self-A", "ML: self-attention scores X^T A X (bilinear), row-wise softmax, w.r.t. A",
         "d tr(G^T softmax(X^T A X, dim=1) X^T) / dA", "A", {"G": (4, 3), "X": (3, 4), "A": (3, 3)},
         lambda G, X, A: np.trace(G.T @ _smr(X.T @ A @ X) @ X.T),
         f"X @ ({_B} * (G @ X) - np.sum({_B} * (G @ X), axis=1, keepdims=True) * {_B}) @ X.T",
         "X (softmax(X^T A X, dim=1) ∘ (G X) - diag((softmax(X^T A X, dim=1) ∘ (G X)) 1) "
         "softmax(X^T A X, dim=1)) X^T", ["ml", "attention"]),
    case("hess-softplus-Ax", "ML: Hessian of sum softplus(Ax)",
         "d^2 sum(softplus(A x)) / dx^2", "x", {"A": (5, 3), "x": (3, 1)},
         lambda A, x: np.sum(_softplus(A @ x)),
         f"A.T @ np.diag({DSIG('A @ x')}.ravel()) @ A", "A^T diag(σ(A x) ∘ σ(-A x)) A",
         ["hessian", "ml"], order=2),
    case("hess-sce-batch-bias", "ML: Hessian w.r.t. a broadcast bias of batch softmax cross-entropy",
         "d^2 -sum(Y .* log(softmax(W X + b 1^T))) / db^2 where Y: distribution", "b", BATCH,
         lambda Y, W, X, b: -np.sum(Y * np.log(_smc(W @ X + b))),
         f"np.diag(np.sum({SMC('W @ X + b')}, axis=1)) - {SMC('W @ X + b')} @ {SMC('W @ X + b')}.T",
         "diag(softmax(W X + b 1^T) 1) - softmax(W X + b 1^T) softmax(W X + b 1^T)^T",
         ["hessian", "ml", "softmax", "batch"], props={"Y": "distribution"}, order=2),
    case("hess-logsumexp-temperature", "ML: Hessian of τ lse(x/τ): (diag(s) - s s^T) / τ",
         "d^2 τ logsumexp(x / τ) / dx^2", "x", {"x": (4, 1), "τ": ()},
         lambda x, τ: τ * _lse(x / τ), f"{HLSE('x / τ')} / τ",
         "(diag(softmax(x / τ)) - softmax(x / τ) softmax(x / τ)^T) / τ",
         ["hessian", "ml", "logsumexp"], order=2),
    case("hess-gauss-nll-mean", "ML: Hessian of the Gaussian NLL w.r.t. the mean: 2 S^{-1}",
         "d^2 log det(S) + (x - m)^T S^{-1} (x - m) / dm^2 where S: spd", "m",
         {"S": (3, 3), "x": (3, 1), "m": (3, 1)},
         lambda S, x, m: np.log(det(S)) + (x - m).T @ inv(S) @ (x - m),
         f"2 * {INV}(S)", "2 S^{-1}", ["hessian", "ml", "gaussian", "symmetric"],
         props={"S": "spd"}, order=2),
    case("hess-rmsnorm", "ML: Hessian of c^T x / rms(x)",
         "d^2 c^T (x / sqrt(mean(x.^2) + ε)) / dx^2", "x", {"c": (4, 1), "x": (4, 1), "ε": ()},
         lambda c, x, ε: c.T @ (x / np.sqrt(np.mean(x ** 2) + ε)),
         "3 * (c.T @ x) * x @ x.T / (x.shape[0] ** 2 * np.sqrt(np.mean(x ** 2) + ε) ** 5)"
         " - (c @ x.T + x @ c.T + (c.T @ x) * np.eye(x.shape[0]))"
         " / (x.shape[0] * np.sqrt(np.mean(x ** 2) + ε) ** 3)",
         "3 c^T x x x^T / (n^2 sqrt(mean(x.^2) + ε)^5) - (c x^T + x c^T + c^T x I) / (n sqrt(mean(x.^2) + ε)^3)",
         ["hessian", "ml", "normalisation"], order=2),
    case("hess-mlp-W1", "ML: Hessian over vec(W1) of a tanh MLP's squared loss",
         "d^2 ||W2 tanh(W1 x) - y||^2 / dW1^2", "W1",
         {"W2": (2, 3), "W1": (3, 2), "x": (2, 1), "y": (2, 1)},
         lambda W2, W1, x, y: np.sum((W2 @ np.tanh(W1 @ x) - y) ** 2),
         f"np.kron(x @ x.T, 2 * {_D} @ W2.T @ W2 @ {_D} - 4 * np.diag(((W2.T @ (W2 @ np.tanh(W1 @ x) - y))"
         " * np.tanh(W1 @ x) * (1 - np.tanh(W1 @ x) ** 2)).ravel()))",
         "x x^T ⊗ (2 diag(1 - tanh(W1 x).^2) W2^T W2 diag(1 - tanh(W1 x).^2) - 4 diag((W2^T (W2 tanh(W1 x)"
         " - y)) ∘ tanh(W1 x) ∘ (1 - tanh(W1 x).^2)))", ["hessian", "ml", "mlp", "kronecker"], order=2),
]
