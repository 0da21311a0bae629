"""What a check of a derivation found (mdx.checking.verify numerically, mdx.checking.exact with SymPy),
and the error it raises when the derivation fails it."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import MdxError


class VerificationError(MdxError):
    """mdx's result or a step disagrees with finite differences (or could not be checked)."""


@dataclass
class Verification:
    kind: str               # "numeric" or "exact"
    points: int
    max_error: float | None
    steps: int              # steps checked besides the result
    detail: str = ""

    def line(self) -> str:
        if self.kind == "exact":
            return f"verified exactly with SymPy: {self.detail}"
        what = "the result" + (f" and {self.steps} step{'s' * (self.steps != 1)}" if self.steps else "")
        line = (f"verified numerically at {self.points} random points ({what}): "
                f"max relative error {self.max_error:.0e}")
        return f"{line}; {self.detail}" if self.detail else line

    def json(self) -> dict:
        out = {"kind": self.kind, "points": self.points, "steps": self.steps}
        if self.max_error is not None:
            out["max_error"] = self.max_error
        if self.detail:
            out["detail"] = self.detail
        return out
