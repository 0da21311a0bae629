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
from ..language.composites import COMPOSITES, composite
from ..language.functions import ELEMENTWISE
from ..language.syntax import Node
from .ml_forms import unparen
from .readings import AXIS_WORDS, _mentions
from .table import error_at


KEPT_COMPOSITES = tuple(c for c in COMPOSITES if c.kept is not None)


def _default(argument: str):
    """The value of an argument left out: its default (`a=0.01`), or None (no bound)."""
    value = argument.split("=", 1)[1] if "=" in argument else "None"
    return None if value == "None" else E.Num(Fraction(value))


def _number(node) -> Fraction | None:
    """The value of a number, or of a negated one, as typed; else None."""
    node = unparen(node) if node is not None else None
    sign = 1
    while node is not None and node.op == "neg":
        sign, node = -sign, unparen(node.args[0])
    if node is None or node.op != "number":
        return None
    return sign * Fraction(node.value)


class Composites:
    """Shapes and expressions of the composite functions; the typer's state it uses:
    dims, decision, shape_of."""

    def _init_composites(self):
        self.column_calls: list = []        # column-wise calls of a matrix without dim
        self.composite_notes: list = []
        self.kinked_calls: set = set()      # the functions with a kink the problem calls
        self.keep_whole = True              # f(u, lo, hi) kept whole (not in a body)

    def _elementwise_call(self, name: str, a):
        """f(a) of a function of the table, its kink noted."""
        if ELEMENTWISE[name].kink:
            self.kinked_calls.add(name)
        return E.func(name, a)

    def _composite_of(self, node: Node):
        positional = [a for a in node.args if a.op != "kwarg"]
        return composite(node.value, len(positional))

    def _composite_arguments(self, node: Node, rec) -> tuple:
        """(the argument nodes by position, None where left out; the axis or None):
        positional ones first, then keywords (`min=0`, `dim=1`)."""
        nodes: list = [a for a in node.args if a.op != "kwarg"]
        fewest, most = rec.arity
        if not fewest <= len(nodes) <= most:
            arguments = ", ".join(rec.argument(i) for i in range(most))
            count = fewest if fewest == most else f"{fewest} to {most}"
            raise error_at(ShapeError, f"{node.value} takes {count} argument{'s' if most > 1 else ''}"
                           f", got {len(nodes)}", node, f"write `{node.value}({arguments})`")
        nodes += [None] * (most - len(nodes))
        axis = None
        for kw in (a for a in node.args if a.op == "kwarg"):
            word = kw.args[0].value
            if word in AXIS_WORDS and rec.form != "elementwise":
                axis = self._axis_of(kw)
                continue
            target = (rec.keywords or {}).get(word)
            if target is None:
                known = sorted(rec.keywords or ()) + (list(AXIS_WORDS) if rec.form != "elementwise" else [])
                raise error_at(ShapeError, f"{node.value} takes no argument {word}=", kw,
                               f"its keywords are {', '.join(f'`{k}=`' for k in known)}" if known
                               else f"write `{node.value}({', '.join(a.split('=')[0] for a in rec.arguments)})`")
            i = next(i for i in range(most) if rec.argument(i) == target)
            if nodes[i] is not None:
                raise error_at(ShapeError, f"{word}= gives {target} a second time", kw,
                               f"give each argument of {node.value} once")
            nodes[i] = kw.args[1]
        return nodes, axis

    def _axis_of(self, kw: Node) -> int:
        """The axis of `dim=…` (`axis=…`): 0 or 1 as NumPy and PyTorch count, -1 and -2
        from the end."""
        word, value = kw.args
        text = self._text(value).replace(" ", "")
        if text not in ("0", "1", "-1", "-2"):
            raise error_at(ShapeError, f"{word.value}={text} is not an axis of a matrix", kw,
                           f"write `{word.value}=0` (down each column) or `{word.value}=1` "
                           "(along each row)")
        return {"-1": 1, "-2": 0}.get(text, int(text) if text in ("0", "1") else 0)

    def _infer_composite(self, node: Node, rec):
        nodes, axis = self._composite_arguments(node, rec)
        given = [(i, n) for i, n in enumerate(nodes) if n is not None]
        shapes = {i: self._infer(n) for i, n in given}
        for i, n in given:
            if rec.argument(i) in rec.scalars:
                self._read_scalar_argument(node, rec, i, n, shapes[i])
        if rec.form == "elementwise":
            self._check_bounds(node, rec, nodes)
            arrays = [(n, shapes[i]) for i, n in given if rec.argument(i) not in rec.scalars]
            return self._elementwise_shape(node, [n for n, _ in arrays], [s for _, s in arrays])
        a = shapes[0]
        if self._is_scalar(a):
            raise error_at(ShapeError, f"{node.value} of the scalar {self._text(nodes[0])}", node,
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

    def _read_scalar_argument(self, node: Node, rec, i: int, arg: Node, shape) -> None:
        """A bound or a slope is a scalar: an undeclared name there is read as one (SPEC 9,
        with a note); anything else must be one."""
        what = f"the {rec.argument(i)} of {node.value}"
        name = self._open_name(arg)
        if name is not None:
            self._scalar_evidence({name}, f"it is {what}, a scalar")
            return
        if not self._is_scalar(shape):
            raise error_at(ShapeError, f"{what} must be a scalar, but {self._text(arg)} is "
                           f"{self._shape_text(shape)}", arg,
                           f"use a number or a scalar for {rec.argument(i)}")

    def _check_bounds(self, node: Node, rec, nodes, built=None) -> None:
        """Bounds given as numbers the wrong way round (1, -1; 2 - 1, 0 once built) leave
        no value between."""
        if "lo" not in rec.scalars or "hi" not in rec.scalars:
            return
        lo, hi = (nodes[i] for i in (1, 2))
        if lo is None and hi is None:           # as torch and numpy refuse it
            x = self._text(nodes[0])
            raise error_at(ShapeError, f"{node.value} needs a lower or an upper bound", node,
                           f"write `{node.value}({x}, lo, hi)`, or one bound: `{node.value}({x}, min=0)`")
        values = [_number(n) for n in (lo, hi)] if built is None else \
            [b.value if isinstance(b, E.Num) else None for b in built[1:3]]
        if None not in values and values[0] > values[1]:
            raise error_at(ShapeError, f"{node.value}'s lower bound {self._text(lo)} is above its "
                           f"upper bound {self._text(hi)}", node,
                           f"write `{node.value}({self._text(nodes[0])}, {self._text(hi)}, {self._text(lo)})`")

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

    def _build_composite(self, node: Node, rec, build):
        """The expression the call stands for, its note kept for the typed problem."""
        nested = self._nested_kept(node, rec, build)
        if nested is not None:
            return nested
        nodes, _ = self._composite_arguments(node, rec)
        args = [build(n) if n is not None else _default(rec.arguments[i]) for i, n in enumerate(nodes)]
        if rec.form == "elementwise":
            self._check_bounds(node, rec, nodes, args)
            if self._kept_whole(rec, args):
                typed = {rec.argument(i): self._text(n) for i, n in enumerate(nodes)}
                self.composite_notes.append(rec.kept.note.format(call=self._text(node), **typed))
                return E.func(rec.name, args[0], bounds=tuple(args[1:]))
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

    def _nested_kept(self, node: Node, rec, build):
        """A kept function written out of two calls (min(max(x, lo), hi), in either order
        within each call) as the one function it is, or None: its value is the same, and at
        a bound it passes the gradient where the calls would halve it at a tie.  A `nested`
        form that is the function only for numbers lo ≤ hi (max(min(x, hi), lo) is lo when
        lo > hi) is read so only for such numbers."""
        if rec.form != "elementwise" or rec.arity != (2, 2):
            return None
        nodes, _ = self._composite_arguments(node, rec)
        for whole in KEPT_COMPOSITES:
            for outer, inner, inner_gives, always in whole.kept.nested:
                if rec.name != outer:
                    continue
                for call, other in (nodes, nodes[::-1]):
                    got = self._inner_call(call, inner)
                    if got is None or not self._scalar_node(other):
                        continue
                    x, bound = got
                    lo, hi = (bound, other) if inner_gives == "lo" else (other, bound)
                    numbers = [_number(n) for n in (lo, hi)]
                    in_order = None not in numbers and numbers[0] <= numbers[1]
                    if not (always or in_order) or None not in numbers and not in_order:
                        continue                # f(x, 1, -1) is refused as typed
                    args = [build(n) for n in (x, lo, hi)]
                    if not self._kept_whole(whole, args):
                        continue
                    texts = {"x": self._text(x), "lo": self._text(lo), "hi": self._text(hi)}
                    self.composite_notes.append(whole.kept.nested_note.format(
                        call=self._text(node), f=whole.name, **texts))
                    return E.func(whole.name, args[0], bounds=tuple(args[1:]))
        return None

    def _inner_call(self, call: Node, inner: str):
        """(x, the bound) of a call of the two-argument `inner` whose bound is a scalar that
        holds no variable; or None."""
        call = unparen(call)
        rec = self._composite_of(call) if call.op in ("call", "bare_call") else None
        if rec is None or rec.name != inner or rec.form != "elementwise" or rec.arity != (2, 2):
            return None
        nodes, _ = self._composite_arguments(call, rec)
        variables = {w for w, _ in self.p.variables}
        for x, bound in (nodes, nodes[::-1]):
            if self._scalar_node(bound) and not any(_mentions(bound, v) for v in variables):
                return x, bound
        return None

    def _scalar_node(self, node: Node) -> bool:
        shape = self.shape_of.get(id(node))
        return shape is not None and self._is_scalar(shape)

    def _kept_whole(self, rec, args) -> bool:
        """Whether a call is kept whole (mdx.language.composites.Kept, both bounds given): its
        parameters hold no variable of the problem, whose derivative through them the
        kept form does not take.  A function's body expands it (SymPy differentiates
        the body, and has no such function)."""
        if rec.kept is None or not self.keep_whole or any(a is None for a in args):
            return False
        variables = {w for w, _ in self.p.variables}
        return not any(variables & a.free for a in args[1:])

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

