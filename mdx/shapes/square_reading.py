"""Readings around matrix functions.

tr(log(X)) applies log to each entry (the language's functions are elementwise), which a
note says, since the trace of a matrix function (tr log X = log det X) is as classic.

det of a product of matrices no size is given for, `det(A X B)`, is read with A, X and B
square, as the Matrix Cookbook's (49) and (51) state it, and a note says so.

Nothing but the determinant ties such factors, so their sizes are open; a reader of the
field takes them square (the Cookbook's ∂ det(AXB)/∂X = det(AXB) X⁻ᵀ), and square factors
of an invertible product are invertible, so (A X B)⁻¹ splits and A^T (A X B)^{-T} B^T is
X^{-T}.  A factor with a declared size or one tied to a number or a named size, a name
written twice (det(X A X)) or a transpose (X^T A X) keeps the general reading."""

from __future__ import annotations

from .ml_forms import unparen
from ..language.syntax import Node

MATRIX_FUNCTIONS = ("log", "exp", "sqrt", "sin", "cos")     # each also a function of matrices


def _factors(node: Node) -> list | None:
    """The names of a product written as names side by side (A X B), or None."""
    node = unparen(node)
    if node.op == "name":
        return [node]
    if node.op == "number":                 # det(2 A X): a constant factor is no matrix
        return []
    if node.op != "matmul":
        return None
    left, right = (_factors(a) for a in node.args)
    return None if left is None or right is None else left + right


class SquareReading:
    """For mdx.shapes._Typer: records det's products while inferring, reads them after."""

    def _init_square_reading(self):
        self.det_products: list = []        # the arguments of det and logdet
        self.read_square: list = []         # the factor names read as square, per product
        self.trace_notes: list = []

    def _note_det_argument(self, arg: Node):
        self.det_products.append(arg)

    def _note_trace_argument(self, arg: Node, shape):
        """tr(f(X)), f elementwise, X a matrix: noted as entry by entry."""
        inner = unparen(arg)
        if inner.op not in ("call", "bare_call") or inner.value not in MATRIX_FUNCTIONS \
                or self._is_scalar(shape) or self._is_vector(shape):
            return
        f, x = inner.value, self._text(inner.args[0])
        also = {"log": f"for the matrix logarithm, tr(log(X)) = log det(X): write `log det({x})`",
                "exp": "the matrix exponential is not in the language"}.get(
            f, f"the matrix function {f} is not in the language")
        self.trace_notes.append(f"{f}({x}) in tr(…) applies {f} to each entry, as every "
                                f"function of the language does; {also}")

    def _read_square_products(self):
        """Ties the sizes of each product's factors into one, where all are open."""
        for arg in self.det_products:
            names = _factors(arg)
            if not names or len(names) < 2:
                continue
            infos = [self.syms.get(n.value) for n in names]
            if any(i is None or i.kind != "matrix" for i in infos):
                continue
            if len({n.value for n in names}) < len(names):
                continue
            dims = [d for i in infos for d in i.shape]
            if not all(self._open(d) for d in dims):
                continue
            for d in dims[1:]:
                self.dims.unify(dims[0], d)
            self.read_square.append([n.value for n in names])

    def _open(self, d) -> bool:
        d = self.dims.find(d)
        return isinstance(d, str) and d.startswith("?") and not d.startswith("?o")

    def _square_reading_notes(self) -> list:
        notes = list(self.trace_notes)
        for names in self.read_square:
            listed = ", ".join(names[:-1]) + " and " + names[-1]
            product = " ".join(names)
            notes.append(f"{listed} are read as square, as in the Matrix Cookbook's det({product}); "
                         f"declare their sizes (`where {names[0]}: matrix n x m`) for rectangular "
                         "ones")
        return notes
