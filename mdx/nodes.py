"""Typed, immutable expression nodes.

Every node knows its shape (a pair of dimensions, see mdx.dims).  Nodes are built
through the smart constructors of mdx.construct (`add`, `mul`, `transpose`, ...); mdx.expr
gathers both in one namespace.  This module imports neither the constructors nor the
printers: `rebuild`, `repr` and the sort order of commutative operands go through HOOKS,
which mdx.construct and mdx.printers fill in.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property

from .dims import ONE, dim_mul
from .limits import charge

Shape = tuple  # (rows, cols), each a dimension string

SCALAR = (ONE, ONE)


class HOOKS:
    """Filled in from outside: mdx.construct sets `build` (constructor name -> function),
    mdx.printers.text sets `text`, mdx.printers.latex sets `latex`."""
    build: dict = {}
    text = None
    latex = None
    head = None         # the first characters of the text, for a readable order of operands


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
    def order(self) -> tuple:
        """A total order from the structure, for operands that commute: made from the
        children's (cheap to build at every node), and compared, it stops at the first
        difference, where sorting by printed text copied whole subtrees' text."""
        return (type(self).__name__,) + tuple(_ordered(getattr(self, n)) for n in self._fields)

    @cached_property
    def size(self) -> int:
        """Nodes in the tree, a shared subtree counted at each use: the printed length in
        tokens, roughly, known without printing."""
        return 1 + sum(k.size for k in self.children())

    @cached_property
    def free(self) -> frozenset:
        """Names of the symbols (and differentials) this expression contains.  The largest
        child's set is reused when it holds the others: a deep network names every layer's
        weights, and a new set per node cost time quadratic in the depth."""
        sets = [c.free for c in self.children()]
        if not sets:
            return frozenset()
        big = max(sets, key=len)
        if all(s is big or s <= big for s in sets):
            return big
        return big.union(*sets)

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
        if HOOKS.text is None:                       # only before mdx.expr is imported
            return f"{type(self).__name__}{self.key[1:]}"
        return HOOKS.text(self)

    def _repr_latex_(self) -> str:
        """Jupyter renders `der.result` (any expression) as LaTeX."""
        return f"${HOOKS.latex(self)}$"


def _ordered(v) -> tuple:
    """A field as something every other field value compares with."""
    if isinstance(v, Expr):
        return (1, v.order)
    if isinstance(v, tuple):
        return (2, tuple(_ordered(x) for x in v))
    if isinstance(v, str):
        return (3, v)
    if isinstance(v, (int, Fraction)):
        return (4, v)
    if isinstance(v, frozenset):
        return (5, tuple(sorted(v)))
    if v is None:
        return (0,)
    return (6, _ordered(getattr(v, "name", "")), _ordered(getattr(v, "body", None)))  # a UserFunction


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
        return HOOKS.build['add'](*kids)


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
        return HOOKS.build['mul'](Num(self.coeff), *kids[:n], *kids[n:])


@node
class T(Expr):
    arg: Expr

    @property
    def shape(self):
        return (self.arg.cols, self.arg.rows)

    def children(self):
        return (self.arg,)

    def rebuild(self, kids):
        return HOOKS.build['transpose'](kids[0])


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
        return HOOKS.build['power'](kids[0], self.k)


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
        return HOOKS.build['epower'](kids[0], self.k)


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
        return HOOKS.build['func'](self.name, kids[0], self.primes, self.defn)


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
        return HOOKS.build['hadamard'](*kids)


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
        return HOOKS.build['ediv'](*kids)


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
        return HOOKS.build['kron'](*kids)


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
        return HOOKS.build['apply'](self.name, kids[0])


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
