"""Bounds that keep every problem finite: its length, its nesting, and the work of deriving it.

mdx's passes are recursive over the expression, and a derivative can be much larger than
its function (`X^k` has k terms, a product of n factors has n).  Rather than ever raise
RecursionError or run for minutes, mdx

* refuses a problem longer than MAX_CHARS, nested deeper than MAX_NESTING, or with a
  matrix power beyond MAX_MATRIX_POWER, with a LimitError that says so (before any work);
* runs the recursive work on one worker thread with a large stack (`deep`), so that any
  problem within those limits has room;
* charges every expression node built or printed to a budget (`charge`) and stops a call
  that would do more than MAX_WORK of them, again with a LimitError.
"""

from __future__ import annotations

import gc
import sys
import threading
from functools import wraps

from .errors import LimitError, SizeLimitError

MAX_CHARS = 10_000          # a textbook problem is under 200 characters
MAX_NESTING = 200           # brackets, calls and norms inside one another
MAX_MATRIX_POWER = 256      # d(X^k) is a sum of k terms
MAX_WORK = 3_000_000        # nodes built or printed by one call (about 10 s here)
MAX_SIZE_FACTORS = 64       # sizes multiplied in one dimension (Kronecker chains, vec)

_STACK_BYTES = 512 * 1024 * 1024    # reserved address space; only what is used is touched
_RECURSION = 60_000

_state = threading.local()
_lock = threading.Lock()
_workers = 0            # deep() calls running; the raised limit is put back when none is
_saved_limit = 1000


def check_text(text: str) -> None:
    """Refuse an over-long problem before parsing it."""
    if len(text) > MAX_CHARS:
        raise LimitError(f"the problem is {len(text):,} characters long; mdx takes at most "
                         f"{MAX_CHARS:,}", MAX_CHARS + 1,
                         "split it into smaller problems")


def nesting_error(depth_at: int) -> LimitError:
    return LimitError(f"brackets, calls and norms are nested more than {MAX_NESTING} deep",
                      depth_at + 1, "remove redundant parentheses or split the problem")


def size_error(factors: int) -> SizeLimitError:
    return SizeLimitError(f"a size here is a product of {factors} sizes (Kronecker products, vec); "
                          f"mdx takes at most {MAX_SIZE_FACTORS}", 1,
                          "split the Kronecker chain into smaller problems")


# ----------------------------------------------------------------- work budget
def charge() -> None:
    """One unit of work (a node built or printed); LimitError once the call's budget is spent."""
    left = getattr(_state, "left", None)
    if left is None:
        return
    if left <= 0:
        _state.left = None          # report once; rendering the error must not charge again
        raise LimitError(f"the derivation needs more than {MAX_WORK:,} steps of work: the "
                         "derivative swells (a high matrix power, a deep nest of functions)",
                         1, "split the problem, or lower the power or the depth")
    _state.left = left - 1


def bounded(fn):
    """`deep`, with a work budget of MAX_WORK for the call (an enclosing call's budget,
    if there is one, goes on)."""
    @wraps(fn)
    def budgeted(*args, **kwargs):
        if getattr(_state, "left", None) is not None:
            return fn(*args, **kwargs)
        _state.left = MAX_WORK
        _state.scratch = {}
        _pause_collector()
        try:
            return fn(*args, **kwargs)
        finally:
            _state.left = _state.scratch = None
            _resume_collector()
    return deep(budgeted)


MAX_SCRATCH = 200_000       # entries of the call's memo; it starts again when full


def scratch() -> dict | None:
    """A memo that lives as long as the bounded call (None outside one), for results that
    are pure functions of nodes the call holds (the structural order of two operands)."""
    memo = getattr(_state, "scratch", None)
    if memo is not None and len(memo) >= MAX_SCRATCH:
        memo.clear()
    return memo


# ----------------------------------------------------------------- the cyclic collector
_paused = 0
_collecting = True


def _pause_collector() -> None:
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


def _resume_collector() -> None:
    global _paused
    with _lock:
        _paused -= 1
        if _paused == 0 and _collecting:
            gc.enable()


# ----------------------------------------------------------------- room to recurse
def deep(fn):
    """Run `fn` where it has room to recurse: on the main thread if it fits under the
    ordinary recursion limit, else on mdx's worker thread, which has a large stack, under
    a high limit.

    Python's default limit (1000 frames) is too low for a derivative hundreds of levels
    deep, and raising it on the main thread risks overflowing the C stack instead.  One
    long-lived worker serves every call that needs it (starting a thread per call cost
    more than a small derivation); calls made on the worker itself run directly.  Calls
    from other threads, whose stacks may be small, always go to the worker.
    """
    @wraps(fn)
    def wrapper(*args, **kwargs):
        if getattr(_state, "deep", False) or getattr(_state, "first_try", False):
            return fn(*args, **kwargs)
        if threading.current_thread() is threading.main_thread() and not _looks_deep(args, kwargs):
            # Most problems need a few hundred frames: try them where we are (handing a call
            # to the worker costs ~0.1 ms, a fifth of a small derivation).  The main thread's
            # stack is large enough for the default limit; a RecursionError means "too deep
            # here", and the work is pure, so the worker simply does it again.
            _state.first_try = True
            try:
                return fn(*args, **kwargs)
            except RecursionError:
                pass
            finally:
                _state.first_try = False
        box: dict = {}
        done = threading.Event()
        _raise_limit()
        try:
            _jobs().put((fn, args, kwargs, box, done))
            done.wait()
        finally:
            _restore_limit()
        if "error" in box:
            raise box["error"]
        return box["value"]
    return wrapper


DEEP_BRACKETS = 40     # brackets and bars in a problem beyond which the worker is asked first


def _looks_deep(args, kwargs) -> bool:
    """A problem nested this deep recurses past the main thread's limit, and its first try
    there would fail only after doing most of the work (doubling a deep network's time)."""
    text = kwargs.get("problem")
    if text is None and args:
        text = args[0] if isinstance(args[0], str) else getattr(args[0], "problem", None)
    if not isinstance(text, str):
        return False
    return text.count("(") + text.count("|") + text.count("‖") > DEEP_BRACKETS


def first_try() -> bool:
    """True while a call runs on the caller's thread before (perhaps) going to the worker:
    a RecursionError must then propagate, to send it there."""
    return getattr(_state, "first_try", False)


_queue = None


def _jobs():
    """The worker's queue, starting the worker on first use."""
    global _queue
    with _lock:
        if _queue is None:
            import queue
            _queue = queue.SimpleQueue()
            old = threading.stack_size(_STACK_BYTES)
            try:
                threading.Thread(target=_serve, args=(_queue,), name="mdx-worker", daemon=True).start()
            finally:
                threading.stack_size(old)
    return _queue


def _serve(jobs) -> None:
    _state.deep = True
    while True:
        fn, args, kwargs, box, done = jobs.get()
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:              # re-raised on the caller's thread
            box["error"] = e
        finally:
            done.set()


def _raise_limit() -> None:
    """The recursion limit is interpreter-wide: raise it only while a worker runs, so that
    other threads (with ordinary stacks) keep the safe default."""
    global _workers, _saved_limit
    with _lock:
        if _workers == 0:
            _saved_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(_saved_limit, _RECURSION))
        _workers += 1


def _restore_limit() -> None:
    global _workers
    with _lock:
        _workers -= 1
        if _workers == 0:
            sys.setrecursionlimit(_saved_limit)
