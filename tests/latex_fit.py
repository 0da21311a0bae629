"""Does every `--format latex` block fit a standard article's text width?

Derives each problem of the corpora (tests/corpora.py's public cases and stand-ins for the
held-out ones, the SPEC 10, several-variable, ML and typing corpora) by every method in both layouts, with steps and
without, sets the blocks one per page in a plain article with 1-inch margins, runs
pdflatex once per batch and maps each `Overfull \\hbox (X pt too wide)` and each error of
the log back to its block.

    python tests/latex_fit.py [--sample N] [--bold] [--jobs 2] [--show 10]

Prints the number of blocks, how many are wider than 5 pt (and the worst), how many did
not compile.  tests/test_latex.py runs a small sample of it.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

PREAMBLE = ("\\documentclass{article}\n\\usepackage[margin=1in]{geometry}\n"
            "\\usepackage{amsmath,amssymb,mathtools}\n\\begin{document}\n")
TOLERANCE = 5.0         # points: a box wider than the text by more is a defect
BATCH = 150             # blocks per pdflatex run
METHODS = ("differential", "chain", "definition")
LAYOUTS = ("denominator", "numerator")


@dataclass
class Block:
    label: str          # corpus/problem/method/layout/steps
    latex: str
    width: float = 0.0  # points too wide (0: fits)
    error: str = ""


def problems() -> list:
    """(corpus, problem) for every problem of the corpora, each once."""
    import ml_corpus
    import several_corpus
    import spec10_corpus
    import typing_corpus
    from corpora import PUBLIC_TYPING, STANDINS, case_file, public_cases
    seen, out = set(), []
    standins = [(path.stem, case_file(path)) for path in STANDINS]
    for corpus, cases in (("public", public_cases()), ("public-typing", case_file(PUBLIC_TYPING)),
                          *standins, ("spec10", spec10_corpus.CASES),
                          ("several", several_corpus.CASES), ("ml", ml_corpus.CASES),
                          ("typing", typing_corpus.CASES)):
        for c in cases:
            if c["problem"] not in seen:
                seen.add(c["problem"])
                out.append((corpus, c["problem"]))
    return out


def blocks_of(item) -> list:
    """Every LaTeX block of one problem (a problem mdx refuses has none)."""
    import mdx
    corpus, problem, bold = item
    out = []
    for method in METHODS:
        for layout in LAYOUTS:
            for steps in (True, False):
                label = f"{corpus}: {problem} [{method}, {layout}, {'steps' if steps else 'no-steps'}]"
                try:
                    der = mdx.derive(problem, layout=layout, method=method, steps=steps)
                    text = der.latex(steps=steps, bold=bold) if bold else der.latex(steps=steps)
                except mdx.MdxError:
                    continue
                except Exception as e:  # noqa: BLE001 - a printer bug is a finding, not a stop
                    out.append(Block(label, "", error=f"{type(e).__name__}: {e}"))
                    continue
                out.append(Block(label, text))
    return out


_OVERFULL = re.compile(r"^Overfull \\hbox \(([0-9.]+)pt too wide\).*?(?:lines? (\d+)|at line (\d+))")
_ERROR_LINE = re.compile(r"^l\.(\d+)")


def compile_blocks(blocks: list, workdir: Path) -> None:
    """Set `blocks` one per page and mark each with the width it overruns by, or its error."""
    lines, starts = PREAMBLE.count("\n") + 1, []
    parts = []
    for b in blocks:
        starts.append(lines)
        piece = b.latex + "\n\\clearpage\n"
        parts.append(piece)
        lines += piece.count("\n")
    (workdir / "fit.tex").write_text(PREAMBLE + "".join(parts) + "\\end{document}\n", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "fit.tex"],
                   cwd=workdir, capture_output=True, timeout=1200)
    log = (workdir / "fit.log").read_text(encoding="utf-8", errors="replace").splitlines()

    def owner(line: int) -> Block:
        k = max(i for i, s in enumerate(starts) if s <= line) if line >= starts[0] else 0
        return blocks[k]
    pending = None
    for ln in log:
        m = _OVERFULL.match(ln)
        if m:
            b = owner(int(m.group(2) or m.group(3)))
            b.width = max(b.width, float(m.group(1)))
        elif ln.startswith("! "):
            pending = ln[2:]
        elif pending and _ERROR_LINE.match(ln):
            b = owner(int(_ERROR_LINE.match(ln).group(1)))
            b.error = b.error or pending
            pending = None


def measure(items: list, jobs: int = 2) -> list:
    """Every block of `items` ((corpus, problem, bold)), compiled and measured."""
    if jobs > 1:
        from multiprocessing import Pool
        with Pool(jobs) as pool:
            derived = pool.map(blocks_of, items, chunksize=4)
    else:
        derived = [blocks_of(it) for it in items]
    blocks = [b for bs in derived for b in bs]
    good = [b for b in blocks if not b.error]
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(0, len(good), BATCH):
            compile_blocks(good[i:i + BATCH], Path(tmp))
    return blocks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=int, default=0, help="every k-th problem only")
    ap.add_argument("--bold", action="store_true", help="bold vectors and matrices")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=15, help="list the widest N blocks")
    args = ap.parse_args(argv)
    if shutil.which("pdflatex") is None:
        print("pdflatex is not installed")
        return 2
    items = [(c, p, args.bold) for c, p in problems()]
    if args.sample:
        items = items[::args.sample]
    blocks = measure(items, args.jobs)
    wide = sorted((b for b in blocks if b.width > TOLERANCE), key=lambda b: -b.width)
    broken = [b for b in blocks if b.error]
    print(f"{len(items)} problems, {len(blocks)} blocks: {len(wide)} wider than {TOLERANCE} pt"
          + (f" (worst {wide[0].width:.1f} pt)" if wide else "") + f", {len(broken)} did not compile")
    for b in wide[:args.show]:
        print(f"  {b.width:7.1f} pt  {b.label}")
    for b in broken[:args.show]:
        print(f"  error: {b.error}  {b.label}")
    return 1 if wide or broken else 0


if __name__ == "__main__":
    sys.exit(main())
