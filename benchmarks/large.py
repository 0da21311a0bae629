"""Large problems (issue 25), for benchmarks/run.py: each figure a ratio of two things timed
side by side in this run, interleaved, or a growth exponent fitted in it; peak memory is a
child process's own (its rusage), as a user running `mdx derive` sees it.

- the steps of a deep network as text: peak memory at L = 192, time exponent 96 -> 192;
- the steps of a depth-128 network as JSON: peak memory, output size, and the independent
  harness (../shared/eval/harness.py) checking every step's NumPy against finite differences;
- tr(A1 X A2 X ... Ak X): time at k = 128, exponent 64 -> 128;
- the differential method's Hessian of a depth-32 network against the chain method's;
- generated NumPy at batch scale: the softmax cross-entropy gradient against the
  hand-written NumPy for p = 1,000 and 10,000 samples, and the Jacobian of σ(W x).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from benchmark_problems import hessian, long_trace, tanh_network  # noqa: E402
HARNESS = HERE.parent.parent / "shared" / "eval" / "harness.py"


# ----------------------------------------------------------------- measuring
def in_process(sides: dict, repeats: int) -> dict:
    """{name: median seconds} of mdx.derive(problem, method=...) and its printing, the sides
    called in turn, round after round."""
    import mdx
    times: dict = {name: [] for name in sides}
    for _ in range(repeats):
        for name, (problem, method, fmt) in sides.items():
            t = time.perf_counter()
            der = mdx.derive(problem, method=method)
            der.json() if fmt == "json" else der.text()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(v) for name, v in times.items()}


def child(problem: str, *options: str) -> dict:
    """`mdx derive PROBLEM OPTIONS` as its own process: seconds, peak MB, output bytes, exit."""
    helper = ("import json, resource, subprocess, sys, time\n"
              "t = time.perf_counter()\n"
              "with open(sys.argv[2], 'wb') as out:\n"
              "    code = subprocess.run(json.loads(sys.argv[1]), stdout=out, stderr=subprocess.DEVNULL)"
              ".returncode\n"
              "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n")
    exe = Path(sys.executable).with_name("mdx")
    cmd = ([str(exe)] if exe.exists() else [sys.executable, "-m", "mdx"]) + ["derive", problem, *options]
    with tempfile.NamedTemporaryFile(suffix=".out", delete=False) as fh:
        path = fh.name
    try:
        res = subprocess.run([sys.executable, "-c", helper, json.dumps(cmd), path],
                             capture_output=True, text=True, check=True)
        seconds, kb, code = res.stdout.split()
        return {"seconds": float(seconds), "peak_mb": int(kb) / 1024, "output_mb": os.path.getsize(path) / 2 ** 20,
                "exit": int(code)}
    finally:
        os.unlink(path)


def harness_steps(problem: str, L: int, mdx_command: str) -> dict:
    """The independent harness on the depth-L network as JSON: every step checked."""
    if not HARNESS.is_file():
        return {"error": "../shared/eval/harness.py is not beside this repository"}
    shapes = {f"W{k}": (3, 3) for k in range(1, L + 1)} | {"x": (3, 1), "y": (3, 1)}
    f = "lambda " + ", ".join(shapes) + ": " + _network_numpy(L)
    case = {"id": f"network-{L}", "source": "issue 25", "problem": problem, "wrt": "W1",
            "shapes": shapes, "props": {}, "order": 1, "reference": "None", "reference_text": "G",
            "tags": ["network"]}
    text = "import numpy as np\nCASES = [dict(" + ", ".join(f"{k}={v!r}" for k, v in case.items()) + \
        f", f={f})]\n"
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(text)
    try:
        res = subprocess.run([sys.executable, str(HARNESS), "--cases", fh.name, "--mdx", mdx_command,
                              "--layout", "denominator", "--method", "differential"],
                             capture_output=True, text=True, timeout=1800)
    finally:
        os.unlink(fh.name)
    summary = [line for line in res.stdout.splitlines() if "steps" in line and "ok" in line]
    return {"summary": summary[-1].strip() if summary else res.stdout[-400:], "exit": res.returncode}


def _network_numpy(L: int) -> str:
    h = "np.tanh(W1 @ x)"
    for k in range(2, L + 1):
        h = f"np.tanh(W{k} @ {h})"
    return f"float(np.sum(({h} - y) ** 2))"


def exponent(small: float, large: float, ratio: float = 2.0) -> float:
    return math.log(large / small) / math.log(ratio)


# ----------------------------------------------------------------- the measurements
def deep_steps(repeats: int) -> dict:
    t = in_process({"96": (tanh_network(96), "differential", "text"),
                    "192": (tanh_network(192), "differential", "text")}, repeats)
    run = child(tanh_network(192))
    return {"time_s": t, "exponent": exponent(t["96"], t["192"]), "peak_mb": run["peak_mb"],
            "output_mb": run["output_mb"], "exit": run["exit"]}


def json_steps(repeats: int, mdx_command: str) -> dict:
    t = in_process({"64": (tanh_network(64), "differential", "json"),
                    "128": (tanh_network(128), "differential", "json")}, repeats)
    run = child(tanh_network(128), "--format", "json")
    return {"time_s": t, "exponent": exponent(t["64"], t["128"]), "peak_mb": run["peak_mb"],
            "output_mb": run["output_mb"], "exit": run["exit"],
            "harness": harness_steps(tanh_network(128), 128, mdx_command)}


def long_product(repeats: int) -> dict:
    t = in_process({"64": (long_trace(64), "differential", "text"),
                    "128": (long_trace(128), "differential", "text")}, repeats)
    return {"time_s": t, "exponent": exponent(t["64"], t["128"]), "exit": child(long_trace(128))["exit"]}


def deep_hessian(repeats: int) -> dict:
    t = in_process({"differential": (hessian(32), "differential", "text"),
                    "chain": (hessian(32), "chain", "text")}, repeats)
    run = child(hessian(32))
    return {"time_s": t, "ratio": t["differential"] / t["chain"], "peak_mb": run["peak_mb"],
            "exit": run["exit"]}


def batch_code(sizes: list, repeats: int) -> dict:
    """mdx's generated NumPy against the NumPy a practitioner writes, one BLAS thread,
    interleaved: the batch softmax cross-entropy gradient (p samples as columns, one-hot
    labels declared `distribution`) and the Jacobian of σ(W x)."""
    import numpy as np
    import mdx
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return {"error": "needs threadpoolctl (pip install \".[bench]\")"}
    rng = np.random.default_rng(0)
    d, k = 100, 10
    ce = _function(mdx.derive("d -sum(Y .* log(softmax(W X))) / dW where Y: distribution"))

    def by_hand_ce(Y, W, X):
        Z = W @ X
        P = np.exp(Z - Z.max(axis=0, keepdims=True))
        P /= P.sum(axis=0, keepdims=True)
        return (P - Y) @ X.T
    rows = []
    with threadpool_limits(limits=1, user_api="blas"):
        for p in sizes:
            X, W = rng.standard_normal((d, p)), rng.standard_normal((k, d)) / 10
            Y = np.eye(k)[:, rng.integers(0, k, p)]
            rows.append(_race(f"softmax cross-entropy, p = {p:,}", ce, by_hand_ce,
                              {"Y": Y, "W": W, "X": X}, repeats))
        n = 1000
        sig = _function(mdx.derive("d sigmoid(W x) / dx", layout="numerator"))

        def by_hand_sig(W, x):
            s = 1 / (1 + np.exp(-(W @ x)))
            return (s * (1 - s)) * W
        rows.append(_race(f"Jacobian of σ(W x), n = {n:,}", sig, by_hand_sig,
                          {"W": rng.standard_normal((n, n)), "x": rng.standard_normal((n, 1))}, repeats))
    return {"rows": rows}


def _function(der):
    env: dict = {}
    exec(compile(der.numpy_function(), "<mdx>", "exec"), env)
    return next(v for name, v in env.items() if name.startswith("d") and callable(v))


def _race(name, generated, by_hand, arrays, repeats) -> dict:
    import numpy as np

    def call(fn):
        return fn(*(arrays[a] for a in fn.__code__.co_varnames[:fn.__code__.co_argcount]))
    assert np.allclose(call(generated), call(by_hand)), name
    ours, theirs = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        call(generated)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        call(by_hand)
        theirs.append(time.perf_counter() - t)
    return {"case": name, "mdx_s": statistics.median(ours), "by_hand_s": statistics.median(theirs),
            "ratio": statistics.median(a / b for a, b in zip(ours, theirs))}


def large(repeats: int, mdx_command: str, sizes: list) -> dict:
    out = {}
    for name, run in (("deep_steps", lambda: deep_steps(repeats)),
                      ("json_steps", lambda: json_steps(repeats, mdx_command)),
                      ("long_product", lambda: long_product(repeats)),
                      ("deep_hessian", lambda: deep_hessian(repeats)),
                      ("batch_code", lambda: batch_code(sizes, 5 * repeats + 1))):
        out[name] = run()
        print(name, json.dumps(out[name])[:300], flush=True)
    return out
