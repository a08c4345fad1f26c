"""Activation functions and their derivatives, written in terms of the output where possible.

Each entry maps a name to ``(f, df)`` where ``df(a, y)`` is the derivative at pre-activation
``a`` with output ``y = f(a)``. Working from ``y`` avoids recomputing ``tanh``/``sigmoid`` in BPTT.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Activation = Callable[[np.ndarray], np.ndarray]
#: df(a, y): the derivative at pre-activation a, whose output is y
Derivative = Callable[[np.ndarray, np.ndarray], np.ndarray]


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic function as 0.5 * tanh(a / 2) + 0.5: the same value, stable, no overflow."""
    return 0.5 * np.tanh(0.5 * np.asarray(a, dtype=float)) + 0.5


def relu(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0)


def identity(a: np.ndarray) -> np.ndarray:
    return a.copy()


def _d_tanh(a, y):
    return 1.0 - y * y


def _d_sigmoid(a, y):
    return y * (1.0 - y)


def _d_relu(a, y):
    # PyTorch's convention: the derivative at exactly 0 is 0.
    return (a > 0).astype(float)


def _d_identity(a, y):
    return np.ones_like(a, dtype=float)


ACTIVATIONS: dict[str, tuple[Activation, Derivative]] = {
    "tanh": (np.tanh, _d_tanh),
    "relu": (relu, _d_relu),
    "sigmoid": (sigmoid, _d_sigmoid),
    "identity": (identity, _d_identity),
}

#: How formulas print each activation.
DISPLAY = {"tanh": "tanh", "relu": "ReLU", "sigmoid": "σ", "identity": ""}


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row max for stability."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# In-place versions for the per-step loops: f(a, out) writes f(a) into out (out may be a).
def _tanh_(a, out):
    np.tanh(a, out=out)


def _relu_(a, out):
    np.maximum(a, 0.0, out=out)


def _sigmoid_(a, out):
    np.multiply(a, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5


def _identity_(a, out):
    if out is not a:
        np.copyto(out, a)


INPLACE = {"tanh": _tanh_, "relu": _relu_, "sigmoid": _sigmoid_, "identity": _identity_}
