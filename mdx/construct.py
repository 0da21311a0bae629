"""Smart constructors: the only way expressions are built.

They keep expressions canonical — products flattened with their scalar factors
pulled in front, numbers folded, zeros and identities dropped, transposes pushed to
the leaves, like terms collected — so that equal things usually look equal.
"""

from __future__ import annotations

from fractions import Fraction

from .dims import ONE, dim_mul
from .nodes import (HOOKS, SCALAR, Add, Apply, Commutation, DimSize, EDiv, EPow, Expr, Func, Had,
                    Identity, Kron, Mul, Num, Ones, Pow, Sym, T, Zero, is_zero)


def num(v) -> Num:
    return Num(Fraction(v))


# Shared constants: building a Fraction costs a microsecond, and products build many.
F0 = Fraction(0)
F1 = Fraction(1)
ZERO_SCALAR = Num(F0)
ONE_SCALAR = Num(F1)


def zero(shape) -> Expr:
    return ZERO_SCALAR if tuple(shape) == SCALAR else Zero(tuple(shape))


def ones(shape) -> Expr:
    return ONE_SCALAR if tuple(shape) == SCALAR else Ones(tuple(shape))


def entry_count(shape) -> Expr:
    """The number of entries of a shape, as a scalar: n m (sizes), 12 (numbers)."""
    out = []
    for d in shape:
        for f in d.split("*"):
            if f != ONE:
                out.append(Num(Fraction(int(f))) if f.isdigit() else DimSize(f))
    return mul(*out) if out else ONE_SCALAR


def identity(n: str) -> Expr:
    return ONE_SCALAR if n == ONE else Identity(n)


def commutation(r: str, s: str) -> Expr:
    """K_{r,s}; the identity when r or s is 1 (vec of a vector is itself)."""
    if r == ONE or s == ONE:
        return identity(dim_mul(r, s))
    return Commutation(r, s)


def add(*terms) -> Expr:
    """Sum with nested sums flattened, zeros dropped, like terms collected and a
    scalar added to a vector or matrix broadcast as `s 1`."""
    flat = []
    for t in terms:
        flat.extend(t.terms if isinstance(t, Add) else (t,))
    shape = next((t.shape for t in flat if t.shape != SCALAR), SCALAR)
    collected: dict = {}
    for t in flat:
        if is_zero(t):
            continue
        if t.shape != shape:
            t = mul(t, Ones(shape))
        coeff, mono = split_coeff(t)
        collected[mono] = collected.get(mono, F0) + coeff
    out = [scale(c, m) for m, c in collected.items() if c != 0]
    if not out:
        return zero(shape)
    if len(out) == 1:
        return out[0]
    return Add(tuple(out))


def split_coeff(e: Expr):
    """e = coeff * monomial, with the monomial's own coefficient 1."""
    if isinstance(e, Num):
        return e.value, ONE_SCALAR
    if isinstance(e, Mul) and e.coeff != 1:
        return e.coeff, _make_mul(F1, e.scalars, e.chain)
    return F1, e


def scale(c, e: Expr) -> Expr:
    c = Fraction(c)
    if c == 1:
        return e
    return mul(Num(c), e)


def neg(e: Expr) -> Expr:
    return scale(-1, e)


def sub(a: Expr, b: Expr) -> Expr:
    return add(a, neg(b))


def _parts(e: Expr):
    if isinstance(e, Num):
        return e.value, [], []
    if isinstance(e, Mul):
        return e.coeff, list(e.scalars), list(e.chain)
    if e.is_scalar:
        return F1, [e], []
    return F1, [], [e]


def _chain_shape(chain):
    return (chain[0].rows, chain[-1].cols) if chain else SCALAR


def mul(*factors) -> Expr:
    """Product, grouped left to right; a 1x1 operand scales the other (SPEC 7)."""
    coeff, scalars, chain = F1, [], []
    for f in factors:
        c, s, ch = _parts(f)
        if c != 1:
            coeff *= c
        scalars.extend(s)
        if not ch:
            continue
        if not chain:
            chain = ch
        else:
            left_scalar = _chain_shape(chain) == SCALAR
            right_scalar = _chain_shape(ch) == SCALAR
            if left_scalar and not right_scalar:
                scalars.append(_make_mul(F1, (), tuple(chain)))
                chain = ch
            elif right_scalar:
                scalars.append(_make_mul(F1, (), tuple(ch)))
            else:
                chain = chain + ch
    if coeff == 0 or any(is_zero(f) for f in factors):
        out_shape = _product_shape(factors)
        return zero(out_shape)
    return _make_mul(coeff, scalars, chain)


def _product_shape(factors):
    shape = SCALAR
    for f in factors:
        if f.is_scalar:
            continue
        shape = f.shape if shape == SCALAR else (shape[0], f.cols)
    return shape


def _make_mul(coeff, scalars, chain) -> Expr:
    coeff, scalars = _normalize_scalars(coeff, scalars)
    chain = _normalize_chain(list(chain))
    run = _scalar_run(chain)
    if run:
        i, j = run
        inner = Mul(F1, (), tuple(chain[i:j + 1]))
        return _make_mul(coeff, list(scalars) + [inner], chain[:i] + chain[j + 1:])
    if coeff == 0:
        return zero(_chain_shape(chain))
    if not chain and not scalars:
        return Num(coeff)
    if coeff == 1 and not scalars and len(chain) == 1:
        return chain[0]
    if coeff == 1 and not chain and len(scalars) == 1:
        return scalars[0]
    return Mul(coeff, tuple(scalars), tuple(chain))


def _scalar_run(chain):
    """A proper sub-run of the chain whose product is 1x1 (a scalar: x^T y in A x^T y B)."""
    n = len(chain)
    for i in range(n):
        if chain[i].rows != ONE:
            continue
        for j in range(i + 1, n):
            if chain[j].cols == ONE:
                if (i, j) != (0, n - 1):
                    return i, j
                break
    return None


def _normalize_scalars(coeff, scalars):
    """Fold numbers, flatten scalar products, and merge powers of one base."""
    exps: dict = {}
    order = []
    stack = list(scalars)
    while stack:
        s = stack.pop(0)
        if isinstance(s, Num):
            coeff *= s.value
            continue
        if isinstance(s, Mul):
            coeff *= s.coeff
            stack[0:0] = list(s.scalars)
            if s.chain:
                s = _make_mul(F1, (), s.chain)
            else:
                continue
        base, k = (s.base, s.k) if isinstance(s, Pow) else (s, F1)
        if base not in exps:
            order.append(base)
            exps[base] = F0
        exps[base] += k
    out = [power(b, exps[b]) for b in order if exps[b] != 0]
    flat = []
    for s in out:
        if isinstance(s, Num):
            coeff *= s.value
        else:
            flat.append(s)
    flat.sort(key=_scalar_rank)
    return coeff, flat


def _scalar_rank(s):
    base = s.base if isinstance(s, Pow) else s
    if isinstance(base, Sym):
        cat = 0
    elif isinstance(base, Mul):
        cat = 2
    elif isinstance(base, Add):
        cat = 3
    else:
        cat = 1
    return (isinstance(s, Pow) and s.k < 0, cat, HOOKS.head(base) if HOOKS.head else "", base.order)


def _chain_base(f):
    return (f.base, f.k) if isinstance(f, Pow) and not f.is_scalar else (f, F1)


def _normalize_chain(chain):
    """Drop identities, merge adjacent powers of one matrix (X X^{-1} = I)."""
    if not chain:
        return chain
    shape = _chain_shape(chain)
    out = []
    for f in chain:
        if isinstance(f, Identity):
            continue
        if isinstance(f, Ones) and f.rows == ONE and out and isinstance(out[-1], Ones) \
                and out[-1].cols == ONE:        # 1 1ᵀ: the matrix of ones
            out[-1] = Ones((out[-1].rows, f.cols))
            continue
        if isinstance(f, Mul):      # only chains reach here (scalars were lifted)
            out.extend(f.chain)
            continue
        if out:
            b1, k1 = _chain_base(out[-1])
            b2, k2 = _chain_base(f)
            if b1 == b2 and b1.rows == b1.cols:
                out.pop()
                merged = power(b1, k1 + k2)
                if not isinstance(merged, Identity):
                    out.append(merged)
                continue
        out.append(f)
    if not out and shape != SCALAR:
        out = [Identity(shape[0])]
    return _commute_kron(_diag_times_vector(out))


def _commute_kron(chain):
    """(A ⊗ B) K_{n,q} = K_{m,p} (B ⊗ A) for A m×n, B p×q: commutation matrices go left."""
    for i in range(1, len(chain)):
        a, k = chain[i - 1], chain[i]
        if isinstance(a, Kron) and isinstance(k, Commutation) and (k.r, k.s) == (a.a.cols, a.b.cols):
            return _commute_kron(chain[:i - 1] + [commutation(a.a.rows, a.b.rows), kron(a.b, a.a)]
                                 + chain[i + 1:])
    return chain


def _diag_times_vector(chain):
    """diag(u) v = u ∘ v, v^T diag(u) = (u ∘ v)^T, diag(u) diag(v) = diag(u ∘ v)."""
    for i in range(len(chain) - 1):
        a, b = chain[i], chain[i + 1]
        if isinstance(a, Apply) and a.name == "diagm" and isinstance(b, Apply) and b.name == "diagm":
            return _normalize_chain(chain[:i] + [apply("diagm", hadamard(a.arg, b.arg))] + chain[i + 2:])
        if isinstance(a, Apply) and a.name == "diagm" and b.cols == ONE:
            return _normalize_chain(chain[:i] + [hadamard(a.arg, b)] + chain[i + 2:])
        if isinstance(b, Apply) and b.name == "diagm" and a.rows == ONE:
            return _normalize_chain(chain[:i] + [transpose(hadamard(b.arg, transpose(a)))] + chain[i + 2:])
    return chain


def transpose(e: Expr) -> Expr:
    """e^T pushed to the leaves: (AB)^T = B^T A^T, (X^k)^T = (X^T)^k; symmetric e^T = e."""
    if e.is_scalar:
        return e
    if isinstance(e, T):
        return e.arg
    if isinstance(e, (Zero, Ones)):
        return type(e)((e.cols, e.rows))
    if isinstance(e, Commutation):
        return Commutation(e.s, e.r)
    if isinstance(e, Mul):
        return _make_mul(e.coeff, e.scalars, tuple(transpose(f) for f in reversed(e.chain)))
    if isinstance(e, Pow):
        return power(transpose(e.base), e.k)
    if isinstance(e, Kron):
        return kron(transpose(e.a), transpose(e.b))
    if isinstance(e, Add) and all(isinstance(t, (T, Mul)) or is_symmetric(t)
                                  for t in e.terms) and any(isinstance(t, T) for t in e.terms):
        return add(*(transpose(t) for t in e.terms))
    if is_symmetric(e):
        return e
    return T(e)


def power(b: Expr, k) -> Expr:
    k = Fraction(k)
    if k == 1:
        return b
    if k == 0:
        return ONE_SCALAR if b.is_scalar else Identity(b.rows)
    if k < 0 and (isinstance(b, Zero) or isinstance(b, Num) and b.value == 0):
        raise ZeroDivisionError("a negative power of zero")
    if isinstance(b, Num):
        if k.denominator == 1:
            return Num(Fraction(b.value) ** int(k))
    if isinstance(b, Identity):
        return b
    if isinstance(b, Pow) and (b.k.denominator == 1 and k.denominator == 1 or b.is_scalar):
        return power(b.base, b.k * k)
    if isinstance(b, T) and isinstance(b.arg, Sym) and "orthogonal" in b.arg.props and k < 0:
        return power(b.arg, -k)
    if isinstance(b, Sym) and "orthogonal" in b.props and k < 0:
        return power(transpose(b), -k)
    if isinstance(b, Mul) and b.is_scalar and not b.chain and b.coeff != 1 and k.denominator == 1:
        return mul(Num(b.coeff ** int(k)), power(_make_mul(F1, b.scalars, ()), k))
    if not b.is_scalar and isinstance(b, Mul) and not b.chain[1:] and (b.coeff != 1 or b.scalars):
        inner = b.chain[0]
        return mul(power(_make_mul(b.coeff, b.scalars, ()), k), power(inner, k))
    return Pow(b, k)


def inverse(b: Expr) -> Expr:
    return power(b, -1)


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


ELEMENTWISE = ("exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "relu", "softplus",
               "abs", "sign", "step")


def func(name: str, arg: Expr, primes: int = 0, defn=None) -> Expr:
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
    if isinstance(arg, Num) and not primes and (name, arg.value) in _EXACT_VALUES:
        return Num(Fraction(_EXACT_VALUES[name, arg.value]))
    return Func(name, arg, primes, defn)


# f(c) for constants where the value is exact (exp 0 = 1, not exp 0 = 0)
_EXACT_VALUES = {("exp", 0): 1, ("log", 1): 0, ("sqrt", 0): 0, ("sqrt", 1): 1, ("sin", 0): 0,
                 ("cos", 0): 1, ("tanh", 0): 0, ("relu", 0): 0, ("abs", 0): 0, ("sign", 0): 0}


def hadamard(*factors) -> Expr:
    """Elementwise product: scalars pulled out as a coefficient, ones dropped."""
    out, scalars = [], []
    for f in factors:
        for g in (f.factors if isinstance(f, Had) else (f,)):
            if g.is_scalar:
                scalars.append(g)
            elif isinstance(g, Mul) and (g.coeff != 1 or g.scalars):
                scalars.append(_make_mul(g.coeff, g.scalars, ()))
                out.append(_make_mul(F1, (), g.chain))
            else:
                out.append(g)
    shape = next((g.shape for g in out), SCALAR)
    if any(is_zero(g) for g in out) or any(is_zero(s) for s in scalars):
        return zero(shape)
    kept = _cancel_quotients([g for g in out if not isinstance(g, Ones)])
    if len(kept) > 1 and all(isinstance(g, Apply) and g.name == "vec" for g in kept) \
            and len({g.arg.shape for g in kept}) == 1:      # vec(M) ∘ vec(N) = vec(M ∘ N)
        return mul(*scalars, apply("vec", hadamard(*(g.arg for g in kept))))
    recips = [g for g in kept if isinstance(g, EDiv) and isinstance(g.num, Ones)]
    if recips and len(kept) > 1:                   # a ∘ (1 ./ b) = a ./ b
        r = recips[0]
        rest = list(kept)
        rest.remove(r)
        return mul(*scalars, ediv(hadamard(*rest), r.den))
    kept.sort(key=_operand_order)
    if not kept:
        body = ones(shape)
    elif len(kept) == 1:
        body = kept[0]
    else:
        body = Had(tuple(kept))
    return mul(*scalars, body)


def _operand_order(g: Expr) -> tuple:
    """Sums last; else by the start of the printed text (`x ∘ exp(x)`, as a reader scans),
    then by structure: both cost O(1) per new node, where the whole text cost its length."""
    return (isinstance(g, Add), HOOKS.head(g) if HOOKS.head else "", g.order)


def _cancel_quotients(factors):
    """(a ./ b) ∘ b = a."""
    factors = list(factors)
    for i, g in enumerate(factors):
        if isinstance(g, EDiv) and g.den in factors[:i] + factors[i + 1:]:
            rest = factors[:i] + factors[i + 1:]
            rest.remove(g.den)
            return _cancel_quotients(rest + ([] if isinstance(g.num, Ones) else [g.num]))
    return factors


def ediv(a: Expr, b: Expr) -> Expr:
    if b.is_scalar:
        return mul(a, power(b, -1))
    if is_zero(a):
        return zero(b.shape if a.is_scalar else a.shape)
    if isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
        return mul(_make_mul(a.coeff, a.scalars, ()), ediv(_make_mul(F1, (), a.chain), b))
    if a.is_scalar:
        return mul(a, EDiv(Ones(b.shape), b)) if a != ONE_SCALAR else EDiv(Ones(b.shape), b)
    num = list(a.factors) if isinstance(a, Had) else [a]
    den = list(b.factors) if isinstance(b, Had) else [b]
    common = [f for f in num if f in den]
    if common:                  # (u ∘ c) ./ (c ∘ v) = u ./ v: also keeps exp(big)/exp(big) finite
        for f in common:
            if f in num and f in den:
                num.remove(f)
                den.remove(f)
        top = hadamard(*num) if num else ones(a.shape)
        return ediv(top, hadamard(*den)) if den else top
    return EDiv(a, b)


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
    if name == "vec" and a.cols == ONE:
        return a
    if name in ("vec", "diagv") and isinstance(a, Mul) and (a.coeff != 1 or a.scalars):
        return mul(_make_mul(a.coeff, a.scalars, ()), apply(name, _make_mul(F1, (), a.chain)))
    if name == "vec" and isinstance(a, Mul) and len(a.chain) == 2 and \
            all(isinstance(f, Ones) or isinstance(f, T) and isinstance(f.arg, Ones) for f in a.chain):
        return Ones((dim_mul(a.rows, a.cols), ONE))           # vec(1 1ᵀ) = 1
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
    if name == "logdet" and a.is_scalar:
        return func("log", a)
    return Apply(name, a)


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
    new = tuple(substitute(k, mapping, done) for k in kids)
    out = e if all(a is b for a, b in zip(new, kids)) else e.rebuild(new)
    done[id(e)] = (e, out)          # holding e keeps its id from being reused
    return out


# ----------------------------------------------------------------- symmetry
SYMMETRIC_PROPS = {"symmetric", "spd", "diagonal"}


def is_symmetric(e: Expr) -> bool:
    """True when e^T = e can be seen from the structure."""
    if e.is_scalar or isinstance(e, (Identity, Zero)):
        return True
    if e.rows != e.cols:
        return False
    if isinstance(e, Sym):
        return bool(e.props & SYMMETRIC_PROPS)
    if isinstance(e, Ones):
        return True
    if isinstance(e, Apply):
        return e.name == "diagm"
    if isinstance(e, (Pow, Func, EPow)):
        return is_symmetric(e.base if isinstance(e, (Pow, EPow)) else e.arg)
    if isinstance(e, Had):
        return all(is_symmetric(f) for f in e.factors)
    if isinstance(e, Kron):
        return is_symmetric(e.a) and is_symmetric(e.b)
    if isinstance(e, Mul):
        return _palindrome(e.chain)
    if isinstance(e, Add):
        return _closed_under_transpose(e.terms)
    return False


def _palindrome(chain) -> bool:
    n = len(chain)
    if n == 2 and isinstance(chain[0], Commutation) and chain[0].r == chain[0].s \
            and isinstance(chain[1], Kron) and chain[1].b == transpose(chain[1].a):
        return True                                  # K (A ⊗ Aᵀ) is symmetric
    for i in range(n // 2):
        if chain[i] != transpose(chain[n - 1 - i]):
            return False
    return n % 2 == 0 or is_symmetric(chain[n // 2])


def _closed_under_transpose(terms) -> bool:
    pending = list(terms)
    while pending:
        t = pending.pop()
        if is_symmetric(t):
            continue
        tt = transpose(t)
        if tt in pending:
            pending.remove(tt)
        else:
            return False
    return True


HOOKS.build.update(add=add, mul=mul, transpose=transpose, power=power, epower=epower, func=func,
                   hadamard=hadamard, ediv=ediv, kron=kron, apply=apply)
