"""`mdx check` and `--check`: mdx's derivative beside PyTorch autograd's.

One generated script does the work: it draws random float64 inputs (respecting the
declared properties), computes the derivative with mdx's formula (the `--format torch`
function) and with `torch.func` (jacrev, or hessian for a second derivative) applied to
the function itself, arranges autograd's answer in the chosen layout (SPEC 4), and prints
both and their largest relative error.  `mdx check --script` prints that script, to run
wherever torch is; otherwise it runs here, in-process, when torch is installed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import MdxError, visible
from .numeric import derivation_sizes

TOLERANCE = 1e-10       # float64: the formula and autograd agree to rounding


class CheckError(MdxError):
    """PyTorch is missing, or autograd disagrees with mdx."""


@dataclass
class CheckReport:
    mine: object
    autograd: object
    error: float
    sizes: dict
    torch_version: str
    note: str = ""          # the smaller sizes checked, where the declared ones are too large

    @property
    def passed(self) -> bool:
        return self.error < TOLERANCE

    def text(self) -> str:
        sizes = ", ".join(f"{k} = {v}" for k, v in self.sizes.items()) or "all sizes given"
        sizes += f"; {self.note}" if self.note else ""
        with _printing():
            mine, auto = _show(self.mine), _show(self.autograd)
        verdict = "agree" if self.passed else "DISAGREE"
        return (f"  checked against PyTorch {self.torch_version} autograd (float64; {sizes}):\n"
                f"    mdx:      {mine}\n    autograd: {auto}\n"
                f"    max relative error {self.error:.1e}: mdx and autograd {verdict}")


def _show(t) -> str:
    return str(t.numpy() if hasattr(t, "numpy") else t).replace("\n", "\n              ")


class _printing:
    """Short, aligned numbers while a report prints."""

    def __init__(self):
        import numpy
        self.numpy = numpy

    def __enter__(self):
        self.saved = self.numpy.get_printoptions()
        self.numpy.set_printoptions(precision=6, suppress=True, linewidth=100)

    def __exit__(self, *exc):
        self.numpy.set_printoptions(**self.saved)


# The script's own names start with `_`, which no name of a problem's code does (see
# mdx.language.names.PyNames): a size or function of the problem, a module global here, never
# replaces one of them.
_PRELUDE = '''
torch.set_default_dtype(torch.float64)


def _value(shape, props, positive, gen):
    """A random tensor of this shape with the declared properties."""
    if shape == ():
        lo, hi = (0.5, 1.5) if positive else (-1.5, 1.5)
        return lo + (hi - lo) * torch.rand((), generator=gen)
    n = shape[0]
    if "orthogonal" in props:
        q, r = torch.linalg.qr(torch.randn(n, n, generator=gen))
        return q * torch.sign(torch.diagonal(r))
    if "diagonal" in props:
        return torch.diag(0.5 + 1.5 * torch.rand(n, generator=gen))
    if "spd" in props:
        q, _ = torch.linalg.qr(torch.randn(n, n, generator=gen))
        return (q * (0.5 + 1.5 * torch.rand(n, generator=gen))) @ q.T
    if "distribution" in props:
        g = 0.2 + 0.8 * torch.rand(shape, generator=gen)
        return g / g.sum(dim=0, keepdim=True)
    if "invertible" in props:
        q1, _ = torch.linalg.qr(torch.randn(n, n, generator=gen))
        q2, _ = torch.linalg.qr(torch.randn(n, n, generator=gen))
        return (q1 * (0.6 + 1.2 * torch.rand(n, generator=gen))) @ q2.T
    g = 0.5 + torch.rand(shape, generator=gen) if positive else torch.randn(shape, generator=gen)
    return (g + g.T) / 2 if "symmetric" in props else g


def _arrange(J, fshape, xshape, layout):
    """autograd's d F / d X (shape fshape + xshape) as SPEC section 4 lays it out."""
    nf = 1
    for d in fshape:
        nf *= d
    nx = 1
    for d in xshape:
        nx *= d
    if nf == 1:                                   # a gradient: X's shape, or its transpose
        G = J.reshape(xshape)
        return G if layout == "denominator" or G.dim() < 2 else G.T
    if nx == 1:                                   # d F / d scalar: F's shape, or its transpose
        D = J.reshape(fshape)
        return D.T if layout == "denominator" else D
    order = list(reversed(range(len(fshape)))) + [len(fshape) + i for i in reversed(range(len(xshape)))]
    num = J.permute(order).reshape(nf, nx)        # d vec(F) / d vec(X)^T, vec column-major
    return num.T if layout == "denominator" else num


def _project(G, form):
    """The gradient on a structured space (--structured) from the unconstrained one."""
    if form == "diagonal":
        return torch.diag(torch.diagonal(G))
    if form == "cookbook":
        return G + G.T - torch.diag(torch.diagonal(G))
    return (G + G.T) / 2 if form == "sym" else G


def _vec_hessian(H, xshape):
    nx = 1
    for d in xshape:
        nx *= d
    order = list(reversed(range(len(xshape))))
    order = order + [len(xshape) + i for i in order]
    return H.permute(order).reshape(nx, nx) if xshape else H
'''

_MAIN = '''

def _main(seed=0):
    gen = torch.Generator().manual_seed(seed)
    for attempt in range(12):           # general values, then positive ones (log, sqrt)
        inputs = _draw(attempt % 2 == 1, gen)
        if torch.all(torch.isfinite(torch.as_tensor(_objective(**inputs)))):
            break
    x = inputs[_WRT]
    at = lambda v: torch.as_tensor(_objective(**{{**inputs, _WRT: v}}))
{autograd}
    mine = torch.as_tensor(_mdx(inputs), dtype=torch.float64)
    if mine.numel() == 1 and auto.numel() == 1:
        mine, auto = mine.reshape(()), auto.reshape(())
    if mine.shape != auto.shape:
        return mine, auto, float("inf")
    scale = max(float(auto.abs().max()) if auto.numel() else 0.0, 1e-3)
    return mine, auto, float((mine - auto).abs().max()) / scale if auto.numel() else 0.0


if __name__ == "__main__":
    _mine, _auto, _error = _main()
    print("mdx:     ", _mine.numpy())
    print("autograd:", _auto.numpy())
    print(f"max relative error {{_error:.1e}}")
    raise SystemExit(0 if _error < {tol} else 1)
'''

_FIRST = '''    fshape = tuple(at(x).shape)
    scalar = at(x).numel() == 1
    J = torch.func.jacrev(lambda v: at(v).reshape(()) if scalar else at(v))(x)
    auto = _project(_arrange(J, () if scalar else fshape, tuple(x.shape), _LAYOUT), _STRUCTURED)'''

_SECOND = '''    H = torch.func.hessian(lambda v: at(v).reshape(()))(x)
    auto = _vec_hessian(H, tuple(x.shape))'''

# d^2 f / dx dy: the Jacobian by y of the gradient by x, d vec(∇ₓf) / d vec(y)ᵀ
_MIXED = '''    y0 = inputs[_WRT2]
    grad_x = lambda w: torch.func.grad(lambda v: torch.as_tensor(_objective(**{**inputs, _WRT: v, _WRT2: w})).reshape(()))(x)
    J = torch.func.jacrev(lambda w: grad_x(w).T.reshape(-1))(y0)
    auto = J.reshape((J.shape[0],) + tuple(y0.shape))
    auto = auto.permute([0] + list(reversed(range(1, auto.dim())))).reshape(J.shape[0], -1) if y0.dim() else J.reshape(-1, 1)
    auto = auto.reshape(()) if auto.numel() == 1 else auto'''


def _stand_in(name: str, k: int) -> str:
    """The torch twin of mdx.checking.numeric.stand_in: the k-th derivative of sin t + t³/4."""
    poly = ["t ** 3 / 4", "3 * t ** 2 / 4", "3 * t / 2", "1.5 + 0 * t"]
    body = f"torch.sin(t + {k} * torch.pi / 2)" + (f" + {poly[k]}" if k < len(poly) else "")
    return f"def {name}(t):\n    return {body}\n"


def script(der) -> str:
    """The whole check as one runnable Python script."""
    from ..rendering.torch_code import TorchPrinter
    from ..rendering.pynames import derivation_names
    from ..rendering.render import function_name, function_parameters, torch_function
    if hasattr(der, "parts"):           # several gradients: one function for all of them
        from ..rendering.several import function_name
    sizes = derivation_sizes(der)
    names = derivation_names(der)
    printer = TorchPrinter(names, der.var)
    objective = printer.doprint(der.function)
    derivative = torch_function(der).replace("import torch\n", "", 1).strip("\n")
    symbols = [s for s in der.symbols.values() if s.kind in ("scalar", "vector", "row", "matrix")]
    params = ", ".join(names.sym(s.name) for s in symbols)
    shape = lambda s: "()" if s.kind == "scalar" else repr(tuple(  # noqa: E731
        _size(d, sizes) for d in s.shape))
    draws = ", ".join(f'"{names.sym(s.name)}": _value({shape(s)}, {sorted(s.props)!r}, positive, gen)'
                      for s in symbols)
    free = {names.size(k): v for k, v in sizes.items()}
    printer.doprint(der.result)             # so that printer.free names the free sizes
    given = {names.sym(s.name) for s in symbols}
    call = f"{function_name(der)}(" + ", ".join(
        f"_inputs[{a!r}]" if a in given else a for a in function_parameters(der, printer)) + ")"
    head = (f"# mdx check: {visible(der.problem)}\n# {der.layout} layout, {der.method} method; "
            f"mdx's formula beside torch.func autograd\nimport torch\n")
    parts = [head, _PRELUDE]
    parts += [f"{k} = {v}\n" for k, v in free.items()]
    parts += ["\n" + _stand_in(n, k) for n, k in sorted(names.callables().items())]
    parts.append(f"\n\ndef _objective({params}):\n    return {objective}\n")
    parts.append(f"\n\ndef _draw(positive, gen):\n    return {{{draws}}}\n")
    if der.var2 is not None:
        parts.append(f"\n\n_WRT2 = {names.sym(der.var2.name)!r}")
    parts.append(f"\n\n_WRT = {names.sym(der.var.name)!r}\n_LAYOUT = {der.layout!r}\n"
                 f"_STRUCTURED = {der.structured!r}\n\n\n{derivative}\n")
    parts.append(f"\n\ndef _mdx(_inputs):\n    return {call}\n")
    second = _MIXED if der.var2 is not None else _SECOND
    parts.append(_MAIN.format(autograd=second if der.order == 2 else _FIRST, tol=TOLERANCE))
    return "".join(parts)


def scripts(der) -> str:
    """script(der), or for several gradients one script that runs each one's check and
    fails if any fails (each alone would stop the run at its own SystemExit)."""
    parts = getattr(der, "parts", None)
    if not parts or len(parts) == 1:
        return script(parts[0] if parts else der)
    runs = ",\n    ".join(f"({p.result_lhs!r}, {script(p)!r})" for p in parts)
    return (f"# mdx check: {visible(der.problem)}: {len(parts)} gradients, each against "
            f"torch.func autograd\n_CHECKS = [\n    {runs},\n]\n\n"
            "if __name__ == \"__main__\":\n    _failed = False\n"
            "    for _lhs, _source in _CHECKS:\n"
            "        _space = {\"__name__\": \"mdx_check\"}\n"
            "        exec(compile(_source, _lhs, \"exec\"), _space)\n"
            "        _mine, _auto, _error = _space[\"_main\"]()\n"
            "        print(_lhs)\n        print(\"mdx:     \", _mine.numpy())\n"
            "        print(\"autograd:\", _auto.numpy())\n"
            "        print(f\"max relative error {_error:.1e}\")\n"
            f"        _failed = _failed or not _error < {TOLERANCE!r}\n"
            "    raise SystemExit(1 if _failed else 0)\n")


def _size(d: str, sizes: dict) -> int:
    n = 1
    for part in d.split("*"):
        n *= int(part) if part.isdigit() else sizes.get(part, 1)
    return n


def _torch(column: int = 1):
    try:
        import torch
    except ImportError:
        raise CheckError("checking against PyTorch needs torch, which is not installed", column,
                         'pip install torch, or print the script with '
                         "`mdx check PROBLEM --script` and run it where torch is") from None
    return torch


def run(der) -> CheckReport:
    """Run the check here; CheckError when torch is missing, or when the problem's sizes are
    too large to check even made smaller (mdx.checking.verify_sizes)."""
    from .verification import VerificationError
    from .verify_sizes import numeric_checkable
    torch = _torch()
    try:
        der, note = numeric_checkable(der, "--check")
    except VerificationError as e:
        raise CheckError(e.message, 1, e.hint) from None
    namespace = {"__name__": "mdx_check"}
    try:
        exec(compile(script(der), f"<mdx check: {der.problem}>", "exec"), namespace)
        mine, auto, error = namespace["_main"]()
    except Exception as e:          # never a traceback: a check that cannot run is a failure
        raise CheckError(f"the check against autograd did not run ({type(e).__name__}: {e})", 1,
                         "please report this problem to the mdx developers") from None
    return CheckReport(mine, auto, error, derivation_sizes(der),
                       torch.__version__.split("+")[0], note)
