"""Differentials, one rule per node type.

`rule(u, var)` returns (name, expression) where the expression equals d(u) and may
still hold unevaluated differentials `D(child)` of u's children: that is what a
derivation step shows.  `differentiate` applies the rules all the way down.
"""

from __future__ import annotations

from ..expressions import expr as E
from ..errors import UnsupportedError
from ..language.composites import KEPT
from ..language.functions import ELEMENTWISE
from ..bounds.limits import scratch


def dvar(var: E.Sym) -> E.Sym:
    """The differential dX of a variable: a symbol of X's shape."""
    return E.Sym("d" + var.name, var.shape, var.kind, frozenset(), True)


# `var` is one variable (a Sym), or several (a tuple of Syms) whose differentials are
# all taken at once: the total differential df = Σ ⟨∂f/∂Xᵢ, dXᵢ⟩ of a several-variable
# problem, expanded once and shared by every gradient (SPEC 10)
def variables(var) -> tuple:
    return var if isinstance(var, tuple) else (var,)


def depends(u: E.Expr, var) -> bool:
    return any(v.name in u.free for v in variables(var))


def d(u: E.Expr, var) -> E.Expr:
    """d(u), left unevaluated unless it is trivially 0 or dX."""
    if not depends(u, var):
        return E.zero(u.shape)
    if u in variables(var):
        return dvar(u)
    return E.D(u, var)


def inner(u: E.Expr, v: E.Expr) -> E.Expr:
    """<u, v>: u v for scalars, u^T v for vectors, tr(u^T v) for matrices."""
    if u.is_scalar:
        return E.mul(u, v)
    if u.cols == "1":
        return E.mul(E.transpose(u), v)
    return E.apply("tr", E.mul(E.transpose(u), v))


def rule(u: E.Expr, var: E.Sym):
    """(rule name, d(u) one level down)."""
    dd = lambda x: d(x, var)  # noqa: E731
    if isinstance(u, E.Add):
        return "sum rule: d(U + V) = dU + dV", E.add(*(dd(t) for t in u.terms))
    if isinstance(u, E.Mul):
        return _product_rule(u, var)
    if isinstance(u, E.T):
        return "differential of a transpose: d(Uᵀ) = (dU)ᵀ", E.transpose(dd(u.arg))
    if isinstance(u, E.Pow):
        return _power_rule(u, var)
    if isinstance(u, E.Func):
        return _func_rule(u, var)
    if isinstance(u, E.EPow):
        return ("elementwise power: d(U.^p) = p U.^(p−1) ∘ dU",
                E.hadamard(epower_prime(u), dd(u.base)))
    if isinstance(u, E.Apply):
        return _apply_rule(u, var)
    if isinstance(u, E.Unvec):
        return "linearity of unvec: d unvec(u) = unvec(du)", E.unvec(dd(u.arg), u.shape)
    if isinstance(u, E.Had):
        terms = [E.hadamard(*(dd(g) if j == i else g for j, g in enumerate(u.factors)))
                 for i in range(len(u.factors))]
        return "Hadamard product rule: d(U ∘ V) = dU ∘ V + U ∘ dV", E.add(*terms)
    if isinstance(u, E.EDiv):
        a, b = u.num, u.den
        return ("elementwise quotient rule: d(U ./ V) = dU ./ V − U ∘ dV ./ (V ∘ V)",
                E.sub(E.ediv(dd(a), b), E.ediv(E.hadamard(a, dd(b)), E.hadamard(b, b))))
    if isinstance(u, E.Kron):
        return ("Kronecker product rule: d(U ⊗ V) = dU ⊗ V + U ⊗ dV",
                E.add(E.kron(dd(u.a), u.b), E.kron(u.a, dd(u.b))))
    raise UnsupportedError(f"no differential rule for {u!r}")  # pragma: no cover


def _product_rule(u: E.Mul, var):
    factors = list(u.scalars) + list(u.chain)
    terms = []
    for i, f in enumerate(factors):
        if depends(f, var):
            new = factors[:i] + [d(f, var)] + factors[i + 1:]
            terms.append(E.mul(E.Num(u.coeff), *new))
    deps = sum(depends(f, var) for f in factors)
    if deps == 1:
        return "linearity: d(A U B) = A dU B", E.add(*terms)
    return "product rule: d(UV) = dU V + U dV", E.add(*terms)


def _power_rule(u: E.Pow, var):
    b, k = u.base, u.k
    db = d(b, var)
    if b.is_scalar:
        if isinstance(b, E.Apply) and b.name == "norm" and k == 2:
            return "squared norm: d‖u‖² = 2 ⟨u, du⟩", E.scale(2, inner(b.arg, d(b.arg, var)))
        return ("power rule: d(s^p) = p s^(p−1) ds",
                E.mul(E.Num(k), E.power(b, k - 1), db))
    if k == -1:
        inv = E.inverse(b)
        return ("differential of an inverse: d(U⁻¹) = −U⁻¹ dU U⁻¹",
                E.neg(E.mul(inv, db, inv)))
    n = int(k)
    if n > 0:
        terms = [E.mul(E.power(b, j), db, E.power(b, n - 1 - j)) for j in range(n)]
        return "matrix power: d(U^k) = Σ_j U^j dU U^(k−1−j)", E.add(*terms)
    m = -n
    terms = [E.neg(E.mul(E.power(b, -j), db, E.power(b, -(m + 1 - j)))) for j in range(1, m + 1)]
    return "inverse power: d(U^−k) = −Σ_j U^−j dU U^−(k+1−j)", E.add(*terms)


def _func_rule(u: E.Func, var):
    a = u.arg
    da = d(a, var)
    if u.bounds:                        # kept whole, f(u, lo, hi): lo, hi constants
        return kept_differential(u, da)
    if u.name == "log" and isinstance(a, E.Apply) and a.name == "softmax" and a.arg.cols != "1":
        Z = a.arg
        dZ = d(Z, var)
        return ("log-softmax per column: d log softmax(Z) = dZ − 1 1ᵀ (softmax(Z) ∘ dZ)",
                E.sub(dZ, _column_sums(E.hadamard(a, dZ))))
    if u.name == "log" and isinstance(a, E.Apply) and a.name == "softmax":
        z = a.arg
        dz = d(z, var)
        s = E.apply("softmax", z)
        return ("log-softmax: d log softmax(z) = dz − 1 softmax(z)ᵀ dz",
                E.sub(dz, E.mul(E.Ones(z.shape), E.transpose(s), dz)))
    entry = ELEMENTWISE.get(u.name) if not u.primes else None
    if entry is not None:                               # the function's own record
        return entry.rule, elementwise_differential(entry, a, da)
    prime = E.func(u.name, a, u.primes + 1, u.defn)    # an abstract or user-defined f
    return f"chain rule: d {u.name}(u) = {u.name}'(u) ∘ du", E.hadamard(prime, da)


def kept_differential(u: E.Func, da: E.Expr):
    """(rule, d f(a)) of a function kept whole with its parameters (mdx.language.composites.Kept):
    f'(a) ∘ da, and f'' = 0 almost everywhere (f is piecewise linear)."""
    if u.primes:
        return f"d {u.name}'(u) = 0 almost everywhere", E.zero(u.shape)
    return KEPT[u.name].rule, E.hadamard(E.func(u.name, u.arg, 1, None, u.bounds), da)


def elementwise_prime(entry, a: E.Expr) -> E.Expr | None:
    """f'(a) from the function's record, or None where f' is 0 almost everywhere."""
    return None if entry.derivative is None else entry.derivative(E, a)


def elementwise_differential(entry, a: E.Expr, da: E.Expr) -> E.Expr:
    """d f(a) = f'(a) ∘ da."""
    prime = elementwise_prime(entry, a)
    return E.zero(a.shape) if prime is None else E.hadamard(prime, da)


def _apply_rule(u: E.Apply, var):
    a = u.arg
    da = d(a, var)
    name = u.name
    if name == "tr":
        return "differential of a trace: d tr(U) = tr(dU)", E.apply("tr", da)
    if name == "sum":
        return "differential of a sum: d sum(U) = sum(dU)", E.apply("sum", da)
    if name == "mean":
        return "differential of a mean: d mean(U) = mean(dU)", E.apply("mean", da)
    if name in ("var", "std"):
        return (f"{name} written out: d {name}(U) = d of its definition (population, all entries)",
                d(E.written_variance(a, name), var))
    if name == "norm1":
        return ("differential of a 1-norm: d‖u‖₁ = ⟨sign(u), du⟩ (where no entry is 0)",
                inner(E.func("sign", a), da))
    if name == "det":
        return ("Jacobi's formula: d det(U) = det(U) tr(U⁻¹ dU)",
                E.mul(u, E.apply("tr", E.mul(E.inverse(a), da))))
    if name == "logdet":
        return "differential of log det: d log det(U) = tr(U⁻¹ dU)", \
            E.apply("tr", E.mul(E.inverse(a), da))
    if name == "norm":
        return ("differential of a norm: d‖u‖ = ⟨u, du⟩ / ‖u‖",
                E.mul(E.power(u, -1), inner(a, da)))
    if name == "softmax" and a.cols != "1":
        return ("softmax per column: d softmax(Z) = S ∘ dZ − S ∘ (1 1ᵀ (S ∘ dZ)), S = softmax(Z)",
                E.sub(E.hadamard(u, da), E.hadamard(u, _column_sums(E.hadamard(u, da)))))
    if name == "logsumexp" and a.cols != "1":
        return ("logsumexp per column: d logsumexp(Z) = 1ᵀ (softmax(Z) ∘ dZ)",
                E.mul(E.transpose(E.ones((a.rows, "1"))), E.hadamard(E.apply("softmax", a), da)))
    if name == "softmax":
        s = u
        jac = E.sub(E.apply("diagm", s), E.mul(s, E.transpose(s)))
        return "softmax: d softmax(z) = (diag(s) − s sᵀ) dz, s = softmax(z)", E.mul(jac, da)
    if name == "logsumexp":
        return ("logsumexp: d logsumexp(z) = softmax(z)ᵀ dz",
                E.mul(E.transpose(E.apply("softmax", a)), da))
    if name in ("diagm", "diagv", "vec"):
        return f"linearity of {'diag' if name != 'vec' else 'vec'}: d {name[:4]}(U) = {name[:4]}(dU)", \
            E.apply(name, da)
    raise UnsupportedError(f"no differential rule for {name}")  # pragma: no cover


def epower_prime(u: E.EPow) -> E.Expr:
    """p U.^(p−1), the entrywise derivative of U.^p."""
    return E.scale(u.k, E.epower(u.base, u.k - 1))


def _column_sums(M: E.Expr) -> E.Expr:
    """1 1ᵀ M: every entry replaced by the sum of its column."""
    ones = E.ones((M.rows, "1"))
    return E.mul(ones, E.transpose(ones), M)


# ----------------------------------------------------------------- full expansion
def differentiate(e: E.Expr, var: E.Sym, memo: dict | None = None) -> E.Expr:
    """d(e) with every rule applied: an expression linear in dX.  Without a memo, the
    call's (limits.scratch): printing each step of a deep derivation differentiates the
    same subexpressions again (`exp` nested 199 deep, as JSON: past 8 s)."""
    if memo is None:
        memo = _call_memo(var)
    if not depends(e, var):
        return E.zero(e.shape)
    if e in variables(var):
        return dvar(e)
    if e in memo:
        return memo[e]
    _, body = rule(e, var)
    out = resolve(body, var, memo)
    memo[e] = out
    return out


def _call_memo(var: E.Sym) -> dict:
    calls = scratch("differentials")
    return {} if calls is None else calls.setdefault(var, {})


def resolve(e: E.Expr, var: E.Sym, memo: dict | None = None, memos: dict | None = None) -> E.Expr:
    """Replace every unevaluated D(u) in e by its full differential.  Each D is worked out
    by its own variable, with that variable's memo (a step may hold d(u) by x and by y)."""
    if memos is None:
        memos = {var: memo if memo is not None else _call_memo(var)}
    if isinstance(e, E.D):
        if e.var not in memos:
            memos[e.var] = _call_memo(e.var)
        return differentiate(e.arg, e.var, memos[e.var])
    kids = e.children()
    if not kids or not any(_has_d(k) for k in kids):
        return e
    return E.rebuild(e, tuple(resolve(k, var, None, memos) for k in kids))


def _has_d(e: E.Expr) -> bool:
    """Whether e holds an unevaluated D; kept on the node (it is asked of the same
    subtrees at every step of a deep derivation)."""
    known = e.__dict__.get("_has_d")
    if known is None:
        known = e.__dict__["_has_d"] = isinstance(e, E.D) or any(_has_d(k) for k in e.children())
    return known


def expand_once(e: E.Expr, var: E.Sym):
    """Apply one rule to every unevaluated D(u) in e: (new expression, rule names)."""
    names: list = []

    def walk(x):
        if isinstance(x, E.D):
            trivial = d(x.arg, var)
            if not isinstance(trivial, E.D):
                name = "d of the variable itself" if depends(x.arg, var) else "d of a constant is 0"
                if name not in names:
                    names.append(name)
                return trivial
            name, body = rule(x.arg, var)
            if name not in names:
                names.append(name)
            return body
        kids = x.children()
        if not kids or not any(_has_d(k) for k in kids):
            return x
        return E.rebuild(x, tuple(walk(k) for k in kids))
    return walk(e), names


def rule_names(e: E.Expr, var: E.Sym) -> list:
    """The names of the rules that working out every unevaluated D(u) in e applies (what
    expand_once would report, level after level), each once, in the order met."""
    names: list = []
    seen: set = set()

    def walk(x):
        if x in seen:
            return
        seen.add(x)
        if isinstance(x, E.D):
            trivial = d(x.arg, var)
            if not isinstance(trivial, E.D):
                name = "d of the variable itself" if depends(x.arg, var) else "d of a constant is 0"
                body = trivial
            else:
                name, body = rule(x.arg, var)
            if name not in names:
                names.append(name)
            x = body
        for k in x.children():
            if _has_d(k):
                walk(k)
    walk(e)
    return names


def has_unevaluated(e: E.Expr) -> bool:
    return _has_d(e)


__all__ = ["dvar", "d", "depends", "variables", "rule", "epower_prime", "elementwise_prime", "differentiate", "resolve", "expand_once", "inner", "rule_names"]
