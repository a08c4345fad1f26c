"""Plain SGD (optional momentum and clipping) over one sequence, with a loss history."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .network import Network
from .trace import Gradients
from .validate import sgd_options


class SGD:
    """PyTorch's SGD update: v = momentum * v + g (v = g on the first step), p -= lr * v."""

    def __init__(self, lr: float = 0.01, momentum: float = 0.0):
        self.lr, self.momentum = sgd_options(lr, momentum)
        self._velocity: dict[str, np.ndarray] = {}

    def step(self, net: Network, grads: Gradients) -> Callable[[], None]:
        """One update of `net` in place, all or nothing; returns a function that undoes it.

        Raises FloatingPointError when the update would make a weight non-finite or larger than
        the widget's number limit (training diverged); then neither the network nor the
        momentum changed. Call the returned function to put back the weights and the momentum
        from before this step, e.g. when what comes after the step refuses the new weights::

            undo = opt.step(net, grads)
            try:
                check(net)
            except ValueError:
                undo()
        """
        velocity: dict[str, np.ndarray] = {}
        deltas = {}
        for name, g in grads.params.items():
            if self.momentum:
                v = self._velocity.get(name)
                v = g.copy() if v is None else self.momentum * v + g
                velocity[name] = v
                g = v
            deltas[name] = self.lr * g
        before = net.snapshot()
        try:
            net.subtract(deltas)
        except FloatingPointError as e:
            raise FloatingPointError(
                f"{e} (training diverged); the weights were kept as they were: lower the learning rate or set clip_norm"
            ) from None
        old_velocity = dict(self._velocity)
        self._velocity.update(velocity)

        def undo() -> None:
            net.restore(before)
            self._velocity = old_velocity

        return undo


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
    return sgd_loop(
        net,
        lambda: net.run(X, targets, h0, c0, clip_norm=clip_norm, truncate=truncate),
        steps,
        SGD(lr, momentum),
        callback,
    )


def sgd_loop(net: Network, run: Callable[[], tuple], steps: int, opt: SGD, callback: Callable | None) -> list:
    """`steps` SGD steps of `opt`, each on what ``run()`` returns, (trace, gradients) at the current
    weights: the loss before each step. ``callback(step, trace, grads)`` returning False stops.
    Shared by `train` (one sequence) and `batch.train` (the batch loss)."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    history: list = []
    for i in range(steps):
        trace, grads = run()
        history.append(float(trace.loss))
        opt.step(net, grads)
        if callback is not None and callback(i, trace, grads) is False:
            break
    return history
