"""The large problems the benchmarks (and tests/test_bounds.py) measure, written once."""


def deep_problem(L: int) -> str:
    """||W_L tanh(… tanh(W_1 x)) - y||^2 by W1 (benchmarks/run.py's scaling)."""
    inner = "W1 x"
    for k in range(2, L + 1):
        inner = f"W{k} tanh({inner})"
    return f"d ||{inner} - y||^2 / dW1"


def sum_problem(k: int) -> str:
    return "d " + " + ".join(f"a{j}^T X b{j}" for j in range(1, k + 1)) + " / dX"


def tanh_network(L: int) -> str:
    """||tanh(W_L … tanh(W_1 x)) - y||^2 by W1, as issue 25 measured it."""
    h = "tanh(W1 x)"
    for k in range(2, L + 1):
        h = f"tanh(W{k} {h})"
    return f"d ||{h} - y||^2 / dW1"


def hessian(L: int) -> str:
    return tanh_network(L).replace("d ||", "d^2 ||").replace("/ dW1", "/ dx^2")


def long_trace(k: int) -> str:
    return "d tr(" + " ".join(f"A{j} X" for j in range(1, k + 1)) + ") / dX"
