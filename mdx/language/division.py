"""A division followed by a juxtaposed factor can have two readings, and mdx never picks
one silently: `‖X w - y‖^2 / 2N`, `exp(-‖x‖^2 / 2 sigma^2)`, `x / 2 ‖x‖`.  Products
group left to right (SPEC 7), so they read as `(… / 2) N`; a reader of a paper means
`… / (2 N)`.  Such a problem is refused with both readings and what to write for each.

What reads one way stays read:
* a coefficient: a number or a scalar's name (or any name against its slash, `n/2`) over
  a number, a name or a bracket, then the term it scales (`1/2 x^T A x`, `1/n ‖X w - y‖^2`,
  `λ/2 ‖w‖^2`, `1/(2 N) ‖…‖^2`, `-n/2 log det S`);
  but not when the term is itself a scalar's name (`1/2 sigma^2 ‖x‖^2`, `λ/2 θ^2`);
* a factor declared a vector or a matrix (or I): nothing divides by it;
* `/ 2 * N`, which spells its grouping out.
A number written against a name (`/ 2N`, `1/2n`, `1 ./ 2x`) is always refused.
"""

from __future__ import annotations

from ..errors import ParseError
from .names import default_kind

_DIVISIONS = {"div": "/", "ediv": "./"}
_NOT_SCALAR_WORDS = {"vector", "row", "matrix", "symmetric", "spd", "diagonal", "orthogonal",
                     "invertible", "distribution", "onehot"}


def check_division(problem, text: str) -> None:
    """Refuse an ambiguous division in the expression or a function's body."""
    kinds = _declared(problem.decls)
    for root in [problem.expr] + [d.body for d in problem.decls if d.body is not None]:
        stack = [root]
        while stack:                    # no recursion: an expression may nest deep
            node = stack.pop()
            if node.op == "matmul" and len(node.args) == 2 and _ambiguous(*node.args, text, kinds):
                _refuse(*node.args, text)
            stack.extend(node.args)


def _declared(decls) -> dict:
    """name -> "scalar", "other" (vector, matrix) or "size" from the where clause."""
    kinds: dict = {}
    for d in decls:
        if d.body is not None:
            continue
        words = {w for w, _, _ in d.words}
        kind = "scalar" if "scalar" in words and "function" not in words else \
            "other" if words & _NOT_SCALAR_WORDS else None
        for name, _, _ in d.names:
            if kind is not None:
                kinds[name] = kind
        for w, _, _ in d.words:          # a size is a number: `matrix N x d` (x the times sign)
            if w not in _NOT_SCALAR_WORDS and w not in ("x", "×") and default_kind(w) is not None:
                kinds.setdefault(w, "size")
    return kinds


def _ambiguous(div, follower, text: str, kinds: dict) -> bool:
    if div.op not in _DIVISIONS or text[div.end:follower.start].strip() or follower.op == "number":
        return False                    # `/ 2 * N` spells its grouping out; `/ 2 3` is no name's
    dividend, divisor = div.args
    if divisor.op == "number" and follower.start == divisor.end:
        return True                     # `/ 2N`: a number against a name
    name = _name_of(follower)
    if name is not None and _kind(name, kinds) == "other":
        return False                    # nothing divides by a vector or a matrix
    tight = text[dividend.end:divisor.start] == _DIVISIONS[div.op]     # n/2, not n / 2
    over = divisor.op in ("number", "paren") or _number(dividend) and _name_of(divisor) is not None
    if over and _coefficient(dividend, kinds, tight):
        return name is not None and _kind(name, kinds) == "scalar"
    return True


def _refuse(div, follower, text: str):
    divisor = div.args[1]
    op = _DIVISIONS[div.op]
    d, f = text[divisor.start:divisor.end], text[follower.start:follower.end]
    raise ParseError(
        f"`{op} {text[divisor.start:follower.end]}` has two readings: `(… {op} {d}) {f}` "
        f"(products group left to right) or `… {op} ({d} {f})`", divisor.start + 1,
        f"write `{op} ({d} {f})` to divide by {d} {f}, or put {f} in front to multiply by it",
        width=follower.end - divisor.start)


def _name_of(node):
    """The name of a name or of a name's power or transpose (sigma^2, s.^2, θ^-1), else None."""
    while node.op in ("postfix", "epow"):
        node = node.args[0]
    return node.value if node.op == "name" else None


def _kind(name: str, kinds: dict) -> str:
    """"scalar" (declared, a size, or Greek by SPEC 2), "other" (a declared vector or matrix,
    the identity), or "open": a letter a problem may use for a count (`/ 2 N`, `/ 2 n`)."""
    declared = kinds.get(name)
    if declared is not None:
        return "scalar" if declared in ("scalar", "size") else "other"
    kind = default_kind(name)
    return "scalar" if kind == "scalar" else "other" if kind == "identity" else "open"


def _coefficient(node, kinds: dict, tight: bool) -> bool:
    """What a coefficient's numerator is: a number, a scalar's name, or any name written
    against the slash (1/2, λ/2, -n/2)."""
    if _number(node):
        return True
    while node.op == "neg":
        node = node.args[0]
    return node.op == "name" and (tight or _kind(node.value, kinds) == "scalar")


def _number(node) -> bool:
    while node.op in ("neg", "paren"):
        node = node.args[0]
    return node.op == "number"
