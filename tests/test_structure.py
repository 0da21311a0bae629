"""The house: packages along the road the data take, each importing only those below it; no
import circle among mdx's modules (counting imports inside functions, which only postpone a
circle); a few entries under mdx/; no module much over 400 lines."""

import ast
from pathlib import Path

import mdx

PACKAGE = Path(mdx.__file__).resolve().parent
MAX_LINES = 420


def _modules() -> dict:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict) -> set:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in modules and m not in (name, "mdx")}


def _cycle(graph: dict):
    """One import circle as a list of modules, or None."""
    state: dict = {}
    for start in graph:
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        if state.get(start):
            continue
        state[start] = 1
        while stack:
            node, kids = stack[-1]
            nxt = next(kids, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                stack.append((nxt, iter(sorted(graph[nxt]))))
                path.append(nxt)
    return None


def test_no_import_circle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert sum(len(v) for v in graph.values()) > 100          # the walk sees the imports
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_the_walk_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_over_about_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


# The road the data take, from the bottom: a package imports only those before it.
ROAD = ("errors", "bounds", "language", "expressions", "simplification", "shapes", "rendering",
        "checking", "derivation", "cli")


def _package(module: str):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] != "__main__" else None


def test_each_package_imports_only_the_packages_below_it():
    modules = _modules()
    upward = []
    for name, path in modules.items():
        mine = _package(name)
        if mine is None:
            continue
        assert mine in ROAD, f"{name}: a package not on the road"
        for target in _imports(name, path, modules):
            theirs = _package(target)
            if theirs is not None and ROAD.index(theirs) > ROAD.index(mine):
                upward.append(f"{name} -> {target}")
    assert not upward, upward


def test_the_package_is_a_few_entries():
    entries = [p.name for p in PACKAGE.iterdir() if p.name != "__pycache__"]
    assert len(entries) <= 12, sorted(entries)
    for pkg in ROAD:
        path = PACKAGE / pkg
        if path.is_dir():               # each package says what it owns and what it imports
            doc = ast.get_docstring(ast.parse((path / "__init__.py").read_text(encoding="utf-8")))
            assert doc and "Imports" in doc, pkg
