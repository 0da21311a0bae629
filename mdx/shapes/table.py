"""The typer's tables: known names and properties, dimensions to unify (a union-find over
size variables), a symbol's entry, the typed problem, and positioned errors."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..expressions import expr as E
from ..expressions.dims import ONE
from ..bounds.limits import MAX_SIZE_FACTORS, charge, size_error
from ..language.functions import function_names
from ..language.syntax import error_at  # noqa: F401 - the shapes modules' too


FUNCTIONS = function_names()       # the language's, from mdx.language.functions
# names in the symbol table that are not variables of the problem
NOT_SYMBOLS = ("function", "identity", "size", "commutation", "selector")
SQUARE_PROPS = {"symmetric", "spd", "diagonal", "orthogonal", "invertible", "square"}
# `distribution`: entries sum to one (each column of a matrix), a vector or a matrix of any shape
PROPS = ("symmetric", "spd", "diagonal", "orthogonal", "invertible", "square", "distribution",
         "onehot")
PROP_ALIASES = {"onehot": "distribution"}     # the same for the simplifier

SIZE_WORD = re.compile(r"^([0-9]+|[A-Za-z][A-Za-z0-9_]*)$")


# ----------------------------------------------------------------- dimension unification
@dataclass
class Dims:
    """Union-find over dimension terms: variables '?k', constants ('1', '3', 'n'),
    and products ('*', a, b) for vec and Kronecker sizes.

    A product term shares its factors' terms (a chain of n Kronecker products is n terms,
    not n² factors), and finding or flattening one is remembered, by the term's identity,
    until a unification changes what the variables stand for: without that, each find
    rebuilt the whole nested term and a chain of 250 factors took 8 s to type (n³).  A
    product of more than MAX_SIZE_FACTORS sizes is refused (SizeLimitError)."""
    parent: dict = field(default_factory=dict)
    count: int = 0
    _found: dict = field(default_factory=dict, repr=False)   # id(term) -> (term, its root)
    _flat: dict = field(default_factory=dict, repr=False)    # id(root) -> (root, factors)

    def new(self) -> str:
        self.count += 1
        return f"?{self.count}"

    def new_flexible(self) -> str:
        """A size that may turn out to be 1 (a ones vector's: `X 1` for an n×1 X)."""
        self.count += 1
        return f"?o{self.count}"

    def find(self, d):
        if isinstance(d, tuple):
            got = self._found.get(id(d))
            if got is not None:
                return got[1]
            charge()
            kids = tuple(self.find(x) for x in d[1:])
            root = d if all(k is x for k, x in zip(kids, d[1:])) else ("*",) + kids
            self._found[id(d)] = (d, root)        # the term is kept, so its id stays its own
            self._found[id(root)] = (root, root)
            return root
        root = d
        while root in self.parent:
            root = self.parent[root]
        while d != root:                # path compression: a long sum chains its sizes
            self.parent[d], d = root, self.parent[d]
        return root

    def _link(self, a: str, b) -> None:
        """Variable a stands for b from now on: what was remembered may have changed."""
        self.parent[a] = b
        self._found.clear()
        self._flat.clear()

    def unify(self, a, b) -> bool:
        charge()        # typing is work too: a problem may be typed again for each reading
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
            self._link(a, b)
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
        out = ONE if not ds else ds[0] if len(ds) == 1 else ("*",) + ds
        self.flat(out)                  # SizeLimitError beyond MAX_SIZE_FACTORS
        return out

    def flat(self, d):
        """The factors of d other than 1, sorted."""
        d = self.find(d)
        if not isinstance(d, tuple):
            return () if d == ONE else (d,)
        got = self._flat.get(id(d))
        if got is not None:
            return got[1]
        parts = [self.flat(x) for x in d[1:]]
        if sum(map(len, parts)) > MAX_SIZE_FACTORS:
            raise size_error(sum(map(len, parts)))
        out = tuple(sorted(x for p in parts for x in p))
        numbers = [x for x in out if isinstance(x, str) and x.isdigit()]
        if len(numbers) > 1:            # 3·3 is 9, as the expressions' dim_mul writes it
            count = math.prod(int(x) for x in numbers)
            out = tuple(sorted([str(count)] + [x for x in out if x not in numbers]))
        self._flat[id(d)] = (d, out)
        return out

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
    variables: list = field(default_factory=list)   # every variable written after `/`, in order
    recognised: bool = False      # a form of expr was read as a named function (softmax)


CONSTRAINTS = frozenset({"symmetric", "spd", "diagonal", "orthogonal", "distribution"})
# operators of the product level, which group to the left (SPEC 3 and 7)
LEFT_ASSOC = frozenset({"matmul", "div", "hadamard", "ediv", "kron"})
# operators written after an atom: ^T, ^2, ^{-1}, ' (postfix) and .^ (epow)
POSTFIX = frozenset({"postfix", "epow"})
