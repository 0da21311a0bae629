"""LaTeX (amsmath), as a textbook sets it: `\\left(A + A^{\\top}\\right) X`, `X^{-1}`,
`\\operatorname{tr}`, `\\sqrt{d}`; vectors and matrices bold when asked
(mdx.language.names.latex_name)."""

from __future__ import annotations


from . import nodes as E
from . import construct as C
from ..language.composites import KEPT
from ..language.functions import ELEMENTWISE, STRUCTURAL_LATEX as OPS
from .kept import kept_prime
from ..language.names import bold_names, latex_name
from .printer import Prec, Printer, decimal_coefficient, split_fraction, subscript_size, twice_inverse_transposed

TOP = r"^{\top}"         # the transpose, as the Deep Learning book and most texts set it


class LatexPrinter(Printer):
    @staticmethod
    def bare_numerator(f: E.Expr) -> bool:
        """\\frac{}{} groups its numerator: a sum needs no brackets there either."""
        return isinstance(f, (E.Had, E.EDiv, E.Kron, E.Add))

    def wrap(self, s):
        return self.delim("(", s, ")")

    def delim(self, left: str, body: str, right: str) -> str:
        """Delimiters sized to their content (a breaking printer uses fixed sizes)."""
        return rf"\left{left}{body}\right{right}"

    def _print_Sym(self, e):
        if e.diff:                                  # thin spaces: A \, dX \, B
            return r"\,\mathrm{d}" + latex_name(e.name[1:], e.kind) + r"\,"
        return latex_name(e.name, e.kind)

    def _print_Num(self, e):
        v = e.value
        if v.denominator == 1:
            return str(v.numerator)
        decimal = decimal_coefficient(abs(v))       # 1e-5 as typed: 10^{-5}, not \frac{1}{100000}
        if decimal is not None:
            return ("-" if v < 0 else "") + self.decimal_text(decimal)
        return rf"\frac{{{v.numerator}}}{{{v.denominator}}}"

    def decimal_text(self, text):
        mantissa, _, exponent = text.partition("e")        # 2e-5 as 2 \cdot 10^{-5}
        if not exponent:
            return text
        return ("" if mantissa == "1" else mantissa + r" \cdot ") + f"10^{{{exponent}}}"

    def number_lead(self, c, bare):
        return self._print_Num(E.Num(c))        # \frac{6}{5} 𝟏, not \frac{6 𝟏}{5}

    def _print_Ones(self, e):
        return self.ones_form(e, r"\mathbf{1}", lambda d: f"_{{{subscript_size(d)}}}", TOP)

    def sized_row(self, one, sub, transposed):
        return "{" + one + sub + "}" + transposed       # (1_m)ᵀ: the T after the size

    def _print_Identity(self, e):
        eye = r"\mathbf{I}" if bold_names() else "I"
        return eye if any(self.leaf_pin) else f"{eye}_{{{subscript_size(e.n)}}}"

    def _print_DiagSelector(self, e):
        return (r"\mathbf{E}" if bold_names() else "E") + f"_{{{subscript_size(e.n)}}}"

    def _print_Mul(self, e):
        sign, top, bottom = self._fraction(e)
        if not bottom:
            return sign + top
        return rf"{sign}\frac{{{top}}}{{{' '.join(bottom)}}}"

    def _print_T(self, e):
        row = self.row_form(e)
        if row is not None:
            return OPS[e.arg.name] + self.wrap(self.doprint(row) + r",\ \mathrm{dim}=1")
        return self.paren(e.arg, Prec.POSTFIX, strict=True) + TOP

    def _print_Pow(self, e):
        k = e.k
        twice = twice_inverse_transposed(e)
        if twice is not None:
            return " ".join([self.paren(twice, Prec.POSTFIX, strict=True) + r"^{-\top}"] * 2)
        inv_t = self.inverse_transpose_form(e)
        if inv_t is not None:
            return self.paren(inv_t, Prec.POSTFIX, strict=True) + r"^{-\top}"
        base = self.paren(e.base, Prec.POSTFIX, strict=True)
        kk = str(k.numerator) if k.denominator == 1 else rf"{k.numerator}/{k.denominator}"
        return f"{base}^{{{kk}}}"

    def _print_EPow(self, e):
        k = e.k
        kk = str(k.numerator) if k.denominator == 1 else rf"{k.numerator}/{k.denominator}"
        return self.paren(e.base, Prec.POSTFIX, strict=True) + rf"^{{\circ {kk}}}"

    def _print_Func(self, e):
        if e.bounds:                            # f(u, lo, hi) kept whole; f' an expression
            if e.primes:
                return self.doprint(kept_prime(e))
            return KEPT[e.name].latex + self.wrap(", ".join(self.doprint(a) for a in e.children()))
        arg = self.doprint(e.arg)
        f = ELEMENTWISE.get(e.name)
        if f is not None and not e.primes:
            return f.latex_call(arg, self.wrap(arg))
        name = latex_name(e.name) if f is None else _named(f.latex, e.name)
        return name + "'" * e.primes + self.wrap(arg)

    def _print_Had(self, e):
        return r" \circ ".join(self.elementwise_operands(self.hadamard_factors(e.factors)))

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
        row = self.transposed_row_form(e)
        if row is not None:
            return OPS[e.name] + self.wrap(self.doprint(row) + r",\ \mathrm{dim}=1") + TOP
        return OPS[e.name] + self.wrap(self.doprint(a))

    def _print_Unvec(self, e):
        return r"\operatorname{unvec}" + self.wrap(self.doprint(e.arg))

    def _print_D(self, e):
        if isinstance(e.arg, E.Sym):
            return r"\mathrm{d}" + latex_name(e.arg.name)
        return r"\mathrm{d}" + self.wrap(self.doprint(e.arg))


def _named(latex: str, name: str) -> str:
    """A function's name alone, for its derivative f': a call template (\\sqrt{}) has none."""
    return rf"\operatorname{{{name}}}" if "{}" in latex else latex


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


