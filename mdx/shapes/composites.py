"""The functions of mdx.language.composites, for mdx.shapes._Typer: a call's shape, and the
expression it stands for, built from its record; each use brings the record's note.

Per-axis forms follow PyTorch and NumPy (SPEC 10): `dim=0` works down each column, `dim=1`
along each row (`f(Xᵀ)ᵀ` of the column form); without `dim` a vector is one column, and a
matrix is either all its entries (`max(X)`, `var(X)`, as torch) or each column
(a column-wise form such as softmax, noted)."""

from __future__ import annotations

from fractions import Fraction

from ..expressions import expr as E
from ..expressions.dims import ONE
from ..errors import ShapeError
from ..language.composites import composite
from ..language.functions import ELEMENTWISE
from ..language.syntax import Node
from .table import error_at


class Composites:
    """Shapes and expressions of the composite functions; the typer's state it uses:
    dims, decision, shape_of."""

    def _init_composites(self):
        self.composite_calls: list = []     # every call of a composite
        self.column_calls: list = []        # column-wise calls of a matrix without dim
        self.composite_notes: list = []
        self.kinked_calls: set = set()      # the functions with a kink the problem calls

    def _elementwise_call(self, name: str, a):
        """f(a) of a function of the table, its kink noted."""
        if ELEMENTWISE[name].kink:
            self.kinked_calls.add(name)
        return E.func(name, a)

    def _composite_of(self, node: Node):
        positional = [a for a in node.args if a.op != "kwarg"]
        return composite(node.value, len(positional))

    def _infer_composite(self, node: Node, rec):
        args, axis = self._axis_arguments(node)
        fewest, most = rec.arity
        if not fewest <= len(args) <= most:
            arguments = ", ".join(a.split("=")[0] for a in rec.arguments)
            raise error_at(ShapeError, f"{node.value} takes {fewest if fewest == most else f'{fewest} or {most}'}"
                           f" argument{'s' if most > 1 else ''}, got {len(args)}", node,
                           f"write `{node.value}({arguments})`")
        shapes = [self._infer(a) for a in args]
        self.composite_calls.append(node)
        if rec.form == "elementwise":
            return self._elementwise_shape(node, args, shapes)
        a = shapes[0]
        if self._is_scalar(a):
            raise error_at(ShapeError, f"{node.value} of the scalar {self._text(args[0])}", node,
                           f"{node.value} works on a vector or a matrix: for a scalar, write "
                           "the scalar (or its formula) itself")
        column = self.dims.is_one(a[1])
        if axis is None:
            if column or rec.whole == "columns" and not self.dims.is_one(a[0]):
                how = "columns"
            else:
                how = "entries"
            if how == "columns" and not column:
                self.column_calls.append(node)
        elif column:
            if axis == 1:
                raise error_at(ShapeError, f"{node.value} of a vector along dim=1 takes each "
                               "entry alone", node,
                               f"a vector has one axis: write `{node.value}(…)` or dim=0")
            how = "columns"
        else:
            how = "columns" if axis == 0 else "rows"
        self.decision[id(node)] = ("composite", how)
        if rec.form == "columnwise":
            return a
        if how == "entries" or column:
            return (ONE, ONE)
        return (ONE, a[1]) if how == "columns" else (a[0], ONE)

    def _elementwise_shape(self, node: Node, args, shapes):
        """The shape of the arguments that are not scalars, which must agree."""
        out = None
        for arg, shape in zip(args, shapes):
            if self._is_scalar(shape):
                continue
            if out is None:
                out = shape
            elif not (self.dims.unify(out[0], shape[0]) and self.dims.unify(out[1], shape[1])):
                raise error_at(ShapeError, f"{node.value} takes arguments of one shape (or "
                               f"scalars), but {self._text(arg)} is {self._shape_text(shape)} "
                               f"and {self._text(args[0])} is {self._shape_text(out)}", arg,
                               "make the shapes agree, or use a scalar bound")
        return out if out is not None else (ONE, ONE)

    def _build_composite(self, node: Node, rec, args):
        """The expression the call stands for, its note kept for the typed problem."""
        args = list(args) + [E.Num(Fraction(d)) for d in rec.defaults()[len(args) - rec.arity[0]:]]
        if rec.form == "elementwise":
            out = rec.expand(E, *args)
            self._composite_note(node, rec, None, args)
            return out
        _, how = self.decision[id(node)]
        Z = args[0]
        if how == "entries":
            Z = E.apply("vec", Z)
        elif how == "rows":
            Z = E.transpose(Z)
        out = rec.expand(E, Z)
        self._composite_note(node, rec, Z.rows)
        return E.transpose(out) if how == "rows" else out

    def _composite_note(self, node: Node, rec, count, args=()) -> None:
        note = rec.note(E, *args) if callable(rec.note) else rec.note
        if note:
            self.composite_notes.append(note.format(call=self._text(node), n=count))

    def _composite_reading_notes(self) -> list:
        """The notes of the composite calls, of a matrix's column-wise form without dim,
        and of the functions with a kink that the problem calls (relu, abs)."""
        notes = list(self.composite_notes)
        for name in sorted(self.kinked_calls):
            notes.append(f"{name} has a kink at 0, where mdx takes {ELEMENTWISE[name].kink}, "
                         "as PyTorch does")
        for node in self.column_calls:
            arg = self._text(node.args[0])
            notes.append(f"{node.value}({arg}) of a matrix works on each column; "
                         f"write `{node.value}({arg}, dim=1)` to work on each row")
        return notes

