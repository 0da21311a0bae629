"""Typing the forms of ML practice (SPEC 8): ones vectors, elementwise powers, means,
1-norms, sized identities and sizes used as scalars.

A mixin of shapes._Typer: these methods use its dimension unification and symbol
table.  The one rule that needs care is when a bare `1` is a vector of ones:

* `1` under a transpose (`1^T`, `1'`) is always a row of ones: the number 1 is never
  transposed on purpose;
* `1` on the right of a product whose left factor is not a scalar (`X 1`, `A^T 1`,
  `1^T X 1`) is a column of ones;
* `1` on the left of a product whose right factor is a row (`1 1^T`, `1 x^T`) is a
  column of ones (an outer product);
* everywhere else (`1 - y`, `2 + 1`, `mean(x) 1`, `1 ./ x`) it is the number, which
  broadcasts where it meets a vector or matrix (SPEC 7).

A ones vector's sizes are ordinary dimension variables, found by unification.
"""

from __future__ import annotations

import re
from fractions import Fraction

from ..expressions import expr as E
from ..expressions.dims import ONE
from ..errors import ShapeError, UnsupportedError
from ..language.syntax import Node

# An identity with its size written: I_n, I_3, I_{nm}
SIZED_IDENTITY = re.compile(r"^I_(\{(?P<b>[A-Za-z0-9]+)\}|(?P<s>[A-Za-z0-9]+))$")
# The commutation matrix K_{r,s} (vec(Aᵀ) = K_{r,s} vec(A) for A r×s), as mdx prints it
COMMUTATION = re.compile(r"^K_\{(?P<r>[A-Za-z0-9]+),(?P<s>[A-Za-z0-9]+)\}$")
# The diagonal selector E_n (n²×n, vec(diag(x)) = E_n x), as mdx prints it
SELECTOR = re.compile(r"^E_(\{(?P<b>[A-Za-z0-9]+)\}|(?P<s>[A-Za-z0-9]+))$")
# a size written with a count before it, 2n or 3mn (the 3 of I_{3m})
LEADING_COUNT = re.compile(r"^([0-9]+)([A-Za-z][A-Za-z0-9]*)$")


def error_at(cls, msg, node, hint=""):
    return cls(msg, node.start + 1, hint, width=max(1, node.end - node.start))


def unparen(node: Node) -> Node:
    while node.op == "paren":
        node = node.args[0]
    return node


def is_one_literal(node: Node) -> bool:
    node = unparen(node)
    return node.op == "number" and Fraction(node.value) == 1


class MLForms:
    """Inference and building for the SPEC 8 forms; mixed into shapes._Typer."""

    # ------------------------------------------------------------ sizes
    def _size_of_text(self, text: str):
        """A written size (`n`, `3`, `nm` as n·m, `2n` as 2·n) as a dimension term."""
        if text.isdigit():
            return ONE if text == "1" else text
        if text in self.named_dims:
            return text
        count = LEADING_COUNT.match(text)
        if count:                   # a size is a name: 2n is no name, but 2·n as mdx prints it
            return self.dims.prod(count.group(1), self._size_of_text(count.group(2)))
        if len(text) > 1 and all(c in self.named_dims for c in text):
            return self.dims.prod(*text)
        self.named_dims.add(text)
        return text

    def _prescan_sizes(self, node: Node):
        """Sizes named in ones(n, m) and 1_n are sizes, not symbols: note them before
        the symbols are collected."""
        if node.op == "call" and node.value == "ones":
            for a in node.args:
                if a.op == "name":
                    self.named_dims.add(a.value)
            return
        if node.op == "sized_ones" and not node.value.isdigit():
            value = LEADING_COUNT.sub(r"\2", node.value)
            if value not in self.named_dims and not all(c in self.named_dims for c in value):
                self.named_dims.add(value)
        for a in node.args:
            self._prescan_sizes(a)

    def _special_matrix(self, name: str):
        """SymbolInfo for I_n, K_{r,s} (sizes that are numbers or known sizes) or E_n (a
        size the problem names), or None."""
        from .table import SymbolInfo
        sized = SIZED_IDENTITY.match(name)
        if sized:
            size = self._size_of_text(sized.group("b") or sized.group("s"))
            return SymbolInfo(name, "identity", (size, size))
        comm = COMMUTATION.match(name)
        known = lambda t: t.isdigit() or t in self.named_dims  # noqa: E731
        if comm and known(comm.group("r")) and known(comm.group("s")):
            r, s = (self._size_of_text(comm.group(g)) for g in "rs")
            return SymbolInfo(name, "commutation", (r, s))
        sel = SELECTOR.match(name)
        size = sel and (sel.group("b") or sel.group("s"))
        # as K_{r,s}: only with a size of the problem's (n, nm, 2n); never a number alone,
        # since E_1, E_2 are the problem's own matrices (SPEC 2)
        letters = size and size.lstrip("0123456789")
        if letters and (letters in self.named_dims or all(c in self.named_dims for c in letters)):
            return SymbolInfo(name, "selector", (self._size_of_text(size),))
        return None

    # ------------------------------------------------------------ ones
    def _mark_ones(self, node: Node):
        self.decision[id(unparen(node))] = "ones"

    def _decide_one_in_product(self, node: Node):
        """Infer a product's operands, deciding whether a bare `1` in it is a ones vector."""
        left, right = node.args
        if left.op == "matmul" and is_one_literal(left.args[1]) and not is_one_literal(right):
            # s 1 rᵀ groups as (s 1) rᵀ: the 1 before a row is a column of ones
            b = self._infer(right)
            if not self._is_scalar(b) and self.dims.is_one(b[0]):
                self._mark_ones(left.args[1])
            return self._infer(left), b
        if is_one_literal(right) and not is_one_literal(left):
            a = self._infer(left)
            if not self._is_scalar(a):
                self._mark_ones(right)
            return a, self._infer(right)
        if is_one_literal(left):
            b = self._infer(right)
            if not self._is_scalar(b) and self.dims.is_one(b[0]):
                self._mark_ones(left)
            return self._infer(left), b
        return self._infer(left), self._infer(right)

    def _check_ones_sizes(self, node: Node):
        """A vector of ones whose size nothing fixes cannot be evaluated: say so."""
        if node.op == "number" and self.decision.get(id(node)) == "ones":
            for d in self.shape_of[id(node)]:
                found = self.dims.find(d)
                if isinstance(found, str) and found.startswith("?o"):
                    raise error_at(ShapeError, "nothing in the problem fixes the size of this vector "
                                   "of ones", node, "write its size, `1_n`, with n the size of a "
                                   "declared symbol, or add a term that fixes it")
        for a in node.args:
            self._check_ones_sizes(a)

    def _infer_number(self, node):
        if self.decision.get(id(node)) == "ones":
            return (self.dims.new_flexible(), ONE)
        return (ONE, ONE)

    def _infer_sized_ones(self, node):
        return (self._size_of_text(node.value), ONE)

    def _infer_ones_call(self, node):
        sizes = []
        for a in node.args:
            if a.op not in ("name", "number"):
                raise error_at(ShapeError, "the arguments of ones are sizes", a,
                               "write `ones(n)` or `ones(n, m)` with size names or numbers")
            sizes.append(self._size_of_text(a.value))
        if len(sizes) not in (1, 2):
            raise error_at(ShapeError, f"ones takes one or two sizes, got {len(sizes)}", node,
                           "write `ones(n)` (a column) or `ones(n, m)` (a matrix)")
        return (sizes[0], sizes[1] if len(sizes) == 2 else ONE)

    # ------------------------------------------------------------ elementwise power
    def _infer_epow(self, node):
        a = self._infer(node.args[0])
        if node.value.startswith("sym:"):
            raise error_at(UnsupportedError, f"the exponent of `.^` must be a number, not "
                           f"{node.value[4:]}", node, "write e.g. `x.^2`, `x.^(-1)` or `x.^(1/2)`")
        k = _exponent(node.value)
        if k is None:
            raise error_at(ShapeError, f"{node.value} is not a number", node, "write e.g. `x.^(1/2)`")
        return a

    # ------------------------------------------------------------ building
    def _build_ml(self, node: Node, name_of, build):
        """The typed expression of a SPEC 8 syntax node, or None if it is not one."""
        op = node.op
        if op == "name" and self.syms[node.value].kind == "commutation":
            r, s = self.syms[node.value].shape
            return E.commutation(name_of(r), name_of(s))
        if op == "name" and self.syms[node.value].kind == "selector":
            return E.DiagSelector(name_of(self.syms[node.value].shape[0]))
        if op == "number" and self.decision.get(id(node)) == "ones":
            r, c = self.shape_of[id(node)]
            return E.ones((name_of(r), name_of(c)))
        if op == "sized_ones":
            r, c = self.shape_of[id(node)]
            return E.ones((name_of(r), ONE))
        if op == "epow":
            return E.epower(build(node.args[0]), _exponent(node.value))
        if op in ("call", "bare_call") and node.value == "ones":
            r, c = self.shape_of[id(node)]
            return E.ones((name_of(r), name_of(c)))
        return None


def _exponent(text: str):
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
