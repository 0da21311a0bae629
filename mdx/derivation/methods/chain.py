"""The chain-rule method: name the intermediate variables, state each local
derivative in the chosen layout, and compose them.

Internally every local derivative is a numerator (vec-form) Jacobian; they are
accumulated from the output back to the variable (reverse mode), so each
intermediate's Jacobian is built once and deep compositions stay linear in size.
The vec identities of mdx.simplification.vecrules turn the composed product back into matrix form.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...expressions import expr as E
from ...expressions.dims import dim_mul
from ..identify import gradient, jacobian, unvec_any
from ..layout import arrange
from ..rules import differentiate, dvar
from ...rendering.cse import fresh_prefix
from ...simplification.simplify import present, simplify
from ..steps import Step, recording

MAX_SHOWN_PATHS = 6


@dataclass
class Intermediate:
    sym: E.Sym          # z1, z2, ... (the last one is f)
    local: E.Expr       # in terms of earlier intermediates and the variable
    full: E.Expr        # in terms of the problem's symbols


def decompose(f: E.Expr, var: E.Sym, taken: set) -> tuple:
    """Intermediates z_k = op(children), innermost first; transposes stay inside."""
    out: list = []
    memo: dict = {}
    prefix = fresh_prefix(("z", "u", "h", "v"), taken)

    def visit(e):
        if var.name not in e.free or e == var:
            return e
        if e in memo:
            return memo[e]
        if isinstance(e, E.T):
            return E.transpose(visit(e.arg))
        if _is_squared_norm(e):                        # f = ‖r‖² is one step, as in a textbook
            local = E.power(E.apply("norm", visit(e.base.arg)), 2)
        else:
            local = E.rebuild(e, tuple(visit(k) for k in e.children()))
        if isinstance(local, E.Sym) or (isinstance(local, E.T) and isinstance(local.arg, E.Sym)):
            return local
        kind = "scalar" if e.is_scalar else ("vector" if e.cols == "1" else "matrix")
        name = "f" if e is f and "f" not in taken else f"{prefix}{len(out) + 1}"
        sym = E.Sym(name, e.shape, kind)
        out.append(Intermediate(sym, local, e))
        memo[e] = sym
        return sym
    top = visit(f)
    if isinstance(top, E.T) and top.arg != var:     # f = z1ᵀ: the transpose is a last step
        kind = "scalar" if f.is_scalar else ("vector" if f.cols == "1" else "matrix")
        taken_now = taken | {i.sym.name for i in out}
        sym = E.Sym("f" if "f" not in taken_now else f"{prefix}{len(out) + 1}", f.shape, kind)
        out.append(Intermediate(sym, top, f))
        top = sym
    return out, top


def _is_squared_norm(e: E.Expr) -> bool:
    return isinstance(e, E.Pow) and e.k == 2 and isinstance(e.base, E.Apply) and e.base.name == "norm"


def _raw(local: E.Expr, child: E.Sym):
    """The local derivative as the layouts start from it: gradient, F' or Jacobian."""
    dloc = differentiate(local, child)
    dc = dvar(child)
    if local.is_scalar and not child.is_scalar:
        return present(gradient(dloc, dc)), True
    if child.is_scalar:
        return present(E.substitute(dloc, {dc: E.ONE_SCALAR})), local.is_scalar
    return present(jacobian(dloc, dc)), False


def _children(inter: Intermediate, names: set) -> list:
    """The intermediates and the variable inter depends on, in the order they are written,
    so that the chain rule's terms come out in the order the product rule gives them."""
    seen: list = []
    stack = [inter.local]
    while stack:
        e = stack.pop()
        if isinstance(e, E.Sym):
            if e.name in names and e.name not in seen:
                seen.append(e.name)
        else:
            stack.extend(reversed(e.children()))
    return seen


def chain_derivative(f: E.Expr, var: E.Sym, layout: str, steps: list, symbols: dict) -> E.Expr:
    """The numerator vec-Jacobian J of f (raw form of mdx.derivation.layout), with steps."""
    inters, top = decompose(f, var, set(symbols))
    if not inters or top == var or (isinstance(top, E.T) and top.arg == var):
        steps.append(Step("no intermediate variables needed", "f", f, numpy=False))
        return simplify(jacobian(differentiate(f, var), dvar(var)))
    syms = {i.sym.name: i.sym for i in inters}
    syms[var.name] = var
    for inter in inters:
        steps.append(Step("introduce an intermediate variable", inter.sym.name, inter.local, numpy=False))
    # Each intermediate's adjoint is a list of (key, term): the key is the path's positions
    # from the output, so the terms are summed in the order the problem writes them.
    # A term is kept as its factors, multiplied out once at the end: multiplying the
    # growing product at every layer re-read all of it (time quadratic in the depth).
    adjoint: dict = {top.name: [((), (E.identity(dim_mul(f.rows, f.cols)),))]}
    paths: dict = {top.name: [((), [])]}       # (key, path) as the adjoints are keyed
    for inter in reversed(inters):
        if inter.sym.name not in adjoint:
            continue
        key, A = _summed(adjoint[inter.sym.name])
        for pos, child in enumerate(_children(inter, set(syms))):
            c = syms[child]
            J = simplify(jacobian(differentiate(inter.local, c), dvar(c)))
            if recording(steps):
                raw, f_scalar = _raw(inter.local, c)
                shown = present(arrange(raw, f_scalar, layout))
                steps.append(Step("local derivative", f"∂{inter.sym.name}/∂{child}", shown, numpy=False))
            adjoint.setdefault(child, []).append((key + (pos,), A + (J,)))
            paths.setdefault(child, []).extend((k + (pos,), p + [(inter.sym.name, child)])
                                               for k, p in paths[inter.sym.name])
    J = E.mul(*_summed(adjoint[var.name])[1]) if var.name in adjoint else \
        E.zero((dim_mul(f.rows, f.cols), dim_mul(var.rows, var.cols)))
    full = E.substitute(J, {i.sym: i.full for i in inters})
    if not recording(steps):
        return simplify(full)
    step = _composition_step(J, var, layout, [p for _, p in sorted(paths.get(var.name, []),
                                                                   key=lambda kp: kp[0])])
    step.numpy_text = lambda p: _composed_numpy(p, full, f, var, layout)
    step.numpy, step.equals = True, "derivative"
    steps.append(step)
    return simplify(full)


def _summed(contributions: list) -> tuple:
    """(first key, the factors of the sum of the terms in key order)."""
    ordered = sorted(contributions, key=lambda c: c[0])
    if len(ordered) == 1:
        return ordered[0]
    return ordered[0][0], (E.add(*(E.mul(*t) for _, t in ordered)),)


def _composed_numpy(p, full, f, var, layout) -> str:
    """The composed product's value, arranged as the final derivative is (p: a NumpyPrinter)."""
    value = p.doprint(full if layout == "numerator" else E.transpose(full))
    if f.is_scalar and not var.is_scalar and var.cols != "1":
        shaped = f"({value}).reshape({p.shape(var.shape)}, order=\"F\")"
        return shaped if layout == "denominator" else shaped + ".T"
    if var.is_scalar and not f.is_scalar and f.cols != "1":
        shaped = f"({value}).reshape({p.shape(f.shape)}, order=\"F\")"
        return shaped if layout == "numerator" else shaped + ".T"
    return value


def _composition_step(J, var, layout, paths) -> Step:
    order = "from the output to the variable" if layout == "numerator" else \
        "transposed: from the variable to the output"
    factors = []
    for path in paths[:MAX_SHOWN_PATHS]:
        seq = [f"∂{a}/∂{b}" for a, b in path]
        factors.append(" ".join(seq if layout == "numerator" else reversed(seq)))
    formula = " + ".join(factors) + (" + …" if len(paths) > MAX_SHOWN_PATHS else "")
    shown = J if layout == "numerator" else E.transpose(J)
    matrix = var.rows != "1" and var.cols != "1"      # the product is over vec(X), not X
    wrt = f"vec({var.name})" if matrix else var.name
    return Step(f"chain rule ({layout} layout, {order}): {formula}", f"∂f/∂{wrt}", shown,
                numpy=False)


def finish(J: E.Expr, f: E.Expr, var: E.Sym) -> tuple:
    """(raw derivative, f_scalar) from the composed numerator Jacobian."""
    if f.is_scalar and not var.is_scalar:
        return present(unvec_any(E.transpose(J), var.shape)), True
    if var.is_scalar and not f.is_scalar:
        F = unvec_any(J, f.shape)
        return present(F), False
    return present(J), f.is_scalar
