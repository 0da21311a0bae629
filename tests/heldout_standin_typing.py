"""A stand-in for the held-out corpus of practitioners' typing (format of
shared/eval/cases_typing_public.py: harness cases plus note_names, tags refuse-ok, and REFUSE).

`f` is what the person MEANT; `reference` is the textbook derivative in DENOMINATOR layout as a
NumPy expression (only np and the symbols), validated by `harness.py --self-test`;
`reference_text` is the compact textbook form, written out.  Problems differ from
tests/typing_corpus.py, tests/spec10_corpus.py and the public file.

Covers: scientific notation and decimals; Greek names with digits / subscripts, capital Greek
matrices; scalar biases and labels (w^T x + b, y in BCE / hinge / MSE); batch forms
(X w + b, W X + b 1^T, NumPy column bias, softmax per column, softmax(Z, dim=1), sum/mean with
dim); std, var, max, min, clip, relu, leaky_relu, abs, mean, ||.||_1, .^, .*, ./, x',
implicit products, log det, tr; MSE, BCE, hinge, Huber via clip, L1 + L2, cosine similarity,
layer / RMS norm, Gaussian NLL, KL, Hessians.

Run: python shared/eval/harness.py --cases tests/heldout_standin_typing.py --self-test
     python shared/eval/typing_check.py tests/heldout_standin_typing.py "python -m mdx" --layout both --method all
"""

import numpy as np


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _smc(Z):                     # softmax of each column
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _smr(Z):                     # softmax of each row
    return _smc(Z.T).T


def _lse(z):
    m = np.max(z)
    return m + np.log(np.sum(np.exp(z - m)))


def case(id, source, problem, wrt, shapes, f, reference, reference_text, tags, order=1,
         valid=None, props=None, notes=()):
    d = dict(id=id, source=source, problem=problem, wrt=wrt, shapes=shapes, props=props or {},
             f=f, order=order, reference=reference, reference_text=reference_text, tags=tags,
             note_names=list(notes))
    if valid is not None:
        d["valid"] = valid
    return d


def _away(*arrs, tol=0.05):      # every entry at least tol from 0 (kinks of abs, relu, sign, step)
    return all(np.min(np.abs(np.asarray(a, dtype=float))) > tol for a in arrs)


# reference snippets (safe_eval has only np and the symbols)
SIG = "(1 / (1 + np.exp(-({}))))"
SMC = "(np.exp(({0}) - ({0}).max(axis=0, keepdims=True)) / np.exp(({0}) - ({0}).max(axis=0, keepdims=True)).sum(axis=0, keepdims=True))"
SMR = "(np.exp(({0}) - ({0}).max(axis=1, keepdims=True)) / np.exp(({0}) - ({0}).max(axis=1, keepdims=True)).sum(axis=1, keepdims=True))"
INV = "np.linalg.inv({})"
STEP = "(1.0 * (({}) > 0))"


def _lnorm_grad(x, g, eps):
    n = x.shape[0]
    c = x - x.mean()
    v = np.mean(c ** 2) + eps
    return (g - g.mean() - c * (g.T @ c).item() / (n * v)) / np.sqrt(v)


CASES = [
    # ---------------------------------------------------------------- numbers
    case("n-sci-neg", "a weight in scientific notation on a squared norm", "d 5e-3 ||W x||^2 / dW", "W",
         {"W": (3, 4), "x": (4, 1)}, lambda W, x: 5e-3 * np.sum((W @ x) ** 2),
         "1e-2 * W @ x @ x.T", "0.01 W x x^T", ["number"]),
    case("n-sci-E", "an upper-case E exponent", "d 2.5E-3 sum(exp(x)) / dx", "x", {"x": (4, 1)},
         lambda x: 2.5e-3 * np.sum(np.exp(x)), "2.5e-3 * np.exp(x)", "0.0025 exp(x)", ["number"]),
    case("n-decimal-half", "the 0.5 of a least-squares loss", "d 0.5 ||A x - b||^2 / dx", "x",
         {"A": (5, 3), "x": (3, 1), "b": (5, 1)}, lambda A, x, b: 0.5 * np.sum((A @ x - b) ** 2),
         "A.T @ (A @ x - b)", "A^T (A x - b)", ["number"]),
    case("n-sci-plus", "an exponent with an explicit plus sign", "d 1e+1 log(1 + x^T x) / dx", "x",
         {"x": (4, 1)}, lambda x: 10 * np.log(1 + np.sum(x ** 2)),
         "20 * x / (1 + (x.T @ x).item())", "20 x / (1 + x^T x)", ["number"]),
    case("n-decimal-pow", "an elementwise power 1.5", "d sum(x.^1.5) / dx", "x", {"x": (4, 1)},
         lambda x: np.sum(x ** 1.5), "1.5 * x ** 0.5", "1.5 x.^0.5", ["number"],
         props={"x": "positive"}),
    case("n-sci-divisor", "dividing by 4e-1", "d tr(X^T X) / 4e-1 / dX", "X", {"X": (3, 2)},
         lambda X: np.trace(X.T @ X) / 0.4, "5 * X", "5 X", ["number"]),
    case("n-two-decimals", "a decimal and a scientific coefficient in one problem",
         "d 0.25 x^T A x - 1.5e-1 b^T x / dx", "x", {"A": (4, 4), "x": (4, 1), "b": (4, 1)},
         lambda A, x, b: 0.25 * (x.T @ A @ x).item() - 0.15 * (b.T @ x).item(),
         "0.25 * (A + A.T) @ x - 0.15 * b", "0.25 (A + A^T) x - 0.15 b", ["number"]),
    case("n-pow-neg-noparens", "MATLAB's x.^-0.5 (negative power without brackets)",
         "d sum((1 + x.^2).^-0.5) / dx", "x", {"x": (4, 1)},
         lambda x: np.sum((1 + x ** 2) ** -0.5), "-x * (1 + x ** 2) ** -1.5",
         "-x .* (1 + x.^2).^(-1.5)", ["number"]),

    # ---------------------------------------------------------------- names
    case("g-elastic-mean", "elastic net with lambda_1, lambda_2 and a mean squared error",
         "d mean((X w - y).^2) + lambda_1 ||w||_1 + lambda_2 ||w||^2 / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1), "lambda_1": (), "lambda_2": ()},
         lambda X, w, y, lambda_1, lambda_2: np.mean((X @ w - y) ** 2) + lambda_1 * np.sum(np.abs(w))
         + lambda_2 * np.sum(w ** 2),
         "2 * X.T @ (X @ w - y) / 6 + lambda_1 * np.sign(w) + 2 * lambda_2 * w",
         "2 X^T (X w - y) / n + λ_1 sign(w) + 2 λ_2 w", ["name"], valid=lambda w, **k: _away(w)),
    case("g-alpha-digits", "alpha1 and alpha2 as two weights", "d alpha1 x^T A x + alpha2 ||x||_1 / dx", "x",
         {"A": (4, 4), "x": (4, 1), "alpha1": (), "alpha2": ()},
         lambda A, x, alpha1, alpha2: alpha1 * (x.T @ A @ x).item() + alpha2 * np.sum(np.abs(x)),
         "alpha1 * (A + A.T) @ x + alpha2 * np.sign(x)", "α1 (A + A^T) x + α2 sign(x)", ["name"],
         valid=lambda x, **k: _away(x)),
    case("g-beta-sub-char", "β_1, β_2 written as characters with subscripts",
         "d β_1 tr(W^T W) + β_2 sum(W) / dW", "W", {"W": (3, 2), "β_1": (), "β_2": ()},
         lambda W, β_1, β_2: β_1 * np.trace(W.T @ W) + β_2 * np.sum(W),
         "2 * β_1 * W + β_2 * np.ones((3, 2))", "2 β_1 W + β_2 1 1^T", ["name"]),
    case("g-gamma1-wrt", "differentiating with respect to gamma1", "d ||x - gamma1 y||^2 / dgamma1", "gamma1",
         {"x": (4, 1), "y": (4, 1), "gamma1": ()}, lambda x, y, gamma1: np.sum((x - gamma1 * y) ** 2),
         "-2 * (y.T @ (x - gamma1 * y)).item()", "-2 y^T (x - γ1 y)", ["name"]),
    case("g-Sigma-quad", "a Mahalanobis form in the covariance, spelled Sigma; a vector named m",
         "d (x - m)^T Sigma^{-1} (x - m) / dSigma", "Sigma", {"x": (4, 1), "m": (4, 1), "Sigma": (4, 4)},
         lambda x, m, Sigma: ((x - m).T @ np.linalg.inv(Sigma) @ (x - m)).item(),
         "-" + INV.format("Sigma") + ".T @ (x - m) @ (x - m).T @ " + INV.format("Sigma") + ".T",
         "-Σ^{-1} (x - m) (x - m)^T Σ^{-1}", ["name"], props={"Sigma": "spd"}),
    case("g-Theta-char", "a capital Θ weight matrix with a 1e-2 penalty",
         "d ||Θ x - y||^2 + 1e-2 ||Θ||_F^2 / dΘ", "Θ", {"Θ": (3, 4), "x": (4, 1), "y": (3, 1)},
         lambda Θ, x, y: np.sum((Θ @ x - y) ** 2) + 1e-2 * np.sum(Θ ** 2),
         "2 * (Θ @ x - y) @ x.T + 0.02 * Θ", "2 (Θ x - y) x^T + 0.02 Θ", ["name"]),
    case("g-Phi-design", "a design matrix Phi with weight decay alpha",
         "d ||t - Phi w||^2 + alpha w^T w / dw", "w", {"Phi": (5, 3), "w": (3, 1), "t": (5, 1), "alpha": ()},
         lambda Phi, w, t, alpha: np.sum((t - Phi @ w) ** 2) + alpha * np.sum(w ** 2),
         "2 * Phi.T @ (Phi @ w - t) + 2 * alpha * w", "2 Φ^T (Φ w - t) + 2 α w", ["name"]),
    case("g-Lambda-char", "a capital Λ inside a trace", "d tr(X Λ X^T) / dX", "X", {"X": (4, 3), "Λ": (3, 3)},
         lambda X, Λ: np.trace(X @ Λ @ X.T), "X @ (Λ + Λ.T)", "X (Λ + Λ^T)", ["name"]),
    case("g-Sigma-shift", "log det of a shifted covariance, with respect to the shift lambda",
         "d log det(Sigma + lambda I) / dlambda", "λ", {"Sigma": (3, 3), "λ": ()},
         lambda Sigma, λ: np.log(np.linalg.det(Sigma + λ * np.eye(3))),
         "np.trace(" + INV.format("Sigma + λ * np.eye(3)") + ")", "tr((Σ + λ I)^{-1})", ["name"],
         props={"Sigma": "spd"}),
    case("g-Omega-spelled", "Omega spelled out", "d tr(Omega^T Omega A) / dOmega", "Omega",
         {"Omega": (4, 3), "A": (3, 3)}, lambda Omega, A: np.trace(Omega.T @ Omega @ A),
         "Omega @ (A + A.T)", "Ω (A + A^T)", ["name"]),
    case("g-rho2-wrt", "sigmoid of a scaled score, with respect to rho2", "d sigmoid(rho2 x^T y) / drho2", "rho2",
         {"x": (4, 1), "y": (4, 1), "rho2": ()}, lambda x, y, rho2: _sig(rho2 * (x.T @ y).item()),
         SIG.format("rho2 * (x.T @ y).item()") + " * (1 - " + SIG.format("rho2 * (x.T @ y).item()")
         + ") * (x.T @ y).item()", "σ(ρ2 x^T y) (1 - σ(ρ2 x^T y)) x^T y", ["name"]),
    case("g-Gamma-factor", "a factor Gamma of a symmetric target",
         "d ||Gamma Gamma^T - S||_F^2 / dGamma where S: symmetric", "Gamma", {"Gamma": (3, 3), "S": (3, 3)},
         lambda Gamma, S: np.sum((Gamma @ Gamma.T - S) ** 2),
         "4 * (Gamma @ Gamma.T - S) @ Gamma", "4 (Γ Γ^T - S) Γ", ["name"], props={"S": "symmetric"}),

    # ---------------------------------------------------------------- kinds (scalar b, y, c, mu)
    case("k-sig-bias-db", "a sigmoid unit's bias", "d sigmoid(w^T x + b) / db", "b",
         {"w": (4, 1), "x": (4, 1), "b": ()}, lambda w, x, b: _sig((w.T @ x).item() + b),
         SIG.format("(w.T @ x).item() + b") + " * (1 - " + SIG.format("(w.T @ x).item() + b") + ")",
         "σ(w^T x + b) (1 - σ(w^T x + b))", ["kind"], notes=["b"]),
    case("k-bce-db-noparens", "one-sample BCE without outer brackets, with respect to the bias",
         "d -y log(σ(w^T x + b)) - (1 - y) log(1 - σ(w^T x + b)) / db", "b",
         {"w": (4, 1), "x": (4, 1), "b": (), "y": ()},
         lambda w, x, b, y: -y * np.log(_sig((w.T @ x).item() + b)) - (1 - y) * np.log(1 - _sig((w.T @ x).item() + b)),
         SIG.format("(w.T @ x).item() + b") + " - y", "σ(w^T x + b) - y", ["kind"], notes=["y", "b"]),
    case("k-bce-prime", "one-sample BCE with MATLAB transposes w' x",
         "d -(y log(sigmoid(w' x + b)) + (1 - y) log(1 - sigmoid(w' x + b))) / dw", "w",
         {"w": (4, 1), "x": (4, 1), "b": (), "y": ()},
         lambda w, x, b, y: -(y * np.log(_sig((w.T @ x).item() + b)) + (1 - y) * np.log(1 - _sig((w.T @ x).item() + b))),
         "(" + SIG.format("(w.T @ x).item() + b") + " - y) * x", "(σ(w^T x + b) - y) x", ["kind"],
         notes=["y", "b"]),
    case("k-hinge", "hinge loss max(0, 1 - y w^T x) with a scalar label", "d max(0, 1 - y w^T x) / dw", "w",
         {"w": (4, 1), "x": (4, 1), "y": ()}, lambda w, x, y: max(0.0, 1 - y * (w.T @ x).item()),
         "-y * x * (1.0 * 1 - y * (w.T @ x).item() > 0)", "-y step(1 - y w^T x) x", ["kind"],
         notes=["y"], props={"y": "general"}, valid=lambda w, x, y: abs(1 - y * (w.T @ x).item()) > 0.05),
    case("k-hinge-bias-reg", "soft-margin SVM objective, one sample",
         "d max(0, 1 - y (w^T x + b)) + lambda ||w||^2 / dw", "w",
         {"w": (4, 1), "x": (4, 1), "y": (), "b": (), "λ": ()},
         lambda w, x, y, b, λ: max(0.0, 1 - y * ((w.T @ x).item() + b)) + λ * np.sum(w ** 2),
         "-y * x * (1.0 * 1 - y * ((w.T @ x).item() + b) > 0) + 2 * λ * w",
         "-y step(1 - y (w^T x + b)) x + 2 λ w", ["kind"], notes=["y", "b"], props={"y": "general"},
         valid=lambda w, x, y, b, **k: abs(1 - y * ((w.T @ x).item() + b)) > 0.05),
    case("k-mse-half", "half squared error of an affine unit", "d 0.5 (y - w^T x - b)^2 / dw", "w",
         {"w": (4, 1), "x": (4, 1), "y": (), "b": ()},
         lambda w, x, y, b: 0.5 * (y - (w.T @ x).item() - b) ** 2,
         "((w.T @ x).item() + b - y) * x", "(w^T x + b - y) x", ["kind"], notes=["y", "b"]),
    case("k-c-scale", "a scalar c in front of a quadratic form (a vector c would make it vector-valued)",
         "d c x^T A x / dA", "A", {"c": (), "x": (4, 1), "A": (4, 4)},
         lambda c, x, A: c * (x.T @ A @ x).item(), "c * x @ x.T", "c x x^T", ["kind", "refuse-ok"],
         notes=["c"]),
    case("k-mu-l1", "a scalar location mu under an l1 norm", "d ||x - mu||_1 / dmu", "mu",
         {"x": (5, 1), "mu": ()}, lambda x, mu: np.sum(np.abs(x - mu)), "-np.sum(np.sign(x - mu))",
         "-1^T sign(x - μ)", ["kind"], notes=["mu", "μ"], valid=lambda x, mu: _away(x - mu)),
    case("k-gamma-hadamard", "a layer-norm gain gamma used elementwise (a vector, though Greek)",
         "d ||gamma .* z - y||^2 / dgamma", "gamma",
         {"gamma": (4, 1), "z": (4, 1), "y": (4, 1)},
         lambda gamma, z, y: np.sum((gamma * z - y) ** 2),
         "2 * z * (gamma * z - y)", "2 z .* (γ .* z - y)", ["kind", "refuse-ok"],
         notes=["gamma", "γ"]),

    # ---------------------------------------------------------------- batches and broadcasts
    case("b-Xw-b-db", "linear regression with an intercept b added to X w",
         "d ||X w + b - y||^2 / db", "b", {"X": (5, 3), "w": (3, 1), "b": (), "y": (5, 1)},
         lambda X, w, b, y: np.sum((X @ w + b - y) ** 2), "2 * np.sum(X @ w + b - y)",
         "2 1^T (X w + b - y)", ["broadcast", "refuse-ok"], notes=["b"]),
    case("b-logistic-batch-bias", "batch logistic loss with ±1 labels and an intercept",
         "d sum(log(1 + exp(-y .* (X w + b)))) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "b": (), "y": (6, 1)},
         lambda X, w, b, y: np.sum(np.log(1 + np.exp(-y * (X @ w + b)))),
         "-X.T @ (y * " + SIG.format("-y * (X @ w + b)") + ")", "-X^T (y .* σ(-y .* (X w + b)))",
         ["broadcast", "refuse-ok"], notes=["b"]),
    case("b-relu-b1T", "a ReLU layer on a batch with b 1^T", "d sum(relu(W X + b 1^T)) / dW", "W",
         {"W": (3, 4), "X": (4, 5), "b": (3, 1)}, lambda W, X, b: np.sum(np.maximum(W @ X + b, 0)),
         STEP.format("W @ X + b") + " @ X.T", "step(W X + b 1^T) X^T", ["broadcast"],
         valid=lambda W, X, b: _away(W @ X + b)),
    case("b-sigmoid-bcast-db", "NumPy column bias inside a sigmoid, with respect to the bias",
         "d sum(Y .* log(σ(W X + b))) / db", "b", {"W": (2, 3), "X": (3, 5), "b": (2, 1), "Y": (2, 5)},
         lambda W, X, b, Y: np.sum(Y * np.log(_sig(W @ X + b))),
         "(Y * (1 - " + SIG.format("W @ X + b") + ")) @ np.ones((5, 1))", "(Y .* (1 - σ(W X + b 1^T))) 1",
         ["broadcast"]),
    case("b-exp-bcast-db", "NumPy column bias under exp", "d sum(exp(W X + b)) / db", "b",
         {"W": (3, 2), "X": (2, 4), "b": (3, 1)}, lambda W, X, b: np.sum(np.exp(W @ X + b)),
         "np.exp(W @ X + b) @ np.ones((4, 1))", "exp(W X + b 1^T) 1", ["broadcast"]),
    case("b-softmax-cols-dW", "softmax over the columns of a batch, no dim",
         "d sum(G .* softmax(W X)) / dW", "W", {"W": (3, 4), "X": (4, 5), "G": (3, 5)},
         lambda W, X, G: np.sum(G * _smc(W @ X)),
         "(" + SMC.format("W @ X") + " * (G - np.sum(" + SMC.format("W @ X") + " * G, axis=0, keepdims=True))) @ X.T",
         "(softmax(W X) .* (G - 1 1^T (softmax(W X) .* G))) X^T", ["broadcast"]),
    case("b-softmax-dim1-dX", "PyTorch row softmax cross-entropy, with respect to the data",
         "d -sum(Y .* log(softmax(X W, dim=1))) / dX", "X", {"X": (5, 3), "W": (3, 4), "Y": (5, 4)},
         lambda X, W, Y: -np.sum(Y * np.log(_smr(X @ W))),
         "(" + SMR.format("X @ W") + " * Y.sum(axis=1, keepdims=True) - Y) @ W.T",
         "(softmax(X W, dim=1) .* (Y 1 1^T) - Y) W^T", ["broadcast"]),
    case("b-sum-dim0-prime", "column sums with dim=0, transposed with '", "d ||sum(X, dim=0)' - y||^2 / dX", "X",
         {"X": (3, 4), "y": (4, 1)}, lambda X, y: np.sum((X.sum(axis=0, keepdims=True).T - y) ** 2),
         "2 * np.ones((3, 1)) @ (X.T @ np.ones((3, 1)) - y).T", "2 1 (X^T 1 - y)^T", ["broadcast"]),
    case("b-mean-dim1", "row means with dim=1", "d y^T mean(X, dim=1) / dX", "X", {"X": (3, 5), "y": (3, 1)},
         lambda X, y: (y.T @ X.mean(axis=1, keepdims=True)).item(), "y @ np.ones((1, 5)) / 5", "y 1^T / m",
         ["broadcast"]),
    case("b-row-bias-1bT", "a row-sample batch with an explicit 1 b^T", "d ||X W + 1 b^T - Y||_F^2 / db", "b",
         {"X": (5, 3), "W": (3, 2), "b": (2, 1), "Y": (5, 2)},
         lambda X, W, b, Y: np.sum((X @ W + b.T - Y) ** 2), "2 * (X @ W + b.T - Y).T @ np.ones((5, 1))",
         "2 (X W + 1 b^T - Y)^T 1", ["broadcast"]),
    case("b-mean-batch-mse", "mean squared error over every entry of a batch", "d mean((W X - Y).^2) / dW", "W",
         {"W": (2, 3), "X": (3, 6), "Y": (2, 6)}, lambda W, X, Y: np.mean((W @ X - Y) ** 2),
         "2 * (W @ X - Y) @ X.T / 12", "2 (W X - Y) X^T / (n m)", ["broadcast"]),

    # ---------------------------------------------------------------- functions
    case("f-std-Ax", "the population std of a linear map", "d std(A x) / dA", "A", {"A": (4, 3), "x": (3, 1)},
         lambda A, x: np.std(A @ x), "(A @ x - np.mean(A @ x)) @ x.T / (4 * np.std(A @ x))",
         "(A x - mean(A x) 1) x^T / (n std(A x))", ["function"]),
    case("f-var-plus-mean2", "variance plus squared mean (the mean of squares)", "d var(x) + mean(x)^2 / dx", "x",
         {"x": (5, 1)}, lambda x: np.var(x) + np.mean(x) ** 2, "2 * x / 5", "2 x / n", ["function"]),
    case("f-var-Xw", "the variance of the predictions", "d var(X w) / dw", "w", {"X": (6, 3), "w": (3, 1)},
         lambda X, w: np.var(X @ w), "2 * X.T @ (X @ w - np.mean(X @ w)) / 6",
         "2 X^T (X w - mean(X w) 1) / n", ["function"]),
    case("f-max-diff", "the largest entry of a difference", "d max(x - y) / dy", "y", {"x": (5, 1), "y": (5, 1)},
         lambda x, y: np.max(x - y), "-1.0 * (x - y == np.max(x - y))", "-ismax(x - y)", ["function"],
         valid=lambda x, y: np.diff(np.sort((x - y).ravel()))[-1] > 0.05),
    case("f-min-zero-W", "min(., 0) elementwise", "d sum(min(W x, 0)) / dW", "W", {"W": (3, 4), "x": (4, 1)},
         lambda W, x: np.sum(np.minimum(W @ x, 0)), STEP.format("-(W @ x)") + " @ x.T", "step(-W x) x^T",
         ["function"], valid=lambda W, x: _away(W @ x)),
    case("f-clip-06", "ReLU6 via clip(x, 0, 6)", "d sum(clip(x, 0, 6) .* y) / dx", "x", {"x": (5, 1), "y": (5, 1)},
         lambda x, y: np.sum(np.clip(x, 0, 6) * y), "y * " + STEP.format("x"), "y .* step(x) .* step(6 - x)",
         ["function"], valid=lambda x, y: _away(x)),
    case("f-leaky-001", "leaky ReLU with slope 0.01, with respect to the bias",
         "d sum(leaky_relu(W x + b, 0.01)) / db", "b", {"W": (3, 4), "x": (4, 1), "b": (3, 1)},
         lambda W, x, b: np.sum(np.where(W @ x + b > 0, W @ x + b, 0.01 * (W @ x + b))),
         "0.01 + 0.99 * " + STEP.format("W @ x + b"), "0.01 1 + 0.99 step(W x + b)", ["function"],
         valid=lambda W, x, b: _away(W @ x + b)),
    case("f-norm1-Wx", "an l1 residual with ||.||_1", "d ||W x - y||_1 / dW", "W",
         {"W": (3, 4), "x": (4, 1), "y": (3, 1)}, lambda W, x, y: np.sum(np.abs(W @ x - y)),
         "np.sign(W @ x - y) @ x.T", "sign(W x - y) x^T", ["function"], valid=lambda W, x, y: _away(W @ x - y)),
    case("f-norm1-matrix", "the entrywise l1 norm of a matrix residual", "d ||A - B X||_1 / dX", "X",
         {"A": (4, 3), "B": (4, 2), "X": (2, 3)}, lambda A, B, X: np.sum(np.abs(A - B @ X)),
         "-B.T @ np.sign(A - B @ X)", "-B^T sign(A - B X)", ["function"], valid=lambda A, B, X: _away(A - B @ X)),
    case("f-tanh-sq", "an elementwise square of tanh with .^", "d sum(tanh(x).^2) / dx", "x", {"x": (4, 1)},
         lambda x: np.sum(np.tanh(x) ** 2), "2 * np.tanh(x) * (1 - np.tanh(x) ** 2)",
         "2 tanh(x) .* (1 - tanh(x).^2)", ["function"]),
    case("f-softsign", "softsign with ./ and abs", "d sum(x ./ (1 + abs(x))) / dx", "x", {"x": (4, 1)},
         lambda x: np.sum(x / (1 + np.abs(x))), "1 / (1 + np.abs(x)) ** 2", "1 ./ (1 + abs(x)).^2",
         ["function"], valid=lambda x: _away(x)),
    case("f-prime-hadamard", "x' transposes and .*", "d x' (a .* x) / dx", "x", {"x": (4, 1), "a": (4, 1)},
         lambda x, a: (x.T @ (a * x)).item(), "2 * a * x", "2 a .* x", ["function"]),
    case("f-implicit-tr", "implicit products with primes inside a trace", "d tr(A X' B X) / dX", "X",
         {"A": (3, 3), "X": (4, 3), "B": (4, 4)}, lambda A, X, B: np.trace(A @ X.T @ B @ X),
         "B @ X @ A + B.T @ X @ A.T", "B X A + B^T X A^T", ["function"]),
    case("f-logdet-gram", "log det of a regularised Gram matrix", "d log det(X' X + lambda I) / dX", "X",
         {"X": (5, 3), "λ": ()}, lambda X, λ: np.log(np.linalg.det(X.T @ X + λ * np.eye(3))),
         "2 * X @ " + INV.format("X.T @ X + λ * np.eye(3)"), "2 X (X^T X + λ I)^{-1}", ["function"]),
    case("f-logdet-proj", "log det of a projected covariance", "d log det(W^T Sigma W) / dW where Sigma: spd", "W",
         {"W": (4, 2), "Sigma": (4, 4)}, lambda W, Sigma: np.log(np.linalg.det(W.T @ Sigma @ W)),
         "2 * Sigma @ W @ " + INV.format("W.T @ Sigma @ W"), "2 Σ W (W^T Σ W)^{-1}", ["function"],
         props={"Sigma": "spd"}),
    case("f-dotdiv-weighted", "a weighted squared error with ./", "d sum((a - x).^2 ./ s) / dx", "x",
         {"a": (4, 1), "x": (4, 1), "s": (4, 1)}, lambda a, x, s: np.sum((a - x) ** 2 / s),
         "2 * (x - a) / s", "2 (x - a) ./ s", ["function"], props={"s": "positive"}),

    # ---------------------------------------------------------------- losses
    case("l-mse-mean", "MSE written with mean", "d mean((X w - y).^2) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)}, lambda X, w, y: np.mean((X @ w - y) ** 2),
         "2 * X.T @ (X @ w - y) / 6", "2 X^T (X w - y) / n", ["loss"]),
    case("l-huber-clip", "Huber loss written with clip",
         "d sum(clip(X w - y, -delta, delta) .* (X w - y) - 0.5 clip(X w - y, -delta, delta).^2) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1), "δ": ()},
         lambda X, w, y, δ: np.sum(np.clip(X @ w - y, -δ, δ) * (X @ w - y) - 0.5 * np.clip(X @ w - y, -δ, δ) ** 2),
         "X.T @ np.clip(X @ w - y, -δ, δ)", "X^T clip(X w - y, -δ, δ)", ["loss"],
         valid=lambda X, w, y, δ: _away(np.abs(X @ w - y) - δ)),
    case("l-L1L2-sci", "MSE with L1 and L2 penalties in scientific notation",
         "d 0.5 mean((X w - y).^2) + 1e-3 ||w||_1 + 5e-4 ||w||^2 / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: 0.5 * np.mean((X @ w - y) ** 2) + 1e-3 * np.sum(np.abs(w)) + 5e-4 * np.sum(w ** 2),
         "X.T @ (X @ w - y) / 6 + 1e-3 * np.sign(w) + 1e-3 * w",
         "X^T (X w - y) / n + 0.001 sign(w) + 0.001 w", ["loss"], valid=lambda w, **k: _away(w)),
    case("l-cosine", "cosine similarity", "d x^T y / (||x|| ||y||) / dx", "x", {"x": (4, 1), "y": (4, 1)},
         lambda x, y: (x.T @ y).item() / (np.linalg.norm(x) * np.linalg.norm(y)),
         "y / (np.linalg.norm(x) * np.linalg.norm(y)) - (x.T @ y).item() * x / (np.linalg.norm(x) ** 3 * np.linalg.norm(y))",
         "y / (||x|| ||y||) - (x^T y) x / (||x||^3 ||y||)", ["loss"]),
    case("l-cosine-prime-norm", "cosine similarity with a' b and norm()", "d (a' b) / (norm(a) * norm(b)) / db", "b",
         {"a": (4, 1), "b": (4, 1)},
         lambda a, b: (a.T @ b).item() / (np.linalg.norm(a) * np.linalg.norm(b)),
         "a / (np.linalg.norm(a) * np.linalg.norm(b)) - (a.T @ b).item() * b / (np.linalg.norm(a) * np.linalg.norm(b) ** 3)",
         "a / (||a|| ||b||) - (a^T b) b / (||a|| ||b||^3)", ["loss"]),
    case("l-layernorm-g", "layer norm backward: upstream g, ./ and var with 1e-5",
         "d sum(g .* (x - mean(x)) ./ sqrt(var(x) + 1e-5)) / dx", "x", {"g": (5, 1), "x": (5, 1)},
         lambda g, x: np.sum(g * (x - x.mean()) / np.sqrt(np.var(x) + 1e-5)),
         "(g - np.mean(g) - (x - np.mean(x)) * (g.T @ (x - np.mean(x))).item() / (5 * (np.var(x) + 1e-5))) / np.sqrt(np.var(x) + 1e-5)",
         "(g - mean(g) 1 - (x - mean(x) 1) (g^T (x - mean(x) 1)) / (n (var(x) + 1e-5))) / sqrt(var(x) + 1e-5)",
         ["loss"]),
    case("l-rmsnorm-g", "RMS norm backward", "d sum(g .* x / sqrt(mean(x.^2) + 1e-6)) / dx", "x",
         {"g": (5, 1), "x": (5, 1)}, lambda g, x: np.sum(g * x / np.sqrt(np.mean(x ** 2) + 1e-6)),
         "g / np.sqrt(np.mean(x ** 2) + 1e-6) - (g.T @ x).item() * x / (5 * np.sqrt(np.mean(x ** 2) + 1e-6) ** 3)",
         "g / sqrt(mean(x.^2) + 1e-6) - (g^T x) x / (n sqrt(mean(x.^2) + 1e-6)^3)", ["loss"]),
    case("l-bce-batch-mean", "batch BCE with mean and σ",
         "d -mean(y .* log(σ(X w)) + (1 - y) .* log(1 - σ(X w))) / dw", "w",
         {"X": (6, 3), "w": (3, 1), "y": (6, 1)},
         lambda X, w, y: -np.mean(y * np.log(_sig(X @ w)) + (1 - y) * np.log(1 - _sig(X @ w))),
         "X.T @ (" + SIG.format("X @ w") + " - y) / 6", "X^T (σ(X w) - y) / n", ["loss"]),
    case("l-ridge-matlab", "ridge regression typed MATLAB-style with * and '",
         "d (y - X*w)'*(y - X*w) + lambda*w'*w / dw", "w",
         {"X": (5, 3), "w": (3, 1), "y": (5, 1), "λ": ()},
         lambda X, w, y, λ: np.sum((y - X @ w) ** 2) + λ * np.sum(w ** 2),
         "2 * X.T @ (X @ w - y) + 2 * λ * w", "2 X^T (X w - y) + 2 λ w", ["loss"]),
    case("l-gauss-nll-Sigma", "Gaussian NLL in the covariance, MATLAB transposes and inv()",
         "d 0.5 log det(Sigma) + 0.5 (x - mu)' inv(Sigma) (x - mu) / dSigma where mu: vector", "Sigma",
         {"Sigma": (4, 4), "x": (4, 1), "mu": (4, 1)},
         lambda Sigma, x, mu: 0.5 * np.log(np.linalg.det(Sigma)) + 0.5 * ((x - mu).T @ np.linalg.inv(Sigma) @ (x - mu)).item(),
         "0.5 * " + INV.format("Sigma") + ".T - 0.5 * " + INV.format("Sigma") + ".T @ (x - mu) @ (x - mu).T @ "
         + INV.format("Sigma") + ".T",
         "(Σ^{-1} - Σ^{-1} (x - μ) (x - μ)^T Σ^{-1}) / 2", ["loss"], props={"Sigma": "spd"}),
    case("l-softmax-ce-bias", "softmax cross-entropy via logsumexp, with respect to the bias",
         "d logsumexp(W x + b) - y' (W x + b) / db", "b", {"W": (3, 4), "x": (4, 1), "b": (3, 1), "y": (3, 1)},
         lambda W, x, b, y: _lse(W @ x + b) - (y.T @ (W @ x + b)).item(),
         SMC.format("W @ x + b") + " - y", "softmax(W x + b) - y", ["loss"]),
    case("l-triplet-max", "triplet loss with max(0, ·) and margin 0.2; a vector named n",
         "d max(0, ||a - p||^2 - ||a - n||^2 + 0.2) / dp", "p", {"a": (4, 1), "p": (4, 1), "n": (4, 1)},
         lambda a, p, n: max(0.0, np.sum((a - p) ** 2) - np.sum((a - n) ** 2) + 0.2),
         "2 * (p - a) * (1.0 * np.sum((a - p) ** 2) - np.sum((a - n) ** 2) + 0.2 > 0)",
         "2 step(||a - p||^2 - ||a - n||^2 + 0.2) (p - a)", ["loss"],
         valid=lambda a, p, n: abs(np.sum((a - p) ** 2) - np.sum((a - n) ** 2) + 0.2) > 0.05),
    case("l-kl", "KL divergence in q with ./", "d sum(p .* log(p ./ q)) / dq", "q", {"p": (4, 1), "q": (4, 1)},
         lambda p, q: np.sum(p * np.log(p / q)), "-p / q", "-p ./ q", ["loss"],
         props={"p": "positive", "q": "positive"}),
    case("l-hess-quad-matlab", "Hessian of a quadratic typed with * and '", "d^2 0.5*w'*A*w - b'*w / dw^2", "w",
         {"w": (4, 1), "A": (4, 4), "b": (4, 1)}, lambda w, A, b: 0.5 * (w.T @ A @ w).item() - (b.T @ w).item(),
         "(A + A.T) / 2", "(A + A^T) / 2", ["loss"], order=2),
    case("l-hess-logistic", "Hessian of the batch softplus (logistic) loss", "d^2 sum(log(1 + exp(X w))) / dw^2", "w",
         {"X": (6, 3), "w": (3, 1)}, lambda X, w: np.sum(np.log(1 + np.exp(X @ w))),
         "X.T @ np.diag((" + SIG.format("X @ w") + " * (1 - " + SIG.format("X @ w") + ")).ravel()) @ X",
         "X^T diag(σ(X w) .* (1 - σ(X w))) X", ["loss"], order=2),
]

REFUSE = [
    ("r-xAx-nospace", "d x'Ax / dx"),                         # 'Ax' is no name: write A x
    ("r-rho-call", "d rho(x^T y) x / dx"),                    # rho( is a call to nothing
    ("r-vec-square", "d w^2 + 1e-3 ||w||_1 / dw"),            # a vector has no square
    ("r-softmax-dim2", "d sum(Y .* softmax(Z, dim=2)) / dZ"),  # a matrix has no dim 2
    ("r-elu", "d sum(elu(x)) / dx"),                          # not a function of the language
    ("r-std-ddof", "d std(x, ddof=1) / dx"),                  # the sample std: not silently population
]
