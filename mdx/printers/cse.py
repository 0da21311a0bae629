"""Common subexpressions of a long result, named once: `... where h1 = tanh(W1 x), ...`.

A deep composition repeats each layer's activation in every later factor, so its
printed form grows quadratically; naming the repeated parts innermost first makes
every definition refer to earlier names and keeps the output linear in size.
"""

from __future__ import annotations

from collections import Counter

from .. import expr as E

LONG = 160          # results printed longer than this get their repeats named
MIN_NAMED = 8       # never name a piece shorter than this


def _counts(e: E.Expr, counts: Counter) -> Counter:
    counts[e] += 1
    if counts[e] == 1:
        for k in e.children():
            _counts(k, counts)
    else:                                   # every occurrence counts its children too
        for k in e.children():
            _bump(k, counts)
    return counts


def _bump(e, counts):
    counts[e] += 1
    for k in e.children():
        _bump(k, counts)


def _worth(e: E.Expr, n: int, printed: str) -> bool:
    if n < 2 or isinstance(e, (E.Sym, E.Num, E.Ones, E.Identity, E.Zero, E.T)):
        return False
    return len(printed) >= MIN_NAMED


def fresh_prefix(preferred: tuple, taken) -> str:
    """A prefix for numbered names (h1, h2, ...) that no taken name starts with: one of
    `preferred`, else another letter, else a Greek one."""
    for p in preferred + tuple("abcdefghkmnopqrstuvwxyz") + tuple("ζξχψ"):
        if not any(n.startswith(p) for n in taken):
            return p
    return "ζ_"                 # every letter taken: the subscript keeps it apart


def name_repeats(e: E.Expr, taken: set, to_text) -> tuple:
    """(definitions [(Sym, Expr)], body) with repeated subexpressions named."""
    counts = _counts(e, Counter())
    printed = {x: to_text(x) for x, n in counts.items() if n >= 2}
    cands = [x for x, n in counts.items() if _worth(x, n, printed.get(x, ""))]
    cands.sort(key=lambda x: len(printed[x]))
    prefix = fresh_prefix(("h", "g", "q", "s"), taken)
    names: dict = {}
    defs: list = []
    for x in cands:
        body = E.substitute(x, names)
        kind = "scalar" if x.is_scalar else ("vector" if x.cols == "1" else "matrix")
        sym = E.Sym(f"{prefix}{len(defs) + 1}", x.shape, kind)
        names[x] = sym
        defs.append((sym, body))
    body = E.substitute(e, names)
    defs, body = _inline_single_uses(defs, body)
    return _renumber(defs, body, prefix)


def _renumber(defs, body, prefix):
    """h1, h2, ... in order, after some names were inlined away."""
    fresh = {s: E.Sym(f"{prefix}{i}", s.shape, s.kind) for i, (s, _) in enumerate(defs, 1)}
    return [(fresh[s], E.substitute(d, fresh)) for s, d in defs], E.substitute(body, fresh)


def _inline_single_uses(defs, body):
    """A name used once is not worth its definition: put the expression back."""
    while True:
        uses = Counter()
        for _, d in defs:
            _count_syms(d, uses)
        _count_syms(body, uses)
        once = [(s, d) for s, d in defs if uses[s.name] <= 1]
        if not once:
            return defs, body
        s, d = once[0]
        defs = [(t, E.substitute(x, {s: d})) for t, x in defs if t is not s]
        body = E.substitute(body, {s: d})


def _count_syms(e, uses):
    if isinstance(e, E.Sym):
        uses[e.name] += 1
    for k in e.children():
        _count_syms(k, uses)
