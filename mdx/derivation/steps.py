"""Step and Derivation: what a method produces, and how it is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..expressions import expr as E
from ..bounds.limits import bounded

if TYPE_CHECKING:
    from ..checking.verification import Verification


@dataclass
class Step:
    """One line of a derivation: `lhs = expr`, justified by `rule`.

    `equals` says what the step's NumPy value is (SPEC 6): "differential" (df along
    dX), "derivative" (the result itself), or None; `numpy=False` leaves it out.
    `numpy_text` (a function of the NumpyPrinter, which spells the problem's names)
    replaces the printed expression where the printed form is not the value (a vec
    identity reshaped back to the shape of F).
    """
    rule: str
    lhs: str
    expr: E.Expr
    equals: str | None = None
    numpy: bool = True
    numpy_text: Callable[[Any], str] | None = None
    lhs_expr: E.Expr | None = None      # a left side that is an expression (mdx solve's A w)

    def value(self) -> E.Expr:
        """The expression with each unevaluated differential d(u) worked out: what the
        step's NumPy code computes (a printed d(u) has no value of its own)."""
        from .rules import resolve
        return resolve(self.expr, None)

    def _repr_latex_(self) -> str:
        from ..rendering.render import _expr_latex, _lhs_latex, rule_latex_text
        return (f"$${_lhs_latex(self.lhs)} = {_expr_latex(self.expr)} \\quad "
                f"\\text{{({rule_latex_text(self.rule)})}}$$")


class NoSteps(list):
    """The steps of a derivation asked for without them (`derive(..., steps=False)`):
    nothing is recorded, and a method may take its shortcut (all levels of rules at once)."""

    def append(self, step) -> None:
        pass

    def insert(self, i, step) -> None:
        pass


def recording(steps: list) -> bool:
    return not isinstance(steps, NoSteps)


@dataclass
class Derivation:
    problem: str
    wrt: str
    layout: str
    method: str
    order: int
    function: E.Expr
    var: E.Sym
    symbols: dict
    result: E.Expr
    result_lhs: str
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    structured: str | None = None      # "sym", "cookbook" or "diagonal" under --structured
    functions: dict = field(default_factory=dict)   # user-defined functions: name -> UserFunction
    abstract_functions: tuple = ()      # declared `f: scalar function`, with no body
    verification: object = None        # a mdx.checking.verify.Verification once verify() has run
    var2: E.Sym | None = None           # the second variable of a mixed derivative d^2 f / dx dy

    # renderers live in mdx.rendering.render; these delegate so notebooks get them for free
    @bounded
    def text(self, steps: bool = True) -> str:
        from ..rendering.render import derivation_text
        return derivation_text(self, steps)

    @bounded
    def latex(self, steps: bool = True, bold: bool = False) -> str:
        """An amsmath align* block that fits an article's text width; `bold`: vectors and
        matrices in bold (\\mathbf{x}, \\boldsymbol{\\Sigma}), as the Deep Learning book."""
        from ..rendering.render import derivation_latex
        return derivation_latex(self, steps, bold)

    @bounded
    def json(self) -> dict:
        from ..rendering.render import derivation_json
        return derivation_json(self)

    @bounded
    def numpy_expression(self) -> str:
        """The result as one NumPy expression in the symbols (SPEC 6's result.numpy)."""
        from ..rendering.render import result_numpy
        return result_numpy(self)

    def numpy(self) -> Callable[..., Any]:
        """The derivative as a Python function of the symbols (NumPy arrays), compiled from
        numpy_function(): `der.numpy()(X=..., A=...)`."""
        from ..rendering.render import function_name
        namespace: dict = {}
        exec(compile(self.numpy_function(), f"<mdx: {self.problem}>", "exec"), namespace)
        return namespace[function_name(self)]

    @bounded
    def numpy_function(self, name: str | None = None) -> str:
        from ..rendering.render import numpy_function
        return numpy_function(self, name)

    def to_sympy(self, sizes: dict | None = None) -> Any:
        """The result in SymPy: a matrix expression over MatrixSymbols (`(A + A.T)*X`), or,
        given every dimension's size ({"n": 2, "m": 3}), an explicit Matrix of entries."""
        from ..checking.sympy_expr import to_sympy
        return to_sympy(self, sizes)

    def verify(self, kind: str = "numeric") -> "Verification":
        """Check the result and the steps: "numeric" (finite differences at random points)
        or "exact" (SymPy, on small matrices of symbols).  Raises VerificationError when
        anything disagrees; otherwise returns the Verification, also printed under the result."""
        from ..checking.verify import verify
        self.verification = verify(self, kind)
        return self.verification

    @bounded
    def torch_function(self, name: str | None = None) -> str:
        from ..rendering.render import torch_function
        return torch_function(self, name)

    def __repr__(self) -> str:
        from ..rendering.render import result_text
        return (f"<Derivation {self.problem!r} ({self.layout}, {self.method}): "
                f"{self.result_lhs} = {result_text(self)}>")

    def _repr_latex_(self) -> str:
        import re            # MathJax's aligned has no \\intertext: the rule as a row of text
        block = re.sub(r"\\intertext\{(?:\\raggedright )?(.*)\}\n", lambda m: r"&\text{" + m.group(1) + "} \\\\\n",
                       self.latex(steps=True))
        return "$$" + block.replace("\\begin{align*}", "\\begin{aligned}") \
            .replace("\\end{align*}", "\\end{aligned}") + "$$"

    def __str__(self) -> str:
        return self.text()


def structure_notes(var: E.Sym) -> list:
    """What is said of a variable declared with a structure: its derivative is the
    unconstrained one (SPEC 7)."""
    structured = var.props & {"symmetric", "spd", "diagonal", "orthogonal", "invertible"}
    if not structured:
        return []
    return [f"{var.name} is declared {', '.join(sorted(structured))}; this is the unconstrained "
            f"derivative, every entry of {var.name} treated as independent"]


def notation_notes(result: E.Expr) -> list:
    """What the result's notation of mdx's own stands for, once each: unvec(v) prints
    without its shape (as 1 and I do without theirs); E_n, the diagonal selector, is a name
    of mdx's own, as no textbook has one."""
    from ..expressions.printer import subscript_size
    from ..expressions.text import to_text
    shapes: dict = {}
    selectors: dict = {}
    todo, seen = [result], set()
    while todo:                 # a subtree shared many times is visited once
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, E.Unvec):
            shapes.setdefault(e.shape, None)
        elif isinstance(e, E.DiagSelector):
            selectors.setdefault(e.n, None)
        todo.extend(e.children())
    notes = [f"unvec(v) is the {'×'.join(s)} matrix whose columns, stacked, are v (vec(unvec(v)) = v; "
             f"NumPy's v.reshape(({', '.join(s)}), order=\"F\"))" for s in shapes]
    for n in selectors:
        name, k = to_text(E.DiagSelector(n)), subscript_size(n)
        square = k if len(k) == 1 else f"({k})"
        notes.append(f"{name} is the {square}²×{k} matrix whose column i is vec(e_i e_iᵀ): "
                     f"vec(diag(v)) = {name} v and diag(M) = {name}ᵀ vec(M)")
    return notes
