"""`mdx solve "d f / dw = 0"`: the stationary point in closed form, when the gradient is
affine in the variable or in its inverse.

The gradient (differential method, denominator layout) is expanded into terms; each
term holds the variable once, linearly (`L w`, `A U`, `U B`, `A U B`), or not at all.  The
linear terms are collected (mdx.derivation.solving.linear_forms), the rest moved to the other side, common
factors cancelled, and the coefficient inverted, with the condition that it be invertible
(mdx.derivation.solving.closed_form).  A gradient affine in S⁻¹ (`C - S⁻¹`, from log det S) is solved for S⁻¹
and inverted (mdx.derivation.solving.inverse_unknown).  A gradient that is not affine (w inside σ or sign,
w twice in a term) or affine but not solvable by one inverse (a Sylvester equation) is
refused with a message that says which (mdx.derivation.solving.affine): never a wrong formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...expressions import expr as E
from .affine import NotAffineError
from .closed_form import independent, solve_for
from ...errors import UnsupportedError
from .inverse_unknown import inverse_uses, solve_through_inverse
from ..steps import Step

__all__ = ["NotAffineError", "Solution", "is_solve_line", "problem_text", "solve"]

# `/ dw = 0` at the end of the problem (before any where clause)
_EQUALS_ZERO = re.compile(r"(/\s*[d∂]\s*[^\s=]+?)(\s*=\s*0)(?=\s*(where(?![A-Za-z0-9_])|$))")


@dataclass
class Solution:
    problem: str
    wrt: str
    symbols: dict
    var: E.Sym
    gradient: E.Expr
    result: E.Expr
    condition: str
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    function: E.Expr | None = None          # f, whose gradient was set to zero
    functions: dict = field(default_factory=dict)      # user-defined functions (where_text)
    order: int = 1
    condition_latex: str = r"\text{none}"

    @property
    def result_lhs(self) -> str:
        return self.wrt

    def text(self, steps: bool = True) -> str:
        from ...expressions.text import to_text
        from ...rendering.render import where_text
        from ...errors import visible
        lines = [f"{visible(self.problem)}    [stationary point: the gradient set to zero]",
                 f"  {where_text(self)}"]
        if steps:
            for i, st in enumerate(self.steps, 1):
                lines.append(f"  {i:>2}. {st.rule}")
                lines.append(f"      {st.lhs} = {to_text(st.expr)}")
        lines.append(f"  result: {self.wrt} = {to_text(self.result)}    ({'×'.join(self.result.shape)})")
        lines.append(f"  condition: {self.condition}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def _code_names(self):
        """The Python names of the problem (mdx.rendering.pynames), found once."""
        from ...rendering.pynames import problem_names
        if "_py_names" not in self.__dict__:
            exprs = [e for e in (self.function, self.gradient, self.result) if e is not None]
            self.__dict__["_py_names"] = problem_names(
                self.symbols, exprs + [st.expr for st in self.steps], self.functions, (), self.var)
        return self.__dict__["_py_names"]

    def latex(self, steps: bool = True, bold: bool = False) -> str:
        from ...rendering.render import latex_names
        with latex_names(self, bold):
            return self._latex(steps)

    def _latex(self, steps: bool) -> str:
        from ...expressions.latex import latex_name
        from ...rendering.render import align, fitted_rows, intertext
        from ...rendering.sheet_fit import SheetNames, TEXT_WIDTH
        names = SheetNames(set(self.symbols), TEXT_WIDTH)
        rows = []
        if steps:
            for st in self.steps:
                rows += [intertext(st.rule)] + fitted_rows(step_lhs_latex(st), st.expr, names)
        else:
            rows += fitted_rows(latex_name(self.wrt), self.result, names)
        rows.append(r"&\text{condition: } " + self.condition_latex)
        rows.extend(intertext("Note: " + n) for n in self.notes)
        return align(rows)

    def check(self, points: int = 3, seed: int = 0) -> float:
        """The largest relative size of the gradient at the solution, at random inputs
        (0 up to rounding when the solution is right)."""
        import numpy as np
        from ...checking.numeric import derivation_sizes, draw_inputs
        from ...rendering.numpy_code import NumpyPrinter
        names = self._code_names()
        printer = NumpyPrinter(names, self.var)
        solution, gradient = printer.doprint(self.result), printer.doprint(self.gradient)
        rng = np.random.default_rng(seed)
        sizes = derivation_sizes(self)
        worst = 0.0
        for _ in range(points):
            env = {"__builtins__": {}, "np": np, **{names.size(k): v for k, v in sizes.items()},
                   **draw_inputs(self.symbols, sizes, np, rng, names, positive=True)}
            w = np.asarray(eval(solution, env), dtype=float)
            scale = max(1.0, float(np.max(np.abs(np.asarray(eval(gradient, env), dtype=float)))))
            env[names.sym(self.wrt)] = w
            worst = max(worst, float(np.max(np.abs(np.asarray(eval(gradient, env))))) / scale)
        return worst

    def json(self) -> dict:
        from ...rendering.render import latex_names
        with latex_names(self):
            return self._json()

    def _json(self) -> dict:
        from ...expressions.latex import to_latex
        from ...rendering.numpy_code import NumpyPrinter
        from ...expressions.text import to_text
        from ...rendering.render import KIND_NAMES
        printer = NumpyPrinter(self._code_names(), self.var)
        return {"problem": self.problem, "wrt": self.wrt, "solve": True,
                "symbols": {s.name: {"kind": KIND_NAMES[s.kind], "shape": list(s.shape),
                                     "props": sorted(s.props)} for s in self.symbols.values()},
                "result": {"text": to_text(self.result), "latex": to_latex(self.result),
                           "numpy": printer.doprint(self.result), "shape": list(self.result.shape)},
                "gradient": {"text": to_text(self.gradient), "numpy": printer.doprint(self.gradient)},
                "condition": self.condition, "condition_latex": self.condition_latex,
                "steps": [{"rule": st.rule, "text": f"{st.lhs} = {to_text(st.expr)}"}
                          for st in self.steps], **({"notes": self.notes} if self.notes else {})}


def step_lhs_latex(st) -> str:
    from ...expressions.latex import latex_name, to_latex
    from ...rendering.render import _lhs_latex
    if st.lhs_expr is not None:
        return to_latex(st.lhs_expr)
    if st.lhs == "0":                       # "set it to zero": the number, not a name
        return "0"
    return _lhs_latex(st.lhs) if st.lhs.startswith("∂") else latex_name(st.lhs)


def problem_text(text: str) -> str:
    """The problem without its `= 0`, blanked out so that columns stay where they were."""
    return _EQUALS_ZERO.sub(lambda m: m.group(1) + " " * len(m.group(2)), text, count=1)


def is_solve_line(text: str) -> bool:
    return _EQUALS_ZERO.search(text) is not None


def solve(problem: str) -> Solution:
    """The stationary point of `d f / dw = 0` (the `= 0` may be left out)."""
    from ..api import derive
    text = problem_text(problem)
    der = derive(text)
    if der.order != 1 or not der.function.is_scalar:
        raise UnsupportedError("mdx solve sets the gradient of a scalar function to zero", 1,
                               "write `d f / dw = 0` with f a scalar")
    var, G = der.var, der.result
    if var.name not in G.free:
        raise independent(G, var.name)
    inverses, direct = inverse_uses(G, var)
    if inverses:
        form = solve_through_inverse(G, var, inverses, direct, text, der)
    else:
        form = solve_for(G, var, var.name, text, der)
    steps = [Step("derive the gradient (differential method, denominator layout)",
                  f"∂f/∂{var.name}", G)] + form.steps
    return Solution(problem=problem.strip(), wrt=var.name, symbols=der.symbols, var=var,
                    gradient=G, result=form.result, steps=steps, notes=list(der.notes),
                    condition=" and ".join(t for t, _ in form.conditions) or "none",
                    condition_latex=r" \text{ and } ".join(x for _, x in form.conditions)
                    or r"\text{none}", function=der.function, functions=der.functions)
