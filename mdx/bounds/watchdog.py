"""Stopping work that looks at no clock itself (SymPy's): a watchdog thread tests a
condition every few hundredths of a second and, once it holds, raises `Expired` into the
watched thread, at its next Python instruction.

`Expired` is a BaseException, not an Exception, so that SymPy's own `except Exception`
clauses do not swallow it.  A profile hook that looked at the clock from inside the
watched thread did the same job, but doubled SymPy's time; this costs a thread start.
"""

from __future__ import annotations

import threading


class Expired(BaseException):
    """Raised into a watched thread once its watchdog's condition holds."""


class Watchdog:
    """Watches the calling thread until `stop()`: `spent()` is tested every `seconds` and,
    once it returns a reason (not None), the thread raises Expired; `reason` keeps it."""

    def __init__(self, spent, seconds: float):
        self.thread, self.spent, self.seconds = threading.get_ident(), spent, seconds
        self.lock, self.done, self.fired, self.reason = threading.Lock(), threading.Event(), False, None
        threading.Thread(target=self._watch, name="mdx-watchdog", daemon=True).start()

    def _watch(self) -> None:
        while not self.done.wait(self.seconds):
            reason = self.spent()
            if reason is None:
                continue
            with self.lock:
                if not self.done.is_set():
                    self.reason, self.fired = reason, _raise_in(self.thread, Expired)
            return

    def stop(self) -> None:
        """The watched work is over: no Expired from now on.  One raised but not yet
        delivered is let through here and dropped.  It is not withdrawn: CPython 3.11's
        PyThreadState_SetAsyncExc(thread, NULL) leaves the interpreter's eval breaker set
        for good, and a thread under a trace function (hypothesis's, in the test suite)
        then spun at its next call without end."""
        while True:
            try:
                with self.lock:
                    self.done.set()
                break
            except Expired:             # delivered as the work ended
                continue
        if self.fired:
            _let_through()


def _let_through(calls: int = 100) -> None:
    """Run a few calls, at each of which a pending Expired is delivered, and drop it."""
    for _ in range(3):
        try:
            for _ in range(calls):
                _nothing()
            return
        except Expired:
            continue


def _nothing() -> None:
    """A call: the interpreter looks for an exception raised into the thread at each one."""


def _raise_in(thread: int, error) -> bool:
    """Make `thread` raise the exception class `error` at its next instruction."""
    import ctypes
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread),
                                                      ctypes.py_object(error)) == 1
