"""The expression language in one namespace: `E.Mul`, `E.mul(...)`, `E.is_symmetric(...)`.

The nodes live in mdx.expressions.nodes, their smart constructors in mdx.expressions.construct (sums, products)
and mdx.expressions.operators (the others); the text and LaTeX
printers are imported here so that every node prints (`repr`, Jupyter) and sorts its
commutative operands the same way however it was reached.
"""

from __future__ import annotations

from .construct import (
    ONE_SCALAR, SYMMETRIC_PROPS, ZERO_SCALAR, add, commutation, entry_count, identity, inverse,
    is_symmetric, mul, neg, num, ones, parts, power, scale, split_coeff, sub, transpose, zero,
)
from .nodes import (
    SCALAR, Add, Apply, Commutation, D, DiagSelector, DimSize, EDiv, EPow, Expr, Func, Had,
    Identity, Kron, Mul, Num, Ones, Pow, Shape, Sym, T, Zero, is_const, is_vector_shape, is_zero,
)
from .operators import ELEMENTWISE, apply, ediv, epower, func, hadamard, kron, substitute
# imported for what importing them does: they fill nodes.HOOKS (repr, LaTeX, operand order)
from . import latex as _latex, text as _text

__all__ = [
    "ELEMENTWISE", "ONE_SCALAR", "SYMMETRIC_PROPS", "ZERO_SCALAR", "add", "apply",
    "commutation", "ediv", "entry_count", "epower", "func", "hadamard", "identity", "inverse",
    "is_symmetric", "kron", "mul", "neg", "num", "ones", "parts", "power", "scale", "split_coeff",
    "sub", "substitute", "transpose", "zero", "SCALAR", "Add", "Apply", "Commutation", "D",
    "DiagSelector", "DimSize", "EDiv", "EPow", "Expr", "Func", "Had", "Identity", "Kron", "Mul",
    "Num", "Ones", "Pow", "Shape", "Sym", "T", "Zero", "is_const", "is_vector_shape", "is_zero",
]

del _latex, _text
