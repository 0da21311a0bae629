"""The Python names of one problem, found once over the whole of it.

Every path that writes or runs code (result.numpy, the steps' numpy, --format numpy and
torch, --verify, --verify exact, mdx check, mdx solve's check, der.numpy()) asks the
PyNames built here, so that they all agree and no two names share an identifier
(mdx.language.names.PyNames says how they are kept apart).
"""

from __future__ import annotations

from ..expressions import expr as E
from ..language.names import PyNames, ascii_name


def problem_names(symbols: dict, exprs=(), functions=None, abstract=(), var=None) -> PyNames:
    """Names in order of precedence: the symbols (those typed as they are spelled in
    code first: `lambda` before `λ`), other names in the expressions, the parameters of
    user-defined functions, the variable's differential, the sizes, the functions."""
    names = PyNames()
    syms = list(symbols.values())
    for s in sorted(syms, key=lambda s: ascii_name(s.name) != s.name):
        names.sym(s.name)
    found_syms, diffs, sizes, funcs = _walk(syms, exprs)
    for n in found_syms:
        names.sym(n)
    for defn in (functions or {}).values():
        names.sym(defn.param)
    if var is not None:
        names.diff(var.name)
    for n in diffs:
        names.diff(n)
    for s in syms:
        for i, d in enumerate(s.shape):
            if d != "1" and "*" not in d and d not in names.dims and s.kind != "function":
                names.dims[d] = f"{names.sym(s.name)}.shape[{i}]"
    for d in sizes:
        names.size(d)
    for f in abstract:
        names.func(f)
    for f, k in funcs:
        names.func(f, k)
    return names


def derivation_names(der) -> PyNames:
    """The names of a Derivation (computed once per result), with its function's name."""
    cached = der.__dict__.get("_py_names")
    if cached is not None and cached[0] is der.result:
        return cached[1]
    exprs = [der.function, der.result] + [e for st in der.steps for e in (st.expr, st.lhs_expr)
                                          if isinstance(e, E.Expr)]
    names = problem_names(der.symbols, exprs, der.functions, der.abstract_functions, der.var)
    second = f"_d{names.sym(der.var2.name)}" if getattr(der, "var2", None) is not None else ""
    names.function = names.claim(("function",), "d" + ("2" if der.order == 2 else "") + "f_d"
                                 + names.sym(der.var.name) + second)
    names.own = frozenset(names.taken())        # before any piece (h1, ...) is named
    der.__dict__["_py_names"] = (der.result, names)
    return names


def problem_sizes(symbols: dict, exprs) -> list:
    """The sizes of the symbols, then those the expressions name (I_n, sum(ones(n)))."""
    return _walk(list(symbols.values()), exprs)[2]


def used_callables(names: PyNames, *exprs) -> list:
    """The identifiers of the functions and derivatives (f, f_prime) that exprs call."""
    return [names.func(f, k) for f, k in _walk((), exprs)[3]]


def _walk(symbols, exprs) -> tuple:
    """(other symbols, differentials, sizes, (function, primes)) in order of appearance."""
    from .numpy_code import NumpyPrinter
    known = {s.name for s in symbols}
    syms: dict = {}
    diffs: dict = {}
    sizes: dict = {}
    funcs: dict = {}
    for s in symbols:
        _sizes(s.shape, sizes)
    seen: set = set()
    stack = list(reversed(list(exprs)))
    while stack:
        node = stack.pop()
        if id(node) in seen or not isinstance(node, E.Expr):
            continue
        seen.add(id(node))
        _sizes(node.shape, sizes)
        if isinstance(node, E.Sym):
            if node.diff:
                diffs.setdefault(node.name[1:], None)
            elif node.name not in known:
                syms.setdefault(node.name, None)
        elif isinstance(node, E.Func) and node.defn is None and not node.bounds and \
                (node.primes or node.name not in NumpyPrinter.FUNCS):
            funcs.setdefault((node.name, node.primes), None)
        elif isinstance(node, E.DimSize):
            _sizes((node.n,), sizes)
        stack.extend(reversed(node.children()))
    return list(syms), list(diffs), list(sizes), list(funcs)


def _sizes(shape, out: dict) -> None:
    for d in shape:
        for part in str(d).split("*"):
            if part != "1" and not part.isdigit():
                out.setdefault(part, None)
