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
            f"number{'s' if width != 1 else ''} per time step"
        )
    if arr.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{what} is empty; expected at least one time step")
    if arr.shape[0] > LIMITS["max_steps"]:
        raise ValueError(f"{what} has {arr.shape[0]} steps; at most {LIMITS['max_steps']} are allowed")
    _finite(what, arr)
    return arr


#: The largest magnitude a number may have: the page refuses larger ones too (js/data/parse.js LIMIT).
NUMBER_LIMIT = 1e6
#: Numeric element types accepted in arrays; bool and text are refused even where numpy would cast them.
_NUMERIC = (int, float, np.integer, np.floating)


def short(value, limit: int = 60) -> str:
    """`repr(value)` cut to `limit` characters: messages quote what was given, never all of it."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _is_number(v) -> bool:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, _NUMERIC):
        return False
    try:
        return bool(np.isfinite(float(v)))
    except OverflowError:
        return False


def backward_options(clip_norm, truncate) -> tuple[float | None, int | None]:
    """Checked BPTT options: clip_norm a positive number or None, truncate a whole number of
    steps >= 1 or None."""
    if truncate is not None and (
        isinstance(truncate, bool) or not isinstance(truncate, (int, np.integer)) or truncate < 1
    ):
        raise ValueError(f"truncate must be a whole number of steps >= 1 or None, got {short(truncate)}")
    if clip_norm is not None and not (_is_number(clip_norm) and clip_norm > 0):
        raise ValueError(f"clip_norm must be a positive number or None, got {short(clip_norm)}")
    return (None if clip_norm is None else float(clip_norm)), (None if truncate is None else int(truncate))


def sgd_options(lr, momentum) -> tuple[float, float]:
    """Checked SGD options: a positive learning rate and a momentum in [0, 1)."""
    if not (_is_number(lr) and lr > 0):
        raise ValueError(f"learning rate must be a positive number, got {short(lr)}")
    if not (_is_number(momentum) and 0 <= momentum < 1):
        raise ValueError(f"momentum must be in [0, 1), got {short(momentum)}")
    return float(lr), float(momentum)


def _floats(what: str, value) -> np.ndarray:
    """`value` as a float array. Only real numbers count: True, "3" or "１２" are refused here as
    they are in the page (js/data/parse.js), although numpy would read them."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        return value.astype(float)
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{what} must be numbers, got the text {short(value)}")
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be numbers, got {value!r}")
    try:
        objs = np.array(value, dtype=object)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"{what} must be numbers (a number, list or array); could not read {short(value)}: {e}"
        ) from None
    for kind in set(map(type, objs.flat)):
        if issubclass(kind, (list, tuple, np.ndarray)):
            raise ValueError(f"{what} has rows of different lengths; expected a rectangular list of numbers")
        if issubclass(kind, (bool, np.bool_)) or not issubclass(kind, _NUMERIC):
            example = next(v for v in objs.flat if type(v) is kind)
            raise TypeError(f"{what} must be numbers; found {short(example)} ({kind.__name__})")
    try:
        return objs.astype(float)
    except OverflowError:
        raise ValueError(
            f"{what} holds a number too large to compute with; expected numbers between "
            f"-{NUMBER_LIMIT:g} and {NUMBER_LIMIT:g}"
        ) from None


def _finite(what: str, arr: np.ndarray) -> None:
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{what} holds {float(arr[idx])} at index {list(idx)}; expected finite numbers (no NaN or infinity)"
        )
    big = np.abs(arr) > NUMBER_LIMIT
    if big.any():
        idx = tuple(int(i) for i in np.argwhere(big)[0])
        raise ValueError(
            f"{what} holds {float(arr[idx]):g} at index {list(idx)}; expected numbers between "
            f"-{NUMBER_LIMIT:g} and {NUMBER_LIMIT:g}"
        )


def _shape(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
