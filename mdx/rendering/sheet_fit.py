"""Rows that fit a worksheet's page.

A sum too long for a row breaks between its terms (BreakingLatexPrinter), but a deep
network's gradient is one long product: backprop's nested Hadamard products have no
top-level sum to break at.  Such a row gets its largest pieces named (`h1 = …`) until it
fits; every name is defined on its own row, which fits too, and later rows reuse it.
"""

from __future__ import annotations

from ..expressions import expr as E
from ..expressions.latex import BreakingLatexPrinter
from .cse import fresh_prefix, named_step
from ..expressions.text import to_text

TEXT_WIDTH = 72         # a row longer than this (as text) breaks, or gets pieces named
MIN_PIECE = 10          # a piece shorter than this is never worth a name
LONG_ENTRY = 16         # in index notation, a factor printed longer than this gets a name

_LEAVES = (E.Sym, E.Num, E.Ones, E.Identity, E.Zero, E.Commutation, E.DiagSelector, E.DimSize)


class SheetNames:
    """The names one problem's rows share: a piece named for one step keeps its name.

    `mapping` holds each named piece fully expanded (no names inside), the form the
    steps print it in, so that a later row finds it whichever names its own pieces got."""

    def __init__(self, taken, width: int, mapping: dict | None = None):
        self.width = width
        self.prefix = fresh_prefix(("h", "g", "q", "s"), set(taken))
        self.mapping: dict = dict(mapping or {})      # expanded piece -> its Sym
        self.expanded = {sym: piece for piece, sym in self.mapping.items()}
        self.count = len(self.mapping)

    def fit(self, e: E.Expr, own: E.Sym | None = None) -> tuple:
        """(new definitions [(Sym, piece)], e with its named pieces replaced): e printed in
        at most `width` characters, unless no piece of it is worth naming.  `own` is the
        name e itself defines (its definition must not read h1 = h1)."""
        mapping = {k: v for k, v in self.mapping.items() if v != own}
        e = named_step(e, mapping, {})
        new: list = []
        while len(to_text(e)) > self.width:
            piece = _largest_piece(e, self.width)
            if piece is None:
                break
            sym = self._name(piece)
            new.append((sym, piece))
            e = named_step(e, {piece: sym}, {})
        return new, e

    def fit_entries(self, e) -> tuple:
        """The same for an index-notation step (SPEC's definition method): every long
        factor (W2 tanh(W1 x))_k is named as a whole, h1_k, so each term reads as a short
        product of entries."""
        from dataclasses import replace
        e = named_step(e, self.mapping, {})
        new: list = []
        terms = []
        for t in e.terms_:
            factors = []
            for f in t.factors:
                if f.atom is not None and len(to_text(f.atom)) > LONG_ENTRY:
                    more, atom = self.fit(f.atom)
                    new.extend(more)
                    if len(to_text(atom)) > LONG_ENTRY:
                        sym = self._name(atom)
                        new.append((sym, atom))
                        atom = sym
                    f = replace(f, atom=atom)
                factors.append(f)
            terms.append(replace(t, factors=tuple(factors)))
        return new, type(e)(terms)

    def _name(self, piece: E.Expr) -> E.Sym:
        self.count += 1
        kind = "scalar" if piece.is_scalar else ("vector" if piece.cols == "1" else "matrix")
        sym = E.Sym(f"{self.prefix}{self.count}", piece.shape, kind)
        full = named_step(piece, self.expanded, {}) if self.expanded else piece
        self.mapping[full] = sym
        self.expanded[sym] = full
        return sym


def _largest_piece(e: E.Expr, width: int):
    """The longest proper sub-expression of e that prints within `width`, preferring one
    without a differential (dX stays visible in the row it belongs to)."""
    diffs = _differentials(e, set())
    best: dict = {}
    seen: set = set()
    stack = list(e.children())
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, _LEAVES) or (isinstance(x, E.T) and isinstance(x.arg, _LEAVES)):
            continue
        size = len(to_text(x))
        if size > width:
            stack.extend(x.children())
        elif size >= MIN_PIECE:
            plain = not (x.free & diffs) and not isinstance(x, E.D)
            if size > best.get(plain, (0, None))[0]:
                best[plain] = (size, x)
    return (best.get(True) or best.get(False) or (0, None))[1]


def _differentials(e: E.Expr, out: set) -> set:
    """The names of the differentials in e (each shared sub-tree visited once)."""
    seen: set = set()
    stack = [e]
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, E.Sym) and x.diff:
            out.add(x.name)
        stack.extend(x.children())
    return out


def printed(expr) -> str:
    """A step's right-hand side for align rows, long sums broken onto new rows."""
    if hasattr(expr, "terms_"):                      # index notation: break between terms
        lines, cur = [], ""
        for n, t in enumerate(expr.terms_):
            for k, p in enumerate(term_pieces(t)):
                if k:                                 # the rest of a long product: a new row
                    lines.append(cur)
                    cur = p
                    continue
                p = p if n == 0 or p.lstrip().startswith("-") else "+ " + p
                if cur and len(cur) + len(p) > 2 * TEXT_WIDTH:
                    lines.append(cur)
                    cur = p
                else:
                    cur = f"{cur} {p}" if cur else p
        lines.append(cur or "0")
        return BreakingLatexPrinter.BREAK.join(lines)
    return BreakingLatexPrinter(TEXT_WIDTH).doprint(expr)


def term_pieces(t) -> list:
    """One index-notation term as LaTeX, in pieces of at most a row's width: a product of
    many entries breaks between its factors."""
    from dataclasses import replace
    from .index_print import terms_latex, terms_text
    if len(terms_text([t])) <= TEXT_WIDTH or len(t.factors) < 2:
        return [terms_latex([t])]
    chunks, current, used = [], [], 0
    for f in t.factors:
        size = len(terms_text([replace(t, coeff=1, sums=(), factors=(f,))])) + 1
        if current and used + size > TEXT_WIDTH:
            chunks.append(current)
            current, used = [], 0
        current.append(f)
        used += size
    chunks.append(current)
    first = terms_latex([replace(t, factors=tuple(chunks[0]))])
    rest = [terms_latex([replace(t, coeff=1, sums=(), factors=tuple(c))]) for c in chunks[1:]]
    return [first] + [r"\cdot " + r for r in rest]


def where_rows(defs, heading: str | None) -> list:
    """`where h1 = …` as align rows, after a `heading` row (None: no heading)."""
    from ..expressions.latex import latex_name
    if not defs:
        return []
    rows = [f"{latex_name(s.name)} &= {printed(d)}" for s, d in defs]
    return [heading] + rows if heading else rows
