"""One printer base class and one precedence table for every output format.

A printer finds `_print_<NodeClass>` for each node; a node class without one is
a loud error, never a silent str().  Parentheses come from `precedence` alone.
"""

from __future__ import annotations

from enum import IntEnum
from fractions import Fraction

from .. import expr as E
from ..limits import charge


class Prec(IntEnum):
    SUM = 10
    PRODUCT = 20
    NEG = 25
    POSTFIX = 30
    ATOM = 40


def precedence(e: E.Expr) -> Prec:
    if isinstance(e, E.Add):
        return Prec.SUM
    if isinstance(e, E.Num):
        if e.value < 0:
            return Prec.NEG
        return Prec.ATOM if e.value.denominator == 1 else Prec.PRODUCT
    if isinstance(e, E.Mul):
        if e.coeff < 0:
            return Prec.NEG
        return Prec.PRODUCT
    if isinstance(e, (E.Had, E.EDiv, E.Kron)):
        return Prec.PRODUCT
    if isinstance(e, E.Pow) and e.is_scalar and e.k < 0:
        return Prec.PRODUCT
    if isinstance(e, (E.T, E.Pow)):
        return Prec.POSTFIX
    if isinstance(e, E.Sym) and e.diff:
        return Prec.POSTFIX
    return Prec.ATOM


class Printer:
    # A printer whose output for a node depends on nothing but the node (the parent adds
    # any parentheses) names an attribute here, and each node keeps its printed form
    # there: sorting by printed form and printing step after step of a deep derivation
    # then print each node once, not once per enclosing expression.
    memo: str | None = None

    def doprint(self, e: E.Expr) -> str:
        memo = self.memo
        if memo is not None:
            done = e.__dict__.get(memo)
            if done is not None:
                return done
        charge()                        # printing a huge result is work too
        for cls in type(e).__mro__:
            method = getattr(self, "_print_" + cls.__name__, None)
            if method is not None:
                out = method(e)
                if memo is not None:
                    e.__dict__[memo] = out
                return out
        raise NotImplementedError(f"{type(self).__name__} cannot print {type(e).__name__}")

    def paren(self, e: E.Expr, level: Prec, strict: bool = False) -> str:
        """e printed, in parentheses if it binds looser than `level`."""
        p = precedence(e)
        s = self.doprint(e)
        if p < level or (strict and p == level):
            return self.wrap(s)
        return s

    def wrap(self, s: str) -> str:
        return f"({s})"

    def _print_Add(self, e: E.Add) -> str:
        """Terms joined by + and -; a negative term prints as `- term`."""
        out = self.doprint(e.terms[0])
        for t in e.terms[1:]:
            c, rest = E.split_coeff(t)
            if c < 0:
                out += " - " + self.paren(E.scale(-c, rest), Prec.PRODUCT)
            else:
                out += " + " + self.paren(t, Prec.SUM, strict=True)
        return out

    # Constants print the same in text and LaTeX (the NumPy printer overrides them).
    def _print_Zero(self, e):
        return "0"

    def _print_Identity(self, e):
        return "I"

    def _print_DiagSelector(self, e):
        return "E"

    def _print_DimSize(self, e):
        return e.n

    def _print_Commutation(self, e):
        return "K"

    def _fraction(self, e: E.Mul):
        """(sign, numerator text, denominator factor texts) of a product."""
        num, den, c = split_fraction(e)
        sign = "-" if c < 0 else ""
        c = abs(c)
        head = [str(c.numerator)] if c.numerator != 1 else []
        top = " ".join(head + [self._factor(f) for f in num + list(e.chain)]) or "1"
        bottom = [self._factor(f) for f in den]
        if c.denominator != 1:
            bottom.insert(0, str(c.denominator))
        return sign, top, bottom

    def _factor(self, f: E.Expr) -> str:
        """A factor of a juxtaposed product; products inside one get parentheses."""
        if isinstance(f, (E.Mul, E.Had, E.EDiv, E.Kron)):
            return self.wrap(self.doprint(f))
        return self.paren(f, Prec.POSTFIX)


def split_fraction(m: E.Mul):
    """(numerator factors, denominator factors, coefficient) of a product:
    scalar factors with negative exponents go below the line."""
    num, den = [], []
    for s in m.scalars:
        if isinstance(s, E.Pow) and s.k < 0:
            den.append(E.power(s.base, -s.k))
        else:
            num.append(s)
    return num, den, m.coeff


def number_text(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    d = v.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        return repr(float(v)).rstrip("0").rstrip(".") if abs(v) < 1e6 else str(float(v))
    return f"{v.numerator}/{v.denominator}"
