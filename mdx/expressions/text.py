"""Plain Unicode text, as in SPEC examples: `(A + A^T) X`, `X^{-1}`, `‖x - a‖`, `x ∘ y`."""

from __future__ import annotations

from . import nodes as E
from . import construct as C
from ..language.functions import text_name
from .kept import kept_prime
from .printer import Prec, Printer, number_text, precedence, subscript_size, twice_inverse_transposed

APPLY_NAMES = {"tr": "tr", "det": "det", "sum": "sum", "mean": "mean", "var": "var", "std": "std",
               "softmax": "softmax", "logsumexp": "logsumexp", "diagm": "diag", "diagv": "diag",
               "vec": "vec"}


class TextPrinter(Printer):
    bare_broadcast = True       # x - 6 1 reads as 61: x - 6, as NumPy broadcasts it
    def _print_Sym(self, e):
        return e.name

    def _print_Num(self, e):
        return number_text(e.value)

    def _print_Ones(self, e):
        return self.ones_form(e, "1", lambda d: "_" + _sub(d), "^T")

    def _print_Identity(self, e):
        return "I" if any(self.leaf_pin) else "I_" + _sub(e.n)

    def _print_DiagSelector(self, e):
        # always sized, as K_{m,n}: the size is what makes E_n read back as the selector
        # (mdx.shapes.ml_forms), where E alone or E_1 is a matrix of the problem's (SPEC 2)
        return "E_" + _sub(e.n)

    def _print_Mul(self, e):
        sign, top, bottom = self._fraction(e)
        if not bottom:
            return sign + top
        below = bottom[0] if len(bottom) == 1 else self.wrap(" ".join(bottom))
        return f"{sign}{top} / {below}"

    def _chain_factor(self, f, after_number):
        """A ones matrix bare in a product (A^T 1 1^T: products group left to right, so it
        reads back the same), but in parentheses after a number: `2 1 1^T` reads as 21."""
        if isinstance(f, E.Ones) and not after_number:
            return self.doprint(f)
        return super()._chain_factor(f, after_number)

    def _print_T(self, e):
        row = self.row_form(e)
        if row is not None:
            return f"{APPLY_NAMES[e.arg.name]}({self.doprint(row)}, dim=1)"
        return self.paren(e.arg, Prec.POSTFIX, strict=True) + "^T"

    def _print_Pow(self, e):
        k = e.k
        if e.is_scalar and k < 0:
            return "1 / " + self.paren(C.power(e.base, -k), Prec.POSTFIX, strict=True)
        twice = twice_inverse_transposed(e)
        if twice is not None:
            return " ".join([self.paren(twice, Prec.POSTFIX, strict=True) + "^{-T}"] * 2)
        inv_t = self.inverse_transpose_form(e)
        if inv_t is not None:
            return self.paren(inv_t, Prec.POSTFIX, strict=True) + "^{-T}"
        base = self.paren(e.base, Prec.POSTFIX, strict=True)
        if k.denominator != 1 or k < 0:
            return f"{base}^{{{number_text(k)}}}"
        return f"{base}^{k}"

    def _print_EPow(self, e):
        k = number_text(e.k)
        exp = k if e.k > 0 and "/" not in k else f"({k})"          # x.^2, x.^0.5, x.^(1/3), x.^(-1)
        return f"{self.paren(e.base, Prec.POSTFIX, strict=True)}.^{exp}"

    def _print_Func(self, e):
        if e.bounds:                            # f(u, lo, hi) kept whole; f' an expression
            if e.primes:
                return self.doprint(kept_prime(e))
            return f"{e.name}({', '.join(self.doprint(a) for a in e.children())})"
        name = text_name(e.name) + "'" * e.primes
        return f"{name}({self.doprint(e.arg)})"

    def _print_Had(self, e):
        return " ∘ ".join(self.elementwise_operands(self.hadamard_factors(e.factors)))

    def _print_EDiv(self, e):
        return " ./ ".join(self.elementwise_operands((e.num, e.den)))

    def _print_Kron(self, e):
        return f"{self.paren(e.a, Prec.PRODUCT, strict=True)} ⊗ {self.right_operand(e.b)}"

    def _print_Apply(self, e):
        a = e.arg
        if e.name in ("norm", "norm1"):
            inner = self.doprint(a)
            if "‖" in inner:        # ‖x - ‖y‖ 1‖ does not parse: the outer one is a call
                return f"{e.name}({inner})"
            sub = "_1" if e.name == "norm1" else "_F" if a.rows != "1" and a.cols != "1" else ""
            return f"‖{inner}‖{sub}"
        if e.name == "logdet":
            return "log det " + (self.doprint(a) if isinstance(a, E.Sym) else f"({self.doprint(a)})")
        row = self.transposed_row_form(e)
        if row is not None:
            return f"{APPLY_NAMES[e.name]}({self.doprint(row)}, dim=1)^T"
        return f"{APPLY_NAMES[e.name]}({self.doprint(a)})"

    def _print_Unvec(self, e):
        # its shape is the one the result states (the variable's, a where line's)
        return f"unvec({self.doprint(e.arg)})"

    def _print_D(self, e):
        if isinstance(e.arg, E.Sym):
            return "d" + e.arg.name
        return f"d({self.doprint(e.arg)})"


def _sub(d: str) -> str:
    s = subscript_size(d)
    return s if len(s) == 1 else "{" + s + "}"


_PRINTER = TextPrinter()
_PRINTER.memo = True
_PRINTER.keep_on_node = "_text"


def to_text(e: E.Expr) -> str:
    return _PRINTER.doprint(e)


def measuring():
    """A block in which to_text prints each shared subtree once (Printer.session)."""
    return _PRINTER.session()


LARGE = 400         # nodes; printed, about 1,500 characters


def printed_length(e: E.Expr, to_text=to_text) -> tuple:
    """How long e prints, for "whichever reads shorter" and "innermost first": the text's
    length, except for a large expression, measured by its node count (kept on the node):
    printing the pieces of a deep derivative only to measure them cost time quadratic in
    the depth.  A node keeps its length (its text too, if small: Printer.keep_on_node)."""
    if e.size >= LARGE:
        return (1, e.size)
    if to_text is not _to_text:
        return (0, len(to_text(e)))
    got = e.__dict__.get("_text_length")   # the length, where the text itself is not kept
    if got is None:
        got = e.__dict__["_text_length"] = len(to_text(e))
    return (0, got)


_to_text = to_text




__all__ = ["to_text", "TextPrinter", "precedence"]
