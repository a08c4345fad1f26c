"""The thumbnails' coarse previews: a quantity's (T, hidden) values as (T, THUMB_ROWS) uint8 codes.

A thumbnail is 48 CSS pixels tall, so a unit of a 256-unit layer would be a fifth of a pixel: the
preview averages the units in THUMB_ROWS consecutive groups and quantises the average to 255 levels
of the quantity's colour range (code 0 = the range's low end, 254 = its high end, 255 = not a
number). That is 1/64 of the float32 values' bytes for hidden 256, and the page never shows a number
from it: the large map, the line, the coloured text and the readout use exact values only.

`colour_range` is the page's `rangeFor` (js/inspector/values.js) in numpy, on the same float32
values, so a preview is coloured on the scale the large map of that quantity uses.
"""

from __future__ import annotations

import math

import numpy as np

#: rows of a preview (at most: a layer with fewer units keeps one row per unit)
THUMB_ROWS = 32
GATES = frozenset("ifozr")


def _half(a: float) -> float:
    return max(1.0, math.ceil(a * 2) / 2)


def colour_range(name: str, values: np.ndarray) -> list[float]:
    """``[lo, hi]``: a gate 0..1; a tanh output -1..1; else +-the 99th percentile of |v| (over at
    most about 20,000 evenly spaced entries) rounded up to a half, as the page computes it."""
    if name in GATES:
        return [0.0, 1.0]
    flat = np.abs(np.asarray(values, dtype=np.float32).ravel())
    if not flat.size:
        return [-1.0, 1.0]
    if name != "c" and float(flat.max()) <= 1:
        return [-1.0, 1.0]
    sample = flat[:: max(1, flat.size // 20000)]
    k = min(sample.size - 1, math.floor(0.99 * sample.size))
    s = _half(float(np.partition(sample, k)[k]))
    return [-s, s]


def thumbnails(maps: list[np.ndarray], ranges: list[list[float]]) -> np.ndarray:
    """(Q, T, rows) uint8: each (T, hidden) map's units averaged in `rows` groups, then quantised."""
    T, hidden = maps[0].shape if maps else (0, 1)
    rows = min(hidden, THUMB_ROWS)
    edges = np.linspace(0, hidden, rows + 1).round().astype(int)
    counts = np.diff(edges).astype(np.float64)
    out = np.empty((len(maps), T, rows), dtype=np.uint8)
    for i, (m, (lo, hi)) in enumerate(zip(maps, ranges)):
        if not T:
            continue
        avg = np.add.reduceat(m, edges[:-1], axis=1) / counts if rows < hidden else m
        with np.errstate(invalid="ignore"):
            code = np.rint((np.clip(avg, lo, hi) - lo) * (254 / (hi - lo)))
        out[i] = np.where(np.isfinite(avg), code, 255)
    return out
