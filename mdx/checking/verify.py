"""`--verify`: mdx checks its own result, and every step that has a NumPy form, against
central finite differences of the function at random points.

The function is evaluated from its own NumPy form, never from the derivative, so a wrong
rule anywhere in the derivation shows as a difference here.  A failed check raises
VerificationError: a verification never passes silently.
"""

from __future__ import annotations

import re

from ..bounds.limits import bounded, check_clock
from .numeric import comparable, derivation_sizes, draw_inputs, evaluation_names
from ..rendering.numpy_code import NumpyPrinter
from ..rendering.pynames import derivation_names
from .verification import Verification, VerificationError

POINTS = 3
TOLERANCE = {1: 1e-6, 2: 1e-4}     # relative; differences of differences are noisier
FLOOR = 1e-3                        # errors of a derivative near 0 are taken against this
TRIES = 12                          # random points drawn to find POINTS where f is defined


def _numpy():
    try:
        import numpy
    except ImportError:
        raise VerificationError("--verify needs NumPy, which is not installed", 1,
                                'pip install numpy') from None
    return numpy


class _Evaluator:
    """The function, the result and the steps as NumPy values at concrete inputs."""

    def __init__(self, der, np):
        from ..rendering.render import result_numpy, step_numpy
        self.der, self.np = der, np
        self.sizes = derivation_sizes(der)
        self.names = derivation_names(der)
        printer = NumpyPrinter(self.names, der.var)
        self.f_code = printer.doprint(der.function)
        self.result_code = result_numpy(der)
        self.step_codes = [(st, step_numpy(der, st)) for st in der.steps if st.numpy]
        self.base = evaluation_names(der, np, self.sizes)
        self.wrt = self.names.sym(der.var.name)
        self.dname = self.names.diff(der.var.name)

    def eval(self, code: str, inputs: dict, extra=None):
        env = {"__builtins__": {}, **self.base, **inputs, **(extra or {})}
        with self.np.errstate(all="ignore"):
            return self.np.asarray(eval(compile(code, "<mdx>", "eval"), env), dtype=float)

    def f(self, inputs: dict):
        return self.eval(self.f_code, inputs)


def _finite(np, *values) -> bool:
    return all(bool(np.all(np.isfinite(v))) for v in values)


def _vec(np, a):
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def _central(np, at, v0, step):
    """The columns d at(v) / d v_k at v0: central differences, Richardson-extrapolated."""
    cols = []
    for k in range(v0.size):
        check_clock()
        h = step(k)
        est = []
        for hh in (h, h / 2):
            vp, vm = v0.copy(), v0.copy()
            vp[k] += hh
            vm[k] -= hh
            with np.errstate(all="ignore"):     # out of f's domain: nan, passed over
                est.append((at(vp) - at(vm)) / (2 * hh))
        cols.append((4 * est[1] - est[0]) / 3)
    return np.column_stack(cols)


def _at(ev, inputs, wrt, fn):
    """v -> fn(inputs with the variable set to the vector v, reshaped)."""
    x0 = ev.np.shape(inputs[wrt])

    def at(v):
        local = dict(inputs)
        local[wrt] = float(v[0]) if x0 == () else v.reshape(x0, order="F")
        return fn(local)
    return at


def _jacobian(ev, inputs, wrt, h0=1e-4):
    """d vec(F) / d vec(X)ᵀ."""
    np = ev.np
    v0 = _vec(np, inputs[wrt])
    return _central(np, _at(ev, inputs, wrt, lambda local: _vec(np, ev.f(local))), v0,
                    lambda k: h0 * max(1.0, abs(v0[k])))


def _hessian(ev, inputs, wrt):
    """Differences of the differenced gradient, symmetrised."""
    np = ev.np
    v0 = _vec(np, inputs[wrt])
    h = 2e-3 * max(1.0, float(np.max(np.abs(v0))))
    H = _central(np, _at(ev, inputs, wrt, lambda local: _jacobian(ev, local, wrt, 1e-3)[0]), v0,
                 lambda k: h)
    return (H + H.T) / 2


def expected(ev, inputs):
    """The derivative by finite differences, arranged as SPEC section 4 says."""
    np, der, wrt = ev.np, ev.der, ev.wrt
    wshape = np.shape(inputs[wrt])
    if der.var2 is not None:            # d^2 f / dx dy: the Jacobian by y of the gradient by x
        y = ev.names.sym(der.var2.name)
        v0 = _vec(np, inputs[y])
        h = 2e-3 * max(1.0, float(np.max(np.abs(v0))))
        return _central(np, _at(ev, inputs, y, lambda local: _jacobian(ev, local, wrt, 1e-3)[0]),
                        v0, lambda k: h)
    if der.order == 2:
        H = _hessian(ev, inputs, wrt)
        return float(H[0, 0]) if wshape == () else H
    out = ev.f(inputs)
    J = _jacobian(ev, inputs, wrt)
    if out.size == 1:
        if wshape == ():
            return float(J[0, 0])
        G = J[0, :].reshape(wshape, order="F")
        G = _structured(np, G, der.structured)
        return G if der.layout == "denominator" else G.T
    num = J[:, 0].reshape(out.shape, order="F") if wshape == () else J
    return num.T if der.layout == "denominator" else num


def _structured(np, G, form):
    """The gradient on the structured space of `--structured`, from the unconstrained G."""
    if form is None:
        return G
    if form == "diagonal":
        return np.diag(np.diag(G))
    if form == "cookbook":
        return G + G.T - np.diag(np.diag(G))
    return (G + G.T) / 2


def directional(ev, inputs, direction, h=1e-5):
    """d/dt f(X + t V) at t = 0."""
    wrt = ev.wrt
    x0 = inputs[wrt]

    def at(t):
        local = dict(inputs)
        local[wrt] = x0 + t * direction
        return ev.f(local)
    d1 = (at(h) - at(-h)) / (2 * h)
    d2 = (at(h / 2) - at(-h / 2)) / h
    return (4 * d2 - d1) / 3


def relative_error(np, got, want) -> float:
    got, want = comparable(np, got, want)
    if got.shape != want.shape:
        return float("inf")
    if want.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(want))), FLOOR)
    return float(np.max(np.abs(got - want))) / scale


def _points(ev, rng):
    """POINTS (inputs, finite differences there) where f, the result and the differences
    are finite: general values first, positive ones where those leave f's domain (log,
    sqrt), small ones (inside (-1, 1)).  A point whose differences step out of the domain
    (log det near a sign change) is passed over, not failed."""
    np, der = ev.np, ev.der
    found = []
    for attempt in range(TRIES):
        check_clock()
        kind = (False, True)[attempt % 2] if attempt < TRIES // 2 else ("small", True)[attempt % 2]
        inputs = draw_inputs(der.symbols, ev.sizes, np, rng, ev.names, positive=kind)
        try:
            if not _finite(np, ev.f(inputs), ev.eval(ev.result_code, inputs)):
                continue
            want = expected(ev, inputs)
        except (ArithmeticError, TypeError, ValueError, np.linalg.LinAlgError):  # complex, singular
            continue
        if _finite(np, want):
            found.append((inputs, want))
        if len(found) == POINTS:
            return found
    raise VerificationError(f"could not find {POINTS} random points where f and its derivative "
                            "are defined, so the result was not verified", 1,
                            "check the problem's domain (log, sqrt, inverses)")


def _fail(what: str, error: float) -> VerificationError:
    return VerificationError(f"verification failed: {what} differs from finite differences by "
                             f"a relative error of {error:.1e} at a random point", 1,
                             "please report this problem to the mdx developers")


def verify_numeric(der, seed: int = 0) -> Verification:
    """Check `der` at POINTS random inputs; VerificationError unless everything agrees.
    Where its declared sizes are too large to check, the same problem at smaller sizes is
    checked instead, and the Verification says so (mdx.checking.verify_sizes)."""
    from .verify_sizes import numeric_checkable
    np = _numpy()
    der, note = numeric_checkable(der)
    ev = _Evaluator(der, np)
    rng = np.random.default_rng(seed)
    tol = TOLERANCE[der.order]
    worst, checked = 0.0, set()
    pattern = re.compile(r"(?<![\w.])" + re.escape(ev.dname) + r"(?!\w)")
    wrt = ev.wrt
    for inputs, want in _points(ev, rng):
        err = relative_error(np, ev.eval(ev.result_code, inputs), want)
        if not err <= tol:
            raise _fail("the result", err)
        worst = max(worst, err)
        shape = np.shape(inputs[wrt])
        direction = rng.standard_normal(shape) if shape else 0.7
        df = directional(ev, inputs, direction) if der.order == 1 else None
        for n, (st, code) in enumerate(ev.step_codes):
            if st.equals == "derivative" and (der.order == 1 or st.lhs == der.result_lhs):
                target = want       # (a Hessian's steps also hold the gradient on the way)
            elif der.order == 1 and (st.equals == "differential" or pattern.search(code)):
                target = df
            else:
                continue
            check_clock()
            try:
                value = ev.eval(code, inputs, {ev.dname: direction})
            except Exception as e:      # a step whose NumPy form does not run is wrong too
                raise VerificationError(f"verification failed: the step {st.rule!r} does not "
                                        f"evaluate ({type(e).__name__})", 1,
                                        "please report this problem to the mdx developers") from None
            err = relative_error(np, value, target)
            if not err <= tol:
                raise _fail(f"the step {st.rule!r}", err)
            worst = max(worst, err)
            checked.add(n)
    return Verification("numeric", POINTS, worst, len(checked), note)


@bounded
def verify(der, kind: str = "numeric") -> Verification:
    """Within the problem's budget of time and memory (limits.bounded): a check that would
    run past it stops with a LimitError."""
    if kind == "exact":
        from .exact import verify_exact
        return verify_exact(der)
    if kind != "numeric":
        raise ValueError("kind must be 'numeric' or 'exact'")
    return verify_numeric(der)


__all__ = ["verify", "verify_numeric", "Verification", "VerificationError"]
