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
                probe.set_params({name: w})
                loss = probe.forward(X, h0, c0, targets).loss
                if loss is None:
                    raise ValueError("numerical_gradients needs targets: the loss is what it differentiates")
                losses.append(loss)
            g[idx] = (losses[0] - losses[1]) / (2 * eps)
        probe.set_params({name: value})
        out[name] = g
    return out
