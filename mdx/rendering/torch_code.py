"""PyTorch expressions: the NumPy printer with torch's spellings (float64 tensors;
vectors are (n, 1) tensors, `vec` column-major as in SPEC 6)."""

from __future__ import annotations

from ..expressions import nodes as E
from ..language.composites import KEPT
from ..language.functions import ELEMENTWISE_FUNCTIONS
from .numpy_code import NumpyPrinter, _spread_vector

_FUNCS = {f.name: f.torch for f in ELEMENTWISE_FUNCTIONS}
_KEPT = {name: k.torch for name, k in KEPT.items()}

_APPLY = {
    "tr": "torch.trace({a})",
    "det": "torch.linalg.det({a})",
    "logdet": "torch.linalg.slogdet({a})[1]",
    "sum": "torch.sum({a})",
    "mean": "torch.mean({a})",
    "var": "torch.var({a}, unbiased=False)",
    "std": "torch.std({a}, unbiased=False)",
    "norm1": "torch.sum(torch.abs({a}))",
    "norm": "torch.linalg.norm({a})",
    "softmax": "torch.softmax({a}, dim=0)",                 # per column (SPEC 8)
    "logsumexp": "torch.logsumexp({a}, dim=0, keepdim=True)",
    "diagm": "torch.diagflat({a})",
    "diagv": "torch.diagonal({a}).reshape(-1, 1)",
    "vec": "({a}).T.reshape(-1, 1)",                         # column-major
}


class TorchPrinter(NumpyPrinter):
    FUNCS = _FUNCS
    KEPT = _KEPT
    APPLY = _APPLY
    UNVEC = "({a}).reshape({c}, {r}).T"         # column-major: rows of the transpose
    LIB = "torch"
    DTYPE = ", dtype=torch.float64"
    FLOAT = "torch.as_tensor({}, dtype=torch.float64)"
    SUM = "torch.sum({}, dim={}, keepdim=True)"

    @staticmethod
    def column_major_range(r, s) -> str:
        return f"torch.arange(({r}) * ({s})).reshape(({s}), ({r})).T.reshape(-1)"

    def _print_Kron(self, e):
        # torch.kron views its operands: a transposed (non-contiguous) one fails in 2.x
        return f"torch.kron(({self.doprint(e.a)}).contiguous(), ({self.doprint(e.b)}).contiguous())"

    def _print_Add(self, e):
        """A product of two matrices plus a bias spread over its columns or rows, `W X + b 1ᵀ`,
        is one addmm (a layer's forward pass in one call, as torch.nn.Linear does)."""
        if len(e.terms) == 2:
            prod, bias = e.terms
            if not _matrix_product(prod):
                prod, bias = bias, prod
            b = _spread_vector(bias) if _matrix_product(prod) and bias.shape == prod.shape else None
            if b is not None:
                a, c = prod.chain
                return f"torch.addmm({self.p(b)}, {self.p(a)}, {self.p(c)})"
        return super()._print_Add(e)


def _matrix_product(t) -> bool:
    """A product of two matrices, neither of them a diagonal (printed as a broadcast)."""
    return isinstance(t, E.Mul) and t.coeff == 1 and not t.scalars and len(t.chain) == 2 and \
        "1" not in t.shape and all("1" not in f.shape and not (isinstance(f, E.Apply) and f.name == "diagm")
                                   for f in t.chain)
