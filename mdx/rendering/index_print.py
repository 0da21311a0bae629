"""Index notation printed: a definition-method step such as `∂f/∂X_pq = Σ_k A_pk B_kq`,
as text and as LaTeX (the step is shown, never evaluated)."""

from __future__ import annotations

from ..expressions import expr as E
from ..expressions.dims import ONE
from ..expressions.text import to_text


class IndexExpr(E.Expr):
    """A step's right-hand side in index notation: printed, never evaluated."""

    def __init__(self, terms):
        self.__dict__["terms_"] = terms         # expressions are immutable once built

    shape = E.SCALAR

    @property
    def key(self):
        return ("IndexExpr", id(self))

    def __repr__(self):
        return terms_text(self.terms_)


def _render(terms, atom_name, delta, sum_of, sub, power) -> str:
    if not terms:
        return "0"
    out = []
    for n, t in enumerate(terms):
        c = t.coeff
        sign = (" - " if n else "-") if c < 0 else (" + " if n else "")
        head = [] if abs(c) == 1 and t.factors else [str(abs(c))]
        facs = []
        for f in t.factors:
            idx = "".join(x for x in (f.i, f.j) if x != ONE)
            base = delta if f.atom is None else atom_name(f.atom)
            piece = sub(base, idx) if idx else base
            facs.append(piece if f.power == 1 else power(piece, f.power))
        sums = sum_of(sorted(set(t.sums))) if t.sums else ""
        out.append(sign + sums + " ".join(head + facs))
    return "".join(out)


def terms_text(terms) -> str:
    return _render(terms, lambda a: to_text(a) if isinstance(a, E.Sym) else f"({to_text(a)})", "δ",
                   lambda ix: f"Σ_{''.join(ix)} ", lambda b, i: f"{b}_{i}", lambda p, k: f"{p}^{k}")


def terms_latex(terms) -> str:
    from ..expressions.latex import to_latex
    return _render(terms, lambda a: "{" + to_latex(a) + "}" if isinstance(a, E.Sym) else rf"\left({to_latex(a)}\right)",
                   r"\delta", lambda ix: rf"\sum_{{{','.join(ix)}}} ", lambda b, i: f"{b}_{{{i}}}",
                   lambda p, k: f"{p}^{{{k}}}")
