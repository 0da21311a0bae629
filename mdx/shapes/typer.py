"""Kinds and shapes: from the syntax tree to typed expressions.

Every symbol gets a kind (scalar, vector, row vector, matrix) from its name or its
declaration, and a shape made of dimension variables.  Walking the tree unifies
them (`A X` forces cols(A) = rows(X); `tr`, `det` and `inv` force square), then
the typed expression is built with every dimension resolved to a name.
"""

from __future__ import annotations


from ..expressions import expr as E
from ..errors import ShapeError
from ..language.names import default_kind
from .broadcasts import Broadcasts
from .build import TypedBuild
from .composites import Composites
from .declarations import Declarations
from .inference import Inference
from .table import CONSTRAINTS, LEFT_ASSOC, NOT_SYMBOLS, POSTFIX, Dims, Typed, error_at
from .ml_forms import MLForms, unparen
from .readings import Readings
from .square_reading import SquareReading
from .capitals import CapitalReadings
from ..language.syntax import Node, Problem


def type_problem(problem: Problem) -> Typed:
    """The typed problem, with SPEC 9's reading of undeclared names: a lower-case name that
    stands beside a computed scalar (`b` in `w^T x + b`) is read as a scalar, unless the
    problem uses it as a vector (its size tied to another symbol's, or inside a norm or a
    sum); a Greek letter used as a vector (`θ^T x`) is read as one; notes say so."""
    typed, typer, scalars = _read(problem, frozenset())
    if not scalars:
        return typed
    vectors = set(typer.vector_evidence) | {
        s for s in scalars if _fixed_as_vector(problem, _without(scalars, s), s, typer.read_as_vector)}
    if not vectors:
        return typed
    try:
        typed, typer, _ = _read(problem, frozenset(vectors))
    except ShapeError:
        if typer.vector_evidence:       # used as a vector (in a sum, a norm) and as a scalar
            raise
        return typed                    # only the scalar reading types: keep it
    for s in sorted(vectors & set(scalars)):
        kind = "matrix" if default_kind(s) == "matrix" else "vector"
        typed.notes.insert(0, f"{s} is read as a {kind}, though {scalars[s]}; "
                              f"write `where {s}: scalar` to read it as a scalar")
    return typed


def _without(scalars: dict, name: str) -> dict:
    return {k: v for k, v in scalars.items() if k != name}


def _read(problem: Problem, vectors: frozenset, scalars: dict | None = None,
          greek: dict | None = None, flip: bool = True):
    """(typed, typer, {name read as a scalar: why}): each reading may show the next (y in
    y log(σ(w^T x + b)) once b is a scalar); names in `vectors` stay vectors.  Greek letters
    used as vectors are read as vectors.  `flip`: a name only SPEC 7's grouping makes a
    vector may be read as a scalar (_scalar_valued)."""
    scalars = dict(scalars or {})
    greek = dict(greek or {})
    typed_before = None         # the last reading that typed: kept if a further one does not
    while True:
        typer = _Typer(problem, scalars, greek)
        try:
            typed = typer.run()
            failed = None
            typed_before = (typed, typer, scalars)
        except ShapeError as e:
            failed = e
        new = {k: v for k, v in typer.evidence.items() if k not in scalars and k not in vectors}
        if failed is not None and not new and not typer.greek_evidence.keys() - greek.keys():
            new = {k: why for k, (why, *_) in typer.weak_evidence.items()   # the vector
                   if k not in scalars and k not in vectors}              # reading fails
        new_greek = {k: v for k, v in typer.greek_evidence.items() if k not in greek}
        if not new and not new_greek:
            if failed is None:
                if flip and not typed.expr.is_scalar:
                    return _scalar_valued(problem, (typed, typer, scalars), vectors, greek)
                return typed, typer, scalars
            if typed_before is not None:
                return typed_before
            raise failed
        scalars, greek = {**scalars, **new}, {**greek, **new_greek}


def _scalar_valued(problem: Problem, reading: tuple, vectors: frozenset, greek: dict):
    """The reading to keep when f reads as a vector because SPEC 7 groups `c x^T A x` as
    `(c x^T) A x`: a reader of the field means c times the quadratic form where the vector
    reading would make the derivative of a vector by a matrix (`d c x^T A x / dA`), where the
    product sits inside f (`relu(1 - y w^T x)`, `log(1 + exp(-y w^T x + b))`), or where f
    must be a scalar (several variables).  A rank-one map that is f itself (`d a b^T x / dx`)
    keeps SPEC 2's vector.  One name at a time, in the order written, each reading gathering
    the evidence it shows (b once y is a scalar); the name must not be a variable, be
    written transposed (`c^T c`) or be used as a vector elsewhere.  The note names
    `where c: vector`."""
    typed, typer, scalars = reading
    variables = {w for w, _ in problem.variables}
    must = len(variables) > 1
    # decided on this reading's tree (each typer regroups problem.expr anew)
    open_names = [(name, why) for name, (why, _, _, node) in typer.weak_evidence.items()
                  if name not in scalars and name not in vectors and name not in variables
                  and not _is_transposed(problem.expr, name)
                  and (must or typed.var.kind == "matrix" or not _is_whole_function(problem, node))]
    for name, why in open_names:
        try:
            got = _read(problem, vectors, {**scalars, name: why}, greek, flip=False)
        except ShapeError:
            continue
        again, again_typer, now = got
        if again.expr.is_scalar and name not in again_typer.vector_evidence and \
                not _fixed_as_vector(problem, _without(now, name), name, again_typer.read_as_vector):
            return got
    return reading


def _is_whole_function(problem: Problem, node: Node) -> bool:
    """Whether node is f itself (through brackets and a minus sign)."""
    top = unparen(problem.expr)
    while top.op == "neg":
        top = unparen(top.args[0])
    return top is node


def _is_transposed(node: Node, name: str) -> bool:
    """Whether the problem writes name transposed (`c^T c`): a vector, then."""
    if node.op == "postfix" and node.value in ("T", "-T") and \
            unparen(node.args[0]).op == "name" and unparen(node.args[0]).value == name:
        return True
    return any(_is_transposed(a, name) for a in node.args)


def _fixed_as_vector(problem: Problem, scalars: dict, name: str, greek: dict) -> bool:
    """Whether the problem, read with `name` a vector, ties its size to another symbol's,
    a declared size or a vector of ones (`A b`, `1^T b`): then it is a vector, not open."""
    typer = _Typer(problem, scalars, greek)
    try:
        typer.run()
    except ShapeError:
        return False
    d = typer.dims
    mine = d.find(typer.syms[name].shape[0])
    if not (isinstance(mine, str) and mine.startswith("?")):
        return True
    others = {d.find(x) for n, info in typer.syms.items() if n != name and info.shape
              for x in info.shape}
    ones = {d.find(x) for nid, how in typer.decision.items() if how == "ones"
            for x in typer.shape_of.get(nid, ())}
    return mine in others or mine in ones


class _Typer(Declarations, Inference, TypedBuild, MLForms, Readings, Broadcasts, Composites,
             SquareReading, CapitalReadings):
    """Types one problem: declarations (mdx.shapes.declarations), inference (mdx.shapes.inference),
    the typed build (mdx.shapes.build) and the ML forms (mdx.shapes.ml_forms)."""

    def __init__(self, problem: Problem, scalars: dict | None = None, vectors: dict | None = None):
        self.p = problem
        self.dims = Dims()
        self.syms: dict = {}
        self.shape_of: dict = {}
        self.decision: dict = {}
        self.named_dims: set = set()
        self.display: dict = {}          # names for unresolved sizes in messages
        self.user_functions: dict = {}   # name -> UserFunction (`where g(t) = ...`)
        self._init_readings(scalars or {}, vectors or {})
        self._init_composites()
        self._init_square_reading()
        self._init_capital_readings()
        self.per_entry_bias: dict = {}   # open name -> the product it is added to (`X w + b`)

    # -------------------------------------------------------------- symbols
    def run(self) -> Typed:
        self._declare()
        self.p.expr = self._regroup_calls(self.p.expr)
        self._prescan_sizes(self.p.expr)
        self._collect(self.p.expr)
        wrts = [w for w, _ in self.p.variables]
        for w, start in self.p.variables:
            if self._symbol(w, start, start + len(w)).kind in NOT_SYMBOLS:
                raise error_at(ShapeError, f"cannot differentiate with respect to {w}", start,
                               "differentiate with respect to a scalar, vector or matrix symbol",
                               start + len(w))
        self._infer(self.p.expr)
        self._read_capital_function(self.p.expr)
        self._read_square_products()
        self._check_ones_sizes(self.p.expr)
        names = self._name_dims()
        order = self._appearance(self.p.expr, []) + wrts + list(self.syms)
        syms = {}
        for n in order:
            if n not in syms and self.syms[n].kind not in NOT_SYMBOLS:
                syms[n] = self._make_sym(n, names)
        # The variable's entries are independent (SPEC 7): identities that hold only on
        # its structured set (Xᵀ = X, QᵀQ = I) must not simplify f before it is differentiated.
        free = {w: E.Sym(syms[w].name, syms[w].shape, syms[w].kind, syms[w].props - CONSTRAINTS)
                for w in wrts}
        var = free[self.p.wrt]
        expr = self._build(self.p.expr, names, {**syms, **free})
        if self.p.order == 2 and not expr.is_scalar:
            raise error_at(ShapeError, "a second derivative needs a scalar function", self.p.expr,
                           "d^2 f / dx^2 is the Hessian of a scalar f")
        funcs = {n for n, i in self.syms.items() if i.kind == "function" and n not in self.user_functions}
        sizes = [n for n, i in self.syms.items() if i.kind == "size"]
        return Typed(expr=expr, var=var, variables=[free[w] for w in wrts], symbols=syms, functions=funcs, sizes=sizes,
                     user_functions=self.user_functions, notes=list(dict.fromkeys(self._reading_notes() + self._per_entry_bias_notes()
                                                    + self._composite_reading_notes()
                                                    + self._square_reading_notes()
                                                    + self.scalar_broadcasts)))

    def _regroup_calls(self, node: Node) -> Node:
        """A declared function followed by parentheses is a call, an atom (SPEC 7).

        The grammar cannot know that `f` is a function, so `x .* f(y)^2` arrives as
        `((x .* f) (y))^2`-like trees: the juxtaposition of a product that ends in `f` with
        a bracket (and its postfix operators).  Move the bracket into a call of `f`."""
        node.args = tuple(self._regroup_calls(a) for a in node.args)
        if node.op != "matmul":
            return node
        left, right = node.args
        posts, inner = [], right
        while inner.op in POSTFIX:          # f(y)^T, f(y).^2: the call's, not y's
            posts.append(inner)
            inner = inner.args[0]
        if inner.op != "paren":
            return node
        spine = [left]          # from the left operand down to its rightmost leaf
        while spine[-1].op in LEFT_ASSOC or spine[-1].op in ("neg", "bare_call"):
            spine.append(spine[-1].args[-1])
        fname, primes = spine[-1], 0
        while fname.op == "postfix" and self.p.text[fname.end - 1:fname.end] == "'":
            fname, primes = fname.args[0], primes + 1       # g'(u): a derivative, as printed
        if not self._is_function(fname):
            if fname.op == "name" and not primes:
                self._name_against_paren(fname, inner)
            elif fname.op == "name" and spine[-1].end == inner.start:
                raise error_at(ShapeError, f"{fname.value}{chr(39) * primes}(…) is a derivative, but "
                               f"{fname.value} is not a declared function", fname.start,
                               f"declare it: `where {fname.value}: scalar function`", inner.end)
            return node
        call = Node("matmul", (fname, inner), value=primes, start=fname.start, end=inner.end)
        for p in reversed(posts):           # innermost postfix first: f(y)^T^2
            call = Node(p.op, (call,), value=p.value, start=fname.start, end=p.end)
        if len(spine) == 1:
            return call
        spine[-2].args = spine[-2].args[:-1] + (call,)
        for n in spine[:-1]:
            n.end = call.end
        return left

    def _is_function(self, node: Node) -> bool:
        info = self.syms.get(node.value) if node.op == "name" else None
        return info is not None and info.kind == "function"
