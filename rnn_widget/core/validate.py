"""Turning user values into float arrays, with messages that say what was given and what was expected."""
from __future__ import annotations

import numpy as np

from .spec import LIMITS


def as_array(what: str, value, shape: tuple[int, ...]) -> np.ndarray:
    """A float64 copy of `value` with exactly `shape`.

    A flat list is accepted for a matrix with a single row or column (``[1, 2]`` for shape
    (1, 2) or (2, 1)), and a plain number for a 1 x 1 matrix or a length-1 vector.
    """
    arr = _floats(what, value)
    if arr.shape != shape:
        if arr.size == int(np.prod(shape)) and (arr.ndim <= 1) and (len(shape) < 2 or 1 in shape):
            arr = arr.reshape(shape)
        else:
            raise ValueError(f"{what} has shape {_shape(arr.shape)}; expected {_shape(shape)}")
    _finite(what, arr)
    return arr


def as_sequence(what: str, value, width: int, *, allow_empty: bool = False) -> np.ndarray:
    """A (T, width) float array; a flat list is read as T steps of one number when width is 1."""
    arr = _floats(what, value)
    if arr.ndim == 1 and width == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim == 0 and width == 1:
        arr = arr.reshape(1, 1)
    if arr.ndim != 2 or arr.shape[1] != width:
        raise ValueError(
            f"{what} has shape {_shape(arr.shape)}; expected (steps, {width}): one row of {width} "
            f"number{'s' if width != 1 else ''} per time step")
    if arr.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{what} is empty; expected at least one time step")
    if arr.shape[0] > LIMITS["max_steps"]:
        raise ValueError(f"{what} has {arr.shape[0]} steps; at most {LIMITS['max_steps']} are allowed")
    _finite(what, arr)
    return arr


def _floats(what: str, value) -> np.ndarray:
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{what} must be numbers, got the text {value!r}")
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{what} must be numbers (a number, list or array); could not read {value!r}: {e}") from None
    return arr


def _finite(what: str, arr: np.ndarray) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{what} holds {float(arr[idx])} at index {list(idx)}; expected finite numbers (no NaN or infinity)")


def _shape(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
