"""Typed, immutable expression nodes and their smart constructors.

Every node knows its shape (a pair of dimensions, see mdx.dims).  Build nodes
through the smart constructors of mdx.construct (`add`, `mul`, `transpose`, ...),
re-exported here so that `expr.add(...)` reads naturally.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property

from .dims import ONE, dim_mul
from .limits import charge

Shape = tuple  # (rows, cols), each a dimension string

SCALAR = (ONE, ONE)


def node(cls):
    """An immutable expression node: `@dataclass(frozen=True, eq=False, repr=False)` in
    effect (fields from the annotations, defaults from the class), built with one small
    compiled __init__ per class, because dataclass's machinery cost 5 ms of every start."""
    names = tuple(n for n in cls.__dict__.get("__annotations__", {}))
    params, body, env = [], [], {}
    for n in names:
        if n in cls.__dict__:
            env[f"_d_{n}"] = cls.__dict__[n]
            params.append(f"{n}=_d_{n}")
        else:
            params.append(n)
        body.append(f"    d[{n!r}] = {n}\n")
    src = f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n{''.join(body)}" \
          "    self.__post_init__()\n"
    exec(src, env)
    cls.__init__ = env["__init__"]
    cls._fields = names
    return cls


class Expr:
    """Base class: structural equality and hashing through a cached key."""

    _fields: tuple = ()         # set by @node

    def __post_init__(self):
        charge()                        # every node built is a unit of a derivation's work

    def __setattr__(self, name, value):
        raise AttributeError(f"{type(self).__name__} is immutable: build a new node")

    def __delattr__(self, name):
        raise AttributeError(f"{type(self).__name__} is immutable: build a new node")

    @cached_property
    def key(self) -> tuple:
        return (type(self).__name__,) + tuple(
            _field(getattr(self, name), "key") for name in self._fields)

    def __eq__(self, other):
        if self is other:
            return True
        if type(self) is not type(other):
            return False
        charge()                        # simplification's comparisons are work too
        return self.key == other.key

    def __hash__(self):
        return self._hash

    @cached_property
    def _hash(self) -> int:
        # From the children's cached hashes: hashing the nested key would walk the whole
        # subtree for every new node (quadratic in a deep derivation's steps).
        return hash((type(self).__name__,) + tuple(_field(getattr(self, n), "_hash") for n in self._fields))

    @cached_property
    def free(self) -> frozenset:
        """Names of the symbols (and differentials) this expression contains."""
        out = frozenset()
        for c in self.children():
            out |= c.free
        return out

    def children(self) -> tuple:
        return ()

    def rebuild(self, kids: tuple) -> "Expr":
        """The same node over new children, through the smart constructors."""
        return self

    @property
    def rows(self):
        return self.shape[0]

    @property
    def cols(self):
        return self.shape[1]

    @property
    def is_scalar(self) -> bool:
        return self.shape == SCALAR

    def __repr__(self):
        from .printers.text import to_text
        return to_text(self)

    def _repr_latex_(self) -> str:
        """Jupyter renders `der.result` (any expression) as LaTeX."""
        from .printers.latex import to_latex
        return f"${to_latex(self)}$"


def _field(v, part: str):
    """A field's `key` or `_hash`: the node's own for a node, element-wise for a tuple."""
    if isinstance(v, Expr):
        return getattr(v, part)
    if isinstance(v, tuple):
        return tuple(_field(x, part) for x in v)
    return v


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

    @property
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

    @property
    def shape(self):
        n = dim_mul(self.r, self.s)
        return (n, n)


@node
class DiagSelector(Expr):
    """E (n² × n) with vec(diag(v)) = E v and diag(M) = Eᵀ vec(M)."""
    n: str

    @property
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

    @property
    def shape(self):
        return self.terms[0].shape

    def children(self):
        return self.terms

    def rebuild(self, kids):
        return add(*kids)


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

    def rebuild(self, kids):
        n = len(self.scalars)
        return mul(Num(self.coeff), *kids[:n], *kids[n:])


@node
class T(Expr):
    arg: Expr

    @property
    def shape(self):
        return (self.arg.cols, self.arg.rows)

    def children(self):
        return (self.arg,)

    def rebuild(self, kids):
        return transpose(kids[0])


@node
class Pow(Expr):
    """Integer power of a square matrix (k = -1 is the inverse) or any power of a scalar."""
    base: Expr
    k: Fraction

    @property
    def shape(self):
        return self.base.shape

    def children(self):
        return (self.base,)

    def rebuild(self, kids):
        return power(kids[0], self.k)


@node
class EPow(Expr):
    """Elementwise power X.^k of a vector or matrix by a number (SPEC 8)."""
    base: Expr
    k: Fraction

    @property
    def shape(self):
        return self.base.shape

    def children(self):
        return (self.base,)

    def rebuild(self, kids):
        return epower(kids[0], self.k)


@node
class Func(Expr):
    """Elementwise function; `primes` counts derivatives of an abstract function, and
    `defn` is a user-defined function's definition (mdx.userfunc.UserFunction)."""
    name: str
    arg: Expr
    primes: int = 0
    defn: object = None

    @property
    def shape(self):
        return self.arg.shape

    def children(self):
        return (self.arg,)

    def rebuild(self, kids):
        return func(self.name, kids[0], self.primes, self.defn)


@node
class Had(Expr):
    """Hadamard (elementwise) product."""
    factors: tuple

    @property
    def shape(self):
        return self.factors[0].shape

    def children(self):
        return self.factors

    def rebuild(self, kids):
        return hadamard(*kids)


@node
class EDiv(Expr):
    """Elementwise division num ./ den."""
    num: Expr
    den: Expr

    @property
    def shape(self):
        return self.num.shape if not self.num.is_scalar else self.den.shape

    def children(self):
        return (self.num, self.den)

    def rebuild(self, kids):
        return ediv(*kids)


@node
class Kron(Expr):
    a: Expr
    b: Expr

    @property
    def shape(self):
        return (dim_mul(self.a.rows, self.b.rows), dim_mul(self.a.cols, self.b.cols))

    def children(self):
        return (self.a, self.b)

    def rebuild(self, kids):
        return kron(*kids)


@node
class Apply(Expr):
    """A structural function of one argument: tr, det, logdet, sum, mean, norm, norm1,
    softmax and logsumexp (per column), diagm (vector -> diagonal matrix),
    diagv (matrix -> vector), vec."""
    name: str
    arg: Expr

    @property
    def shape(self):
        a = self.arg
        if self.name in ("tr", "det", "logdet", "sum", "mean", "norm", "norm1"):
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

    def rebuild(self, kids):
        return apply(self.name, kids[0])


@node
class D(Expr):
    """An unevaluated differential d(arg) with respect to `var` (used in steps)."""
    arg: Expr
    var: Expr

    @property
    def shape(self):
        return self.arg.shape

    def children(self):
        return (self.arg,)

    def rebuild(self, kids):
        return D(kids[0], self.var)

    @cached_property
    def free(self):
        return self.arg.free | {"d" + self.var.name}


# ----------------------------------------------------------------- predicates
def is_const(e: Expr, name: str) -> bool:
    return name not in e.free


def is_vector_shape(shape) -> bool:
    return shape[1] == ONE or shape[0] == ONE


def is_zero(e: Expr) -> bool:
    return isinstance(e, Zero) or (isinstance(e, Num) and e.value == 0)


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


# The constructors live in mdx.construct; imported last because they build these nodes.
from .construct import (  # noqa: E402,F401
    ELEMENTWISE,
    ONE_SCALAR,
    ZERO_SCALAR,
    add,
    apply,
    commutation,
    ediv,
    entry_count,
    epower,
    func,
    hadamard,
    identity,
    inverse,
    kron,
    mul,
    neg,
    num,
    ones,
    power,
    scale,
    split_coeff,
    sub,
    substitute,
    transpose,
    zero,
)

__all__ = [
    "Sym", "Num", "Zero", "Identity", "Ones", "Commutation", "DiagSelector", "DimSize", "Add",
    "Mul", "T", "Pow", "EPow", "Func", "Had", "EDiv", "Kron", "Apply", "D", "is_const",
    "is_vector_shape", "is_zero", "is_symmetric", "SCALAR", "Shape", "ELEMENTWISE",
    "ONE_SCALAR", "ZERO_SCALAR", "add", "apply", "commutation", "ediv", "entry_count", "epower", "func", "hadamard",
    "identity", "inverse", "kron", "mul", "neg", "num", "ones", "power", "scale", "split_coeff",
    "sub", "substitute", "transpose", "zero",
]
