"""LaTeX (amsmath): `\\left(A + A^{T}\\right) X`, `X^{-1}`, `\\operatorname{tr}`."""

from __future__ import annotations


from . import nodes as E
from . import construct as C
from ..language.functions import ELEMENTWISE_FUNCTIONS
from ..language.names import latex_name
from .printer import Prec, Printer, split_fraction, subscript_size

OPS = {"tr": r"\operatorname{tr}", "det": r"\det", "sum": r"\operatorname{sum}",
       "mean": r"\operatorname{mean}",
       "softmax": r"\operatorname{softmax}", "logsumexp": r"\operatorname{logsumexp}",
       "diagm": r"\operatorname{diag}", "diagv": r"\operatorname{diag}", "vec": r"\operatorname{vec}"}
FUNCS = {f.name: f.latex for f in ELEMENTWISE_FUNCTIONS}


class LatexPrinter(Printer):
    def wrap(self, s):
        return self.delim("(", s, ")")

    def delim(self, left: str, body: str, right: str) -> str:
        """Delimiters sized to their content (a breaking printer uses fixed sizes)."""
        return rf"\left{left}{body}\right{right}"

    def _print_Sym(self, e):
        if e.diff:                                  # thin spaces: A \, dX \, B
            return r"\,\mathrm{d}" + latex_name(e.name[1:]) + r"\,"
        return latex_name(e.name)

    def _print_Num(self, e):
        v = e.value
        if v.denominator == 1:
            return str(v.numerator)
        return rf"\frac{{{v.numerator}}}{{{v.denominator}}}"

    def _print_Ones(self, e):
        return self.ones_form(e, r"\mathbf{1}", lambda d: f"_{{{subscript_size(d)}}}", "^{T}")

    def sized_row(self, one, sub, transposed):
        return "{" + one + sub + "}" + transposed       # (1_m)ᵀ: the T after the size

    def _print_Identity(self, e):
        return "I" if any(self.leaf_pin) else f"I_{{{subscript_size(e.n)}}}"

    def _print_Mul(self, e):
        sign, top, bottom = self._fraction(e)
        if not bottom:
            return sign + top
        return rf"{sign}\frac{{{top}}}{{{' '.join(bottom)}}}"

    def _print_T(self, e):
        row = self.row_form(e)
        if row is not None:
            return OPS[e.arg.name] + self.wrap(self.doprint(row) + r",\ \mathrm{dim}=1")
        return self.paren(e.arg, Prec.POSTFIX, strict=True) + "^{T}"

    def _print_Pow(self, e):
        k = e.k
        if isinstance(e.base, E.T) and k == -1:
            return self.paren(e.base.arg, Prec.POSTFIX, strict=True) + "^{-T}"
        base = self.paren(e.base, Prec.POSTFIX, strict=True)
        kk = str(k.numerator) if k.denominator == 1 else rf"{k.numerator}/{k.denominator}"
        return f"{base}^{{{kk}}}"

    def _print_EPow(self, e):
        k = e.k
        kk = str(k.numerator) if k.denominator == 1 else rf"{k.numerator}/{k.denominator}"
        return self.paren(e.base, Prec.POSTFIX, strict=True) + rf"^{{\circ {kk}}}"

    def _print_Func(self, e):
        name = FUNCS.get(e.name, latex_name(e.name)) + "'" * e.primes
        return name + self.wrap(self.doprint(e.arg))

    def _print_Had(self, e):
        return r" \circ ".join(self.elementwise_operands(e.factors))

    def _print_EDiv(self, e):
        return r" \oslash ".join(self.elementwise_operands((e.num, e.den)))

    def _print_Kron(self, e):
        return (self.paren(e.a, Prec.PRODUCT, strict=True) + r" \otimes "
                + self.right_operand(e.b))

    def _print_Apply(self, e):
        a = e.arg
        if e.name == "norm":
            sub = "_F" if a.rows != "1" and a.cols != "1" else ""
            return self.delim(r"\lVert ", self.doprint(a), r" \rVert") + sub
        if e.name == "norm1":
            return self.delim(r"\lVert ", self.doprint(a), r" \rVert") + "_1"
        if e.name == "logdet":
            return r"\log\det" + self.wrap(self.doprint(a))
        row = self.transposed_row_form(e)
        if row is not None:
            return OPS[e.name] + self.wrap(self.doprint(row) + r",\ \mathrm{dim}=1") + "^{T}"
        return OPS[e.name] + self.wrap(self.doprint(a))

    def _print_D(self, e):
        if isinstance(e.arg, E.Sym):
            return r"\mathrm{d}" + latex_name(e.arg.name)
        return r"\mathrm{d}" + self.wrap(self.doprint(e.arg))


class BreakingLatexPrinter(LatexPrinter):
    """For align rows: a sum longer than `width` (as text) breaks after its terms onto
    new rows, and delimiters around a broken piece get fixed sizes (\\bigl( ... \\bigr)),
    which, unlike \\left/\\right, may span rows."""

    BREAK = r" \\" + "\n" + r"&\qquad "

    def __init__(self, width: int):
        self.width = width

    def _print_Add(self, e):
        from .text import to_text
        if len(to_text(e)) <= self.width:
            return super()._print_Add(e)
        lines, current, used = [], "", 0
        for n, t in enumerate(e.terms):
            c, rest = C.split_coeff(t)
            if n == 0:
                piece = self.doprint(t)
            elif c < 0:
                piece = " - " + self.paren(C.scale(-c, rest), Prec.PRODUCT)
            else:
                piece = " + " + self.paren(t, Prec.SUM, strict=True)
            size = len(to_text(t)) + 3
            if current and used + size > self.width:
                lines.append(current)
                current, used = piece.lstrip(), size
            else:
                current, used = current + piece, used + size
        lines.append(current)
        return self.BREAK.join(lines)

    def _print_Mul(self, e):
        _, den, c = split_fraction(e)
        if not den and c.denominator == 1:
            return super()._print_Mul(e)
        width, self.width = self.width, float("inf")     # a row cannot break inside \frac{}{}
        try:
            return super()._print_Mul(e)
        finally:
            self.width = width

    def delim(self, left, body, right):
        if self.BREAK in body:
            return rf"\bigl{left}{body}\bigr{right}"
        return super().delim(left, body, right)


class InlineLatexPrinter(LatexPrinter):
    """For $…$ in running text: plain delimiters, which (unlike a \\left…\\right group)
    let TeX break the line after a + or − inside them."""

    list_sep = r",\ \allowbreak "          # and between the definitions of a where list
    where_sep = r", \allowbreak\quad \text{where } "

    def delim(self, left, body, right):
        return f"{left}{body}{right}"

    def _print_Mul(self, e):
        sign, top, bottom = self._fraction(e)       # a slash: TeX cannot break inside \frac
        if not bottom:
            return sign + top
        below = bottom[0] if len(bottom) == 1 else "(" + " ".join(bottom) + ")"
        return f"{sign}{top} / {below}"


_PRINTER = LatexPrinter()
_PRINTER.memo = True


def to_latex(e: E.Expr) -> str:
    return _PRINTER.doprint(e)


