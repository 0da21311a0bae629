"""`--verify` of several gradients (mdx.derivation.several): each gradient is checked as a
problem of its own (its result and steps, by mdx.checking.verify), and the shared steps —
the total differential — against the directional derivative of f along every variable
at once.

Imports: checking (verify, verification), rendering (several)."""

from __future__ import annotations

from ..bounds.limits import bounded, check_clock
from .verification import Verification, VerificationError
from .verify import POINTS, TOLERANCE, _Evaluator, _fail, _numpy, _points, relative_error


@bounded
def verify_several(sev, kind: str = "numeric") -> Verification:
    from .verify import verify
    found = [verify(p, kind) for p in sev.parts]
    if kind == "exact":                 # one sentence for all where it is the same
        said = dict.fromkeys(v.detail for v in found)
        detail = ("; ".join(f"{p.wrt}: {v.detail}" for p, v in zip(sev.parts, found))
                  if len(said) > 1 else f"{', '.join(p.wrt for p in sev.parts)}: {found[0].detail}")
        return Verification("exact", 0, None, 0, detail)
    worst = max(v.max_error for v in found)
    checked = sum(v.steps for v in found)
    shared_worst, shared = _shared_steps(sev)
    detail = "; ".join(dict.fromkeys(v.detail for v in found if v.detail))
    return Verification("numeric", POINTS, max(worst, shared_worst), checked + shared, detail)


def _shared_steps(sev) -> tuple:
    """(worst error, count) of the shared steps with a NumPy form, each against
    d/dt f(X₁ + t V₁, X₂ + t V₂, …) at t = 0."""
    from ..rendering.numpy_code import NumpyPrinter
    from ..rendering.several import names_of
    codes = [st for st in sev.steps if st.numpy]
    if not codes:
        return 0.0, 0
    np = _numpy()
    ev = _Evaluator(sev.parts[0], np)
    names = names_of(sev)
    printer = NumpyPrinter(names, sev.var)
    codes = [(st, st.numpy_text(printer) if st.numpy_text else printer.doprint(st.value()))
             for st in codes]
    rng = np.random.default_rng(1)
    worst = 0.0
    for inputs, _ in _points(ev, rng):
        dirs = {}
        for p in sev.parts:
            w = ev.names.sym(p.var.name)
            shape = np.shape(inputs[w])
            dirs[w] = (names.diff(p.var.name), rng.standard_normal(shape) if shape else 0.7)
        df = _directional(ev, inputs, dirs)
        extra = {dname: v for dname, v in dirs.values()}
        for st, code in codes:
            check_clock()
            try:
                value = ev.eval(code, inputs, extra)
            except Exception as e:
                raise VerificationError(f"verification failed: the step {st.rule!r} does not "
                                        f"evaluate ({type(e).__name__})", 1,
                                        "please report this problem to the mdx developers") from None
            err = relative_error(np, value, df)
            if not err <= TOLERANCE[1]:
                raise _fail(f"the step {st.rule!r}", err)
            worst = max(worst, err)
    return worst, len(codes)


def _directional(ev, inputs, dirs, h=1e-5):
    def at(t):
        local = dict(inputs)
        for w, (_, v) in dirs.items():
            local[w] = inputs[w] + t * v
        return ev.f(local)
    d1 = (at(h) - at(-h)) / (2 * h)
    d2 = (at(h / 2) - at(-h / 2)) / h
    return (4 * d2 - d1) / 3
