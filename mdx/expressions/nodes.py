"""Typed, immutable expression nodes.

Every node knows its shape (a pair of dimensions, see mdx.expressions.dims).  Nodes are built
through the smart constructors of mdx.expressions.construct and mdx.expressions.operators (`add`, `mul`,
`hadamard`, ...); mdx.expressions.expr gathers them in one namespace.  This module imports neither the
constructors nor the printers: mdx.expressions.operators.rebuild builds a node over new
children, and mdx.expressions.expr gives nodes their printed forms.
"""

from __future__ import annotations

from fractions import Fraction

from .dims import ONE, dim_mul
from .node_base import SCALAR, Expr, Shape, cached_property, node


# ----------------------------------------------------------------- leaves
@node
class Sym(Expr):
    """A named symbol. kind: scalar, vector, row, matrix; `diff` marks a differential dX."""
    name: str
    shape: Shape
    kind: str = "matrix"
    props: frozenset = frozenset()
    diff: bool = False

    @cached_property
    def free(self):
        return frozenset((self.name,))


@node
class Num(Expr):
    value: Fraction
    shape: Shape = SCALAR


@node
class Zero(Expr):
    shape: Shape


@node
class Identity(Expr):
    n: str

    @cached_property
    def shape(self):
        return (self.n, self.n)


@node
class Ones(Expr):
    """A vector or matrix of ones (printed `1`); broadcasts a scalar."""
    shape: Shape


@node
class Commutation(Expr):
    """K with vec(A^T) = K vec(A) for A of size r x s."""
    r: str
    s: str

    @cached_property
    def shape(self):
        n = dim_mul(self.r, self.s)
        return (n, n)


@node
class DiagSelector(Expr):
    """E (n² × n) with vec(diag(v)) = E v and diag(M) = Eᵀ vec(M)."""
    n: str

    @cached_property
    def shape(self):
        return (dim_mul(self.n, self.n), self.n)


@node
class DimSize(Expr):
    """The size n of a dimension, as a scalar (Σ_k 1 = n)."""
    n: str
    shape: Shape = SCALAR


# ----------------------------------------------------------------- compound nodes
@node
class Add(Expr):
    terms: tuple

    @cached_property
    def shape(self):
        return self.terms[0].shape

    def children(self):
        return self.terms



@node
class Mul(Expr):
    """coeff * (scalar factors) * (conformable chain of matrices)."""
    coeff: Fraction
    scalars: tuple
    chain: tuple

    @cached_property
    def shape(self):
        if not self.chain:
            return SCALAR
        return (self.chain[0].rows, self.chain[-1].cols)

    def children(self):
        return self.scalars + self.chain



@node
class T(Expr):
    arg: Expr

    @cached_property
    def shape(self):
        return (self.arg.cols, self.arg.rows)

    def children(self):
        return (self.arg,)



@node
class Pow(Expr):
    """Integer power of a square matrix (k = -1 is the inverse) or any power of a scalar."""
    base: Expr
    k: Fraction

    @cached_property
    def shape(self):
        return self.base.shape

    def children(self):
        return (self.base,)



@node
class EPow(Expr):
    """Elementwise power X.^k of a vector or matrix by a number (SPEC 8)."""
    base: Expr
    k: Fraction

    @cached_property
    def shape(self):
        return self.base.shape

    def children(self):
        return (self.base,)



@node
class Func(Expr):
    """Elementwise function; `primes` counts derivatives of an abstract function, and
    `defn` is a user-defined function's definition (mdx.expressions.userfunc.UserFunction).
    `bounds` are the scalar parameters of a function kept whole with them, f(u, lo, hi)
    (mdx.language.composites.Kept); they are children, so every walk sees them."""
    name: str
    arg: Expr
    primes: int = 0
    defn: object = None
    bounds: tuple = ()

    @cached_property
    def shape(self):
        return self.arg.shape

    def children(self):
        return (self.arg, *self.bounds)



@node
class Had(Expr):
    """Hadamard (elementwise) product."""
    factors: tuple

    @cached_property
    def shape(self):
        return self.factors[0].shape

    def children(self):
        return self.factors



@node
class EDiv(Expr):
    """Elementwise division num ./ den."""
    num: Expr
    den: Expr

    @cached_property
    def shape(self):
        return self.num.shape if not self.num.is_scalar else self.den.shape

    def children(self):
        return (self.num, self.den)



@node
class Kron(Expr):
    a: Expr
    b: Expr

    @cached_property
    def shape(self):
        return (dim_mul(self.a.rows, self.b.rows), dim_mul(self.a.cols, self.b.cols))

    def children(self):
        return (self.a, self.b)



@node
class Apply(Expr):
    """A structural function of one argument: tr, det, logdet, sum, mean, var, std, norm,
    norm1, softmax and logsumexp (per column), diagm (vector -> diagonal matrix),
    diagv (matrix -> vector), vec.  var and std (population, of all entries) are only ever
    printed: a result's written-out variance (mdx.simplification.means.variance)."""
    name: str
    arg: Expr

    @cached_property
    def shape(self):
        a = self.arg
        if self.name in ("tr", "det", "logdet", "sum", "mean", "var", "std", "norm", "norm1"):
            return SCALAR
        if self.name == "logsumexp":                # a row: one logsumexp per column
            return (ONE, a.cols)
        if self.name == "diagm":
            return (a.rows, a.rows)
        if self.name == "diagv":
            return (a.rows, ONE)
        if self.name == "vec":
            return (dim_mul(a.rows, a.cols), ONE)
        return a.shape                              # softmax

    def children(self):
        return (self.arg,)



@node
class Unvec(Expr):
    """unvec(v): the matrix of `shape` whose vec (columns stacked) is the column v.  Its
    own node, since no size arithmetic recovers the rows and columns from v's length."""
    arg: Expr
    shape: Shape

    def children(self):
        return (self.arg,)



@node
class D(Expr):
    """An unevaluated differential d(arg) with respect to `var` (used in steps)."""
    arg: Expr
    var: Expr

    @cached_property
    def shape(self):
        return self.arg.shape

    def children(self):
        return (self.arg,)


    @cached_property
    def free(self):
        several = self.var if isinstance(self.var, tuple) else (self.var,)
        return self.arg.free | {"d" + v.name for v in several}


# ----------------------------------------------------------------- predicates
def is_const(e: Expr, name: str) -> bool:
    return name not in e.free


def is_vector_shape(shape) -> bool:
    return shape[1] == ONE or shape[0] == ONE


def is_zero(e: Expr) -> bool:
    return isinstance(e, Zero) or (isinstance(e, Num) and e.value == 0)
