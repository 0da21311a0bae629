"""A Derivation as text, LaTeX, a JSON object (SPEC 6) or a runnable NumPy function."""

from __future__ import annotations

from ..expressions import expr as E
from ..errors import visible
from .cse import LONG, MIN_NAMED, for_code, name_repeats, named_step as _named_step, shallow
from .latex_names import latex_names, lhs_latex as _lhs_latex
from ..language.names import latex_name, problem_names
from ..expressions.latex import to_latex
from .numpy_code import NumpyPrinter
from ..expressions.text import to_text
from .pynames import derivation_names, used_callables

KIND_NAMES = {"scalar": "scalar", "vector": "vector", "row": "row vector", "matrix": "matrix"}


def _shape_text(shape) -> str:
    return "×".join(shape)


def _size_text(shape) -> str:
    """A result's size as a textbook writes it: mn×p for a product of one-letter sizes
    (the where line keeps m*n, which reads back as a declaration)."""
    def size(d: str) -> str:
        parts = d.split("*")
        return "".join(parts) if all(len(p) == 1 and p.isalpha() for p in parts) else "·".join(parts)
    return "×".join(size(d) for d in shape)


def _expr_text(e) -> str:
    if hasattr(e, "terms_"):
        from .index_print import terms_text
        return terms_text(e.terms_)
    return to_text(e)


def _expr_latex(e) -> str:
    if hasattr(e, "terms_"):
        from .index_print import terms_latex
        return terms_latex(e.terms_)
    return to_latex(e)


def _symbol_text(sym) -> str:
    props = " ".join(sorted(sym.props))
    kind = {"scalar": "scalar", "vector": f"vector {sym.rows}", "row": f"row vector {sym.cols}",
            "matrix": f"matrix {_shape_text(sym.shape)}"}[sym.kind]
    return f"{props} {kind}" if props else kind


def where_text(der) -> str:
    """`where x: vector n; A: matrix n×n`: the symbols as a where clause mdx reads back."""
    parts = [f"{s.name}: {_symbol_text(s)}" for s in der.symbols.values()]
    parts += [f"{f}: scalar function" for f in getattr(der, "abstract_functions", ())]
    parts += [d.definition_text(0) for d in der.functions.values()]
    return "where " + "; ".join(parts)


def _numpy_printer(der) -> NumpyPrinter:
    return NumpyPrinter(derivation_names(der), der.var)


def _taken(der) -> set:
    """Names a piece of code (h1 = ...) should not start like: the problem's, and their
    identifiers (PyNames sets the pieces apart in any case)."""
    return set(der.symbols) | derivation_names(der).own


def _named(der):
    """The result split into named repeats and a body when it prints long (else no names);
    computed once per result, since text, LaTeX and NumPy all print it."""
    cached = der.__dict__.get("_named")
    if cached is not None and cached[0] is der.result:
        return cached[1]
    if der.result.size <= LONG and len(to_text(der.result)) <= LONG:   # (size ≤ length)
        parts = _named_if_shorter(der)
    else:
        parts = name_repeats(der.result, set(der.symbols), to_text)
    der.__dict__["_named"] = (der.result, parts)
    return parts


SHORTER = 0.9      # a short result names its repeats only where that saves a tenth of it


def _named_if_shorter(der):
    """A result under LONG with its repeats named where the whole, definitions and all,
    prints a tenth shorter: (x − mean(x) 1) three times in a layer-norm gradient."""
    plain = len(to_text(der.result))
    if plain < 2 * MIN_NAMED * 3:        # too short to hold a named piece three times
        return [], der.result
    defs, body = name_repeats(der.result, set(der.symbols), to_text)
    if defs and len(_joined(defs, body)) < SHORTER * plain:
        return defs, body
    return [], der.result


def _joined(defs, body) -> str:
    if not defs:
        return to_text(body)
    return to_text(body) + " where " + ", ".join(f"{s.name} = {to_text(d)}" for s, d in defs)


def result_text(der) -> str:
    return _joined(*_named(der))


def result_latex(der, printer=None) -> str:
    """The result as LaTeX; `printer` (a LatexPrinter) for another typesetting of it."""
    with latex_names(der):
        return _result_latex(der, printer)


def _result_latex(der, printer=None) -> str:
    show = printer.doprint if printer is not None else to_latex
    sep = getattr(printer, "list_sep", r",\ ")
    defs, body = _named(der)
    if not defs:
        return show(body)
    where = getattr(printer, "where_sep", r", \quad \text{where } ")
    return show(body) + where + sep.join(
        f"{latex_name(s.name)} = {show(d)}" for s, d in defs)


def _step_names(der):
    """(definitions, {expanded piece: name}) for printing the steps of a long result.

    The pieces the result names (h1 = tanh(W1 x), h2 = tanh(W2 h1), ...) recur, fully
    expanded, in every step of a deep derivation: printed in full, step k of a depth-L
    chain is O(L²) long and the steps O(L³).  Printed with the same names, each step is
    as long as the result."""
    cached = der.__dict__.get("_step_names")
    if cached is not None and cached[0] is der.result:
        return cached[1]
    defs, _ = _named(der)
    expanded, mapping = {}, {}
    for sym, body in defs:
        full = E.substitute(body, expanded)
        expanded[sym] = full
        mapping[full] = sym
    der.__dict__["_step_names"] = (der.result, (defs, mapping))
    return defs, mapping


def derivation_text(der, steps: bool = True) -> str:
    lines = [f"{visible(der.problem)}    [{der.layout} layout, {der.method} method]"]
    lines.append(f"  {where_text(der)}")
    if steps:
        defs, mapping = _step_names(der)
        if defs:
            lines.append("  let " + ", ".join(f"{s.name} = {to_text(d)}" for s, d in defs))
        memo: dict = {}
        for i, st in enumerate(der.steps, 1):
            lines.append(f"  {i:>2}. {st.rule}")
            lines.append(f"      {st.lhs} = {_expr_text(_named_step(st.expr, mapping, memo))}")
    lines.append(f"  result: {der.result_lhs} = {result_text(der)}    "
                 f"({_size_text(der.result.shape)})")
    if der.verification is not None:
        lines.append(f"  {der.verification.line()}")
    lines.extend(f"  note: {n}" for n in notes_to_show(der, steps))
    return "\n".join(lines)


def notes_to_show(der, steps: bool) -> list:
    """The notes a step does not already say (`g'(t) = ...`, a structured variable)."""
    shown = {st.rule for st in der.steps} if steps else set()
    return [n for n in getattr(der, "notes", ()) if n not in shown
            and "structured variable: " + n not in shown and n.split(": ")[0] not in shown]


def rule_latex_text(rule: str) -> str:
    """A rule's name for LaTeX text mode: words as text, formulas as inline math."""
    from .rule_latex import rule_latex
    return rule_latex(rule)


def intertext(rule: str) -> str:
    """A line of text between the rows of an align: the rule a step uses, a note; ragged
    right, since a justified line cannot take a long formula onto the next."""
    return r"\intertext{\raggedright " + rule_latex_text(rule) + "}"


def derivation_latex(der, steps: bool = True, bold: bool = False) -> str:
    with latex_names(der, bold):
        return align(_derivation_rows(der, steps)) + _verified(der)


def align(rows: list) -> str:
    """An align* of rows: an \\intertext line ends the row before it itself."""
    out, after_row = "", False
    for row in rows:
        text = row.startswith(r"\intertext")
        out += (" \\\\\n" if after_row and not text else "\n") + row
        after_row = not text
    return "\\begin{align*}" + out + "\n\\end{align*}"


def _verified(der) -> str:
    return "" if der.verification is None else "\n% " + der.verification.line()


def _derivation_rows(der, steps: bool) -> list:
    """Rows that fit an article's text width: each step's rule on a line of its own above
    it, a long sum broken between its terms, a long product's pieces named (h1 = …) on
    rows of their own (mdx.rendering.sheet_fit, as the worksheet fits its page)."""
    from .sheet_fit import SheetNames, TEXT_WIDTH
    defs, mapping = _step_names(der) if steps else ([], {})
    names = SheetNames(set(der.symbols) | set(problem_names()), TEXT_WIDTH, mapping)
    rows = []
    if steps:
        rows += _let_rows(defs, names) + step_rows(der.steps, names)
    else:
        defs, body = _named(der)
        more, body = names.fit(body)
        rows.append(f"{_lhs_latex(der.result_lhs)} &= {_printed_row(body)}")
        rows += _where(list(defs) + more, names)
    rows += [intertext("Note: " + n) for n in notes_to_show(der, steps)]
    return rows


def step_rows(steps, names) -> list:
    """Each step: its rule as a line of text, then its equation, fitted by `names` (a
    SheetNames), and `where` rows for the pieces that named."""
    rows, prev = [], None
    for st in steps:
        rows.append(intertext(st.rule))
        more, shown = names.fit_entries(st.expr) if hasattr(st.expr, "terms_") else names.fit(st.expr)
        rows.append(f"{_lhs_latex(st.lhs) if st.lhs != prev else ''} &= {_printed_row(shown)}")
        rows += _where(more)
        prev = None if more else st.lhs
    return rows


def _printed_row(e) -> str:
    from .sheet_fit import printed
    return printed(e)


def _let_rows(defs, names) -> list:
    """The named pieces of a long result, each on a row that fits."""
    if not defs:
        return []
    rows = [intertext("let")]
    for sym, body in defs:
        more, body = names.fit(body, own=sym)
        rows.append(f"{latex_name(sym.name, sym.kind)} &= {_printed_row(body)}")
        rows += _where(more)
    return rows


def fitted_rows(lhs: str, e, names) -> list:
    """`lhs &= e`, fitted, with `where` rows for the pieces named to make it fit."""
    more, e = names.fit(e)
    return [f"{lhs} &= {_printed_row(e)}"] + _where(more)


def _where(defs, names=None) -> list:
    """`where h1 = …` rows; a definition too long for a row gets pieces named too."""
    from .sheet_fit import where_rows
    if names is None:
        return where_rows(defs, intertext("where"))
    rows = []
    for sym, body in defs:
        more, body = names.fit(body, own=sym)
        rows.append(f"{latex_name(sym.name, sym.kind)} &= {_printed_row(body)}")
        rows += where_rows(more, None)
    return [intertext("where")] + rows if rows else []


def result_numpy(der, p=None) -> str:
    """One expression; named repeats become assignment expressions evaluated first."""
    p = p or _numpy_printer(der)
    defs, body = _named(der)
    defs, (body,) = for_code(defs, [body])
    if not defs:
        return p.value(body)
    lets = ", ".join(f"({p.names.sym(s.name)} := {p.value(d)})" for s, d in defs)
    return f"[{lets}, {p.value(body)}][-1]"


def step_numpy(der, st, names=None, printed=None) -> str:
    """The step's value as one expression.  `names` (the step names' definitions and
    mapping, `_step_names`) print the result's named pieces by name, each used one
    defined first by an assignment expression: the steps of a deep network then stay as
    long as the result, where spelled out they grow with the cube of the depth.
    `printed` (a dict, value -> code) prints a value that several steps share once: the
    differential method's steps all have the value df."""
    p = _numpy_printer(der)
    if st.numpy_text is not None:
        return st.numpy_text(p)
    value = st.value()
    if printed is not None:
        if value not in printed:
            printed[value] = _step_numpy_of(p, value, names)
        return printed[value]
    return _step_numpy_of(p, value, names)


def _step_numpy_of(p, value, names) -> str:
    if not names or not names[0]:
        defs, (value,) = shallow([], [value])
        if not defs:
            return p.doprint(value)
        names = (defs, {})
    defs, mapping = names
    value = _named_step(value, mapping, {})
    used, (value,) = shallow(_used_definitions(defs, value), [value])
    if not used:
        return p.doprint(value)
    lets = ", ".join(f"({p.names.sym(s.name)} := {p.value(d)})" for s, d in used)
    return f"[{lets}, {p.doprint(value)}][-1]"


def _used_definitions(defs: list, e) -> list:
    """The definitions e refers to, with those they refer to, in order of definition."""
    need = set(e.free)
    used = []
    for sym, body in reversed(defs):
        if sym.name in need:
            used.append((sym, body))
            need |= body.free
    return used[::-1]


def derivation_json(der) -> dict:
    with latex_names(der):
        return _derivation_json(der)


def _derivation_json(der) -> dict:
    symbols = {s.name: {"kind": KIND_NAMES[s.kind], "shape": list(s.shape),
                        "props": sorted(s.props)} for s in der.symbols.values()}
    steps = []
    names = _step_names(der)
    defs, mapping = names
    memo, printed = {}, {}
    for st in der.steps:
        shown = _named_step(st.expr, mapping, memo)
        item = {"rule": st.rule, "text": f"{st.lhs} = {_expr_text(shown)}",
                "latex": f"{_lhs_latex(st.lhs)} = {_expr_latex(shown)}"}
        if st.numpy:
            item["numpy"] = step_numpy(der, st, names, printed)
            if st.equals:
                item["equals"] = st.equals
        steps.append(item)
    wrt = der.wrt if der.var2 is None else [der.wrt, der.var2.name]     # d^2 f / dx dy
    out = {"problem": der.problem, "wrt": wrt, "layout": der.layout, "method": der.method,
           "symbols": symbols,
           "result": {"text": result_text(der), "latex": result_latex(der),
                      "numpy": result_numpy(der), "shape": list(der.result.shape)},
           "steps": steps}
    if defs:        # the names the steps use, as the text's `let` line gives them
        p = _numpy_printer(der)
        out["let"] = [{"name": s.name, "text": to_text(d), "latex": to_latex(d),
                       "numpy": p.value(d)} for s, d in defs]
    if der.notes:
        out["notes"] = der.notes
    if der.verification is not None:
        out["verification"] = der.verification.json()
    return out


def numpy_function(der, name: str | None = None) -> str:
    """A complete, runnable Python function computing the derivative.

    Its parameters are the problem's symbols and, for an abstract function f, the
    derivatives the result uses (`f_prime`, ...), which the caller supplies."""
    return _function(der, _numpy_printer(der), "import numpy as np",
                     "Vectors are (n, 1) arrays; scalars are floats.", name)


def torch_function(der, name: str | None = None) -> str:
    """The same as a PyTorch function: float64 tensors, differentiable by autograd."""
    from .torch_code import TorchPrinter
    return _function(der, TorchPrinter(derivation_names(der), der.var), "import torch",
                     "Vectors are (n, 1) tensors; scalars are 0-d tensors.", name)


def function_name(der) -> str:
    """The generated function's name (several gradients': mdx.rendering.several.function_name,
    which imports this module)."""
    return derivation_names(der).function


def function_parameters(der, printer) -> list:
    """The symbols, then the callables and free sizes the printed result uses."""
    args = [printer.names.sym(s.name) for s in der.symbols.values()]
    return args + [a for a in used_callables(printer.names, der.result) + printer.free if a not in args]


def _function(der, printer, imports: str, arrays: str, name: str | None = None) -> str:
    defs, body = _named(der)
    if not defs:        # however short the result, code computes a repeated piece once
        defs, body = name_repeats(der.result, _taken(der), to_text)
    defs, (body,) = for_code(defs, [body])
    lets = "".join(f"    {printer.names.sym(sym.name)} = {printer.value(d)}\n" for sym, d in defs)
    ret = printer.value(body)
    args = function_parameters(der, printer)
    # stays inside the docstring, on its line, with no control character in the source
    problem = visible(der.problem.replace("\\", "\\\\").replace('"', '\\"'))
    apart = "; ".join(f"{'the size ' if k == 'size' else ''}{n} is {i}"
                      for k, n, i in printer.names.renamed()
                      if (k == "size" and i in args) or (k == "sym" and n in der.symbols))
    apart = f"\n    Names set apart: {apart}." if apart else ""
    doc = f'    """{der.result_lhs} ({der.layout} layout) for\n' \
          f'    {problem}\n\n    {arrays}{apart}"""'
    checked = f"# {der.verification.line()}\n" if der.verification is not None else ""
    return (f"{checked}{imports}\n\n\ndef {name or function_name(der)}({', '.join(args)}):\n{doc}\n"
            f"{lets}    return {ret}\n")


__all__ = ["derivation_text", "derivation_latex", "derivation_json", "numpy_function",
           "torch_function", "result_numpy", "latex_name"]
