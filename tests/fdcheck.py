"""Finite-difference checks of mdx derivations, independent of mdx's own algebra.

A case gives the problem, concrete shapes, optional properties of the inputs, and
its own NumPy function `f`.  The expected derivative comes from central
differences of `f` (Richardson-extrapolated), arranged as SPEC section 4 says.
"""

from __future__ import annotations

import hashlib
import inspect
import re

import numpy as np

RTOL = 1e-5


def draw(shapes: dict, props: dict, rng) -> dict:
    out = {}
    for name, shape in shapes.items():
        prop = props.get(name)
        if shape == ():
            out[name] = float(rng.uniform(0.2, 0.9))
            continue
        n = shape[0]
        if prop == "positive":
            out[name] = rng.uniform(0.5, 2.0, shape)
        elif prop == "unit":                    # small entries: products stay inside (-1, 1)
            out[name] = rng.uniform(-0.3, 0.3, shape)
        elif prop == "away0":                   # no entry near a kink at 0
            out[name] = rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 1.5, shape)
        elif prop == "distribution":            # each column sums to one
            g = rng.uniform(0.2, 1.0, shape)
            out[name] = g / g.sum(axis=0, keepdims=True)
        elif prop == "symmetric":
            g = rng.standard_normal(shape)
            out[name] = (g + g.T) / 2
        elif prop == "spd":
            q, _ = np.linalg.qr(rng.standard_normal((n, n)))
            out[name] = (q * rng.uniform(0.5, 2.0, n)) @ q.T
        elif prop == "diagonal":
            out[name] = np.diag(rng.uniform(0.5, 2.0, n))
        elif prop == "orthogonal":
            q, r = np.linalg.qr(rng.standard_normal((n, n)))
            out[name] = q * np.sign(np.diag(r))
        elif prop == "invertible":
            q1, _ = np.linalg.qr(rng.standard_normal((n, n)))
            q2, _ = np.linalg.qr(rng.standard_normal((n, n)))
            x = (q1 * rng.uniform(0.6, 1.8, n)) @ q2.T
            if np.linalg.det(x) < 0:
                x[:, 0] = -x[:, 0]
            out[name] = x
        else:
            out[name] = rng.standard_normal(shape)
    return out


def _vec(a):
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def _call(f, inputs):
    params = inspect.signature(f).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return np.asarray(f(**inputs), dtype=float)
    return np.asarray(f(**{p: inputs[p] for p in params}), dtype=float)


def fd_jacobian(f, inputs, wrt, h0=1e-4):
    """d vec(F) / d vec(X)^T by Richardson-extrapolated central differences."""
    x0 = inputs[wrt]
    shape = np.shape(x0)
    v0 = _vec(x0)

    def at(v):
        local = dict(inputs)
        local[wrt] = float(v[0]) if shape == () else v.reshape(shape, order="F")
        return _vec(_call(f, local))
    cols = []
    for k in range(v0.size):
        h = h0 * max(1.0, abs(v0[k]))
        est = []
        for hh in (h, h / 2):
            vp, vm = v0.copy(), v0.copy()
            vp[k] += hh
            vm[k] -= hh
            est.append((at(vp) - at(vm)) / (2 * hh))
        cols.append((4 * est[1] - est[0]) / 3)
    return np.column_stack(cols)


def fd_hessian(f, inputs, wrt):
    """The Hessian over vec(X): differences of the finite-difference gradient."""
    def grad(**kw):
        return fd_jacobian(f, kw, wrt, 1e-3)[0].reshape(-1, 1)
    H = fd_jacobian(grad, inputs, wrt, 3e-3)
    return (H + H.T) / 2


def expected(f, inputs, wrt, layout, order=1):
    """The derivative arranged as SPEC section 4 says."""
    return expected_layouts(f, inputs, wrt, order)[layout]


def expected_layouts(f, inputs, wrt, order=1) -> dict:
    """{layout: the derivative}, from one finite-difference Jacobian (or Hessian)."""
    out = _call(f, inputs)
    wshape = np.shape(inputs[wrt])
    if order == 2:
        H = fd_hessian(f, inputs, wrt)
        H = float(H[0, 0]) if wshape == () else H
        return {"denominator": H, "numerator": H}
    J = fd_jacobian(f, inputs, wrt)
    if out.size == 1:
        if wshape == ():
            return {"denominator": float(J[0, 0]), "numerator": float(J[0, 0])}
        den = J[0, :].reshape(wshape, order="F")
        return {"denominator": den, "numerator": den.T}
    num = J[:, 0].reshape(out.shape, order="F") if wshape == () else J
    return {"denominator": num.T, "numerator": num}


def namespace(inputs):
    """The inputs under the names mdx's NumPy code gives them (`theta`, `lambda_`, `np_`)."""
    from mdx.language.names import py_name
    ns = {py_name(k): v for k, v in inputs.items()}
    ns["np"] = np
    return ns


def evaluate(expr: str, inputs, extra=None):
    env = {"__builtins__": {}}
    env.update(namespace(inputs))
    env.update(extra or {})
    with np.errstate(all="ignore"):
        return eval(compile(expr, "<mdx>", "eval"), env)


def close(got, want, floor: float = 1e-3) -> bool:
    """Equal within RTOL of the larger of |want| and `floor` (finite differences of a
    large f have absolute noise, which matters where the derivative is near 0)."""
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if want.ndim == 0 or want.size == 1 and got.size == 1:
        w = float(want.reshape(-1)[0])
        return abs(float(got.reshape(-1)[0]) - w) <= RTOL * max(abs(w), floor)
    if got.shape != want.shape:
        return False
    scale = max(float(np.max(np.abs(want))), floor)
    return float(np.max(np.abs(got - want))) <= RTOL * scale


def directional(f, inputs, wrt, direction, h=1e-5):
    def at(t):
        local = dict(inputs)
        x0 = inputs[wrt]
        local[wrt] = x0 + t * direction
        return _call(f, local)
    d1 = (at(h) - at(-h)) / (2 * h)
    d2 = (at(h / 2) - at(-h / 2)) / h
    out = (4 * d2 - d1) / 3
    return float(out.reshape(-1)[0]) if out.size == 1 else out


def check(der_json: dict, f, shapes, wrt, layout, props=None, order=1, seed=0, draws=2,
          extra=None):
    """Assert mdx's result (and every first-order differential step) matches finite differences.
    `extra`: names the NumPy code may call besides NumPy (abstract functions)."""
    rng = np.random.default_rng(seed)
    for _ in range(draws):
        inputs = draw(shapes, props or {}, rng)
        want = expected(f, inputs, wrt, layout, order)
        direction = rng.standard_normal(np.shape(inputs[wrt])) if shapes[wrt] != () else 0.7
        check_at(der_json, f, inputs, wrt, want, order, direction, extra)


def check_at(der_json: dict, f, inputs, wrt, want, order=1, direction=None, extra=None,
             floor=1e-3):
    """Assert the result equals `want` at `inputs`, and (first order) that every step with
    a NumPy value equals the derivative, or df along `direction`, as it says."""
    from mdx.language.names import py_name
    extra = extra or {}
    got = evaluate(der_json["result"]["numpy"], inputs, extra)
    assert close(got, want, floor), \
        f"{der_json['problem']} ({der_json['layout']}, {der_json['method']}): got\n{got}\nwant\n{want}"
    if order != 1 or direction is None:
        return
    dname = "d" + py_name(wrt).rstrip("_")       # dtheta, dlambda (SPEC 6)
    df = directional(f, inputs, wrt, direction)
    pattern = re.compile(r"(?<![\w.])" + re.escape(dname) + r"(?!\w)")
    for st in der_json["steps"]:
        if "numpy" not in st:
            continue
        value = evaluate(st["numpy"], inputs, {**extra, dname: direction})
        if st.get("equals") == "derivative":
            assert close(value, want), f"step {st['rule']!r} differs from the derivative"
        elif st.get("equals") == "differential" or pattern.search(st["numpy"]):
            assert close(value, df), f"step {st['rule']!r}: {st['text']} differs from df"


def verified_both_ways(problem: str, layout: str) -> None:
    """mdx's own checks pass on the problem: --verify (finite differences) and --verify exact
    (SymPy; skipped without it)."""
    import pytest
    import mdx
    pytest.importorskip("sympy")
    der = mdx.derive(problem, layout=layout)
    assert der.verify().max_error < 1e-6            # a failed check raises
    assert "simplifies to 0" in der.verify("exact").line()


# ----------------------------------------------------------------- the corpora's draws
def seeded(salt: str, case_id: str, k: int):
    """A generator of its own for draw k of a case: the same inputs on every run."""
    digest = hashlib.sha256(f"{salt}|{case_id}|{k}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def call_args(fn, inputs) -> dict:
    """The inputs a function takes by name (all of them for **kwargs)."""
    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return dict(inputs)
    return {p: inputs[p] for p in params if p in inputs}


def draw_valid(case: dict, k: int, salt: str, attempts: int = 500) -> dict:
    """Inputs of a corpus case (shapes, props, f, and maybe `valid`), drawn until `valid`
    holds and f is finite there."""
    for attempt in range(attempts):
        inputs = draw(case["shapes"], case["props"], seeded(salt, case["id"], 1000 * k + attempt))
        try:
            with np.errstate(all="ignore"):
                if case.get("valid") is not None and not case["valid"](**_valid_args(case, inputs)):
                    continue
                if np.all(np.isfinite(_call(case["f"], inputs))):
                    return inputs
        except (ValueError, ZeroDivisionError, FloatingPointError, np.linalg.LinAlgError):
            continue
    raise RuntimeError(f"{case['id']}: no valid inputs in {attempts} draws")


def _valid_args(case, inputs) -> dict:
    """What `valid` is given: the inputs it names, or f's when it takes any (**kwargs)."""
    valid = inspect.signature(case["valid"]).parameters
    if any(p.kind is p.VAR_KEYWORD for p in valid.values()):
        return call_args(case["f"], inputs)
    return call_args(case["valid"], inputs)

