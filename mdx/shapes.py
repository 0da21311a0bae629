"""Kinds and shapes: from the syntax tree to typed expressions.

Every symbol gets a kind (scalar, vector, row vector, matrix) from its name or its
declaration, and a shape made of dimension variables.  Walking the tree unifies
them (`A X` forces cols(A) = rows(X); `tr`, `det` and `inv` force square), then
the typed expression is built with every dimension resolved to a name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from fractions import Fraction

from . import expr as E
from .dims import ONE, dim_mul
from .errors import LimitError, ShapeError, UnsupportedError
from .limits import MAX_MATRIX_POWER
from .shapes_ml import MLForms
from .syntax import Node, Problem

GREEK_NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
               "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma", "tau",
               "upsilon", "phi", "chi", "psi", "omega")
FUNCTIONS = ("tr", "det", "logdet", "sum", "mean", "norm", "norm1", "ones", "exp", "log", "sin",
             "cos", "tanh", "sigmoid",
             "σ", "sqrt", "relu", "softplus", "abs", "sign", "step", "softmax", "logsumexp", "inv",
             "diag", "vec", "kron")
# names in the symbol table that are not variables of the problem
NOT_SYMBOLS = ("function", "identity", "size", "commutation")
PROPS = ("symmetric", "spd", "diagonal", "orthogonal", "invertible", "square")
SQUARE_PROPS = set(PROPS)

_MATRIX_NAME = re.compile(r"^[A-Z][0-9]*(_(\{[A-Za-z0-9+,-]*\}|[A-Za-z0-9]+))?$")
_VECTOR_NAME = re.compile(r"^[a-z][0-9]*(_(\{[A-Za-z0-9+,-]*\}|[A-Za-z0-9]+))?$")
_SIZE = re.compile(r"^([0-9]+|[A-Za-z][A-Za-z0-9_]*)$")


# ----------------------------------------------------------------- dimension unification
@dataclass
class _Dims:
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
        while d in self.parent:
            d = self.parent[d]
        return d

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


def type_problem(problem: Problem) -> Typed:
    return _Typer(problem).run()


def _err(cls, msg, node_or_start, hint="", end=None):
    if isinstance(node_or_start, Node):
        start, end = node_or_start.start, node_or_start.end
    else:
        start = node_or_start
    return cls(msg, start + 1, hint, width=max(1, (end or start + 1) - start))


CONSTRAINTS = frozenset({"symmetric", "spd", "diagonal", "orthogonal"})
# operators of the product level, which group to the left (SPEC 3 and 7)
_LEFT_ASSOC = frozenset({"matmul", "div", "hadamard", "ediv", "kron"})


class _Typer(MLForms):
    def __init__(self, problem: Problem):
        self.p = problem
        self.dims = _Dims()
        self.syms: dict = {}
        self.shape_of: dict = {}
        self.decision: dict = {}
        self.named_dims: set = set()
        self.display: dict = {}          # names for unresolved sizes in messages
        self.user_functions: dict = {}   # name -> UserFunction (`where g(t) = ...`)

    # -------------------------------------------------------------- symbols
    def run(self) -> Typed:
        self._declare()
        self.p.expr = self._regroup_calls(self.p.expr)
        self._prescan_sizes(self.p.expr)
        self._collect(self.p.expr)
        var_info = self._symbol(self.p.wrt, self.p.wrt_start, self.p.wrt_start + len(self.p.wrt))
        if var_info.kind in NOT_SYMBOLS:
            raise _err(ShapeError, f"cannot differentiate with respect to {self.p.wrt}",
                       self.p.wrt_start, "differentiate with respect to a scalar, vector or matrix symbol")
        self._infer(self.p.expr)
        self._check_ones_sizes(self.p.expr)
        names = self._name_dims()
        order = self._appearance(self.p.expr, []) + [self.p.wrt] + list(self.syms)
        syms = {}
        for n in order:
            if n not in syms and self.syms[n].kind not in NOT_SYMBOLS:
                syms[n] = self._make_sym(n, names)
        # The variable's entries are independent (SPEC 7): identities that hold only on
        # its structured set (Xᵀ = X, QᵀQ = I) must not simplify f before it is differentiated.
        declared = syms[self.p.wrt]
        var = E.Sym(declared.name, declared.shape, declared.kind, declared.props - CONSTRAINTS)
        expr = self._build(self.p.expr, names, {**syms, self.p.wrt: var})
        if self.p.order == 2 and not expr.is_scalar:
            raise _err(ShapeError, "a second derivative needs a scalar function", self.p.expr,
                       "d^2 f / dx^2 is the Hessian of a scalar f")
        funcs = {n for n, i in self.syms.items() if i.kind == "function" and n not in self.user_functions}
        sizes = [n for n, i in self.syms.items() if i.kind == "size"]
        return Typed(expr=expr, var=var, symbols=syms, functions=funcs, sizes=sizes,
                     user_functions=self.user_functions)

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
        while inner.op == "postfix":
            posts.append(inner)
            inner = inner.args[0]
        if inner.op != "paren":
            return node
        spine = [left]          # from the left operand down to its rightmost leaf
        while spine[-1].op in _LEFT_ASSOC or spine[-1].op in ("neg", "bare_call"):
            spine.append(spine[-1].args[-1])
        if not self._is_function(spine[-1]):
            return node
        fname = spine[-1]
        call = Node("matmul", (fname, inner), start=fname.start, end=inner.end)
        for p in reversed(posts):           # innermost postfix first: f(y)^T^2
            call = Node("postfix", (call,), value=p.value, start=fname.start, end=p.end)
        if len(spine) == 1:
            return call
        spine[-2].args = spine[-2].args[:-1] + (call,)
        for n in spine[:-1]:
            n.end = call.end
        return left

    def _is_function(self, node: Node) -> bool:
        info = self.syms.get(node.value) if node.op == "name" else None
        return info is not None and info.kind == "function"

    def _declare(self):
        for decl in self.p.decls:
            if decl.body is not None:
                self._define(decl)
                continue
            info = self._parse_decl(decl)
            for name, start, end in decl.names:
                if name in self.syms:
                    raise _err(ShapeError, f"{name} is declared twice", start, "declare each name once", end)
                self.syms[name] = SymbolInfo(name, info["kind"], self._shape_for(info),
                                             set(info["props"]), True)

    def _define(self, decl):
        """`g(t) = body`: type the body as a scalar expression in t, alone."""
        from .syntax import Decl
        from .userfunc import UserFunction, require_sympy
        name, start, end = decl.names[0]
        require_sympy(start + 1)
        if name in self.syms:
            raise _err(ShapeError, f"{name} is declared twice", start, "declare each name once", end)
        t, ts, te = decl.param
        sub = Problem(text=self.p.text, expr=decl.body, wrt=t, wrt_start=ts,
                      decls=[Decl(names=[(t, ts, te)], words=[("scalar", ts, te)])])
        typed = type_problem(sub)
        others = sorted(n for n in typed.symbols if n != t)
        if others or typed.functions:
            raise _err(ShapeError, f"the body of {name} uses {', '.join(others or sorted(typed.functions))}; "
                       f"it may use only its parameter {t}", decl.body,
                       f"write {name} in {t}, numbers and the built-in functions")
        self.syms[name] = SymbolInfo(name, "function", (ONE, ONE), set(), True)
        self.user_functions[name] = UserFunction(name, t, typed.expr, start + 1)

    def _parse_decl(self, decl):
        kind, props, sizes = None, [], []
        words = list(decl.words)
        i = 0
        while i < len(words):
            w, s, e = words[i]
            if w == "row" and i + 1 < len(words) and words[i + 1][0] == "vector":
                kind, i = "row", i + 2
                continue
            if w in ("scalar", "vector", "matrix"):
                if w == "scalar" and i + 1 < len(words) and words[i + 1][0] == "function":
                    kind, i = "function", i + 2
                    continue
                kind = w
            elif w == "function":
                kind = "function"
            elif w in PROPS:
                props.append(w)
            elif w in ("x", "×", "by") and sizes:
                pass
            elif _SIZE.match(w) and (kind or props):
                sizes.append((w, s, e))
            else:
                close = difflib.get_close_matches(w, ("scalar", "vector", "matrix", "row vector",
                                                      "function") + PROPS, n=1)
                hint = f"did you mean `{close[0]}`?" if close else \
                    "kinds: scalar, vector, row vector, matrix; properties: " + ", ".join(PROPS)
                raise _err(ShapeError, f"unknown word {w!r} in a declaration", s, hint, e)
            i += 1
        if props and kind in (None, "matrix"):
            kind = "matrix"
        if kind is None:
            kind = "matrix" if len(sizes) == 2 else ("vector" if len(sizes) == 1 else None)
        if kind is None:
            w, s, e = decl.words[0]
            raise _err(ShapeError, "a declaration needs a kind or a property", s,
                       "e.g. `x: vector`, `X: matrix n x m`, `A: symmetric`", e)
        want = {"scalar": (0,), "function": (0,), "vector": (0, 1), "row": (0, 1), "matrix": (0, 1, 2)}[kind]
        if len(sizes) not in want:
            w, s, e = sizes[-1]
            raise _err(ShapeError, f"a {kind} declaration takes {max(want)} size(s), got {len(sizes)}", s,
                       "write e.g. `X: matrix n x m` or `x: vector n`", e)
        if props and kind != "matrix":
            raise _err(ShapeError, f"{', '.join(props)} needs a matrix", decl.names[0][1],
                       "properties apply to square matrices")
        return {"kind": kind, "props": props, "sizes": [w for w, _, _ in sizes],
                "start": decl.names[0][1], "end": decl.words[-1][2]}

    def _shape_for(self, info):
        sizes = [self._size(s) for s in info["sizes"]]
        kind = info["kind"]
        if kind in ("scalar", "function"):
            return (ONE, ONE)
        if kind == "vector":
            return (sizes[0] if sizes else self.dims.new(), ONE)
        if kind == "row":
            return (ONE, sizes[0] if sizes else self.dims.new())
        if len(sizes) == 2:
            shape = (sizes[0], sizes[1])
        elif len(sizes) == 1:
            shape = (sizes[0], sizes[0])
        else:
            shape = (self.dims.new(), self.dims.new())
        if set(info["props"]) & SQUARE_PROPS and not self.dims.unify(*shape):
            raise _err(ShapeError, f"{', '.join(info['props'])} needs a square matrix, "
                       f"not {shape[0]}×{shape[1]}", info["start"], "give one size or two equal ones",
                       info["end"])
        return shape

    def _size(self, s: str):
        if not s.isdigit():
            self.named_dims.add(s)
        return s if s != "1" else ONE

    def _symbol(self, name, start, end) -> SymbolInfo:
        if name in self.syms:
            return self.syms[name]
        if name in self.named_dims:         # `n` of `where x: vector n` used as a number
            info = self.syms[name] = SymbolInfo(name, "size", (ONE, ONE))
            return info
        special = self._special_matrix(name)
        if special is not None:
            self.syms[name] = special
            return special
        kind = self._default_kind(name, start, end)
        if kind == "scalar":
            shape = (ONE, ONE)
        elif kind == "vector":
            shape = (self.dims.new(), ONE)
        elif kind == "identity":
            shape = None
        else:
            shape = (self.dims.new(), self.dims.new())
        info = SymbolInfo(name, kind, shape)
        self.syms[name] = info
        return info

    def _default_kind(self, name, start, end) -> str:
        if name == "I":
            return "identity"
        if name in GREEK_NAMES or (len(name) == 1 and "α" <= name.lower() <= "ω"):
            return "scalar"
        if _MATRIX_NAME.match(name):
            return "matrix"
        if _VECTOR_NAME.match(name):
            return "vector"
        raise self._unknown_name(name, start, end)

    def _unknown_name(self, name, start, end):
        from .hints import name_hint
        if name_hint(name):
            hint = name_hint(name)
        else:
            close = difflib.get_close_matches(name, FUNCTIONS + GREEK_NAMES, n=1, cutoff=0.75)
            if close:
                hint = f"did you mean `{close[0]}`?"
            elif name.isalpha() and len(name) <= 3 and not name.islower():
                hint = (f"write `{' '.join(name)}` for a product, or declare it: "
                        f"`where {name}: matrix`")
            elif name.isalpha() and name.islower():
                hint = (f"functions are {', '.join(FUNCTIONS[:-1])}; for your own, declare "
                        f"`where {name}: scalar function`")
            else:
                hint = f"declare it, e.g. `where {name}: scalar`"
        return _err(ShapeError, f"unknown name {name!r}", start, hint, end)

    def _appearance(self, node: Node, out: list) -> list:
        if node.op == "call" and node.value == "ones":
            return out
        if node.op == "name" and node.value not in out:
            out.append(node.value)
        for a in node.args:
            self._appearance(a, out)
        return out

    def _collect(self, node: Node):
        if node.op == "call" and node.value == "ones":
            return                              # its arguments are sizes
        if node.op == "name":
            self._symbol(node.value, node.start, node.end)
        for a in node.args:
            self._collect(a)

    # -------------------------------------------------------------- inference
    def _shape_text(self, shape):
        return "×".join(self._dim_text(d) for d in shape)

    def _dim_text(self, d):
        d = self.dims.find(d)
        if isinstance(d, tuple):
            return "·".join(self._dim_text(x) for x in d[1:])
        if not d.startswith("?"):
            return d
        if d not in self.display:
            free = [c for c in "nmpqrkst" if c not in self.named_dims and c not in self.display.values()]
            self.display[d] = free[0] if free else d
        return self.display[d]

    def _is_scalar(self, shape):
        return self.dims.is_one(shape[0]) and self.dims.is_one(shape[1])

    def _is_vector(self, shape):
        return self.dims.is_one(shape[1]) and not self.dims.is_one(shape[0])

    def _text(self, node):
        return self.p.text[node.start:node.end]

    def _infer(self, node: Node):
        shape = getattr(self, "_infer_" + node.op)(node)
        self.shape_of[id(node)] = shape
        return shape

    def _infer_name(self, node):
        info = self.syms[node.value]
        if info.kind == "function":
            raise _err(ShapeError, f"{node.value} is a function", node,
                       f"apply it: `{node.value}(x)`")
        if info.kind == "commutation":
            n = self.dims.prod(*info.shape)
            return (n, n)
        if info.kind == "identity":
            if info.shape:
                return info.shape
            n = self.dims.new()
            return (n, n)
        return info.shape

    def _infer_paren(self, node):
        return self._infer(node.args[0])

    def _infer_neg(self, node):
        return self._infer(node.args[0])

    def _same_size(self, node, what: str, hint: str):
        """Operands of equal size, or a scalar that broadcasts (SPEC 7)."""
        a, b = (self._infer(x) for x in node.args)
        if self._is_scalar(a):
            return b
        if self._is_scalar(b):
            return a
        if not (self.dims.unify(a[0], b[0]) and self.dims.unify(a[1], b[1])):
            l, r = node.args
            raise _err(ShapeError, f"{what} {self._text(l)} ({self._shape_text(a)}) and "
                       f"{self._text(r)} ({self._shape_text(b)}): the sizes differ", node, hint)
        return a

    def _infer_add(self, node):
        return self._same_size(node, "cannot add", "both operands of + and - need the same size")

    def _infer_sub(self, node):
        return self._same_size(node, "cannot subtract", "both operands of + and - need the same size")

    def _infer_matmul(self, node):
        left, right = node.args
        if left.op == "name" and self.syms.get(left.value) and self.syms[left.value].kind == "function":
            self.decision[id(node)] = "call"
            return self._infer(right)
        a, b = self._decide_one_in_product(node)
        if self._is_scalar(a):
            return b
        if self._is_scalar(b):
            return a
        if not self.dims.unify(a[1], b[0]):
            hint = "check the order of the factors or transpose one of them"
            if self._is_vector(a) and self._is_vector(b):
                hint = (f"for the elementwise product write `{self._text(left)} .* "
                        f"{self._text(right)}`; for the inner product `{self._text(left)}^T "
                        f"{self._text(right)}`")
            raise _err(ShapeError, f"cannot multiply {self._text(left)} ({self._shape_text(a)}) "
                       f"by {self._text(right)} ({self._shape_text(b)}): columns of the left "
                       "must equal rows of the right", node, hint)
        return (a[0], b[1])

    def _infer_div(self, node):
        a, b = (self._infer(x) for x in node.args)
        if not self._is_scalar(b):
            raise _err(ShapeError, f"cannot divide by {self._text(node.args[1])} "
                       f"({self._shape_text(b)}): `/` divides by a scalar", node.args[1],
                       "use `./` for elementwise division or `inv(...)` for a matrix inverse")
        return a

    def _infer_hadamard(self, node):
        return self._same_size(node, "elementwise operands",
                               "elementwise products and divisions need equal sizes")

    _infer_ediv = _infer_hadamard

    def _infer_kron(self, node):
        a, b = (self._infer(x) for x in node.args)
        return (self.dims.prod(a[0], b[0]), self.dims.prod(a[1], b[1]))

    def _infer_norm(self, node):
        a = self._infer(node.args[0])
        if node.value == "1":
            return (ONE, ONE)
        if node.value == "2" and not self._is_vector(a) and not self._is_scalar(a) \
                and not self.dims.is_one(a[0]):
            raise _err(UnsupportedError, "the spectral norm ‖X‖_2 of a matrix is not supported",
                       node, "write ‖X‖_F (the Frobenius norm)")
        return (ONE, ONE)

    def _infer_postfix(self, node):
        from .shapes_ml import is_one_literal
        if node.value == "T" and is_one_literal(node.args[0]):
            self._mark_ones(node.args[0])           # 1^T is a row of ones (SPEC 8)
        a = self._infer(node.args[0])
        op = node.value
        if op == "T":
            return (a[1], a[0])
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+|/[0-9]+)", op):     # s^{1/2}, s^{0.5}
            if not self._is_scalar(a):
                what = self._text(node.args[0])
                raise _err(ShapeError, f"a fractional power ^{{{op}}} needs a scalar, but {what} "
                           f"is {self._shape_text(a)}", node,
                           f"write `{what}.^({op})` for the elementwise power")
            return a
        if not re.fullmatch(r"-?([0-9]+|T)", op):
            raise _err(UnsupportedError, f"symbolic power ^{{{op}}} is not supported", node,
                       "use an integer power such as X^2 or X^{-1}")
        if self._is_scalar(a):
            if op in ("-T",):
                return a
            return a
        if self._is_vector(a) or self.dims.is_one(a[0]):
            what = self._text(node.args[0])
            if op in ("-1", "-T"):
                raise _err(ShapeError, f"a vector has no inverse: {what} is {self._shape_text(a)}",
                           node, "invert a square matrix")
            raise _err(ShapeError, f"{what}^{op} is not defined for a vector ({self._shape_text(a)})",
                       node, f"write `{what} ∘ {what}` for the elementwise square or `‖{what}‖^2`")
        self._square(a, node.args[0], f"^{op} needs a square matrix" if op not in ("-1", "-T")
                     else "the inverse needs a square matrix")
        if op != "-T" and abs(int(op)) > MAX_MATRIX_POWER:     # d(X^k) has k terms
            raise _err(LimitError, f"matrix powers are limited to ±{MAX_MATRIX_POWER}: the "
                       f"differential of X^{op} has {abs(int(op))} terms", node,
                       "use a smaller power, or diagonalise by hand")
        return (a[1], a[0]) if op == "-T" else a

    def _square(self, a, node, what):
        if not self.dims.unify(a[0], a[1]):
            raise _err(ShapeError, f"{what}, but {self._text(node)} is {self._shape_text(a)}", node,
                       "declare it square or use a square expression")

    def _infer_call(self, node):
        fname = node.value
        if fname == "kron":
            if len(node.args) != 2:
                raise _err(ShapeError, "kron takes two arguments", node, "write `kron(A, B)`")
            a, b = (self._infer(x) for x in node.args)
            return (self.dims.prod(a[0], b[0]), self.dims.prod(a[1], b[1]))
        if fname == "ones":
            return self._infer_ones_call(node)
        if len(node.args) != 1:
            raise _err(ShapeError, f"{fname} takes one argument, got {len(node.args)}", node,
                       f"write `{fname}(X)`")
        a = self._infer(node.args[0])
        arg = node.args[0]
        if fname in ("tr", "det", "logdet", "inv"):
            if not self._is_scalar(a):
                self._square(a, arg, f"{fname} needs a square matrix")
            return a if fname == "inv" else (ONE, ONE)
        if fname in ("sum", "norm", "mean", "norm1"):
            return (ONE, ONE)
        if fname in ("softmax", "logsumexp"):           # per column of a matrix (SPEC 8)
            return a if fname == "softmax" else (ONE, a[1])
        if fname == "diag":
            if self._is_scalar(a):
                raise _err(ShapeError, "diag takes a vector or a square matrix, not a scalar", node)
            if self._is_vector(a):
                self.decision[id(node)] = "diagm"
                return (a[0], a[0])
            if self.dims.is_one(a[0]):
                self.decision[id(node)] = "diagm_row"
                return (a[1], a[1])
            self._square(a, arg, "diag of a matrix needs a square matrix")
            self.decision[id(node)] = "diagv"
            return (a[0], ONE)
        if fname == "vec":     # column index slow, row index fast: (B ⊗ A) vec X = vec(A X Bᵀ)
            return (self.dims.prod(a[1], a[0]), ONE)
        return a                                   # elementwise

    _infer_bare_call = _infer_call

    # -------------------------------------------------------------- naming and building
    def _name_dims(self) -> dict:
        pool = [c for c in "nmpqrkstuvwlabcdefghijxyz" if c not in self.named_dims]
        names: dict = {}

        def name_of(d):
            d = self.dims.find(d)
            if isinstance(d, tuple):
                return dim_mul(*(name_of(x) for x in d[1:]))
            if not d.startswith("?"):
                return d
            if d not in names:
                names[d] = pool.pop(0) if pool else f"n{len(names)}"
            return names[d]
        for info in self.syms.values():
            if info.shape:
                for d in info.shape:
                    name_of(d)
        for shape in self.shape_of.values():
            for d in shape:
                name_of(d)
        return name_of

    def _make_sym(self, name, name_of) -> E.Sym:
        info = self.syms[name]
        shape = (name_of(info.shape[0]), name_of(info.shape[1]))
        kind = info.kind
        if kind == "vector" and shape[0] == ONE:
            kind = "scalar"
        return E.Sym(name, shape, kind, frozenset(info.props))

    def _build(self, node: Node, name_of, syms) -> E.Expr:
        try:
            return self._build_node(node, name_of, syms)
        except ZeroDivisionError:
            raise _err(ShapeError, f"{self._text(node)} divides by zero", node,
                       "a denominator or inverted matrix must not be 0") from None

    def _build_node(self, node: Node, name_of, syms) -> E.Expr:
        b = lambda n: self._build(n, name_of, syms)  # noqa: E731
        op = node.op
        ml = self._build_ml(node, name_of, b)
        if ml is not None:
            return ml
        if op == "name":
            kind = self.syms[node.value].kind
            if kind == "identity":
                return E.identity(name_of(self.shape_of[id(node)][0]))
            if kind == "size":
                return E.DimSize(node.value)
            return syms[node.value]
        if op == "number":
            return E.Num(Fraction(node.value))
        if op == "paren":
            return b(node.args[0])
        if op == "neg":
            return E.neg(b(node.args[0]))
        if op == "add":
            return E.add(b(node.args[0]), b(node.args[1]))
        if op == "sub":
            return E.sub(b(node.args[0]), b(node.args[1]))
        if op == "matmul":
            if self.decision.get(id(node)) == "call":
                name = node.args[0].value
                return E.func(name, b(node.args[1]), defn=self.user_functions.get(name))
            return E.mul(b(node.args[0]), b(node.args[1]))
        if op == "div":
            return E.mul(b(node.args[0]), E.power(b(node.args[1]), -1))
        if op == "hadamard":
            return E.hadamard(b(node.args[0]), b(node.args[1]))
        if op == "ediv":
            return E.ediv(b(node.args[0]), b(node.args[1]))
        if op == "kron":
            return E.kron(b(node.args[0]), b(node.args[1]))
        if op == "norm":
            return E.apply("norm1" if node.value == "1" else "norm", b(node.args[0]))
        if op == "postfix":
            a = b(node.args[0])
            v = node.value
            if v == "T":
                return E.transpose(a)
            if v == "-T":
                return E.transpose(E.inverse(a))
            return E.power(a, Fraction(v))
        if op in ("call", "bare_call"):
            return self._build_call(node, [b(x) for x in node.args])
        raise AssertionError(f"unknown syntax node {op}")  # pragma: no cover

    def _build_call(self, node, args):
        f = node.value
        a = args[0]
        if f == "kron":
            return E.kron(args[0], args[1])
        if f in ("tr", "det", "logdet", "sum", "mean", "norm", "norm1", "softmax", "logsumexp",
                 "vec"):
            return E.apply(f, a)
        if f == "inv":
            return E.inverse(a)
        if f == "diag":
            how = self.decision[id(node)]
            if how == "diagm_row":
                return E.apply("diagm", E.transpose(a))
            return E.apply(how, a)
        return E.func("sigmoid" if f == "σ" else f, a)
