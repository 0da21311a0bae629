"""Smart constructors: the only way expressions are built.

They keep expressions canonical — products flattened with their scalar factors
pulled in front, numbers folded, zeros and identities dropped, transposes pushed to
the leaves, like terms collected — so that equal things usually look equal.  Sums,
products, transposes and powers are built here; the other operators in mdx.expressions.operators.
"""

from __future__ import annotations

from fractions import Fraction

from .dims import ONE, dim_mul
from .node_base import ByOrder
from .order import reading
from .scalar_exponents import cancel_inside_products, fold_square_roots
from .nodes import (SCALAR, Add, Apply, Commutation, DimSize, EPow, Expr, Func, Had,
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


def parts(e: Expr):
    """(coeff, scalars, chain) of any expression: how a product would hold it."""
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
        c, s, ch = parts(f)
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
    if any(isinstance(f, Mul) and (f.coeff != 1 or f.scalars) for f in chain):
        # a factor of the chain that is a scaled product, such as transpose's ((x + a)ᵀ +
        # (x - a)ᵀ)ᵀ = 2 x in (c Sᵀ)ᵀ: its coefficient and scalars join this product's
        coeff, scalars = Fraction(coeff), list(scalars)
        for f in chain:
            if isinstance(f, Mul):
                coeff *= f.coeff
                scalars.extend(f.scalars)
        chain = [g for f in chain for g in (f.chain if isinstance(f, Mul) else (f,))]
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
    cancel_inside_products(exps, order)
    fold_square_roots(exps, order)
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
    return (isinstance(s, Pow) and s.k < 0, cat, reading(base), ByOrder(base))


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
    return _commute_kron(out)


def _commute_kron(chain):
    """(A ⊗ B) K_{n,q} = K_{m,p} (B ⊗ A) for A m×n, B p×q: commutation matrices go left."""
    for i in range(1, len(chain)):
        a, k = chain[i - 1], chain[i]
        if isinstance(a, Kron) and isinstance(k, Commutation) and (k.r, k.s) == (a.a.cols, a.b.cols):
            return _commute_kron(chain[:i - 1] + [commutation(a.a.rows, a.b.rows), Kron(a.b, a.a)]
                                 + chain[i + 1:])
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
        return Kron(transpose(e.a), transpose(e.b))      # as canonical as e was
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
    if isinstance(b, Apply) and b.name == "diagm" and k.denominator == 1:
        return _diag_power(b.arg, k)
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


def _diag_power(a: Expr, k: Fraction) -> Expr:
    """diag(a)^k = diag(a.^k) (k an integer), built here: the chain method's diag(x) diag(x)
    left as diag(x)^2 swelled its Kronecker forms (0.2 s -> over 8 s on one problem)."""
    base, k0 = (a.base, a.k) if isinstance(a, EPow) else (a, F1)
    k = k0 * k
    if k == 0:
        return Identity(a.rows)
    return Apply("diagm", base if k == 1 else EPow(base, k))


def inverse(b: Expr) -> Expr:
    return power(b, -1)


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

