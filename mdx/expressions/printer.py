"""One printer base class and one precedence table for every output format.

A printer finds `_print_<NodeClass>` for each node; a node class without one is
a loud error, never a silent str().  Parentheses come from `precedence` alone.
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import IntEnum
from fractions import Fraction

from . import nodes as E
from . import construct as C
from .kept import is_kept_prime, kept_prime
from ..bounds.limits import charge


class Prec(IntEnum):
    SUM = 10
    PRODUCT = 20
    NEG = 25
    POSTFIX = 30
    ATOM = 40


def precedence(e: E.Expr) -> Prec:
    if is_kept_prime(e):                        # printed as its expression
        return precedence(kept_prime(e))
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
    if isinstance(e, E.Pow) and (e.is_scalar and e.k < 0 or twice_inverse_transposed(e)):
        return Prec.PRODUCT
    if isinstance(e, (E.T, E.Pow, E.EPow)):
        return Prec.POSTFIX
    if isinstance(e, E.Sym) and e.diff:
        return Prec.POSTFIX
    if isinstance(e, E.Ones) and e.rows != "1":        # 1 1ᵀ is a product, 1ᵀ a postfix
        return Prec.PRODUCT if e.cols != "1" else Prec.ATOM
    if isinstance(e, E.Ones) and e.cols != "1":
        return Prec.POSTFIX
    return Prec.ATOM


def twice_inverse_transposed(e: E.Pow):
    """The X of (Xᵀ)⁻² (X a name), printed X^{-T} X^{-T} as the Matrix Cookbook's
    d tr(X⁻¹)/dX = −X⁻ᵀ X⁻ᵀ is written; else None."""
    if e.k == -2 and isinstance(e.base, E.T) and isinstance(e.base.arg, E.Sym):
        return e.base.arg
    return None


NOPIN = (False, False)
KEPT_SIZE = 100         # nodes; printed, about 400 characters
_CONSTANT_LEAVES = (E.Ones, E.Identity, E.Zero)


def subscript_size(d: str) -> str:
    """A size as a subscript: n, 3, nm (for n·m)."""
    return "".join(d.split("*"))


_DISPATCH: dict = {}       # (printer class, node class) -> its _print_ method, found once


def _transposes(e) -> int:
    return isinstance(e, E.T) + sum(map(_transposes, e.children()))


class Printer:
    # A printer whose output for a node depends on nothing but the node (the parent adds
    # any parentheses) sets `memo`: while one call prints, each node it meets is printed
    # once, however often the tree shares it (a deep derivative's backward pass repeats
    # the forward activations).  The memo lives for that call only: kept on the nodes,
    # the printed forms of every step of a deep derivation held memory cubic in the depth.
    memo = False
    _printed: dict | None = None        # id(node) and pins -> (node, text), during one call
    # A printer whose output depends on nothing else at all (text; not LaTeX, whose names
    # depend on the problem) may keep a small node's text on the node, under this name:
    # "whichever reads shorter" prints the same small pieces again and again.  Small only,
    # so that what is kept stays linear in the nodes (a deep spine's texts are quadratic).
    keep_on_node: str | None = None
    # Whether the operand about to be printed has its (rows, cols) fixed by a neighbour:
    # `X 1` needs no size on the 1, a lone `1` or `I` does (`1_n`, `I_n`).  Only the
    # ones and identity leaves read it, and they are printed afresh each time.
    _pin = NOPIN
    leaf_pin = NOPIN

    def pin_next(self, rows: bool = True, cols: bool = True) -> None:
        self._pin = (rows, cols)

    BROADCAST = (True, True, "broadcast")     # a sibling of the same shape: `1` broadcasts
    bare_broadcast = False      # whether 6 1 beside x prints as the number (LaTeX keeps 6 𝟏)
    decimals = True             # whether 851/500 t prints as 1.702 t (decimal_coefficient)

    @contextmanager
    def session(self):
        """One memo for every call inside the block: measuring many nested pieces (CSE's
        candidates) prints each shared subtree once, not once per piece."""
        if not self.memo or self._printed is not None:
            yield
            return
        self._printed = {}
        try:
            yield
        finally:
            self._printed = None

    def doprint(self, e: E.Expr) -> str:
        if not self.memo or self._printed is not None:
            return self._doprint(e)
        self._printed = {}          # session()'s work, without a context manager's microsecond
        try:
            return self._doprint(e)
        finally:
            self._printed = None

    def _doprint(self, e: E.Expr) -> str:
        self.leaf_pin, self._pin = self._pin, NOPIN
        key = kept = None
        if not isinstance(e, (E.Ones, E.Identity)):
            pinned = isinstance(e, E.Mul) and self.leaf_pin != NOPIN   # a product passes its pins to its ends
            if self.keep_on_node is not None and e.size < KEPT_SIZE:
                kept = self.keep_on_node + ("%d%d" % self.leaf_pin[:2] if pinned else "")
                done = e.__dict__.get(kept)
                if done is not None:
                    return done
            if self._printed is not None:
                key = (id(e), self.leaf_pin[:2]) if pinned else id(e)
                done = self._printed.get(key)
                if done is not None:
                    return done[1]
        charge()                        # printing a huge result is work too
        method = _DISPATCH.get((type(self), type(e)))
        if method is None:
            method = _DISPATCH[type(self), type(e)] = self._method_for(type(e))
        out = method(self, e)
        if key is not None:
            self._printed[key] = (e, out)     # the node is kept, so its id stays its own
        if kept is not None:
            e.__dict__[kept] = out
        return out

    def _method_for(self, node_type):
        for cls in node_type.__mro__:
            method = getattr(type(self), "_print_" + cls.__name__, None)
            if method is not None:
                return method
        raise NotImplementedError(f"{type(self).__name__} cannot print {node_type.__name__}")

    def paren(self, e: E.Expr, level: Prec, strict: bool = False) -> str:
        """e printed, in parentheses if it binds looser than `level`."""
        p = precedence(e)
        s = self.doprint(e)
        if p < level or (strict and p == level):
            return self.wrap(s)
        return s

    def wrap(self, s: str) -> str:
        return f"({s})"

    @staticmethod
    def row_form(e: E.T):
        """softmax(Aᵀ)ᵀ as softmax(A, dim=1) (logsumexp too), as SPEC 10 writes a per-row
        form: the A to print, when A has fewer transposes than Aᵀ; else None."""
        f = e.arg
        if not (isinstance(f, E.Apply) and f.name in ("softmax", "logsumexp")) \
                or "1" in (f.arg.rows, f.arg.cols):
            return None
        a = C.transpose(f.arg)
        return a if _transposes(a) <= _transposes(f.arg) else None

    @staticmethod
    def inverse_transpose_form(e: E.Pow):
        """(Bᵀ Xᵀ Aᵀ)^{-1} as (A X B)^{-T}, Xᵀ^{-1} as X^{-T}: the A to print with ^{-T},
        when A has fewer transposes than its transpose; else None."""
        if e.k != -1 or e.is_scalar:
            return None
        if isinstance(e.base, E.T):
            return e.base.arg
        a = C.transpose(e.base)
        return a if _transposes(a) < _transposes(e.base) else None

    @staticmethod
    def transposed_row_form(e: E.Apply):
        """softmax(B) as softmax(Bᵀ, dim=1)ᵀ where Bᵀ has fewer transposes (the numerator
        layout of a row softmax: softmax(Wᵀ Xᵀ) is softmax(X W, dim=1)ᵀ); else None."""
        if e.name not in ("softmax", "logsumexp") or "1" in (e.arg.rows, e.arg.cols):
            return None
        a = C.transpose(e.arg)
        return a if _transposes(a) < _transposes(e.arg) else None

    def _print_Add(self, e: E.Add) -> str:
        """Terms joined by + and -; a negative term prints as `- term`."""
        shaped = [shapes_itself(t) for t in e.terms]
        self.pin_terms(0, shaped)
        out = self.doprint(e.terms[0])
        for i, t in enumerate(e.terms[1:], 1):
            c, rest = C.split_coeff(t)
            if c < 0:
                term = C.scale(-c, rest)
                self.pin_terms(i, shaped)
                out += " - " + self.paren(term, Prec.PRODUCT)
            else:
                self.pin_terms(i, shaped)
                out += " + " + self.paren(t, Prec.SUM, strict=True)
        return out

    def pin_terms(self, i: int, shaped: list) -> None:
        """Term i of a sum is pinned (a lone `1` broadcasts) when another term has symbols."""
        if any(s for j, s in enumerate(shaped) if j != i):
            self._pin = self.BROADCAST

    def ones_form(self, e, one: str, sub, transposed: str) -> str:
        """A column `1`, a row `1ᵀ` or a matrix `1 1ᵀ` of ones, with `sub(size)` where no
        neighbour fixes a size."""
        if self.leaf_pin == self.BROADCAST:
            return one                        # x - 1, 1 ./ s: the number, broadcast
        rows, cols = self.leaf_pin[:2]
        col = one + ("" if rows else sub(e.rows))
        row = (one + transposed) if cols else self.sized_row(one, sub(e.cols), transposed)
        if e.rows == "1":
            return row
        if e.cols == "1":
            return col
        return f"{col} {row}"

    def sized_row(self, one: str, sub: str, transposed: str) -> str:
        return one + sub + transposed

    @staticmethod
    def hadamard_factors(factors) -> list:
        """The factors of ∘, a kept function's derivative that prints as a Hadamard
        product as its own factors beside the others: a ∘ b ∘ y, not (a ∘ b) ∘ y."""
        return [g for f in factors
                for g in (kept_prime(f).factors if is_kept_prime(f) and isinstance(kept_prime(f), E.Had)
                          else (f,))]

    def elementwise_operands(self, operands) -> list:
        """The operands of ∘ or ./, printed; a `1` beside a sibling with symbols broadcasts."""
        out = []
        for i, f in enumerate(operands):
            if any(shapes_itself(o) for j, o in enumerate(operands) if j != i):
                self._pin = self.BROADCAST
                if isinstance(f, E.Ones):           # the number 1, not (1): 1 ./ (1 + X).^2
                    out.append(self.doprint(f))
                    continue
            out.append(self.paren(f, Prec.PRODUCT, strict=True) if i == 0 else self.right_operand(f))
        return out

    def right_operand(self, e: E.Expr) -> str:
        """e after ∘, ./ or ⊗, which group to the left: a negative product such as
        `-A y w^T` needs parentheses there, since its minus takes A alone (`1 ./ -A y w^T`
        reads as (1 ./ (-A)) y w^T); `-x` does not."""
        c, rest = C.split_coeff(e)
        if isinstance(e, E.Mul) and c < 0 and (c != -1 or precedence(rest) < Prec.POSTFIX):
            return self.wrap(self.doprint(e))
        return self.paren(e, Prec.PRODUCT, strict=True)

    # Constants print the same in text and LaTeX (the NumPy printer overrides them).
    def _print_Zero(self, e):
        return "0"

    def _print_Identity(self, e):
        return "I"

    def _print_DimSize(self, e):
        return e.n

    def _print_Commutation(self, e):
        return f"K_{{{subscript_size(e.r)},{subscript_size(e.s)}}}"

    def _fraction(self, e: E.Mul):
        """(sign, numerator text, denominator factor texts) of a product."""
        num, den, c = split_fraction(e)
        sign = "-" if c < 0 else ""
        c = abs(c)
        head = [str(c.numerator)] if c.numerator != 1 else []
        chain = list(e.chain)
        below = c.denominator
        if not num and not den and _all_ones(chain):
            if self.bare_broadcast and self.leaf_pin == self.BROADCAST:
                chain = []      # x - 6 1 as x - 6: the number, broadcast, as `x - 1` prints
            lead = self.number_lead(c, bare=not chain) if below != 1 else None
            if lead is not None:        # r - 1.2 as r - 0.8 was typed, not (6 1) / 5
                head, below = [lead], 1
        decimal = decimal_coefficient(c) if self.decimals and below != 1 and not den else None
        if decimal is not None:         # 1.702 t, 2e-4 w: as 0.851, 1e-4 were typed
            head, below = [self.decimal_text(decimal)], 1
        outer_rows, outer_cols = self.leaf_pin[:2]
        alone = (num + chain)[0] if len(num) + len(chain) == 1 and not head else None
        if alone is not None and not den and below == 1 and \
                isinstance(alone, (E.Had, E.EDiv, E.Kron)):
            return sign, self.doprint(alone), []        # -(a ∘ b) = -a ∘ b, bilinear
        if alone is not None and (den or below != 1) and self.bare_numerator(alone):
            # (a ∘ b) / s = a ∘ b / s: the only factor over a scalar needs no brackets
            bottom = [str(below)] if below != 1 else []
            bottom += [self._factor(f) for f in den]
            return sign, self.doprint(alone), bottom
        texts = [self._factor(f) for f in num]
        for i, f in enumerate(chain):
            left = not isinstance(chain[i - 1], _CONSTANT_LEAVES) if i else outer_rows
            right = not isinstance(chain[i + 1], _CONSTANT_LEAVES) if i + 1 < len(chain) \
                else outer_cols
            if isinstance(f, E.Identity):
                left = right = left or right
            self.pin_next(left, right)
            texts.append(self._chain_factor(f, after_number=bool(head) and not texts))
        top = " ".join(head + texts) or "1"
        bottom = [self._factor(f) for f in den]
        if below != 1:
            bottom.insert(0, str(below))
        return sign, top, bottom

    def decimal_text(self, text: str) -> str:
        return text

    def number_lead(self, c: Fraction, bare: bool) -> str | None:
        """c as the number before a block of ones, or None (1_n / 4): in text only a number
        broadcast bare, as typed (r - 1.2, not r - 6 / 5), where a decimal is no size's."""
        text = number_text(c)
        return None if "/" in text or not bare else text

    @staticmethod
    def bare_numerator(f: E.Expr) -> bool:
        """Whether f, the whole numerator of a fraction, prints without brackets: a ∘ b / s
        is (a ∘ b) / s = a ∘ (b / s) (s a scalar), so a bilinear product may."""
        return isinstance(f, (E.Had, E.EDiv, E.Kron))

    def _chain_factor(self, f: E.Expr, after_number: bool) -> str:
        """A factor of a product's matrix chain (a printer may drop parentheses it needs
        only after a number)."""
        return self._factor(f)

    def _factor(self, f: E.Expr) -> str:
        """A factor of a juxtaposed product; products inside one get parentheses."""
        if isinstance(f, (E.Mul, E.Had, E.EDiv, E.Kron)):
            return self.wrap(self.doprint(f))
        if isinstance(f, E.Pow) and twice_inverse_transposed(f):
            return self.doprint(f)          # a matrix product among matrix products
        return self.paren(f, Prec.POSTFIX)


def _all_ones(chain: list) -> bool:
    """Whether a product's chain is a block of ones (1, 1ᵀ or 1 1ᵀ, not the number 1ᵀ 1)."""
    if not chain or not all(isinstance(f, E.Ones) for f in chain):
        return False
    return len(chain) == 1 or (len(chain) == 2 and chain[0].cols == "1" and chain[1].rows == "1")


def shapes_itself(e: E.Expr) -> bool:
    """Whether e, printed, has a shape of its own: a vector or matrix symbol outside its
    scalar parts.  Beside it a `1` broadcasts (x - 1); beside exp(θ) 1 or sum(P) 1 1ᵀ, whose
    symbols are scalars, a `1` needs its size (1_n / θ + exp(θ) 1_n)."""
    if e.is_scalar:
        return False
    got = e.__dict__.get("_shapes_itself")
    if got is None:
        got = e.__dict__["_shapes_itself"] = isinstance(e, E.Sym) or \
            any(shapes_itself(c) for c in e.children())
    return got


def split_fraction(m: E.Mul):
    """(numerator factors, denominator factors, coefficient) of a product:
    scalar factors with negative exponents go below the line."""
    num, den = [], []
    for s in m.scalars:
        if isinstance(s, E.Pow) and s.k < 0:
            den.append(C.power(s.base, -s.k))
        else:
            num.append(s)
    return num, den, m.coeff


def decimal_coefficient(c: Fraction) -> str | None:
    """c as a decimal where it was most likely typed as one: its denominator divides a power
    of ten and has a 5 in it (851/500 is 1.702, 1/5000 is 0.0002); halves, quarters and thirds
    stay fractions (x / 2, not 0.5 x)."""
    d = c.denominator
    if d == 1 or d % 5:
        return None
    text = number_text(c)
    return None if "/" in text else text


def number_text(v: Fraction) -> str:
    if v.denominator == 1:
        return str(v.numerator)
    d = v.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:
        text = _decimal(float(v))
        if Fraction(text) == v:         # exactly v: what reads back is v, not a neighbour
            return text
    return f"{v.numerator}/{v.denominator}"


def _decimal(x: float) -> str:
    """The shortest decimal of x: 0.25, 1.5, 3e-10 (not 3e-1: the zeros of an exponent stay),
    1e-5 (not 1e-05)."""
    mantissa, _, exponent = repr(x).partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa
