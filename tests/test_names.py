"""Every name that reaches Python goes through one sanitiser over the whole problem
(mdx.names.PyNames, built by mdx.pynames), and names print apart in LaTeX.

Keywords, the libraries (np, numpy, torch, math), the builtins the generated code calls
and colliding spellings (λ and lambda, x_{a,b} and x_{a-b}, λ1 and lambda1, a size n
beside a scalar n), as sizes and as symbols: every module mdx writes (the NumPy and the
torch function, der.numpy(), result.numpy, each step's numpy, --verify, --verify exact,
mdx check) compiles, runs and gives the finite-difference numbers, in both layouts.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import keyword
import re

import numpy as np
import pytest

import fdcheck
import mdx
from mdx.language.spellings import spelling_key
from mdx.language.names import BUILTINS, LIBRARIES, RESERVED, distinct_latex, latex_name
from mdx.rendering.pynames import derivation_names

LAYOUTS = ("denominator", "numerator")
SPECIAL = sorted(set(keyword.kwlist) | set(LIBRARIES) | set(BUILTINS))
# names the language reads as something else (functions of its own) where a symbol stands
NOT_SYMBOLS = {"sum", "abs", "max", "min"}
SIZE = 3            # the value given to every size the code takes as a parameter



def _torch():
    """torch, or None (the torch modules are then only compiled, not run).  Imported when
    first needed: a test process that holds torch makes every child it forks look as
    large (tests/test_hostile.py measures its children's memory)."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def _env(der, inputs: dict, sizes: dict) -> dict:
    """inputs (by symbol name) and sizes (by size name) under the names mdx's code uses."""
    names = derivation_names(der)
    env = {names.sym(k): v for k, v in inputs.items()}
    env.update({names.size(k): v for k, v in sizes.items()})
    assert len(env) == len(inputs) + len(sizes), "two names share an identifier"
    return env


def _call(fn, env: dict, extra: dict):
    params = inspect.signature(fn).parameters
    return fn(**{p: {**extra, **env}[p] for p in params})


def _torch_value(torch, v):
    return torch.as_tensor(v, dtype=torch.float64) if isinstance(v, (float, np.ndarray)) else v


def check_problem(problem, f, shapes, wrt, layout, sizes=None, extra=None, props=None,
                  exact=True, seed=0):
    """mdx's every module for `problem` against finite differences of `f` (a NumPy
    function of the symbols by their names in the problem, as **kwargs)."""
    sizes, extra = sizes or {}, extra or {}
    der = mdx.derive(problem, layout=layout)
    names = derivation_names(der)
    rng = np.random.default_rng(seed)
    inputs = fdcheck.draw(shapes, props or {}, rng)
    want = fdcheck.expected(f, inputs, wrt, layout, der.order)
    env = _env(der, inputs, {k: SIZE for k in sizes})
    code_extra = {names.func(n, k): fn for (n, k), fn in extra.items()}
    # result.numpy and the steps' numpy (JSON), with only np and the names in scope
    record = der.json()
    scope = {"__builtins__": {}, "np": np, **env, **code_extra}
    with np.errstate(all="ignore"):
        got = eval(compile(record["result"]["numpy"], "<result>", "eval"), dict(scope))
    assert fdcheck.close(got, want), (problem, layout, got, want)
    direction = rng.standard_normal(np.shape(inputs[wrt])) if shapes[wrt] != () else 0.7
    df = fdcheck.directional(f, inputs, wrt, direction)
    uses_d = re.compile(r"(?<![\w.])" + re.escape(names.diff(wrt)) + r"(?!\w)")
    for st in record["steps"]:
        if "numpy" in st and der.order == 1:
            value = eval(compile(st["numpy"], "<step>", "eval"),
                         {**scope, names.diff(wrt): direction})
            if st.get("equals") == "derivative":
                assert fdcheck.close(value, want), (problem, st)
            elif st.get("equals") == "differential" or uses_d.search(st["numpy"]):
                assert fdcheck.close(value, df), (problem, st)
    # --format numpy, der.numpy(), --format torch
    for fn in (_function(der.numpy_function()), der.numpy()):
        assert fdcheck.close(_call(fn, env, code_extra), want), (problem, layout)
    torch = _torch()
    if torch is not None and not extra:        # the torch code imports torch: run it where it is
        torch_fn = _function(der.torch_function())
        got = _call(torch_fn, {k: _torch_value(torch, v) for k, v in env.items()}, {})
        assert fdcheck.close(got.numpy() if hasattr(got, "numpy") else got, want), problem
    # --verify, --verify exact, mdx check
    der.verify()
    if exact and not extra:
        der.verify("exact")
    if torch is not None:
        from mdx.checking.torch_check import run, script
        compile(script(der), "<check>", "exec")
        assert run(der).passed, problem
    return der


def _function(source: str):
    namespace: dict = {}
    exec(compile(source, "<mdx>", "exec"), namespace)
    return next(v for k, v in namespace.items() if k.startswith("d") and callable(v))


def _refused(problem) -> bool:
    try:
        mdx.derive(problem)
    except mdx.MdxError:
        return True
    return False


# ----------------------------------------------------------------- sizes
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", SPECIAL)
def test_a_size_with_any_name(name, layout):
    """A size no symbol has is a parameter of the code (I_def, ones(def)); a size of the
    symbols is read from them (x: vector def)."""
    check_problem(f"d tr(kron(I_{name}, X)) / dX",
                  lambda X: SIZE * np.trace(X), {"X": (2, 2)}, "X", layout, sizes={name: SIZE})
    problem = f"d sum(ones({name})) * x^T x / dx"
    if name not in NOT_SYMBOLS or not _refused(problem):
        check_problem(problem, lambda x: SIZE * np.sum(x.T @ x), {"x": (2, 1)}, "x", layout,
                      sizes={name: SIZE}, exact=False)
    check_problem(f"d x^T A x / dx where x: vector {name}; A: matrix {name} x {name}",
                  lambda x, A: np.sum(x.T @ A @ x), {"x": (3, 1), "A": (3, 3)}, "x", layout,
                  exact=False)


# ----------------------------------------------------------------- symbols
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", [n for n in SPECIAL if n not in NOT_SYMBOLS])
def test_a_symbol_with_any_name(name, layout):
    """Declared scalars and vectors named like keywords, libraries and builtins; the
    derivative with respect to one (its differential d<name>); subscripts (x_{if}, W_{def},
    b_np)."""
    scalar = lambda **v: v[name] * np.sum(v["x"].T @ v["x"])     # noqa: E731
    check_problem(f"d {name} * x^T x / dx where {name}: scalar", scalar,
                  {name: (), "x": (2, 1)}, "x", layout, exact=False)
    check_problem(f"d {name} * x^T x / d{name} where {name}: scalar", scalar,
                  {name: (), "x": (2, 1)}, name, layout, exact=False)
    check_problem(f"d tanh({name})^T x / d{name} where {name}: vector",
                  lambda **v: np.sum(np.tanh(v[name]).T @ v["x"]),
                  {name: (2, 1), "x": (2, 1)}, name, layout, exact=False)
    check_problem(f"d x_{{{name}}}^T b_{name} + tr(W_{name}^T X) / dX",
                  lambda **v: np.sum(v["x_{" + name + "}"].T @ v["b_" + name])
                  + np.trace(v["W_" + name].T @ v["X"]),
                  {f"x_{{{name}}}": (2, 1), f"b_{name}": (2, 1), f"W_{name}": (2, 3), "X": (2, 3)},
                  "X", layout, exact=False)


# ----------------------------------------------------------------- colliding spellings
COLLIDING = [
    # (problem, f, shapes, variable)
    ("d lambda * λ^2 * x^T x / dx", lambda **v: v["lambda"] * v["λ"] ** 2 * np.sum(v["x"].T @ v["x"]),
     {"lambda": (), "λ": (), "x": (2, 1)}, "x"),
    ("d lambda * λ^2 * x^T x / dλ", lambda **v: v["lambda"] * v["λ"] ** 2 * np.sum(v["x"].T @ v["x"]),
     {"lambda": (), "λ": (), "x": (2, 1)}, "λ"),
    ("d lambda^2 * λ * x^T x / dlambda", lambda **v: v["lambda"] ** 2 * v["λ"] * np.sum(v["x"].T @ v["x"]),
     {"lambda": (), "λ": (), "x": (2, 1)}, "lambda"),
    ("d x_{a,b}^T x_{a-b} + x_{a,b}^T x_{a,b} / dx_{a,b}",
     lambda **v: np.sum(v["x_{a,b}"].T @ v["x_{a-b}"] + v["x_{a,b}"].T @ v["x_{a,b}"]),
     {"x_{a,b}": (2, 1), "x_{a-b}": (2, 1)}, "x_{a,b}"),
    ("d tr(W1^T W_1 W1^T) / dW1", lambda **v: np.trace(v["W1"].T @ v["W_1"] @ v["W1"].T),
     {"W1": (2, 2), "W_1": (2, 2)}, "W1"),
    ("d tr(W1^T W_1 W_1^T) / dW_1", lambda **v: np.trace(v["W1"].T @ v["W_1"] @ v["W_1"].T),
     {"W1": (2, 2), "W_1": (2, 2)}, "W_1"),
    ("d lambda1 * λ1^2 * lambda_1^3 * x^T x / dx",
     lambda **v: v["lambda1"] * v["λ1"] ** 2 * v["lambda_1"] ** 3 * np.sum(v["x"].T @ v["x"]),
     {"lambda1": (), "λ1": (), "lambda_1": (), "x": (2, 1)}, "x"),
    ("d lambda1 * λ1^2 * lambda_1^3 * x^T x / dλ1",
     lambda **v: v["lambda1"] * v["λ1"] ** 2 * v["lambda_1"] ** 3 * np.sum(v["x"].T @ v["x"]),
     {"lambda1": (), "λ1": (), "lambda_1": (), "x": (2, 1)}, "λ1"),
    ("d x_{if}^T x_if + 2 x_{if}^T x_{if} / dx_if",
     lambda **v: np.sum(v["x_{if}"].T @ v["x_if"] + 2 * v["x_{if}"].T @ v["x_{if}"]),
     {"x_{if}": (2, 1), "x_if": (2, 1)}, "x_if"),
    ("d eps * ε^2 * epsilon^3 * x^T x / dε",
     lambda **v: v["eps"] * v["ε"] ** 2 * v["epsilon"] ** 3 * np.sum(v["x"].T @ v["x"]),
     {"eps": (), "ε": (), "epsilon": (), "x": (2, 1)}, "ε"),
    ("d tr(Sigma Σ X) / dX", lambda **v: np.trace(v["Sigma"] @ v["Σ"] @ v["X"]),
     {"Sigma": (2, 2), "Σ": (2, 2), "X": (2, 2)}, "X"),
    ("d np * numpy * torch * math * x^T x / dx where np: scalar; numpy: scalar; "
     "torch: scalar; math: scalar",
     lambda **v: v["np"] * v["numpy"] * v["torch"] * v["math"] * np.sum(v["x"].T @ v["x"]),
     {"np": (), "numpy": (), "torch": (), "math": (), "x": (2, 1)}, "x"),
    # a vector named like the differential, and like the code's own pieces and function
    ("d tanh(W x)^T tanh(W x) + h1^T x + df_dx^T x / dx where df_dx: vector",
     lambda **v: np.sum(np.tanh(v["W"] @ v["x"]).T @ np.tanh(v["W"] @ v["x"])
                        + v["h1"].T @ v["x"] + v["df_dx"].T @ v["x"]),
     {"W": (2, 2), "h1": (2, 1), "df_dx": (2, 1), "x": (2, 1)}, "x"),
    ("d dtheta * theta^2 * x^T x / dtheta where dtheta: scalar",
     lambda **v: v["dtheta"] * v["theta"] ** 2 * np.sum(v["x"].T @ v["x"]),
     {"dtheta": (), "theta": (), "x": (2, 1)}, "theta"),
    ("d tanh(W h1)^T tanh(W h1) / dh1 where h1: vector",
     lambda **v: np.sum(np.tanh(v["W"] @ v["h1"]).T @ np.tanh(v["W"] @ v["h1"])),
     {"W": (2, 2), "h1": (2, 1)}, "h1"),
]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,f,shapes,wrt", COLLIDING, ids=[c[0] for c in COLLIDING])
def test_colliding_spellings_stay_apart(problem, f, shapes, wrt, layout):
    if _one_letter(shapes):                 # θ and theta: one name two ways, never two symbols
        with pytest.raises(mdx.MdxError, match="one name, written two ways"):
            mdx.derive(problem)
        return
    if _refused(problem):
        pytest.skip("refused by the language")
    der = check_problem(problem, f, shapes, wrt, layout)
    names = derivation_names(der)
    ids = [names.sym(s) for s in der.symbols]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & RESERVED


def test_a_size_beside_a_symbol_of_its_name():
    """`I_n` beside a scalar `n`: the size is a parameter of its own (n_)."""
    for layout in LAYOUTS:
        der = check_problem("d n * tr(kron(I_n, X)) / dX where n: scalar",
                            lambda n, X: n * SIZE * np.trace(X), {"n": (), "X": (2, 2)}, "X",
                            layout, sizes={"n": SIZE})
    assert "def df_dX(n, X, n_):" in der.numpy_function()


def test_sizes_named_like_the_check_scripts_own_names():
    """The `mdx check` script's helpers and locals: sizes named so are its globals too."""
    own = ["value", "arrange", "project", "hessian", "objective", "draw", "main", "mdx",
           "inputs", "gen", "x", "at", "J", "auto", "mine", "scale", "WRT", "LAYOUT", "t"]
    problem = "d " + " + ".join(f"tr(kron(I_{k}, X))" for k in own) + " / dX"
    check_problem(problem, lambda X: len(own) * SIZE * np.trace(X), {"X": (2, 2)}, "X",
                  "denominator", sizes={k: SIZE for k in own}, exact=False)


def test_functions_named_like_derivatives():
    """f' of f beside a function called f_prime and its derivative: each its own name."""
    problem = "d f(x^T x) + f_prime(sum(x)) / dx where f: scalar function; f_prime: scalar function"
    f = lambda x: np.sum(np.sin(x.T @ x)) + np.sum(np.exp(np.sum(x)))     # noqa: E731
    extra = {("f", 1): np.cos, ("f_prime", 1): np.exp}
    for layout in LAYOUTS:
        der = check_problem(problem, f, {"x": (2, 1)}, "x", layout, extra=extra)
    names = derivation_names(der)
    assert names.func("f", 1) != names.func("f_prime", 0) != names.func("f_prime", 1)


def test_the_usual_spellings_stay():
    """SPEC 6 and 7: theta, dtheta, lambda_, np_ where nothing collides."""
    der = mdx.derive("d θ * λ * x^T x / dθ")
    names = derivation_names(der)
    assert (names.sym("θ"), names.sym("λ"), names.diff("θ")) == ("theta", "lambda_", "dtheta")
    assert mdx.derive("d lambda * x^T x / dlambda").json()["result"]["numpy"].count("dlambda") == 0
    step = mdx.derive("d lambda * x^T x / dlambda").json()["steps"][0]["numpy"]
    assert "dlambda" in step and "dlambda_" not in step


# ----------------------------------------------------------------- the code calls no other name
def _loaded_builtins(source: str) -> set:
    tree = ast.parse(source)
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    bound |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and n.id in dir(builtins) and n.id not in bound and not n.id.startswith("_")}


@pytest.mark.parametrize("problem", ["d tr(kron(I_len, X)) / dX", "d f(x^T x) / dx where f: scalar function",
                                     "d^2 softmax(x)^T y / dx^2", "d logdet(X) / dX where X: spd"])
def test_the_builtins_the_code_calls_are_reserved(problem):
    """A size or function of the problem is a global of the check's script: it may never
    take a builtin that the script calls (they are RESERVED; the script's own names start
    with `_`, which no name of a problem's code does)."""
    from mdx.checking.torch_check import script
    der = mdx.derive(problem)
    for source in (script(der), der.numpy_function(), der.torch_function()):
        assert _loaded_builtins(source) <= RESERVED, _loaded_builtins(source) - RESERVED
    names = derivation_names(der)
    assert not any(i.startswith("_") for i in names.taken())


# ----------------------------------------------------------------- LaTeX
PAIRS = [("W1", "W_1"), ("λ", "lambda"), ("x_if", "x_{if}"), ("λ1", "lambda1"),
         ("lambda_1", "lambda1"), ("λ_1", "λ1"), ("eps", "ε"), ("epsilon", "eps"),
         ("W12", "W_{12}"), ("W1_2", "W_{1,2}"), ("x_1", "x_{1}"), ("a1", "a_1"),
         ("θ", "theta"), ("b_np", "b_{np}")]


@pytest.mark.parametrize("a,b", PAIRS)
def test_distinct_symbols_print_distinctly(a, b):
    table = distinct_latex([a, b])
    assert table[a] != table[b]
    assert latex_name(a) == latex_name(b)           # alike when printed alone
    problem = f"d {a} * {b} * x^T x / dx where {a}: scalar; {b}: scalar"
    if spelling_key(a) == spelling_key(b):          # one letter, one subscript: refused
        with pytest.raises(mdx.MdxError, match="one name, written two ways"):
            mdx.derive(problem)
        return
    der = mdx.derive(problem)
    latex = der.json()["result"]["latex"]
    assert table[a] in latex and table[b] in latex, latex
    assert der.latex().count(table[a]) >= 1


def test_a_lone_spelling_keeps_its_typesetting():
    assert mdx.derive("d tr(W1^T X) / dX").json()["result"]["latex"] == "W_{1}"
    assert mdx.derive("d λ * x^T x / dx").json()["result"]["latex"] == r"2 \lambda x"


def test_one_name_written_two_ways_is_refused_at_the_second():
    """W1 and W_1, θ and theta, Σ declared and Sigma used: the same letter and subscript
    (SPEC 2, 9), which mdx read as two symbols, silently dropping a term."""
    for problem, column in [("d tr(W1^T W_1) / dW_1", 11), ("d exp(θ) + exp(theta) / dθ", 16),
                            ("d x^T Sigma x / dx where Σ: symmetric", 26),
                            ("d ||X w - y||^2 + λ ||w||^2 / dw, dlambda", 36)]:
        with pytest.raises(mdx.MdxError, match="one name, written two ways") as info:
            mdx.derive(problem)
        assert info.value.column == column, (problem, info.value.column)


def _one_letter(shapes) -> bool:
    keys = [spelling_key(n) for n in shapes]
    return len(set(keys)) < len(keys)
