import mdx


def test_derive_returns_textbook_form():
    der = mdx.derive("d tr(X^T A X) / dX")
    assert der.result.shape == ("n", "m")
    assert der.steps[-1].equals == "derivative"
