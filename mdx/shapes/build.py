"""The typed build: with every dimension resolved to a name, the syntax tree becomes an
expression of mdx.expressions.expr."""

from __future__ import annotations

from fractions import Fraction

from ..expressions import expr as E
from ..expressions.dims import ONE, dim_mul
from ..errors import ShapeError
from ..language.functions import SPELLINGS
from .table import error_at
from ..language.syntax import Node

class TypedBuild:
    """Typed expressions from the syntax tree, for mdx.shapes._Typer."""

    def _name_dims(self) -> dict:
        # invented sizes never take a symbol's name (a vector m: its size is not m)
        pool = [c for c in "nmpqrkstuvwlabcdefghijxyz" if c not in self.named_dims and c not in self.syms]
        names: dict = {}

        def name_of(d):
            d = self.dims.find(d)
            if isinstance(d, tuple):
                return dim_mul(*(name_of(x) for x in self.dims.flat(d)))
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
            raise error_at(ShapeError, f"{self._text(node)} divides by zero", node,
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
        if op in ("add", "sub"):
            return self._build_sum(node, b)
        if op == "matmul":
            if self.decision.get(id(node)) == "call":
                name = node.args[0].value
                return E.func(name, b(node.args[1]), node.value or 0, defn=self.user_functions.get(name))
            return E.mul(b(node.args[0]), b(node.args[1]))
        if op == "div":
            return E.mul(b(node.args[0]), E.power(b(node.args[1]), -1))
        if op in ("hadamard", "ediv"):
            left, right = b(node.args[0]), b(node.args[1])
            how = self.decision.get(id(node))
            if how is not None:                 # NumPy's broadcast of a row or column
                left, right = _broadcast(left, right, how)
            return (E.hadamard if op == "hadamard" else E.ediv)(left, right)
        if op == "kron":
            return E.kron(b(node.args[0]), b(node.args[1]))
        if op == "norm":
            if node.value == "1":
                self.kinked_calls.add("abs")        # ‖x‖_1 = sum(abs(x)): abs'(0) is noted
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
            rec = self._composite_of(node)
            if rec is not None:
                return self._build_composite(node, rec, b)
            return self._build_call(node, [b(x) for x in node.args if x.op != "kwarg"])
        raise AssertionError(f"unknown syntax node {op}")  # pragma: no cover

    def _build_call(self, node, args):
        f = node.value
        a = args[0]
        if f == "kron":
            return E.kron(args[0], args[1])
        if f in ("softmax", "logsumexp", "sum", "mean"):
            return self._build_axis(node, f, a) or E.apply(f, a)
        if f in ("tr", "det", "logdet", "norm", "norm1", "vec"):
            if f == "norm1":
                self.kinked_calls.add("abs")
            return E.apply(f, a)
        if f == "inv":
            return E.inverse(a)
        if f == "diag":
            how = self.decision[id(node)]
            if how == "diagm_row":
                return E.apply("diagm", E.transpose(a))
            return E.apply(how, a)
        return self._elementwise_call(SPELLINGS.get(f, f), a)      # σ is sigmoid

    def _build_sum(self, node: Node, b) -> E.Expr:
        """a + b - c + …, parsed as nested pairs, built as one sum: pair by pair, a sum of
        k terms cost time k² (each pair re-collected the terms before it).  Terms of
        different shapes (a scalar broadcast to a matrix) are added pair by pair, as written."""
        right = []
        while node.op in ("add", "sub"):
            right.append((node.op, node.args[1], self.decision.get(id(node))))
            node = node.args[0]
        first = b(node)
        terms = [(op, b(n), how) for op, n, how in reversed(right)]
        if all(t.shape == first.shape for _, t, _ in terms):
            return E.add(first, *(t if op == "add" else E.neg(t) for op, t, _ in terms))
        out = first
        for op, t, how in terms:
            if how is not None:
                out, t = _broadcast(out, t, how)
            out = E.add(out, t) if op == "add" else E.sub(out, t)
        return out


def _broadcast(left: E.Expr, right: E.Expr, how) -> tuple:
    """NumPy's broadcast made explicit (SPEC 9): a column c beside a matrix is c 1ᵀ, a row
    r is 1 r."""
    kind, side, _ = how
    vec, mat = (right, left) if side == 1 else (left, right)
    if kind == "columns":
        vec = E.mul(vec, E.ones((ONE, mat.cols)))
    else:
        vec = E.mul(E.ones((mat.rows, ONE)), vec)
    return (mat, vec) if side == 1 else (vec, mat)
