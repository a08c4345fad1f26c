"""Plain SGD (optional momentum and clipping) over one sequence, with a loss history."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .network import Network
from .validate import sgd_options


class SGD:
    """PyTorch's SGD update: v = momentum * v + g (v = g on the first step), p -= lr * v."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.0):
        self.lr, self.momentum = sgd_options(lr, momentum)
        self._velocity: dict = {}

    def step(self, net: Network, grads) -> None:
        new = {}
        for name, g in grads.params.items():
            if self.momentum:
                v = self._velocity.get(name)
                v = g.copy() if v is None else self.momentum * v + g
                self._velocity[name] = v
                g = v
            new[name] = net._params[name] - self.lr * g
        bad = [k for k, v in new.items() if not np.isfinite(v).all()]
        if bad:
            raise FloatingPointError(
                f"the update made {bad} non-finite (training diverged); the weights were kept as "
                f"they were: lower the learning rate or set clip_norm"
            )
        net._params.update(new)
        net._packed = None


def train(
    net: Network,
    X,
    targets,
    steps: int = 100,
    lr: float = 0.01,
    *,
    momentum: float = 0.0,
    clip_norm: float | None = None,
    truncate: int | None = None,
    h0=None,
    c0=None,
    callback: Callable | None = None,
) -> list[float]:
    """Run `steps` SGD steps on one sequence in place; returns the loss before each step.

    ``callback(step, trace, grads)`` is called after every step; returning False stops early.
    """
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    opt = SGD(lr, momentum)
    history = []
    for i in range(steps):
        trace, grads = net.run(X, targets, h0, c0, clip_norm=clip_norm, truncate=truncate)
        history.append(trace.loss)
        opt.step(net, grads)
        if callback is not None and callback(i, trace, grads) is False:
            break
    return history
