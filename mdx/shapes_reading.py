"""Reading what practitioners type (SPEC 9), for mdx.shapes._Typer.

* A name written against `(` is a call, or an error that says how to write the call or
  the product: `sigma(z)` is never silently sigma times z.
* An undeclared lower-case name beside a computed scalar (`b` in `w^T x + b`, `c` in
  `c ‖x‖^2`, `y` in `y w^T x`) may be meant as a scalar: the typer records the evidence,
  and mdx.shapes decides the reading and notes it.
* A Greek scalar added to a vector (`x - mu`) is broadcast, with a note.
* A column added to a matrix (`W X + b`) is broadcast over its columns as NumPy does,
  `W X + b 1^T`; a row over its rows, `Z + 1 r`; with a note.
* `softmax(Z, dim=1)` and the other per-axis forms; a matrix softmax without `dim` is
  noted, since it normalises columns where much code normalises rows.
"""

from __future__ import annotations

from .dims import ONE
from .errors import ShapeError
from .names import default_kind
from .operators import ELEMENTWISE
from .shape_table import error_at
from .shapes_ml import unparen
from .syntax import Node

AXIS_FUNCTIONS = ("softmax", "logsumexp", "sum", "mean")
AXIS_WORDS = ("dim", "axis")
SIGMOID_LIKE = ("sigma", "sigm", "sig", "sigmoid_", "logistic", "expit")


def _simple(node: Node) -> bool:
    """A number, a symbol, or a product or power of them: not a computed scalar."""
    node = unparen(node)
    if node.op in ("number", "name"):
        return True
    if node.op == "neg":
        return _simple(node.args[0])
    if node.op in ("matmul", "div"):
        return all(_simple(a) for a in node.args)
    if node.op == "postfix" and node.value not in ("T", "-T"):
        return _simple(node.args[0])
    return False


def _mentions(node: Node, name: str) -> bool:
    return node.op == "name" and node.value == name or any(_mentions(a, name) for a in node.args)


class Readings:
    """SPEC 9's readings; the typer's state it uses: syms, dims, decision, shape_of."""

    def _init_readings(self, scalars: dict):
        self.read_as_scalar = scalars       # undeclared names mdx.shapes reads as scalars: why
        self.evidence: dict = {}            # name -> why a scalar reading is likely
        self.vector_evidence: set = set()   # names read as scalars inside a norm or a sum
        self.weak_evidence: dict = {}       # name -> (why, the product, the scalar in it)
        self.greek_broadcasts: list = []    # (name node, other node, op)
        self.softmaxes: list = []           # (call node, argument shape)

    # ------------------------------------------------------------ a name against "("
    def _name_against_paren(self, name: Node, paren: Node) -> None:
        """Refuse `phi(x)` where phi is no function: it is a call, never silently a
        product, even when the name is declared a scalar or a vector.  A matrix (`A(x - y)`)
        is a product, as is a name with a space before the bracket (`lambda (w^T w)`)."""
        if name.end != paren.start:
            return
        word = name.value
        info = self.syms.get(word)
        kind = info.kind if info is not None and info.declared else default_kind(word)
        if kind in ("matrix", "identity", None):
            return                  # (a name of no kind: the unknown-name error explains)
        arg = self._text(paren)[1:-1].strip()
        product = f"`{word} ({arg})` or `{word} * ({arg})` for a product"
        own = f"`where {word}: scalar function` for a function of your own"
        if word.lower() in SIGMOID_LIKE:
            hint = f"write `σ({arg})` or `sigmoid({arg})` for the sigmoid, {own}, {product}"
        else:
            from .hints import name_hint
            known = name_hint(word)
            hint = (known + "; or " if known else "declare ") + f"{own}; write {product}"
        raise error_at(ShapeError, f"{word}(…) reads as a call, but {word} is not a function",
                       name.start, hint, paren.end)

    # ------------------------------------------------------------ open kinds
    def _open_name(self, node: Node):
        """The name of an undeclared lower-case symbol that `node` is (through brackets):
        SPEC 2 makes it a vector, and the problem may mean a scalar (`-y log(p)` too)."""
        node = unparen(node)
        while node.op == "neg":
            node = unparen(node.args[0])
        if node.op != "name" or default_kind(node.value) != "vector":
            return None
        info = self.syms.get(node.value)
        return node.value if info is not None and not info.declared else None

    def _computed_scalar(self, node: Node, shape) -> bool:
        return self._is_scalar(shape) and not _simple(node)

    def _beside_computed_scalar(self, name: str, other: Node, shape) -> bool:
        """`b + w^T x`: a computed scalar beside the name, which it does not mention
        (`x - mean(x)` centres a vector) and which is not written as a broadcast (`s 1`)."""
        if not self._computed_scalar(other, shape) or _mentions(other, name):
            return False
        other = unparen(other)
        return not (other.op == "matmul" and unparen(other.args[1]).op == "number")

    def _read_sum(self, node: Node, a, b) -> None:
        """Evidence from a sum: an open name beside a computed scalar (`w^T x + b`), and a
        Greek scalar beside a vector (`x - mu`), noted once the shapes are known."""
        left, right = node.args
        verb = "added to" if node.op == "add" else "subtracted from"
        for mine, other, other_shape in ((left, right, b), (right, left, a)):
            name = self._open_name(mine)
            if name is not None and self._beside_computed_scalar(name, other, other_shape):
                o = self._text(other)
                self.evidence.setdefault(name, f"the scalar {o} is {verb} it" if mine is left
                                         else f"it is {verb} the scalar {o}")
            leaf = unparen(mine)
            if leaf.op == "name" and default_kind(leaf.value) == "scalar" and \
                    not self.syms[leaf.value].declared:
                self.greek_broadcasts.append((leaf, other, node))

    def _read_product(self, node: Node) -> None:
        """Evidence from a product: an open name followed by a computed scalar (`c ‖x‖^2`,
        `y log(p)`, `c (x^T x)`).  Followed by factors that make a scalar only together
        (`y w^T x`, `a b^T x`), the name is a vector by SPEC 7's grouping, `(y w^T) x`: that is
        weak evidence, taken only when the vector reading does not type."""
        factors = []
        n = node
        while n.op == "matmul" and self.decision.get(id(n)) != "call":
            factors.append(n.args[1])
            n = n.args[0]
        factors.append(n)
        factors.reverse()
        for i, f in enumerate(factors[:-1]):
            name = self._open_name(f)
            if name is None or name in self.evidence:
                continue
            first = self.shape_of.get(id(factors[i + 1]))
            if first is None or not self.dims.is_one(first[0]):
                continue
            for j in range(i + 1, len(factors)):
                last = self.shape_of.get(id(factors[j]))
                if last is not None and self.dims.is_one(last[1]):
                    run = factors[i + 1:j + 1]
                    if (len(run) > 1 or not _simple(run[0])) and \
                            not any(_mentions(r, name) for r in run):
                        text = self.p.text[run[0].start:run[-1].end]
                        why = f"it multiplies the scalar {text}"
                        if len(run) == 1:
                            self.evidence[name] = why
                        else:
                            self.weak_evidence.setdefault(name, (why, self.p.text[f.start:run[-1].end],
                                                                 text))
                    break

    def _read_reduction(self, node: Node, a) -> None:
        """A norm, sum or softmax of a scalar that holds a name read as a scalar: the
        problem means that name as a vector (`‖z - u h^T v‖^2`)."""
        if self.read_as_scalar and self._is_scalar(a):
            self.vector_evidence |= {n for n in self.read_as_scalar if _mentions(node, n)}

    def _read_divisor(self, node: Node) -> None:
        """Evidence from `/`, which divides by a scalar: the open names of a divisor that is
        not one (`/ sqrt(d_k)`, `/ c`), through brackets and elementwise functions."""
        text = self._text(node)
        stack = [node]
        while stack:
            n = unparen(stack.pop())
            name = self._open_name(n)
            if name is not None:
                self.evidence.setdefault(name, f"`/` divides by the scalar {text}")
            elif n.op in ("neg", "epow", "add", "sub", "matmul", "div", "hadamard", "ediv") or \
                    n.op == "postfix" and n.value not in ("T", "-T") or \
                    n.op in ("call", "bare_call") and (n.value in ELEMENTWISE or n.value == "σ"):
                stack.extend(n.args)

    # ------------------------------------------------------------ broadcasts
    def _broadcast(self, node: Node, a, b):
        """NumPy's broadcast of a column over a matrix's columns (`W X + b`) or a row over
        its rows (`Z + r`): the matrix's shape, with the decision recorded; else None."""
        if node.op not in ("add", "sub"):
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

    # ------------------------------------------------------------ per-axis functions
    def _axis_arguments(self, node: Node):
        """(positional arguments, axis or None) of a call; `dim=`/`axis=` only for the
        functions that take it, with a number 0, 1 or -1."""
        args, axis = [], None
        for a in node.args:
            if a.op != "kwarg":
                args.append(a)
                continue
            word, value = a.args
            if word.value not in AXIS_WORDS or node.value not in AXIS_FUNCTIONS:
                takes = ", ".join(AXIS_FUNCTIONS)
                raise error_at(ShapeError, f"{node.value} takes no argument {word.value}=", a,
                               f"`dim=` (or `axis=`) is an argument of {takes}")
            text = self._text(value).replace(" ", "")
            if text not in ("0", "1", "-1"):
                raise error_at(ShapeError, f"{word.value}={text} is not an axis of a matrix", a,
                               f"write `{word.value}=0` (down each column) or `{word.value}=1` "
                               "(along each row)")
            axis = 1 if text == "-1" else int(text)
        return args, axis

    def _axis_shape(self, node: Node, a, axis):
        """The shape of softmax/logsumexp/sum/mean along an axis, the decision recorded."""
        fname = node.value
        if axis is None:
            if fname in ("softmax", "logsumexp"):
                self.softmaxes.append((node, a))
                return a if fname == "softmax" else (ONE, a[1])
            return (ONE, ONE)
        if self.dims.is_one(a[1]) and not self.dims.is_one(a[0]):     # a column vector
            if axis == 1:
                raise error_at(ShapeError, f"{fname} of a vector along dim=1 takes each entry "
                               "alone", node, f"a vector has one axis: write `{fname}(…)` or dim=0")
            return a if fname == "softmax" else (ONE, ONE)
        self.decision[id(node)] = ("axis", axis)
        if fname == "softmax":
            return a
        return (ONE, a[1]) if axis == 0 else (a[0], ONE)

    def _build_axis(self, node: Node, fname: str, a):
        """The typed expression of a per-axis call, in the language's own terms:
        softmax(Z, dim=1) = softmax(Zᵀ)ᵀ, sum(X, dim=0) = 1ᵀ X, mean(X, dim=1) = X 1 / m."""
        from . import expr as E
        how = self.decision.get(id(node))
        if how is None:
            return E.apply(fname, a) if fname in ("softmax", "logsumexp") else None
        axis = how[1]
        if fname in ("softmax", "logsumexp"):
            if axis == 0:
                return E.apply(fname, a)
            return E.transpose(E.apply(fname, E.transpose(a)))
        total = E.mul(E.ones((ONE, a.rows)), a) if axis == 0 else E.mul(a, E.ones((a.cols, ONE)))
        if fname == "sum":
            return total
        count = E.entry_count((a.rows,) if axis == 0 else (a.cols,))
        return E.mul(total, E.power(count, -1))

    # ------------------------------------------------------------ the notes
    def _reading_notes(self) -> list:
        """What was read how, once every shape is known."""
        notes = []
        for name in sorted(self.read_as_scalar):
            if name in self.syms:
                why = self.read_as_scalar[name]
                notes.append(f"{name} is read as a scalar, since {why}; "
                             f"write `where {name}: vector` to read it as a vector")
        for name, (_, product, scalar) in sorted(self.weak_evidence.items()):
            if name in self.syms and self.syms[name].kind == "vector":
                notes.append(f"{name} is read as a vector, so {product} is the vector {name} "
                             f"({scalar}); write `where {name}: scalar` to read {name} as a scalar")
        for leaf, other, node in self.greek_broadcasts:
            shape = self.shape_of.get(id(other))
            if shape is not None and not self._is_scalar(shape):
                verb = "subtracted from" if node.op == "sub" and leaf is not unparen(node.args[0]) \
                    else "added to"
                notes.append(f"{leaf.value} is a scalar (a Greek letter), {verb} every entry of "
                             f"{self._text(other)}; write `where {leaf.value}: vector` for a vector")
        for how in self.decision.values():
            if isinstance(how, tuple) and how[0] in ("columns", "rows"):
                notes.append(self._broadcast_note(*how))
        for node, a in self.softmaxes:
            if not self.dims.is_one(a[1]) and not self.dims.is_one(a[0]):
                arg = self._text(node.args[0])
                notes.append(f"{node.value}({arg}) of a matrix works on each column; "
                             f"write `{node.value}({arg}, dim=1)` to work on each row")
        return list(dict.fromkeys(notes))

    def _broadcast_note(self, kind, side, node) -> str:
        vec, mat = (node.args[1], node.args[0]) if side == 1 else node.args
        v, m = self._text(vec), self._text(mat)
        if kind == "columns":
            return (f"{v} is a column added to every column of {m}, as NumPy broadcasts: "
                    f"read as {v} 1^T")
        return f"{v} is a row added to every row of {m}, as NumPy broadcasts: read as 1 {v}"
