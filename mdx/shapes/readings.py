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

from ..expressions.dims import ONE
from ..errors import ShapeError
from ..language.names import default_kind
from ..language.functions import SPELLINGS
from ..language.composites import PER_AXIS
from .table import error_at
from .ml_forms import unparen
from ..language.syntax import Node

AXIS_FUNCTIONS = ("softmax", "logsumexp", "sum", "mean")
AXIS_WORDS = ("dim", "axis")
SIGMOID_LIKE = ("sigma", "sigm", "sig", "sigmoid_", "logistic", "expit")


def _elementwise(node: Node) -> bool:
    return node.op in ("call", "bare_call") and node.value in SPELLINGS


def _mentions(node: Node, name: str) -> bool:
    return node.op == "name" and node.value == name or any(_mentions(a, name) for a in node.args)


class Readings:
    """SPEC 9's readings; the typer's state it uses: syms, dims, decision, shape_of."""

    def _init_readings(self, scalars: dict, vectors: dict):
        self.read_as_scalar = scalars       # undeclared names mdx.shapes reads as scalars: why
        self.read_as_vector = vectors       # undeclared Greek letters read as vectors: why
        self.greek_evidence: dict = {}      # Greek name -> why it looks like a vector
        self.matrix_calls: list = []        # (name, bracket) of a matrix against `(`: Φ(z)
        self.evidence: dict = {}            # name -> why a scalar reading is likely
        self.vector_evidence: set = set()   # names read as scalars inside a norm or a sum
        self.weak_evidence: dict = {}       # name -> (why, the product, the scalar in it,
        #                                     the product's node)
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
        if kind == "matrix":
            self.matrix_calls.append((name, paren))     # noted if the bracket is a scalar
        if kind in ("matrix", "identity", None):
            return                  # (a name of no kind: the unknown-name error explains)
        arg = self._text(paren)[1:-1].strip()
        product = f"`{word} ({arg})` or `{word} * ({arg})` for a product"
        own = f"`where {word}: scalar function` for a function of your own"
        if word.lower() in SIGMOID_LIKE:
            hint = f"write `σ({arg})` or `sigmoid({arg})` for the sigmoid, {own}, {product}"
        else:
            from ..language.hints import name_hint
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

    def _scalar_factor(self, node: Node) -> bool:
        """A number, a scalar symbol or size, or a product, power or elementwise function of
        them (`2`, `θ`, `0.5 β`, `sqrt(n)`); remembered per node (a sum of k terms asks it
        of each of its k nested sums)."""
        memo = self.__dict__.setdefault("_scalar_factors", {})
        got = memo.get(id(node))
        if got is None:
            got = memo[id(node)] = self._is_scalar_factor(node)
        return got

    def _is_scalar_factor(self, node: Node) -> bool:
        node = unparen(node)
        if node.op == "number":
            return True
        if node.op == "name":
            info = self.syms.get(node.value)
            return info is not None and info.kind in ("scalar", "size")
        if node.op in ("neg", "matmul", "div", "add", "sub") or _elementwise(node):
            return all(self._scalar_factor(a) for a in node.args)
        if node.op == "postfix" and node.value not in ("T", "-T"):
            return self._scalar_factor(node.args[0])
        return False

    def _open_operand(self, node: Node):
        """The open names an operand is made of, through numbers, scalars, sums and
        elementwise functions (`b`, `2 b`, `log(z)`, `sigmoid(z) - y`); None when it holds
        anything else (a declared vector, a matrix, a computed product).  Remembered per node."""
        memo = self.__dict__.setdefault("_open_operands", {})
        if id(node) not in memo:
            memo[id(node)] = self._find_open_operand(node)
        return memo[id(node)]

    def _find_open_operand(self, node: Node):
        node = unparen(node)
        name = self._open_name(node)
        if name is not None:
            return {name}
        if node.op in ("neg", "matmul", "div", "add", "sub", "hadamard", "ediv", "epow") or \
                _elementwise(node) or node.op == "postfix" and node.value not in ("T", "-T"):
            out: set = set()
            for a in node.args:
                if not self._scalar_factor(a):
                    got = self._open_operand(a)
                    if got is None:
                        return None
                    out |= got
            return out or None
        return None

    def _open_terms(self, node: Node):
        """The open names of a sum's terms, a scalar term skipped (`w^T x - log(y)`,
        `theta_0 + theta_1 x - y`); None when a term is some other vector."""
        node = unparen(node)
        if node.op in ("add", "sub", "neg"):
            out: set = set()
            for a in node.args:
                got = self._open_terms(a)
                if got is None:
                    return None
                out |= got
            return out
        shape = self.shape_of.get(id(node))
        if shape is not None and self._is_scalar(shape):
            return set()
        return self._open_operand(node)

    def _scalar_evidence(self, names, why: str) -> None:
        for name in sorted(names or ()):
            self.evidence.setdefault(name, why)

    def _computed_scalar(self, node: Node, shape) -> bool:
        return self._is_scalar(shape) and not self._scalar_factor(node)

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
            for name in sorted(self._open_operand(mine) or ()):
                if self._beside_computed_scalar(name, other, other_shape):
                    o, it = self._text(other), self._text(mine)
                    self.evidence.setdefault(name, f"the scalar {o} is {verb} {it}" if mine is left
                                             else f"{it} is {verb} the scalar {o}")
        self._read_greek_broadcast(node)

    def _read_greek_broadcast(self, node: Node) -> None:
        """A Greek scalar (SPEC 2) beside a vector or matrix in a sum or an elementwise
        product or division (`x - mu`, `gamma .* z`): broadcast, noted once the shapes are known."""
        for mine, other in (node.args, node.args[::-1]):
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
            names = self._open_operand(f)
            if not names or len(names) > 1 or names <= set(self.evidence):
                continue
            (name,) = names
            first = self.shape_of.get(id(factors[i + 1]))
            if first is None or not self.dims.is_one(first[0]):
                continue
            for j in range(i + 1, len(factors)):
                last = self.shape_of.get(id(factors[j]))
                if last is not None and self.dims.is_one(last[1]):
                    run = factors[i + 1:j + 1]
                    if (len(run) > 1 or not self._scalar_factor(run[0])) and \
                            not any(_mentions(r, name) for r in run):
                        text = self.p.text[run[0].start:run[-1].end]
                        why = f"it multiplies the scalar {text}"
                        if len(run) == 1:
                            self.evidence[name] = why
                        else:
                            self.weak_evidence.setdefault(name, (why, self.p.text[f.start:run[-1].end],
                                                                 text, node))
                    break

    def _read_reduction(self, node: Node, a) -> None:
        """A norm, sum or softmax of a scalar that holds a name read as a scalar: the
        problem means that name as a vector (`‖z - u h^T v‖^2`)."""
        if self.read_as_scalar and self._is_scalar(a):
            self.vector_evidence |= {n for n in self.read_as_scalar if _mentions(node, n)}

    def _read_divisor(self, node: Node) -> None:
        """Evidence from `/`, which divides by a scalar: the open names of a divisor that is
        not one (`/ sqrt(d_k)`, `/ c`), through brackets and elementwise functions."""
        self._scalar_evidence(self._open_terms(node), f"`/` divides by the scalar {self._text(node)}")

    def _read_power(self, node: Node) -> None:
        """Evidence from a power of a vector, which has none (`(y - w^T x)^2`, `l^2`,
        `(sigmoid(z) - y)^2`): the open names of its base."""
        base = node.args[0]
        if self._open_name(base) is not None and self._context(node) not in ("add", "sub", "matmul", "div"):
            return              # `d x^2 / dx`, `sum(x^2)`: SPEC 3's error, x ∘ x or ‖x‖^2
        self._scalar_evidence(self._open_terms(base), f"{self._text(node)} is a power of a scalar")

    def _context(self, node: Node):
        """The operator `node` is an operand of, through brackets and minus signs (None at
        the top)."""
        parents = self.__dict__.get("_parents")
        if parents is None:
            parents = self.__dict__["_parents"] = {}
            stack = [self.p.expr]
            while stack:
                n = stack.pop()
                for a in n.args:
                    parents[id(a)] = n
                    stack.append(a)
        up = parents.get(id(node))
        while up is not None and up.op in ("paren", "neg"):
            up = parents.get(id(up))
        return None if up is None else up.op

    def _read_vector_product(self, node: Node) -> None:
        """Evidence from a product of two vectors, which has no meaning (`t g` in
        `x - t g`): the open name on its left, else on its right, is a scalar.  Only in a
        sum: alone, `x y` is the error that suggests `x .* y` or `x^T y`."""
        if self._context(node) not in ("add", "sub"):
            return
        for side in node.args:
            names = self._open_operand(side)
            if names:
                # true whatever the other factor is read as in the end ("scales a vector" was not)
                self._scalar_evidence(names, f"{self._text(node)} cannot be a product of two columns")
                return

    def _read_greek(self, node: Node, transposed: bool) -> None:
        """A Greek letter used as a vector (`θ^T x`, `X β`): Greek letters are scalars by
        SPEC 2, but a scalar is never transposed or multiplied from the left by a matrix."""
        leaf = unparen(node.args[0] if transposed else node.args[1])
        if leaf.op != "name" or default_kind(leaf.value) != "scalar" or leaf.value in self.read_as_scalar:
            return
        info = self.syms.get(leaf.value)
        if info is None or info.declared:
            return
        if transposed:
            why = f"it is transposed in {self._text(node)}"
        else:
            a = self.shape_of.get(id(node.args[0]))
            if a is None or self._is_scalar(a) or self.dims.is_one(a[1]):
                return
            why = f"{self._text(node.args[0])} multiplies it from the left"
        self.greek_evidence.setdefault(leaf.value, why)

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
            per_axis = self._composite_of(node)
            per_axis = node.value in AXIS_FUNCTIONS or per_axis and per_axis.form != "elementwise"
            if word.value not in AXIS_WORDS or not per_axis:
                takes = ", ".join(AXIS_FUNCTIONS + PER_AXIS)
                raise error_at(ShapeError, f"{node.value} takes no argument {word.value}=", a,
                               f"`dim=` (or `axis=`) is an argument of {takes}")
            if axis is not None:
                raise error_at(ShapeError, f"{node.value} takes one `dim=`", a,
                               f"write one axis: `{node.value}(…, dim=0)` or `dim=1`")
            axis = self._axis_of(a)
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
        from ..expressions import expr as E
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
    def _as_size_hint(self, name: str) -> str:
        """How a divisor becomes a size (a vector would not divide): `/ n` as the rows of
        a matrix of the problem, or of a vector."""
        kinds = {i.kind: n for n, i in reversed(self.syms.items()) if n != name}
        rows = name in ("n", "m", "N", "M")         # samples are rows; d, k, p are widths
        other = "d" if rows else ("k" if name == "n" else "n")
        size = f"{name} x {other}" if rows else f"{other} x {name}"
        example = (f"{kinds['matrix']}: matrix {size}" if "matrix" in kinds else
                   f"{kinds.get('vector', 'x')}: vector {name}")
        return f"to divide by a count, make it a size of a declaration (e.g. `where {example}`)"

    def _reading_notes(self) -> list:
        """What was read how, once every shape is known."""
        notes = []
        for name in sorted(self.read_as_scalar):
            if name in self.syms:
                why = self.read_as_scalar[name]
                kind = "matrix" if default_kind(name) == "matrix" else "vector"
                other = (f"write `where {name}: {kind}` to read it as a {kind}"
                         if not why.startswith("`/`") else self._as_size_hint(name))
                notes.append(f"{name} is read as a scalar, since {why}; {other}")
        for name in sorted(self.greek_evidence.keys() - self.read_as_vector.keys()):
            notes.append(f"{name} is read as a scalar (a Greek letter), though "
                         f"{self.greek_evidence[name]}; write `where {name}: vector` for a vector")
        for name in sorted(self.read_as_vector):
            if name in self.syms:
                notes.append(f"{name} is read as a vector, since {self.read_as_vector[name]} (a "
                             f"Greek letter is otherwise a scalar); write `where {name}: scalar` "
                             "to read it as a scalar")
        for name, (_, product, scalar, node) in sorted(self.weak_evidence.items()):
            whole = self.shape_of.get(id(node))     # x^T a b^T x is a scalar either way
            if name in self.syms and self.syms[name].kind == "vector" and \
                    not (whole is not None and self._is_scalar(whole)):
                notes.append(f"{name} is read as a vector, so {product} is the vector {name} "
                             f"({scalar}); write `where {name}: scalar` to read {name} as a scalar")
        for leaf, other, node in self.greek_broadcasts:
            shape = self.shape_of.get(id(other))
            if shape is not None and not self._is_scalar(shape):
                first = leaf is unparen(node.args[0])
                verb = {"sub": "added to" if first else "subtracted from", "hadamard": "multiplying",
                        "ediv": "divided by" if first else "dividing"}.get(node.op, "added to")
                notes.append(f"{leaf.value} is a scalar (a Greek letter), {verb} every entry of "
                             f"{self._text(other)}; write `where {leaf.value}: vector` for a vector")
        for how in self.decision.values():
            if isinstance(how, tuple) and how[0] in ("columns", "rows"):
                notes.append(self._broadcast_note(*how))
        for name, paren in self.matrix_calls:
            shape = self.shape_of.get(id(paren))
            if shape is not None and self._is_scalar(shape):
                notes.append(f"{name.value}{self._text(paren)} is read as the matrix {name.value} "
                             f"times a scalar; declare `where {name.value}: scalar function` for "
                             "a function")
        for node, a in self.softmaxes:      # a matrix, or a row (1×n: each entry alone)
            if not self.dims.is_one(a[1]):
                arg = self._text(node.args[0])
                notes.append(f"{node.value}({arg}) of a matrix works on each column; "
                             f"write `{node.value}({arg}, dim=1)` to work on each row")
        return list(dict.fromkeys(notes))
