"""A division followed by a juxtaposed name has two readings, and mdx never picks one
silently: `‖X w - y‖^2 / 2N`, `exp(-‖x‖^2 / 2 sigma^2)`.  Products group left to right
(SPEC 7), so they read as `(… / 2) N`; a reader of a paper means `… / (2 N)`.  The
problem is refused with both readings and what to write for each.

A number over a number stays a coefficient (`1/2 x^T A x`, `-1/2 x`), and a division
followed by more than a name (`λ/2 ‖w‖^2`, `1/2 (x - y)`) is the coefficient it looks like.
"""

from __future__ import annotations

from ..errors import ParseError

_DIVISIONS = {"div": "/", "ediv": "./"}


def check_division(expr, text: str) -> None:
    stack = [expr]
    while stack:                        # no recursion: an expression may nest deep
        node = stack.pop()
        if node.op == "matmul" and len(node.args) == 2 and _ambiguous(*node.args, text):
            div, follower = node.args
            divisor = div.args[1]
            op = _DIVISIONS[div.op]
            written = text[divisor.start:follower.end]
            both = f"{text[divisor.start:divisor.end]} {text[follower.start:follower.end]}"
            raise ParseError(
                f"`{op} {written}` has two readings: `(… {op} {text[divisor.start:divisor.end]}) "
                f"{text[follower.start:follower.end]}` (products group left to right) or "
                f"`… {op} ({both})`", divisor.start + 1,
                f"write `{op} ({both})` to divide by {both}, or put "
                f"{text[follower.start:follower.end]} in front to multiply by it",
                width=follower.end - divisor.start)
        stack.extend(node.args)


def _ambiguous(div, follower, text: str) -> bool:
    """`E / d f`: d a number or a name, f a name (or a name's power) written against it,
    and E not a number (`1/2 x` is a coefficient)."""
    if div.op not in _DIVISIONS or text[div.end:follower.start].strip():
        return False                    # `/ 2 * N` spells its grouping out
    dividend, divisor = div.args
    return _simple(divisor) and _simple(follower) and follower.op != "number" and \
        not _number(dividend)


def _simple(node) -> bool:
    """A number, a name, or a name's power (sigma^2)."""
    if node.op == "postfix" and str(node.value).isdigit():
        node = node.args[0]
    return node.op in ("number", "name")


def _number(node) -> bool:
    while node.op in ("neg", "paren"):
        node = node.args[0]
    return node.op == "number"
