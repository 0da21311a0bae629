"""NumPy's broadcasts as practitioners write them (SPEC 9), for mdx.shapes._Typer: a
column beside a matrix (`W X + b`) is spread over its columns, a row over its rows, in
sums, elementwise products and quotients; and a vector added to a matrix-vector product
(`X w + b`), which the field often means as one intercept, is said to be a vector.

Imports: shapes (the typer's state: dims, decision, syms, shape_of)."""

from __future__ import annotations

import re

from ..language.names import default_kind
from ..language.syntax import Node
from .ml_forms import unparen


# the names of a model's weight vector: X w, X θ, X beta (a data matrix times the weights)
WEIGHTS = re.compile(r"^(w|θ|β|theta|beta)(_?[0-9]*)$")


class Broadcasts:
    """The typer's broadcasts; its state: dims, decision, syms, shape_of."""

    def _broadcast(self, node: Node, a, b):
        """NumPy's broadcast of a column over a matrix's columns (`W X + b`) or a row over
        its rows (`Z + r`): the matrix's shape, with the decision recorded; else None."""
        if node.op not in ("add", "sub", "hadamard", "ediv"):
            return None
        d = self.dims
        for vec, mat, side in ((b, a, 1), (a, b, 0)):
            if d.is_one(mat[0]) or d.is_one(mat[1]):
                continue
            if d.is_one(vec[1]) and not d.is_one(vec[0]) and d.unify(vec[0], mat[0]):
                self.decision[id(node)] = ("columns", side, node)
                return mat
            if d.is_one(vec[0]) and not d.is_one(vec[1]) and d.unify(vec[1], mat[1]):
                self.decision[id(node)] = ("rows", side, node)
                return mat
        return None

    def _read_per_entry_bias(self, node: Node, a, b) -> None:
        """`X w + b` with b open, X a matrix and w the weights: a vector of one bias per
        entry by SPEC 2, where the field often means one intercept; remembered for a note
        if b stays a vector.  Only a sum: `y - X w` is a target, not an intercept."""
        if node.op != "add":
            return
        for mine, other, shape in ((node.args[0], node.args[1], b), (node.args[1], node.args[0], a)):
            leaf, other = unparen(mine), unparen(other)
            if leaf.op != "name" or default_kind(leaf.value) != "vector" or \
                    self.syms[leaf.value].declared or other.op != "matmul":
                continue
            weights = unparen(other.args[1])
            if weights.op != "name" or not WEIGHTS.match(weights.value):
                continue            # W x + b is a layer's bias vector; X w + b often an intercept
            left = self.shape_of.get(id(other.args[0]))
            if left is not None and not self.dims.is_one(left[0]) and not self.dims.is_one(left[1]) \
                    and self.dims.is_one(shape[1]) and not self.dims.is_one(shape[0]):
                self.per_entry_bias.setdefault(leaf.value, self._text(other))

    def _per_entry_bias_notes(self) -> list:
        return [f"{name} is read as a vector, one entry added to each entry of {other}; write "
                f"`where {name}: scalar` for one intercept added to every entry"
                for name, other in sorted(self.per_entry_bias.items())
                if name in self.syms and self.syms[name].kind == "vector"
                and name not in self.read_as_scalar]

    def _broadcast_note(self, kind, side, node) -> str:
        vec, mat = (node.args[1], node.args[0]) if side == 1 else node.args
        v, m = self._text(vec), self._text(mat)
        verb = {"add": "added to", "sub": "subtracted from" if side == 1 else "added to",
                "hadamard": "multiplying", "ediv": "dividing" if side == 1 else "divided by"}[node.op]
        if kind == "columns":
            return (f"{v} is a column {verb} every column of {m}, as NumPy broadcasts: "
                    f"read as {v} 1^T")
        return f"{v} is a row {verb} every row of {m}, as NumPy broadcasts: read as 1 {v}"
