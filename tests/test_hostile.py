"""Hostile and malformed input: never a traceback, always an answer or a clear error,
in bounded time and memory.

Whole-process checks run the installed `mdx` with a generous timeout: the timeout only
keeps a hang from stalling the suite, it is not a speed requirement.
"""

import json
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import mdx
from mdx.errors import InternalError, LimitError, MdxError
from child_process import run_mdx
from numpy_safety import check_function

GOOD = ["d tr(X^T A X) / dX", "d ||y - X w||^2 / dw", "d log det X / dX",
        "d x^T A x / dx where A: symmetric", "d sum(exp(W x)) / dW", "d^2 logsumexp(x) / dx^2",
        "d/dx softmax(x)", "d kron(A, X) / dX", "d ‖x - a‖ / dx", "d f(x^T x) / dx where f: scalar function"]
ALPHABET = "dxXAWy ^T'()+-*/.|‖∘⊗_{}0123456789,:;wheresymtrlogdtsumexpσ∂²\t\u00a0#"


def mdx_cli(*args, stdin=None, timeout=600):
    """Run the command line; returns (exit code, stdout, stderr, its own peak memory in MB)."""
    got = run_mdx(args, stdin, timeout)
    return got["code"], got["out"], got["err"], got["mb"]


def assert_clear_error(problem: str, error: MdxError):
    assert not isinstance(error, InternalError), error.render(problem)
    text = error.render(problem)
    first, shown, caret = text.splitlines()[:3]
    assert first.startswith(f"line {error.line}, column {error.column}: ")
    assert caret.strip() and set(caret.strip()) == {"^"}
    assert len(shown) <= 110, "a long input is shown as a window around the error"


def derive_or_error(problem: str, method: str = "differential"):
    try:
        der = mdx.derive(problem, method=method)
    except MdxError as e:
        assert_clear_error(problem, e)
        return None
    der.text()
    der.latex()
    der.json()
    check_function(der.numpy_function())
    return der


# ----------------------------------------------------------------- mutations and random text
@settings(max_examples=300, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_strings(text):
    derive_or_error(text)


@settings(max_examples=600, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(st.sampled_from(GOOD), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(ALPHABET),
                                                  st.sampled_from(("insert", "delete", "replace"))),
                                       min_size=1, max_size=4),
       st.sampled_from(("differential", "chain", "definition")))
def test_mutated_problems(problem, edits, method):
    text = list(problem)
    for pos, ch, how in edits:
        pos = pos % (len(text) + 1)
        if how == "insert":
            text.insert(pos, ch)
        elif text and pos < len(text):
            text[pos:pos + 1] = [] if how == "delete" else [ch]
    derive_or_error("".join(text), method)


def test_mutations_through_the_command_line(tmp_path):
    """A file of mutated lines: one error line each, exit 1, never a traceback."""
    rng = random.Random(5)
    lines = []
    for n in range(300):
        text = list(rng.choice(GOOD))
        for _ in range(rng.randint(1, 3)):
            text.insert(rng.randrange(len(text) + 1), rng.choice(ALPHABET.replace("#", "")))
        lines.append("".join(text))
    path = tmp_path / "mutants.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err, _ = mdx_cli("derive", "-f", str(path), "--format", "json")
    assert "Traceback" not in err and "internal error" not in err
    records = [json.loads(x) for x in out.splitlines()]
    assert len(records) == len([ln for ln in lines if ln.strip()])
    assert code == (1 if any("error" in r for r in records) else 0)
    for r in records:
        if "error" in r:
            assert r["error"]["line"] >= 1 and r["error"]["column"] >= 1


# ----------------------------------------------------------------- sizes
@pytest.mark.parametrize("depth", [10_000, 4_000])
def test_ten_thousand_nested_parentheses(depth):
    """Over 10,000 characters it is the length that is refused; shorter, the nesting."""
    problem = "d " + "(" * depth + "x^T x" + ")" * depth + " / dx"
    with pytest.raises(LimitError) as info:
        mdx.derive(problem)
    assert ("nested more than" if depth < 5000 else "characters long") in info.value.message
    assert_clear_error(problem, info.value)


def test_nesting_at_the_limit_is_derived():
    """Just inside MAX_NESTING, every method answers: no RecursionError anywhere."""
    from mdx.bounds.limits import MAX_NESTING
    linear, tanh = "x", "x"
    for _ in range(MAX_NESTING - 2):
        linear = f"a + (A {linear})"
    for _ in range(60):
        tanh = f"tanh({tanh})"
    for method in ("differential", "chain", "definition"):
        for problem in (f"d sum({linear}) / dx", f"d sum({tanh}) / dx"):
            der = mdx.derive(problem, method=method)
            assert der.text() and der.latex() and der.numpy_function()


def test_too_deep_for_the_main_thread_goes_to_the_worker(monkeypatch):
    """A small problem runs on the caller's thread; one that overflows its recursion limit
    is done again on the worker, with the same answer; other threads always use the worker."""
    import sys
    import threading

    from mdx.bounds import limits
    seen = []
    real = limits._jobs
    monkeypatch.setattr(limits, "_jobs", lambda: seen.append(1) or real())
    small = mdx.derive("d tr(X^T A X) / dX")
    assert seen == [] and small.text()
    problem = "d sum(" + "tanh(" * 60 + "x" + ")" * 60 + ") / dx"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(120)              # so that the main thread overflows at once
    try:
        deep = mdx.derive(problem)
    finally:
        sys.setrecursionlimit(limit)
    assert seen and deep.result == mdx.derive(problem).result
    seen.clear()
    box = {}
    t = threading.Thread(target=lambda: box.setdefault("der", mdx.derive("d a^T x / dx")))
    t.start()
    t.join()
    assert seen and box["der"].text()


def test_one_megabyte_line(tmp_path):
    line = "d " + " + ".join(["x^T A x"] * 110_000) + " / dx"
    assert len(line) > 1_000_000
    path = tmp_path / "big.txt"
    path.write_text(line + "\nd x^T a / dx\n", encoding="utf-8")
    code, out, err, peak = mdx_cli("derive", "-f", str(path), "--format", "json")
    records = [json.loads(x) for x in out.splitlines()]
    assert code == 1 and "error" in records[0] and "characters long" in records[0]["error"]["message"]
    assert records[1]["result"]["text"] == "a"
    assert "Traceback" not in err and len(err) < 2_000       # the line is not echoed whole
    assert peak < 500


def test_a_file_of_100000_problems(tmp_path):
    """Streamed: every problem answered, in order, and memory does not grow with the file."""
    path = tmp_path / "many.txt"
    n = 100_000
    path.write_text("".join(f"d {k} x / dx\n" for k in range(1, n + 1)), encoding="utf-8")
    code, out, err, peak = mdx_cli("derive", "-f", str(path), "--format", "json", "--no-steps")
    assert code == 0 and not err
    lines = out.splitlines()
    assert len(lines) == n
    assert json.loads(lines[-1])["problem"] == f"d {n} x / dx"
    assert json.loads(lines[-1])["result"]["text"] == f"{n} I_n"
    assert peak < 300


def test_nul_bytes_and_invalid_utf8(tmp_path):
    path = tmp_path / "bytes.txt"
    path.write_bytes(b"d x^T a / dx\nd x\x00^T a / dx\n\x00\x00\nd \xff\xfe x / dx\n"
                     b"d tr(X) / dX\n")
    code, out, err, _ = mdx_cli("derive", "-f", str(path), "--format", "json")
    records = [json.loads(x) for x in out.splitlines()]
    assert code == 1 and "Traceback" not in err
    assert [("error" in r) for r in records] == [False, True, True, True, False]
    assert records[3]["error"]["line"] == 4 and "UTF-8" in records[3]["error"]["message"]
    assert records[4]["result"]["text"] == "I_n"
    with pytest.raises(MdxError) as info:
        mdx.derive("d x\x00 / dx")
    assert_clear_error("d x\x00 / dx", info.value)


# ----------------------------------------------------------------- expression swell
def test_high_matrix_power_is_derived():
    der = mdx.derive("d tr(X^64) / dX")
    assert der.result.__repr__() == "64 (X^T)^63"
    X = np.random.default_rng(0).standard_normal((3, 3)) / 3
    g = eval(der.json()["result"]["numpy"], {"np": np, "X": X})
    assert np.allclose(g, 64 * np.linalg.matrix_power(X.T, 63))


def test_swelling_derivatives_finish_or_stop_clearly():
    """Each answers or stops with a LimitError; none runs unbounded."""
    nest = "x"
    for _ in range(60):
        nest = f"exp({nest})"
    for problem in ("d X^64 / dX", f"d sum({nest}) / dx", "d tr(X^2000) / dX",
                    "d " + " ".join(["X"] * 400) + " / dX"):
        for method in ("differential", "chain"):
            try:
                der = mdx.derive(problem, method=method)
                der.text()
            except LimitError as e:
                assert any(w in e.message for w in ("swells", "nested", "powers are limited"))
                assert_clear_error(problem, e)


def test_huge_matrix_power_is_refused_at_once():
    """Found by the fuzzer: X^{-221111} ran past its 30 s timeout."""
    problem = "d a^T X^{-221111} A /dX"
    with pytest.raises(LimitError) as info:
        mdx.derive(problem)
    assert "powers are limited" in info.value.message and info.value.column == 7
    assert_clear_error(problem, info.value)
    assert mdx.derive("d (x^T x)^{99999} / dx").result is not None    # scalar powers: any


def test_comparisons_count_as_work():
    """Found by the fuzzer: the definition method on S^{95} spent 37 s comparing index
    terms, which built few nodes; comparisons are charged too, so it stops clearly."""
    problem = "d log det W + (x - m)^T S^{95} (x - m) / dS where S: spd"
    try:
        mdx.derive(problem, layout="numerator", method="definition")
    except LimitError as e:             # the work count, or the clock on a loaded machine
        assert "steps of work" in e.message or "more than 8 s" in e.message, e.message
        assert_clear_error(problem, e)


def test_work_limit_is_a_clear_error(monkeypatch):
    from mdx.bounds import limits
    monkeypatch.setattr(limits, "MAX_WORK", 300)
    with pytest.raises(LimitError) as info:
        mdx.derive("d tr(X^40) / dX", method="chain")
    assert "steps of work" in info.value.message


# ----------------------------------------------------------------- batches
def test_batch_with_bad_lines_answers_every_good_line_in_order(tmp_path):
    lines = ["d x^T a / dx", "d x^ / dx", "# a comment", "d tr(X) / dX", "d AX / dX", "",
             "d ||x||^2 / dx", "d (x / dx", "d x / 0 / dx", "d log det X / dX"]
    path = tmp_path / "mixed.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err, _ = mdx_cli("derive", "-f", str(path), "--format", "json")
    records = [json.loads(x) for x in out.splitlines()]
    assert code == 1
    problems = [r.get("problem") for r in records]
    assert problems == [ln for ln in lines if ln.strip() and not ln.startswith("#")]
    assert [r["result"]["text"] for r in records if "result" in r] == ["a", "I_n", "2 x", "X^{-T}"]
    assert [r["error"]["line"] for r in records if "error" in r] == [2, 5, 8, 9]
    assert err.count("line ") >= 4 and "Traceback" not in err


# ----------------------------------------------------------------- NumPy output
EDGE = ["d 123456789012345678901234567890 x^T x / dx", "d 0.000001 x / dx",
        "d (x^T x)^99 / dx", "d np^T x / dx where np: vector", "d lambda x / dx where lambda: scalar",
        "d x^T A^{-1} x / dx", "d tr(I ⊗ X) / dX", "d f(x)^T f(x) / dx where f: scalar function",
        "d import^T x / dx where import: vector", "d sum(exp(exp(exp(X)))) / dX",
        "d logdet(X^T X) / dX", "d x / (x^T x) / dx", "d sqrt(x^T x) / dx",
        "d/dalpha alpha / (1 + (relu 2)^2)"]          # NumPy refuses an integer ** -1


@pytest.mark.parametrize("problem", EDGE)
def test_numpy_output_is_safe_to_eval(problem):
    for method in ("differential", "chain", "definition"):
        der = mdx.derive(problem, method=method)
        code = der.numpy_function()
        name = check_function(code)
        env: dict = {}
        exec(compile(code, "<mdx>", "exec"), env)          # defines the function, nothing else
        assert set(env) - {"__builtins__"} == {"np", name}
        if problem.startswith("d/dalpha"):                # and it runs on integer-valued input
            assert env[name](alpha=0.5) == 0.2
