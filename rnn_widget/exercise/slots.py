"""The slots of an exercise (one number to fill in each), checking a number, and reading a slot's
value from the trace or from a recomputation with the student's own answers."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.validate import NUMBER_LIMIT, _is_number, short
from .names import Location

#: Right to the precision a person writes by hand: within 0.01, or 1% of the value when larger.
DEFAULT_TOLERANCE = {"abs": 0.01, "rel": 0.01}
DEFAULT_ATTEMPTS = 3


class AnswersHidden(RuntimeError):
    """The Python reading API of an exercise before `reveal_answers()`."""


class AnswerError(ValueError):
    """An answer that is not a number, or names no open blank: it costs no attempt."""


class Slot:
    """One number to fill in: a blank names a value, a vector or matrix blank has one slot per entry."""

    def __init__(self, name: str, blank: str, loc: Location, truth: float, weight: float, attempts: int | None):
        self.name, self.blank, self.loc, self.truth, self.weight = name, blank, loc, truth, weight
        self.status = "open"
        self.attempts_left = attempts
        self.answer: float | None = None
        self.hint = ""
        self.message = ""

    @property
    def closed(self) -> bool:
        """Right or revealed: its value may be shown. A wrong slot stays hidden, also when its
        attempts are used up, until the teacher reveals the answers."""
        return self.status in ("right", "revealed")

    def to_json(self) -> dict:
        loc = self.loc
        return {
            "name": self.name,
            "blank": self.blank,
            "kind": loc.kind,
            "path": list(loc.path),
            "index": list(loc.index),
            "layer": loc.layer,
            "step": loc.step,
            "status": self.status,
            "attempts_left": self.attempts_left,
            "answer": self.answer,
            "value": self.truth if self.closed else None,
            "hint": self.hint,
            "message": self.message,
        }


def _tolerance(tolerance) -> dict:
    if tolerance is None:
        return dict(DEFAULT_TOLERANCE)
    if _is_number(tolerance) and tolerance >= 0:
        return {"abs": float(tolerance), "rel": 0.0}
    if isinstance(tolerance, dict) and set(tolerance) <= {"abs", "rel"}:
        out = {"abs": 0.0, "rel": 0.0}
        for k, v in tolerance.items():
            if not _is_number(v) or v < 0:
                raise ValueError(f"tolerance {k} must be a number >= 0, got {short(v)}")
            out[k] = float(v)
        return out
    raise ValueError(f"tolerance must be a number (absolute) or {{'abs': a, 'rel': r}}, got {short(tolerance)}")


def _read(trace_json: dict, loc: Location) -> float:
    v: Any = trace_json
    for p in loc.path:
        v = v[p]
    for i in loc.index:
        v = v[i]
    return float(v)


def _recomputed(ctx, loc: Location) -> float:
    if loc.path[0] == "layers":
        assert loc.layer is not None and loc.step is not None and loc.unit is not None
        return float(ctx.layers[loc.layer][loc.step][loc.path[3]][loc.unit])
    if loc.path[0] == "y":
        assert loc.step is not None and loc.unit is not None
        return float(ctx.y[loc.step][loc.unit])
    return float(ctx.loss)


def _number(slot: str, value) -> float:
    if isinstance(value, (list, tuple, np.ndarray, dict)):
        raise AnswerError(f"{slot} is one number; got {short(value)}")
    if not _is_number(value) or abs(value) > NUMBER_LIMIT:
        raise AnswerError(
            f"{slot}: {short(value)} is not a number; expected a finite number between "
            f"-{NUMBER_LIMIT:g} and {NUMBER_LIMIT:g}"
        )
    return float(value)
