"""Kinds and shapes: from the syntax tree to typed expressions.

Every symbol gets a kind (scalar, vector, row vector, matrix) from its name or its
declaration, and a shape made of dimension variables.  Walking the tree unifies
them (`A X` forces cols(A) = rows(X); `tr`, `det` and `inv` force square), then
the typed expression is built with every dimension resolved to a name.
"""

from __future__ import annotations


from . import expr as E
from .errors import ShapeError
from .shape_build import TypedBuild
from .shape_decls import Declarations
from .shape_infer import Inference
from .shape_table import CONSTRAINTS, LEFT_ASSOC, NOT_SYMBOLS, Dims, Typed, error_at
from .shapes_ml import MLForms
from .syntax import Node, Problem


def type_problem(problem: Problem) -> Typed:
    return _Typer(problem).run()


class _Typer(Declarations, Inference, TypedBuild, MLForms):
    """Types one problem: declarations (mdx.shape_decls), inference (mdx.shape_infer),
    the typed build (mdx.shape_build) and the ML forms (mdx.shapes_ml)."""

    def __init__(self, problem: Problem):
        self.p = problem
        self.dims = Dims()
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
            raise error_at(ShapeError, f"cannot differentiate with respect to {self.p.wrt}",
                           self.p.wrt_start,
                           "differentiate with respect to a scalar, vector or matrix symbol")
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
            raise error_at(ShapeError, "a second derivative needs a scalar function", self.p.expr,
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
        while spine[-1].op in LEFT_ASSOC or spine[-1].op in ("neg", "bare_call"):
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
