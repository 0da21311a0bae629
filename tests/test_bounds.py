"""No input runs unbounded (issue 22): every problem ends within about 10 s and 500 MB,
with its result or a clear, positioned message, never a traceback.

Each hostile input runs as its own `python -m mdx` process, with a wall-clock timeout and
its own peak memory from the operating system (tests/child_process.py; RUSAGE_CHILDREN,
the largest child so far, is checked too).  The
processes run three at a time, so the file takes well under a minute.  Before these bounds: the Kronecker chain of 250 factors 8 s (750
past 600 s), 8 nested sigmoids in a body under d^2 past 400 s, `exp` nested 199 deep
40 s, --verify on a 12000×12000 declaration 5.6 GB and a MemoryError, --verify exact
tr(X^64) 95 s and an 8×8 log det past 120 s, LimitErrors after 45 s and 2.4 GB,
--method all on a vector of 20000 53 s and 15 GB (comparing the methods numerically).
"""

import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor

import pytest

import mdx
from child_process import run_mdx
from mdx.bounds import limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from benchmark_problems import hessian, long_trace, tanh_network  # noqa: E402  (benchmarks/benchmark_problems.py)

SECONDS = 12            # the wall-clock bound on one problem's whole process
MEGABYTES = 500         # its peak resident memory
WORKERS = 3             # processes at a time: most of the time goes to the 8 that run to
                        # the time limit, a wall-clock limit, so a third beside two cores helps


def nest(f: str, n: int, inner: str = "x") -> str:
    for _ in range(n):
        inner = f"{f}({inner})"
    return inner


def kron(n: int) -> str:
    return " ⊗ ".join(["X"] * n)


def doubling(k: int) -> str:
    """Sizes that double through unification: v1 is kron(x, x), v2 kron(v1, v1), ..."""
    names = ["x"] + [f"v{i}" for i in range(1, k + 1)]
    terms = [f"sum(kron({a}, {a}) + {b})" for a, b in zip(names, names[1:])]
    return "d " + " + ".join(terms) + " / dx where " + "; ".join(f"{n}: vector" for n in names[1:])


def network(L: int) -> str:
    inner = "x"
    for k in range(1, L):
        inner = f"tanh(W{k} {inner})"
    return f"d ||W{L} {inner} - y||^2 / dW1"


# (name, arguments of `mdx`, what the output must show: a result ("ok"), a message
# matching the pattern, or either (None))
CASES = [
    # those that run to the time limit first, so that the pool ends together
    ("150 nested exp in a body, d^2",
     ["derive", f"d^2 sum(g(x)) / dx^2 where g(t) = {nest('exp', 150, 't')}"], None),
    ("exp nested 199 deep, JSON", ["derive", f"d sum({nest('exp', 198)}) / dx", "--format", "json"],
     None),
    ("d^2 of 190 nested sigmoids", ["derive", f"d^2 sum({nest('sigmoid', 190)}) / dx^2"], None),
    ("d^2 of tanh(W ·) nested 60 deep", ["derive", "d^2 sum(" + "tanh(W " * 60 + "x" + ")" * 60
                                         + ") / dx^2"], None),
    ("X^256, definition method", ["derive", "d X^256 / dX", "-m", "definition"], None),
    ("inverses in a long product", ["derive", "d tr(" + " ".join(["X^{-1} A"] * 150) + ") / dX"],
     None),
    ("a 64-layer network as JSON", ["derive", network(64), "--format", "json"], None),
    ("--verify exact, X^12 of 3×3", ["derive", "d tr(X^12) / dX where X: matrix 3 x 3",
                                     "--verify", "exact"], None),
    ("a long product in a trace, 256", ["derive", long_trace(256)], None),
    ("a 64-layer Hessian as JSON", ["derive", hessian(64), "--format", "json"], None),
    # the rest; issue 25's were refused or ran past 10 s and 816 MB, and are derived in
    # 1-4 s now (benchmarks/run.py measures them; here, a loaded machine may refuse them)
    ("a 192-layer network with steps", ["derive", tanh_network(192)], None),
    ("a 128-layer network as JSON", ["derive", tanh_network(128), "--format", "json"], None),
    ("a long product in a trace, 128", ["derive", long_trace(128)], None),
    ("a 32-layer Hessian, differential", ["derive", hessian(32)], None),
    ("kron chain of 250", ["derive", f"d tr({kron(250)}) / dX"], "product of 65 sizes"),
    ("kron chain of 750", ["derive", f"d tr({kron(750)}) / dX"], "product of 65 sizes"),
    ("kron chain of 64", ["derive", f"d tr({kron(64)}) / dX"], "ok"),
    ("vec of a kron chain", ["derive", f"d vec({kron(32)}) / dX"], None),
    ("sizes doubling by unification", ["derive", doubling(7)], "product of 128 sizes"),
    ("8 nested sigmoids in a body, d^2",
     ["derive", f"d^2 sum(g(x)) / dx^2 where g(t) = {nest('sigmoid', 8, 't')}"], "ok"),
    ("a long body", ["derive", "d^2 sum(g(x)) / dx^2 where g(t) = "
                     + " + ".join(f"sin({k} t)" for k in range(1, 300))], None),
    ("a body of a huge power", ["derive", "d^2 sum(g(x)) / dx^2 where g(t) = (1 + t^2)^999999"],
     None),
    ("20 bodies", ["derive", "d sum(" + " + ".join(f"g{i}(x)" for i in range(20)) + ") / dx where "
                   + "; ".join(f"g{i}(t) = sigmoid(sigmoid(t))" for i in range(20))], None),
    ("300 declarations", ["derive", "d " + " + ".join(f"a{i}^T x" for i in range(300)) + " / dx where "
                          + "; ".join(f"a{i}: vector" for i in range(300))], "ok"),
    ("a reading for each of 400 names", ["derive", "d " + " + ".join(
        f"(y{i} - w^T x)^2" for i in range(400)) + " / dw"], None),
    ("a long sum", ["derive", "d " + " + ".join(f"x^T A{i} x" for i in range(300)) + " / dx",
                    "--verify"], None),
    ("exp nested 199 deep", ["derive", f"d sum({nest('exp', 198)}) / dx"], "ok"),
    ("exp nested 199 deep, scalar", ["derive", f"d {nest('exp', 199, 'x^T x')} / dx"], "ok"),
    ("exp nested 199 deep, chain", ["derive", f"d sum({nest('exp', 198)}) / dx", "-m", "chain"],
     "ok"),
    ("tanh nested 198 deep, chain", ["derive", f"d sum({nest('tanh', 198)}) / dx", "-m", "chain"],
     None),
    ("X^256, every method", ["derive", "d tr(X^256) / dX", "-m", "all"], None),
    # methods that print different forms (x.^3 ./ (1 + x.^2) now prints one form in all three)
    ("every method, a vector of 20000", ["derive", "d (x ∘ x) ./ (1 + exp(x)) / dx where x: vector "
                                         "20000", "-m", "all"], "too large to compare"),
    ("every method, a 190-layer network", ["derive", network(190), "-m", "all"], None),
    ("--verify, 12000×12000", ["derive", "d tr(A X) / dX where A: matrix 12000 x 12000", "--verify"],
     "checked at smaller sizes"),
    ("--verify, 20000×20000", ["derive", "d x^T A x / dx where A: matrix 20000 x 20000",
                               "--verify"], "checked at smaller sizes"),
    ("--verify, a size of 20 digits", ["derive", "d x^T A x / dx where A: matrix "
                                       "99999999999999999999 x 99999999999999999999", "--verify"],
     "checked at smaller sizes"),
    ("--verify, mean of 12000", ["derive", "d mean(x) / dx where x: vector 12000", "--verify"],
     "checked at smaller sizes"),
    ("--verify, a Hessian of 60×60", ["derive", "d^2 tr(X^T A X) / dX^2 where X: matrix 60 x 60",
                                      "--verify"], "checked at smaller sizes"),
    ("--verify, a kron chain", ["derive", f"d vec({kron(5)}) / dX", "--verify"], "too large"),
    ("--verify, exp nested 199 deep", ["derive", f"d sum({nest('exp', 198)}) / dx", "--verify"],
     None),
    ("--verify exact, tr(X^64)", ["derive", "d tr(X^64) / dX", "--verify", "exact"],
     "verify exact checks"),
    ("--verify exact, 8×8 log det", ["derive", "d log det X / dX where X: matrix 8 x 8",
                                     "--verify", "exact"], "checked at smaller sizes"),
    ("--verify exact, 12000×12000", ["derive", "d tr(A X) / dX where A: matrix 12000 x 12000",
                                     "--verify", "exact"], "checked at smaller sizes"),
    ("--check, 12000×12000", ["derive", "d tr(A X) / dX where A: matrix 12000 x 12000", "--check"],
     None),
    ("solve, X^256", ["solve", "d tr(X^256) / dX = 0"], None),
]


@pytest.fixture(scope="module")
def outcomes() -> dict:
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {name: pool.submit(run_mdx, args, timeout=30) for name, args, _ in CASES}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.parametrize("name, args, expect", CASES, ids=[c[0] for c in CASES])
def test_every_input_ends_in_bounded_time_and_memory(outcomes, name, args, expect):
    got = outcomes[name]
    shown = f"{got['seconds']:.1f} s, {got['mb']:.0f} MB, exit {got['code']}: {got['err'][:300]}"
    assert got["seconds"] <= SECONDS, shown
    assert got["mb"] <= MEGABYTES, shown
    assert "Traceback" not in got["err"] and "internal error" not in got["err"], shown
    assert got["code"] in (0, 1), shown
    if got["code"] == 1:                    # a clear message, with its position and caret
        first, _, caret = got["err"].splitlines()[:3]
        assert re.match(r"line 1, column \d+: \S", first), shown
        assert set(caret.strip()) == {"^"}, shown
    else:
        assert got["out"].strip(), shown
    if expect == "ok":
        assert got["code"] == 0, shown
    elif expect is not None:
        assert expect in got["out"] + got["err"], shown


def test_children_peak_memory(outcomes):
    """The same bound as the operating system's peak over every child so far."""
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 <= MEGABYTES


def test_memory_is_bounded_too():
    """The memory bound, met first: a problem that swells past MAX_MEMORY_MB (here 20 MB) is
    stopped however few nodes it has built (here --verify's arrays of 10^6 entries)."""
    code = ("from mdx.bounds import limits; limits.MAX_MEMORY_MB = 20; import sys; "
            "sys.argv = ['mdx', 'derive', 'd tr(X^T X X^T X) / dX where X: matrix 1000 x 1000', "
            "'--verify']; "
            "from mdx.cli.main import run; run()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1 and "more than 20 MB of memory" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


# ----------------------------------------------------------------- in the library
def test_time_limit_stops_a_call(monkeypatch):
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.3)
    start = time.monotonic()
    with pytest.raises(mdx.LimitError, match="more than 0.3 s"):
        mdx.derive("d X^256 / dX", method="definition")
    assert time.monotonic() - start < 3


def test_sympy_work_is_stopped_by_the_watchdog(monkeypatch):
    """SymPy builds no mdx nodes, so nothing is charged: a watchdog stops it."""
    sympy = pytest.importorskip("sympy")
    monkeypatch.setattr(limits, "MAX_SECONDS", 0.5)
    t = sympy.Symbol("t")
    start = time.monotonic()
    with pytest.raises(mdx.LimitError, match="SymPy's work needs more than 0.5 s"):
        with limits.problem(), limits.watched("SymPy's work"):
            sympy.simplify(sympy.diff(nest_sympy(sympy, t, 6), t, 2))
    assert time.monotonic() - start < 3
    assert mdx.derive("d x^T x / dx").text()             # and the next call is not stopped


def test_a_fired_watchdog_leaves_the_interpreter_as_it_was():
    """Once a watchdog has fired and its work has ended, calls run as before, also under a
    trace function.  Its stop() once withdrew the exception with SetAsyncExc(thread, NULL),
    which on CPython 3.11 leaves the eval breaker set: a traced thread (hypothesis's
    explain phase, in tests/test_random.py) then spun at its next call without end."""
    code = """if True:
        import sys, time
        from mdx.bounds.watchdog import Expired, Watchdog
        dog = Watchdog(lambda: "late", 0.02)
        try:
            start = time.monotonic()
            while time.monotonic() - start < 2:
                pass
        except Expired:
            pass
        dog.stop()
        sys.settrace(lambda frame, event, arg: None)
        print(sum(abs(i) for i in range(1000)))
    """
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert out.stdout.strip() == "499500", out.stderr


def nest_sympy(sympy, t, n):
    for _ in range(n):
        t = 1 / (1 + sympy.exp(-t))
    return t


def test_a_body_too_large_to_simplify_is_left_as_sympy_gives_it():
    """Its derivative is still right, unsimplified (limits.SIMPLIFY_BODY_OPS)."""
    der = mdx.derive("d^2 sum(g(x)) / dx^2 where g(t) = " + nest("sigmoid", 5, "t"))
    assert der.text() and der.verify().max_error < 1e-4


def test_the_order_of_operands_is_the_order_of_their_structure():
    """node_base.compare gives the order the `order` tuples give, in one descent."""
    from corpora import CORPUS
    from mdx.expressions import expr as E
    from mdx.expressions.node_base import compare
    nodes = []
    for _, case in CORPUS[:60]:
        try:
            der = mdx.derive(case["problem"])
        except mdx.MdxError:
            continue
        stack = [der.result, der.function] + [st.expr for st in der.steps]
        while stack:
            e = stack.pop()
            if isinstance(e, E.Expr):
                nodes.append(e)
                stack.extend(e.children())
    import random
    rng = random.Random(3)
    for _ in range(20_000):
        a, b = rng.choice(nodes), rng.choice(nodes)
        assert compare(a, b) == (a.order > b.order) - (a.order < b.order), (a, b)


def test_a_kronecker_chain_types_in_linear_time(monkeypatch):
    """Dims remembers found terms: typing 64 factors finds product terms about twice as
    often as 32, not 4 or 8 times (it grew as n³).  (Naming each node's size, a product of
    up to n names, is quadratic, as long as what it writes.)"""
    from mdx.language.parser import parse
    from mdx.shapes.table import Dims
    from mdx.shapes.typer import type_problem
    calls = [0]
    find = Dims.find

    def counted(self, d):
        calls[0] += isinstance(d, tuple)
        return find(self, d)
    monkeypatch.setattr(Dims, "find", counted)

    def finds(n):
        calls[0] = 0
        type_problem(parse(f"d tr({kron(n)}) / dX"))
        return calls[0]
    assert finds(64) < 2.5 * finds(32)


def test_checking_at_smaller_sizes_says_so():
    from mdx.checking.verify_sizes import _smaller_problem
    der = mdx.derive("d tr(A X B) / dX where A: matrix 12000 x 7; B: matrix 3 x 12000")
    text, mapped = _smaller_problem(der, limits.MAX_VERIFY_SIZE)
    assert text == "d tr(A X B) / dX where A: matrix 5 x 4; B: matrix 3 x 5"
    assert mapped == {7: 4, 12000: 5}
    line = der.verify().line()
    assert "checked at smaller sizes (4 for 7, 5 for 12000)" in line
