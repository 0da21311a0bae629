"""mdx's benchmarks, all in one run: `python benchmarks/run.py` (see benchmarks/README.md).

Every figure is a ratio of two things measured side by side in this run, or a growth
exponent fitted in it: the machine is shared and noisy, so absolute times are shown
only beside their comparison.  Writes benchmarks/results/results.md and results.png.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "results"
sys.path.insert(0, str(HERE))
from benchmark_problems import deep_problem, sum_problem  # noqa: E402


def mdx_cmd() -> list:
    exe = Path(sys.executable).with_name("mdx")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "mdx"]


# Children may write and use bytecode caches, as an installed tool does: with
# PYTHONDONTWRITEBYTECODE set, an editable install recompiles its modules on every start.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(cmd: list, stdin: bytes | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env=CHILD_ENV)
    return time.perf_counter() - t


# ----------------------------------------------------------------- 1. cold start
def cold_start(repeats: int) -> dict:
    """Whole processes, interleaved so that a noisy moment hits all three alike."""
    cmds = {"mdx": mdx_cmd() + ["derive", "d tr(X^T A X) / dX"],
            "import sympy": [sys.executable, "-c", "import sympy"],
            "python -c pass": [sys.executable, "-c", "pass"]}
    for c in cmds.values():                     # warm the file cache (and lark's grammar cache)
        wall(c)
    times = {k: [] for k in cmds}
    for _ in range(repeats):
        for k, c in cmds.items():
            times[k].append(wall(c))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"median_s": med, "ratio_to_sympy": med["mdx"] / med["import sympy"],
            "ratio_to_pass": med["mdx"] / med["python -c pass"]}


# ----------------------------------------------------------------- 2. warm throughput
def warm(repeats: int) -> dict:
    """Per problem: mdx from text to result and steps (mdx.derive) against SymPy's diff of the
    same function, built beforehand, the calls interleaved (mdx, SymPy, mdx, ...): timed in
    blocks, a noisy moment during one side's block read as 17× where interleaved calls gave
    11×.  SymPy memoises (sympy.core.cache), so its cache is cleared before every timed
    call; otherwise the repeats would time a dictionary lookup.  Also timed: mdx with every
    step rendered as text, LaTeX and NumPy (`.json()`)."""
    import mdx
    from sympy import Derivative
    from mdx.expressions.expr import is_zero
    from sympy.core.cache import clear_cache
    from sympy_forms import NotExpressible, sympy_problem
    rows = []
    for case in _public_cases():
        problem = case["problem"]
        try:
            f, var = sympy_problem(problem)
        except NotExpressible:
            f = None
        except Exception:           # noqa: BLE001 - SymPy cannot build it
            f = None
        row = {"id": case["id"], "problem": problem}
        answer = None
        if f is not None:
            try:
                answer = f.diff(var)
            except Exception as e:  # noqa: BLE001 - SymPy fails on it: recorded, not compared
                row["sympy_error"] = type(e).__name__
        sides = {"mdx_s": (lambda: mdx.derive(problem), None),
                 "mdx_rendered_s": (lambda: mdx.derive(problem).json(), None)}
        if answer is not None:
            sides["sympy_s"] = (lambda: f.diff(var), clear_cache)
        row.update(_interleaved(sides, repeats, limit=15.0))
        if answer is not None:
            row["sympy_result"] = str(answer)[:200]
            if answer.has(Derivative):
                row["sympy_error"] = "unevaluated"
            elif (answer.is_zero or getattr(answer, "is_ZeroMatrix", False)) \
                    and not is_zero(mdx.derive(problem).result):
                row["sympy_error"] = "wrong (0)"
            else:
                row["ratio"] = row["sympy_s"] / row["mdx_s"]
                row["ratio_rendered"] = row["sympy_s"] / row["mdx_rendered_s"]
        rows.append(row)
    ratios = [r["ratio"] for r in rows if "ratio" in r]
    failures: dict = {}
    for r in rows:
        if "sympy_error" in r:
            failures[r["sympy_error"]] = failures.get(r["sympy_error"], 0) + 1
    return {"rows": rows, "compared": len(ratios), "of": len(rows), "sympy_failures": failures,
            "median_ratio": statistics.median(ratios) if ratios else None,
            "min_ratio": min(ratios) if ratios else None,
            "median_ratio_rendered": statistics.median(r["ratio_rendered"] for r in rows if "ratio" in r)
            if ratios else None,
            "mdx_median_s": statistics.median(r["mdx_s"] for r in rows),
            "mdx_rendered_median_s": statistics.median(r["mdx_rendered_s"] for r in rows)}


def _public_cases() -> list:
    path = ROOT.parent / "shared" / "eval" / "cases_public.py"
    ns: dict = {"__file__": str(path)}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), ns)
    return ns["CASES"]


def _interleaved(sides: dict, repeats: int, limit: float = 1e9) -> dict:
    """{name: median seconds} of calls made in turn, one of each side per round (fewer
    rounds once they add up to `limit` seconds); a side is (call, untimed call before it)."""
    times: dict = {name: [] for name in sides}
    spent = 0.0
    for _ in range(repeats):
        for name, (fn, before) in sides.items():
            if before is not None:
                before()
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
            spent += times[name][-1]
        if spent > limit:
            break
    return {name: statistics.median(v) for name, v in times.items()}


def _median_time(fn, repeats: int, limit: float = 1e9, before=None) -> float:
    """Median of `repeats` timed calls (fewer once they add up to `limit` seconds);
    `before` runs untimed ahead of each call."""
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if sum(times) > limit:
            break
    return statistics.median(times)


# ----------------------------------------------------------------- 3. scaling
def scaling(sizes_L: list, sizes_k: list, repeats: int) -> dict:
    """Time (derive and print as text) and result length against L and k, for every method
    on the chain and the default method on the sum, with steps and without
    (`derive(..., steps=False)`, as `--no-steps`).  Names grow a digit at 10 and 100
    (W9, W10, W100), so characters grow by a log factor even in the input: length is
    fitted in tokens (a name, a number or a symbol is one), characters are shown too."""
    import mdx
    out = {}
    series = [(f"depth L, {m}", sizes_L, deep_problem, m) for m in ("differential", "chain", "definition")]
    series.append(("sum of k terms, differential", sizes_k, sum_problem, "differential"))
    for name, sizes, make, method in series:
        for steps in (True, False):
            rows = []
            for n in sizes:
                problem = make(n)
                der = mdx.derive(problem, method=method, steps=False)     # for the result only
                t = _median_time(lambda: mdx.derive(problem, method=method, steps=steps).text(steps=steps),
                                 repeats, limit=20.0)
                result = der.json()["result"]["text"]
                rows.append({"n": n, "time_s": t, "result_chars": len(result),
                             "result_tokens": _tokens(result), "input_tokens": _tokens(problem)})
            out[f"{name}, {'with' if steps else 'without'} steps"] = {
                "rows": rows, "steps": steps, "time_exponent": _exponent(rows, "time_s"),
                "length_exponent": _exponent(rows, "result_tokens"),
                "chars_exponent": _exponent(rows, "result_chars"),
                "input_exponent": _exponent(rows, "input_tokens")}
    return out


def _tokens(text: str) -> int:
    import re
    return len(re.findall(r"[^\W\d_]+\d*|\d+|\S", text))


def _exponent(rows: list, key: str) -> float:
    """The growth exponent p of value ≈ a n^p + b over the larger half of the sizes (which
    double): successive increments grow by 2^p, whatever the constant b.  A plain log-log
    slope would read 23 L - 13 tokens as L^1.03."""
    big = [r for r in rows if r["n"] >= rows[len(rows) // 2]["n"] // 2]
    slopes = []
    for a, b, c in zip(big, big[1:], big[2:]):
        rise, before = c[key] - b[key], b[key] - a[key]
        if rise > 0 and before > 0:
            slopes.append(math.log(rise / before) / math.log(c["n"] / b["n"]))
    return statistics.mean(slopes) if slopes else float("nan")


# ----------------------------------------------------------------- 4. batch
def batch(counts: list) -> dict:
    """Problems per second and peak memory through -f and through a pipe."""
    problems = [c["problem"] for c in _public_cases()]
    rows = []
    for n in counts:
        text = "".join(f"{problems[i % len(problems)]}\n" for i in range(n)).encode("utf-8")
        with tempfile.NamedTemporaryFile(suffix=".txt", delete=False) as fh:
            fh.write(text)
        for how in ("file", "pipe"):
            cmd = mdx_cmd() + ["derive", "--format", "json"] + (["-f", fh.name] if how == "file" else ["-"])
            t, peak = _peak_rss(cmd, None if how == "file" else text)
            rows.append({"problems": n, "via": how, "time_s": t, "per_s": n / t, "peak_mb": peak})
        os.unlink(fh.name)
    by = {(r["problems"], r["via"]): r for r in rows}
    small, large = min(counts), max(counts)
    return {"rows": rows, "memory_growth": {via: by[large, via]["peak_mb"] / by[small, via]["peak_mb"]
                                            for via in ("file", "pipe")}}


def _peak_rss(cmd: list, stdin: bytes | None):
    """(wall seconds, peak resident MB) of one child process, measured by a fresh helper."""
    helper = ("import resource, subprocess, sys, time, json\n"
              "t = time.perf_counter()\n"
              "subprocess.run(json.loads(sys.argv[1]), stdin=sys.stdin, stdout=subprocess.DEVNULL,"
              " stderr=subprocess.DEVNULL)\n"
              "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    res = subprocess.run([sys.executable, "-c", helper, json.dumps(cmd)], input=stdin or b"",
                         capture_output=True, check=True, env=CHILD_ENV)
    t, kb = res.stdout.split()
    return float(t), int(kb) / 1024


# ----------------------------------------------------------------- 5. generated code
def blas_settings() -> dict:
    """Which BLAS each side runs and with how many threads (threadpoolctl for NumPy's,
    torch's own report for PyTorch's), and the environment variables that change it."""
    import torch
    from threadpoolctl import threadpool_info
    numpy_blas = [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                         "threading_layer")}
                  for i in threadpool_info() if i["user_api"] == "blas"]
    config = torch.__config__.show()
    torch_blas = next((line.strip() for line in config.splitlines() if "BLAS_INFO" in line
                       or "LAPACK_INFO" in line), "")
    return {"numpy_blas": numpy_blas, "torch_threads": torch.get_num_threads(),
            "torch_blas": torch_blas.split("BLAS_INFO=")[-1].split(",")[0] if torch_blas else "",
            "torch_mkl": torch.backends.mkl.is_available(),
            "env": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS", "OPENBLAS_CORETYPE",
                                                   "OPENBLAS_L2_SIZE") if os.environ.get(k)}}


def generated(n: int, repeats: int) -> dict:
    """The --format numpy gradient against PyTorch autograd (forward + backward), both on
    one thread: NumPy's BLAS limited with threadpoolctl, PyTorch's with set_num_threads.
    On a machine where they run different BLAS kernels the table says which."""
    import numpy as np
    try:
        import torch
        from threadpoolctl import threadpool_limits
    except ImportError:
        return {"error": "needs PyTorch and threadpoolctl (pip install \".[bench]\")"}
    torch.set_num_threads(1)
    import mdx
    rng = np.random.default_rng(0)
    h = 10
    cases = {
        "one-hidden-layer network, d/dW1": (
            "d ||W2 tanh(W1 x) - y||^2 / dW1",
            {"W1": rng.standard_normal((n, n)) / math.sqrt(n), "W2": rng.standard_normal((h, n)) / math.sqrt(n),
             "x": rng.standard_normal((n, 1)), "y": rng.standard_normal((h, 1))},
            lambda t: torch.sum((t["W2"] @ torch.tanh(t["W1"] @ t["x"]) - t["y"]) ** 2), "W1"),
        "least squares, d/dw": (
            "d ||y - X w||^2 / dw",
            {"X": rng.standard_normal((n, n)), "w": rng.standard_normal((n, 1)),
             "y": rng.standard_normal((n, 1))},
            lambda t: torch.sum((t["y"] - t["X"] @ t["w"]) ** 2), "w"),
    }
    rows = []
    with threadpool_limits(limits=1, user_api="blas"):
        settings = blas_settings()
        for name, (problem, arrays, loss, wrt) in cases.items():
            rows.append(_generated_case(mdx, np, torch, name, problem, arrays, loss, wrt, repeats))
    return {"n": n, "rows": rows, "blas": settings}


def _generated_case(mdx, np, torch, name, problem, arrays, loss, wrt, repeats) -> dict:
    code = mdx.derive(problem).numpy_function()
    env: dict = {}
    exec(compile(code, "<mdx>", "exec"), env)
    fn = next(v for k, v in env.items() if k.startswith("d") and callable(v))
    args = [arrays[p] for p in fn.__code__.co_varnames[:fn.__code__.co_argcount]]
    tensors = {k: torch.tensor(v, requires_grad=(k == wrt)) for k, v in arrays.items()}

    def by_torch():
        tensors[wrt].grad = None
        loss(tensors).backward()
        return tensors[wrt].grad
    assert np.allclose(fn(*args), by_torch().numpy(), rtol=1e-6, atol=1e-8)
    t_np, t_torch = [], []
    for _ in range(repeats):              # interleaved
        t = time.perf_counter()
        fn(*args)
        t_np.append(time.perf_counter() - t)
        t = time.perf_counter()
        by_torch()
        t_torch.append(time.perf_counter() - t)
    ratios = [a / b for a, b in zip(t_np, t_torch)]
    return {"case": name, "numpy_s": statistics.median(t_np), "torch_s": statistics.median(t_torch),
            "median_ratio": statistics.median(ratios)}


# ----------------------------------------------------------------- report
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def report(res: dict) -> str:
    from report import markdown
    return markdown(res)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer repeats and sizes (a smoke run)")
    ap.add_argument("--only", choices=["cold", "warm", "scaling", "batch", "generated", "large"], action="append")
    args = ap.parse_args(argv)
    q = args.quick
    todo = args.only or ["cold", "warm", "scaling", "batch", "generated", "large"]
    res = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}
    if "cold" in todo:
        res["cold"] = cold_start(5 if q else 21)
        print("cold start", json.dumps(res["cold"]["median_s"]), flush=True)
    if "warm" in todo:
        res["warm"] = warm(3 if q else 9)
        print("warm: median ratio", res["warm"]["median_ratio"], flush=True)
    if "scaling" in todo:
        res["scaling"] = scaling([1, 2, 4, 8] if q else [1, 2, 4, 8, 16, 32, 64, 128],
                                 [1, 4, 16] if q else [1, 2, 4, 8, 16, 32, 64, 128, 256], 1 if q else 3)
        print("scaling", {k: (v["time_exponent"], v["length_exponent"]) for k, v in res["scaling"].items()},
              flush=True)
    if "batch" in todo:
        res["batch"] = batch([100, 1000] if q else [1000, 10000])
        print("batch memory growth", res["batch"]["memory_growth"], flush=True)
    if "generated" in todo:
        res["generated"] = generated(200 if q else 1000, 5 if q else 201)
        print("generated", res["generated"], flush=True)
    if "large" in todo:
        from large import large
        res["large"] = large(1 if q else 3, " ".join(mdx_cmd()), [1000] if q else [1000, 10000])
    OUT.mkdir(exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    (OUT / "results.md").write_text(report(res), encoding="utf-8")
    try:
        from report import plot
        plot(res, OUT / "results.png")
    except ImportError:             # matplotlib (the bench extra) draws the plot
        print(f"wrote {OUT / 'results.md'} (no plot: pip install matplotlib)")
    else:
        print(f"wrote {OUT / 'results.md'} and {OUT / 'results.png'}")


if __name__ == "__main__":
    main()
