"""The cyclic garbage collector, paused while mdx derives (mdx.bounds.limits.bounded)."""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_paused = 0
_collecting = True


def pause_collector() -> None:
    """Expression nodes are immutable and hold no cycles, yet a deep derivation builds
    hundreds of thousands of them, and the cyclic collector traversed them again and again
    (a third of the time of a 128-layer network's steps).  It pauses while any call runs
    and resumes, as it was, when the last one returns; what little garbage a call leaves
    in cycles is collected then."""
    global _paused, _collecting
    with _lock:
        if _paused == 0:
            _collecting = gc.isenabled()
            gc.disable()
        _paused += 1


def resume_collector() -> None:
    global _paused
    with _lock:
        _paused -= 1
        if _paused == 0 and _collecting:
            gc.enable()
