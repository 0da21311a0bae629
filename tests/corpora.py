"""The problem corpora the tests run over: the public evaluation cases beside this
repository (when present), the ML corpus and the identity table."""

import importlib.util
from pathlib import Path

from identities import FIRST_ORDER, MORE, SECOND_ORDER
from ml_corpus import CASES as ML_CASES

PUBLIC = Path(__file__).resolve().parents[2] / "shared" / "eval" / "cases_public.py"


def public_cases() -> list:
    if not PUBLIC.is_file():
        return []
    spec = importlib.util.spec_from_file_location("cases_public", PUBLIC)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CASES)


CORPUS = [("public", c) for c in public_cases()] + [("ml", c) for c in ML_CASES] + \
    [("identities", c) for c in FIRST_ORDER + SECOND_ORDER + MORE]
