"""The sizes at which --verify checks a derivation.

A declared size is taken as given (`A: matrix 12000 x 12000`), but a check at that size
needs gigabytes (finite differences of a 12000×12000 function); SymPy's exact check of an
8×8 `log det X` runs for minutes.  Where the problem's own sizes are too large to check,
the same problem is derived again with its large declared sizes made small, and that
derivation is checked instead, with a note that says so.  Its steps and result must have
the same form (the same text, numbers aside); otherwise, or where even small sizes are too
large (a long Kronecker chain), the check is refused with a clear message: a result is
never reported verified when it was not.
"""

from __future__ import annotations

import re

from ..bounds.limits import MAX_VERIFY_ENTRIES, MAX_VERIFY_SIZE, VERIFY_MICROSECONDS
from ..expressions.dims import concrete_shape
from .numeric import derivation_sizes
from .verification import VerificationError


def checkable(der, what: str, cap: int, too_large, refusal: VerificationError) -> tuple:
    """(the derivation to check, a note naming the sizes it is checked at, or ""): `der`
    itself unless `too_large(der)`, else `der`'s problem with its declared sizes above
    `cap` made small; `refusal` where that is not possible or still too large."""
    if not too_large(der):
        return der, ""
    text, mapped = _smaller_problem(der, cap)
    if not mapped:
        raise refusal
    small = _derive_again(der, text, what)
    if too_large(small):
        raise refusal
    if _form(small) != _form(der):
        raise VerificationError(f"{what}: at sizes small enough to check, this problem derives "
                                "to another form, so the result was not checked", 1,
                                "declare smaller sizes to check it")
    shown = ", ".join(f"{new} for {old}" for old, new in mapped.items())
    return small, f"checked at smaller sizes ({shown}): the declared ones are too large to check"


def numeric_checkable(der, what: str = "--verify") -> tuple:
    """checkable() for a check at random points (--verify, or `what`: --check)."""
    refusal = VerificationError(f"{what}: this problem is too large to check at random points "
                                f"(its arrays would have more than {MAX_VERIFY_ENTRIES:,} entries, "
                                "or the finite differences take too long), so the result was "
                                "not checked", 1, "declare smaller sizes to check it")
    return checkable(der, what, MAX_VERIFY_SIZE,
                     lambda d: not _affordable(d, derivation_sizes(d)), refusal)


# ----------------------------------------------------------------- what a check costs
def _affordable(der, sizes: dict) -> bool:
    """Whether finite differences of `der` at `sizes` stay within MAX_VERIFY_ENTRIES entries
    per array and about VERIFY_MICROSECONDS of NumPy (a rough model: a microsecond per
    operation evaluated, a nanosecond per multiply-add)."""
    memo: dict = {}
    n = _entries(der.var.shape, sizes)
    if n is None:
        return False
    evals = 4 * n if der.order == 1 else 16 * n * n
    f = _cost(der.function, sizes, memo)
    rest = [_cost(e, sizes, memo) for e in [der.result] + [st.expr for st in der.steps]]
    if f is None or None in rest:
        return False
    return 3 * (evals * f + sum(rest)) <= VERIFY_MICROSECONDS


def _cost(e, sizes: dict, memo: dict):
    """Microseconds to evaluate e's NumPy form once (the tree, shared subtrees each time),
    or None when one of its arrays is too large."""
    from ..expressions import expr as E
    if not isinstance(e, E.Expr):
        return 0.0
    got = memo.get(id(e), memo)
    if got is not memo:
        return got[1]
    shape = concrete_shape(e.shape, sizes)
    entries = shape[0] * shape[1]
    kids = [_cost(k, sizes, memo) for k in e.children()]
    cost = None if entries > MAX_VERIFY_ENTRIES or None in kids else \
        1.0 + entries * max(shape) / 1000 + sum(kids)
    memo[id(e)] = (e, cost)
    return cost


def evaluable(e, sizes: dict) -> bool:
    """Whether every array of e's NumPy form at `sizes` has at most MAX_VERIFY_ENTRIES
    entries."""
    return _cost(e, sizes, {}) is not None


def _entries(shape, sizes: dict):
    rows, cols = concrete_shape(shape, sizes)
    return None if rows * cols > MAX_VERIFY_ENTRIES else rows * cols


def numeric_sizes(der, cap: int) -> set:
    """The numbers above `cap` among the sizes of der's symbols."""
    return {int(p) for sym in der.symbols.values() for d in sym.shape for p in d.split("*")
            if p.isdigit() and int(p) > cap}


# ----------------------------------------------------------------- the smaller problem
_DIGITS = re.compile(r"[0-9]+")
_BRACED = re.compile(r"\{([0-9]+)\}")        # 1_{12000} beside 1_4


def _smaller_problem(der, cap: int) -> tuple:
    """(the problem's text with each size above `cap` declared in its `where` clause made
    small, {old: new}); sizes written in the expression (`1_12000`) stay, and a derivation
    that still has them is refused by the caller."""
    from ..language.parser import parse
    problem = parse(der.problem)
    words = [(w, s, e) for decl in problem.decls for (w, s, e) in decl.words if w.isdigit()]
    used = {int(w) for w, _, _ in words}
    free = (k for k in range(4 if cap >= 6 else 2, 2 ** 62) if k not in used)
    mapped = {old: next(free) for old in sorted(n for n in used if n > cap)}
    text = problem.text
    for w, s, e in sorted(words, key=lambda x: -x[1]):
        if int(w) in mapped:
            text = text[:s] + str(mapped[int(w)]) + text[e:]
    return text, mapped


def _derive_again(der, text: str, what: str):
    from .. import derive       # the package's entry point (derivations verify themselves)
    from ..errors import LimitError, MdxError
    structured = {"diagonal": "sym"}.get(der.structured, der.structured)
    try:
        return derive(text, layout=der.layout, method=der.method, structured=structured,
                      steps=bool(der.steps))
    except LimitError:
        raise                   # the problem's time is spent: that is the message
    except MdxError:
        raise VerificationError(f"{what}: this problem's declared sizes are too large to check, "
                                "and with smaller ones it does not derive, so the result was "
                                "not checked", 1, "declare smaller sizes to check it") from None


def _form(der) -> tuple:
    """The steps' rules and the texts of their expressions and of the result, numbers aside."""
    from ..expressions.text import TextPrinter
    printer = TextPrinter()
    printer.decimals = False            # 1_n / 10 and 1_n / 3 alike: a size is no decimal
    to_text = printer.doprint
    texts = [to_text(der.result)] + [f"{st.rule}: {to_text(st.expr)}" if hasattr(st.expr, "shape")
                                     else st.rule for st in der.steps]
    return tuple(_DIGITS.sub("#", _BRACED.sub(r"\1", t)) for t in texts)
