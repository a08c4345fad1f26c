"""A different but hand-friendly variant of a network per student, reproducible from a seed.

The seed is any text or number; by default the JupyterHub user name (``JUPYTERHUB_USER``), so
neighbours get different numbers and the teacher regenerates any student's variant from the
user name. Every weight that is not zero gets a new value: a small whole number from -2 to 2
(not 0) when the original weights are all whole numbers (Tom Yeh's), otherwise one decimal from
-1.0 to 1.0 (not 0). Weights that are zero stay zero (they keep an exercise as simple as its
original). The inputs, initial states and targets are kept. A draw whose hidden states die
(a whole state of zeros, as ReLU can make) or grow past 100 is drawn again.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np

from ..core import Network

#: How many draws are tried before the last one is kept.
TRIES = 50


def user_seed() -> str | None:
    """The JupyterHub user name, or None outside a hub."""
    return os.environ.get("JUPYTERHUB_USER") or None


def rng_for(name: str, seed) -> np.random.Generator:
    """A generator fixed by the exercise's name and the seed (text or number): the same on every
    machine and Python version (sha256, not Python's salted hash)."""
    digest = hashlib.sha256(f"rnn-widget exercise\x00{name}\x00{seed}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


def _draw(rng: np.random.Generator, template: np.ndarray, whole: bool) -> np.ndarray:
    if whole:
        choices = np.array([-2.0, -1.0, 1.0, 2.0])
    else:
        choices = np.array([k / 10 for k in range(-10, 11) if k])
    new = rng.choice(choices, size=template.shape)
    return np.where(template == 0, 0.0, new)


def _ok(net: Network, inputs, h0, c0) -> bool:
    with np.errstate(all="ignore"):
        trace = net.forward(inputs, h0, c0)
    for lt in trace.layers:
        h = lt.h
        if not np.isfinite(h).all() or np.abs(h).max() > 100 or (np.abs(h).sum(axis=1) == 0).any():
            return False
        if h.shape[0] > 1 and (np.abs(h).sum(axis=0) == 0).any():
            return False  # a unit that is zero at every step teaches nothing (one dead step can)
    return trace.y is None or bool(np.isfinite(trace.y).all() and np.abs(trace.y).max() <= 1000)


def variant(name: str, net: Network, inputs, seed, h0=None, c0=None) -> Network:
    """A network with the same spec whose non-zero weights are drawn from `seed`."""
    params = net.params
    whole = all(np.array_equal(v, np.round(v)) for v in params.values())
    rng = rng_for(name, seed)
    new = net.copy()
    for _attempt in range(TRIES):
        new.set_params({k: _draw(rng, v, whole) for k, v in params.items()})
        if _ok(new, inputs, h0, c0):
            break
    return new


def hand_friendly(value) -> bool:
    """Every entry a whole number or one decimal."""
    arr = np.asarray(value, dtype=float) * 10
    return bool(np.allclose(arr, np.round(arr), atol=1e-9))
