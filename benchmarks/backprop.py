"""Whole-model gradients (SPEC 10, issue 24), measured side by side in one run:

1. Deriving all six parameters of a 3-layer network at once against deriving each alone
   (with steps, text printed): the ratio of the medians.
2. mdx's generated gradient of every parameter — the tuple-returning torch function and
   the NumPy one — against PyTorch autograd's forward and backward, on the same data,
   one thread, calls interleaved: a two-layer tanh network (n = 1000) and a batch softmax
   cross-entropy network (p = 10,000 samples); `jax.jit(jax.grad)` beside them where JAX
   is installed.

    python benchmarks/backprop.py [--repeats 15] [--json out.json]

Every figure is a ratio of medians taken in this run (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

# one thread each, NumPy's BLAS as PyTorch (set before NumPy loads its BLAS)
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

NET3 = "d ||W3 tanh(W2 tanh(W1 x + b1) + b2) + b3 - y||^2 / d{}"
NET3_VARS = ["W1", "b1", "W2", "b2", "W3", "b3"]

TANH2 = "d ||W2 tanh(W1 x + b1) + b2 - y||^2 / dW1, db1, dW2, db2"
SOFTMAX = "d -sum(Y .* log(softmax(W2 relu(W1 X + b1 1^T) + b2 1^T))) / dW1, db1, dW2, db2"


def _median_pair(a, b, repeats: int) -> tuple:
    """Median seconds of a() and b(), called alternately."""
    ta, tb = [], []
    a(), b()                                    # warm caches and lazy imports
    for _ in range(repeats):
        t = time.perf_counter()
        a()
        ta.append(time.perf_counter() - t)
        t = time.perf_counter()
        b()
        tb.append(time.perf_counter() - t)
    return statistics.median(ta), statistics.median(tb)


def sharing(repeats: int) -> dict:
    import mdx
    together = NET3.format(", d".join(NET3_VARS))

    def one():
        mdx.derive(together).text()

    def apart():
        for w in NET3_VARS:
            mdx.derive(NET3.format(w)).text()
    t1, t2 = _median_pair(one, apart, repeats)
    return {"together_s": t1, "apart_s": t2, "ratio": t1 / t2}


def _compiled(problem: str, library: str):
    import mdx
    der = mdx.derive(problem, steps=False)
    code = der.numpy_function() if library == "numpy" else der.torch_function()
    space: dict = {}
    exec(compile(code, "<mdx>", "exec"), space)
    from mdx.rendering.several import function_name
    return space[function_name(der)], list(der.symbols)


def _tanh_data(rng, n=1000, k=10):
    return {"W1": rng.standard_normal((n, n)) / n ** 0.5, "b1": rng.standard_normal((n, 1)),
            "W2": rng.standard_normal((k, n)) / n ** 0.5, "b2": rng.standard_normal((k, 1)),
            "x": rng.standard_normal((n, 1)), "y": rng.standard_normal((k, 1))}


def _softmax_data(rng, d=100, h=100, k=10, p=10_000):
    Y = (rng.integers(0, k, p)[None, :] == rng.permutation(k)[:, None]).astype(float)
    return {"W1": rng.standard_normal((h, d)) / d ** 0.5, "b1": rng.standard_normal((h, 1)),
            "W2": rng.standard_normal((k, h)) / h ** 0.5, "b2": rng.standard_normal((k, 1)),
            "X": rng.standard_normal((d, p)), "Y": Y}


def _torch_loss(name):
    import torch
    if name == "tanh2":
        return lambda W1, b1, W2, b2, x, y: torch.sum((W2 @ torch.tanh(W1 @ x + b1) + b2 - y) ** 2)
    return lambda W1, b1, W2, b2, X, Y: -torch.sum(
        Y * torch.log_softmax(W2 @ torch.relu(W1 @ X + b1) + b2, dim=0))


def code_speed(name: str, problem: str, data: dict, repeats: int) -> dict:
    import numpy as np
    import torch
    torch.set_num_threads(1)
    params = ["W1", "b1", "W2", "b2"]
    t_data = {k: torch.tensor(v) for k, v in data.items()}
    mdx_torch, order = _compiled(problem, "torch")
    mdx_numpy, _ = _compiled(problem, "numpy")
    loss = _torch_loss(name)

    def autograd():
        leaves = {k: v.clone().requires_grad_(k in params) for k, v in t_data.items()}
        out = loss(**leaves)
        return torch.autograd.grad(out, [leaves[k] for k in params])

    def generated():
        with torch.no_grad():
            return mdx_torch(**{k: t_data[k] for k in order})

    def numpy_code():
        return mdx_numpy(**{k: data[k] for k in order})
    mine = generated()
    theirs = autograd()
    for a, b in zip(mine, theirs):              # the same gradients, or the timing means nothing
        assert np.allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-8), name
    t_gen, t_auto = _median_pair(generated, autograd, repeats)
    t_np, t_auto2 = _median_pair(numpy_code, autograd, repeats)
    out = {"torch_generated_s": t_gen, "autograd_s": t_auto, "ratio_torch": t_gen / t_auto,
           "numpy_generated_s": t_np, "ratio_numpy": t_np / t_auto2}
    jax = _jax_time(name, data, repeats)
    if jax is not None:
        out["jax_jit_grad_s"] = jax
    return out


def _jax_time(name, data, repeats):
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    if name == "tanh2":
        def loss(W1, b1, W2, b2, x, y):
            return jnp.sum((W2 @ jnp.tanh(W1 @ x + b1) + b2 - y) ** 2)
    else:
        def loss(W1, b1, W2, b2, X, Y):
            return -jnp.sum(Y * jax.nn.log_softmax(W2 @ jax.nn.relu(W1 @ X + b1) + b2, axis=0))
    g = jax.jit(jax.grad(loss, argnums=(0, 1, 2, 3)))
    args = [jnp.asarray(data[k]) for k in ("W1", "b1", "W2", "b2")] + \
        [jnp.asarray(v) for k, v in data.items() if k not in ("W1", "b1", "W2", "b2")]
    jax.block_until_ready(g(*args))
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        jax.block_until_ready(g(*args))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--json", help="write the figures to this file")
    args = ap.parse_args()
    import numpy as np
    rng = np.random.default_rng(0)
    report = {"sharing": sharing(args.repeats)}
    s = report["sharing"]
    print(f"3-layer network, all six gradients with steps: {s['together_s'] * 1e3:.1f} ms at once, "
          f"{s['apart_s'] * 1e3:.1f} ms one by one: ratio {s['ratio']:.2f} (target ≤ 0.7)")
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not installed: the generated-code comparison is skipped")
    else:
        for name, problem, data in (("tanh2", TANH2, _tanh_data(rng)),
                                    ("softmax", SOFTMAX, _softmax_data(rng))):
            r = report[name] = code_speed(name, problem, data, args.repeats)
            jax = f", jax.jit(grad) {r['jax_jit_grad_s'] * 1e3:.2f} ms" if "jax_jit_grad_s" in r else ""
            print(f"{name}: mdx torch {r['torch_generated_s'] * 1e3:.2f} ms, autograd "
                  f"{r['autograd_s'] * 1e3:.2f} ms: ratio {r['ratio_torch']:.2f} (target ≤ 1.0); "
                  f"mdx NumPy ratio {r['ratio_numpy']:.2f}{jax}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)


if __name__ == "__main__":
    main()
