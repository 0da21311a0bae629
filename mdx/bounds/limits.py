"""Bounds that keep every problem finite: its length, its nesting, and the work of deriving it.

mdx's passes are recursive over the expression, and a derivative can be much larger than
its function (`X^k` has k terms, a product of n factors has n).  Rather than ever raise
RecursionError or run for minutes, mdx

* refuses a problem longer than MAX_CHARS, nested deeper than MAX_NESTING, or with a
  matrix power beyond MAX_MATRIX_POWER, with a LimitError that says so (before any work);
* runs the recursive work on one worker thread with a large stack (`deep`), so that any
  problem within those limits has room;
* charges every expression node built or printed to a budget (`charge`) and stops a call
  that would do more than MAX_WORK of them, again with a LimitError;
* looks at the clock and the memory every few thousand charges, and stops a problem that
  has run MAX_SECONDS or grown the process by MAX_MEMORY_MB (node counts alone let some
  problems run 45 s or reach 2.4 GB first).  Work that builds no nodes (SymPy's, NumPy's)
  runs `watched`, or checks `check_clock` between its steps.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import contextmanager
from functools import wraps

from ..errors import LimitError, MdxError, SizeLimitError
from .collector import pause_collector, resume_collector
from .watchdog import Expired, Watchdog

MAX_CHARS = 10_000          # a textbook problem is under 200 characters
MAX_NESTING = 200           # brackets, calls and norms inside one another
MAX_MATRIX_POWER = 256      # d(X^k) is a sum of k terms
MAX_WORK = 3_000_000        # nodes built or printed by one call (about 10 s here)
MAX_DIGITS = 100            # digits in one number (Python refuses int() of over 4,300)
MAX_EXPONENT = 300          # |e| of a number written 1e-4; floats end near 1e308
# An input line longer than a problem can be is not read into memory: it is that line's
# error, and mdx reads on to its end, a chunk at a time, to find the next line; a line
# that goes on for more than MAX_LINE_BYTES (`mdx derive -f /dev/zero`) ends the input.
MAX_LINE_BYTES = 1 << 30
MAX_SIZE_FACTORS = 64       # sizes multiplied in one dimension (Kronecker chains, vec)
MAX_SECONDS = 8.0           # wall-clock time of one problem: derived, verified and printed
MAX_MEMORY_MB = 350         # memory one problem may add to the process (it starts at 20-90 MB)
MAX_VERIFY_SIZE = 6         # --verify: larger declared sizes are checked smaller when too costly
MAX_VERIFY_ENTRIES = 1_000_000      # entries of one array in a numeric check
VERIFY_MICROSECONDS = 3_000_000     # the estimated cost of a numeric check, at most
MAX_EXACT_SIZE = 3          # --verify exact: matrices of symbols up to 3×3 (8×8 log det: minutes)
MAX_EXACT_POWER = 12        # and matrix powers up to X^12 (X^64: 95 s)
MAX_EXACT_ENTRIES = 400     # and no intermediate matrix of more entries
_CHECK_EVERY = 1024         # charges between two looks at the clock and the memory (a power of 2)

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


def check_numbers(text: str) -> None:
    """Refuse a number too long to be a number anyone means (a digit run of over
    MAX_DIGITS, an exponent beyond MAX_EXPONENT) before any work: turning it into a
    Fraction would fail (Python's limit on int() of a long string) or take minutes
    (1e999999999)."""
    import re
    for m in re.finditer(r"[0-9]{%d,}" % (MAX_DIGITS + 1), text):
        raise LimitError(f"this number has {m.end() - m.start():,} digits; mdx takes numbers of "
                         f"at most {MAX_DIGITS}", m.start() + 1,
                         "write it with an exponent, e.g. `1.5e120`", width=m.end() - m.start())
    for m in re.finditer(r"(?<![A-Za-z0-9_.])[0-9.]+[eE][+-]?([0-9]+)", text):
        if int(m.group(1)) > MAX_EXPONENT:
            raise LimitError(f"the exponent of this number is beyond ±{MAX_EXPONENT}", m.start() + 1,
                             f"write exponents from -{MAX_EXPONENT} to {MAX_EXPONENT}",
                             width=m.end() - m.start())


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
    if not left & (_CHECK_EVERY - 1):
        check_clock()


def check_clock() -> None:
    """LimitError once the problem has run MAX_SECONDS or grown the process by MAX_MEMORY_MB
    (nothing outside a bounded call or a `problem` budget)."""
    deadline = getattr(_state, "deadline", None)
    if deadline is not None:
        spent = _exceeded(deadline, _state.memory)
        if spent is not None:
            raise _limit_error(spent)
        if getattr(_state, "dog", False) is None:
            _watch_the_rest(deadline, _state.memory)


def _watch_the_rest(deadline: float, memory: float) -> None:
    """A call that has charged this much may run long between two charges (a rule that
    compares and hashes and builds little, over a huge sum): a watchdog stops it in time
    from now on.  Small calls never start one (a thread start is a tenth of their time)."""
    _state.dog = Watchdog(lambda: _exceeded(deadline, memory), WATCH_SECONDS)


def _stop_watching() -> str | None:
    """Stop the call's watchdog, if it started; what it found spent, if it fired."""
    dog = getattr(_state, "dog", None)
    _state.dog = False
    if not dog:
        return None
    dog.stop()
    return dog.reason


def _exceeded(deadline: float, memory: float) -> str | None:
    """What of a budget (its deadline, the memory at its start) is spent, if any.  The
    clock is cheap to read; the memory (a file of /proc) is read every MEMORY_SECONDS."""
    global _memory_due
    now = time.monotonic()
    if now > deadline:
        return f"more than {MAX_SECONDS:g} s"
    if now >= _memory_due:
        _memory_due = now + MEMORY_SECONDS
        if _memory_mb() - memory > MAX_MEMORY_MB:
            return f"more than {MAX_MEMORY_MB} MB of memory"
    return None


MEMORY_SECONDS = 0.02
_memory_due = 0.0


def _limit_error(spent: str, what: str = "") -> LimitError:
    _state.left = _state.deadline = None     # report once: rendering the error must not stop too
    if what:
        return LimitError(f"{what} needs {spent}", 1, "split the problem, or make it smaller")
    return LimitError(f"the problem needs {spent}: the derivation swells (a high power, a deep "
                      "nest of functions, a long product)", 1,
                      "split the problem, or lower the power or the depth")


def _memory_mb() -> float:
    """The process's resident memory now (its peak where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / 2 ** 20
    except (OSError, ValueError, IndexError):
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2 ** (20 if sys.platform == "darwin" else 10)


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@contextmanager
def problem():
    """One problem's budget of time and memory, for everything done for it inside the block
    (deriving, verifying and printing it), on this thread and on the worker it calls; an
    enclosing budget goes on."""
    if getattr(_state, "deadline", None) is not None:
        yield
        return
    _state.deadline, _state.memory = time.monotonic() + MAX_SECONDS, _memory_mb()
    try:
        yield
    finally:
        _state.deadline = None


def _budget() -> tuple:
    """This thread's (deadline, memory at the start, now), handed to the worker with a job."""
    return getattr(_state, "deadline", None), getattr(_state, "memory", 0.0), time.monotonic()


def _adopt(budget: tuple) -> None:
    """The worker takes a job's budget; the time it waited behind another thread's job
    is not the problem's."""
    deadline, _state.memory, queued = budget
    _state.deadline = None if deadline is None else deadline + time.monotonic() - queued


@contextmanager
def watched(what: str = ""):
    """Work that builds no nodes and so charges nothing (SymPy's) is stopped, like any
    other, when the problem's time or memory is spent, by a watchdog (mdx.bounds.watchdog) that
    looks at both every WATCH_SECONDS; the block then ends in a LimitError saying `what`
    was being done."""
    deadline = getattr(_state, "deadline", None)
    if deadline is None:
        yield
        return
    memory = _state.memory
    dog = Watchdog(lambda: _exceeded(deadline, memory), WATCH_SECONDS)
    try:
        yield
    except Expired:
        raise _limit_error(dog.reason or f"more than {MAX_SECONDS:g} s", what) from None
    finally:
        dog.stop()


WATCH_SECONDS = 0.1


def bounded(fn):
    """`deep`, with a work budget of MAX_WORK for the call and, unless the call is part of a
    `problem`, MAX_SECONDS and MAX_MEMORY_MB of its own (an enclosing call's budget, if
    there is one, goes on).  The clock starts before the first try on the caller's thread,
    so that a try again on the worker does not get a second budget."""
    @wraps(fn)
    def budgeted(*args, **kwargs):
        if getattr(_state, "left", None) is not None:
            return fn(*args, **kwargs)
        _state.left = MAX_WORK
        _state.scratch = {}
        _state.dog = None                   # none yet: check_clock starts one (_watch_the_rest)
        pause_collector()
        reason = None
        try:
            try:
                return fn(*args, **kwargs)
            finally:
                reason = _stop_watching()
        except MdxError as e:
            # A message for the user: its traceback would keep every frame of the failed
            # derivation, and every node they hold, alive as long as the error is kept
            # (seconds to free at exit; a batch keeps its errors).
            e.__traceback__ = e.__context__ = e.__cause__ = None
            raise
        except Expired:             # the call's watchdog's, or a watched block's as it ended
            raise _limit_error(reason or f"more than {MAX_SECONDS:g} s") from None
        finally:
            _state.left = _state.scratch = None
            resume_collector()
    run = deep(budgeted)

    @wraps(fn)
    def timed(*args, **kwargs):
        with problem():
            return run(*args, **kwargs)
    return timed


MAX_SCRATCH = 200_000       # entries of one of the call's memos; it starts again when full


def scratch(name: str) -> dict | None:
    """The memo `name` that lives as long as the bounded call (None outside one), for
    results that are pure functions of nodes the call holds (the structural order of two
    operands, a subexpression's differential)."""
    memos = getattr(_state, "scratch", None)
    if memos is None:
        return None
    memo = memos.setdefault(name, {})
    if len(memo) >= MAX_SCRATCH:
        memo.clear()
    return memo


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
            _jobs().put((fn, args, kwargs, box, done, _budget()))
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
        fn, args, kwargs, box, done, budget = jobs.get()
        _adopt(budget)
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:              # re-raised on the caller's thread
            box["error"] = e
        finally:
            _state.deadline = None
            done.set()
            fn = args = kwargs = box = done = None      # the caller has them: keep nothing


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
