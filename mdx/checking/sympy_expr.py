"""A derivation's result as a SymPy object (`der.to_sympy()`).

Without sizes it is a SymPy matrix expression over MatrixSymbols of symbolic sizes,
`(A + A.T)*X`, to go on working with in SymPy; an operation SymPy's matrix expressions
cannot state (vec, the commutation matrix K, the diagonal selector E) is refused with a
positioned error that says to give sizes.  With sizes, e.g. `to_sympy({"n": 2, "m": 3})`,
it is an explicit Matrix in the entries (X_0_1, ...), through mdx.expressions.sympy_values.
SymPy is imported only here, and only when it is called.
"""

from __future__ import annotations

from functools import reduce

from ..language.composites import KEPT
from ..language.functions import PER_COLUMN
from ..expressions.kept import kept_prime

from ..expressions import expr as E
from ..errors import UnsupportedError


def to_sympy(der, sizes: dict | None = None):
    try:
        import sympy
    except ImportError:
        raise UnsupportedError("to_sympy needs SymPy", 1,
                               'pip install sympy') from None
    if sizes is not None:
        return _explicit(sympy, der, sizes)
    return SympyMatrixExpr(sympy).value(der.result)


def _explicit(sp, der, sizes: dict):
    from .exact import symbol_values
    from ..expressions.sympy_values import SympyValues
    missing = sorted({d for s in der.symbols.values() for d in s.shape
                      if d != "1" and not d.isdigit() and "*" not in d} - set(sizes))
    if missing:
        raise UnsupportedError(f"to_sympy needs a size for {', '.join(missing)}", 1,
                               "give every dimension, e.g. to_sympy({" +
                               ", ".join(f'"{d}": 2' for d in missing) + "})")
    env = symbol_values(sp, der, sizes)
    return SympyValues(env, sizes).value(der.result)


class SympyMatrixExpr:
    """`value(e)`: an mdx expression as a SymPy (matrix) expression of symbolic sizes."""

    def __init__(self, sp):
        self.sp = sp
        from ..expressions.sympy_values import _elementwise
        self.funcs = _elementwise(sp)
        self.memo: dict = {}

    def dim(self, d: str):
        parts = [self.sp.Integer(int(p)) if p.isdigit() else self.sp.Symbol(p, positive=True,
                                                                              integer=True)
                 for p in d.split("*")]
        return reduce(lambda a, b: a * b, parts)

    def shape(self, e):
        return tuple(self.dim(d) for d in e.shape)

    def value(self, e):
        got = self.memo.get(e)
        if got is None:
            method = getattr(self, "_" + type(e).__name__, None)
            if method is None:
                self._refuse(type(e).__name__)
            got = self.memo[e] = method(e)
        return got

    def _refuse(self, what: str):
        raise UnsupportedError(f"SymPy's matrix expressions have no {what}", 1,
                               "give the sizes for an explicit matrix: der.to_sympy({'n': 2, ...})")

    # ------------------------------------------------------------ leaves
    def _Sym(self, e):
        if e.is_scalar:
            return self.sp.Symbol(e.name, real=True)
        return self.sp.MatrixSymbol(e.name, *self.shape(e))

    def _Num(self, e):
        return self.sp.Rational(e.value.numerator, e.value.denominator)

    def _Zero(self, e):
        return self.sp.Integer(0) if e.is_scalar else self.sp.ZeroMatrix(*self.shape(e))

    def _Identity(self, e):
        return self.sp.Identity(self.dim(e.n))

    def _Ones(self, e):
        return self.sp.OneMatrix(*self.shape(e))

    def _DimSize(self, e):
        return self.dim(e.n)

    def _Commutation(self, e):
        self._refuse("commutation matrix K (vec(Aᵀ) = K vec(A))")

    def _DiagSelector(self, e):
        self._refuse("diagonal selector E (vec(diag(v)) = E v)")

    def _Unvec(self, e):
        self._refuse("unvec (the matrix whose vec is v)")

    # ------------------------------------------------------------ operations
    def _Add(self, e):
        return reduce(lambda a, b: a + b, (self.value(t) for t in e.terms))

    def _as_scalar(self, v):
        """A 1×1 matrix expression (uᵀ v) as the scalar it is: beside a vector in a product,
        SymPy would otherwise multiply it as a matrix (and fold (uᵀ h) h into uᵀ h²)."""
        return self.sp.Trace(v) if getattr(v, "is_Matrix", False) else v

    def _Mul(self, e):
        scalar = reduce(lambda a, b: a * b, (self._as_scalar(self.value(s)) for s in e.scalars),
                        self._Num(E.Num(e.coeff)))
        if not e.chain:
            return scalar
        chain = [self.value(f) for f in e.chain]
        product = chain[0] if len(chain) == 1 else self.sp.MatMul(*chain).doit(deep=False)
        return product if scalar == 1 else scalar * product

    def _T(self, e):
        return self.value(e.arg).T

    def _Pow(self, e):
        base = self.value(e.base)
        if e.base.is_scalar:
            return base ** self._Num(E.Num(e.k))
        return self.sp.Inverse(base) if e.k == -1 else base ** self._Num(E.Num(e.k))

    def _EPow(self, e):
        base = self.value(e.base)
        k = self._Num(E.Num(e.k))
        return base ** k if e.is_scalar else self.sp.HadamardPower(base, k)

    def _Func(self, e):
        if e.bounds and e.primes:                   # a kept f'(u): the expression it prints as
            return self.value(kept_prime(e))
        if e.name in PER_COLUMN:
            raise UnsupportedError(f"{e.name} is a function of each column: SymPy's matrix "
                                   "expressions have no form for it", 1,
                                   "check it numerically (`--verify`)")
        arg = self.value(e.arg)
        fn = self._scalar_function(e)
        if e.is_scalar:                 # of a 1×1 product (g(aᵀ x)): of the scalar it is
            return fn(self._as_scalar(arg))
        return arg.applyfunc(fn)

    def _scalar_function(self, e):
        if e.bounds:                                  # f(u, lo, hi) kept whole
            lo_hi = [self._as_scalar(self.value(b)) for b in e.bounds]
            t = self.sp.Dummy("t")
            return self.sp.Lambda(t, KEPT[e.name].sympy(self.sp, t, *lo_hi))
        if e.defn is not None:                        # where g(t) = body
            return e.defn.sympy_callable(e.primes)
        if e.name in self.funcs and not e.primes:
            return self.funcs[e.name]
        t = self.sp.Dummy("t")                        # an abstract f, or a known one's derivative
        body = self.funcs[e.name](t) if e.name in self.funcs else self.sp.Function(e.name)(t)
        return self.sp.Lambda(t, self.sp.diff(body, t, e.primes) if e.primes else body)

    def _Had(self, e):
        parts = [self.value(f) for f in e.factors]
        return self.sp.HadamardProduct(*parts) if not e.is_scalar else reduce(lambda a, b: a * b, parts)

    def _EDiv(self, e):
        num, den = self.value(e.num), self.value(e.den)
        if e.is_scalar:
            return num / den
        inverse = self.sp.HadamardPower(den, -1)
        return inverse if isinstance(e.num, E.Ones) else self.sp.HadamardProduct(num, inverse)

    def _Kron(self, e):
        return self.sp.KroneckerProduct(self.value(e.a), self.value(e.b))

    def _Apply(self, e):
        if e.name in ("var", "std"):
            return self.value(E.written_variance(e.arg, e.name))
        sp, a = self.sp, e.arg
        v = self.value(a)
        r, c = self.shape(a)
        if e.name == "tr":
            return sp.Trace(v)
        if e.name == "det":
            return sp.Determinant(v)
        if e.name == "logdet":
            return sp.log(sp.Determinant(v))
        if e.name in ("sum", "mean", "norm1", "norm"):
            if e.name == "norm1":
                v = v.applyfunc(sp.Abs)
            if e.name == "norm":
                return sp.sqrt(sp.Trace(v.T * v))
            total = sp.Trace(sp.OneMatrix(c, r) * v)          # tr(1 1ᵀ M) = 1ᵀ M 1
            return total / (r * c) if e.name == "mean" else total
        if e.name == "diagm":
            return sp.DiagMatrix(v)
        if e.name == "diagv":
            return sp.DiagonalOf(v)
        if e.name in ("softmax", "logsumexp"):               # per column
            column_sums = sp.OneMatrix(1, r) * v.applyfunc(sp.exp)
            if e.name == "logsumexp":
                return column_sums.applyfunc(sp.log)
            return sp.HadamardProduct(v.applyfunc(sp.exp),
                                      sp.HadamardPower(sp.OneMatrix(r, 1) * column_sums, -1))
        self._refuse(e.name)
