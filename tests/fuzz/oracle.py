"""What the fuzz targets check on every derivation, besides "no exception".

* every output (text, LaTeX, JSON Lines, --format numpy, --format torch) renders, the
  generated code passes tests/numpy_safety.py, and the JSON survives json.dumps/loads;
* **silently wrong results**: `result.numpy` (and the steps' `numpy`, and the function of
  `--format numpy`) evaluated at random inputs equals central finite differences of the
  function mdx *typed* (`der.function` printed by the NumPy printer), arranged as SPEC 4
  says, in the derivation's layout; the finite differences are taken at two step sizes
  and a point where they disagree is skipped, so that a finding is never FD noise;
* optionally, the typed function equals an independent NumPy value of the problem (the
  structured target knows what it wrote) and its derivative equals FD of that value;
* the printed result reads back (`d (RESULT) / dVAR WHERE`) as the same numbers.

A problem is checked numerically only where that is cheap (few entries in the variable
and the result); everything else is still rendered and safety-checked.

Findings raise `Finding(kind, message)`; the targets decide whether a finding stops the
fuzzer (libFuzzer's crash file) or is logged (MDX_FUZZ_LOG) and the run goes on.
"""

from __future__ import annotations

import json
import os
import re
import time

import numpy as np

from numpy_safety import check_expression, check_function

TOL = {1: 1e-5, 2: 1e-4}        # relative, in the max-norm, over max(max|want|, FLOOR)
FLOOR = 1e-3
MAX_WRT_ENTRIES = {1: 30, 2: 12}
MAX_OUT_ENTRIES = 400
MAX_VALUE = 1e6                 # |f| beyond this: FD noise would dominate, the point is skipped
POINTS = 3                      # points checked
TRIES = 8                       # points drawn to find them
CONFIRM = 2                     # points where a difference of numbers must show


LOG = os.environ.get("MDX_FUZZ_LOG")
_seen: set = set()


def report(kind: str, message: str, problem: str, extra: str = "") -> None:
    """A finding: appended to MDX_FUZZ_LOG once per signature and the run goes on, or,
    without MDX_FUZZ_LOG, raised (libFuzzer then writes the crash file and stops)."""
    if LOG is None:
        raise RuntimeError(f"{kind} on {problem!r}: {message}\n{extra}")
    sig = kind + ":" + re.sub(r"[0-9.e+-]+", "#", message)[:90]
    if sig in _seen:
        return
    _seen.add(sig)
    with open(LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": kind, "message": message, "problem": problem, "extra": extra,
                            "time": time.strftime("%H:%M:%S")}, ensure_ascii=False) + "\n")


class Finding(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


class Skip(Exception):
    """The numeric check cannot be done cheaply or reliably here (not a finding)."""


class _BadPoint(Exception):
    """A singular matrix at this point (a formula with an inverse): try another point."""


# ----------------------------------------------------------------- outputs
def _deep(fn, *args):
    """fn(*args) with room for ast.unparse's recursion over long generated code (a limit
    of the test helper, not of mdx)."""
    import sys
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(max(saved, 20000))
    try:
        return fn(*args)
    finally:
        sys.setrecursionlimit(saved)


def check_outputs(der) -> dict:
    """Every output renders; generated code is safe; returns the JSON record."""
    from mdx.rendering import pynames, render
    der.text()
    der.text(steps=False)
    der.latex()
    record = der.json()
    der.__dict__["_fuzz_json"] = record
    again = json.loads(json.dumps(record, ensure_ascii=False))
    if again != record:
        raise Finding("json", "the JSON record does not survive dumps/loads")
    _deep(check_function, der.numpy_function())
    der.torch_function()
    names = pynames.derivation_names(der)
    params = {names.sym(s) for s in der.symbols} | {names.diff(der.wrt)} | set(names.callables())
    printer = render._numpy_printer(der)
    for st in der.steps:
        if st.numpy and st.numpy_text is None and not hasattr(st.expr, "terms_"):
            printer.doprint(st.value())
    params |= set(printer.free)
    _deep(check_expression, record["result"]["numpy"], params)
    for step in record["steps"]:
        if "numpy" in step:
            _deep(check_expression, step["numpy"], params)
    return record


# ----------------------------------------------------------------- numbers
def record_of(der) -> dict:
    """der.json(), computed once (check_outputs keeps it)."""
    got = der.__dict__.get("_fuzz_json")
    if got is None:
        got = der.__dict__["_fuzz_json"] = der.json()
    return got


class Typed:
    """The function mdx typed, its names, sizes and the values of everything else."""

    def __init__(self, der):
        from mdx.checking.numeric import derivation_sizes, evaluation_names
        from mdx.rendering.numpy_code import NumpyPrinter
        from mdx.rendering.pynames import derivation_names
        self.der = der
        self.sizes = derivation_sizes(der)
        self.names = derivation_names(der)
        self.f_code = NumpyPrinter(self.names, der.var).doprint(der.function)
        self.base = evaluation_names(der, np, self.sizes)
        self.wrt = self.names.sym(der.var.name)
        self.dname = self.names.diff(der.var.name)

    def eval(self, code: str, inputs: dict, extra=None):
        env = {"__builtins__": {}, **self.base,
               **{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()},
               **(extra or {})}
        with np.errstate(all="ignore"):
            return eval(compile(code, "<mdx>", "eval"), env)

    def f(self, inputs: dict):
        return np.asarray(self.eval(self.f_code, inputs), dtype=float)

    def draw(self, rng, positive: bool) -> dict:
        from mdx.checking.numeric import draw_inputs
        return draw_inputs(self.der.symbols, self.sizes, np, rng, self.names, positive)


def _vec(a):
    return np.asarray(a, dtype=float).reshape(-1, order="F")


def _jacobian(fn, inputs, wrt, h0):
    x0 = inputs[wrt]
    shape = np.shape(x0)
    v0 = _vec(x0)

    def at(v):
        local = dict(inputs)
        local[wrt] = float(v[0]) if shape == () else v.reshape(shape, order="F")
        return _vec(fn(local))
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


def _hessian(fn, inputs, wrt, h1, h2):
    def grad(local):
        return _jacobian(fn, local, wrt, h1)[0]
    H = _jacobian(grad, inputs, wrt, h2)
    return (H + H.T) / 2


def arranged(fn, inputs, wrt, order, scale=1.0) -> dict:
    """{layout: the derivative} by finite differences (SPEC 4), steps times `scale`."""
    out = np.asarray(fn(inputs), dtype=float)
    wshape = np.shape(inputs[wrt])
    if order == 2:
        H = _hessian(fn, inputs, wrt, 1e-3 * scale, 3e-3 * scale)
        H = H.reshape(()) if wshape == () else H
        return {"denominator": H, "numerator": H}
    J = _jacobian(fn, inputs, wrt, 1e-4 * scale)
    if out.size == 1:
        if wshape == ():
            v = J.reshape(())
            return {"denominator": v, "numerator": v}
        den = J[0, :].reshape(wshape, order="F")
        return {"denominator": den, "numerator": den.T}
    num = J[:, 0].reshape(out.shape, order="F") if wshape == () else J
    return {"denominator": num.T, "numerator": num}


def error(got, want) -> float:
    """max|got - want| / max(max|want|, FLOOR); inf for a wrong shape or a non-number.
    A scalar may be a float, a 0-d or a 1x1 array (SPEC 6)."""
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return float("inf")
    w = np.asarray(want, dtype=float)
    if w.size == 1 and w.ndim <= 2 and g.shape in ((), (1, 1)):
        g, w = g.reshape(()), w.reshape(())
    if g.shape != w.shape:
        return float("inf")
    if w.size == 0:
        return 0.0
    if not np.all(np.isfinite(g)):
        return float("inf")
    return float(np.max(np.abs(g - w))) / max(float(np.max(np.abs(w))), FLOOR)


def _shape(a) -> str:
    return str(np.shape(np.asarray(a, dtype=float))) if not isinstance(a, float) else "float"


def perturbed(inputs: dict, rel: float = 1e-9) -> dict:
    """The inputs with every entry moved by about `rel` of itself."""
    rng = np.random.default_rng(12345)
    return {k: v * (1 + rel * rng.standard_normal(np.shape(v))) if isinstance(v, np.ndarray)
            else v * (1 + rel * float(rng.standard_normal())) for k, v in inputs.items()}


def sensitivity(fn, inputs, value) -> float:
    """How much fn moves, relative to its size, when the inputs move by 1e-9 of themselves:
    a large number means an ill-conditioned point (a near-singular inverse), where no
    comparison means anything."""
    try:
        with np.errstate(all="ignore"):
            moved = np.asarray(fn(perturbed(inputs)), dtype=float)
    except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError, IndexError):
        return float("inf")
    value = np.asarray(value, dtype=float)
    if moved.shape != value.shape:
        return float("inf")
    scale = max(float(np.max(np.abs(value), initial=0)), FLOOR)
    return float(np.max(np.abs(moved - value), initial=0)) / scale


def _good_point(typed, fn, inputs, order):
    """(FD derivative per layout, f) at `inputs`, or None where f is not finite, too large,
    or the differences at two step sizes disagree (a kink, a pole, cancellation)."""
    try:
        f0 = fn(inputs)
    except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError, IndexError):
        return None
    if not np.all(np.isfinite(f0)) or np.max(np.abs(f0), initial=0) > MAX_VALUE:
        return None
    if sensitivity(fn, inputs, f0) > 1e-6:
        return None
    try:
        with np.errstate(all="ignore"):
            a = arranged(fn, inputs, typed.wrt, order)
            b = arranged(fn, inputs, typed.wrt, order, scale=3.0)
    except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError, IndexError):
        return None
    if not all(np.all(np.isfinite(v)) for v in a.values()):
        return None
    if error(a["denominator"], b["denominator"]) > TOL[order] / 10:
        return None
    return a, f0


def numeric_check(ders, rng, independent=None, deadline: float = 20.0, sink=None) -> int:
    """Check each derivation of one problem (several layouts / methods) against FD of the
    function mdx typed.  `independent`: inputs -> the problem's value computed without
    mdx, or None.  Returns the number of points checked (0: skipped).

    A difference of numbers counts only where it shows at CONFIRM points or more, and at
    more points than it does not (finite differences of a function that saturates, such as
    log(1 - σ(30)), can be wrong at one point however they are taken); an exception, a
    non-finite value or a wrong shape counts at once.  A finding is raised, or with `sink`
    handed to it while the other derivations are still checked."""
    typed = Typed(ders[0])
    der = ders[0]
    order = der.order
    start = time.monotonic()
    # the typed function is the same whatever the layout or method
    for other in ders[1:]:
        if Typed(other).f_code != typed.f_code:
            raise Finding("typing", f"the typed function differs between {der.method}/{der.layout} "
                          f"and {other.method}/{other.layout}")
    records = [(d, Typed(d) if d is not der else typed, record_of(d)) for d in ders]
    tally = {id(d): [0, 0, None] for d in ders + [None]}        # fails, passes, first finding
    done: set = set()

    def found(key, e: Finding) -> None:
        done.add(key)
        if sink is None:
            raise e
        sink(e)
    checked = 0
    for attempt in range(TRIES + 2):
        if checked == POINTS or time.monotonic() - start > deadline or len(done) > len(ders):
            break
        inputs = typed.draw(rng, positive=attempt % 2 == 1)
        w = np.shape(inputs.get(typed.wrt, 0.0))
        if int(np.prod(w)) > MAX_WRT_ENTRIES[order]:
            raise Skip("too many entries in the variable")
        try:
            if np.asarray(typed.f(inputs)).size > MAX_OUT_ENTRIES:
                raise Skip("too many entries in the function")
        except (ArithmeticError, ValueError, TypeError, np.linalg.LinAlgError, IndexError):
            continue
        good = _good_point(typed, typed.f, inputs, order)
        if good is None:
            continue
        want, f0 = good
        if independent is not None and id(None) not in done:
            try:
                _check_independent(typed, independent, inputs, f0, want, order)
                tally[id(None)][1] += 1
            except Skip:                # the generator's reading is not mdx's (SPEC 9 allows it)
                independent = None
            except Finding as e:
                if e.kind == "reading" and "shape" in e.message:
                    found(id(None), e)
                else:
                    t = tally[id(None)]
                    t[0] += 1
                    t[2] = t[2] or e
        bad = False
        for d, t, rec in records:
            if id(d) in done:
                continue
            try:
                _check_one(d, t, rec, inputs, _structured(want, d), order, rng)
                tally[id(d)][1] += 1
            except _BadPoint:
                bad = True
                break
            except Finding as e:
                if e.kind in ("wrong-result", "wrong-step"):
                    c = tally[id(d)]
                    c[0] += 1
                    c[2] = c[2] or e
                else:
                    found(id(d), e)
        if not bad:
            checked += 1
    for key, (fails, passes, e) in tally.items():
        if e is not None and key not in done and fails >= CONFIRM and fails > passes:
            e.message += f" (at {fails} of {fails + passes} points)"
            found(key, e)
    return checked


def _structured(want: dict, der):
    """The gradient on the structured space of --structured (mdx.checking.verify._structured)."""
    form = der.structured
    if form is None:
        return want[der.layout]
    G = want["denominator"]
    if form == "diagonal":
        S = np.diag(np.diag(G))
    elif form == "cookbook":
        S = G + G.T - np.diag(np.diag(G))
    else:
        S = (G + G.T) / 2
    return S if der.layout == "denominator" else S.T


def _check_independent(typed, independent, inputs, f0, want, order):
    """The typed function is the problem's value, and FD of the problem's value is the
    same derivative (a property used on the variable would show here)."""
    try:
        with np.errstate(all="ignore"):
            mine = np.asarray(independent(inputs), dtype=float)
    except Exception as e:              # the generator's own reading failed: not mdx's
        raise Skip(f"independent value: {type(e).__name__}: {e}") from None
    if mine.size == 1 and f0.size == 1:
        mine, f0v = mine.reshape(()), f0.reshape(())
    else:
        f0v = f0
    if mine.shape != f0v.shape:
        raise Finding("reading", f"mdx typed a value of shape {f0v.shape}, the problem's is {mine.shape}")
    scale = max(float(np.max(np.abs(mine), initial=0)), 1.0)
    if not np.all(np.isfinite(mine)):
        return
    noise = max(sensitivity(independent, inputs, mine), sensitivity(typed.f, inputs, f0))
    if float(np.max(np.abs(mine - f0v), initial=0)) > max(1e-8, 1e3 * noise) * scale:
        raise Finding("reading", f"mdx's typed function is {f0v.tolist()}, the problem's value "
                      f"is {mine.tolist()}")
    good = _good_point(typed, independent, inputs, order)
    if good is None:
        return
    err = error(want["denominator"], good[0]["denominator"])
    if err > TOL[order] * 10:
        raise Finding("wrong-derivative", f"FD of mdx's typed function and FD of the problem "
                      f"differ by {err:.1e} (a property or simplification used on the variable?)")


def _check_one(der, typed, record, inputs, want, order, rng):
    tag = f"{der.layout}/{der.method}"
    code = record["result"]["numpy"]
    try:
        got = typed.eval(code, inputs)
    except np.linalg.LinAlgError:
        raise _BadPoint() from None
    except Exception as e:
        raise Finding("numpy-eval", f"{tag}: result.numpy raises {type(e).__name__}: {e}") from None
    err = error(got, want)
    if not err <= TOL[order] and np.shape(np.asarray(got, dtype=float)) == np.shape(want) \
            and np.all(np.isfinite(np.asarray(got, dtype=float))) and sensitivity(lambda i: typed.eval(code, i), inputs, got) > TOL[order] / 10:
        raise _BadPoint()           # the result's formula is ill-conditioned here
    if not err <= TOL[order] and not np.all(np.isfinite(np.asarray(got, dtype=float))):
        raise Finding("nonfinite", f"{tag}: result {record['result']['text']!r} is not finite "
                      "where the function and its finite differences are")
    if not err <= TOL[order]:
        raise Finding("wrong-result", f"{tag}: result {record['result']['text']!r} "
                      f"(shape {_shape(got)}) differs from FD of the typed function "
                      f"(shape {_shape(want)}) by {err:.2e}")
    _check_function(der, typed, inputs, got, tag)
    if order != 1:
        return
    shape = np.shape(inputs[typed.wrt])
    direction = rng.standard_normal(shape) if shape else 0.7
    df = None
    for st in record["steps"]:
        if "numpy" not in st:
            continue
        kind = st.get("equals")
        if kind is None:
            import re
            if not re.search(r"(?<![\w.])" + re.escape(typed.dname) + r"(?!\w)", st["numpy"]):
                continue
            kind = "differential"
        try:
            value = typed.eval(st["numpy"], inputs, {typed.dname: direction})
        except np.linalg.LinAlgError:
            raise _BadPoint() from None
        except Exception as e:
            raise Finding("numpy-eval", f"{tag}: step {st['rule']!r} raises "
                          f"{type(e).__name__}: {e}") from None
        if kind == "derivative":
            target = want
        else:
            if df is None:
                df = _directional(typed, inputs, direction)
            target = df
        e = error(value, target)
        if not e <= TOL[order] * 10 and np.all(np.isfinite(np.asarray(value, dtype=float))) \
                and sensitivity(
                lambda i: typed.eval(st["numpy"], i, {typed.dname: direction}), inputs,
                value) > TOL[order]:
            raise _BadPoint()           # the step's formula is ill-conditioned here
        if not e <= TOL[order] * 10:
            raise Finding("wrong-step", f"{tag}: step {st['rule']!r}: {st['text']!r} differs from "
                          f"the {kind} by {e:.2e}")


def _directional(typed, inputs, direction, h=1e-5):
    x0 = inputs[typed.wrt]

    def at(t):
        local = dict(inputs)
        local[typed.wrt] = x0 + t * direction
        return typed.f(local)
    d1 = (at(h) - at(-h)) / (2 * h)
    d2 = (at(h / 2) - at(-h / 2)) / h
    return (4 * d2 - d1) / 3


def _check_function(der, typed, inputs, got, tag):
    """The function of --format numpy computes the same value as result.numpy."""
    source = der.numpy_function()
    env = {}
    try:
        exec(compile(source, "<mdx function>", "exec"), env)
        import ast
        fn = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)][0]
        args = [a.arg for a in fn.args.args]
        pool = {**typed.base, **inputs}
        missing = [a for a in args if a not in pool]
        if missing:
            raise Finding("numpy-function", f"{tag}: parameters {missing} have no value")
        with np.errstate(all="ignore"):
            value = env[fn.name](*[pool[a] for a in args])
    except Finding:
        raise
    except Exception as e:
        raise Finding("numpy-function", f"{tag}: --format numpy raises {type(e).__name__}: {e}") \
            from None
    e = error(value, got)
    if not e <= 1e-9:
        raise Finding("numpy-function", f"{tag}: --format numpy differs from result.numpy by {e:.1e}")


# ----------------------------------------------------------------- reading back
def read_back(der, rng) -> None:
    """`d (RESULT) / dVAR WHERE` types again, and its value is the result's."""
    from mdx.errors import LimitError, MdxError
    from mdx.language.parser import parse
    from mdx.rendering.numpy_code import NumpyPrinter
    from mdx.expressions.text import to_text
    from mdx.rendering.pynames import problem_names
    from mdx.rendering.render import where_text
    from mdx.shapes.typer import type_problem
    text = f"d ({to_text(der.result)}) / d{der.var.name} {where_text(der)}".strip()
    try:
        typed_back = type_problem(parse(text))
    except LimitError:
        return
    except MdxError as e:
        raise Finding("read-back", f"{text!r} does not read back: {e.message}") from None
    typed = Typed(der)
    names = problem_names(typed_back.symbols, [typed_back.expr])
    code = NumpyPrinter(names).doprint(typed_back.expr)
    for attempt in range(4):
        inputs = typed.draw(rng, positive=attempt % 2 == 1)
        if int(np.prod(np.shape(inputs.get(typed.wrt, 0.0)))) > 400:
            return
        try:
            want = np.asarray(typed.eval(record_of(typed.der)["result"]["numpy"], inputs), dtype=float)
        except Exception:
            return
        if not np.all(np.isfinite(want)):
            continue
        env_inputs = {names.sym(s.name): inputs[typed.names.sym(s.name)]
                      for s in typed_back.symbols.values()
                      if s.kind in ("scalar", "vector", "row", "matrix")
                      and typed.names.sym(s.name) in inputs}
        try:
            got = np.asarray(typed.eval(code, env_inputs), dtype=float)
        except Exception as e:
            raise Finding("read-back", f"{text!r} reads back as code that raises "
                          f"{type(e).__name__}: {e}") from None
        if got.size == 1 and want.size == 1:
            got, want = got.reshape(()), want.reshape(())
        elif not np.any(want):
            got = np.broadcast_to(got, want.shape) if got.size == 1 else got
        if got.shape == want.shape and not np.allclose(got, want, rtol=1e-8, atol=1e-8) and \
                sensitivity(lambda i: typed.eval(record_of(typed.der)["result"]["numpy"], i),
                            inputs, want) > 1e-9:
            continue                        # an ill-conditioned point: try another
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-8, atol=1e-8):
            raise Finding("read-back", f"{text!r} reads back as a different value "
                          f"(shape {got.shape} vs {want.shape})")
        return
