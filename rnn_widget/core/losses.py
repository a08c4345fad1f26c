"""Losses over the scored steps of a sequence, with their gradient with respect to the readout.

- ``squared``: L = 1/2 * sum over scored steps and units of (y - target)^2 (the by-hand form:
  dL/dy = y - target).
- ``mse``: the mean of (y - target)^2 over scored steps and units (PyTorch's MSELoss).
- ``cross_entropy``: the mean over scored steps of -sum_j target_j log softmax(y_pre)_j
  (PyTorch's CrossEntropyLoss; a target is a class index or a probability vector).
"""

from __future__ import annotations

import math

import numpy as np

from .activations import softmax

_ONES: dict = {}


def ones(n: int) -> np.ndarray:
    """A cached read-only vector of n ones (``ones(T) @ A`` sums the rows of A in one BLAS call;
    np.ones itself costs more than that call at these sizes)."""
    v = _ONES.get(n)
    if v is None:
        v = np.ones(n)
        v.setflags(write=False)
        if len(_ONES) < 256:
            _ONES[n] = v
    return v


def loss_and_grad(kind: str, y_pre, y, targets, scored, *, n_scored: int | None = None):
    """Returns (loss, per-step losses (T,), dL/dy (or dL/dy_pre for cross_entropy), probs or None).

    ``n_scored``, when the caller knows it, is ``scored.sum()``; every step is scored exactly when
    it equals the number of steps, and then the mask is not applied (it would multiply by 1).
    """
    T = scored.shape[0]
    if n_scored is None:
        n_scored = int(scored.sum())
    masked = n_scored != T
    n_scored = max(n_scored, 1)
    if kind == "cross_entropy":
        p = softmax(y_pre)
        logp = y_pre - y_pre.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        steps = -(targets * logp).sum(axis=1) * scored / n_scored
        grad = scored.astype(float)[:, None] * (p * targets.sum(axis=1, keepdims=True) - targets) / n_scored
        return float(steps.sum()), steps, grad, p
    diff = y - targets
    if masked:
        diff *= scored[:, None]
    sq = diff * diff
    steps = sq.dot(ones(sq.shape[1]))  # row sums: one BLAS call beats ndarray.sum here
    if kind == "squared":
        steps *= 0.5
    else:
        denom = n_scored * y.shape[1]
        steps /= denom
        diff *= 2.0 / denom
    # math.fsum: exactly rounded, and cheaper than ndarray.sum for short sequences
    return math.fsum(steps.tolist()), steps, diff, None
