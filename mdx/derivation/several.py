"""Several variables at once (SPEC 10): `d f / dW1, db1, dW2, db2` and the mixed second
derivative `d^2 f / dx dy`.

The differential method takes the total differential once — every rule applied to
every layer a single time, as a backward pass shares its adjoints — and then reads each
gradient off the terms in its own differential: df = Σ ⟨∂f/∂Xᵢ, dXᵢ⟩.  The chain and
definition methods work variable by variable on the one typed problem.  Each gradient
is a Derivation of its own (its identification steps and result), so every printer and
check that takes one variable takes each of them.

A mixed derivative ∂²f/∂vec(x)∂vec(y)ᵀ is the Jacobian, by y, of the gradient by x:
the same in both layouts, like the Hessian.

Imports: expressions, simplification, derivation (rules, steps, methods)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ..expressions import expr as E
from ..bounds.limits import bounded
from .steps import Derivation, Step


@dataclass
class Several:
    """The gradients of one function by several variables, in the order written."""
    problem: str
    layout: str
    method: str
    function: E.Expr
    symbols: dict
    parts: list                         # a Derivation per variable
    steps: list = field(default_factory=list)      # the shared steps, shown once
    notes: list = field(default_factory=list)
    functions: dict = field(default_factory=dict)
    abstract_functions: tuple = ()
    verification: object = None
    order: int = 1
    structured: str | None = None

    @property
    def wrts(self) -> list:
        return [p.wrt for p in self.parts]

    @property
    def wrt(self) -> str:
        return ", ".join(self.wrts)

    @property
    def results(self) -> list:
        return [p.result for p in self.parts]

    @property
    def var(self) -> E.Sym:
        return self.parts[0].var

    @bounded
    def text(self, steps: bool = True) -> str:
        from ..rendering.several import several_text
        return several_text(self, steps)

    @bounded
    def latex(self, steps: bool = True, bold: bool = False) -> str:
        """An amsmath align* block; `bold`: vectors and matrices in bold."""
        from ..rendering.several import several_latex
        return several_latex(self, steps, bold)

    @bounded
    def json(self) -> dict:
        from ..rendering.several import several_json
        return several_json(self)

    @bounded
    def numpy_function(self, name: str | None = None) -> str:
        from ..rendering.several import several_function
        return several_function(self, "numpy", name)

    @bounded
    def torch_function(self, name: str | None = None) -> str:
        from ..rendering.several import several_function
        return several_function(self, "torch", name)

    def numpy(self) -> Callable[..., Any]:
        """One Python function of the symbols returning the tuple of gradients."""
        from ..rendering.several import function_name
        namespace: dict = {}
        exec(compile(self.numpy_function(), f"<mdx: {self.problem}>", "exec"), namespace)
        return namespace[function_name(self)]

    def verify(self, kind: str = "numeric"):
        """Each gradient checked as its own problem (its result and steps), then the
        shared steps against the total directional derivative."""
        from ..checking.several_check import verify_several
        self.verification = verify_several(self, kind)
        return self.verification

    def __repr__(self) -> str:
        from ..rendering.render import result_text
        inner = "; ".join(f"{p.result_lhs} = {result_text(p)}" for p in self.parts)
        return f"<Several {self.problem!r} ({self.layout}, {self.method}): {inner}>"

    def __str__(self) -> str:
        return self.text()


def derive_several(parsed, typed, layout: str, method: str, record: bool, one) -> Several:
    """The gradients by every variable of `typed.variables`; `one(parsed, typed, layout,
    method, record)` derives a single variable (mdx.derivation.api._derive_typed)."""
    from ..errors import ShapeError
    from ..language.syntax import error_at
    f = typed.expr
    if not f.is_scalar:
        raise error_at(ShapeError, "several variables need a scalar function: each gradient "
                       "has the variable's shape", parsed.wrts[1][1],
                       "derive a vector or matrix function by one variable at a time")
    variables = typed.variables
    shared: list = []
    if method == "differential":
        parts = _by_total_differential(parsed, typed, layout, record, shared)
    else:
        parts = [one(_for_variable(parsed, v), replace(typed, var=v), layout, method, record)
                 for v in variables]
        if record:
            shared.append(Step(f"the {method} method takes the variables one at a time; each "
                               "derivation below reads the same typed function", "f", f,
                               numpy=False))
    notes = list(dict.fromkeys(n for p in parts for n in p.notes))
    for p in parts:       # each gradient keeps what is said of its own variable
        p.notes = [n for n in p.notes if "does not depend on" in n or n.startswith(f"{p.wrt} is declared")]
    return Several(problem=parsed.text.strip(), layout=layout, method=method, function=f,
                   symbols=typed.symbols, parts=parts, steps=shared, notes=notes,
                   functions=typed.user_functions, abstract_functions=tuple(sorted(typed.functions)))


def _for_variable(parsed, v: E.Sym):
    start = dict(parsed.variables).get(v.name, parsed.wrt_start)
    return replace(parsed, wrt=v.name, wrt_start=start, wrts=[])


def _by_total_differential(parsed, typed, layout, record, shared) -> list:
    """df with every variable's differential alive, expanded once; each gradient is then
    identified from its own terms."""
    from ..simplification.simplify import finished, present, simplify
    from .layout import arrange, on_declared_set
    from .methods.differential import expand_steps, identify_scalar
    from .rules import dvar
    from .steps import NoSteps, structure_notes, notation_notes
    f, variables = typed.expr, tuple(typed.variables)
    steps = shared if record else NoSteps()
    df = expand_steps(E.D(f, variables), variables, "df", steps)
    for st in shared:               # the total differential: df along every dXᵢ at once
        if st.numpy:
            st.equals = "differential"
    parts = []
    for v in variables:
        own: list = [] if record else NoSteps()
        zeros = {dvar(u): E.zero(u.shape) for u in variables if u != v}
        part = simplify(E.substitute(df, zeros))
        own.append(Step(f"the terms in d{v.name}: set the other differentials to 0", "df", part,
                        equals="differential"))
        G = identify_scalar(part, v, own)
        result = finished(present(on_declared_set(arrange(G, True, layout), typed)))
        lhs = f"∂f/∂{v.name}"
        own.append(Step(f"identification in {layout} layout", lhs, result, equals="derivative"))
        notes = [] if v.name in f.free else [f"f does not depend on {v.name}: the derivative is 0"]
        notes += structure_notes(typed.symbols[v.name]) + notation_notes(result)
        parts.append(Derivation(problem=parsed.text.strip(), wrt=v.name, layout=layout,
                                method="differential", order=1, function=f, var=v,
                                symbols=typed.symbols, result=result, result_lhs=lhs,
                                steps=own if record else [], notes=typed.notes + notes,
                                functions=typed.user_functions,
                                abstract_functions=tuple(sorted(typed.functions))))
    return parts


def derive_mixed(parsed, typed, layout: str, method: str, record: bool, first) -> Derivation:
    """∂²f/∂vec(x)∂vec(y)ᵀ: the gradient by x (denominator layout, as a column), then its
    Jacobian by y; `first(f, var, layout, method, steps)` is one first-order derivative
    (raw, lhs) of mdx.derivation.api."""
    from ..errors import ShapeError
    from ..language.syntax import error_at
    from ..simplification.simplify import present
    from .layout import on_declared_set
    from .steps import NoSteps
    f = typed.expr
    x, y = typed.variables
    if not f.is_scalar:
        raise error_at(ShapeError, "a mixed second derivative needs a scalar function",
                       parsed.wrt_start, "d^2 f / dx dy is ∂²f/∂x∂yᵀ of a scalar f")
    steps: list = [] if record else NoSteps()
    g, _ = first(f, x, "denominator", method, steps)
    g = g if g.cols == "1" else E.apply("vec", g)
    steps.append(Step(f"the gradient by {x.name}, a vector function to differentiate by {y.name}",
                      f"∇_{x.name} f", g, numpy=False))
    start = len(steps)
    H, _ = first(g, y, "numerator", method, steps)
    H = present(on_declared_set(H, typed))
    for st in steps[start:]:            # the differential of the gradient, not of f
        st.lhs = st.lhs.replace("df", f"d∇_{x.name} f").replace("∂f/", f"∂∇_{x.name} f/")
    lhs = f"∂²f/∂{x.name}∂{y.name}ᵀ"
    for st in steps:                    # differentials by x, then by y: no one direction
        st.numpy, st.equals = False, None
    steps.append(Step(f"the mixed second derivative: the Jacobian by {y.name} of the gradient "
                      f"by {x.name} (the same in both layouts)", lhs, H, equals="derivative"))
    from .steps import notation_notes, structure_notes
    notes = list(typed.notes)
    for v in (x, y):
        if v.name not in f.free:
            notes.append(f"f does not depend on {v.name}: the derivative is 0")
        notes += structure_notes(typed.symbols[v.name])
    notes += notation_notes(H)
    return Derivation(problem=parsed.text.strip(), wrt=x.name, layout=layout, method=method,
                      order=2, function=f, var=x, symbols=typed.symbols, result=H,
                      result_lhs=lhs, steps=steps if record else [], notes=notes,
                      functions=typed.user_functions,
                      abstract_functions=tuple(sorted(typed.functions)), var2=y)
