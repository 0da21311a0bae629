"""SPEC 9, reading what practitioners type: how each form is read, the note that says so in
every output, sizes never named like symbols, and hints that never change the meaning.
(tests/test_typing_corpus.py checks the numbers of a whole corpus of such problems.)"""

import json
import re

import pytest

import mdx
from corpora import CORPUS
from mdx.expressions import expr as E
from mdx.language.names import default_kind
from test_identities import LAYOUTS, METHODS
from typing_corpus import CASES as TYPING_CASES, REFUSE

# (problem, {symbol: kind it is read as}, words a note must hold, or None for no note)
READINGS = [
    ("d 1e-4 ||w||^2 / dw", {"w": "vector"}, None),
    ("d λ1 ||w||^2 + λ2 sum(w) / dw", {"λ1": "scalar", "λ2": "scalar"}, None),
    ("d lambda_1 ||w||_1 + lambda_2 ||w||^2 / dw", {"lambda_1": "scalar", "lambda_2": "scalar"}, None),
    ("d log det(Σ) + tr(Σ^{-1} C) / dΣ", {"Σ": "matrix"}, None),
    ("d log det(Sigma) + tr(Sigma^{-1} C) / dSigma", {"Sigma": "matrix"}, None),
    ("d sqrt(x^T x + eps) / dx", {"eps": "scalar"}, None),
    ("d log(sigmoid(w^T x + b)) / db", {"b": "scalar"}, "b is read as a scalar"),
    ("d (y - w^T x)^2 / dw", {"y": "scalar"}, "y is read as a scalar"),
    ("d c ||x||^2 / dx", {"c": "scalar"}, "c is read as a scalar"),
    ("d -(y log(σ(w^T x + b)) + (1 - y) log(1 - σ(w^T x + b))) / dw",
     {"y": "scalar", "b": "scalar"}, "where y: vector"),
    # y w^T x is (y w^T) x by SPEC 7; y is read as a scalar where that makes f a scalar
    ("d relu(1 - y w^T x) / dw", {"y": "scalar"}, "where y: vector"),
    ("d c x^T A x / dA", {"c": "scalar"}, "c is read as a scalar"),
    ("d A x + b c^T x / dx", {"b": "vector"}, "so b c^T x is the vector b (c^T x)"),
    # a rank-one map that is f itself keeps SPEC 2's vector (SPEC 2-8 keep their meaning)
    ("d a b^T x / dx", {"a": "vector"}, "where a: scalar"),
    ("d u v^T w / dv", {"u": "vector"}, "where u: scalar"),
    # one name at a time: c alone makes f a scalar; a stays a vector (x^T a b^T x is one)
    ("d x^T a b^T x + c x^T A x / dx", {"c": "scalar", "a": "vector"}, "c is read as a scalar"),
    # each reading gathers the evidence it shows: b, once y is a scalar
    ("d relu(1 - y w^T x - b) / dw", {"y": "scalar", "b": "scalar"}, "y is read as a scalar"),
    ("d log(1 + exp(-y w^T x + b)) / dw, db", {"y": "scalar", "b": "scalar"}, "b is read as a scalar"),
    # written transposed, or the variable itself: a vector
    ("d c^T c + c x^T A x / dA", {"c": "vector"}, "where c: scalar"),
    ("d y w^T x / dy", {"y": "vector"}, "where y: scalar"),
    ("d (1 - y w^T x)^2 / dw", {"y": "scalar"}, "y is read as a scalar"),
    ("d y (w^T x) / dw", {"y": "scalar"}, "y is read as a scalar"),
    ("d logsumexp(K q / sqrt(d_k)) / dq", {"d_k": "scalar"}, "d_k is read as a scalar"),
    ("d w^T x + b + sum(A b) / db", {"b": "vector"}, "where b: scalar"),
    ("d x - mu / dx", {"mu": "scalar"}, "where mu: vector"),
    ("d -sum(Y .* log(softmax(X W))) / dW", {"W": "matrix"}, "dim=1"),
    ("d ||W X + b - Y||_F^2 / db", {"b": "vector"}, "b 1^T"),
    ("d ||Z + r||_F^2 / dr where r: row vector", {"r": "row vector"}, "1 r"),
    ("d ||X w + b - y||^2 / dw", {"b": "vector", "y": "vector"}, "one intercept"),
    ("d log det(A X B) / dX", {"A": "matrix", "B": "matrix"}, "A, X and B are read as square"),
    # an undeclared capital a computed scalar would be broadcast over, or that divides, is a
    # scalar (the C of an SVM, a count N); one that alone makes f a matrix stays a matrix,
    # with a note
    ("d ||w||^2 / 2 + C sum(relu(1 - y .* (X w))) / dw", {"C": "scalar", "X": "matrix"},
     "C is read as a scalar"),
    ("d x^T A x + B / dx", {"A": "matrix", "B": "scalar"}, "B is read as a scalar"),
    ("d ||X w - y||^2 / N / dw", {"N": "scalar", "X": "matrix"}, "N is read as a scalar"),
    ("d C ||w||^2 / dw", {"C": "matrix"}, "write `where C: scalar`"),
    ("d N^{-1} ||X w - y||^2 / dw", {"N": "matrix", "X": "matrix"}, "write `where N: scalar`"),
    ("d tr(X) A / dX", {"A": "matrix"}, "A is a matrix by the name"),
    ("d tr(log(X)) / dX", {"X": "matrix"}, "log det(X)"),
    # a computed scalar broadcast over an expression of undeclared names is said
    ("d x^T x + A y / dx", {"A": "matrix", "y": "vector"},
     "the scalar x^T x is added to every entry of A y"),
    # SPEC 2-8 keep their meaning, with no note
    ("d ||y - X w||^2 / dw", {"y": "vector"}, None),       # a target, not an intercept
    ("d θ a / dθ", {"a": "vector"}, None),
    ("d exp(θ a) / dθ", {"a": "vector"}, None),
    ("d 2 μ x / dx", {"x": "vector"}, None),
    ("d log(a + θ b) / dθ", {"a": "vector", "b": "vector"}, None),
    ("d ||x - mean(x) 1||^2 / dx", {"x": "vector"}, None),
    ("d x^T x y / dx", {"y": "vector"}, None),
    ("d A(x - y) / dx", {"A": "matrix", "y": "vector"}, None),
    ("d lambda (w^T w) / dw", {"lambda": "scalar"}, None),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("problem,kinds,note", READINGS, ids=[r[0] for r in READINGS])
def test_each_form_is_read_as_spec_9_says(problem, kinds, note, layout, method):
    out = mdx.derive(problem, layout=layout, method=method).json()
    for name, kind in kinds.items():
        assert out["symbols"][name]["kind"] == kind, (name, out["symbols"][name])
    notes = " ".join(out.get("notes", []))
    if note is None:
        assert "read as" not in notes and "works on each column" not in notes, notes
    else:
        assert note in notes, notes


# det of a product of factors no size is given for: square (the Matrix Cookbook's (51)),
# or the general reading where a size, a transpose or a repeated name says otherwise
SQUARE = [
    ("d log det(A X B) / dX", "AXB"),
    ("d det(A X B) / dX", "AXB"),
    ("d det(A B) / dA", "AB"),
    ("d det(2 A X) / dX", "AX"),
    ("d log det(A X) + tr(C X) / dX", "AX"),
    ("d log det(X^T A X) / dX", ""),
    ("d log det(A X B) / dX where A: matrix 2 x 3; B: matrix 4 x 2", ""),
    ("d log det(A X B) / dX where X: matrix n x m", ""),
    ("d tr(A X B) / dX", ""),
]


@pytest.mark.parametrize("problem,square", SQUARE)
def test_det_of_a_product_of_open_factors_is_read_square(problem, square):
    out = mdx.derive(problem).json()
    notes = " ".join(out.get("notes", []))
    shapes = {out["symbols"][n]["shape"][0] for n in square} | \
        {out["symbols"][n]["shape"][1] for n in square}
    assert len(shapes) <= 1, out["symbols"]
    assert ("read as square" in notes) == bool(square), notes


@pytest.mark.parametrize("problem", [
    "d y^T (gamma (x - mean(x)) / std(x) + beta) / dgamma",     # centred by its own mean
    "d ||x - mean(x) 1||^2 / dx",                                # the broadcast written out
    "d sum(x) + x / dx",                                         # the variable's own sum
])
def test_a_scalar_broadcast_over_its_own_names_is_not_noted(problem):
    notes = " ".join(mdx.derive(problem).json().get("notes", []))
    assert "broadcasts it" not in notes, notes


NOTED = [(p, n) for p, _, n in READINGS if n is not None]


@pytest.mark.parametrize("problem,note", NOTED, ids=[p for p, _ in NOTED])
def test_a_reading_is_noted_in_every_output(problem, note, tmp_path):
    der = mdx.derive(problem)
    assert f"note: {note}" in der.text() or note in der.text()
    assert "note: " in der.text(steps=False)
    assert r"\intertext{\raggedright Note: " in der.latex() and r"\intertext{\raggedright Note: " in der.latex(steps=False)
    assert any(note in n for n in json.loads(json.dumps(der.json()))["notes"])
    from mdx.cli.worksheet import build, derive_items, read_sheet
    sheet = build(derive_items(read_sheet(problem.encode()), "denominator", "differential"),
                  "t", "denominator", "differential")
    assert "Note: " in sheet


@pytest.mark.parametrize("problem", [
    "d sum(log(sigma(X w))) / dw", "d f(x^T A x) / dx", "d phi(x)^T phi(x) / dx",
    "d lambda(w^T w) / dw", "d λ(w^T w) / dw", "d psi(x)^T x / dx", "d h(A x) / dx",
    "d g(x)^T x / dx where g: vector", "d c(x + y)^T x / dx where c: scalar", "d f'(x) / dx",
])
def test_a_name_against_a_bracket_is_a_call_or_an_error(problem):
    with pytest.raises(mdx.MdxError) as info:
        mdx.derive(problem)
    err = info.value
    assert err.column > 1 and err.width > 1
    assert "function" in err.message


def _sizes(e: E.Expr, out: set) -> set:
    """The size names a result prints: shapes, 1_n, I_n, n used as a number, K_{m,n}."""
    for d in e.shape:
        out.update(d.split("*"))
    if isinstance(e, E.DimSize):
        out.add(e.n)
    if isinstance(e, E.Commutation):
        out.update((e.r, e.s))
    for k in e.children():
        _sizes(k, out)
    return out


ALL = CORPUS + [("typing", c) for c in TYPING_CASES] + [("refuse", {"problem": p}) for _, p in REFUSE]


@pytest.mark.parametrize("source,case", ALL, ids=lambda c: c if isinstance(c, str) else c["problem"])
def test_no_size_is_named_like_a_symbol(source, case):
    for method in METHODS:
        try:
            der = mdx.derive(case["problem"], method=method)
        except mdx.MdxError:
            return
        names = set(der.symbols)
        sizes = {d for s in der.symbols.values() for d in s.shape} | _sizes(der.result, set())
        declared = set(re.findall(r"[:x×,]\s*([A-Za-z]\w*)", case["problem"].split("where")[-1])) \
            if "where" in case["problem"] else set()
        assert not (sizes & names) - declared, (case["problem"], sizes & names)


# Names users bring: typos of mdx's names and functions of other tools.  A hint may suggest
# a name only of the same kind (a capital is a matrix, a call is a function), and never a
# function for a name that is some other function (cosh is not cos).
UNKNOWN = ["Sigm", "Lamda", "lamda", "Thetaa", "sigmod", "sofmax", "tanhh", "cosh", "sinh", "tan",
           "arctan", "atan", "log1p", "expm1", "std", "var", "max", "min", "clip", "gelu", "erf",
           "softmin", "logit", "square", "foo", "AX", "logsoftmax", "log_softmax"]


@pytest.mark.parametrize("called", [True, False], ids=["called", "bare"])
@pytest.mark.parametrize("name", UNKNOWN)
def test_no_hint_suggests_another_kind_or_another_function(name, called):
    from mdx.language.functions import function_names
    if name in function_names():
        pytest.skip(f"{name} is a function of the language now (SPEC 10)")
    problem = f"d sum({name}(x)) / dx" if called else f"d {name} x^T x / dx"
    with pytest.raises(mdx.MdxError) as info:
        mdx.derive(problem)
    hint = info.value.hint
    for suggestion in re.findall(r"did you mean `([^`]+)`", hint):
        from mdx.shapes.table import FUNCTIONS
        if called:
            assert suggestion in FUNCTIONS, (name, hint)
            assert name not in _FUNCTIONS_ELSEWHERE, (name, hint)
        else:
            assert default_kind(suggestion) == ("matrix" if name[0].isupper() else "scalar"), (name, hint)
    assert "sigma" not in hint.split("`") or name.lower() in ("sigm", "sigma"), hint


_FUNCTIONS_ELSEWHERE = {"cosh", "sinh", "tan", "arctan", "atan", "log1p", "expm1", "std", "var",
                        "max", "min", "clip", "gelu", "erf", "softmin", "logit", "square",
                        "logsoftmax", "log_softmax"}


def test_sigma_capitalised_is_a_matrix_not_a_hint_to_the_scalar():
    der = mdx.derive("d log det(Sigma) / dSigma")
    assert der.symbols["Sigma"].kind == "matrix"
