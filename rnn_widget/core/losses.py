"""Losses over the scored steps of a sequence, with their gradient with respect to the readout.

- ``squared``: L = 1/2 * sum over scored steps and units of (y - target)^2 (the by-hand form:
  dL/dy = y - target).
- ``mse``: the mean of (y - target)^2 over scored steps and units (PyTorch's MSELoss).
- ``cross_entropy``: the mean over scored steps of -sum_j target_j log softmax(y_pre)_j
  (PyTorch's CrossEntropyLoss; a target is a class index or a probability vector).
"""
from __future__ import annotations

import numpy as np

from .activations import softmax


def loss_and_grad(kind: str, y_pre, y, targets, scored):
    """Returns (loss, per-step losses (T,), dL/dy (or dL/dy_pre for cross_entropy), probs or None)."""
    m = scored.astype(float)[:, None]
    n_scored = max(int(scored.sum()), 1)
    if kind == "cross_entropy":
        p = softmax(y_pre)
        logp = y_pre - y_pre.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        steps = -(targets * logp).sum(axis=1) * scored / n_scored
        grad = m * (p * targets.sum(axis=1, keepdims=True) - targets) / n_scored
        return float(steps.sum()), steps, grad, p
    diff = (y - targets) * m
    if kind == "squared":
        steps = 0.5 * (diff * diff).sum(axis=1)
        return float(steps.sum()), steps, diff, None
    denom = n_scored * y.shape[1]
    steps = (diff * diff).sum(axis=1) / denom
    return float(steps.sum()), steps, 2.0 * diff / denom, None
