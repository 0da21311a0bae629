"""Several gradients of one function (mdx.derivation.several.Several) in every format:
text and LaTeX with the shared steps once, then each gradient's own; JSON as SPEC 10
writes it (`"wrt": [...]`, `"results": [...]`); NumPy and torch as one function that
returns the tuple of gradients, each piece they share computed once.

Imports: expressions, rendering (render, cse, code printers, pynames)."""

from __future__ import annotations

from ..errors import visible
from ..expressions import expr as E
from ..expressions.text import to_text
from .cse import LONG, for_code, name_repeats_in
from .numpy_code import NumpyPrinter
from .pynames import problem_names, used_callables
from . import render as R


def _all_steps(sev) -> list:
    return list(sev.steps) + [st for p in sev.parts for st in p.steps]


def names_of(sev):
    """The Python names of the whole problem, every differential dXᵢ among them."""
    cached = sev.__dict__.get("_py_names")
    if cached is not None:
        return cached
    exprs = [sev.function, *sev.results] + [e for st in _all_steps(sev) for e in (st.expr, st.lhs_expr)
                                            if isinstance(e, E.Expr)]
    names = problem_names(sev.symbols, exprs, sev.functions, sev.abstract_functions)
    for p in sev.parts:
        names.diff(p.var.name)
    wrts = [names.sym(w) for w in sev.wrts]
    body = "_d".join(wrts) if len(wrts) <= 4 else "all"
    names.function = names.claim(("function",), "df_d" + body)
    names.own = frozenset(names.taken())
    sev.__dict__["_py_names"] = names
    return names


def function_name(sev) -> str:
    return names_of(sev).function


def _step_lines(sev):
    """(rule, lhs, expr, step) of the shared steps, then each variable's."""
    for st in sev.steps:
        yield st
    for p in sev.parts:
        yield from p.steps


def shared_pieces(sev) -> tuple:
    """(definitions, bodies): the pieces the gradients share named once (the adjoints of a
    backward pass), when the results print long; else no definitions."""
    if sum(len(to_text(r)) for r in sev.results) <= LONG:
        return [], sev.results
    return name_repeats_in(sev.results, set(sev.symbols) | names_of(sev).own, to_text)


def several_text(sev, steps: bool = True) -> str:
    lines = [f"{visible(sev.problem)}    [{sev.layout} layout, {sev.method} method]",
             f"  {R.where_text(sev)}"]
    if steps:
        for i, st in enumerate(_step_lines(sev), 1):
            lines.append(f"  {i:>2}. {st.rule}")
            lines.append(f"      {st.lhs} = {R._expr_text(st.expr)}")
    defs, bodies = shared_pieces(sev)
    if defs:
        lines.append("  shared: " + ", ".join(f"{s.name} = {to_text(d)}" for s, d in defs))
    for p, body in zip(sev.parts, bodies):
        text = to_text(body) if defs else R.result_text(p)
        lines.append(f"  result: {p.result_lhs} = {text}    ({R._size_text(p.result.shape)})")
    if sev.verification is not None:
        lines.append(f"  {sev.verification.line()}")
    lines.extend(f"  note: {n}" for n in sev.notes)
    return "\n".join(lines)


def several_latex(sev, steps: bool = True, bold: bool = False) -> str:
    from .sheet_fit import SheetNames, TEXT_WIDTH
    with R.latex_names(sev, bold):
        names = SheetNames(set(sev.symbols), TEXT_WIDTH)
        rows = R.step_rows(_step_lines(sev), names) if steps else []
        defs, bodies = shared_pieces(sev)
        if defs:
            rows.append(R.intertext("let"))
        for s, d in defs:
            rows += R.fitted_rows(R.latex_name(s.name, s.kind), d, names)
        for p, b in zip(sev.parts, bodies):
            rows += R.fitted_rows(R._lhs_latex(p.result_lhs), b if defs else p.result, names)
        rows += [R.intertext("Note: " + n) for n in sev.notes]
        out = R.align(rows)
    if sev.verification is not None:
        out += "\n% " + sev.verification.line()
    return out


def several_json(sev) -> dict:
    with R.latex_names(sev):
        printer = NumpyPrinter(names_of(sev), sev.var)
        symbols = {s.name: {"kind": R.KIND_NAMES[s.kind], "shape": list(s.shape),
                            "props": sorted(s.props)} for s in sev.symbols.values()}
        steps = []
        for owner, st in [(None, st) for st in sev.steps] + \
                [(p.wrt, st) for p in sev.parts for st in p.steps]:
            item = {"rule": st.rule, "text": f"{st.lhs} = {R._expr_text(st.expr)}",
                    "latex": f"{R._lhs_latex(st.lhs)} = {R._expr_latex(st.expr)}"}
            if owner is not None:
                item["wrt"] = owner
            if st.numpy:
                item["numpy"] = st.numpy_text(printer) if st.numpy_text else printer.doprint(st.value())
                if st.equals:
                    item["equals"] = st.equals
            steps.append(item)
        results = [{"wrt": p.wrt, "text": R.result_text(p), "latex": R.result_latex(p),
                    "numpy": R.result_numpy(p, printer), "shape": list(p.result.shape)}
                   for p in sev.parts]
    out = {"problem": sev.problem, "wrt": sev.wrts, "layout": sev.layout, "method": sev.method,
           "symbols": symbols, "results": results, "steps": steps}
    if sev.notes:
        out["notes"] = sev.notes
    if sev.verification is not None:
        out["verification"] = sev.verification.json()
    return out


def several_function(sev, library: str, name: str | None = None) -> str:
    """def df_dW1_db1(...): the pieces the gradients share, named once; return (…, …)."""
    names = names_of(sev)
    if library == "numpy":
        printer, imports = NumpyPrinter(names, sev.var), "import numpy as np"
        arrays = "Vectors are (n, 1) arrays; scalars are floats."
    else:
        from .torch_code import TorchPrinter
        printer, imports = TorchPrinter(names, sev.var), "import torch"
        arrays = "Vectors are (n, 1) tensors; scalars are 0-d tensors."
    defs, bodies = for_code(*name_repeats_in(sev.results, set(sev.symbols) | names.own, to_text))
    lets = "".join(f"    {printer.names.sym(s.name)} = {printer.value(d)}\n" for s, d in defs)
    values = [printer.value(b) for b in bodies]
    args = [printer.names.sym(s.name) for s in sev.symbols.values()]
    args += [a for a in used_callables(printer.names, *sev.results) + printer.free if a not in args]
    problem = visible(sev.problem.replace("\\", "\\\\").replace('"', '\\"'))
    lhs = ", ".join(p.result_lhs for p in sev.parts)
    doc = f'    """({lhs}) ({sev.layout} layout) for\n    {problem}\n\n    {arrays}"""'
    checked = f"# {sev.verification.line()}\n" if sev.verification is not None else ""
    ret = "(" + ", ".join(values) + ("," if len(values) == 1 else "") + ")"
    return (f"{checked}{imports}\n\n\ndef {name or names.function}({', '.join(args)}):\n{doc}\n"
            f"{lets}    return {ret}\n")


__all__ = ["several_text", "several_latex", "several_json", "several_function", "function_name",
           "names_of"]
