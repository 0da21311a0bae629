"""The same function as a SymPy matrix expression, for SymPy's `MatrixSymbol.diff`.

Translates mdx's typed expression (mdx.expr) node by node; a construct SymPy has no
matrix-expression form for (elementwise functions of matrices, norms of matrices,
softmax, Kronecker factors of a variable, ...) raises NotExpressible and the problem is
left out of the comparison.
"""

from __future__ import annotations

from fractions import Fraction


class NotExpressible(Exception):
    pass


def to_sympy(e, dims: dict):
    """(sympy expression) for an mdx expression; `dims` maps size names to SymPy symbols."""
    import sympy as sp
    from mdx.expressions import expr as E

    def size(d):
        out = sp.Integer(1)
        for part in str(d).split("*"):
            out *= sp.Integer(int(part)) if part.isdigit() else dims.setdefault(part, sp.Symbol(part))
        return out

    def go(x):
        if isinstance(x, E.Sym):
            if x.is_scalar:
                return sp.Symbol(x.name)
            return sp.MatrixSymbol(x.name, size(x.rows), size(x.cols))
        if isinstance(x, E.Num):
            v = Fraction(x.value)
            return sp.Rational(v.numerator, v.denominator)
        if isinstance(x, E.Identity):
            return sp.Identity(size(x.n))
        if isinstance(x, E.Zero):
            return sp.ZeroMatrix(size(x.rows), size(x.cols)) if not x.is_scalar else sp.Integer(0)
        if isinstance(x, E.Ones):
            return sp.OneMatrix(size(x.rows), size(x.cols))
        if isinstance(x, E.Add):
            return sp.Add(*(go(t) for t in x.terms)) if x.is_scalar else sp.MatAdd(*(go(t) for t in x.terms))
        if isinstance(x, E.Mul):
            coeff = go(E.Num(x.coeff))
            scal = [go(s) for s in x.scalars]
            chain = [go(c) for c in x.chain]
            if x.is_scalar and chain:      # a 1×1 product: its trace, as one writes it in SymPy
                return coeff * sp.Mul(*scal) * sp.Trace(sp.MatMul(*chain))
            if not chain:
                return coeff * sp.Mul(*scal)
            return sp.MatMul(coeff * sp.Mul(*scal), *chain) if (coeff != 1 or scal) else sp.MatMul(*chain)
        if isinstance(x, E.T):
            return sp.Transpose(go(x.arg))
        if isinstance(x, E.Pow):
            base = go(x.base)
            k = x.k
            if Fraction(k).denominator != 1:
                raise NotExpressible("fractional power")
            if x.is_scalar:
                return base ** int(k)
            return sp.Inverse(base) if k == -1 else sp.MatPow(base, int(k))
        if isinstance(x, E.Had):
            return sp.HadamardProduct(*(go(f) for f in x.factors))
        if isinstance(x, E.Kron):
            return sp.kronecker_product(go(x.a), go(x.b))
        if isinstance(x, E.Apply):
            a = go(x.arg)
            if x.name == "tr":
                return sp.Trace(a)
            if x.name == "det":
                return sp.Determinant(a)
            if x.name == "logdet":
                return sp.log(sp.Determinant(a))
            if x.name == "sum":
                r, c = a.shape
                return sp.Trace(sp.OneMatrix(1, r) * a * sp.OneMatrix(c, 1))
            if x.name == "norm" and x.arg.cols == "1":
                return sp.sqrt(sp.Trace(sp.Transpose(a) * a))
            raise NotExpressible(x.name)
        if isinstance(x, E.Func) and x.is_scalar and not x.primes and x.name in ("exp", "log", "sin", "cos", "tanh", "sqrt"):
            return getattr(sp, x.name)(go(x.arg))
        raise NotExpressible(type(x).__name__)

    return go(e)


def sympy_problem(problem: str):
    """(function, variable) as SymPy objects for an mdx problem, or NotExpressible."""
    from mdx.language.parser import parse
    from mdx.shapes.typer import type_problem
    parsed = parse(problem)
    if parsed.order != 1:
        raise NotExpressible("second derivative")
    typed = type_problem(parsed)
    if typed.var.props:
        raise NotExpressible("structured variable")
    dims: dict = {}
    f = to_sympy(typed.expr, dims)
    var = to_sympy(typed.var, dims)
    return f, var
