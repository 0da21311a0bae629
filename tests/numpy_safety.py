"""Is the code of `--format numpy` safe to eval?  A check of its syntax tree.

Safe here means: the only names are the function's parameters, names it binds itself
(`h1 = ...` before the return, `h1 := ...` in an expression) and `np`; every attribute is either a NumPy member reached from `np`
(`np.linalg.inv`) or one of the array attributes the printer uses (`.T`, `.shape`,
`.reshape`, `.astype`); calls go to NumPy, to `.reshape` or `.astype`, or to a parameter (an
abstract function the caller supplies); comparisons (`np.where(h1 > 0, ...)` for a step
product); and nothing else (no imports inside, no lambdas, no dunders,
no string constants except `order="F"` and einsum's "ik,kj->ij").
"""

from __future__ import annotations

import ast

from mdx.rendering.numpy_code import OUTER

ARRAY_ATTRS = {"T", "shape", "reshape", "astype"}
ALLOWED = (ast.Expression, ast.Expr, ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Load,
           ast.Store, ast.Attribute, ast.Constant, ast.Subscript, ast.Slice, ast.Tuple, ast.List,
           ast.NamedExpr, ast.keyword, ast.operator, ast.unaryop, ast.Compare, ast.cmpop)


def _np_chain(node) -> bool:
    """np, np.x, np.x.y: a member reached from the NumPy module."""
    while isinstance(node, ast.Attribute):
        if node.attr.startswith("_"):
            return False
        node = node.value
    return isinstance(node, ast.Name) and node.id == "np"


def check_expression(code: str, params: set) -> None:
    """Raise AssertionError if the expression `code` does anything but arithmetic on
    `params` with NumPy."""
    tree = ast.parse(code, mode="eval")
    bound = {n.target.id for n in ast.walk(tree) if isinstance(n, ast.NamedExpr)}
    names = set(params) | bound | {"np"}
    for node in ast.walk(tree):
        assert isinstance(node, ALLOWED), f"{type(node).__name__} in generated code: {code}"
        if isinstance(node, ast.Name):
            assert node.id in names, f"name {node.id!r} is not a parameter: {code}"
        elif isinstance(node, ast.Attribute):
            assert _np_chain(node) or node.attr in ARRAY_ATTRS, \
                f"attribute .{node.attr} outside np: {code}"
        elif isinstance(node, ast.Call):
            f = node.func
            ok = _np_chain(f) or (isinstance(f, ast.Attribute) and f.attr in ("reshape", "astype")) or \
                (isinstance(f, ast.Name) and f.id in params)
            assert ok, f"call of {ast.unparse(f)} in generated code: {code}"
        elif isinstance(node, ast.Constant):
            assert isinstance(node.value, (int, float)) or node.value in ("F", OUTER), \
                f"constant {node.value!r} in generated code: {code}"


def check_function(source: str) -> str:
    """Check a whole `numpy_function` output; returns the function's name."""
    module = ast.parse(source)
    imports = [n for n in module.body if isinstance(n, ast.Import)]
    funcs = [n for n in module.body if isinstance(n, ast.FunctionDef)]
    assert len(imports) == 1 and [a.name for a in imports[0].names] == ["numpy"] \
        and imports[0].names[0].asname == "np", "only `import numpy as np`"
    assert len(funcs) == 1 and len(module.body) == 2, "one import and one function"
    fn = funcs[0]
    assert not fn.decorator_list and not fn.args.defaults
    params = {a.arg for a in fn.args.args}
    body = fn.body
    assert isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), "docstring"
    assert isinstance(body[-1], ast.Return), "it ends with a return"
    known = set(params)
    for stmt in body[1:-1]:                 # h1 = ...: a repeated piece, computed once
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name), f"only `name = expression`: {ast.unparse(stmt)}"
        target = stmt.targets[0].id
        assert target not in known and target != "np", f"{target} bound twice or shadows a parameter"
        check_expression(ast.unparse(stmt.value), known)      # only names bound before it
        known.add(target)
    check_expression(ast.unparse(body[-1].value), known)
    return fn.name
