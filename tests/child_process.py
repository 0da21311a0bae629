"""Running `python -m mdx` as a child process and measuring it: its exit code, output,
wall-clock seconds and its own peak memory.

The peak comes from os.wait4, for this child alone: RUSAGE_CHILDREN's ru_maxrss is the
largest peak of every child waited for so far, whichever test started it, so a test that
runs a large child would raise every later test's measure.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time


def run_mdx(args, stdin: bytes | None = None, timeout: float = 600) -> dict:
    """{"code", "out", "err", "seconds", "mb"}; a child still running after `timeout` is
    killed (its code is then negative)."""
    with tempfile.TemporaryFile() as inp, tempfile.TemporaryFile() as out, \
            tempfile.TemporaryFile() as err:
        inp.write(stdin or b"")
        inp.seek(0)
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "mdx", *args], stdin=inp, stdout=out,
                                stderr=err)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)       # reaped here, not by Popen
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        return {"code": proc.returncode, "out": out.read().decode("utf-8"),
                "err": err.read().decode("utf-8"), "seconds": seconds,
                "mb": usage.ru_maxrss / 1024}


_TORCH_AGAINST_NUMPY = """
import numpy as np, torch, mdx
rng = np.random.default_rng(0)
args = {args}
for problem in {problems!r}:
    for layout in ("denominator", "numerator"):
        der = mdx.derive(problem, layout=layout)
        spaces = {{}}, {{}}
        exec(compile(der.numpy_function(), "<mdx>", "exec"), spaces[0])
        exec(compile(der.torch_function(), "<mdx>", "exec"), spaces[1])
        np_fn, torch_fn = (next(v for k, v in sp.items() if k.startswith("df_d")) for sp in spaces)
        own = {{k: v for k, v in args.items() if k in der.symbols}}
        got = torch_fn(**{{k: torch.tensor(v) for k, v in own.items()}})
        assert np.allclose(np.asarray(got), np_fn(**own)), (problem, layout)
print("ok")
"""


def torch_code_matches_numpy(problems: tuple, args: str) -> None:
    """The --format torch function of each problem, in both layouts, gives what the NumPy
    one gives, at `args` (Python source of a dict of arrays; `rng` is there): in a process
    of its own, as tests/test_functions.py runs torch.  Skips without torch."""
    from importlib.util import find_spec
    import pytest
    if find_spec("torch") is None:
        pytest.skip("torch is not installed")
    out = subprocess.run([sys.executable, "-c", _TORCH_AGAINST_NUMPY.format(args=args, problems=problems)],
                         capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "ok", out.stderr
