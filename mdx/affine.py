"""The gradient as an affine function of the variable, for mdx.stationary: expanded into
terms, each holding the variable once (a linear term) or not at all (a constant); a
gradient that is not affine is refused with a positioned message that says why."""

from __future__ import annotations

from . import expr as E
from .errors import MdxError, UnsupportedError

MAX_TERMS = 200
_LINEAR_CALLS = frozenset({"tr", "sum", "mean", "vec", "diag", "kron"})


class NotAffineError(UnsupportedError):
    """The gradient is not affine in the variable: no closed form from collecting terms."""


def expand_terms(e: E.Expr, var: E.Sym) -> list:
    """e as a list of terms with no sum left inside a product (only where var is)."""
    if var.name not in e.free:
        return [e]
    if isinstance(e, E.Add):
        out = [t for term in e.terms for t in expand_terms(term, var)]
    elif isinstance(e, E.Mul):
        out = [E.Num(e.coeff)]
        for f in list(e.scalars) + list(e.chain):
            parts = expand_terms(f, var)
            out = [E.mul(a, b) for a in out for b in parts]
            if len(out) > MAX_TERMS:
                raise UnsupportedError("the gradient expands into too many terms to collect", 1)
    elif isinstance(e, E.T):
        out = [E.transpose(t) for t in expand_terms(e.arg, var)]
    elif isinstance(e, E.Had):
        out = [E.ONE_SCALAR]
        for f in e.factors:
            out = [E.hadamard(a, b) for a in out for b in expand_terms(f, var)]
    else:
        out = [e]
    return out


def count_uses(e: E.Expr, var: E.Sym) -> int:
    if e == var:
        return 1
    return sum(count_uses(k, var) for k in e.children())


def linear_part(t: E.Expr, var: E.Sym, text: str, der):
    """(L, None) for a term L w (or L U), (None, R) for U R, from a term with w once."""
    if t == var:
        return E.identity(var.rows), None
    if isinstance(t, E.Had) and var.cols == "1":          # a ∘ w = diag(a) w
        others = [f for f in t.factors if f != var]
        if len(others) == len(t.factors) - 1 and all(var.name not in f.free for f in others):
            return E.apply("diagm", E.hadamard(*others) if len(others) > 1 else others[0]), None
    if isinstance(t, E.Mul) and var.is_scalar and var in t.scalars:     # c θ
        rest = list(t.scalars)
        rest.remove(var)
        return E.mul(E.Num(t.coeff), *rest, *t.chain), None
    if isinstance(t, E.Mul):
        chain = list(t.chain)
        inner = [i for i, f in enumerate(chain) if var.name in f.free]
        if var.cols == "1" and len(inner) == 1 and chain[inner[0]] != var and \
                inner[0] == len(chain) - 1:     # A (a ∘ w): the factor's own L, from the left
            L, _ = linear_part(chain[-1], var, text, der)
            return E.mul(E.Num(t.coeff), *t.scalars, *chain[:-1], L), None
        if var in chain:
            i = chain.index(var)
            scalars = E.mul(E.Num(t.coeff), *t.scalars)
            left, right = chain[:i], chain[i + 1:]
            if var.cols == "1":
                if right:                   # w r with r 1×1 only: a scalar
                    return _not_linear_form(text, der, var)
                return E.mul(scalars, *left) if left else E.mul(scalars, E.identity(var.rows)), None
            if left and right:                  # A U B: solvable when it is the only term
                return E.mul(scalars, *left), E.mul(*right)
            if right:
                return None, E.mul(scalars, *right)
            return E.mul(scalars, *left) if left else E.mul(scalars, E.identity(var.rows)), None
        for s in t.scalars:                 # (aᵀ w) b = b aᵀ w
            if var.name in s.free and var.cols == "1":
                row = _row_times(s, var)
                if row is not None:
                    rest = E.mul(E.Num(t.coeff), *(x for x in t.scalars if x is not s), *t.chain)
                    return E.mul(rest, row), None
    return _not_linear_form(text, der, var)


def _row_times(s: E.Expr, var: E.Sym):
    """r for a scalar s = r w (or wᵀ rᵀ), else None."""
    if isinstance(s, E.Mul) and s.chain and s.chain[-1] == var and \
            all(var.name not in x.free for x in s.chain[:-1] + s.scalars):
        return E.mul(E.Num(s.coeff), *s.scalars, *s.chain[:-1])
    if isinstance(s, E.Mul) and s.chain and s.chain[0] == E.transpose(var):
        return E.transpose(E.mul(E.Num(s.coeff), *s.scalars, *s.chain[1:]))
    return None


def _not_linear_form(text, der, var):
    form = f"A {var.name}" if var.cols == "1" else f"A {var.name} or {var.name} B"
    raise not_affine(text, der, f"a term holds {var.name} other than as {form}")


def not_affine(text: str, der, why: str) -> MdxError:
    """The refusal, pointing at the first nonlinear call around the variable in the text."""
    from .parser import parse
    node = _nonlinear_node(parse(text).expr, der.var.name)
    column = node.start + 1 if node is not None else 1
    width = (node.end - node.start) if node is not None else 1
    what = "a 1-norm" if node is not None and node.op == "norm" else node.value if node else ""
    inside = f" ({der.var.name} is inside {what})" if node is not None else ""
    return NotAffineError(f"the gradient is not affine in {der.var.name}{inside}: {why}; "
                          "setting it to zero has no closed form here", column,
                          "solve it numerically (gradient descent, Newton's method)", width=width)


def _nonlinear_node(node, name):
    nonlinear = node.op in ("call", "bare_call") and node.value not in _LINEAR_CALLS or \
        node.op == "norm" and node.value == "1"
    if nonlinear and _mentions(node, name):
        return node
    for a in node.args:
        found = _nonlinear_node(a, name)
        if found is not None:
            return found
    return None


def _mentions(node, name) -> bool:
    return (node.op == "name" and node.value == name) or any(_mentions(a, name) for a in node.args)
