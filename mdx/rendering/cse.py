"""Common subexpressions of a long result, named once: `... where h1 = tanh(W1 x), ...`.

A deep composition repeats each layer's activation in every later factor, so its
printed form grows quadratically; naming the repeated parts innermost first makes
every definition refer to earlier names and keeps the output linear in size.
"""

from __future__ import annotations

from collections import Counter

from ..expressions import nodes as E
from ..expressions import operators as C
from ..expressions.text import measuring, printed_length

LONG = 160          # results printed longer than this get their repeats named
MIN_NAMED = 8       # never name a piece shorter than this


def _counts(e: E.Expr) -> Counter:
    """How often each subexpression occurs in the printed tree, a shared one at each of
    its uses: counted over the distinct nodes, parents before children (time linear in
    the distinct nodes, where the tree itself grows quadratically with a network's depth)."""
    order, seen, stack = [], set(), [(e, False)]
    while stack:                            # post-order over distinct nodes
        x, done = stack.pop()
        if done:
            order.append(x)
            continue
        if x in seen:
            continue
        seen.add(x)
        stack.append((x, True))
        stack.extend((k, False) for k in x.children())
    counts = Counter({e: 1})
    for x in reversed(order):               # every parent before its children
        for k in x.children():
            counts[k] += counts[x]
    return counts


def _worth(e: E.Expr, n: int, to_text) -> bool:
    if n < 2 or isinstance(e, (E.Sym, E.Num, E.Ones, E.Identity, E.Zero, E.T)):
        return False
    if isinstance(e, E.Pow) and e.is_scalar and e.k < 0:
        return False            # 1 / s prints as a division by s (s itself may be named)
    return e.size >= MIN_NAMED or len(to_text(e)) >= MIN_NAMED


def fresh_prefix(preferred: tuple, taken) -> str:
    """A prefix for numbered names (h1, h2, ...) that no taken name starts with: one of
    `preferred`, else another letter, else a Greek one."""
    for p in preferred + tuple("abcdefghkmnopqrstuvwxyz") + tuple("ζξχψ"):
        if not any(n.startswith(p) for n in taken):
            return p
    return "ζ_"                 # every letter taken: the subscript keeps it apart


def name_repeats(e: E.Expr, taken: set, to_text) -> tuple:
    """(definitions [(Sym, Expr)], body) with repeated subexpressions named."""
    defs, bodies = name_repeats_in([e], taken, to_text)
    return defs, bodies[0]


def name_repeats_in(exprs: list, taken: set, to_text) -> tuple:
    """(definitions, bodies): the pieces repeated in or across the expressions named
    once (several gradients share their backward pass)."""
    counts = Counter()
    for e in exprs:
        counts.update(_counts(e))
    cands = [x for x, n in counts.items() if _worth(x, n, to_text)]
    # a piece met only transposed is named as it is met: P = softmax(Q K^T, dim=1), not its
    # column form used as P^T
    flipped = {t.arg: t for t, n in counts.items() if isinstance(t, E.T) and counts.get(t.arg) == n
               and not to_text(t).endswith("^T")}         # a row form, not (…)^T
    cands = [flipped.get(x, x) for x in cands]
    with measuring():
        cands.sort(key=lambda x: printed_length(x, to_text))    # innermost first
    prefix = fresh_prefix(("h", "g", "q", "s"), taken)
    names: dict = {}
    defs: list = []
    for x in cands:
        body = C.substitute(x, names)
        kind = "scalar" if x.is_scalar else ("vector" if x.cols == "1" else "matrix")
        sym = E.Sym(f"{prefix}{len(defs) + 1}", x.shape, kind)
        names[x] = sym
        defs.append((sym, body))
    bodies = [C.substitute(e, names) for e in exprs]
    defs, bodies = _inline_single_uses(defs, bodies)
    # a piece that reads short once its own parts are named (1 / h2) is written out
    short = {s.name for s, d in defs if len(to_text(d)) < MIN_NAMED}
    if short:
        defs, bodies = _inline_single_uses(defs, bodies, short)
    return _renumber(defs, bodies, prefix)


def _renumber(defs, bodies, prefix):
    """h1, h2, ... in order, after some names were inlined away."""
    fresh = {s: E.Sym(f"{prefix}{i}", s.shape, s.kind) for i, (s, _) in enumerate(defs, 1)}
    return [(fresh[s], C.substitute(d, fresh)) for s, d in defs], [C.substitute(b, fresh) for b in bodies]


def for_code(defs, bodies) -> tuple:
    """(definitions, bodies) for generated code: a named diagonal `h5 = diag(h3)` put back
    where it is used, so that a product prints it as a broadcast (`h3 * M`); named, NumPy
    built the p×p matrix (800 MB for p = 10,000 samples) to multiply by it.  Then no
    expression nests too deep for Python (shallow)."""
    mapping: dict = {}
    kept = []
    for sym, body in defs:
        body = C.substitute(body, mapping) if mapping else body
        if isinstance(body, E.Apply) and body.name == "diagm":
            mapping[sym] = body
        else:
            kept.append((sym, body))
    return shallow(kept, [C.substitute(b, mapping) for b in bodies] if mapping else bodies)


CODE_DEPTH = 40     # node levels in one expression of code: each prints a bracket or two


def shallow(defs, bodies, taken=()) -> tuple:
    """(definitions, bodies) with every subtree CODE_DEPTH levels deep named apart (t1 =
    …, innermost first), each in order before its first use: Python refuses an expression
    nested past 200 brackets ("too many nested parentheses"), which the backward pass of a
    64-layer network is."""
    prefix = fresh_prefix(("t", "u", "v"), set(taken) | {s.name for s, _ in defs} |
                          {n for _, d in defs for n in d.free} | {n for b in bodies for n in b.free})
    out: list = []
    done: dict = {}                 # id(node) -> (node, its replacement, its height)

    def cut(e):
        got = done.get(id(e))
        if got is not None:
            return got[1], got[2]
        kids = e.children()
        if not kids:
            new, height = e, 1
        else:
            parts = [cut(k) for k in kids]
            height = 1 + max(h for _, h in parts)
            new = e if all(a is k for (a, _), k in zip(parts, kids)) else _same_node(e, [a for a, _ in parts])
            if height >= CODE_DEPTH:
                kind = "scalar" if new.is_scalar else ("vector" if new.cols == "1" else "matrix")
                sym = E.Sym(f"{prefix}{sum(1 for s, _ in out if s.name.startswith(prefix)) + 1}",
                            new.shape, kind)
                out.append((sym, new))
                new, height = sym, 1
        done[id(e)] = (e, new, height)
        return new, height
    for sym, body in defs:
        out.append((sym, cut(body)[0]))
    return out, [cut(b)[0] for b in bodies]


def _inline_single_uses(defs, bodies, short=frozenset()):
    """A name used once (or one in `short`) is not worth its definition: put the
    expression back.  Inlining
    moves the uses inside it to the one place that used it, so the counts stay right
    without counting again; a name used nowhere takes its own uses with it."""
    uses = Counter()
    for _, d in defs:
        _count_syms(d, uses)
    for body in bodies:
        _count_syms(body, uses)
    while True:
        once = next(((s, d) for s, d in defs if uses[s.name] <= 1 or s.name in short), None)
        if once is None:
            return defs, bodies
        s, d = once
        inner = _count_syms(d, Counter())
        for name, n in inner.items():     # d's names now stand where s stood: k uses of s
            uses[name] += n * (uses[s.name] - 1)
        del uses[s.name]
        defs = [(t, C.substitute(x, {s: d}) if s.name in x.free else x) for t, x in defs if t is not s]
        bodies = [C.substitute(b, {s: d}) if s.name in b.free else b for b in bodies]


def _count_syms(e, uses):
    if isinstance(e, E.Sym):
        uses[e.name] += 1
    for k in e.children():
        _count_syms(k, uses)
    return uses


def named_step(e, mapping: dict, memo: dict):
    """e with the named pieces replaced; a memo by identity keeps shared subtrees one visit."""
    if not mapping:
        return e
    if hasattr(e, "terms_"):                    # an index-notation step: name inside its factors
        from dataclasses import replace
        return type(e)([replace(t, factors=tuple(
            f if f.atom is None else replace(f, atom=named_step(f.atom, mapping, memo))
            for f in t.factors)) for t in e.terms_])
    got = memo.get(id(e))
    if got is None:
        if e in mapping:
            got = mapping[e]
        else:
            kids = e.children()
            new = tuple(named_step(k, mapping, memo) for k in kids)
            got = e if all(a is b for a, b in zip(new, kids)) else _same_node(e, new)
        memo[id(e)] = got
    return got


def _same_node(e, kids):
    """e over new children, built as is: naming a piece must not reorder or simplify the
    step around it (the smart constructors would)."""
    if isinstance(e, E.D):
        return E.D(kids[0], e.var)
    values, rest = [], list(kids)
    for name in e._fields:
        v = getattr(e, name)
        if isinstance(v, E.Expr):
            v = rest.pop(0)
        elif isinstance(v, tuple) and v and isinstance(v[0], E.Expr):
            v, rest = tuple(rest[:len(v)]), rest[len(v):]
        values.append(v)
    return type(e)(*values)


def variances_as_written(steps: list) -> None:
    """Each step's written-out variance as the problem wrote it (variance_shown); one memo
    for all steps, which share their subtrees."""
    memo: dict = {}
    for st in steps:
        if isinstance(st.expr, E.Expr):
            st.expr = variance_shown(st.expr, memo)


def variance_shown(e, memo: dict | None = None):
    """e with mean((a − mean(a) 1).^2) as var(a), its root as std(a) (the result gets this
    from mdx.simplification.means.variance), built as is around it.  Not inside a
    differential: a step's rule (d sqrt(u), d mean(U)) works on what the step shows."""
    from ..simplification.means import variance
    memo = {} if memo is None else memo
    got = memo.get(id(e))
    if got is not None:
        return got[1]
    kids = () if isinstance(e, E.D) else e.children()
    new = tuple(variance_shown(k, memo) for k in kids)
    out = e if all(a is b for a, b in zip(new, kids)) else _same_node(e, new)
    out = variance(out) or out
    memo[id(e)] = (e, out)                  # holding e keeps its id its own
    return out
