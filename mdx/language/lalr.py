"""A small LALR(1) runtime over plain-data tables, so that a start needs no `import lark`.

Lark (mdx.language.grammar_tables) builds the tables from grammar/mdx.lark, the one source of the
language, once; they are kept as JSON in the user's cache directory, stamped with a
checksum of the grammar, and with a checksum of the tables themselves, so that a damaged
file is rebuilt rather than trusted (and mdx.language.parser falls back to lark, and rebuilds,
should tables that pass fail while parsing).  This runtime lexes with the same per-state terminal patterns
(lark's contextual lexer), runs the same shift/reduce table, and builds the same tree
(aliases, `?rule` inlining, filtered tokens, positions), for valid input only: on any
syntax error it returns None and mdx.language.parser asks lark, whose exceptions it turns into
positioned messages.  tests/test_parser_tables.py compares the two trees.
"""

from __future__ import annotations

import json
import os
import re
import zlib

FORMAT = 2          # of the tables file; a file of another format is rebuilt


class Token(str):
    """A terminal: its text, with `type` and its span (the attributes mdx.language.parser reads)."""

    def __new__(cls, type_: str, value: str, start: int, end: int):
        tok = super().__new__(cls, value)
        tok.type, tok.value, tok.start_pos, tok.end_pos = type_, value, start, end
        tok.line, tok.end_line, tok.column, tok.end_column = 1, 1, start + 1, end + 1
        return tok

    @classmethod
    def new_borrow_pos(cls, type_: str, value: str, borrow: "Token") -> "Token":
        """lark.Token's spelling, for the post-lexer that retypes norm bars."""
        return cls(type_, value, borrow.start_pos, borrow.end_pos)


class _NoMatch(Exception):
    """No terminal of the current state matches here."""


class Meta:
    empty = True


class Tree:
    __slots__ = ("data", "children", "meta")

    def __init__(self, data: str, children: list):
        self.data, self.children, self.meta = data, children, Meta()


class Tables:
    """The parse table, the rules' tree-building plans and the lexers of every state."""

    def __init__(self, data: dict):
        self.states = [{sym: tuple(act) for sym, act in st.items()} for st in data["states"]]
        self.start, self.end = data["start"], data["end"]
        self.rules = [tuple(r) for r in data["rules"]]   # (origin, size, name, expand1, include)
        self.lexer_of = data["lexer_of"]                  # state -> index into lexers
        self.lexers = data["lexers"]                      # [[pattern, ...], flags]
        self.ignore = set(data["ignore"])
        self._compiled: dict = {}

    def scanners(self, state: int) -> list:
        i = self.lexer_of[state]
        got = self._compiled.get(i)
        if got is None:                 # compiled when first needed, as lark does
            patterns, flags = self.lexers[i]
            got = self._compiled[i] = [re.compile(p, flags) for p in patterns]
        return got


def parse(tables: Tables, text: str, postlex) -> Tree | None:
    """The tree of `text`, or None when it is not in the language (lark then explains)."""
    states, rules = tables.states, tables.rules
    state_stack, value_stack = [tables.start], []
    pos = 0
    try:
        for tok in postlex.process(_lex(tables, text, state_stack)):
            if _feed(states, rules, state_stack, value_stack, tok, tables.end) is None:
                return None
            pos = tok.end_pos
    except _NoMatch:
        return None
    end = Token("$END", "", pos, pos)
    return _feed(states, rules, state_stack, value_stack, end, tables.end, is_end=True)


def _lex(tables: Tables, text: str, state_stack: list):
    """Tokens by the lexer of the parser's current state (lazily: the state moves as the
    parser takes each token)."""
    pos, n = 0, len(text)
    while pos < n:
        for mre in tables.scanners(state_stack[-1]):
            m = mre.match(text, pos)
            if m:
                break
        else:
            raise _NoMatch
        value, kind, start = m.group(0), m.lastgroup, pos
        pos = m.end()
        if pos == start:                # an empty match would never move on: lark decides
            raise _NoMatch
        if kind not in tables.ignore:
            yield Token(kind, value, start, pos)


def _feed(states, rules, state_stack, value_stack, tok, end_state, is_end=False):
    """Shift `tok` after every reduction it calls for; the tree at the end of input."""
    while True:
        act = states[state_stack[-1]].get(tok.type)
        if act is None:
            return None
        shift, arg = act
        if shift:
            if is_end:
                return None
            state_stack.append(arg)
            value_stack.append(tok)
            return True
        origin, size, name, expand1, include = rules[arg]
        raw = value_stack[-size:] if size else []
        if size:
            del state_stack[-size:]
            del value_stack[-size:]
        value_stack.append(_build(raw, name, expand1, include))
        goto = states[state_stack[-1]].get(origin)
        if goto is None:
            return None
        state_stack.append(goto[1])
        if is_end and state_stack[-1] == end_state:
            return value_stack[-1]


def _build(raw: list, name: str, expand1: bool, include) -> object:
    """Lark's tree for one reduction: filter and inline the children, collapse a `?rule`
    with one child, then give a tree the span of everything it was made from."""
    if include is None:
        kids = list(raw)
    else:
        kids = []
        for i, inline in include:
            if inline:
                kids.extend(raw[i].children)
            else:
                kids.append(raw[i])
    res = kids[0] if expand1 and len(kids) == 1 else Tree(name, kids)
    if isinstance(res, Tree):
        _span(res.meta, raw)
    return res


def _span(meta: Meta, raw: list) -> None:
    first = next((c for c in raw if not isinstance(c, Tree) or not c.meta.empty), None)
    if first is None:
        return
    last = next(c for c in reversed(raw) if not isinstance(c, Tree) or not c.meta.empty)
    start = first.meta.container_start if isinstance(first, Tree) else first.start_pos
    end = last.meta.container_end if isinstance(last, Tree) else last.end_pos
    if meta.empty:                          # not yet set: a new tree, not a collapsed child
        meta.start_pos, meta.end_pos, meta.empty = start, end, False
        meta.line = meta.end_line = 1
        meta.column, meta.end_column = start + 1, end + 1
    meta.container_start, meta.container_end = start, end


# ----------------------------------------------------------------- the tables file
def cache_path(name: str) -> str | None:
    """A file in the user's cache directory for mdx.language.lalr's tables, or None for no cache:
    building the tables takes about 45 ms, a third of a cold start.  The directory must
    be the user's own, mode 0700 (mdx makes it so), and no symbolic link: else no cache.
    MDX_NO_CACHE=1 turns caching off."""
    if os.environ.get("MDX_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):         # the XDG rule: a relative path is ignored
        base = os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "mdx")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        if not _private_folder(folder):
            return None
    except OSError:
        return None
    import sys
    return os.path.join(folder, name % sys.version_info[:2])


def _private_folder(folder: str) -> bool:
    """True if `folder` is a directory of the user's own that no one else can write to
    (made mode 0700 if it was not)."""
    import stat
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != getattr(os, "geteuid", lambda: info.st_uid)():
        return False
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)
    return True


def load(grammar: str, path: str | None, postlex, rebuild: bool = False) -> Tables | None:
    """The tables for `grammar`: read from `path` (unless `rebuild`), else built with lark
    and written there; None when they cannot be had (then mdx.language.parser uses lark itself).

    The file is a header line, {"stamp": ..., "crc": ...}, then the tables as JSON; it is
    used only if the stamp is the grammar's and the CRC-32 of the tables matches."""
    stamp = f"{FORMAT}:{zlib.crc32(grammar.encode('utf-8'))}:{len(grammar)}"
    if path is not None and not rebuild:
        try:
            tables = _read(path, stamp)
            if tables is not None:
                return tables
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            pass                        # missing, stale or damaged: build it again
    from .grammar_tables import build
    data = build(grammar, postlex)
    if data is None:
        return None
    if path is not None:
        _write(path, data, stamp)
    return Tables(data)


_MOST_BYTES = 1 << 24       # the tables are about 50 kB; a larger file is not read


def _read(path: str, stamp: str) -> Tables | None:
    """The tables of the file at `path` if it is whole and of this grammar, else None.
    Only a regular file of the user's own is read (never through a symbolic link)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with open(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not _own_regular_file(info):
            return None
        blob = fh.read(_MOST_BYTES)
    head, _, body = blob.partition(b"\n")
    header = json.loads(head)
    if header.get("stamp") != stamp or header.get("crc") != zlib.crc32(body):
        return None
    data = json.loads(body)
    tables = Tables(data)
    _check(tables)
    return tables


def _own_regular_file(info) -> bool:
    import stat
    owner = getattr(os, "geteuid", lambda: info.st_uid)()
    return stat.S_ISREG(info.st_mode) and info.st_uid == owner and not info.st_mode & 0o022


def _check(tables: Tables) -> None:
    """Cheap consistency checks (a ValueError for tables that cannot be right); any
    other fault shows while parsing, and mdx.language.parser then rebuilds."""
    n = len(tables.states)
    if not (0 <= tables.start < n and 0 <= tables.end < n and len(tables.lexer_of) == n
            and all(0 <= i < len(tables.lexers) for i in tables.lexer_of)
            and all(len(r) == 5 for r in tables.rules)):
        raise ValueError("inconsistent parse tables")


def _write(path: str, data: dict, stamp: str) -> None:
    """Whole or not at all: another mdx starting at the same moment reads either file."""
    body = json.dumps(data, separators=(",", ":")).encode("utf-8")
    head = json.dumps({"stamp": stamp, "crc": zlib.crc32(body)}).encode("utf-8")
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with open(fd, "wb") as fh:
            fh.write(head + b"\n" + body)
        os.replace(tmp, path)
    except BaseException as e:       # a full disk only costs time; SIGINT leaves no litter
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if not isinstance(e, OSError):
            raise
