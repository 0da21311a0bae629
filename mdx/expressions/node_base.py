"""What every expression node shares: immutability, structural equality and hashing from
a cached key, a structural order, sizes and free symbols.  `@node` makes a class a node.
Constructors and printers live above the nodes (mdx.expressions.operators.rebuild builds a
node over new children; mdx.expressions.expr gives every node its text and LaTeX forms)."""

from __future__ import annotations

from fractions import Fraction

from .dims import ONE
from ..bounds.limits import charge, scratch

Shape = tuple  # (rows, cols), each a dimension string


class cached_property:                                   # noqa: N801 - as functools names it
    """functools.cached_property without its lock (Python 3.11 takes one at every first
    read: a tenth of a small derivation's time, for nodes no two threads build together)."""

    def __init__(self, func):
        self.func, self.__doc__ = func, func.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value

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
        """The structure (mdx.expressions.expr gives every node its text form instead)."""
        return f"{type(self).__name__}{self.key[1:]}"


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


def compare(a: Expr, b: Expr) -> int:
    """-1, 0 or 1 as `a.order` is below, equal to or above `b.order`, in one descent.

    Comparing the tuples themselves tests a differing subtree for equality before ordering
    it, at every level on the way down: time quadratic in the depth at which two operands
    differ (a nest of 199 `exp` spent 12 s sorting its factors).  Here equal subtrees are
    recognised by their cached hash and key, and the walk goes down once."""
    if a is b or (a._hash == b._hash and a.key == b.key):
        return 0
    na, nb = type(a).__name__, type(b).__name__
    if na != nb:
        return -1 if na < nb else 1
    memo = scratch("order") if a.size + b.size > _MEMO_SIZE else None
    if memo is not None:
        got = memo.get((id(a), id(b)))
        if got is not None:
            return got[2]
    charge()
    c = 0
    for name in a._fields:
        c = _compare_fields(getattr(a, name), getattr(b, name))
        if c:
            break
    if memo is not None:
        memo[id(a), id(b)] = (a, b, c)      # the nodes are kept, so their ids stay theirs
    return c


# Sorting the operands of one node after another compares the same large operands again
# (and a deep pair's walk passes through the same pairs): their results are kept for the
# call, down to operands of this many nodes together.
_MEMO_SIZE = 16


def _compare_fields(u, v) -> int:
    """compare() for two fields, as `_ordered(u)` and `_ordered(v)` compare."""
    tu, tv = _tag(u), _tag(v)
    if tu != tv:
        return -1 if tu < tv else 1
    if tu == 1:
        return compare(u, v)
    if tu == 2:
        for x, y in zip(u, v):
            c = _compare_fields(x, y)
            if c:
                return c
        return (len(u) > len(v)) - (len(u) < len(v))
    if tu == 6:
        return _compare_fields(getattr(u, "name", ""), getattr(v, "name", "")) or \
            _compare_fields(getattr(u, "body", None), getattr(v, "body", None))
    x, y = (tuple(sorted(u)), tuple(sorted(v))) if tu == 5 else (u, v)
    return 0 if tu == 0 or x == y else -1 if x < y else 1


def _tag(v) -> int:
    """The first entry of `_ordered(v)`."""
    for tag, kinds in _TAGS:
        if isinstance(v, kinds):
            return tag
    return 0 if v is None else 6


_TAGS = ((1, Expr), (2, tuple), (3, str), (4, (int, Fraction)), (5, frozenset))


class ByOrder:
    """A sort key that orders nodes as their `order` does, compared with `compare`."""

    __slots__ = ("e",)

    def __init__(self, e: Expr):
        self.e = e

    def __lt__(self, other: "ByOrder") -> bool:
        return compare(self.e, other.e) < 0

    def __eq__(self, other) -> bool:
        return isinstance(other, ByOrder) and compare(self.e, other.e) == 0

    __hash__ = None


def _field(v, part: str):
    """A field's `key` or `_hash`: the node's own for a node, element-wise for a tuple."""
    if isinstance(v, Expr):
        return getattr(v, part)
    if isinstance(v, tuple):
        return tuple(_field(x, part) for x in v)
    return v
