"""The library entry point: `derive(problem, layout=..., method=...)`.

text -> parser -> typed expression -> method (recording steps) -> layout -> Derivation.
"""

from __future__ import annotations

from fractions import Fraction

from ..expressions import expr as E
from ..errors import InternalError, MdxError, UnsupportedError
from .layout import LAYOUTS, arrange, on_declared_set
from ..bounds.limits import bounded, first_try
from ..simplification.simplify import recognised, symmetrised
from .steps import Derivation, NoSteps, Step, structure_notes as _structure_notes, notation_notes
from ..rendering.cse import variances_as_written

METHODS = ("differential", "chain", "definition")


STRUCTURED = (None, "sym", "cookbook")


@bounded
def derive(problem: str, layout: str = "denominator", method: str = "differential",
           structured: str | None = None, steps: bool = True) -> Derivation:
    """Derive one problem (SPEC section 1), e.g. ``derive("d tr(X^T A X) / dX")``.

    `structured` ("sym" or "cookbook") gives the gradient on the structured space of a
    variable declared symmetric, spd or diagonal (SPEC 7).  With `steps=False` no steps
    are recorded and a method may take a shorter road to the same result (a deep
    derivative then costs time linear in its size).  Raises MdxError (with a position)
    for a problem that cannot be derived.
    """
    from ..language.parser import parse
    from ..shapes.typer import type_problem
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if structured not in STRUCTURED:
        raise ValueError("structured must be None, 'sym' or 'cookbook'")
    parsed = parse(problem)
    try:
        typed = type_problem(parsed)
        read = recognised(typed.expr)
        if read != typed.expr:
            typed.expr, typed.recognised = read, True
        if typed.user_functions:
            from ..expressions.userfunc import check_definitions
            check_definitions(parsed, typed)
        if len(typed.variables) > 1:
            if structured:
                raise UnsupportedError("--structured takes one variable", parsed.wrts[1][1] + 1,
                                       "derive the structured gradient by itself")
            from .several import derive_mixed, derive_several
            if parsed.order == 2:
                return derive_mixed(parsed, typed, layout, method, steps,
                                    lambda f, v, lay, m, st: _first(f, v, lay, m, st, typed.symbols))
            return derive_several(parsed, typed, layout, method, steps, _derive_typed)
        der = _derive_typed(parsed, typed, layout, method, steps)
        return _structured(der, structured, parsed, steps) if structured else der
    except MdxError:
        raise
    except ZeroDivisionError:      # e.g. the derivative of log at a literal 0
        raise UnsupportedError("the derivative divides by zero", 1,
                               "check for a constant 0 inside log, sqrt, an inverse or a division") \
            from None
    except RecursionError:     # parse() bounds nesting, so this is a bug; still no traceback
        if first_try():        # only too deep for the caller's stack: the worker has room
            raise
        raise InternalError("the expression is nested too deeply to derive", 1,
                            "split it into smaller problems") from None


def _derive_typed(parsed, typed, layout, method, record: bool = True) -> Derivation:
    f, var = typed.expr, typed.var
    steps: list = [] if record else NoSteps()
    notes = typed.notes + _structure_notes(typed.symbols[var.name])   # readings, properties
    if typed.recognised:
        steps.append(Step("read exp(a) / sum(exp(a)) as softmax(a)", "f", f, numpy=False))
    if method == "chain":
        result, lhs = _chain(f, var, parsed.order, layout, steps, typed.symbols)
    elif method == "definition":
        try:
            result, lhs = _definition(f, var, parsed.order, layout, steps)
        except UnsupportedError as e:       # rare index forms with no matrix reading
            steps.append(Step(f"the index form does not reassemble ({e.message.split(';')[0]}); "
                              "the matrix differential finishes the derivation", "f", f, numpy=False))
            result, lhs = _differential(f, var, parsed.order, layout, steps)
    else:
        result, lhs = _differential(f, var, parsed.order, layout, steps)
    from ..simplification.simplify import finished, present
    result = finished(present(on_declared_set(result, typed)))
    rule = {"differential": f"identification in {layout} layout",
            "chain": "substitute the intermediate variables and simplify",
            "definition": f"reassemble the matrix form, {layout} layout"}[method]
    steps.append(Step(rule, lhs, result, equals="derivative"))
    for note in _structure_notes(typed.symbols[var.name]):
        steps.append(Step("structured variable: " + note, lhs, result, numpy=False))
    notes += [f"{n} is a size of the declarations, used here as a number (not a vector named {n})"
              for n in typed.sizes] + notation_notes(result)
    _user_function_steps(typed, result, steps, notes)
    if var.name not in f.free:          # say so: a 0 from a typo in the variable looks the same
        note = f"f does not depend on {var.name}: the derivative is 0"
        notes.append(note)
        steps.append(Step(note, lhs, result, numpy=False))
    if record:
        variances_as_written(steps)
    return Derivation(problem=parsed.text.strip(), wrt=var.name, layout=layout, method=method,
                      order=parsed.order, function=f, var=var, symbols=typed.symbols,
                      result=result, result_lhs=lhs, steps=steps if record else [], notes=notes,
                      functions=typed.user_functions,
                      abstract_functions=tuple(sorted(typed.functions)))


def _user_function_steps(typed, result, steps, notes) -> None:
    """A first step (and a note) for each derivative g', g'', ... of a user-defined
    function the derivation uses: SymPy's derivative of the body."""
    if not typed.user_functions:
        return
    from ..expressions.userfunc import used_derivatives
    for n, (defn, k) in enumerate(used_derivatives([result] + [st.expr for st in steps])):
        lhs = defn.definition_text(k).split(" = ", 1)[0]
        rule = f"SymPy differentiates the body of {defn.definition_text(0)}"
        steps.insert(n, Step(rule, lhs, defn.derivative(k), numpy=False))
        notes.append(f"{rule}: {defn.definition_text(k)}")


def _first(f, var, layout, method, steps, symbols):
    """A first derivative by one method: (result, lhs)."""
    if method == "chain":
        return _chain(f, var, 1, layout, steps, symbols)
    if method == "definition":
        try:
            return _definition(f, var, 1, layout, steps)
        except UnsupportedError:
            pass
    return _differential(f, var, 1, layout, steps)


def _differential(f, var, order, layout, steps):
    from .methods import differential as M
    if order == 2:
        return M.second_derivative(f, var, steps), f"∂²f/∂{var.name}∂{var.name}ᵀ"
    df = M.first_differential(f, var, steps)
    if f.is_scalar:
        G = M.identify_scalar(df, var, steps)
        return arrange(G, True, layout), f"∂f/∂{var.name}"
    raw = M.identify_jacobian(df, var, f, steps)
    return arrange(raw, False, layout), f"∂f/∂{var.name}"


def _chain(f, var, order, layout, steps, symbols):
    from .methods.chain import chain_derivative, finish
    J = chain_derivative(f, var, layout, steps, symbols)
    raw, f_scalar = finish(J, f, var)
    if order == 1:
        return arrange(raw, f_scalar, layout), f"∂f/∂{var.name}"
    g = raw if var.cols == "1" else E.apply("vec", raw)
    steps.append(Step("the gradient, a vector function to differentiate again", "∇f", g))
    H, _ = finish(chain_derivative(g, var, "numerator", steps, symbols), g, var)
    return symmetrised(H), f"∂²f/∂{var.name}∂{var.name}ᵀ"


def _definition(f, var, order, layout, steps):
    from .methods.definition import definition_derivative, definition_hessian
    if order == 2:
        return symmetrised(definition_hessian(f, var, steps)), f"∂²f/∂{var.name}∂{var.name}ᵀ"
    raw, f_scalar = definition_derivative(f, var, steps)
    return arrange(raw, f_scalar, layout), f"∂f/∂{var.name}"


def _structured(der: Derivation, form: str, parsed, record: bool = True) -> Derivation:
    """The gradient on the space of symmetric (or diagonal) matrices."""
    from ..simplification.simplify import present
    var, f = der.var, der.function
    props = der.symbols[var.name].props & {"symmetric", "spd", "diagonal"}
    if not props:
        other = sorted(der.symbols[var.name].props & {"orthogonal", "invertible", "square"})
        hint = (f"{var.name} is {other[0]}, which --structured does not project onto: leave "
                "--structured out for the gradient with every entry independent" if other else
                f"if {var.name} is symmetric, say so: `where {var.name}: symmetric`")
        raise UnsupportedError(f"--structured needs a variable declared symmetric, spd or diagonal; "
                               f"{var.name} is not", parsed.wrt_start + 1, hint)
    if not f.is_scalar or der.order != 1:
        raise UnsupportedError("--structured applies to the gradient of a scalar function",
                               parsed.wrt_start + 1)
    G = der.result if der.layout == "denominator" else E.transpose(der.result)
    eye = E.identity(var.rows)
    if "diagonal" in props:
        S = E.hadamard(eye, G)
        rule = ("structured variable (diagonal): only the diagonal entries vary, so the gradient "
                "is the diagonal part I ∘ G of the unconstrained G")
    elif form == "cookbook":
        S = E.sub(E.add(G, E.transpose(G)), E.hadamard(eye, G))
        rule = ("Matrix Cookbook convention for a symmetric variable: G + Gᵀ − G ∘ I, the derivative "
                "with respect to the independent entries X_ij, i ≤ j; it is not a gradient "
                "(Srinivasan and Panda, arXiv:1911.06491), shown here to match the Cookbook")
    else:
        S = E.scale(Fraction(1, 2), E.add(G, E.transpose(G)))
        rule = ("structured variable (symmetric): the gradient on the space of symmetric matrices "
                "is sym(G) = (G + Gᵀ)/2, the projection of the unconstrained G; the often-quoted "
                "G + Gᵀ − G ∘ I is not a gradient (Srinivasan and Panda, arXiv:1911.06491)")
    S = present(S)
    result = S if der.layout == "denominator" else present(E.transpose(S))
    der.steps = [st for st in der.steps if not st.rule.startswith("structured variable:")]
    for st in der.steps:                  # those steps hold the unconstrained derivative
        if st.equals == "derivative":
            st.equals, st.numpy = None, False
    if record:
        der.steps.append(Step(rule, der.result_lhs, result, equals="derivative"))
    der.result = result
    der.notes = [rule]
    der.structured = "diagonal" if "diagonal" in props else form
    return der
