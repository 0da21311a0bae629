"""The typer's tables: known names and properties, dimensions to unify (a union-find over
size variables), a symbol's entry, the typed problem, and positioned errors."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import expr as E
from .dims import ONE
from .syntax import Node


FUNCTIONS = ("tr", "det", "logdet", "sum", "mean", "norm", "norm1", "ones", "exp", "log", "sin",
             "cos", "tanh", "sigmoid",
             "σ", "sqrt", "relu", "softplus", "abs", "sign", "step", "softmax", "logsumexp", "inv",
             "diag", "vec", "kron")
# names in the symbol table that are not variables of the problem
NOT_SYMBOLS = ("function", "identity", "size", "commutation")
PROPS = ("symmetric", "spd", "diagonal", "orthogonal", "invertible", "square")
SQUARE_PROPS = set(PROPS)

SIZE_WORD = re.compile(r"^([0-9]+|[A-Za-z][A-Za-z0-9_]*)$")


# ----------------------------------------------------------------- dimension unification
@dataclass
class Dims:
    """Union-find over dimension terms: variables '?k', constants ('1', '3', 'n'),
    and products ('*', a, b) for vec and Kronecker sizes."""
    parent: dict = field(default_factory=dict)
    count: int = 0

    def new(self) -> str:
        self.count += 1
        return f"?{self.count}"

    def new_flexible(self) -> str:
        """A size that may turn out to be 1 (a ones vector's: `X 1` for an n×1 X)."""
        self.count += 1
        return f"?o{self.count}"

    def find(self, d):
        if isinstance(d, tuple):
            return ("*",) + tuple(self.find(x) for x in d[1:])
        root = d
        while root in self.parent:
            root = self.parent[root]
        while d != root:                # path compression: a long sum chains its sizes
            self.parent[d], d = root, self.parent[d]
        return root

    def unify(self, a, b) -> bool:
        a, b = self.find(a), self.find(b)
        if a == b:
            return True
        if isinstance(b, str) and b.startswith("?o") and isinstance(a, str) and a.startswith("?") \
                and not a.startswith("?o"):
            a, b = b, a                 # a flexible size follows a symbol's, never the reverse
        if isinstance(a, str) and a.startswith("?"):
            if b == ONE and not a.startswith("?o"):
                return False            # a symbol's free size never collapses to 1
            if isinstance(b, tuple):
                factors = self.flat(b)
                if a in factors:        # n = n·m would need m = 1: not a size we infer
                    return False
                b = factors[0] if len(factors) == 1 else b
            self.parent[a] = b
            return True
        if isinstance(b, str) and b.startswith("?"):
            return self.unify(b, a)
        if isinstance(a, tuple) or isinstance(b, tuple):
            if self.flat(a) == self.flat(b):
                return True
            if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
                return all(self.unify(x, y) for x, y in zip(a[1:], b[1:]))
            return False
        return False

    def prod(self, *ds):
        """The size a·b·…, without factors of 1 (vec of an n×1 vector has n entries)."""
        ds = tuple(d for d in ds if self.find(d) != ONE)
        return ONE if not ds else ds[0] if len(ds) == 1 else ("*",) + ds

    def flat(self, d):
        d = self.find(d)
        if isinstance(d, tuple):
            return tuple(sorted(x for p in d[1:] for x in self.flat(p) if x != ONE))
        return () if d == ONE else (d,)

    def is_one(self, d) -> bool:
        return self.flat(d) == ()


@dataclass
class SymbolInfo:
    name: str
    kind: str                     # scalar, vector, row, matrix, function, identity
    shape: tuple = (ONE, ONE)
    props: set = field(default_factory=set)
    declared: bool = False


@dataclass
class Typed:
    """The result of typing a problem: the expression, the variable, the symbols."""
    expr: E.Expr
    var: E.Sym
    symbols: dict                 # name -> Sym (in order of appearance)
    functions: set
    sizes: list = field(default_factory=list)   # declared sizes used as numbers (x / n)
    user_functions: dict = field(default_factory=dict)  # name -> UserFunction
    notes: list = field(default_factory=list)   # how practitioners' spellings were read (SPEC 9)


def error_at(cls, msg, node_or_start, hint="", end=None):
    if isinstance(node_or_start, Node):
        start, end = node_or_start.start, node_or_start.end
    else:
        start = node_or_start
    return cls(msg, start + 1, hint, width=max(1, (end or start + 1) - start))


CONSTRAINTS = frozenset({"symmetric", "spd", "diagonal", "orthogonal"})
# operators of the product level, which group to the left (SPEC 3 and 7)
LEFT_ASSOC = frozenset({"matmul", "div", "hadamard", "ediv", "kron"})
