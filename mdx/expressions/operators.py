"""Smart constructors of the elementwise and structural operators: powers `x.^k`,
functions f(x), ∘, ./, ⊗, the named functions (tr, det, diag, vec, softmax, ...), products
with their diagonal identities (diag(u) v = u ∘ v), substitution, and `rebuild`, a node over
new children.  mdx.expressions.construct builds sums and products below them; nothing there
calls up here."""

from __future__ import annotations

from fractions import Fraction

from . import construct
from ..language.functions import ELEMENTWISE as _TABLE, RATIOS
from .construct import (F1, ONE_SCALAR, ZERO_SCALAR, _make_mul, entry_count, ones, power, scale,
                        split_coeff, transpose, zero)
from .dims import ONE, dim_mul
from ..bounds.limits import charge
from .order import ReadingOrder
from .nodes import (SCALAR, D, Add, Apply, EDiv, EPow, Expr, Func, Had, Identity, Kron, Mul, Num, Pow,
                    Ones, T, Unvec, Zero, is_zero)


def epower(b: Expr, k) -> Expr:
    """X.^k, elementwise: X.^1 = X, X.^0 = 1, (X.^a).^b = X.^(ab), (c X).^k = c^k X.^k for an
    integer k; a scalar's elementwise power is its power."""
    k = Fraction(k)
    if b.is_scalar:
        return power(b, k)
    if k == 1:
        return b
    if k == 0 or isinstance(b, Ones):
        return Ones(b.shape)
    if isinstance(b, Zero):
        if k < 0:
            raise ZeroDivisionError("a negative power of zero")
        return b
    if isinstance(b, EPow):
        return epower(b.base, b.k * k)
    if isinstance(b, Mul) and (b.coeff != 1 or b.scalars) and k.denominator == 1:
        return mul(power(_make_mul(b.coeff, b.scalars, ()), k), epower(_make_mul(F1, (), b.chain), k))
    return EPow(b, k)


# the functions of each entry, from their table (not those of each column)
ELEMENTWISE = tuple(name for name, f in _TABLE.items() if not f.per_column)


def func(name: str, arg: Expr, primes: int = 0, defn=None, bounds: tuple = ()) -> Expr:
    if name == "log" and isinstance(arg, Apply) and arg.name == "det":
        return Apply("logdet", arg.arg)
    if name == "log" and isinstance(arg, Func) and arg.name == "exp":
        return arg.arg
    if name == "log" and isinstance(arg, Add) and len(arg.terms) == 2:
        one, ex = arg.terms
        if isinstance(ex, (Ones, Num)) and not isinstance(one, (Ones, Num)):
            one, ex = ex, one
        if (isinstance(one, Ones) or one == ONE_SCALAR) and isinstance(ex, Func) and ex.name == "exp":
            return Func("softplus", ex.arg)
    exact = _TABLE[name].exact if name in _TABLE and not primes else {}
    if isinstance(arg, Num) and arg.value in exact:     # exp 0 = 1, not exp 0 = 0
        return Num(Fraction(exact[arg.value]))
    if isinstance(arg, Zero) and 0 in exact:            # exp(0) of a vector is 1, a vector
        return scale(exact[0], ones(arg.shape)) if exact[0] else arg
    return Func(name, arg, primes, defn, tuple(bounds))


def hadamard(*factors) -> Expr:
    """Elementwise product: scalars pulled out as a coefficient, ones dropped."""
    out, scalars = [], []
    for f in factors:
        for g in (f.factors if isinstance(f, Had) else (f,)):
            if g.is_scalar:
                scalars.append(g)
            elif isinstance(g, Mul) and (g.coeff != 1 or g.scalars):
                scalars.append(_make_mul(g.coeff, g.scalars, ()))
                body = _make_mul(F1, (), g.chain)
                out.extend(body.factors if isinstance(body, Had) else (body,))   # (2 (x ∘ y)) ∘ y
            else:
                out.append(g)
    shape = next((g.shape for g in out), SCALAR)
    if any(is_zero(g) for g in out) or any(is_zero(s) for s in scalars):
        return zero(shape)
    kept = _cancel_quotients([g for g in out if not isinstance(g, Ones)])
    if len(kept) > 1 and all(isinstance(g, Apply) and g.name == "vec" for g in kept) \
            and len({g.arg.shape for g in kept}) == 1:      # vec(M) ∘ vec(N) = vec(M ∘ N)
        return mul(*scalars, apply("vec", hadamard(*(g.arg for g in kept))))
    quotients = [g for g in kept if isinstance(g, EDiv)]
    if quotients and len(kept) > 1:                # a ∘ (u ./ b) = (a ∘ u) ./ b
        r = quotients[0]
        rest = list(kept)
        rest.remove(r)
        top = hadamard(*rest) if isinstance(r.num, Ones) else hadamard(*rest, r.num)
        return mul(*scalars, ediv(top, r.den))
    kept = _signs_as_abs(_merged_powers(kept))
    kept.sort(key=ReadingOrder)
    if not kept:
        body = ones(shape)
    elif len(kept) == 1:
        body = kept[0]
    else:
        body = Had(tuple(kept))
    return mul(*scalars, body)


def _merged_powers(factors):
    """x ∘ x.^2 = x.^3: integer powers of one base are added where one of them is written
    as a power, so that exp(x) ∘ exp(x).^2 reads exp(x).^3.  x ∘ x stays a product: the
    σ ∘ (1 − σ) and (a ./ σ) ∘ σ forms need σ as a factor."""
    exps: dict = {}
    powered = set()
    for g in factors:
        base, k = (g.base, g.k) if isinstance(g, EPow) else (g, F1)
        if k.denominator != 1:
            base, k = g, F1
        elif isinstance(g, EPow):
            powered.add(base)
        exps[base] = exps.get(base, 0) + k
    if len(exps) == len(factors) or not powered:
        return factors
    out = []
    for base, k in exps.items():
        if base not in powered:
            out += [base] * int(k)
            continue
        g = epower(base, k)
        if not isinstance(g, Ones):
            out.append(g)
    return out


def _signs_as_abs(factors):
    """sign(u) ∘ u = abs(u) (softsign's and the 1-norm's derivatives meet it)."""
    for g in factors:
        if isinstance(g, Func) and g.name == "sign" and not g.primes and g.defn is None \
                and g.arg in factors:
            rest = list(factors)
            rest.remove(g)
            rest.remove(g.arg)
            return _signs_as_abs(rest + [func("abs", g.arg)])
    return factors


def _cancel_quotients(factors):
    """(a ./ b) ∘ b = a, also (a ./ b)ᵀ ∘ bᵀ = aᵀ (a row softmax: S = softmax(Zᵀ)ᵀ)."""
    factors = list(factors)
    for i, g in enumerate(factors):
        if isinstance(g, T) and isinstance(g.arg, EDiv) and transpose(g.arg.den) in factors:
            g = factors[i] = EDiv(transpose(g.arg.num), transpose(g.arg.den))
        if isinstance(g, EDiv) and g.den in factors[:i] + factors[i + 1:]:
            rest = factors[:i] + factors[i + 1:]
            rest.remove(g.den)
            return _cancel_quotients(rest + ([] if isinstance(g.num, Ones) else [g.num]))
        if isinstance(g, EDiv):                     # (a ./ b) ∘ b.^k = a ∘ b.^(k − 1)
            rest = factors[:i] + factors[i + 1:]
            for j, h in enumerate(rest):
                if isinstance(h, EPow) and h.base == g.den and h.k.denominator == 1 and h.k > 1:
                    rest[j] = epower(h.base, h.k - 1)
                    return _cancel_quotients(rest + ([] if isinstance(g.num, Ones) else [g.num]))
    return factors


def _named_ratio(a: Expr, b: Expr):
    """g(u) ./ h(u) as the function the table names for it (the hyperbolic sine over cosine
    is tanh), also of equal integer powers (sinh(u).^2 ./ cosh(u).^2 = tanh(u).^2); or None."""
    k = F1
    if isinstance(a, EPow) and isinstance(b, EPow) and a.k == b.k and a.k.denominator == 1:
        k, a, b = a.k, a.base, b.base
    if isinstance(a, Func) and isinstance(b, Func) and a.arg == b.arg \
            and not (a.primes or b.primes or a.defn or b.defn):
        name = RATIOS.get((a.name, b.name))
        return epower(func(name, a.arg), k) if name else None
    return None


def _named_ratios(num: list, den: list) -> bool:
    """Replace each pair of a numerator and a denominator factor that the table names (sinh
    over cosh) by that function, in place: (sinh ∘ sinh) ./ (cosh ∘ cosh) = tanh ∘ tanh.
    Whether any was found."""
    found = False
    for i, f in enumerate(num):
        for g in den:
            named = _named_ratio(f, g)
            if named is not None:
                num[i] = named
                den.remove(g)
                found = True
                break
    return found


def ediv(a: Expr, b: Expr) -> Expr:
    named = _named_ratio(a, b)
    if named is not None:
        return named
    if b.is_scalar:
        return mul(a, power(b, -1))
    if is_zero(a):
        return zero(b.shape if a.is_scalar else a.shape)
    if isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
        return mul(_make_mul(a.coeff, a.scalars, ()), ediv(_make_mul(F1, (), a.chain), b))
    if a.is_scalar:
        return mul(a, EDiv(Ones(b.shape), b)) if a != ONE_SCALAR else EDiv(Ones(b.shape), b)
    if isinstance(b, EDiv):                     # a ./ (u ./ v) = (a ∘ v) ./ u
        return ediv(hadamard(a, b.den), b.num)
    if isinstance(a, EDiv):                     # (u ./ v) ./ b = u ./ (v ∘ b)
        return ediv(a.num, hadamard(a.den, b))
    num = list(a.factors) if isinstance(a, Had) else [a]
    den = list(b.factors) if isinstance(b, Had) else [b]
    if _named_ratios(num, den):
        top = hadamard(*num)
        return ediv(top, hadamard(*den)) if den else top
    common = [f for f in num if f in den]
    if common:                  # (u ∘ c) ./ (c ∘ v) = u ./ v: also keeps exp(big)/exp(big) finite
        for f in common:
            if f in num and f in den:
                num.remove(f)
                den.remove(f)
        top = hadamard(*num) if num else ones(a.shape)
        return ediv(top, hadamard(*den)) if den else top
    if _cancel_powers(num, den) or _cancel_powers(den, num):
        top = hadamard(*num) if num else ones(a.shape)
        return ediv(top, hadamard(*den)) if den else top
    return EDiv(a, b)


def _cancel_powers(these: list, those: list) -> bool:
    """u against u.^k (a whole k > 1) across a quotient, in place: cosh(x) ./ cosh(x).^2 =
    1 ./ cosh(x).  Whether one was found."""
    for i, f in enumerate(these):
        for j, g in enumerate(those):
            if isinstance(g, EPow) and g.base == f and g.k.denominator == 1 and g.k > 1:
                del these[i]
                those[j] = epower(f, g.k - 1)
                return True
    return False


def kron(a: Expr, b: Expr) -> Expr:
    if a.is_scalar or b.is_scalar:
        return mul(a, b)
    if isinstance(a, Identity) and isinstance(b, Identity):
        return Identity(dim_mul(a.n, b.n))
    if is_zero(a) or is_zero(b):
        return zero((dim_mul(a.rows, b.rows), dim_mul(a.cols, b.cols)))
    ca, ea = split_coeff(a)
    cb, eb = split_coeff(b)
    if ca * cb != 1:
        return scale(ca * cb, kron(ea, eb))
    for k, f in enumerate((a, b)):              # (s A) ⊗ B = s (A ⊗ B) for a scalar s
        if isinstance(f, Mul) and f.scalars:
            bare = _make_mul(F1, (), f.chain)
            return mul(*f.scalars, kron(bare, b) if k == 0 else kron(a, bare))
    if a.cols == ONE and b.rows == ONE:         # a column and a row: a ⊗ bᵀ = a bᵀ
        return mul(a, b)
    if a.rows == ONE and b.cols == ONE:         # and bᵀ ⊗ a = a bᵀ
        return mul(b, a)
    return Kron(a, b)


def apply(name: str, a: Expr) -> Expr:
    """tr, det, logdet, sum, norm, softmax, logsumexp, diagm, diagv, vec."""
    if name in ("tr", "det", "sum", "mean") and a.is_scalar:
        return a
    if name in ("sum", "mean") and isinstance(a, Ones):      # sum(1_n) = n, mean(1_n) = 1
        return entry_count(a.shape) if name == "sum" else ONE_SCALAR
    if isinstance(a, Kron) and (name == "sum" or name == "tr" and a.a.rows == a.a.cols
                                and a.b.rows == a.b.cols):
        return mul(apply(name, a.a), apply(name, a.b))     # tr(A ⊗ B) = tr A tr B needs both square
    if name == "tr":
        if isinstance(a, T):
            return apply("tr", a.arg)
        if isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
            return mul(_make_mul(a.coeff, a.scalars, ()), apply("tr", _make_mul(F1, (), a.chain)))
        if isinstance(a, Zero):
            return ZERO_SCALAR
    if name in ("sum", "mean"):           # both linear, both blind to a transpose
        if isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
            return mul(_make_mul(a.coeff, a.scalars, ()), apply(name, _make_mul(F1, (), a.chain)))
        if isinstance(a, T):
            return apply(name, a.arg)
        if isinstance(a, Zero):
            return ZERO_SCALAR
    if name in ("sum", "mean", "var", "std") and isinstance(a, Apply) and a.name == "vec":
        return apply(name, a.arg)                             # sum(vec(M)) = sum(M)
    if name == "vec" and a.cols == ONE:
        return a
    if name == "vec" and isinstance(a, Unvec):                # vec(unvec(v)) = v
        return a.arg
    if name in ("vec", "diagv") and isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
        return mul(_make_mul(a.coeff, a.scalars, ()), apply(name, _make_mul(F1, (), a.chain)))
    if name == "vec" and isinstance(a, Mul) and len(a.chain) == 2 and a.chain[0].cols == ONE and \
            all(isinstance(f, Ones) or isinstance(f, T) and isinstance(f.arg, Ones) for f in a.chain):
        return Ones((dim_mul(a.rows, a.cols), ONE))           # vec(1 1ᵀ) = 1, an outer product only
    if name == "diagv" and isinstance(a, T):                  # diag(Mᵀ) = diag(M)
        return apply("diagv", a.arg)
    if name == "sum" and isinstance(a, Apply) and a.name == "diagv":
        return apply("tr", a.arg)                             # sum(diag(M)) = tr(M)
    if name == "vec" and isinstance(a, (Ones, Zero)):
        return type(a)((dim_mul(a.rows, a.cols), ONE))
    if name == "vec" and a.rows == ONE:
        return transpose(a)
    if name == "diagm" and isinstance(a, Ones):
        return Identity(a.rows)
    if name == "diagm" and isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
        return mul(_make_mul(a.coeff, a.scalars, ()), apply("diagm", _make_mul(F1, (), a.chain)))
    if name == "diagv" and isinstance(a, Identity):
        return Ones((a.rows, ONE))
    if isinstance(a, Zero):         # a zero vector prints as 0, and softmax(0) would read as 1
        if name == "diagm":
            return Zero((a.rows, a.rows))
        if name == "diagv":
            return Zero((a.rows, ONE))
        if name == "softmax":       # each column: 1/n of its n entries
            return mul(power(entry_count((a.rows,)), -1), Ones(a.shape))
        if name == "logsumexp" and a.cols == ONE:
            return func("log", entry_count((a.rows,)))
    if name == "logdet" and a.is_scalar:
        return func("log", a)
    return Apply(name, a)


def written_variance(a: Expr, name: str = "var") -> Expr:
    """var(a) as it is defined: mean((a − mean(a) 1 1ᵀ).^2), over all entries (numpy.var);
    std(a) its sqrt."""
    v = apply("mean", epower(construct.sub(a, mul(apply("mean", a), ones(a.shape))), 2))
    return func("sqrt", v) if name == "std" else v


def unvec(v: Expr, shape) -> Expr:
    """The matrix of `shape` whose vec is the column v: unvec(vec(M)) = M, a vector is itself
    (or its transpose, for a row), ones and zeros keep their kind, and a scalar factor
    comes out (unvec is linear)."""
    shape = tuple(shape)
    if isinstance(v, Apply) and v.name == "vec" and v.arg.shape == shape:
        return v.arg
    if shape[1] == ONE:
        return v
    if shape[0] == ONE:
        return transpose(v)
    if isinstance(v, (Ones, Zero)):
        return type(v)(shape)
    if isinstance(v, Mul) and (v.coeff != 1 or v.scalars):
        return mul(_make_mul(v.coeff, v.scalars, ()), unvec(_make_mul(F1, (), v.chain), shape))
    return Unvec(v, shape)


def substitute(e: Expr, mapping: dict, _done: dict | None = None) -> Expr:
    """Replace sub-expressions (keys of `mapping`) everywhere, rebuilding canonically;
    a subtree shared by many parents is rebuilt once."""
    if e in mapping:
        return mapping[e]
    kids = e.children()
    if not kids:
        return e
    done = {} if _done is None else _done
    seen = done.get(id(e))
    if seen is not None:
        return seen[1]
    charge()                # visiting a huge result is work, even where nothing changes
    new = tuple(substitute(k, mapping, done) for k in kids)
    out = e if all(a is b for a, b in zip(new, kids)) else rebuild(e, new)
    done[id(e)] = (e, out)          # holding e keeps its id from being reused
    return out



def mul(*factors) -> Expr:
    """The product (mdx.expressions.construct.mul), with diag(u) v = u ∘ v, vᵀ diag(u) =
    (u ∘ v)ᵀ and diag(u) diag(v) = diag(u ∘ v) in its chain."""
    out = construct.mul(*factors)
    while isinstance(out, Mul) and any(isinstance(f, Apply) and f.name == "diagm" for f in out.chain):
        chain = _diag_times_vector(list(out.chain))
        if chain is None:
            break
        out = construct.mul(Num(out.coeff), *out.scalars, *chain)
    return out


def _diag_times_vector(chain):
    """The chain with its first diag(u) v, vᵀ diag(u) or diag(u) diag(v) written with ∘, or None."""
    for i in range(len(chain) - 1):
        a, b = chain[i], chain[i + 1]
        if isinstance(a, Apply) and a.name == "diagm" and isinstance(b, Apply) and b.name == "diagm":
            return chain[:i] + [apply("diagm", hadamard(a.arg, b.arg))] + chain[i + 2:]
        if isinstance(a, Apply) and a.name == "diagm" and b.cols == ONE:
            return chain[:i] + [hadamard(a.arg, b)] + chain[i + 2:]
        if isinstance(b, Apply) and b.name == "diagm" and a.rows == ONE:
            return chain[:i] + [transpose(hadamard(b.arg, transpose(a)))] + chain[i + 2:]
    return None


def rebuild(e: Expr, kids: tuple) -> Expr:
    """The same node over new children, through the smart constructors."""
    if isinstance(e, Add):
        return construct.add(*kids)
    if isinstance(e, Mul):
        n = len(e.scalars)
        return mul(Num(e.coeff), *kids[:n], *kids[n:])
    if isinstance(e, T):
        return transpose(kids[0])
    if isinstance(e, Pow):
        return power(kids[0], e.k)
    if isinstance(e, EPow):
        return epower(kids[0], e.k)
    if isinstance(e, Func):
        return func(e.name, kids[0], e.primes, e.defn, tuple(kids[1:]))
    if isinstance(e, Had):
        return hadamard(*kids)
    if isinstance(e, EDiv):
        return ediv(*kids)
    if isinstance(e, Kron):
        return kron(*kids)
    if isinstance(e, Apply):
        return apply(e.name, kids[0])
    if isinstance(e, Unvec):
        return unvec(kids[0], e.shape)
    if isinstance(e, D):
        return D(kids[0], e.var)
    return e
