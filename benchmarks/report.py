"""The benchmark results as a Markdown table and a PNG plot."""

from __future__ import annotations


def _ms(s: float) -> str:
    return f"{s * 1e3:.2f} ms" if s < 0.01 else f"{s * 1e3:.1f} ms"


def markdown(res: dict) -> str:
    out = [f"Measured {res['date']} on {res['machine']}.", ""]
    out += ["| benchmark | measured side by side | ratio / exponent | target |", "|---|---|---|---|"]
    if "cold" in res:
        c = res["cold"]
        m = c["median_s"]
        out.append(f"| cold start | mdx {_ms(m['mdx'])}, `import sympy` {_ms(m['import sympy'])}, "
                   f"`python -c pass` {_ms(m['python -c pass'])} | {c['ratio_to_sympy']:.2f} of sympy, "
                   f"{c['ratio_to_pass']:.1f}× the floor | ≤ 0.25 of sympy |")
    if "warm" in res:
        w = res["warm"]
        if w["median_ratio"] is not None:
            failed = ", ".join(f"{n} {why}" for why, n in sorted(w["sympy_failures"].items()))
            out.append(f"| warm throughput | the {w['compared']} of {w['of']} public problems SymPy "
                       f"differentiates (it fails on {failed}); mdx median {_ms(w['mdx_median_s'])} "
                       f"a problem from text, steps included | SymPy/mdx median {w['median_ratio']:.1f}× "
                       f"(least {w['min_ratio']:.1f}×); {w['median_ratio_rendered']:.1f}× with every step "
                       f"also printed as text, LaTeX and NumPy | ≥ 10× |")
    if "scaling" in res:
        for name, s in res["scaling"].items():
            last = s["rows"][-1]
            var = "L" if name.startswith("depth") else "k"
            target = "time ≤ 2, length ≤ 1" if s.get("steps", True) else "time ≤ 1.2, length ≤ 1"
            if var == "L" and s.get("steps", True):
                target += f"; L = {last['n']} < 2 s"
            out.append(f"| scaling, {name} | {var} = {last['n']}: {last['time_s']:.2f} s, "
                       f"result {last['result_tokens']:,} tokens ({last['result_chars']:,} characters) | "
                       f"time ∝ {var}^{s['time_exponent']:.2f}, length ∝ {var}^{s['length_exponent']:.2f} "
                       f"(characters {var}^{s['chars_exponent']:.2f}; the input's tokens "
                       f"{var}^{s['input_exponent']:.2f}) | {target} |")
    if "batch" in res:
        b = res["batch"]
        big = max(r["problems"] for r in b["rows"])
        for r in b["rows"]:
            if r["problems"] == big:
                out.append(f"| batch via {r['via']} | {big:,} problems: {r['per_s']:.0f} problems/s, "
                           f"peak {r['peak_mb']:.0f} MB | memory ×{b['memory_growth'][r['via']]:.2f} "
                           f"from the small batch | constant |")
    if "generated" in res and "rows" in res["generated"]:
        g = res["generated"]
        blas = g.get("blas", {})
        numpy_blas = "; ".join(f"{b['internal_api']} {b['version']} ({b['architecture']}, "
                               f"{b['num_threads']} thread{'s' * (b['num_threads'] != 1)})"
                               for b in blas.get("numpy_blas", []))
        torch_blas = f"{blas.get('torch_blas') or 'its own BLAS'}, {blas.get('torch_threads')} thread(s)"
        for r in g["rows"]:
            out.append(f"| generated NumPy, {r['case']} (n = {g['n']}) | NumPy {_ms(r['numpy_s'])}, "
                       f"PyTorch forward+backward {_ms(r['torch_s'])}; NumPy on {numpy_blas}, "
                       f"PyTorch on {torch_blas} | {r['median_ratio']:.2f} | ≤ 1.0 |")
    if "large" in res:
        out += _large_rows(res["large"])
    out.append("")
    if "scaling" in res:
        for name, s in res["scaling"].items():
            out.append(f"{name}: " + ", ".join(f"{r['n']}: {r['time_s'] * 1e3:.0f} ms/{r['result_tokens']} tokens"
                                               for r in s["rows"]))
    return "\n".join(out) + "\n"


def _large_rows(lg: dict) -> list:
    """Issue 25's rows: large problems, each against its target."""
    rows = []
    d = lg.get("deep_steps")
    if d:
        rows.append(f"| text with steps, depth-192 network | {d['time_s']['192']:.2f} s in process "
                    f"(96: {d['time_s']['96']:.2f} s); a process peaks at {d['peak_mb']:.0f} MB for "
                    f"{d['output_mb']:.1f} MB of output | time ∝ L^{d['exponent']:.2f} from 96 to 192 | "
                    f"≤ 150 MB, exponent ≤ 2.0 |")
    j = lg.get("json_steps")
    if j:
        rows.append(f"| JSON with steps, depth-128 network | {j['time_s']['128']:.2f} s in process, "
                    f"exit {j['exit']}; {j['output_mb']:.1f} MB of output; harness: "
                    f"{j['harness'].get('summary', j['harness'].get('error'))[:90]} | peak "
                    f"{j['peak_mb']:.0f} MB | ≤ 300 MB, ≤ 20 MB of output |")
    t = lg.get("long_product")
    if t:
        rows.append(f"| tr(A1 X … Ak X) | k = 128: {t['time_s']['128']:.2f} s (k = 64: "
                    f"{t['time_s']['64']:.2f} s) | time ∝ k^{t['exponent']:.2f} | ≤ 3 s, exponent ≤ 2.2 |")
    h = lg.get("deep_hessian")
    if h:
        rows.append(f"| Hessian of a depth-32 network | differential {h['time_s']['differential']:.2f} s, "
                    f"chain {h['time_s']['chain']:.2f} s; a process peaks at {h['peak_mb']:.0f} MB | "
                    f"{h['ratio']:.2f} of the chain method's time | ≤ 2, ≤ 200 MB |")
    for r in lg.get("batch_code", {}).get("rows", []):
        rows.append(f"| generated NumPy, {r['case']} | mdx {_ms(r['mdx_s'])}, hand-written NumPy "
                    f"{_ms(r['by_hand_s'])} (one BLAS thread) | {r['ratio']:.2f} | ≤ 1.5 |")
    return rows


def plot(res: dict, path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    ax = axes[0]
    if "cold" in res:
        m = res["cold"]["median_s"]
        names = list(m)
        ax.bar(names, [m[k] * 1e3 for k in names], color=["#3a7", "#c55", "#999"])
        ax.set_ylabel("ms (median)")
        ax.set_title("cold start, whole process")
    ax = axes[1]
    if "scaling" in res:
        for name, s in res["scaling"].items():
            ns = [r["n"] for r in s["rows"]]
            ax.loglog(ns, [r["time_s"] for r in s["rows"]], "o-", label=f"time, {name}")
        ax.set_xlabel("L or k")
        ax.set_ylabel("seconds")
        ax2 = ax.twinx()
        for name, s in res["scaling"].items():
            ns = [r["n"] for r in s["rows"]]
            ax2.loglog(ns, [r["result_tokens"] for r in s["rows"]], "s--", alpha=0.5, label=f"length, {name}")
        ax2.set_ylabel("result length (tokens)")
        ax.legend(loc="upper left", fontsize=8)
        ax2.legend(loc="lower right", fontsize=8)
        ax.set_title("scaling (log-log)")
    ax = axes[2]
    labels, values = [], []
    if "warm" in res and res["warm"]["median_ratio"]:
        labels.append("SymPy diff / mdx\n(warm, median)")
        values.append(res["warm"]["median_ratio"])
    if "generated" in res and "rows" in res["generated"]:
        for r in res["generated"]["rows"]:
            labels.append("torch / NumPy\n" + r["case"].split(",")[0])
            values.append(1 / r["median_ratio"])
    ax.bar(labels, values, color="#37a")
    ax.axhline(1, color="k", lw=0.8)
    ax.set_yscale("log")
    ax.set_title("speed-up of mdx (higher is better)")
    ax.tick_params(axis="x", labelsize=8)
    fig.suptitle(f"mdx benchmarks — {res['machine']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
