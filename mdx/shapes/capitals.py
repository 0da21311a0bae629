"""Undeclared capital letters beside computed scalars (SPEC 9: a computed scalar is never
silently broadcast over an undeclared name).  A capital is a matrix by its name (SPEC 2);
where a computed scalar is added to it (the C of an SVM's `‖w‖^2 / 2 + C sum(…)`) or it
divides (`‖X w − y‖^2 / N`), it is read as a scalar, and a note says so.  Where it alone
makes the function a matrix (`C ‖w‖^2`, `tr(X) A`), it stays a matrix and a note says how
to make it a scalar; where a computed scalar is still added to every entry of an expression
holding undeclared names (`x^T x + A y`), a note says that too."""

from __future__ import annotations

from ..language.names import default_kind
from ..language.syntax import Node
from .ml_forms import unparen

_THROUGH = ("neg", "matmul", "div", "add", "sub", "hadamard", "ediv", "epow", "postfix")


def _names(node: Node, out: set) -> set:
    if node.op == "name":
        out.add(node.value)
    for a in node.args:
        _names(a, out)
    return out


class CapitalReadings:
    """For mdx.shapes._Typer: evidence that an undeclared capital is meant as a scalar, and
    the notes of a computed scalar broadcast over an undeclared name."""

    def _init_capital_readings(self):
        self.scalar_broadcasts: list = []

    def _note_scalar_broadcast(self, node: Node, a, b) -> None:
        """`x^T x + A y`: the scalar added to every entry, with an undeclared name (not a
        variable) in the other operand; said in a note, never silently."""
        if node.op not in ("add", "sub"):
            return
        left, right = node.args
        wrts = {w for w, _ in self.p.variables}
        for mine, other, mine_shape, other_shape in ((left, right, a, b), (right, left, b, a)):
            if self._is_scalar(mine_shape) or not self._computed_scalar(other, other_shape):
                continue
            bare = unparen(other)
            if bare.op == "matmul" and unparen(bare.args[1]).op == "number":
                continue                # `mean(x) 1`: the broadcast, written out
            # a name the scalar is made of is centred or scaled by it (x - mean(x)), not open
            open_names = sorted(n for n in _names(mine, set()) - wrts - _names(other, set())
                                if n in self.syms and not self.syms[n].declared
                                and self.syms[n].kind in ("vector", "matrix"))
            if open_names:
                s, v = self._text(other), self._text(mine)
                what = (f"the scalar {s} is added to every entry of {v}" if node.op == "add" else
                        f"the scalar {s} is subtracted from every entry of {v}" if other is right
                        else f"every entry of {v} is subtracted from the scalar {s}")
                self.scalar_broadcasts.append(f"{what}, as NumPy broadcasts it")

    def _open_capital(self, name: str) -> bool:
        info = self.syms.get(name)
        return (info is not None and not info.declared and info.kind == "matrix"
                and default_kind(name) == "matrix" and name[0].isascii()     # Σ stays a matrix
                and name not in {w for w, _ in self.p.variables})

    def _only_capitals(self, node: Node):
        """The undeclared capitals that alone keep `node` from being a scalar (C in
        `C sum(…)`, N in `N^{-1} s`), or None when anything else does (a vector, a declared
        matrix, a product `A x`)."""
        shape = self.shape_of.get(id(node))
        if shape is not None and self._is_scalar(shape):
            return set()
        node = unparen(node)
        if node.op == "name":
            return {node.value} if self._open_capital(node.value) else None
        if node.op not in _THROUGH:
            return None
        out: set = set()
        for a in node.args:
            got = self._only_capitals(a)
            if got is None:
                return None
            out |= got
        return out or None

    def _computed_inside(self, node: Node) -> bool:
        """Whether a computed scalar (‖w‖^2, w^T x, sum(…)) is a factor or term of node."""
        node = unparen(node)
        shape = self.shape_of.get(id(node))
        if shape is not None and self._computed_scalar(node, shape):
            return True
        return node.op in _THROUGH and any(self._computed_inside(a) for a in node.args)

    def _read_capital_sum(self, node: Node, a, b) -> None:
        """`s + C …` with s a computed scalar and C … a matrix only through C."""
        left, right = node.args
        verb = "added to" if node.op == "add" else "subtracted from"
        for mine, other, mine_shape, other_shape in ((left, right, a, b), (right, left, b, a)):
            if self._is_scalar(mine_shape) or not self._computed_scalar(other, other_shape):
                continue
            for name in sorted((self._only_capitals(mine) or set()) - _names(other, set())):
                self.evidence.setdefault(
                    name, f"the scalar {self._text(other)} is {verb} {self._text(mine)}"
                    if mine is left else f"{self._text(mine)} is {verb} the scalar {self._text(other)}")

    def _read_capital_function(self, root: Node) -> None:
        """A function that is a matrix only through undeclared capitals beside a computed
        scalar (`C ‖w‖^2`): a matrix by SPEC 2 (`(x^T x) A` may well mean one), said in a
        note with the declaration that makes it a scalar."""
        if not self._computed_inside(root):
            return
        names = sorted(self._only_capitals(root) or ())
        if names:
            self.scalar_broadcasts.append(
                f"{', '.join(names)} {'is a matrix' if len(names) == 1 else 'are matrices'} by "
                f"the name, so {self._text(root)} is a matrix; write `where {names[0]}: scalar` "
                "for a scalar")

    def _read_capital_divisor(self, divisor: Node) -> None:
        """`‖X w − y‖^2 / N`: `/` divides by a scalar, so an undeclared capital that alone
        keeps the divisor from being one is read as a scalar."""
        for name in sorted(self._only_capitals(divisor) or ()):
            self.evidence.setdefault(name, f"`/` divides by the scalar {self._text(divisor)}")
