"""Shape inference: walking the syntax tree, unify dimensions (`A X` forces
cols(A) = rows(X); `tr`, `det` and `inv` force square) and refuse what cannot fit."""

from __future__ import annotations

import re

from ..expressions.dims import ONE
from ..errors import LimitError, ShapeError, SizeLimitError, UnsupportedError
from ..bounds.limits import MAX_MATRIX_POWER
from .table import error_at
from ..language.functions import SPELLINGS
from ..language.syntax import Node
from .ml_forms import unparen

class Inference:
    """The shape of every node of the syntax tree, for mdx.shapes._Typer."""

    def _shape_text(self, shape):
        return "×".join(self._dim_text(d) for d in shape)

    def _dim_text(self, d):
        d = self.dims.find(d)
        if isinstance(d, tuple):
            return "·".join(self._dim_text(x) for x in d[1:])
        if not d.startswith("?"):
            return d
        if d not in self.display:
            free = [c for c in "nmpqrkst" if c not in self.named_dims and c not in self.syms
                    and c not in self.display.values()]
            self.display[d] = free[0] if free else d
        return self.display[d]

    def _is_scalar(self, shape):
        return self.dims.is_one(shape[0]) and self.dims.is_one(shape[1])

    def _is_vector(self, shape):
        return self.dims.is_one(shape[1]) and not self.dims.is_one(shape[0])

    def _text(self, node):
        return self.p.text[node.start:node.end]

    def _infer(self, node: Node):
        try:
            shape = getattr(self, "_infer_" + node.op)(node)
        except SizeLimitError as e:         # at the innermost node: the one that made the size
            raise error_at(LimitError, e.message, node, e.hint) from None
        self.shape_of[id(node)] = shape
        return shape

    def _infer_name(self, node):
        info = self.syms[node.value]
        if info.kind == "function":
            raise error_at(ShapeError, f"{node.value} is a function", node,
                           f"apply it: `{node.value}(x)`")
        if info.kind == "commutation":
            n = self.dims.prod(*info.shape)
            return (n, n)
        if info.kind == "selector":
            n, = info.shape
            return (self.dims.prod(n, n), n)
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
        if node.op in ("add", "sub"):
            self._read_sum(node, a, b)
            self._read_capital_sum(node, a, b)
            self._note_scalar_broadcast(node, a, b)
            self._read_per_entry_bias(node, a, b)
        else:                                   # .* and ./
            self._read_greek_broadcast(node)
        if self._is_scalar(a):
            return b
        if self._is_scalar(b):
            return a
        if not (self.dims.unify(a[0], b[0]) and self.dims.unify(a[1], b[1])):
            broadcast = self._broadcast(node, a, b)
            if broadcast is not None:
                return broadcast
            l, r = node.args
            raise error_at(ShapeError, f"{what} {self._text(l)} ({self._shape_text(a)}) and "
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
        self._read_greek(node, transposed=False)
        if self._is_scalar(a) or self._is_scalar(b):
            self._read_product(node)
            return b if self._is_scalar(a) else a
        if not self.dims.unify(a[1], b[0]):
            hint = "check the order of the factors or transpose one of them"
            open_name = self._undeclared_first_factor(left)
            if open_name is not None:       # C w^T x, exp(t) B: C or t meant as a scalar
                hint = f"if {open_name} is a scalar, declare it (`where {open_name}: scalar`); " \
                       f"otherwise {hint}"
            if self._is_vector(a) and self._is_vector(b):
                self._read_vector_product(node)
                hint = (f"for the elementwise product write `{self._text(left)} .* "
                        f"{self._text(right)}`; for the inner product `{self._text(left)}^T "
                        f"{self._text(right)}`")
            raise error_at(ShapeError, f"cannot multiply {self._text(left)} ({self._shape_text(a)}) "
                           f"by {self._text(right)} ({self._shape_text(b)}): columns of the left "
                           "must equal rows of the right", node, hint)
        self._read_product(node)
        return (a[0], b[1])

    def _undeclared_first_factor(self, node):
        """The undeclared vector or matrix name a product starts with, itself or under an
        elementwise function (`C`, `exp(t)`), or None."""
        node = unparen(node)
        while node.op == "matmul":
            node = unparen(node.args[0])
        if node.op in ("call", "bare_call") and node.value in SPELLINGS and len(node.args) == 1:
            node = unparen(node.args[0])
        info = self.syms.get(node.value) if node.op == "name" else None
        ok = info is not None and not info.declared and info.kind in ("vector", "matrix")
        return node.value if ok else None

    def _infer_div(self, node):
        a, b = (self._infer(x) for x in node.args)
        if not self._is_scalar(b):
            self._read_divisor(node.args[1])
            self._read_capital_divisor(node.args[1])
            raise error_at(ShapeError, f"cannot divide by {self._text(node.args[1])} "
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
        self._read_reduction(node, a)
        if node.value == "1":
            return (ONE, ONE)
        if node.value == "2" and not self._is_vector(a) and not self._is_scalar(a) \
                and not self.dims.is_one(a[0]):
            raise error_at(UnsupportedError, "the spectral norm ‖X‖_2 of a matrix is not supported",
                           node, "write ‖X‖_F (the Frobenius norm)")
        return (ONE, ONE)

    def _infer_postfix(self, node):
        from .ml_forms import is_one_literal
        if node.value == "T" and is_one_literal(node.args[0]):
            self._mark_ones(node.args[0])           # 1^T is a row of ones (SPEC 8)
        a = self._infer(node.args[0])
        op = node.value
        if op == "T":
            self._read_greek(node, transposed=True)
            return (a[1], a[0])
        if re.fullmatch(r"-?[0-9]+(\.[0-9]+|/[0-9]+)", op):     # s^{1/2}, s^{0.5}
            if not self._is_scalar(a):
                what = self._text(node.args[0])
                raise error_at(ShapeError, f"a fractional power ^{{{op}}} needs a scalar, but {what} "
                               f"is {self._shape_text(a)}", node,
                               f"write `{what}.^({op})` for the elementwise power")
            return a
        if not re.fullmatch(r"-?([0-9]+|T)", op):
            raise error_at(UnsupportedError, f"symbolic power ^{{{op}}} is not supported", node,
                           "use an integer power such as X^2 or X^{-1}")
        if self._is_scalar(a):
            if op in ("-T",):
                return a
            return a
        if self._is_vector(a) or self.dims.is_one(a[0]):
            what = self._text(node.args[0])
            if op in ("-1", "-T"):
                raise error_at(ShapeError, f"a vector has no inverse: {what} is {self._shape_text(a)}",
                               node, "invert a square matrix")
            self._read_power(node)
            raise error_at(ShapeError, f"{what}^{op} is not defined for a vector ({self._shape_text(a)})",
                           node, f"write `{what} ∘ {what}` for the elementwise square or `‖{what}‖^2`")
        self._square(a, node.args[0], f"^{op} needs a square matrix" if op not in ("-1", "-T")
                     else "the inverse needs a square matrix")
        if op != "-T" and abs(int(op)) > MAX_MATRIX_POWER:     # d(X^k) has k terms
            raise error_at(LimitError, f"matrix powers are limited to ±{MAX_MATRIX_POWER}: the "
                           f"differential of X^{op} has {abs(int(op))} terms", node,
                           "use a smaller power, or diagonalise by hand")
        return (a[1], a[0]) if op == "-T" else a

    def _square(self, a, node, what):
        if not self.dims.unify(a[0], a[1]):
            raise error_at(ShapeError, f"{what}, but {self._text(node)} is {self._shape_text(a)}", node,
                           "declare it square or use a square expression")

    def _infer_call(self, node):
        fname = node.value
        rec = self._composite_of(node)
        if rec is not None:
            return self._infer_composite(node, rec)
        if fname == "kron":
            if len(node.args) != 2:
                raise error_at(ShapeError, "kron takes two arguments", node, "write `kron(A, B)`")
            a, b = (self._infer(x) for x in node.args)
            return (self.dims.prod(a[0], b[0]), self.dims.prod(a[1], b[1]))
        if fname == "ones":
            return self._infer_ones_call(node)
        args, axis = self._axis_arguments(node)
        if len(args) != 1:
            raise error_at(ShapeError, f"{fname} takes one argument, got {len(args)}", node,
                           f"write `{fname}(X)`")
        a = self._infer(args[0])
        arg = args[0]
        if fname in ("tr", "det", "logdet", "inv"):
            if fname in ("det", "logdet"):
                self._note_det_argument(arg)
            if fname == "tr":
                self._note_trace_argument(arg, a)
            if not self._is_scalar(a):
                self._square(a, arg, f"{fname} needs a square matrix")
            return a if fname == "inv" else (ONE, ONE)
        if fname in ("sum", "mean", "softmax", "logsumexp", "norm", "norm1", "diag", "vec"):
            self._read_reduction(node, a)
        if fname in ("softmax", "logsumexp", "sum", "mean"):     # per column or axis (SPEC 8, 10)
            return self._axis_shape(node, a, axis)
        if fname in ("norm", "norm1"):
            return (ONE, ONE)
        if fname == "diag":
            if self._is_scalar(a):
                raise error_at(ShapeError, "diag takes a vector or a square matrix, not a scalar", node)
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
