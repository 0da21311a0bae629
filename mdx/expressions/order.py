"""The order of commutative operands (`x ∘ exp(x)`, `2 λ1 w`, the terms a Hadamard product
sorts): read off the structure, as a reader scans an expression left to right — its
leading names, numbers and functions — then the structure itself.  Never a printer: how
an expression prints may change without reordering anything.

`reading(e)` is a short tuple of tokens, kept on the node (each is made from its first
child's, so a deep expression costs O(1) per node)."""

from __future__ import annotations

from ..language.functions import text_name
from .nodes import (Add, Apply, Commutation, D, DiagSelector, DimSize, EDiv, EPow, Expr, Func, Had,
                    Identity, Kron, Mul, Num, Ones, Pow, Sym, T, Unvec, Zero)
from .node_base import compare

LENGTH = 6          # tokens compared; beyond them, the structure decides

_LEAF = {Ones: "1", Identity: "I", Zero: "0", Commutation: "K", DiagSelector: "E"}
_APPLY = {"diagm": "diag", "diagv": "diag", "logdet": "log", "norm": "‖", "norm1": "‖"}


def reading(e: Expr) -> tuple:
    got = e.__dict__.get("_reading")
    if got is None:
        got = e.__dict__["_reading"] = _tokens(e)[:LENGTH]
    return got


def _tokens(e: Expr) -> tuple:
    leaf = _LEAF.get(type(e))
    if leaf is not None:
        return (leaf,)
    if isinstance(e, Sym):
        return ("d" + e.name[1:],) if e.diff else (e.name,)
    if isinstance(e, Num):
        v = e.value
        return ("-",) + _number(-v) if v < 0 else _number(v)
    if isinstance(e, DimSize):
        return (e.n,)
    if isinstance(e, D):
        return ("d", "(") + reading(e.arg)
    if isinstance(e, Func):
        return (text_name(e.name) + "'" * e.primes, "(") + reading(e.arg)
    if isinstance(e, Apply):
        return (_APPLY.get(e.name, e.name), "(") + reading(e.arg)
    if isinstance(e, Unvec):
        return ("unvec", "(") + reading(e.arg)
    if isinstance(e, T):
        return _operand(e.arg) + ("^T",)
    if isinstance(e, EPow):
        return _operand(e.base) + (".^",) + _number(e.k)
    if isinstance(e, Pow):
        return ("1", "/") + _operand(e.base) if e.is_scalar and e.k < 0 else \
            _operand(e.base) + ("^",) + _number(e.k)
    if isinstance(e, Add):
        return reading(e.terms[0])
    if isinstance(e, (Had, EDiv, Kron)):
        first = e.factors[0] if isinstance(e, Had) else e.num if isinstance(e, EDiv) else e.a
        return _operand(first)
    if isinstance(e, Mul):
        c = e.coeff
        lead = ("-",) if c < 0 else ()
        if abs(c).numerator != 1:
            lead += _number(abs(c).numerator)
        rest = list(e.scalars) + list(e.chain)
        return lead + (_operand(rest[0]) if rest else ("1",))
    return (type(e).__name__,)


def _operand(e: Expr) -> tuple:
    """As an operand of a product or a postfix operator prints: a sum in brackets."""
    return ("(",) + reading(e) if isinstance(e, (Add, Mul, Had, EDiv, Kron)) else reading(e)


def _number(v) -> tuple:
    return (str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}",)


class ReadingOrder:
    """A sort key: sums last, then the reading, then the structure."""

    __slots__ = ("e",)

    def __init__(self, e: Expr):
        self.e = e

    def __lt__(self, other: "ReadingOrder") -> bool:
        a, b = self.e, other.e
        if isinstance(a, Add) != isinstance(b, Add):
            return isinstance(b, Add)
        ra, rb = reading(a), reading(b)
        return ra < rb if ra != rb else compare(a, b) < 0
