"""Simplification to the compact form a textbook prints.

The smart constructors in mdx.expressions.expr already fold numbers, drop zeros and
identities, merge powers, push transposes to the leaves and collect like terms.
The rules that need a look at a whole sum (mdx.simplification.sum_rules, mdx.simplification.textbook, mdx.simplification.vecrules),
each a plain function `expr -> expr or None`, run here bottom-up to a fixed point;
`present` adds the cosmetic ones used for printing a result.
"""

from __future__ import annotations

from fractions import Fraction

from ..expressions import expr as E
from . import textbook
from ..expressions.text import printed_length
from .sum_rules import (broadcast_hadamard, cancel_quotient, diag_to_hadamard, factor_common_scalar,
                        factor_denominator, factor_hadamard, factor_partial, factor_sum, ones_inner,
                        trace_of_outer)
from .expand import expand_if_shorter, expand_scalar_factor, squares
from .collect import collect_scalar_factors
from .logistic import sigmoid_of_quotient
from .vecrules import kron_on_vec_sum, vec_identities
from . import diagonals, inverses, kept, means, norms, ones, scalar_transposes, signs
from .quotients import common_denominator
from .rule_types import rules_for

RULES = (vec_identities, kron_on_vec_sum, cancel_quotient, diag_to_hadamard, factor_sum,
         factor_partial, factor_hadamard, ones_inner, trace_of_outer, expand_if_shorter,
         expand_scalar_factor) + textbook.RULES + means.RULES + ones.RULES + signs.RULES + \
    inverses.RULES + scalar_transposes.RULES + kept.RULES + norms.RULES + diagonals.RULES + (sigmoid_of_quotient, collect_scalar_factors,
                                                common_denominator, factor_denominator,
                                                factor_common_scalar)


def _bottom_up(e: E.Expr, rules, depth: int = 0) -> E.Expr:
    """Children first; a node a rule rewrote is simplified again at once, so that
    its new parts settle before the parent sees them (no rule undoes another).

    A node on which no rule fires, anywhere below it, is marked as settled under
    `rules`: expressions are immutable and the rules look only at the node, so the
    next pass (and every larger expression sharing the node) skips it.
    """
    kids = e.children()
    if not kids:                # a leaf (a name, a number, 1, I): the rules rewrite sums,
        return e                # products and calls, a quarter of their calls went to leaves
    settled = e.__dict__.get("_settled")
    if settled is not None and rules in settled:
        return e
    new = tuple(_bottom_up(k, rules) for k in kids)
    if any(a is not b for a, b in zip(new, kids)):
        e = E.rebuild(e, new)
        settled = e.__dict__.get("_settled")
        if settled is not None and rules in settled:
            return e
    for r in rules_for(rules, type(e)):
        out = r(e)
        if out is not None:
            # a rewrite settles at once, a chain of eight at most (simplify makes more passes)
            return _bottom_up(out, rules, depth + 1) if depth < 8 else out
    if settled is None:
        settled = e.__dict__["_settled"] = []
    settled.append(rules)
    return e


def simplify(e: E.Expr, rules=RULES) -> E.Expr:
    """Run the rules bottom-up until nothing changes."""
    for _ in range(20):
        new = _bottom_up(e, rules)
        if new == e:
            return new
        e = new
    return e


def recognised(f: E.Expr) -> E.Expr:
    """A problem's function with the forms that have a name read as it (exp(z) / sum(exp(z))
    is softmax(z)), so that every method differentiates the named function."""
    return simplify(f, textbook.READING_RULES)


# ----------------------------------------------------------------- presentation
def flip_negated_sum(e: E.Expr):
    """-c M (a - b) = c M (b - a): fewer minus signs; -(a + b - c) = c - a - b."""
    if not isinstance(e, E.Mul) or e.coeff >= 0:
        return None
    factors = list(e.scalars) + list(e.chain)
    sums = [i for i, f in enumerate(factors) if isinstance(f, E.Add)]
    if not sums:                      # -(M (y - s)) ∘ g = (M (s - y)) ∘ g: the sum inside
        for i, f in enumerate(factors):
            inner = _negated_inside(f)
            if inner is not None:
                factors[i] = inner
                return E.mul(E.Num(-e.coeff), *factors)
        return None
    if len(sums) != 1:
        return None
    s = factors[sums[0]]
    negs = sum(E.split_coeff(t)[0] < 0 for t in s.terms)
    if len(factors) == 1 and e.coeff == -1 and negs:     # -(a + b - c) = c - a - b
        return E.Add(tuple(E.neg(t) for t in s.terms))
    if negs * 2 < len(s.terms) or negs == 0:
        return None
    if any(E.transpose(f) == s for j, f in enumerate(factors) if j != sums[0]):
        return None                 # (x - μ 1)ᵀ (x - μ 1) keeps its two factors alike
    factors[sums[0]] = E.Add(tuple(E.neg(t) for t in s.terms))
    return E.mul(E.Num(-e.coeff), *factors)


def _flip_term(e: E.Expr):
    """A term of a sum, - M (y - X w) as + M (X w - y), the residual as a textbook writes
    it (prediction minus target) and a minus sign fewer: only where the sum is a symbol
    minus something without it (not x - mean(x) 1, X - 1 1ᵀ X / n, 1 - s)."""
    if not isinstance(e, E.Mul) or e.coeff >= 0:
        return None
    sums = [f for f in e.scalars + e.chain if isinstance(f, E.Add)]
    if len(sums) != 1 or len(sums[0].terms) != 2:
        return None
    (c1, target), (c2, other) = (E.split_coeff(t) for t in sums[0].terms)
    named = target.arg if isinstance(target, E.T) else target
    if c1 < 0 or c2 > 0 or not isinstance(named, E.Sym) or _holds(other, lambda x: x == named) \
            or _holds(other, lambda x: isinstance(x, E.Add)):
        return None
    return flip_negated_sum(e)


MAX_FLIP_SIZE = 400      # nodes: a larger result keeps its residuals as derived


def _occurrences(root: E.Expr, s: E.Expr) -> int:
    """How often s is written in root (up to 2), its negation and transpose too."""
    alike = {s, E.neg(s), E.transpose(s), E.neg(E.transpose(s))}
    count, stack = 0, [root]
    while stack and count < 2:
        x = stack.pop()
        if x in alike:
            count += 1
            continue
        stack.extend(x.children())
    return count


def _holds(e: E.Expr, test) -> bool:
    stack = [e]
    while stack:
        x = stack.pop()
        if test(x):
            return True
        stack.extend(x.children())
    return False


def _is_constant(t: E.Expr) -> bool:
    """A number, or a number broadcast (1, c 1 1ᵀ)."""
    mono = E.split_coeff(t)[1]
    return isinstance(mono, (E.Num, E.Ones)) or (isinstance(mono, E.Mul) and not mono.scalars
                                                   and all(isinstance(g, E.Ones) for g in mono.chain))


def _negated_inside(f: E.Expr):
    """-f with the negation taken into the one sum of a linear factor that has mostly
    negative terms, through products, Hadamard products and transposes; or None."""
    if isinstance(f, E.Add):
        negs = sum(E.split_coeff(t)[0] < 0 for t in f.terms)
        if negs * 2 < len(f.terms) or any(_is_constant(t) for t in f.terms):
            return None                   # 1 - s stays as it is
        return E.Add(tuple(E.neg(t) for t in f.terms))
    if isinstance(f, E.T):
        inner = _negated_inside(f.arg)
        return None if inner is None else E.transpose(inner)
    if isinstance(f, E.Mul) and f.coeff > 0:
        parts = list(f.scalars) + list(f.chain)
        for i, g in enumerate(parts):
            inner = _negated_inside(g)
            if inner is not None:
                parts[i] = inner
                return E.mul(E.Num(f.coeff), *parts)
    if isinstance(f, E.Had):
        for i, g in enumerate(f.factors):
            inner = _negated_inside(g)
            if inner is not None:
                return E.hadamard(*f.factors[:i], inner, *f.factors[i + 1:])
    return None


def positive_first(e: E.Expr):
    """a - b rather than -b + a."""
    if not isinstance(e, E.Add) or E.split_coeff(e.terms[0])[0] > 0:
        return None
    for i, t in enumerate(e.terms):
        if E.split_coeff(t)[0] > 0:
            return E.Add((t,) + e.terms[:i] + e.terms[i + 1:])
    return None


def transpose_into_sum(e: E.Expr):
    """(A + B)^T = A^T + B^T, where that reads shorter."""
    if not (isinstance(e, E.T) and isinstance(e.arg, E.Add)):
        return None
    cand = E.add(*(E.transpose(t) for t in e.arg.terms))
    return cand if printed_length(cand) < printed_length(e) else None


def transpose_into_elementwise(e: E.Expr):
    """(A ∘ B)^T = A^T ∘ B^T, (A ./ B)^T = A^T ./ B^T, where that reads shorter (a row
    softmax: (Y^T ∘ softmax(Z^T))^T is Y ∘ softmax(Z, dim=1))."""
    if not (isinstance(e, E.T) and isinstance(e.arg, (E.Had, E.EDiv))):
        return None
    cand = E.rebuild(e.arg, tuple(E.transpose(k) for k in e.arg.children()))
    return cand if printed_length(cand) < printed_length(e) else None


def _flip_pass(e: E.Expr, in_sum: bool = False, memo: dict | None = None, root=None) -> E.Expr:
    """flip_negated_sum, top-down; on the terms of a sum (printed `- ...` anyway) only a
    residual written once in the whole result (its other places keep their spelling).
    `memo` visits a subtree shared by many parents once (a deep derivative shares most)."""
    memo = {} if memo is None else memo
    root = e if root is None else root
    seen = memo.get((id(e), in_sum))
    if seen is not None:
        return seen[1]
    start = e
    if not in_sum:
        flipped = flip_negated_sum(e)
    else:                               # a large result is not walked for its residuals
        flipped = _flip_term(e) if root.size <= MAX_FLIP_SIZE else None
        if flipped is not None and _occurrences(
                root, next(f for f in e.scalars + e.chain if isinstance(f, E.Add))) > 1:
            flipped = None
    if flipped is not None:
        e = flipped
    kids = e.children()
    new = tuple(_flip_pass(k, isinstance(e, E.Add), memo, root) for k in kids)
    if any(a is not b for a, b in zip(new, kids)):
        e = E.rebuild(e, new)
    memo[(id(start), in_sum)] = (start, e)     # holding `start` keeps its id unique
    return e


MAX_PRODUCT_TERMS = 32


def expanded(e: E.Expr) -> E.Expr:
    """e with every product multiplied out over the sums in it (up to MAX_PRODUCT_TERMS)."""
    if isinstance(e, E.Add):
        return E.add(*(expanded(t) for t in e.terms))
    if isinstance(e, E.Kron):               # (x xᵀ) ⊗ (D (I − 1 sᵀ)): each side, not across
        return E.kron(expanded(e.a), expanded(e.b))
    if not isinstance(e, E.Mul):
        return e
    terms = [E.mul(E.Num(e.coeff), *e.scalars)]
    for f in e.chain:
        f = expanded(f)
        parts = f.terms if isinstance(f, E.Add) else (f,)
        if len(terms) * len(parts) > MAX_PRODUCT_TERMS:
            return e
        terms = [E.mul(t, p) for t in terms for p in parts]
    return E.add(*terms)


def symmetrised(H: E.Expr) -> E.Expr:
    """A Hessian in a visibly symmetric form: H when it is (multiplied out if that is
    shorter), or once multiplied out ((I − D B) D = D − D B D), else (H + Hᵀ)/2."""
    plain = expanded(H)
    tidy = present(plain)
    if E.is_symmetric(H) and not (E.is_symmetric(tidy) and printed_length(tidy) < printed_length(H)):
        return H                      # multiplied out only when terms then cancel
    if E.is_symmetric(plain):
        return tidy if E.is_symmetric(tidy) else plain
    return present(E.scale(Fraction(1, 2), E.add(H, E.transpose(H))))


PRESENT_RULES = RULES + (transpose_into_sum, broadcast_hadamard) + textbook.PRESENT_RULES
def finished(e: E.Expr) -> E.Expr:
    """A result as it is printed last: transposes moved into elementwise products where
    that reads shorter (a row softmax).  Only on a result: a derivation that goes on from
    an expression (a Jacobian identified from it) takes it as `present` leaves it."""
    return _finish(e, {})


def _finish(e: E.Expr, memo: dict) -> E.Expr:
    """Children first, then at each node transpose_into_elementwise, means.variance or
    squares where one applies: the nodes above are rebuilt and nothing else (another pass
    of the rules would undo a settled Kronecker form)."""
    got = memo.get(id(e))
    if got is not None:
        return got[1]
    kids = e.children()
    new = tuple(_finish(k, memo) for k in kids)
    out = e if all(a is b for a, b in zip(kids, new)) else E.rebuild(e, new)
    for finish in (transpose_into_elementwise, means.variance):
        done = finish(out)
        if done is not None:
            out = done
            break
    else:
        out = squares(out)
    memo[id(e)] = (e, out)
    return out


POSITIVE_FIRST = (positive_first,)


def present(e: E.Expr) -> E.Expr:
    """The simplified form, then the cosmetic rules used for printing."""
    e = simplify(e, PRESENT_RULES)
    e = _flip_pass(e)
    return simplify(e, POSITIVE_FIRST)
