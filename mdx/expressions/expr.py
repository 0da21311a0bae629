"""The expression language in one namespace: `E.Mul`, `E.mul(...)`, `E.is_symmetric(...)`.

The nodes live in mdx.expressions.nodes, their smart constructors in
mdx.expressions.construct (sums, products) and mdx.expressions.operators (the others, and
`rebuild`).  This namespace also completes the nodes with their printed forms, since it is
the one module that sees both: `repr` is the text (as the SPEC prints it) and Jupyter
renders LaTeX.
"""

from __future__ import annotations

from .construct import (
    ONE_SCALAR, SYMMETRIC_PROPS, ZERO_SCALAR, add, commutation, entry_count, identity, inverse,
    is_symmetric, neg, num, ones, parts, power, scale, split_coeff, sub, transpose, zero,
)
from .latex import to_latex
from .nodes import (
    SCALAR, Add, Apply, Commutation, D, DiagSelector, DimSize, EDiv, EPow, Expr, Func, Had,
    Identity, Kron, Mul, Num, Ones, Pow, Shape, Sym, T, Unvec, Zero, is_const, is_vector_shape,
    is_zero,
)
from .operators import (ELEMENTWISE, apply, ediv, epower, func, hadamard, kron, mul, rebuild,
                        substitute, unvec, written_variance)
from .text import to_text


def _repr(self) -> str:
    return to_text(self)


def _repr_latex_(self) -> str:
    """Jupyter renders `der.result` (any expression) as LaTeX."""
    return f"${to_latex(self)}$"


Expr.__repr__ = _repr
Expr._repr_latex_ = _repr_latex_

__all__ = [
    "ELEMENTWISE", "ONE_SCALAR", "SYMMETRIC_PROPS", "ZERO_SCALAR", "add", "apply",
    "commutation", "ediv", "entry_count", "epower", "func", "hadamard", "identity", "inverse",
    "is_symmetric", "kron", "mul", "neg", "num", "ones", "parts", "power", "rebuild", "scale",
    "split_coeff", "sub", "substitute", "transpose", "unvec", "zero", "SCALAR", "Add", "Apply",
    "Commutation", "D", "DiagSelector", "DimSize", "EDiv", "EPow", "Expr", "Func", "Had",
    "Identity", "Kron", "Mul", "Num", "Ones", "Pow", "Shape", "Sym", "T", "Unvec", "Zero", "is_const",
    "is_vector_shape", "is_zero", "written_variance",
]
