"""The problem corpora the tests run over: the public evaluation cases beside this
repository (when present), the ML corpus and the identity table; and the stand-ins for
the held-out corpus (tests/heldout_standin_*.py, in the harness's case format)."""

import importlib.util
from pathlib import Path

from identities import FIRST_ORDER, MORE, SECOND_ORDER
from ml_corpus import CASES as ML_CASES

PUBLIC = Path(__file__).resolve().parents[2] / "shared" / "eval" / "cases_public.py"
PUBLIC_TYPING = PUBLIC.with_name("cases_typing_public.py")
STANDINS = tuple(sorted(Path(__file__).resolve().parent.glob("heldout_standin_*.py")))


def case_file(path: Path) -> list:
    """The CASES of a case file (the harness's format), or none where it is not there."""
    if not path.is_file():
        return []
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CASES)


def public_cases() -> list:
    return case_file(PUBLIC)


CORPUS = [("public", c) for c in public_cases()] + [("ml", c) for c in ML_CASES] + \
    [("identities", c) for c in FIRST_ORDER + SECOND_ORDER + MORE]
