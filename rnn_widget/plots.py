"""matplotlib figures for reports and slides, one function each. Importing this module imports
matplotlib; ``import rnn_widget`` does not.

Every function takes a *source*: an `RNNWidget`, a `Preset`, or a `(Network, Trace)` pair, and
returns a matplotlib Figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

_GATES = {"lstm": ("i", "f", "o", "c_tilde"), "gru": ("r", "z", "n")}
_GATE_TITLES = {
    "i": "input gate i",
    "f": "forget gate f",
    "o": "output gate o",
    "c_tilde": "candidate c~",
    "r": "reset gate r",
    "z": "update gate z",
    "n": "candidate n",
}


def _resolve(source):
    """(network, trace, gradients or None, loss history) from any supported source."""
    from .core import Network

    if hasattr(source, "result") and hasattr(source, "network"):  # RNNWidget
        return source.network, source.result(), source.gradients(), list(source.loss_history)
    if hasattr(source, "forward") and hasattr(source, "network") and hasattr(source, "inputs"):  # Preset
        trace = source.forward()
        grads = source.network.backward(trace) if trace.loss is not None else None
        return source.network, trace, grads, []
    if isinstance(source, tuple) and len(source) == 2 and isinstance(source[0], Network):
        net, trace = source
        grads = net.backward(trace) if trace.loss is not None else None
        return net, trace, grads, []
    raise TypeError(f"expected an RNNWidget, a Preset or a (Network, Trace) pair, got {type(source).__name__}")


def _steps(T):
    return np.arange(1, T + 1)


def hidden_states(source, layer: int = -1, ax=None):
    """h_t of every unit of a layer over time, one line per unit."""
    _, trace, _, _ = _resolve(source)
    H = trace.layers[layer].h
    fig, ax = _figure(ax)
    for j in range(H.shape[1]):
        ax.plot(_steps(trace.T), H[:, j], marker="o", label=f"unit {j + 1}")
    ax.set_xlabel("time step t")
    ax.set_ylabel("h_t")
    ax.set_title(f"Hidden states, layer {_layer_no(trace, layer)}")
    ax.set_xticks(_steps(trace.T))
    ax.axhline(0, color="0.7", lw=0.8)
    if H.shape[1] <= 10:
        ax.legend(frameon=False)
    return fig


def gates(source, layer: int = -1):
    """Heatmaps of every gate (rows: units, columns: steps) of an LSTM or GRU layer, in [0, 1]."""
    net, trace, _, _ = _resolve(source)
    names = _GATES.get(net.spec.cell)
    if names is None:
        raise ValueError(f"a {net.spec.cell} cell has no gates; expected an lstm or gru network")
    values = trace.layers[layer].values
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 2.8), squeeze=False, constrained_layout=True)
    for ax, g in zip(axes[0], names):
        data = values[g].T
        lo, hi = (-1, 1) if g in ("c_tilde", "n") else (0, 1)
        im = ax.imshow(data, vmin=lo, vmax=hi, cmap="RdBu_r" if lo < 0 else "viridis", aspect="auto")
        ax.set_title(_GATE_TITLES[g])
        ax.set_xticks(range(trace.T), [str(t) for t in _steps(trace.T)])
        ax.set_yticks(range(data.shape[0]), [str(j + 1) for j in range(data.shape[0])])
        ax.set_xlabel("t")
        fig.colorbar(im, ax=ax, shrink=0.8)
    axes[0][0].set_ylabel("unit")
    return fig


def gradient_norms(source, layer: int = -1):
    """Left: ||dL/dh_t|| over t. Right: ||dh_T/dh_k|| over k on a log scale (vanishing/exploding)."""
    net, trace, grads, _ = _resolve(source)
    jac = net.jacobian_norms(trace, layer)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2), constrained_layout=True)
    if grads is not None:
        ax1.plot(_steps(trace.T), np.linalg.norm(grads.dh[layer], axis=1), marker="o")
        ax1.set_title("||dL/dh_t||")
    else:
        ax1.text(0.5, 0.5, "no targets: no loss to differentiate", ha="center", va="center", transform=ax1.transAxes)
        ax1.set_title("||dL/dh_t|| (needs targets)")
    ax1.set_xlabel("time step t")
    ax1.set_xticks(_steps(trace.T))
    k = np.arange(0, trace.T + 1)
    ax2.semilogy(k, np.maximum(jac, 1e-300), marker="o", color="C3")
    ax2.set_title(f"||dh_T/dh_k||, T = {trace.T}")
    ax2.set_xlabel("k (0 is h0)")
    ax2.set_xticks(k)
    return fig


def loss_curve(history, ax=None):
    """The loss before each SGD step (a list, or an RNNWidget whose loss_history is used)."""
    if hasattr(history, "loss_history"):
        history = history.loss_history
    history = np.asarray(list(history), dtype=float)
    if history.size == 0:
        raise ValueError("the loss history is empty: train first (w.train(...) or core.train(...))")
    fig, ax = _figure(ax)
    steps = np.arange(1, history.size + 1)
    positive = history > 0
    if positive.all() and history.max() / max(history.min(), 1e-300) > 100:
        ax.semilogy(steps, history)
    else:
        ax.plot(steps, history)
    ax.set_xlabel("SGD step")
    ax.set_ylabel("loss")
    ax.set_title("Training loss")
    return fig


def _figure(ax):
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.2), constrained_layout=True)
        return fig, ax
    return ax.figure, ax


def _layer_no(trace, layer):
    return (layer % len(trace.layers)) + 1
