"""`--verify exact`: the problem on explicit small matrices of SymPy symbols, its
derivative entry by entry by SymPy, compared with mdx's result: every entry of the
difference must simplify to 0.

SymPy is imported here only.  Abstract functions (no body) cannot be checked exactly
and say so; so can results SymPy cannot simplify to 0 (never a silent pass).
"""

from __future__ import annotations

import math

from ..errors import LimitError
from ..bounds.limits import MAX_EXACT_ENTRIES, MAX_EXACT_POWER, MAX_EXACT_SIZE, watched
from ..expressions.dims import concrete_shape
from ..rendering.pynames import derivation_names
from .verification import Verification, VerificationError

EXACT_SIZES = ((2, 3), (3, 2))     # the second where the first makes a matrix singular


def _sympy():
    try:
        import sympy
    except ImportError:
        raise VerificationError("--verify exact needs SymPy, which is not installed", 1,
                                'pip install sympy') from None
    return sympy


def exact_sizes(symbols, order=EXACT_SIZES[0]) -> dict:
    """2, 3, 2, ... for the dimension names; 2 wherever an orthogonal matrix needs one
    (it is a rotation by a symbolic angle)."""
    sizes: dict = {}
    for sym in symbols:
        for d in sym.shape:
            if d != "1" and not d.isdigit() and "*" not in d and d not in sizes:
                sizes[d] = 2 if "orthogonal" in sym.props else order[len(sizes) % 2]
    return sizes


def symbol_values(sp, der, sizes: dict) -> dict:
    """{symbol: a real SymPy symbol, or a matrix of them}, named after the symbol's Python
    name (mdx.rendering.pynames): X_0_1, ..., or X[0,1], ... where those would meet another name (a
    scalar Lambda__0_0 beside the entries of Lambda_): every entry a symbol of its own."""
    names = derivation_names(der)
    for bracket in (False, True):
        env = {s.name: _entries(sp, s, concrete_shape(s.shape, sizes), names.sym(s.name), bracket)
               for s in der.symbols.values()}
        spelled = [str(x) for v in env.values() for x in (v if isinstance(v, sp.MatrixBase) else [v])]
        spelled += [_angle(names.sym(s.name), bracket) for s in der.symbols.values()
                    if "orthogonal" in s.props]
        if len(set(spelled)) == len(spelled):
            break
    return env


def _entries(sp, sym, shape, name, bracket=False):
    """A matrix of independent real symbols named after `name` (X_0_1 or X[0,1], ...)."""
    if shape == (1, 1) and sym.kind == "scalar":
        return sp.Symbol(name, real=True)
    form = "{}[{},{}]" if bracket else "{}_{}_{}"
    return sp.Matrix(*shape, lambda i, j: sp.Symbol(form.format(name, i, j), real=True))


def _angle(name: str, bracket: bool) -> str:
    return f"{name}[angle]" if bracket else f"{name}_angle"


def _structure(sp, sym, M, name) -> dict:
    """Substitutions that put a matrix of independent symbols on its declared set."""
    props, n = sym.props, M.shape[0]
    if "orthogonal" in props:
        if n != 2:
            raise VerificationError(f"{sym.name} is orthogonal of size {n}: only 2×2 rotations "
                                    "are checked exactly", 1)
        a = sp.Symbol(_angle(name, "[" in str(M[0, 0])), real=True)
        R = sp.Matrix([[sp.cos(a), -sp.sin(a)], [sp.sin(a), sp.cos(a)]])
        return {M[i, j]: R[i, j] for i in range(2) for j in range(2)}
    if "diagonal" in props:
        return {M[i, j]: 0 for i in range(n) for j in range(n) if i != j}
    if props & {"symmetric", "spd"}:
        return {M[i, j]: M[j, i] for i in range(n) for j in range(n) if i > j}
    if "distribution" in props:         # each column sums to one: its last entry is the rest
        return {M[n - 1, j]: 1 - sum(M[i, j] for i in range(n - 1)) for j in range(M.shape[1])}
    return {}


def _singular(sp):
    """SymPy's error for inverting a singular matrix (it moved in 1.13)."""
    try:
        from sympy.matrices.exceptions import NonInvertibleMatrixError
    except ImportError:                                         # SymPy < 1.13
        from sympy.matrices.common import NonInvertibleMatrixError
    return NonInvertibleMatrixError


def _vec(sp, v):
    return sp.Matrix(list(v.T)) if isinstance(v, sp.MatrixBase) else sp.Matrix([v])


def _derivative(sp, f, X, der, Y=None):
    """SymPy's derivative of f with respect to the entries of X, laid out as SPEC 4; with
    Y (d^2 f / dx dy), ∂²f/∂vec(X)∂vec(Y)ᵀ."""
    layout = der.layout
    if Y is not None:
        x, y = _vec(sp, X), _vec(sp, Y)
        H = sp.Matrix(len(x), len(y), lambda i, j: sp.diff(f, x[i], y[j]))
        return H[0, 0] if H.shape == (1, 1) else H
    if der.order == 2:
        x = _vec(sp, X)
        H = sp.Matrix(len(x), len(x), lambda i, j: sp.diff(f, x[i], x[j]))
        return H[0, 0] if not isinstance(X, sp.MatrixBase) else H
    f_scalar = not isinstance(f, sp.MatrixBase)
    if f_scalar and not isinstance(X, sp.MatrixBase):
        return sp.diff(f, X)
    if f_scalar:
        G = X.applyfunc(lambda x: sp.diff(f, x))
        G = _project(sp, G, der.structured)
        return G if layout == "denominator" else G.T
    if not isinstance(X, sp.MatrixBase):
        D = f.applyfunc(lambda u: sp.diff(u, X))
        return D.T if layout == "denominator" else D
    F, x = _vec(sp, f), _vec(sp, X)
    J = sp.Matrix(len(F), len(x), lambda i, j: sp.diff(F[i], x[j]))
    return J.T if layout == "denominator" else J


def _project(sp, G, form):
    if form is None:
        return G
    D = sp.diag(*[G[i, i] for i in range(G.shape[0])])
    return {"diagonal": D, "cookbook": G + G.T - D}.get(form, (G + G.T) / 2)


SIMPLIFY_OPS = 1500       # larger differences are not given to simplify (it can take minutes)


def _is_zero(sp, d) -> bool:
    """Rational functions first (cancel is fast where expand is not), then the rest."""
    if d == 0 or sp.cancel(sp.together(d)) == 0:
        return True
    if sp.count_ops(d) > SIMPLIFY_OPS:
        return False
    return sp.expand(d) == 0 or sp.simplify(d) == 0


def _rank_deficient(e, sizes) -> bool:
    """An inverse or determinant of a product through a smaller dimension (XᵀX for X of
    2×3): singular at these sizes, which SymPy's inverse may take very long to find."""
    from ..expressions import expr as E
    stack, seen = [e], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        base = node.base if isinstance(node, E.Pow) and node.k < 0 and not node.is_scalar else \
            node.arg if isinstance(node, E.Apply) and node.name in ("det", "logdet") else None
        if isinstance(base, E.Mul) and base.chain:
            n = concrete_shape(base.shape, sizes)[0]
            inner = min(min(concrete_shape(f.shape, sizes)) for f in base.chain)
            if inner < n:
                return True
        stack.extend(node.children())
    return False


def verify_exact(der) -> Verification:
    """SymPy's check, on matrices of symbols no larger than limits.MAX_EXACT_SIZE (the same
    problem at smaller sizes where it declares larger ones, mdx.checking.verify_sizes); within the
    problem's time, or a clear refusal."""
    from .verify_sizes import checkable
    sp = _sympy()
    refusal = VerificationError(f"--verify exact checks matrices of at most {MAX_EXACT_SIZE}×"
                                f"{MAX_EXACT_SIZE}, powers up to X^{MAX_EXACT_POWER} and "
                                f"intermediates of {MAX_EXACT_ENTRIES} entries; this problem is "
                                "larger, so the result was not verified", 1,
                                "use --verify (numeric) instead")
    der, note = checkable(der, "--verify exact", MAX_EXACT_SIZE, _too_large, refusal)
    try:
        with watched("--verify exact"):
            found = _exact_check(sp, der)
    except LimitError as e:
        raise VerificationError(f"{e.message}, so the result was not verified", 1,
                                "use --verify (numeric) instead") from None
    if note:
        found.detail += f"; {note}"
    return found


def _too_large(der) -> bool:
    """Sizes, powers or intermediates beyond what SymPy checks in seconds (X^64 of a 2×2
    matrix of symbols took 95 s, an 8×8 log det more than 120)."""
    from ..expressions import expr as E
    from .verify_sizes import numeric_sizes
    if numeric_sizes(der, MAX_EXACT_SIZE):
        return True
    stack, seen = [der.function, der.result], set()
    while stack:
        e = stack.pop()
        if not isinstance(e, E.Expr) or id(e) in seen:
            continue
        seen.add(id(e))
        rows, cols = (math.prod(int(p) if p.isdigit() else 3 for p in d.split("*")) for d in e.shape)
        if rows * cols > MAX_EXACT_ENTRIES or \
                isinstance(e, E.Pow) and not e.is_scalar and abs(e.k) > MAX_EXACT_POWER:
            return True         # (a named size is 3 at most: EXACT_SIZES)
        stack.extend(e.children())
    return False


def _exact_check(sp, der) -> Verification:
    orders = [o for o in EXACT_SIZES
              if not _rank_deficient(der.function, exact_sizes(der.symbols.values(), o))]
    for order in orders or EXACT_SIZES:
        try:
            return _verify_at(sp, der, exact_sizes(der.symbols.values(), order))
        except _singular(sp):
            continue        # (XᵀX)⁻¹ for X of 2×3: singular; 3×2 is the size it is meant for
    raise VerificationError("--verify exact cannot check this problem (a matrix it inverts is "
                            "singular at every size tried)", 1, "use --verify (numeric) instead")


def _verify_at(sp, der, sizes) -> Verification:
    from ..expressions.sympy_values import SympyValues
    env, subs = symbol_values(sp, der, sizes), {}
    names = derivation_names(der)
    for sym in der.symbols.values():
        if sym.kind in ("matrix", "vector"):
            subs.update(_structure(sp, sym, env[sym.name], names.sym(sym.name)))
    try:
        f = SympyValues(env, sizes).value(der.function)
        want = _derivative(sp, f, env[der.var.name], der,
                           env[der.var2.name] if der.var2 is not None else None)
        mine = SympyValues(env, sizes).value(der.result)
    except (VerificationError, _singular(sp)):
        raise
    except Exception as e:          # an abstract function, or a form SymPy lacks
        message = getattr(e, "message", None) or f"{type(e).__name__}: {e}"
        raise VerificationError(f"--verify exact cannot check this problem ({message})", 1,
                                "use --verify (numeric) instead") from None
    want = want.subs(subs) if subs else want
    mine = mine.subs(subs) if subs else mine
    mine, want = _comparable(sp, mine, want)
    diff = (mine - want)
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    pieces = False
    for k, d in enumerate(entries):
        if not _is_zero(sp, d):
            if _piecewise_zero(sp, d):
                pieces = True
                continue
            if _numerically_zero(sp, d):
                raise VerificationError("--verify exact: SymPy could not simplify the difference "
                                        f"in entry {k + 1} to 0, though it is 0 at random points",
                                        1, "use --verify (numeric) instead")
            raise VerificationError(f"verification failed: entry {k + 1} of mdx's result differs "
                                    "from SymPy's derivative", 1,
                                    "please report this problem to the mdx developers")
    named = ", ".join(f"{k} = {v}" for k, v in sizes.items())
    shown = f" ({named})" if named else ""
    piecewise = (f"; where it is piecewise (relu, abs, max), exactly 0 at {POINTS_PIECEWISE} "
                 "rational points") if pieces else ""
    return Verification("exact", 0, None, 0,
                        f"with symbols for the entries{shown}, mdx's result minus SymPy's entrywise "
                        f"derivative simplifies to 0{piecewise}")


def _one_entry(sp, v):
    """A scalar's value (SPEC 6: a scalar may be a 1×1 matrix), or None."""
    if not isinstance(v, sp.MatrixBase):
        return v
    return v[0, 0] if v.shape == (1, 1) else None


def _comparable(sp, mine, want) -> tuple:
    """mdx's result and SymPy's derivative, both scalars where each has one entry (a 1×1
    matrix variable gives SymPy a 1×1 derivative of mdx's scalar); a different shape
    otherwise is a wrong result."""
    a, b = _one_entry(sp, mine), _one_entry(sp, want)
    if a is not None and b is not None:
        return a, b
    if a is not None or b is not None or mine.shape != want.shape:
        raise VerificationError("verification failed: mdx's result has the wrong shape", 1)
    return mine, want


POINTS_PIECEWISE = 6


def _piecewise_zero(sp, d) -> bool:
    """A difference with kinks (Heaviside, Max, sign, Abs), which SymPy cannot simplify on
    symbols: exactly 0 at rational points, each piece in exact arithmetic."""
    import random
    if not d.has(sp.Heaviside, sp.DiracDelta, sp.Max, sp.Min, sp.sign, sp.Abs):
        return False
    rng = random.Random(1)
    for _ in range(POINTS_PIECEWISE):
        point = {s: sp.Rational(rng.randint(-29, 29), 17) for s in d.free_symbols}
        if not _is_zero(sp, d.subs(point)):
            return False
    return True


def _numerically_zero(sp, d) -> bool:
    import random
    rng = random.Random(0)
    for _ in range(3):
        point = {s: sp.Rational(rng.randint(5, 15), 10) for s in d.free_symbols}
        try:
            if abs(complex(sp.N(d.subs(point)))) > 1e-9:
                return False
        except (TypeError, ValueError):
            return False
    return True
