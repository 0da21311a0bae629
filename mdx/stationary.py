"""`mdx solve "d f / dw = 0"`: the stationary point in closed form, when the gradient is
affine in the variable.

The gradient (differential method, denominator layout) is expanded into terms; each
term holds the variable once (a linear term, `L w` or, for a matrix variable, `L U` or
`U R`) or not at all (a constant).  The linear terms are collected, the rest moved to the
other side, common factors cancelled, and the coefficient inverted, with the condition
that it be invertible.  A gradient that is not affine (w inside σ, w twice in a term) is
refused with a positioned message: never a wrong formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd

from . import expr as E
from .affine import NotAffineError, count_uses, expand_terms, linear_part, not_affine
from .errors import UnsupportedError
from .steps import Step

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
        from .printers.text import to_text
        from .render import where_text
        lines = [f"{self.problem}    [stationary point: the gradient set to zero]",
                 f"  {where_text(self)}"]
        if steps:
            for i, st in enumerate(self.steps, 1):
                lines.append(f"  {i:>2}. {st.rule}")
                lines.append(f"      {st.lhs} = {to_text(st.expr)}")
        lines.append(f"  result: {self.wrt} = {to_text(self.result)}    ({'×'.join(self.result.shape)})")
        lines.append(f"  condition: {self.condition}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def latex(self, steps: bool = True) -> str:
        from .printers.latex import latex_name, to_latex
        from .render import rule_latex_text
        rows = []
        if steps:
            for st in self.steps:
                rows.append(rf"{step_lhs_latex(st)} &= {to_latex(st.expr)} && "
                            rf"\text{{{rule_latex_text(st.rule)}}}")
        else:
            rows.append(rf"{latex_name(self.wrt)} &= {to_latex(self.result)}")
        rows.append(rf"&\text{{condition: }} {self.condition_latex}")
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}"

    def check(self, points: int = 3, seed: int = 0) -> float:
        """The largest relative size of the gradient at the solution, at random inputs
        (0 up to rounding when the solution is right)."""
        import numpy as np
        from .numeric import dim_sizes, draw_inputs
        from .printers.numpy import NumpyPrinter, dim_table, py_name
        printer = NumpyPrinter(dim_table(self.symbols.values()), self.var)
        solution, gradient = printer.doprint(self.result), printer.doprint(self.gradient)
        rng = np.random.default_rng(seed)
        sizes = dim_sizes(self.symbols.values())
        worst = 0.0
        for _ in range(points):
            env = {"__builtins__": {}, "np": np,
                   **draw_inputs(self.symbols, sizes, np, rng, positive=True)}
            w = np.asarray(eval(solution, env), dtype=float)
            scale = max(1.0, float(np.max(np.abs(np.asarray(eval(gradient, env), dtype=float)))))
            env[py_name(self.wrt)] = w
            worst = max(worst, float(np.max(np.abs(np.asarray(eval(gradient, env))))) / scale)
        return worst

    def json(self) -> dict:
        from .printers.latex import to_latex
        from .printers.numpy import NumpyPrinter, dim_table
        from .printers.text import to_text
        from .render import KIND_NAMES
        printer = NumpyPrinter(dim_table(self.symbols.values()), self.var)
        return {"problem": self.problem, "wrt": self.wrt, "solve": True,
                "symbols": {s.name: {"kind": KIND_NAMES[s.kind], "shape": list(s.shape),
                                     "props": sorted(s.props)} for s in self.symbols.values()},
                "result": {"text": to_text(self.result), "latex": to_latex(self.result),
                           "numpy": printer.doprint(self.result), "shape": list(self.result.shape)},
                "gradient": {"text": to_text(self.gradient), "numpy": printer.doprint(self.gradient)},
                "condition": self.condition, "condition_latex": self.condition_latex,
                "steps": [{"rule": st.rule, "text": f"{st.lhs} = {to_text(st.expr)}"}
                          for st in self.steps]}


def step_lhs_latex(st) -> str:
    from .printers.latex import latex_name, to_latex
    from .render import _lhs_latex
    if st.lhs_expr is not None:
        return to_latex(st.lhs_expr)
    return _lhs_latex(st.lhs) if st.lhs.startswith("∂") else latex_name(st.lhs)


def problem_text(text: str) -> str:
    """The problem without its `= 0`, blanked out so that columns stay where they were."""
    return _EQUALS_ZERO.sub(lambda m: m.group(1) + " " * len(m.group(2)), text, count=1)


def is_solve_line(text: str) -> bool:
    return _EQUALS_ZERO.search(text) is not None


def solve(problem: str) -> Solution:
    """The stationary point of `d f / dw = 0` (the `= 0` may be left out)."""
    from .api import derive
    from .simplify import present
    text = problem_text(problem)
    der = derive(text)
    if der.order != 1 or not der.function.is_scalar:
        raise UnsupportedError("mdx solve sets the gradient of a scalar function to zero", 1,
                               "write `d f / dw = 0` with f a scalar")
    var, G = der.var, der.result
    terms = expand_terms(G, var)
    linear, constant = [], []
    for t in terms:
        occurrences = count_uses(t, var)
        if occurrences == 0:
            constant.append(t)
        elif occurrences == 1:
            linear.append(linear_part(t, var, text, der))
        else:
            raise not_affine(text, der, f"a term of the gradient holds {var.name} more than once")
    if not linear:
        raise UnsupportedError(f"the gradient does not depend on {var.name}: it is zero everywhere "
                               "or nowhere, so there is no point to solve for", 1)
    steps = [Step("derive the gradient (differential method, denominator layout)",
                  f"∂f/∂{var.name}", G)]
    expanded = E.add(*terms)
    steps.append(Step("set it to zero and expand the products", "0", expanded))
    rhs = present(E.neg(E.add(*constant))) if constant else E.zero(var.shape)
    if len(linear) == 1 and all(p is not None for p in linear[0]):
        return _both_sides(problem, der, G, linear[0], rhs, steps)
    sides = {"left" if L is not None and R is None else "right" if L is None else "both"
             for L, R in linear}
    if var.cols == "1" or sides == {"left"}:
        M = present(E.add(*(L for L, _ in linear)))
        lhs_expr = E.mul(M, var)
        side = "left"
    elif sides == {"right"}:
        M = present(E.add(*(R for _, R in linear)))
        lhs_expr = E.mul(var, M)
        side = "right"
    else:
        raise NotAffineError(f"the terms in {var.name} multiply it from both sides (a Sylvester "
                             "equation); mdx solves A U = C, U B = C and A U B = C", 1,
                             "solve it with scipy.linalg.solve_sylvester")
    steps.append(_equation(f"collect the terms in {var.name} and move the rest to the right",
                           lhs_expr, rhs))
    M, rhs, note = _cancel(M, rhs, side)
    if note:
        steps.append(_equation(note, E.mul(M, var) if side == "left" else E.mul(var, M), rhs))
    result, condition = _invert(M, rhs, side, var)
    cond_latex = _condition_latex(condition, M)
    if result != rhs:
        steps.append(Step(f"invert the coefficient of {var.name} (see the condition)" if condition
                          else f"divide by the coefficient of {var.name}", var.name, result))
    return Solution(problem=problem.strip(), wrt=var.name, symbols=der.symbols, var=var,
                    gradient=G, result=result, condition=condition or "none", steps=steps,
                    function=der.function, functions=der.functions, condition_latex=cond_latex)


def _both_sides(problem, der, G, LR, rhs, steps) -> Solution:
    """A U B = C: U = A⁻¹ C B⁻¹."""
    from .printers.text import to_text
    from .simplify import present
    var = der.var
    L, R = LR
    c, L = E.split_coeff(L)             # 2 AᵀA U BBᵀ = 2 AᵀC Bᵀ: divide by the 2 first
    rhs = present(E.scale(1 / c, rhs)) if c != 1 else rhs
    steps.append(_equation(f"collect the term in {var.name} and move the rest to the right",
                           E.mul(L, var, R), rhs))
    result = present(E.mul(E.power(L, -1), rhs, E.power(R, -1)))
    condition = f"{to_text(present(L))} and {to_text(present(R))} invertible"
    from .printers.latex import to_latex
    cond_latex = rf"{to_latex(present(L))} \text{{ and }} {to_latex(present(R))} \text{{ invertible}}"
    steps.append(Step("multiply by the inverses from both sides (see the condition)", var.name, result))
    return Solution(problem=problem.strip(), wrt=var.name, symbols=der.symbols, var=var,
                    gradient=G, result=result, condition=condition, steps=steps,
                    function=der.function, functions=der.functions, condition_latex=cond_latex)


def _equation(rule: str, lhs: E.Expr, rhs: E.Expr) -> Step:
    return Step(rule, _text(lhs), rhs, numpy=False, lhs_expr=lhs)


def _text(e) -> str:
    from .printers.text import to_text
    return to_text(e)


# ------------------------------------------------------------------ simplification
def _terms(e):
    return list(e.terms) if isinstance(e, E.Add) else [e]


def _cancel(M, rhs, side):
    """Divide out a common number and a common invertible factor on the side of w."""
    from .simplify import present
    notes = []
    coeffs = [E.split_coeff(t)[0] for t in _terms(M) + _terms(rhs) if not isinstance(t, E.Zero)]
    common = _common_fraction(coeffs)
    if common not in (0, 1):
        M, rhs = present(E.scale(1 / common, M)), present(E.scale(1 / common, rhs))
        notes.append(f"divide both sides by {_fraction_text(common)}")
    factor = _common_factor(_terms(M) + _terms(rhs), side)
    if factor is not None:
        M, rhs = (present(_strip(t, side)) for t in (M, rhs))
        notes.append(f"cancel the common factor {_text(factor)} (invertible, since it is an inverse)")
    return M, rhs, "; ".join(notes)


def _fraction_text(c: Fraction) -> str:
    return str(c.numerator) if c.denominator == 1 else f"{c.numerator}/{c.denominator}"


def _common_fraction(coeffs) -> Fraction:
    if not coeffs:
        return Fraction(1)
    num = 0
    den = 0
    for c in coeffs:
        num = gcd(num, abs(c.numerator))
        den = gcd(den, c.denominator)
    sign = -1 if all(c < 0 for c in coeffs) else 1
    return Fraction(sign * num, den or 1)


def _common_factor(terms, side):
    """An inverse A⁻¹ that every term starts (side "left") or ends with, else None."""
    first = None
    for t in terms:
        chain = t.chain if isinstance(t, E.Mul) else (t,)
        if not chain:
            return None
        f = chain[0] if side == "left" else chain[-1]
        if not (isinstance(f, E.Pow) and f.k == -1):
            return None
        if first is None:
            first = f
        elif f != first:
            return None
    return first


def _strip(e, side):
    out = []
    for t in _terms(e):
        chain = list(t.chain)
        chain = chain[1:] if side == "left" else chain[:-1]
        out.append(E.mul(E.Num(t.coeff), *t.scalars, *chain))
    return E.add(*out)


def _invert(M, rhs, side, var):
    """(the solution, the condition for it)."""
    from .printers.text import to_text
    from .simplify import present
    scalar = M if M.is_scalar else _scalar_multiple_of_identity(M)
    if scalar is not None:
        if scalar == E.ONE_SCALAR:
            return rhs, ""
        positive = isinstance(scalar, E.DimSize) or isinstance(scalar, E.Num) and scalar.value != 0
        return present(E.mul(rhs, E.power(scalar, -1))), "" if positive else f"{to_text(scalar)} ≠ 0"
    inv = E.power(M, -1)
    result = present(E.mul(inv, rhs) if side == "left" else E.mul(rhs, inv))
    props = M.props if isinstance(M, E.Sym) else frozenset()
    condition = f"{to_text(M)} invertible" + (" (it is, being spd)" if "spd" in props else "")
    return result, condition


def _condition_latex(condition: str, M) -> str:
    from .printers.latex import to_latex
    if not condition:
        return r"\text{none}"
    if condition.endswith("≠ 0"):
        return rf"{to_latex(M)} \neq 0"
    return rf"{to_latex(M)} \text{{ {condition[len(_text(M)):].strip()}}}"


def _scalar_multiple_of_identity(M):
    """s for M = s I (s possibly 1), else None."""
    if isinstance(M, E.Identity):
        return E.ONE_SCALAR
    if isinstance(M, E.Mul) and len(M.chain) == 1 and isinstance(M.chain[0], E.Identity):
        return E.mul(E.Num(M.coeff), *M.scalars)
    return None
