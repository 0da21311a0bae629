"""How a problem's names print in LaTeX: apart from each other (W1 beside W_1), bold if
asked, and in a step's left-hand side (∂f/∂W2) as the body prints them."""

from __future__ import annotations

import re

from ..expressions import expr as E
from ..language.names import distinct_latex_names, indexed_latex, problem_names


def latex_names(der, bold: bool = False):
    """While it lasts, the problem's names print apart in LaTeX (mdx.language.names.distinct_latex),
    and with `bold` its vectors and matrices bold."""
    names = list(der.symbols) + list(getattr(der, "abstract_functions", ())) + list(der.functions)
    return distinct_latex_names(names, bold, _kinds(der) if bold else None)


def _kinds(der) -> dict:
    """name -> kind of every symbol the derivation prints (its intermediate variables z1,
    u1 too), so that a name written in a left-hand side is as bold as in the body."""
    kinds = {n: s.kind for n, s in der.symbols.items()}
    seen: set = set()
    parts = getattr(der, "parts", [der])            # several gradients: each part's steps
    stack = [st.expr for d in [der] + parts for st in d.steps if isinstance(st.expr, E.Expr)]
    stack += [d.result for d in parts if isinstance(getattr(d, "result", None), E.Expr)]
    while stack:
        x = stack.pop()
        if id(x) in seen or hasattr(x, "terms_"):
            continue
        seen.add(id(x))
        if isinstance(x, E.Sym) and not x.diff:
            kinds.setdefault(x.name, x.kind)
        stack.extend(x.children())
    return kinds


def lhs_latex(lhs: str) -> str:
    """A step's left-hand side as the body prints its names: ∂f/∂W2 -> \\frac{\\partial
    f}{\\partial W_{2}}, ∂²f/∂X∂Xᵀ, ∂f/∂X_pq, df, d∇_x f, vec(dF), z1, g'(t)."""
    top, slash, bottom = lhs.partition("/")
    if slash and top.startswith("∂") and bottom.startswith("∂"):
        order = "^2" if top.startswith("∂²") else ""
        den = r"\, ".join(r"\partial " + _lhs_piece(v) for v in bottom.split("∂") if v)
        return rf"\frac{{\partial{order} {_lhs_piece(top.lstrip('∂²'))}}}{{{den}}}"
    return _lhs_piece(lhs)


_LHS_TOKEN = re.compile(r"(?P<nabla>∇_(?P<sub>[^ ]+) )|(?P<d>d(?=[∇²(]))"
                        r"|(?P<name>[A-Za-zα-ωΑ-Ω][A-Za-z0-9_α-ωΑ-Ω]*'*)|(?P<sym>ᵀ|²|∇)|(?P<other>.)")


def _lhs_piece(text: str) -> str:
    """One side of a left-hand side: names, ∇_x f, differentials, vec(…), ᵀ."""
    out = []
    for m in _LHS_TOKEN.finditer(text):
        if m.group("nabla"):
            out.append(rf"\nabla_{{{indexed_latex(m.group('sub'))}}} ")
        elif m.group("d"):
            out.append(r"\mathrm{d}")
        elif m.group("name"):
            out.append(_lhs_name(m.group("name")))
        elif m.group("sym"):
            out.append({"ᵀ": r"^{\top}", "²": "^2 ", "∇": r"\nabla "}[m.group("sym")])
        else:
            out.append(m.group("other"))
    return "".join(out).strip()


def _lhs_name(name: str) -> str:
    """A name, a function's derivative g', vec, or a differential dX (d and a name)."""
    primes = len(name) - len(name.rstrip("'"))
    name = name.rstrip("'")
    if name == "vec":
        return r"\operatorname{vec}"
    if name[0] == "d" and len(name) > 1 and name not in problem_names() and name[1:] != "et":
        return r"\mathrm{d}" + indexed_latex(name[1:])
    return indexed_latex(name) + "'" * primes
