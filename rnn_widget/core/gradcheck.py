"""Central finite differences of the loss, the independent check of BPTT."""

from __future__ import annotations

import numpy as np

from .network import Network


def numerical_gradients(net: Network, X, targets, h0=None, c0=None, eps: float = 1e-6) -> dict:
    """dL/dW for every parameter by (L(W + eps) - L(W - eps)) / (2 eps), one entry at a time."""
    probe = net.copy()
    out = {}
    for name, value in net.params.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            losses = []
            for sign in (1.0, -1.0):
                w = value.copy()
                w[idx] += sign * eps
                probe._params[name] = w
                probe._packed = None
                losses.append(probe.forward(X, h0, c0, targets).loss)
            g[idx] = (losses[0] - losses[1]) / (2 * eps)
        probe._params[name] = value
        probe._packed = None
        out[name] = g
    return out
