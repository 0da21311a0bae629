"""mdx expressions as SymPy values: a scalar expression, or an explicit Matrix of
entries, for concrete sizes.  Used by `--verify exact` and by user-defined functions;
SymPy is imported only here (and only when one of those runs).
"""

from __future__ import annotations

from . import expr as E
from ..errors import UnsupportedError
from .dims import concrete_shape
from ..language.composites import KEPT
from ..language.functions import ELEMENTWISE, ELEMENTWISE_FUNCTIONS, PER_COLUMN
from .kept import kept_prime


def _elementwise(sp) -> dict:
    return {f.name: (lambda u, f=f: f.sympy(sp, u)) for f in ELEMENTWISE_FUNCTIONS}


class SympyValues:
    """`value(e)` for an mdx expression, with `env` giving each symbol's SymPy value and
    `sizes` each dimension's number."""

    def __init__(self, env: dict, sizes: dict):
        import sympy
        self.sp = sympy
        self.env, self.sizes = env, sizes
        self.elementwise = _elementwise(sympy)
        self.memo: dict = {}

    # ------------------------------------------------------------ helpers
    def shape(self, e) -> tuple:
        return concrete_shape(e.shape, self.sizes)

    def matrix(self, v, shape):
        """v as a Matrix of `shape` (a scalar broadcast to every entry)."""
        if isinstance(v, self.sp.MatrixBase):
            return v
        return self.sp.Matrix(*shape, lambda i, j: v) if shape != (1, 1) else self.sp.Matrix([[v]])

    def scalar(self, v):
        return v[0, 0] if isinstance(v, self.sp.MatrixBase) else v

    def out(self, e, v):
        """Scalars are plain expressions, everything else a Matrix."""
        if e.shape == E.SCALAR:
            return self.scalar(v)
        return self.matrix(v, self.shape(e))

    def entrywise(self, v, fn):
        return v.applyfunc(fn) if isinstance(v, self.sp.MatrixBase) else fn(v)

    # ------------------------------------------------------------ evaluation
    def value(self, e):
        got = self.memo.get(e)
        if got is None:
            got = self.memo[e] = self.out(e, getattr(self, "_" + type(e).__name__)(e))
        return got

    def _Sym(self, e):
        if e.name not in self.env:
            raise UnsupportedError(f"no value for {e.name}", 1)
        return self.env[e.name]

    def _Num(self, e):
        return self.sp.Rational(e.value.numerator, e.value.denominator)

    def _Zero(self, e):
        return self.sp.zeros(*self.shape(e))

    def _Identity(self, e):
        return self.sp.eye(self.shape(e)[0])

    def _Ones(self, e):
        return self.sp.ones(*self.shape(e))

    def _DimSize(self, e):
        return self.sp.Integer(concrete_shape((e.n, "1"), self.sizes)[0])

    def _Commutation(self, e):
        r, s = concrete_shape((e.r, e.s), self.sizes)
        K = self.sp.zeros(r * s, r * s)
        for i in range(r):
            for j in range(s):      # vec(Aᵀ)[j + s i] = vec(A)[i + r j]
                K[j + s * i, i + r * j] = 1
        return K

    def _DiagSelector(self, e):
        n = self.shape(e)[1]
        S = self.sp.zeros(n * n, n)
        for i in range(n):
            S[i * n + i, i] = 1
        return S

    def _Add(self, e):
        shape = self.shape(e)
        total = None
        for t in e.terms:
            v = self.value(t)
            if e.shape != E.SCALAR:
                v = self.matrix(v, shape)
            total = v if total is None else total + v
        return total

    def _Mul(self, e):
        c = self._Num(E.Num(e.coeff))
        for s in e.scalars:
            c = c * self.scalar(self.value(s))
        if not e.chain:
            return c
        prod = None
        for f in e.chain:
            v = self.matrix(self.value(f), self.shape(f))
            prod = v if prod is None else prod * v
        return c * prod

    def _T(self, e):
        v = self.value(e.arg)
        return v.T if isinstance(v, self.sp.MatrixBase) else v

    def _Pow(self, e):
        v = self.value(e.base)
        k = self._Num(E.Num(e.k))
        if not isinstance(v, self.sp.MatrixBase):
            return v ** k
        return v.inv() if e.k == -1 else v ** int(e.k)

    def _EPow(self, e):
        k = self._Num(E.Num(e.k))
        return self.entrywise(self.value(e.base), lambda u: u ** k)

    def _Func(self, e):
        if e.bounds:                                # f(u, lo, hi) kept whole, or f'
            if e.primes:
                return self.value(kept_prime(e))
            lo_hi = [self.value(b) for b in e.bounds]
            return self.entrywise(self.value(e.arg),
                                  lambda u: KEPT[e.name].sympy(self.sp, u, *lo_hi))
        if e.name in PER_COLUMN:                    # a function of each column
            v = self.value(e.arg)
            v = v if isinstance(v, self.sp.MatrixBase) else self.sp.Matrix([[v]])
            columns = [ELEMENTWISE[e.name].sympy(self.sp, list(v.col(j))) for j in range(v.cols)]
            out = self.sp.Matrix(v.rows, v.cols, lambda i, j: columns[j][i])
            return out[0, 0] if e.is_scalar else out
        fn = e.defn.sympy_callable(e.primes) if e.defn is not None else self.function(e.name, e.primes)
        return self.entrywise(self.value(e.arg), fn)

    def function(self, name: str, primes: int):
        if primes or name not in self.elementwise:
            raise UnsupportedError(f"{name} is an abstract function: SymPy has no body to "
                                   "differentiate", 1, f"define it, e.g. `where {name}(t) = ...`")
        return self.elementwise[name]

    def _Had(self, e):
        out = None
        for f in e.factors:
            v = self.value(f)
            if out is None:
                out = v
            elif isinstance(out, self.sp.MatrixBase) and isinstance(v, self.sp.MatrixBase):
                out = out.multiply_elementwise(v)
            else:
                out = out * v
        return out

    def _EDiv(self, e):
        shape = self.shape(e)
        a, b = self.value(e.num), self.value(e.den)
        if e.shape == E.SCALAR:
            return a / b
        a, b = self.matrix(a, shape), self.matrix(b, shape)
        return self.sp.Matrix(*shape, lambda i, j: a[i, j] / b[i, j])

    def _Kron(self, e):
        from sympy import kronecker_product
        a = self.matrix(self.value(e.a), self.shape(e.a))
        b = self.matrix(self.value(e.b), self.shape(e.b))
        return kronecker_product(a, b)

    def _Apply(self, e):
        sp = self.sp
        v = self.value(e.arg)
        M = self.matrix(v, self.shape(e.arg))
        name = e.name
        if name == "tr":
            return M.trace()
        if name == "det":
            return M.det(method="berkowitz")
        if name == "logdet":
            return sp.log(M.det(method="berkowitz"))
        if name == "sum":
            return sum(M)
        if name == "mean":
            return sum(M) / len(M)
        if name in ("var", "std"):
            v = sum((u - sum(M) / len(M)) ** 2 for u in M) / len(M)
            return sp.sqrt(v) if name == "std" else v
        if name == "norm":
            return sp.sqrt(sum(u ** 2 for u in M))
        if name == "norm1":
            return sum(sp.Abs(u) for u in M)
        if name == "softmax":
            ex = M.applyfunc(sp.exp)
            return sp.Matrix(*M.shape, lambda i, j: ex[i, j] / sum(ex[:, j]))
        if name == "logsumexp":
            return sp.Matrix(1, M.shape[1], lambda i, j: sp.log(sum(M[:, j].applyfunc(sp.exp))))
        if name == "diagm":
            return sp.diag(*list(M))
        if name == "diagv":
            return sp.Matrix([M[i, i] for i in range(M.shape[0])])
        if name == "vec":
            return sp.Matrix(list(M.T))         # column-major: the columns stacked
        raise UnsupportedError(f"{name} has no SymPy form", 1)

    def _Unvec(self, e):
        r, c = self.shape(e)
        v = self.matrix(self.value(e.arg), (r * c, 1))
        return self.sp.Matrix(r, c, lambda i, j: v[i + r * j])      # column-major, as vec

    def _D(self, e):
        raise UnsupportedError("a differential has no SymPy value", 1)
