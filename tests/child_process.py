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
