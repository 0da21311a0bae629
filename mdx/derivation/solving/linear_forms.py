"""The linear terms of a gradient collected into one equation in the unknown.

A vector (or scalar) unknown w: every linear term is some L w, however w sits in it —
`A (c ∘ (X w))` is `A diag(c) X w`, `(aᵀ w) b` is `b aᵀ w` — so the terms collect into
`M w = C` with M the sum of the L's.  A matrix unknown U: a term is `s A U B` (A, B
products, possibly empty, s a scalar); the terms collect into `M U = C` when every B is
empty, `U M = C` when every A is (a term `s U` fits either side: it is `s I U` and
`U s I`), and `A U B = C` when there is one term.  What is left (`A U + U B`, a
Sylvester equation; `C ∘ U`; `tr(A U) B`) is linear but not solved by one inverse, and
the refusal says that, not that the gradient is not affine.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...expressions import expr as E
from .affine import is_var, transposed
from ...expressions.dims import ONE
from ...errors import UnsupportedError


@dataclass
class Collected:
    """The equation the linear terms make: side "left" (M U = C), "right" (U M = C) or
    "both" (A U B = C, with M = A and R = B)."""
    side: str
    M: E.Expr
    R: E.Expr | None = None
    transposed: bool = False        # the terms held Uᵀ: this is the transposed equation

    def lhs(self, unknown: E.Expr) -> E.Expr:
        if self.side == "both":
            return E.mul(self.M, unknown, self.R)
        return E.mul(self.M, unknown) if self.side == "left" else E.mul(unknown, self.M)


def collect(linear: list, var: E.Sym, label: str) -> Collected:
    """The equation Σ (linear terms) = C, as M w, M U, U M or A U B."""
    if var.cols == ONE:
        return Collected("left", E.add(*(_vector_coefficient(t, var, label) for t in linear)))
    forms = [_matrix_form(t, var, label) for t in linear]
    flipped = all(f[3] for f in forms)
    if flipped:                             # only Uᵀ: the transposed equation is in U
        forms = [(s, _flip(B), _flip(A), False) for s, A, B, _ in forms]
    elif any(f[3] for f in forms):
        raise UnsupportedError(f"the gradient is affine in {label}, but its terms hold both "
                               f"{label} and {transposed(label)}; mdx collects A {label} B terms "
                               f"in {label} alone", 1, f"solve for vec({label}) with the "
                               f"commutation matrix, vec({transposed(label)}) = K vec({label})")
    if len(forms) == 1 and forms[0][1] and forms[0][2]:
        s, A, B, _ = forms[0]
        return Collected("both", E.mul(s, *A), E.mul(*B), flipped)
    if any(A and B for _, A, B, _ in forms):
        raise _sylvester(label, "a term multiplies it from both sides (A U B) next to other "
                         "terms: a generalised Sylvester equation Σ Aᵢ U Bᵢ = C")
    if any(A for _, A, _, _ in forms) and any(B for _, _, B, _ in forms):
        raise _sylvester(label, "some terms multiply it by a matrix from the left (A U) and "
                         "others from the right (U B): a Sylvester equation A U + U B = C")
    if any(B for _, _, B, _ in forms):
        return Collected("right", E.add(*(E.mul(s, *B) if B else E.mul(s, E.identity(var.cols))
                                          for s, _, B, _ in forms)), transposed=flipped)
    return Collected("left", E.add(*(E.mul(s, *A) if A else E.mul(s, E.identity(var.rows))
                                     for s, A, _, _ in forms)), transposed=flipped)


def _sylvester(label: str, what: str) -> UnsupportedError:
    what = what.replace(" U", f" {label}")
    return UnsupportedError(f"the gradient is affine in {label}, but {what}; it has no solution "
                            "by one matrix inverse, and mdx does not solve it in closed form", 1,
                            "solve A U + U B = C with scipy.linalg.solve_sylvester, or "
                            "Σ Aᵢ U Bᵢ = C as (Σ Bᵢᵀ ⊗ Aᵢ) vec(U) = vec(C)")


def _flip(chain) -> tuple:
    return tuple(E.transpose(f) for f in reversed(chain))


# ------------------------------------------------------------------ a vector unknown
def _vector_coefficient(t: E.Expr, var: E.Sym, label: str) -> E.Expr:
    L = vector_coefficient(t, var)
    if L is None:
        from ...expressions.text import to_text
        raise UnsupportedError(f"the gradient is affine in {label}, but mdx cannot write its "
                               f"term {to_text(t)} as A {label}", 1,
                               "solve it numerically (a linear solver on the gradient)")
    return L


def vector_coefficient(e: E.Expr, var: E.Sym, flipped: bool = False):
    """L with e = L w, for e (a column or a scalar) that holds the vector or scalar w once
    and linearly; None when it holds it some other way."""
    if is_var(e, var):
        return E.identity(var.rows)
    if isinstance(e, E.Mul):
        return _product_coefficient(e, var, flipped)
    if isinstance(e, E.Had):                        # h ∘ (L w) = diag(h) L w
        inner = [f for f in e.factors if var.name in f.free]
        others = [f for f in e.factors if var.name not in f.free]
        L = vector_coefficient(inner[0], var) if len(inner) == 1 else None
        h = E.hadamard(*others) if len(others) > 1 else others[0] if others else None
        if L is None or h is None:
            return None
        return E.mul(h, L) if e.is_scalar or h.is_scalar else E.mul(E.apply("diagm", h), L)
    if isinstance(e, E.Apply) and e.name in ("sum", "mean") and e.arg.cols == ONE:
        L = vector_coefficient(e.arg, var)          # sum(L w) = 1ᵀ L w
        if L is None:
            return None
        total = E.mul(E.ones((ONE, e.arg.rows)), L)
        return total if e.name == "sum" else E.mul(E.power(E.entry_count(e.arg.shape), -1), total)
    if isinstance(e, E.EDiv) and var.name not in e.den.free:
        L = vector_coefficient(e.num, var)          # (L w) ./ d = diag(1 ./ d) L w
        if L is None:
            return None
        if e.den.is_scalar:
            return E.mul(E.power(e.den, -1), L)
        return E.mul(E.apply("diagm", E.ediv(E.ONE_SCALAR, e.den)), L)
    return None


def _product_coefficient(e: E.Mul, var: E.Sym, flipped: bool):
    holding = [f for f in e.scalars + e.chain if var.name in f.free]
    if len(holding) != 1:
        return None
    f = holding[0]
    head = E.mul(E.Num(e.coeff), *(s for s in e.scalars if s is not f))
    chain = list(e.chain)
    if any(s is f for s in e.scalars):              # (r w) b = b r w
        r = vector_coefficient(f, var)
        return None if r is None else E.mul(head, *chain, r)
    i = next(k for k, g in enumerate(chain) if g is f)
    A, B = chain[:i], chain[i + 1:]
    if not B:
        L = vector_coefficient(f, var)
        return None if L is None else E.mul(head, *A, L)
    if e.is_scalar and i == 0 and not flipped:      # a scalar wᵀ B is Bᵀ w
        L = vector_coefficient(E.mul(*_flip(chain)), var, flipped=True)
        return None if L is None else E.mul(head, L)
    b = E.mul(*B)
    if isinstance(f, E.Apply) and f.name == "diagm" and b.cols == ONE:   # diag(g) b = diag(b) g
        L = vector_coefficient(f.arg, var)
        return None if L is None else E.mul(head, *A, E.apply("diagm", b), L)
    return None


# ------------------------------------------------------------------ a matrix unknown
def _matrix_form(t: E.Expr, var: E.Sym, label: str) -> tuple:
    """(s, A, B, transposed) for t = s A U B, or s A Uᵀ B when transposed."""
    if is_var(t, var):
        return E.ONE_SCALAR, (), (), False
    if isinstance(t, E.T) and is_var(t.arg, var):
        return E.ONE_SCALAR, (), (), True
    if isinstance(t, E.Mul) and not any(var.name in s.free for s in t.scalars):
        for i, f in enumerate(t.chain):
            if var.name in f.free and (is_var(f, var) or isinstance(f, E.T) and is_var(f.arg, var)):
                return (E.mul(E.Num(t.coeff), *t.scalars), t.chain[:i], t.chain[i + 1:],
                        isinstance(f, E.T))
    from ...expressions.text import to_text
    raise UnsupportedError(f"the gradient is affine in {label}, but its term {to_text(t)} holds "
                           f"{label} {_how(t, var)}, not as A {label} B; mdx collects only terms "
                           f"A {label}, {label} B and a single A {label} B", 1,
                           f"solve for vec({label}): every linear term is a matrix times "
                           f"vec({label})")


def _how(t: E.Expr, var: E.Sym) -> str:
    if isinstance(t, E.Had) or isinstance(t, E.Mul) and any(
            isinstance(f, E.Had) and var.name in f.free for f in t.chain):
        return "inside an elementwise product"
    if isinstance(t, E.Mul) and any(var.name in s.free for s in t.scalars):
        return "inside a scalar factor"
    return "inside another linear operation"
